"""``check_notebook``: everything ``kit compete check`` does to one submitted notebook.

In order, every problem collected into one :class:`~kit.compete.problems.CheckReport`:

1. the file is a notebook;
2. the required sections and the ``parameters`` cell (:mod:`kit.compete.sections`);
3. the static scan of code and stored outputs: network, absolute paths, raw identifiers
   (:mod:`kit.compete.guard`);
4. the run with papermill on the given data under the time limit, with the network guard
   (:mod:`kit.compete.execute`); it is skipped when step 2 or 3 found network code or no
   parameters cell;
5. the outputs of that run, scanned again for identifiers (and names of the data's people) and
   paths;
6. the clue file the run wrote, read and checked (:mod:`kit.compete.clue_file`); it is copied
   to ``clues_out`` only when the notebook passed every check.

Every message of the report is masked (:func:`kit.mask.scrub_text`, and the data's names), since
error messages of the run may quote the data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from kit._files import replacing
from kit.compete.clue_file import read_clues
from kit.compete.execute import execute
from kit.compete.guard import mask_names, scan_notebook
from kit.compete.problems import CheckProblem, CheckReport
from kit.compete.sections import check_parameters, check_sections
from kit.errors import DataError, KitError

#: Default time limit of a run (seconds), kernel start included.
TIME_LIMIT = 300.0
#: The data's names are looked for in outputs only up to this many distinct names.
MAX_NAMES = 200_000
_BLOCKING = ("network", "parameters")


def check_notebook(
    notebook: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
    *,
    capacity: int = 50,
    time_limit: float = TIME_LIMIT,
    run: bool = True,
    clues_out: str | os.PathLike[str] | None = None,
    executed_out: str | os.PathLike[str] | None = None,
    kernel: str = "python3",
    link_data: bool = False,
    run_as: str | None = None,
) -> CheckReport:
    """Check a competition notebook; the report lists every reason to refuse it.

    Parameters
    ----------
    notebook : path-like
        The submitted ``.ipynb`` file.
    data_dir : path-like, optional
        The dataset folder to run it on (its ``truth/`` is never shown to the notebook).
        Required when ``run`` is true.
    capacity : int
        Review capacity passed to the notebook's ``capacity`` parameter.
    time_limit : float
        Seconds for the whole run, kernel start included.
    run : bool
        Execute the notebook (otherwise only the static checks).
    clues_out : path-like, optional
        Keep the collected clue file here (written only when the notebook passed every check).
    executed_out : path-like, optional
        Keep the executed notebook here (organisers only: its outputs come from the data).
    kernel : str
        Jupyter kernel name.
    link_data : bool
        Link the data into the run instead of copying it (province-scale data). Unsafe for
        notebooks you do not trust: the links name the organiser's folders, and the notebook
        could write through them unless the data is read-only.
    run_as : str, optional
        Run the notebook as this unprivileged user (e.g. ``nobody``; the checker must be root),
        so files only the organiser can read (truth, seed) stay unreadable to it.

    Returns
    -------
    CheckReport
    """
    import nbformat

    report = CheckReport(notebook=str(notebook), time_limit=float(time_limit))
    try:
        nb = nbformat.read(Path(notebook), as_version=4)
    except (OSError, ValueError, nbformat.reader.NotJSONError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        report.problems.append(
            CheckProblem(
                "notebook",
                f"cannot be read as a Jupyter notebook ({first[:200]}).",
                "submit the .ipynb file saved by Jupyter.",
            )
        )
        return report
    names: frozenset[str] = frozenset()
    if data_dir is not None:
        names, note = _names_and_note(data_dir)
        report.notes += [note] if note else []
    try:
        _check(nb, report, names, data_dir, capacity, time_limit, run, clues_out, executed_out,
               kernel, link_data, run_as)  # fmt: skip
    finally:
        _mask_report(report, names)
    return report


def _check(
    nb: Any,
    report: CheckReport,
    names: frozenset[str],
    data_dir: str | os.PathLike[str] | None,
    capacity: int,
    time_limit: float,
    run: bool,
    clues_out: str | os.PathLike[str] | None,
    executed_out: str | os.PathLike[str] | None,
    kernel: str,
    link_data: bool,
    run_as: str | None,
) -> None:
    import nbformat

    report.problems += check_sections(nb) + check_parameters(nb)
    report.problems += scan_notebook(nb, outputs="stored", names=names)
    if not run:
        report.notes.append("not run: static checks only.")
        _order(report)
        return
    if data_dir is None:
        raise KitError("Give the data to run the notebook on (--data DIR), or check statically.")
    blocking = sorted({p.check for p in report.problems if p.check in _BLOCKING})
    if blocking:
        report.notes.append(f"not run, because of the {' and '.join(blocking)} problem(s) above.")
        _order(report)
        return
    for number, cell in enumerate(nb.cells, start=1):
        cell.metadata["kit_cell"] = number
    with tempfile.TemporaryDirectory(prefix="kit-compete-") as work:
        result = execute(
            nb,
            data_dir,
            work,
            capacity=capacity,
            time_limit=time_limit,
            kernel=kernel,
            link_data=link_data,
            run_as=run_as,
        )
        report.executed, report.seconds = True, result.seconds
        report.problems += _run_problems(result, time_limit)
        if result.notebook is not None:
            found = scan_notebook(result.notebook, outputs="executed", names=names)
            report.problems += [_in_run(p) for p in found]
            if executed_out is not None:
                with replacing(executed_out) as tmp:
                    nbformat.write(result.notebook, tmp)
        if result.status == "ok":
            _collect(result.clue_path, report)
        if clues_out is not None and report.passed:  # after every check: a refused file is not kept
            with replacing(clues_out) as tmp:
                shutil.copyfile(result.clue_path, tmp)
            report.clue_file = str(clues_out)
    _order(report)


def _names_and_note(data_dir: str | os.PathLike[str]) -> tuple[frozenset[str], str]:
    """The data's names for the identifier check, and a note on what that check leaves out."""
    every = _all_names(data_dir)
    if every is None:
        return frozenset(), (
            f"the data holds more than {MAX_NAMES:,} distinct names, so outputs were not "
            "searched for names (ID numbers and USCCs were)."
        )
    names = frozenset(n for n in every if len(n) >= 3)
    short = len(every) - len(names)
    if not short:
        return names, ""
    return names, (
        f"{short:,} name(s) of the data have one or two characters; outputs are not searched "
        "for those (they match ordinary words), only for longer names, ID numbers and USCCs."
    )


