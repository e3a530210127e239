"""Run a competition notebook with papermill on given data, under a total time limit.

The run happens in a working folder the caller owns (a temporary one in
:func:`kit.compete.check_notebook`):

- ``run/`` is the notebook's working directory. ``run/data`` holds a copy of the organiser's data
  (every entry of the data folder except ``truth/``), so the notebook cannot change the
  original. Papermill injects ``data_dir="data"``, ``clues_path="clues.csv"`` and ``capacity``,
  all relative.
- The organiser's paths are not handed to the run: papermill runs in a child process
  (``python -m kit.compete.execute``) whose only argument is the ``spec.json`` inside the working
  folder, whose working directory is ``run/`` and whose environment is a short list of
  variables (``PATH``, locale ...) with ``HOME``, ``TMPDIR`` and Jupyter's folders inside the
  working folder. This keeps honest notebooks from stumbling on the organiser's folders; it does
  **not** stop a notebook that looks for them on purpose (the checker's own command line, in
  ``/proc``, is readable by every process of the machine). ``run_as`` (root only) runs the child
  and the kernel as an unprivileged user, so files only the organiser can read (``kit compete
  prepare`` makes ``truth/`` 0700/0400 and the seed file 0600) stay unreadable; the real
  answer is a container or virtual machine holding only the data (``competition/README.md``).
- ``guard/sitecustomize.py`` (:data:`kit.compete.guard.GUARD_SOURCE`) is first on the kernel's
  ``PYTHONPATH``: connections off the machine fail and are logged to ``guard.log``.
- ``KIT_DATASETS`` points at an empty folder, so ``kit.datasets.load("social_security")`` fails
  with the kit's own message: a competition notebook reads ``data_dir`` only.

The child runs in a session (process group) of its own. After every run, at the time limit or
not, the group and every process descending from the child are killed, repeatedly until none is
left. On Linux the checker is a "child subreaper" during the run, so processes whose parent
exits (a ``sleep`` left by a cell, a ``start_new_session`` child, a double fork) are re-parented
to it and still found by walking ``/proc``. Processes started outside that tree (through a
service such as ``systemd-run``, ``at`` or ``cron``) escape, and where there is no ``/proc``
(macOS, Windows) only the process group is stopped. The cell that was running at the time limit
is read from the notebook papermill saves at each cell's start. Cell numbers are those of the
submitted notebook (``metadata.kit_cell``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.compete.guard import write_guard
from kit.errors import KitError

#: The clue file the notebook writes, relative to its working directory.
CLUES_NAME = "clues.csv"
DATA_NAME = "data"
KERNEL = "python3"


@dataclass
class Execution:
    """The outcome of one run.

    Attributes
    ----------
    status : {"ok", "error", "timeout", "failed"}
        ``error``: a cell raised; ``timeout``: the time limit was reached; ``failed``: the
        notebook could not be run at all (no kernel, unreadable ...).
    seconds : float
        Wall-clock seconds from launch, kernel start included.
    cell : int or None
        The cell that raised or was running at the time limit (submitted numbering).
    ename, evalue : str
        The exception's name and message (``error`` and ``failed``).
    network : list of (int or None, str)
        Connections and look-ups the guard refused, with the cell that was running
        (``(5, "connect to 203.0.113.5:80")``).
    notebook : NotebookNode or None
        The executed notebook (partial after a timeout).
    workdir : Path
        The notebook's working directory (the clue file is there).
    """

    status: str
    seconds: float
    cell: int | None = None
    ename: str = ""
    evalue: str = ""
    network: list[tuple[int | None, str]] = field(default_factory=list)
    notebook: Any = field(default=None, repr=False)
    workdir: Path = field(default=Path("."), repr=False)

    @property
    def clue_path(self) -> Path:
        """Where the notebook was told to write its clue file."""
        return self.workdir / CLUES_NAME


def stage_data(data_dir: str | os.PathLike[str], target: Path, *, link: bool = False) -> Path:
    """Make ``target`` a copy of ``data_dir`` without its ``truth/`` folder; returns ``target``.

    A copy, so that a notebook writing into ``data_dir`` cannot change the organiser's data.
    ``link=True`` links the entries instead (for data too large to copy), falling back to a copy
    where the system has no symbolic links. Unsafe for notebooks you do not trust: a link names
    the organiser's folder, and the notebook can write through it unless the files are
    read-only.
    """
    source = Path(data_dir)
    if not (source / "datapackage.json").is_file():
        raise KitError(
            f"The data folder {source.name!r} has no datapackage.json. Fix: give a dataset "
            "folder (e.g. datasets/social_security, or the data/ folder of kit compete prepare)."
        )
    target.mkdir(parents=True)
    for entry in sorted(source.iterdir()):
        if entry.name == "truth" or entry.name.startswith("."):
            continue
        dest = target / entry.name
        if link:
            try:
                dest.symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
                continue
            except OSError:  # no symlinks (Windows without developer mode): copy
                pass
        if entry.is_dir():
            shutil.copytree(entry, dest)
        else:
            shutil.copy2(entry, dest)
    return target


def execute(
    nb: Any,
    data_dir: str | os.PathLike[str],
    workdir: str | os.PathLike[str],
    *,
    capacity: int = 50,
    time_limit: float = 300,
    kernel: str = KERNEL,
    link_data: bool = False,
    run_as: str | None = None,
) -> Execution:
    """Run a notebook on ``data_dir`` with papermill inside ``workdir`` (an empty folder).

    Parameters
    ----------
    nb : NotebookNode
        The notebook; cells should carry ``metadata.kit_cell`` (their submitted number).
    data_dir : path-like
        The dataset folder the notebook gets as ``data_dir`` (its ``truth/`` is left out).
    workdir : path-like
        A folder for the run (see the module docstring); the caller removes it.
    capacity : int
        Review capacity given to the notebook.
    time_limit : float
        Seconds for the whole run, kernel start included.
    kernel : str
        Jupyter kernel name.
    link_data : bool
        Link the data into the run instead of copying it (see :func:`stage_data`). Unsafe for
        untrusted notebooks: the links name the organiser's folders.
    run_as : str, optional
        Run papermill and the kernel as this user (e.g. ``nobody``); the checker must run as
        root. The working folder is given to that user.

    Returns
    -------
    Execution
    """
    import nbformat

    try:
        import papermill  # noqa: F401 - only to fail early with an install hint
    except ImportError:  # pragma: no cover - papermill is a core dependency
        raise KitError(
            "kit compete check runs notebooks with papermill, which is not installed. "
            "Fix: pip install 'papermill>=2.6'."
        ) from None
    user = _user(run_as) if run_as else None
    work = Path(workdir)
    run = work / "run"
    stage_data(data_dir, run / DATA_NAME, link=link_data)
    guard = write_guard(work / "guard")
    for folder in ("no_datasets", "home", "tmp"):
        (work / folder).mkdir()
    nbformat.write(nb, work / "input.ipynb")
    spec = {
        "input": str(work / "input.ipynb"),
        "output": str(work / "executed.ipynb"),
        "result": str(work / "result.json"),
        "cwd": str(run),
        "kernel": kernel,
        "parameters": {"data_dir": DATA_NAME, "clues_path": CLUES_NAME, "capacity": int(capacity)},
        "cell_timeout": int(time_limit) + 30,  # the total limit below stops the run first
    }
    (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    env = _environment(work, guard)
    owner: dict[str, Any] = {}
    prefix: list[str] = []
    if user is not None:
        _give(work, user[0], user[1])
        setpriv = shutil.which("setpriv")
        if setpriv:  # util-linux: switch user, group and clear the groups, then exec
            prefix = [setpriv, f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups"]
        else:
            owner = {"user": user[0], "group": user[1], "extra_groups": []}
    before = set(_proc_table()[0].get(os.getpid(), []))
    reaper = _subreaper(True)
    started = time.monotonic()
    try:
        with open(work / "runner.err", "wb") as err:
            proc = subprocess.Popen(
                [*prefix, sys.executable, "-m", "kit.compete.execute", str(work / "spec.json")],
                cwd=run,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
                **owner,
            )
            try:
                proc.wait(timeout=time_limit)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            stop_tree(proc, before)
    finally:
        if reaper is not None:
            _subreaper(reaper)
    seconds = time.monotonic() - started
    executed = _read_notebook(work / "executed.ipynb")
    network = _network_events(_lines(work / "guard.log"), executed)
    if timed_out:
        return Execution(
            "timeout", seconds, _running_cell(executed), "", "", network, executed, run
        )
    result = _read_result(work)
    return Execution(
        result["status"],
        seconds,
        _failed_cell(executed, result),
        result.get("ename", ""),
        result.get("evalue", ""),
        network,
        executed,
        run,
    )


#: Environment variables handed on to the run (nothing else of the checker's environment is).
KEPT_ENV = (
    "PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "TZ",
    "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "SYSTEMROOT", "SYSTEMDRIVE", "COMSPEC",
    "PATHEXT", "WINDIR", "PROGRAMDATA", "APPDATA", "LOCALAPPDATA",
)  # fmt: skip


def _environment(work: Path, guard: Path) -> dict[str, str]:
    """The run's environment: a few kept variables, the rest inside the working folder."""
    env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    home = str(work / "home")
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(guard), env.get("PYTHONPATH")])),
            "KIT_COMPETE_GUARD_LOG": str(work / "guard.log"),
            "KIT_DATASETS": str(work / "no_datasets"),
            "HOME": home,
            "USERPROFILE": home,
            "TMPDIR": str(work / "tmp"),
            "JUPYTER_RUNTIME_DIR": str(work / "home" / "runtime"),
            "JUPYTER_DATA_DIR": str(work / "home" / "jupyter"),
            "IPYTHONDIR": str(work / "home" / "ipython"),
            "MPLCONFIGDIR": str(work / "home" / "matplotlib"),
            "PYTHONHASHSEED": "0",
            "MPLBACKEND": "Agg",
            "JUPYTER_PREFER_ENV_PATH": "1",
        }
    )
    return env


