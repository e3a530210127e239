"""Breakdowns (分组统计): an evaluation by region or unit, and several evaluations by pattern.

A clue carries its region (``region_code``) and the model's own columns (an institution, an
enterprise), so clues, cases found and conversion per group come straight from the clue table.
Recall per group also needs the group of the cases the model *missed*, which no clue carries:
:func:`subject_regions` looks it up in the dataset's registers, and :func:`breakdown` gives recall
only where every missed case has a known group (and says so otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit.errors import KitError

if TYPE_CHECKING:
    from kit.datasets import Dataset
    from kit.evaluate.core import Evaluation

#: Group value of clues or cases whose group is not known.
UNKNOWN = "(unknown)"
#: Pattern label of the per-field total rows of :func:`by_pattern`.
ALL = "(all)"

# (table, key column, region column or (lookup table's key column, via column)) for regions.
_DIRECT = (
    ("persons", "id_number"),
    ("insured", "id_number"),
    ("allowance_households", "household_id"),
    ("institutions", "institution_id"),
    ("enterprises", "uscc"),
)
_VIA = (  # table, key, column holding a key of a table above
    ("settlements", "settlement_id", "institution_id"),
    ("penalties", "penalty_id", "uscc"),
    ("restoration_orders", "order_id", "uscc"),
)


def subject_regions(dataset: Dataset) -> pd.Series:
    """Region code of every subject in a dataset's truth table, looked up in its registers.

    Persons come from the population register (``persons`` or ``insured``), households from
    the allowance register, institutions and enterprises from theirs; a composite subject
    (``H34150200002|2023-01``, an outlet ``<USCC>-DA001``) takes the region of its first part;
    settlements take their institution's, penalties and orders their enterprise's region.
    Subjects found nowhere (drug trace codes) are left out.

    Returns
    -------
    Series
        Region code (str) indexed by subject id.

    Examples
    --------
    >>> import kit
    >>> regions = subject_regions(kit.datasets.load("social_security"))
    >>> bool(regions.str.len().eq(6).all())
    True
    """
    if dataset.truth is None:
        raise KitError(f"Dataset {dataset.name!r} has no truth table, so it has no subjects.")
    tables = dataset.tables
    lookup: dict[str, str] = {}
    for table, key in _DIRECT:
        if table in tables and {key, "region_code"} <= set(tables[table].columns):
            t = tables[table].dropna(subset=[key, "region_code"])
            lookup.update(zip(t[key].astype(str), t["region_code"].astype(str), strict=True))
    for table, key, via in _VIA:
        if table in tables and {key, via} <= set(tables[table].columns):
            t = tables[table].dropna(subset=[key, via])
            for k, v in zip(t[key].astype(str), t[via].astype(str), strict=True):
                if v in lookup:
                    lookup[k] = lookup[v]
    subjects = pd.Index(dataset.truth["subject_id"].astype(str).unique())
    found = {}
    for s in subjects:
        head = s.split("|")[0]
        region = lookup.get(s) or lookup.get(head) or lookup.get(head.split("-")[0])
        if region:
            found[s] = region
    return pd.Series(found, dtype="str", name="region_code").rename_axis("subject_id")


def breakdown(ev: Evaluation, by: str = "region_code", groups: Any = None) -> pd.DataFrame:
    """Clues, cases found, conversion and recall per group of a clue column.

    Each case is counted in one group: a case found in the group of its (first) clue, a missed
    case in the group ``groups`` gives it (which also fills in clues without a value). Recall per group is given only when every missed
    case has a known group; otherwise the ``recall`` column is empty, a row ``(unknown)`` holds
    the missed cases, and ``attrs["note"]`` says how to fix it.

    Parameters
    ----------
    ev : Evaluation
    by : str
        A column of the clue table: ``region_code`` (default), or a model's own column such as
        ``institution_id``.
    groups : Series or Dataset, optional
        Group of each subject (a Series indexed by subject id), for the cases the model missed;
        a Dataset gives :func:`subject_regions` (only with ``by="region_code"``).

    Returns
    -------
    DataFrame
        One row per group, most clues first: ``by`` (and ``region_name`` for regions),
        ``clues, cases_found, false_positives, conversion_rate, cases, cases_missed, recall,
        amount_found``.

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> table = breakdown(kit.evaluate(kit.run("SS02", ds), ds.truth), "region_code", ds)
    >>> int(table["clues"].sum()), int(table["cases"].sum()), float(table["recall"].min())
    (30, 30, 1.0)
    """
    frame = ev.clue_frame if ev.clue_frame is not None else ev.detail
    if by not in frame.columns:
        raise KitError(
            f"{by!r} is not a column of {ev.model_id}'s clues; choose one of "
            f"{', '.join(map(str, frame.columns))}."
        )
    if groups is not None and not isinstance(groups, pd.Series):
        if not hasattr(groups, "truth"):
            raise KitError(
                "groups must be a Series of group values indexed by subject id, or a Dataset."
            )
        if by != "region_code":
            raise KitError(
                f"A dataset can give the regions of missed cases, not their {by!r}. Fix: pass "
                f"groups= a Series of {by} indexed by subject id."
            )
        groups = subject_regions(groups)
    values = frame[by].reset_index(drop=True)
    if groups is not None:  # a clue without a value of its own takes its subject's
        by_subject = ev.detail["subject_id"].map(groups.astype(str))
        values = values.astype("str").where(values.notna(), by_subject)
    detail = ev.detail.assign(group=_labels(values).to_numpy())
    table = detail.groupby("group", sort=False).agg(
        clues=("clue_id", "size"),
        case_clues=("is_case", "sum"),
        cases_found=("new_case", "sum"),
        amount_found=("amount_improper", "sum"),
    )
    table["false_positives"] = table["clues"] - table.pop("case_clues")
    # a case belongs to the group of its first clue; missed cases to ``groups``
    found_ids = set(detail.loc[detail["is_case"], "subject_id"])
    case_ids = ev.cases["subject_id"] if ev.cases is not None else pd.Series([], dtype="str")
    missed = case_ids[~case_ids.isin(found_ids)]
    if groups is not None and len(missed):
        missed_groups = _labels(missed.map(groups.astype(str)))
    else:
        missed_groups = pd.Series([UNKNOWN] * len(missed), dtype="str")
    found_cases = detail.loc[detail["new_case"], "group"].value_counts()
    table["cases_missed"] = 0
    for g, n in missed_groups.value_counts().items():
        if g not in table.index:
            table.loc[g, ["clues", "cases_found", "amount_found", "false_positives"]] = 0
        table.loc[g, "cases_missed"] = n
    table["cases"] = found_cases.reindex(table.index, fill_value=0) + table["cases_missed"]
    counts = ("clues", "cases_found", "false_positives", "cases", "cases_missed")
    table = table.astype({c: "int64" for c in counts})
    table["conversion_rate"] = _rates(table["clues"] - table["false_positives"], table["clues"])
    unknown_missed = int((missed_groups == UNKNOWN).sum())
    if unknown_missed:
        table["recall"] = np.nan
        table.attrs["note"] = (
            f"Recall by group is not given: {unknown_missed} missed case(s) have no known "
            f"{by}. Fix: pass groups= (a Dataset for regions, or a Series by subject id)."
        )
    else:
        table["recall"] = _rates(found_cases.reindex(table.index, fill_value=0), table["cases"])
        table.attrs["note"] = "Recall is computable in every group."
    table["amount_found"] = table["amount_found"].astype(float).round(2)
    table = table.reset_index(names=by)
    table["_last"] = table[by] == UNKNOWN
    table = table.sort_values(["_last", "clues", by], ascending=[True, False, True])
    columns = ["clues", "cases_found", "false_positives", "conversion_rate", "cases"]
    columns = [by, *columns, "cases_missed", "recall", "amount_found"]
    if by == "region_code":
        columns.insert(1, "region_name")
        table["region_name"] = table[by].map(_region_name)
    out = table[columns].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def by_pattern(evaluations: Iterable[Evaluation] | Mapping[str, Evaluation]) -> pd.DataFrame:
    """Several models' evaluations side by side by pattern, with a total row per field.

    Parameters
    ----------
    evaluations : iterable of Evaluation, or mapping of label to Evaluation
        One evaluation per pattern (use :func:`kit.evaluate.compare` for several versions of
        one model).

    Returns
    -------
    DataFrame
        One row per pattern (``field, pattern, model, clues, cases, cases_found,
        false_positives, conversion_rate, recall, amount_found, amount_total, amount_recall``),
        then per field a row with pattern ``(all)`` pooling its patterns' counts.

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> evs = [kit.evaluate(kit.run(m, ds), ds.truth) for m in ("SS02", "SS05")]
    >>> by_pattern(evs)[["pattern", "clues", "recall"]].to_dict("records")[-1]
    {'pattern': '(all)', 'clues': 60, 'recall': 1.0}
    """
    named = named_evaluations(evaluations)
    rows = []
    for label, ev in named:
        rows.append(
            {
                "field": ev.dataset or ev.model_id[:2],
                "pattern": ev.pattern,
                "model": label,
                "clues": ev.n_clues,
                "cases": ev.n_cases,
                "cases_found": ev.cases_found,
                "false_positives": ev.n_clues - int(ev.detail["is_case"].sum()),
                "amount_found": ev.amount_found,
                "amount_total": ev.amount_total,
            }
        )
    table = pd.DataFrame(rows)
    twice = table[table.duplicated(["field", "pattern"], keep=False)]
    if len(twice):
        raise KitError(
            f"Pattern {twice['pattern'].iloc[0]!r} is evaluated more than once "
            f"({', '.join(twice['model'])}); give one evaluation per pattern, or compare "
            "versions of one model with kit.evaluate.compare."
        )
    out = []
    for fld, part in table.groupby("field", sort=False):
        total = part.drop(columns=["field", "pattern", "model"]).sum()
        out += [part, pd.DataFrame([{"field": fld, "pattern": ALL, "model": "", **total}])]
    table = pd.concat(out, ignore_index=True)
    counts = ["clues", "cases", "cases_found", "false_positives"]
    table = table.astype({c: "int64" for c in counts})
    table["conversion_rate"] = _rates(table["clues"] - table["false_positives"], table["clues"])
    table["recall"] = _rates(table["cases_found"], table["cases"])
    table["amount_recall"] = _rates(table["amount_found"], table["amount_total"])
    order = ["field", "pattern", "model", "clues", "cases", "cases_found", "false_positives"]
    order += ["conversion_rate", "recall", "amount_found", "amount_total", "amount_recall"]
    return table[order]


def named_evaluations(evaluations: Any) -> list[tuple[str, Evaluation]]:
    """(label, evaluation) pairs from a mapping or a sequence (labelled by model id)."""
    from kit.evaluate.core import Evaluation

    if isinstance(evaluations, Evaluation):
        evaluations = [evaluations]
    pairs = list(evaluations.items()) if isinstance(evaluations, Mapping) else None
    if pairs is None:
        pairs = [(ev.model_id if isinstance(ev, Evaluation) else "", ev) for ev in evaluations]
    for label, ev in pairs:
        if not isinstance(ev, Evaluation):
            raise KitError(
                f"Expected evaluations (kit.evaluate(...)), got {type(ev).__name__} for {label!r}."
            )
    if not pairs:
        raise KitError("No evaluations given; pass a list or a dict of kit.evaluate(...) results.")
    return [(str(label), ev) for label, ev in pairs]


def _labels(values: pd.Series) -> pd.Series:
    out = values.astype("str").fillna(UNKNOWN)
    return out.where(out.str.len() > 0, UNKNOWN).reset_index(drop=True)


def _rates(num: pd.Series, den: pd.Series) -> pd.Series:
    num, den = num.astype(float), den.astype(float)
    return (num / den.where(den > 0)).fillna(0.0).where(den > 0, np.nan)


def _region_name(code: Any) -> str:
    from kit import ids

    text = str(code)
    if len(text) != 6 or not text.isdigit():
        return ""
    try:
        return ids.region_name(text) or ""
    except Exception:  # noqa: BLE001 - a name is a courtesy; the code stays authoritative
        return ""