def _mask_report(report: CheckReport, names: frozenset[str]) -> None:
    """Mask ID numbers, USCCs and the data's names in every message, fix and note."""
    from kit.mask import scrub_text

    def clean(text: str) -> str:
        return mask_names(scrub_text(text), names)

    report.problems = [
        CheckProblem(p.check, clean(p.message), clean(p.fix), p.cell) for p in report.problems
    ]
    report.notes = [clean(n) for n in report.notes]


def data_names(data_dir: str | os.PathLike[str]) -> frozenset[str] | None:
    """Full names (three characters or more) held by the dataset (columns its descriptor masks
    as ``name``).

    Empty when the folder has no descriptor; ``None`` when it holds more than
    :data:`MAX_NAMES` distinct names (the name search is then switched off, and the report says
    so). Names of one or two characters are left out: they match too much ordinary text.
    """
    every = _all_names(data_dir)
    return None if every is None else frozenset(n for n in every if len(n) >= 3)


def _all_names(data_dir: str | os.PathLike[str]) -> set[str] | None:
    import json

    import pandas as pd

    folder = Path(data_dir)
    try:
        meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    names: set[str] = set()
    for res in meta.get("resources", []):
        cols = [f["name"] for f in res["schema"]["fields"] if f.get("kit:mask") == "name"]
        paths = res["path"] if isinstance(res["path"], list) else [res["path"]]
        for rel in paths if cols else []:
            path = folder / rel
            if str(rel).endswith(".parquet"):
                frame = pd.read_parquet(path, columns=cols)
            else:
                frame = pd.read_csv(path, usecols=cols, dtype=str, keep_default_na=False)
            for col in cols:
                names.update(frame[col].dropna().astype(str))
            if len(names) > MAX_NAMES:
                return None
    return {n for n in names if n}


