"""Wide screens (粗筛): broad versions of library models whose clues a learned ranking orders.

A careful model such as SS01 drops a clue when one of its guards says "legitimate" (the month of
death is payable, the money was recovered...). A wide screen keeps those clues and records each
guard's signal as a column instead, so a ranking model can learn how much each signal matters.
Screens are ordinary :class:`~kit.models.ModelSpec` files in ``kit/ml/screens/<MODEL>.yaml``
with two extra sections:

``screen_of``
    The library model the screen widens (``SS01``); its truth pattern is the screen's.
``features``
    ``history``: columns whose earlier clues are counted (the subject, a patient, an
    institution); ``exclude``: model columns that are not to be used as features.
``as_of``
    How to cut the data as they stood at a date (:func:`as_of_dataset`): ``known_by`` names,
    per source table, the date column saying when a row became known; ``via`` makes a table's
    rows follow another table's (claim items follow their settlement); ``static`` lists master
    data used whole; ``ends`` resets columns that describe the end of the data (a pension's
    status) where the event they record happened on or after the date.

Examples
--------
>>> from kit.ml.screens import available_screens, get_screen
>>> available_screens()
['MI05', 'SS01']
>>> get_screen("SS01").id
'SS01-WIDE'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pandas as pd

from kit.datasets import Dataset
from kit.datasets import load as load_dataset
from kit.errors import KitError
from kit.models.clues import Clues
from kit.models.run import run
from kit.models.spec import ModelSpec

#: Folder of the screen files (``<MODEL>.yaml``).
SCREENS = Path(__file__).with_name("screens")
#: Column added to linked tables: the ID number as the source wrote it, before linkage.
RECORDED_ID = "recorded_id_number"


def available_screens() -> list[str]:
    """Ids of the library models that have a wide screen, sorted."""
    return sorted(p.stem for p in SCREENS.glob("*.yaml"))


def get_screen(model_id: str) -> ModelSpec:
    """The wide screen of a library model (``"SS01"`` or ``"SS01-WIDE"``).

    Raises
    ------
    KitError
        When the model has no screen; the message lists those that do.
    """
    base = str(model_id).upper().removesuffix("-WIDE")
    path = SCREENS / f"{base}.yaml"
    if not path.exists():
        raise KitError(
            f"Model {model_id!r} has no wide screen for clue prioritisation. "
            f"Fix: choose one of {', '.join(available_screens())}, or add "
            f"kit/ml/screens/{base}.yaml (a model spec with screen_of and features sections)."
        )
    return ModelSpec.from_yaml(path)


def screen_options(spec: ModelSpec) -> dict[str, Any]:
    """The screen's ``features`` section: ``history`` and ``exclude`` column lists."""
    section = spec.raw.get("features") or {}
    out = {
        "history": list(section.get("history") or []),
        "exclude": list(section.get("exclude") or []),
    }
    for key, value in out.items():
        if not all(isinstance(v, str) for v in value):
            raise KitError(f"{spec.id}, section features.{key}: give a list of column names.")
    return out


def as_of_options(spec: ModelSpec) -> dict[str, Any]:
    """The screen's ``as_of`` section, checked: every source table is covered exactly once.

    Raises
    ------
    KitError
        When the section is missing or a source table is not declared (or declared twice).
    """
    section = spec.raw.get("as_of") or {}
    out = {
        "known_by": dict(section.get("known_by") or {}),
        "via": dict(section.get("via") or {}),
        "static": list(section.get("static") or []),
        "ends": dict(section.get("ends") or {}),
    }
    declared = [*out["known_by"], *out["via"], *out["static"]]
    missing = [t for t in spec.sources if t not in declared]
    twice = sorted({t for t in declared if declared.count(t) > 1})
    if missing or twice:
        problem = (
            f"source table(s) {', '.join(missing)} are not declared"
            if missing
            else f"table(s) {', '.join(twice)} are declared more than once"
        )
        raise KitError(
            f"{spec.id}, section as_of: {problem}. Fix: give each source table once, under "
            "known_by (table: the date column saying when a row became known), via (table: "
            "{table: ..., key: ...}) or static (master data used whole)."
        )
    return out


