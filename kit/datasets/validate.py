"""Read a CSV resource of a Data Package and check it against its schema (Parquet: its footers).

The descriptor (``datapackage.json``) follows the Frictionless Data Package standard, so other
tools can read it too; the checks here are vectorised with pandas so that a 100,000-row table is
validated in well under a second, and every problem is reported with file, row, column and fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from kit import ids
from kit.errors import Problem

#: Frictionless field types the kit understands, with the format users must write.
TYPE_HINTS = {
    "integer": "a whole number such as 12",
    "number": "a number such as 2850.00 (a dot for decimals, no thousands separator)",
    "date": "a date written YYYY-MM-DD, such as 2024-03-15",
    "datetime": "a date and time written YYYY-MM-DDTHH:MM:SS, such as 2024-03-15T08:00:00",
    "yearmonth": "a month written YYYY-MM, such as 2024-03",
    "boolean": "true or false",
    "string": "text",
}

_YEARMONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_BOOLEANS = {"true": True, "false": False}
_MAX_PER_COLUMN = 50  # problems kept per column; the count of the rest is reported


def read_resource(base: Path, resource: dict[str, Any]) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one tabular resource and check it against its schema.

    Parameters
    ----------
    base : Path
        Folder holding ``datapackage.json``; the resource path is relative to it.
    resource : dict
        The resource descriptor (``name``, ``path``, ``schema``).

    Returns
    -------
    frame : DataFrame or ParquetTable
        Typed table: dates as ``datetime64``, numbers as ``float64``, integers as ``Int64``,
        booleans as ``bool``, text as strings with empty cells missing. A Parquet resource
        gives a :class:`~kit.datasets.tables.ParquetTable` (files and schema, rows unread).
    problems : list of Problem
        Everything wrong with the file; empty when the file is valid.
    """
    if resource.get("format") == "parquet":
        return _read_parquet(base, resource)
    rel = str(resource["path"])
    path = base / rel
    if not path.is_file():
        fix = f"put the file at {rel} inside the dataset folder, or regenerate the dataset"
        return pd.DataFrame(), [Problem(rel, None, None, "the file is missing.", fix)]
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.ParserError as exc:
        return pd.DataFrame(), [_parser_problem(rel, str(exc))]
    except UnicodeDecodeError as exc:
        fix = "save the file as UTF-8 (in Excel: Save As, CSV UTF-8)"
        return pd.DataFrame(), [Problem(rel, None, None, f"is not UTF-8 text ({exc}).", fix)]

    fields = resource["schema"]["fields"]
    declared = [f["name"] for f in fields]
    problems = _check_columns(rel, list(raw.columns), declared)
    key = resource["schema"].get("primaryKey")
    typed: dict[str, pd.Series] = {}
    for field in fields:
        name = field["name"]
        if name not in raw.columns:
            continue
        if key in (name, [name]):  # a one-column primary key must be unique and present
            extra = {"required": True, "unique": True}
            field = {**field, "constraints": {**field.get("constraints", {}), **extra}}
        series, found = _check_field(rel, raw[name].str.strip(), field)
        typed[name] = series
        problems.extend(found)
    frame = pd.DataFrame(typed, index=raw.index)
    problems.extend(_check_primary_key(rel, frame, key))
    return frame, problems


def _parser_problem(rel: str, message: str) -> Problem:
    """A CSV that does not parse, worded for people: which line, how many values, what to do."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        expected, line, saw = (int(g) for g in found.groups())
        return Problem(
            rel,
            line - 1,
            None,
            f"has {saw} values, but the header names {expected} columns.",
            'put quotes around a value that contains a comma (e.g. "3,000"), or remove the comma',
        )
    fix = "save the file as UTF-8 CSV with a header row and one value per column"
    return Problem(rel, None, None, f"cannot be read as CSV ({message.strip()}).", fix)


def _read_parquet(base: Path, resource: dict[str, Any]) -> tuple[Any, list[Problem]]:
    """Parquet parts are typed already: check their footers, not their rows.

    Every part must exist, be a Parquet file and hold the declared columns with types that fit
    the declared ones (:data:`PARQUET_TYPES`). The table is returned as a
    :class:`~kit.datasets.tables.ParquetTable`, read in place by the engines.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kit.datasets.tables import ParquetTable

    parts = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
    missing = [p for p in parts if not (base / p).is_file()]
    fix = "regenerate the dataset (kit datasets generate ... --format parquet)"
    if missing:
        return pd.DataFrame(), [
            Problem(p, None, None, "the file is missing.", fix) for p in missing
        ]
    fields = resource["schema"]["fields"]
    declared = [f["name"] for f in fields]
    problems: list[Problem] = []
    for rel in parts:
        try:
            schema = pq.read_schema(base / rel)
        except (pa.ArrowInvalid, OSError) as exc:
            problems.append(Problem(rel, None, None, f"is not a Parquet file ({exc}).", fix))
            continue
        problems += _check_columns(str(rel), list(schema.names), declared)
        for f in fields:
            if f["name"] not in schema.names:
                continue
            arrow_type = schema.field(f["name"]).type
            kind = f.get("type", "string")
            if not _fits(arrow_type, kind):
                what = f"holds {arrow_type} values, not {TYPE_HINTS.get(kind, kind)}."
                fixed = f"write the column as {kind} (see datapackage.json)"
                problems.append(Problem(str(rel), None, f["name"], what, fixed))
    table = ParquetTable(str(resource["name"]), tuple(base / p for p in parts), tuple(fields))
    return table, problems