def _run_problems(result: Any, time_limit: float) -> list[CheckProblem]:
    problems = []
    cell = result.cell
    refused = (
        "NetworkAccessRefused" in result.ename or "network access is not allowed" in result.evalue
    )
    if result.status == "timeout":
        where = (
            f"at cell {cell}" if cell is not None else "before the first cell ran (kernel start)"
        )
        problems.append(
            CheckProblem(
                "time_limit",
                f"the run exceeded the time limit of {time_limit:g} s {where} and was stopped.",
                "make that cell faster (filter in SQL, avoid row-by-row Python loops) and "
                "time a 'Restart and run all' on the sample data.",
                cell=cell,
            )
        )
    elif result.status == "error" and not refused:
        problems.append(
            CheckProblem(
                "execution",
                f"the cell raised {result.ename}: {_line(result.evalue)}",
                "run 'Restart and run all' on the sample data and fix the error; read data "
                "only through data_dir (kit.datasets.load(data_dir)).",
                cell=cell,
            )
        )
    elif result.status == "failed":
        problems.append(
            CheckProblem(
                "execution",
                f"the notebook could not be run: {result.ename}: {_line(result.evalue)}",
                "check that the notebook uses the Python 3 kernel (python3) and opens in Jupyter.",
            )
        )
    events = list(result.network)
    if refused and not events:
        events = [(cell, _line(result.evalue))]
    by_cell: dict[int | None, list[str]] = {}
    for number, text in events:
        by_cell.setdefault(number, []).append(text)
    for number, tried in by_cell.items():
        problems.append(
            CheckProblem(
                "network",
                f"the notebook tried to reach the network while running "
                f"({'; '.join(dict.fromkeys(tried))}); it was refused.",
                "remove the download or upload; read data only from data_dir.",
                cell=number,
            )
        )
    return problems


def _collect(path: Path, report: CheckReport) -> None:
    """Read the clue file the run wrote; record its problems or its size."""
    if not path.is_file():
        report.problems.append(
            CheckProblem(
                "clues",
                "the notebook wrote no clue file at clues_path.",
                "end the notebook with clues.to_csv(clues_path, index=False), using the "
                "clues_path of the parameters cell.",
            )
        )
        return
    try:
        clues = read_clues(path)
    except DataError as exc:
        report.problems += [
            CheckProblem("clues", _where(p) + p.message, p.fix) for p in exc.problems[:20]
        ]
        return
    report.clues = len(clues)
    report.patterns = {
        str(k): int(v) for k, v in clues["pattern"].value_counts().sort_index().items()
    }


def _where(problem: Any) -> str:
    text = "clue file"
    if problem.row is not None:
        text += f" row {problem.row}"
    if problem.column is not None:
        text += f", column {problem.column}"
    return text + ": "


def _in_run(problem: CheckProblem) -> CheckProblem:
    message = f"in the run on the given data, {problem.message}"
    return CheckProblem(problem.check, message, problem.fix, problem.cell)


def _line(text: str) -> str:
    lines = [s for s in str(text).strip().splitlines() if s.strip()]
    return lines[0][:300] if lines else ""


def _order(report: CheckReport) -> None:
    """Problems in the order of the checks, then by cell (stable)."""
    from kit.compete.problems import CHECKS

    report.problems.sort(key=lambda p: (CHECKS.index(p.check), p.cell or 0))
