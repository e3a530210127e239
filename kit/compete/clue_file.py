"""The clue file (线索文件) a competition notebook writes, and the truth table it is scored against.

Clue file: UTF-8 CSV, one row per clue, with at least

============== =====================================================================
column         meaning
============== =====================================================================
subject_id     the subject as the truth table names it, **unmasked** (a resident ID
               number, a household id ...). The clue file goes only to the organiser.
pattern        the truth table's pattern (``pension_after_death``); a library model
               id such as ``SS01`` is accepted and replaced by its pattern
amount_involved money involved in yuan, a number >= 0
score          optional; higher is reviewed first (empty: after every scored clue)
clue_id        optional; the last tie-break of the review order
============== =====================================================================

Other columns are allowed and ignored. Truth table: the datasets' ``truth/truth.csv`` format
(``pattern, subject_id, is_case, amount_improper`` and usually ``reason``).

Every problem of one file is collected and raised together as a :class:`kit.errors.DataError`
naming file, row, column and fix.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from kit.errors import DataError, Problem

#: Columns every clue file must have.
REQUIRED = ("subject_id", "pattern", "amount_involved")
#: Optional columns the scorer reads.
OPTIONAL = ("score", "clue_id")
#: Columns the truth table must have.
TRUTH_REQUIRED = ("pattern", "subject_id", "is_case", "amount_improper")
_SUBJECT_FIX = "give the subject of every clue, as the truth table names it."
_MASKED_FIX = (
    "the clue file needs the full identifier to be scored (it goes only to the organiser): "
    "write frame.to_csv(clues_path, index=False) or clues.save(clues_path, masked=False), "
    "and show only masked values on screen."
)
_PATTERN_FIX = "name the truth table's pattern, e.g. pension_after_death (or a model id: SS01)."
_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n"}


def read_clues(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read and check a clue file.

    Parameters
    ----------
    path : path-like
        The CSV file.

    Returns
    -------
    DataFrame
        ``subject_id, pattern, amount_involved, score, clue_id`` (score NaN when not given,
        clue_id ``""`` when not given), then the file's other columns as text, in file order.

    Raises
    ------
    DataError
        Listing every problem: a missing column, an empty subject, a masked subject id, an
        amount or score that is not a number.

    Examples
    --------
    >>> import io, tempfile
    >>> p = Path(tempfile.mkdtemp()) / "clues.csv"
    >>> _ = p.write_text("subject_id,pattern,amount_involved\\nA1,SS01,12.5\\n", encoding="utf-8")
    >>> read_clues(p)[["subject_id", "pattern", "amount_involved"]].to_dict("records")
    [{'subject_id': 'A1', 'pattern': 'pension_after_death', 'amount_involved': 12.5}]
    """
    path = Path(path)
    frame = _read_csv(path, REQUIRED, "a clue file written by the notebook (clues_path)")
    problems = []
    rows = enumerate(zip(frame["subject_id"], frame["pattern"], strict=True), start=1)
    for row, (subject, pattern) in rows:
        if not subject:
            problems.append(Problem(path.name, row, "subject_id", "is empty.", _SUBJECT_FIX))
        elif "*" in subject:
            message = f"'{subject}' is masked."
            problems.append(Problem(path.name, row, "subject_id", message, _MASKED_FIX))
        if not pattern:
            problems.append(Problem(path.name, row, "pattern", "is empty.", _PATTERN_FIX))
    amount = _numbers(frame, "amount_involved", path.name, problems, allow_empty=False)
    score = _numbers(frame, "score", path.name, problems, allow_empty=True)
    if problems:
        raise DataError(problems)
    models = _model_patterns()
    out = pd.DataFrame(
        {
            "subject_id": frame["subject_id"],
            "pattern": frame["pattern"].map(lambda p: models.get(p, p)),
            "amount_involved": amount,
            "score": score,
            "clue_id": frame.get("clue_id", ""),
        }
    )
    extra = [c for c in frame.columns if c not in out.columns]
    return pd.concat([out, frame[extra]], axis=1)


