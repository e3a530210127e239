"""Features of clues and their subjects (线索特征), for ranking clues by how likely they are cases.

Every feature is known when the clue is screened, and none comes from a truth table or a
review outcome:

- **amounts and durations**: the amount involved (and its logarithm), the days from
  ``period_start`` to ``period_end``;
- **model columns**: the screen's own numeric and true/false columns (months paid after death,
  the share of tests in a bill ...), and its text columns with few distinct values as categories
  (scheme, institution level ...); which text columns are categories is decided on the training
  clues only (:func:`category_columns`) and passed on to the test clues; identifiers, names,
  dates and evidence are left out;
- **the subject**: for a person, age at the clue date and sex read from the ID number
  (:mod:`kit.ids`);
- **data quality**: whether the subject's ID number is valid and whether the region is missing;
- **history**: for each ``history`` column (the subject, a patient, an institution), how many
  clues with the same value came *strictly earlier* (by ``period_start``) and their amount.
  Later clues never count, so the features of a clue do not change when later data arrive.

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"clue_id": ["a", "b", "c"], "subject_id": ["x", "x", "x"],
...                   "period_start": pd.to_datetime(["2023-01-01", "2023-06-01", "2023-06-01"]),
...                   "amount_involved": [10.0, 20.0, 30.0]})
>>> history_features(f, ["subject_id"])["prior_clues_subject_id"].tolist()
[0.0, 1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kit import ids
from kit.errors import KitError
from kit.models.clues import CLUE_COLUMNS, Clues

#: Text columns with more distinct values than this are identifiers or free text, not categories.
MAX_CATEGORIES = 12
#: Columns never used as features (identifiers, free text, dates are dropped by type).
_NEVER = set(CLUE_COLUMNS) | {"evidence_zh", "is_case", "label", "reason", "note"}
_ID_SUFFIXES = ("_id", "_name", "_en", "_zh", "_number", "_code")


def clue_features(
    clues: Clues | pd.DataFrame,
    *,
    history: Sequence[str] = (),
    exclude: Sequence[str] = (),
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row of features per clue, in the clues' row order, indexed by ``clue_id``.

    Parameters
    ----------
    clues : Clues or DataFrame
        A screen's or model's clues (unmasked: the subject's ID number gives age and sex).
    history : sequence of str
        Columns whose earlier clues are counted (``subject_id``, ``patient_id`` ...).
    exclude : sequence of str
        Model columns not to use as features.
    categories : sequence of str, optional
        Text columns to use as categories, decided beforehand on the training clues
        (:func:`category_columns`); default: decided on ``clues`` themselves.

    Returns
    -------
    DataFrame
        Numeric columns (floats; true/false as 1/0) and categorical columns (text). Missing
        values stay missing; the ranking pipeline imputes them.

    Raises
    ------
    KitError
        When a required clue column or a ``history`` column is missing.
    """
    frame = clues.frame if isinstance(clues, Clues) else clues
    _require(frame, ("clue_id", "subject_id", "period_start", "amount_involved"))
    start = pd.to_datetime(frame["period_start"])
    out = pd.DataFrame(index=frame.index)
    amount = pd.to_numeric(frame["amount_involved"], errors="coerce").astype(float)
    out["amount_involved"] = amount
    out["log_amount"] = np.log1p(amount.clip(lower=0))
    if "period_end" in frame.columns:
        end = pd.to_datetime(frame["period_end"])
        out["duration_days"] = (end - start).dt.days.astype(float)
    out = out.join(model_columns(frame, exclude=exclude, categories=categories))
    out = out.join(subject_features(frame, start))
    out = out.join(history_features(frame, history))
    out.index = pd.Index(frame["clue_id"].astype(str), name="clue_id")
    return out