#: Arrow type families a Parquet column may hold for each declared field type.
PARQUET_TYPES = {
    "integer": ("integer",),
    "number": ("floating", "integer", "decimal"),
    "date": ("date", "timestamp"),
    "datetime": ("timestamp", "date"),
    "boolean": ("boolean",),
    "string": ("string", "large_string"),
    "yearmonth": ("string", "large_string"),
}


def _fits(arrow_type: Any, kind: str) -> bool:
    import pyarrow as pa

    if pa.types.is_null(arrow_type):  # a part whose column is empty throughout
        return True
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    allowed = PARQUET_TYPES.get(kind, ("string", "large_string"))
    return any(getattr(pa.types, f"is_{family}")(arrow_type) for family in allowed)


def _check_columns(rel: str, present: list[str], declared: list[str]) -> list[Problem]:
    problems = []
    for name in declared:
        if name not in present:
            fix = f"add a column named {name!r} (see datapackage.json for its meaning and type)"
            problems.append(Problem(rel, None, name, "this column is missing.", fix))
    for name in present:
        if name not in declared:
            fix = "remove the column, or describe it in datapackage.json"
            problems.append(Problem(rel, None, name, "this column is not described.", fix))
    return problems


def _rows(mask: pd.Series) -> list[int]:
    """1-based data row numbers where ``mask`` is true."""
    return [int(i) + 1 for i in mask[mask].index[: _MAX_PER_COLUMN + 1]]


def _report(
    rel: str, name: str, mask: pd.Series, values: pd.Series, what: str, fix: str
) -> list[Problem]:
    rows = _rows(mask)
    problems = [
        Problem(rel, row, name, f"{values.iloc[row - 1]!r} {what}.", fix)
        for row in rows[:_MAX_PER_COLUMN]
    ]
    extra = int(mask.sum()) - len(problems)
    if extra > 0:
        problems.append(
            Problem(rel, None, name, f"{extra} more row(s) with the same problem.", fix)
        )
    return problems


def _check_field(rel: str, text: pd.Series, field: dict[str, Any]) -> tuple[pd.Series, list]:
    name, kind = field["name"], field.get("type", "string")
    constraints = field.get("constraints", {})
    empty = text == ""
    problems: list[Problem] = []
    if constraints.get("required"):
        for row in _rows(empty)[:_MAX_PER_COLUMN]:
            fix = f"fill in {name} ({TYPE_HINTS.get(kind, 'a value')})"
            problems.append(Problem(rel, row, name, "the value is empty but required.", fix))
    typed, bad = _convert(text, kind)
    bad &= ~empty
    if bad.any():
        what = f"is not {TYPE_HINTS.get(kind, kind)}"
        fix = f"correct the value to {TYPE_HINTS.get(kind, kind)}"
        problems += _report(rel, name, bad, text, what, fix)
    ok = ~empty & ~bad
    if "enum" in constraints:
        allowed = [str(v) for v in constraints["enum"]]
        wrong = ok & ~text.isin(allowed)
        what = f"is not one of the allowed values ({', '.join(allowed)})"
        problems += _report(rel, name, wrong, text, what, "use one of the allowed values")
    if "pattern" in constraints:
        wrong = ok & ~text.str.fullmatch(constraints["pattern"])
        what = f"does not have the expected form (pattern {constraints['pattern']})"
        problems += _report(rel, name, wrong, text, what, "correct the value")
    if field.get("kit:identifier") == "ric":
        wrong = ok & ~ids.is_valid_series(text)
        what = "is not a valid resident ID number (居民身份证号码)"
        fix = (
            "check the 18 characters against the source record (the last one is a check character)"
        )
        problems += _report(rel, name, wrong, text, what, fix)
    if constraints.get("unique"):
        dup = ok & text.duplicated(keep="first")
        problems += _report(
            rel, name, dup, text, "appears more than once", "keep one row per value"
        )
    return typed, problems


def _convert(text: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Convert text to the field type; return the typed series and a mask of bad cells."""
    empty = text == ""
    if kind == "integer":
        num = pd.to_numeric(text.where(~empty), errors="coerce")
        bad = num.isna() | (num.notna() & (num % 1 != 0))
        return num.round().astype("Int64").where(~bad), bad & ~empty
    if kind == "number":
        num = pd.to_numeric(text.where(~empty), errors="coerce")
        return num.astype("float64"), num.isna() & ~empty
    if kind == "date":
        dates = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
        return dates.astype("datetime64[s]"), dates.isna() & ~empty
    if kind == "datetime":
        stamps = pd.to_datetime(text.where(~empty), format="%Y-%m-%dT%H:%M:%S", errors="coerce")
        return stamps.astype("datetime64[s]"), stamps.isna() & ~empty
    if kind == "yearmonth":
        bad = ~text.str.fullmatch(_YEARMONTH) & ~empty
        return text.where(~empty), bad
    if kind == "boolean":
        low = text.str.lower()
        bad = ~low.isin(list(_BOOLEANS)) & ~empty
        return low.map(_BOOLEANS).fillna(False).astype(bool), bad
    return text.where(~empty), pd.Series(False, index=text.index)


def _check_primary_key(rel: str, frame: pd.DataFrame, key: Any) -> list[Problem]:
    if not key or frame.empty:
        return []
    cols = [key] if isinstance(key, str) else list(key)
    if len(cols) < 2 or not all(c in frame.columns for c in cols):
        return []  # one-column keys are checked as unique fields
    dup = frame.duplicated(subset=cols, keep="first")
    fix = f"keep one row per ({', '.join(cols)})"
    return [Problem(rel, row, None, "duplicates an earlier row's key.", fix) for row in _rows(dup)]
