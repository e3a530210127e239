"""Run a competition notebook with papermill on given data, under a total time limit.

The run happens in a working folder the caller owns (a temporary one in
:func:`kit.compete.check_notebook`):

- ``run/`` is the notebook's working directory. ``run/data`` holds a copy of the organiser's data
  (every entry of the data folder except ``truth/``), so the answers never reach the notebook and
  the notebook cannot change the original.
  Papermill injects ``data_dir="data"``, ``clues_path="clues.csv"`` and ``capacity``, all
  relative, so no absolute path enters the notebook.
- ``guard/sitecustomize.py`` (:data:`kit.compete.guard.GUARD_SOURCE`) is first on the kernel's
  ``PYTHONPATH``: connections off the machine fail and are logged to ``guard.log``.
- ``KIT_DATASETS`` points at an empty folder, so ``kit.datasets.load("social_security")`` fails
  with the kit's own message: a competition notebook reads ``data_dir`` only.

Papermill runs in a child process (``python -m kit.compete.execute``). Every Python process
of the run records its pid, so at the time limit the kernel, the runner and anything they started
are stopped, and the cell that was running is read from the notebook papermill saves at each
cell's start. Cell numbers are those of the submitted notebook (``metadata.kit_cell``).
"""

from __future__ import annotations

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
    ``link=True`` links the entries instead (for data too large to copy; make it read-only
    first), falling back to a copy where the system has no symbolic links.
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
        Link the data into the run instead of copying it (see :func:`stage_data`).

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
    work = Path(workdir)
    run = work / "run"
    stage_data(data_dir, run / DATA_NAME, link=link_data)
    guard = write_guard(work / "guard")
    (work / "no_datasets").mkdir()
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
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(guard), os.environ.get("PYTHONPATH")])),
        "KIT_COMPETE_GUARD_LOG": str(work / "guard.log"),
        "KIT_COMPETE_PIDFILE": str(work / "pids"),
        "KIT_DATASETS": str(work / "no_datasets"),
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "JUPYTER_PREFER_ENV_PATH": "1",
    }
    started = time.monotonic()
    with open(work / "runner.err", "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kit.compete.execute", str(work / "spec.json")],
            cwd=run,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            proc.wait(timeout=time_limit)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
            _stop(proc, work / "pids")
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


def _stop(proc: subprocess.Popen[bytes], pidfile: Path) -> None:
    """Stop the runner, the kernel and every Python process of the run."""
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)
    for line in _lines(pidfile):
        try:
            pid = int(line)
            if pid != os.getpid():
                os.kill(pid, kill)
        except (ValueError, OSError):  # already gone
            pass
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