def read_truth(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a truth table: a CSV file, a ``truth/`` folder, or a dataset folder holding one.

    Returns
    -------
    DataFrame
        ``pattern, subject_id, is_case (bool), amount_improper (float), reason``, then the
        file's other columns as text (a time split's date column ...); one row per
        (pattern, subject_id), the first when the file repeats one.

    Raises
    ------
    DataError
        Naming every missing column or unreadable value.
    """
    path = Path(path)
    for candidate in (path / "truth.csv", path / "truth" / "truth.csv"):
        if path.is_dir() and candidate.is_file():
            path = candidate
            break
    frame = _read_csv(path, TRUTH_REQUIRED, "the organiser's truth/truth.csv")
    problems: list[Problem] = []
    flags = []
    for row, value in enumerate(frame["is_case"], 1):
        text = value.strip().lower()
        if text not in _TRUE | _FALSE:
            problems.append(
                Problem(
                    path.name,
                    row,
                    "is_case",
                    f"'{value}' is not true or false.",
                    "write true or false.",
                )
            )
        flags.append(text in _TRUE)
    amount = _numbers(frame, "amount_improper", path.name, problems, allow_empty=False)
    if problems:
        raise DataError(problems)
    out = pd.DataFrame(
        {
            "pattern": frame["pattern"],
            "subject_id": frame["subject_id"],
            "is_case": flags,
            "amount_improper": amount.where(flags, 0.0),
            "reason": frame.get("reason", ""),
        }
    )
    extra = [c for c in frame.columns if c not in out.columns]
    out = pd.concat([out, frame[extra]], axis=1)
    return out.drop_duplicates(["pattern", "subject_id"]).reset_index(drop=True)


def _read_csv(path: Path, required: tuple[str, ...], what: str) -> pd.DataFrame:
    """The file as text cells (missing cells ``""``), after checking it exists, that no row has
    more fields than the header (pandas would silently shift the columns), and the columns."""
    if not path.is_file():
        raise DataError(
            [Problem(path.name, None, None, "the file does not exist.", f"give {what}.")]
        )
    ragged = _extra_fields(path)
    if ragged:
        raise DataError(ragged)
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False
        )
    except (ValueError, UnicodeDecodeError) as exc:  # ParserError is a ValueError
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"is not a readable UTF-8 CSV file ({first}).",
                    "save it as UTF-8 CSV with a header row.",
                )
            ]
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        have = ", ".join(frame.columns) or "none"
        raise DataError(
            [
                Problem(
                    path.name,
                    None,
                    ", ".join(missing),
                    f"the column(s) are missing (the file has: {have}).",
                    f"write the columns {', '.join(required)} (see docs/competition.md).",
                )
            ]
        )
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    return frame


def _extra_fields(path: Path) -> list[Problem]:
    """A problem for each row with more fields than the header (at most 20 are listed)."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows, [])
            problems = []
            for row, fields in enumerate(rows, 1):
                if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
                    problems.append(
                        Problem(
                            path.name,
                            row,
                            None,
                            f"has {len(fields)} fields but the header names {len(header)} "
                            "columns, so the values cannot be matched to columns.",
                            "quote values that contain commas, or remove the extra commas "
                            "(write the file with frame.to_csv(path, index=False)).",
                        )
                    )
                    if len(problems) >= 20:
                        break
    except (UnicodeDecodeError, csv.Error):
        return []  # reported by pandas below
    return problems


def _numbers(
    frame: pd.DataFrame, column: str, name: str, problems: list[Problem], *, allow_empty: bool
) -> pd.Series:
    """A column as floats, adding a problem for every cell that is not a number >= 0."""
    if column not in frame:
        return pd.Series(math.nan, index=frame.index, dtype=float)
    values = pd.to_numeric(frame[column].mask(frame[column] == ""), errors="coerce").astype(float)
    for row, (text, value) in enumerate(zip(frame[column], values, strict=True), 1):
        if text == "" and allow_empty:
            continue
        if not math.isfinite(value) or (column != "score" and value < 0):
            allowed = "a number" if column == "score" else "a number of yuan, 0 or more"
            problems.append(
                Problem(
                    name,
                    row,
                    column,
                    f"'{text}' is not {allowed}.",
                    f"write {allowed} (no units or commas).",
                )
            )
    return values


def _model_patterns() -> dict[str, str]:
    """Library model id -> its pattern (``SS01`` -> ``pension_after_death``)."""
    from kit.models import list_models

    return {spec.id: spec.pattern for spec in list_models()}