def as_of_dataset(dataset: Dataset, spec: ModelSpec, cutoff: Any) -> Dataset:
    """The dataset as it stood before ``cutoff``: only rows known before that day.

    For each source table of the screen's ``as_of`` section: ``known_by`` tables keep the rows
    whose date column is before ``cutoff`` (rows without a date are dropped: not known to be
    known); ``via`` tables keep the rows whose key is among the kept rows of their table;
    ``static`` tables are used whole; ``ends`` resets columns that describe the end of the data
    where their event date is on or after ``cutoff`` (the date itself becomes missing). The copy
    is made with :meth:`~kit.datasets.Dataset.with_tables`, so it has its own fingerprint.

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> cut = as_of_dataset(ds, get_screen("SS01"), "2024-01-01")
    >>> bool((cut.tables["pension_payments"]["pay_date"] < "2024-01-01").all())
    True
    >>> cut.fingerprint == ds.fingerprint
    False
    """
    edge = parse_cutoff(cutoff)
    options = as_of_options(spec)
    tables: dict[str, pd.DataFrame] = {}
    for name, column in options["known_by"].items():
        frame = _table(dataset, spec, name, column)
        when = pd.to_datetime(frame[column], errors="coerce")
        tables[name] = frame[when < edge].copy()
    for name, rule in options["via"].items():
        parent, key = rule.get("table"), rule.get("key")
        if parent not in tables:
            raise KitError(
                f"{spec.id}, section as_of.via.{name}: its table {parent!r} is not under "
                "known_by. Fix: name a table whose rows are cut by a date."
            )
        frame = _table(dataset, spec, name, key)
        _table(dataset, spec, parent, key)
        tables[name] = frame[frame[key].isin(tables[parent][key])].copy()
    for name, rule in options["ends"].items():
        frame = tables.get(name, dataset.tables[name]).copy()
        column = rule.get("date")
        _table(dataset, spec, name, column)
        later = pd.to_datetime(frame[column], errors="coerce") >= edge
        for col, value in (rule.get("reset") or {}).items():
            frame[col] = frame[col].astype(object)
            frame.loc[later, col] = value
        frame[column] = frame[column].where(~later)
        tables[name] = frame
    return dataset.with_tables(**tables)


def parse_cutoff(cutoff: Any) -> pd.Timestamp:
    """A cutoff date as a Timestamp; a clear error for anything that is not a date YYYY-MM-DD.

    Examples
    --------
    >>> parse_cutoff("2024-01-01")
    Timestamp('2024-01-01 00:00:00')
    """
    if isinstance(cutoff, pd.Timestamp | dt.date):
        return pd.Timestamp(cutoff)
    text = str(cutoff).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise KitError(
            f"Cutoff {cutoff!r} is not a date: give the first day of the test period as "
            "YYYY-MM-DD (a real calendar day). Fix: e.g. --cutoff 2024-01-01."
        ) from None


def _table(dataset: Dataset, spec: ModelSpec, name: str, column: str | None) -> pd.DataFrame:
    if name not in dataset.tables:
        raise KitError(f"{spec.id}, section as_of: the dataset has no table {name!r}.")
    frame = dataset.tables[name]
    if column not in frame.columns:
        raise KitError(
            f"{spec.id}, section as_of: table {name} has no column {column!r} (columns: "
            f"{', '.join(map(str, frame.columns))}). Fix: name an existing date or key column."
        )
    return frame


def with_recorded_ids(dataset: Dataset, spec: ModelSpec) -> Dataset:
    """A copy of ``dataset`` whose linked tables keep the ID number as written (``recorded_id_number``).

    Linkage replaces a table's ID numbers with the register's; the copy lets a screen tell which
    records needed cleaning or linkage (a data-quality feature). The copy has its own fingerprint.
    """
    # Only the linked tables are read: the others stay as held (a Parquet table stays on disk).
    changed: dict[str, pd.DataFrame] = {}
    for step in spec.link:
        columns = dataset.tables.columns(step.table)
        if "id_number" in columns and RECORDED_ID not in columns:
            frame = changed.get(step.table, dataset.tables[step.table]).copy()
            frame[RECORDED_ID] = frame["id_number"]
            changed[step.table] = frame
    if not changed:
        return dataset
    mark = hashlib.sha256(f"{dataset.fingerprint}|{RECORDED_ID}".encode()).hexdigest()
    return dataclasses.replace(dataset, tables=dataset.tables.replace(**changed), fingerprint=mark)


def run_screen(model_id: str, dataset: Dataset | str | None = None, *, as_of: Any = None) -> Clues:
    """Run a model's wide screen and return its clues (standard clue columns, then features).

    Parameters
    ----------
    model_id : str
        ``"SS01"`` or ``"MI05"`` (see :func:`available_screens`).
    dataset : Dataset or str, optional
        Default: the screen's own sample dataset.
    as_of : date-like, optional
        Run on the data as they stood before this day (:func:`as_of_dataset`): every column of
        the clues is then what a screen run on that day would have shown.

    Examples
    --------
    >>> clues = run_screen("MI05")
    >>> clues.info["model_id"], clues.info["pattern"]
    ('MI05-WIDE', 'hanging_bed')
    """
    spec = get_screen(model_id)
    if not isinstance(dataset, Dataset):
        dataset = load_dataset(dataset or spec.dataset)
    if as_of is not None:
        dataset = as_of_dataset(dataset, spec, as_of)
    clues = run(spec, with_recorded_ids(dataset, spec))
    clues.info["as_of"] = None if as_of is None else str(parse_cutoff(as_of).date())
    clues.info["screen_of"] = str(spec.raw.get("screen_of", ""))
    clues.info["features"] = screen_options(spec)
    return clues
