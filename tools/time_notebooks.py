"""Run notebooks in fresh kernels and print how long each took, against a time limit.

Each notebook runs top to bottom with nbclient in a new ``python3`` kernel, from the notebook's
own folder, with the environment of ``make notebooks`` (``PYTHONHASHSEED=0``, matplotlib's
inline backend, ``JUPYTER_PREFER_ENV_PATH=1``). The notebooks are read, never written: outputs
stay as stored. The table gives seconds (kernel start included), code cells, status and whether
the run stayed under the limit; the load average is printed before and after, because seconds
on a shared machine mean little without it.

Usage::

    python tools/time_notebooks.py                        # notebooks/*.ipynb, training/**/*.ipynb
    python tools/time_notebooks.py notebooks/10_scale_up.ipynb --limit 60

Exit code 1 when a notebook fails or takes longer than the limit.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATTERNS = ("notebooks/*.ipynb", "training/**/*.ipynb")
NOTEBOOK_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "JUPYTER_PREFER_ENV_PATH": "1",
}


@dataclass
class Timing:
    """One notebook's run."""

    path: Path
    seconds: float
    cells: int
    status: str

    def under(self, limit: float) -> bool:
        """Whether the run succeeded within ``limit`` seconds."""
        return self.status == "ok" and self.seconds <= limit


def default_notebooks(root: Path = ROOT) -> list[Path]:
    """``notebooks/*.ipynb`` then ``training/**/*.ipynb``, each sorted, without checkpoints."""
    found: list[Path] = []
    for pattern in DEFAULT_PATTERNS:
        found += sorted(
            p for p in root.glob(pattern) if ".ipynb_checkpoints" not in p.parts and p not in found
        )
    return found


def time_notebook(path: Path, timeout: int = 600, kernel: str = "python3") -> Timing:
    """Execute one notebook in a fresh kernel from its folder and time it.

    Parameters
    ----------
    path : Path
        The notebook; it is read, not written.
    timeout : int
        Seconds one cell may take before the run counts as failed.
    kernel : str
        Kernel name.

    Returns
    -------
    Timing
        ``status`` is ``"ok"`` or ``"failed: <error name>: <first line of the message>"``.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    start = time.perf_counter()
    status = "ok"
    try:
        client.execute()
    except CellExecutionError as exc:
        status = f"failed: {getattr(exc, 'ename', 'error')}: {getattr(exc, 'evalue', '')}"
    except (CellTimeoutError, DeadKernelError, RuntimeError) as exc:
        status = f"failed: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    return Timing(path, seconds, cells, " ".join(status.split())[:120])


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def table(timings: list[Timing], limit: float) -> str:
    """The results as a plain-text table (also valid Markdown)."""
    width = max([len("notebook")] + [len(_relative(t.path)) for t in timings])
    lines = [
        f"| {'notebook':<{width}} | seconds | cells | under {limit:g} s | status",
        f"|{'-' * (width + 2)}|--------:|------:|:----------:|-------",
    ]
    for t in timings:
        mark = "yes" if t.under(limit) else "NO"
        lines.append(
            f"| {_relative(t.path):<{width}} | {t.seconds:7.1f} | {t.cells:5d} | {mark:^10} "
            f"| {t.status}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Time the notebooks named (default: every notebook); return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: all)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds allowed (default 60)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one cell may take")
    args = parser.parse_args(argv)
    paths = args.notebooks or default_notebooks()
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"error: no such notebook: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    os.environ.update(NOTEBOOK_ENV)  # kernels inherit this process's environment
    print(f"load average before: {_load()}", flush=True)
    timings = []
    for path in paths:
        print(f"running {_relative(path)} ...", flush=True)
        timing = time_notebook(path, timeout=args.timeout)
        print(f"  {timing.seconds:.1f} s, {timing.status}", flush=True)
        timings.append(timing)
    print(f"load average after:  {_load()}")
    print(table(timings, args.limit))
    slow = [t for t in timings if not t.under(args.limit)]
    total = sum(t.seconds for t in timings)
    print(
        f"{len(timings)} notebooks, {total:.1f} s in all; "
        f"{len(slow)} failed or over {args.limit:g} s"
    )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