def _user(name: str) -> tuple[int, int]:
    """``(uid, gid)`` of ``name``; the checker must be root to switch to it."""
    try:
        import pwd
    except ImportError:  # pragma: no cover - Windows
        raise KitError("--run-as works on Linux and macOS only.") from None
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise KitError(
            f"--run-as {name!r}: no such user. Fix: name an unprivileged user, e.g. nobody."
        ) from None
    if os.geteuid() != 0:
        raise KitError(
            f"--run-as {name!r} needs the checker to run as root (it switches the run to that "
            "user). Fix: run kit compete check as root, or run it in a container."
        )
    if entry.pw_uid == 0:
        raise KitError("--run-as root protects nothing. Fix: name an unprivileged user (nobody).")
    ids = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    try:  # the kernel is started by that user: it must be able to run this Python
        subprocess.run([sys.executable, "-c", "pass"], check=True, cwd="/", **ids)  # type: ignore[call-overload]
    except (OSError, subprocess.CalledProcessError):
        raise KitError(
            f"--run-as {name!r}: that user cannot run this Python ({sys.executable}), e.g. "
            "because it lies under a folder only its owner can enter (/root). Fix: install the "
            "kit where every user can read it, or run submissions in a container instead."
        ) from None
    return entry.pw_uid, entry.pw_gid