def model_columns(
    frame: pd.DataFrame,
    *,
    exclude: Sequence[str] = (),
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The model's own columns usable as features: numbers, true/false, and small categories.

    ``categories`` names the text columns to keep (decided on the training clues with
    :func:`category_columns`); by default they are decided on ``frame`` itself.
    """
    if categories is None:
        categories = category_columns(frame, exclude=exclude)
    out: dict[str, pd.Series] = {}
    for col in _candidates(frame, exclude):
        s = frame[col]
        if _is_flag_or_number(s):
            out[col] = _as_number(s)
        elif col in categories:
            out[col] = s.astype("string").astype(object).where(s.notna(), None)
    return pd.DataFrame(out, index=frame.index)


def category_columns(frame: pd.DataFrame, *, exclude: Sequence[str] = ()) -> list[str]:
    """Text columns with at most :data:`MAX_CATEGORIES` distinct values in ``frame``.

    Call it on the training clues only, and pass the list on (``categories=``), so that no
    test clue decides which columns are features.
    """
    out = []
    for col in _candidates(frame, exclude):
        s = frame[col]
        if _is_flag_or_number(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        if s.nunique(dropna=True) <= MAX_CATEGORIES and _is_text(s):
            out.append(str(col))
    return out


def _candidates(frame: pd.DataFrame, exclude: Sequence[str]) -> list[str]:
    skip = _NEVER | set(exclude)
    return [c for c in frame.columns if c not in skip and not str(c).endswith(_ID_SUFFIXES)]


def _is_flag_or_number(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
        return True
    if pd.api.types.is_datetime64_any_dtype(s):
        return False
    return bool(s.notna().any() and s.dropna().map(type).isin([bool, np.bool_]).all())


def _as_number(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return pd.to_numeric(s, errors="coerce").astype(float)
    return s.astype(float)


def subject_features(frame: pd.DataFrame, when: pd.Series | None = None) -> pd.DataFrame:
    """Attributes of the subject and data-quality flags.

    For person clues: ``subject_age`` (years at ``when``, default ``period_start``),
    ``subject_male`` and ``subject_id_valid`` from the ID number (:mod:`kit.ids`). For every
    clue: ``region_missing``.
    """
    when = pd.to_datetime(frame["period_start"]) if when is None else when
    out = pd.DataFrame(index=frame.index)
    out["region_missing"] = (
        frame["region_code"].isna().astype(float) if "region_code" in frame.columns else 1.0
    )
    types = frame["subject_type"] if "subject_type" in frame.columns else pd.Series("", frame.index)
    if (types == "person").any():
        person = types == "person"
        valid = frame["subject_id"].map(ids.is_valid) & person
        birth = frame["subject_id"].where(valid).map(_birth)
        age = (when - pd.to_datetime(birth)).dt.days / 365.25
        out["subject_id_valid"] = valid.astype(float).where(person)
        out["subject_age"] = age.astype(float).round(1)
        out["subject_male"] = (
            frame["subject_id"].where(valid).map(_male, na_action="ignore").astype(float)
        )
    return out


def history_features(frame: pd.DataFrame, history: Sequence[str]) -> pd.DataFrame:
    """Per history column: earlier clues with the same value (count and amount).

    Only clues with a strictly earlier ``period_start`` count; clues of the same day and later
    ones never do. A missing value has no history (0).
    """
    _require(frame, ("period_start", "amount_involved", *history))
    out = pd.DataFrame(index=frame.index)
    start = pd.to_datetime(frame["period_start"])
    amount = pd.to_numeric(frame["amount_involved"], errors="coerce").fillna(0.0)
    for col in history:
        work = pd.DataFrame({"key": frame[col].astype("string"), "start": start, "amount": amount})
        counts, totals = _earlier(work)
        out[f"prior_clues_{col}"] = counts
        out[f"prior_amount_{col}"] = totals
    return out


def _earlier(work: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Count and amount of rows with the same key and a strictly earlier start."""
    order = work.sort_values(["key", "start"], kind="mergesort")
    by_key = order.groupby("key", dropna=False, sort=False)
    same_day = order.groupby(["key", "start"], dropna=False, sort=False)
    # running totals of the key up to the row, minus those of the row's day so far: what is
    # left is strictly earlier days only
    n_before = (by_key.cumcount() - same_day.cumcount()).astype(float)
    sum_before = by_key["amount"].cumsum() - same_day["amount"].cumsum()
    missing = order["key"].isna()
    n_before[missing] = 0.0
    sum_before[missing] = 0.0
    return n_before.reindex(work.index), sum_before.round(2).reindex(work.index)


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KitError(
            f"Clue features need column(s) {', '.join(missing)}, which the clues do not have "
            f"(they have {', '.join(map(str, frame.columns))}). Fix: pass the clues of kit.run "
            "or kit.ml.run_screen, unmasked, and name existing columns in history."
        )


def _is_text(s: pd.Series) -> bool:
    return bool(s.dropna().map(lambda v: isinstance(v, str | int | np.integer)).all())


def _birth(value: Any) -> Any:
    return ids.birth_date(value) if isinstance(value, str) else None


def _male(value: Any) -> float:
    return 1.0 if ids.sex(value) == "M" else 0.0