def _give(folder: Path, uid: int, gid: int) -> None:
    """Make ``folder`` and everything in it (not following links) belong to uid:gid."""
    os.chown(folder, uid, gid)
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def _subreaper(on: bool) -> bool | None:
    """Linux: make this process adopt orphaned descendants; returns the previous setting
    (``None`` where that is not possible)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        previous = ctypes.c_int(0)
        if libc.prctl(37, ctypes.byref(previous), 0, 0, 0) != 0:  # PR_GET_CHILD_SUBREAPER
            return None
        if libc.prctl(36, int(on), 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
            return None
        return bool(previous.value)
    except (OSError, AttributeError):  # pragma: no cover - no libc
        return None


def _proc_table() -> tuple[dict[int, list[int]], dict[int, str]]:
    """``(children by parent pid, state by pid)`` of every process in ``/proc`` (empty without)."""
    children: dict[int, list[int]] = {}
    states: dict[int, str] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return children, states
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as handle:
                stat = handle.read()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) < 2:
            continue
        pid = int(name)
        states[pid] = fields[0]
        children.setdefault(int(fields[1]), []).append(pid)
    return children, states


def _descendants(roots: set[int], children: dict[int, list[int]]) -> set[int]:
    found: set[int] = set()
    todo = list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo += children.get(pid, [])
    return found


def stop_tree(
    proc: subprocess.Popen[bytes], before: set[int] | frozenset[int] = frozenset()
) -> None:
    """Kill the child, its process group and every process descending from it, until none is left.

    Descendants are found by walking ``/proc`` from the child and from the orphans this process
    adopted during the run (children that are not in ``before``); pid files written by the
    notebook are not trusted. Zombies adopted here are reaped.
    """
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)
    me = os.getpid()
    for _round in range(100):
        with contextlib.suppress(OSError, AttributeError):  # empty group, or no groups (Windows)
            os.killpg(proc.pid, kill)
        children, states = _proc_table()
        adopted = {p for p in children.get(me, []) if p not in before and p != proc.pid}
        tree = _descendants({proc.pid} | adopted, children) - {me}
        alive = {p for p in tree if states.get(p, "Z") not in ("Z", "X")}
        for pid in adopted:
            if states.get(pid) in ("Z", "X"):
                with contextlib.suppress(OSError):
                    os.waitpid(pid, os.WNOHANG)
        if not alive:
            break
        for pid in alive:
            with contextlib.suppress(OSError):  # gone meanwhile
                os.kill(pid, kill)
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [s for s in path.read_text(encoding="utf-8", errors="replace").splitlines() if s]


def _network_events(lines: list[str], nb: Any) -> list[tuple[int | None, str]]:
    """Each refused connection with the cell running at its time (papermill's start times)."""
    from datetime import datetime

    starts = []
    for cell in nb.cells if nb is not None else []:
        start = cell.metadata.get("papermill", {}).get("start_time")
        if start and "kit_cell" in cell.metadata:
            starts.append(
                (datetime.fromisoformat(start).timestamp(), int(cell.metadata["kit_cell"]))
            )
    events = []
    for line in lines:
        stamp, _, text = line.partition("\t")
        try:
            when = float(stamp)
        except ValueError:
            when, text = float("nan"), line
        running = [number for start, number in starts if start <= when]
        events.append((running[-1] if running else None, text))
    return events


def _read_notebook(path: Path) -> Any:
    """The executed notebook, or ``None`` when there is none (or it was cut mid-write)."""
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - missing or half-written by a killed runner
        return None


def _read_result(work: Path) -> dict[str, Any]:
    try:
        return json.loads((work / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        err = _lines(work / "runner.err")
        return {
            "status": "failed",
            "ename": "RunnerError",
            "evalue": err[-1] if err else "no result",
        }


def _running_cell(nb: Any) -> int | None:
    """Submitted number of the cell papermill marked as running, if any."""
    for cell in nb.cells if nb is not None else []:
        if cell.metadata.get("papermill", {}).get("status") == "running":
            return cell.metadata.get("kit_cell")
    return None


def _failed_cell(nb: Any, result: dict[str, Any]) -> int | None:
    """Submitted number of the cell papermill marked as failed (its ``cell_index`` counts the
    error banners it inserts, so the flag is the reliable mark)."""
    if result.get("status") != "error" or nb is None:
        return None
    for cell in nb.cells:
        if cell.metadata.get("papermill", {}).get("exception") and "kit_cell" in cell.metadata:
            return int(cell.metadata["kit_cell"])
    return None


def _runner(spec_path: str) -> int:
    """Child process: run papermill as the spec says and write ``result.json``."""
    # jsonschema builds an IRI grammar when rfc3987_syntax is importable, seconds of start-up
    # for a format notebooks never use; without it the run starts that much sooner.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill as pm

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result: dict[str, Any] = {"status": "ok"}
    try:
        pm.execute_notebook(
            spec["input"],
            spec["output"],
            parameters=spec["parameters"],
            kernel_name=spec["kernel"],
            cwd=spec["cwd"],
            progress_bar=False,
            log_output=False,
            execution_timeout=spec["cell_timeout"],
        )
    except pm.PapermillExecutionError as exc:
        result = {
            "status": "error",
            "cell_index": exc.cell_index,
            "ename": exc.ename,
            "evalue": str(exc.evalue),
        }
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failed run
        result = {"status": "failed", "ename": type(exc).__name__, "evalue": str(exc)[:500]}
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a child process
    sys.exit(_runner(sys.argv[1]))
