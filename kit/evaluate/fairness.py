"""False positives by person group (误报的人群分布): whom a model's wrong clues hit.

A false positive puts a person who did nothing wrong under review. When one group (old people,
women, rural residents) carries more of them than others, reviewers should know, and the
builders should find out why. For a model whose subjects are persons this module counts, per
group of the people at risk:

- **population**: people at risk in the group (for SS01 the pension recipients);
- **non_cases**: of them, people who are not planted cases;
- **false_positives**: non-case people the model flags;
- **fp_rate** (误报率): false_positives / non_cases;
- **fdr** (线索误报占比, false discovery rate): the share of the group's clues that are false;
- **fp_rate_ratio** (差异比): the group's fp_rate over the lowest fp_rate among its groups.

:func:`disparity_summary` gives one line per grouping with the highest over the lowest rate
(fairlearn's ``MetricFrame.ratio()`` reports the inverse, lowest over highest). The counts are
computed with pandas rather than fairlearn: they are a handful of sums per group, the table needs
the counts beside the rates (a rate of 2 in 40 is not a rate of 200 in 4,000), and the FDR is a
share of clues, not of people, which ``MetricFrame`` does not express.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit import ids
from kit.errors import KitError

if TYPE_CHECKING:
    from kit.datasets import Dataset
    from kit.evaluate.core import Evaluation

#: Lower edges of the age bands (years at the reference date); the last band is open.
AGE_BANDS = (0, 18, 40, 60, 70, 80)
#: Group columns :func:`person_groups` can give, in display order.
GROUPS = ("age_band", "sex", "hukou_type", "insurance_type")
#: The people at risk of each person pattern: the register table whose ``id_number`` column
#: lists them (persons not in it cannot get the pattern's clue).
POPULATIONS = {
    "pension_after_death": "pension_recipients",
    "pension_during_custody": "pension_recipients",
    "increase_during_correction": "pension_recipients",
    "unemployment_while_employed": "unemployment_payments",
}
_REGISTERS = ("persons", "insured")


def person_groups(
    dataset: Dataset,
    population: Any = None,
    at: str | dt.date | None = None,
    age_bands: Iterable[int] = AGE_BANDS,
) -> pd.DataFrame:
    """The people at risk with their groups: age band, sex and urban/rural or scheme.

    Parameters
    ----------
    dataset : Dataset
        A dataset with a population register (``persons`` or ``insured``).
    population : str, DataFrame or iterable of ID numbers, optional
        The people at risk: a table name whose ``id_number`` column lists them (e.g.
        ``"pension_recipients"``), a table with an ``id_number`` column, or the ID numbers.
        Default: the whole register.
    at : str or date, optional
        Reference date of the age; default the first day of the dataset's window
        (``kit:window`` start, 2022-01-01 for the samples).
    age_bands : iterable of int
        Lower edges of the age bands.

    Returns
    -------
    DataFrame
        ``subject_id`` (the raw ID number, to join on: mask it before showing it, e.g. with
        ``kit.mask.mask_frame(people, {"subject_id": "id"})``), ``age_band``, ``sex`` (from the
        ID number's 17th digit, which is authoritative, else the register), and ``hukou_type``
        (urban/rural) or ``insurance_type`` (employee/resident) where the register has it.
        ``attrs["at"]`` holds the reference date.

    Examples
    --------
    >>> import kit
    >>> people = person_groups(kit.datasets.load("social_security"), "pension_recipients")
    >>> len(people), people.attrs["at"], sorted(people["hukou_type"].unique())
    (2562, '2022-01-01', ['rural', 'urban'])
    """
    register_name = next((t for t in _REGISTERS if t in dataset.tables), None)
    if register_name is None:
        raise KitError(
            f"Dataset {dataset.name!r} has no population register ({' or '.join(_REGISTERS)}); "
            "person groups need one. Fix: pass people= a table with subject_id and group columns."
        )
    register = dataset.tables[register_name].drop_duplicates("id_number").set_index("id_number")
    reference = _reference_date(dataset, at)
    members = _population_ids(dataset, population)
    people = pd.DataFrame({"subject_id": members})
    birth = people["subject_id"].map(register["birth_date"]) if "birth_date" in register else None
    birth = pd.to_datetime(birth if birth is not None else pd.Series(pd.NaT, index=people.index))
    from_id = pd.to_datetime(_per_unique(people["subject_id"], _id_birth))
    birth = birth.fillna(from_id)
    years = reference.year - birth.dt.year
    before_birthday = (birth.dt.month > reference.month) | (
        (birth.dt.month == reference.month) & (birth.dt.day > reference.day)
    )
    age = (years - before_birthday.astype(int)).clip(lower=0)  # born after the reference date: 0
    people["age_band"] = _bands(age, list(age_bands))
    sex = _per_unique(people["subject_id"], _id_sex).astype("str")
    if "sex" in register:
        sex = sex.fillna(people["subject_id"].map(register["sex"]).astype("str"))
    people["sex"] = sex.fillna("unknown")
    for col in ("hukou_type", "insurance_type"):
        if col in register:
            people[col] = people["subject_id"].map(register[col]).astype("str").fillna("unknown")
    people.attrs["at"] = reference.isoformat()
    people.attrs["register"] = register_name
    return people


def group_rates(
    ev: Evaluation,
    people: Any,
    by: str | Iterable[str] | None = None,
    *,
    population: Any = None,
    at: str | dt.date | None = None,
) -> pd.DataFrame:
    """False-positive rates and disparity ratios by person group for a person-subject model.

    Parameters
    ----------
    ev : Evaluation
        Of a model whose subjects are persons (subject id = resident ID number).
    people : Dataset or DataFrame
        The people at risk with their groups (see :func:`person_groups`); a Dataset is turned
        into one with ``population`` (default :data:`POPULATIONS` of the pattern, else the
        whole register) and ``at``.
    by : str or iterable of str, optional
        Group columns; default every one of :data:`GROUPS` that ``people`` has.

    Returns
    -------
    DataFrame
        One row per group value: ``group, value, population, cases, non_cases, clues,
        false_positives, fp_rate, fp_rate_ratio, fdr, cases_found, recall``. ``fp_rate_ratio``
        is infinite when the group's rate is above zero and the lowest rate is zero.
        ``attrs`` holds the reference date, the population and ``outside``, the clues on
        people outside the population (left out of every row).

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> ev = kit.evaluate(kit.run("SS01", ds), ds.truth)
    >>> rates = group_rates(ev, ds, by="hukou_type")
    >>> rates[["value", "population", "false_positives"]].to_dict("records")
    [{'value': 'rural', 'population': 1668, 'false_positives': 4}, {'value': 'urban', 'population': 894, 'false_positives': 4}]
    """
    if ev.subject_type and ev.subject_type != "person":
        raise KitError(
            f"{ev.model_id}'s subjects are {ev.subject_type}, not persons; false-positive "
            "rates by person group need a model whose subject is a person (SS01, SS02, SS03, "
            "SS05, MI01, MI02 ...)."
        )
    described = "the people given"
    if hasattr(people, "tables"):
        if population is None:
            population = POPULATIONS.get(ev.pattern)
        described = population if isinstance(population, str) else "the whole register"
        people = person_groups(people, population=population, at=at)
    if not isinstance(people, pd.DataFrame) or "subject_id" not in people.columns:
        raise KitError(
            "people must be a Dataset or a table with a subject_id column (see "
            "kit.evaluate.person_groups)."
        )
    available = [c for c in people.columns if c != "subject_id"]
    columns = [c for c in GROUPS if c in people.columns] if by is None else _as_list(by)
    for col in columns:
        if col not in available:
            raise KitError(
                f"Unknown group {col!r}; choose from {', '.join(available)}. "
                f"(Groups come from the population register; see kit.evaluate.person_groups.)"
            )
    people = people.drop_duplicates("subject_id").reset_index(drop=True)
    n_clues = ev.detail["subject_id"].value_counts()
    case_ids = set(ev.cases["subject_id"]) if ev.cases is not None else set()
    people["is_case"] = people["subject_id"].isin(case_ids)
    people["clues"] = people["subject_id"].map(n_clues).fillna(0).astype(int)
    people["flagged"] = people["clues"] > 0
    people["fp"] = people["flagged"] & ~people["is_case"]
    people["fp_clues"] = people["clues"].where(~people["is_case"], 0)
    people["found"] = people["flagged"] & people["is_case"]
    parts = [_rates_by(people, col) for col in columns]
    table = pd.concat(parts, ignore_index=True)
    outside = int(n_clues[~n_clues.index.isin(people["subject_id"])].sum())
    table.attrs = {
        "model_id": ev.model_id,
        "at": people.attrs.get("at", ""),
        "population": described,
        "outside": outside,
    }
    return table


def disparity_summary(rates: pd.DataFrame) -> pd.DataFrame:
    """One row per grouping: the lowest and highest false-positive rate and their ratio.

    ``disparity_ratio`` is highest / lowest (1 means equal rates; infinite when the lowest is
    zero); ``fairlearn_ratio`` is its inverse, lowest / highest, as ``MetricFrame.ratio()``
    reports it. Groups without non-case people are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> rates = pd.DataFrame({"group": ["sex", "sex"], "value": ["F", "M"],
    ...                       "non_cases": [100, 100], "false_positives": [2, 6],
    ...                       "fp_rate": [0.02, 0.06]})
    >>> disparity_summary(rates)[["lowest", "highest", "disparity_ratio"]].to_dict("records")
    [{'lowest': 'F', 'highest': 'M', 'disparity_ratio': 3.0}]
    """
    rows = []
    for name, part in rates[rates["non_cases"] > 0].groupby("group", sort=False):
        part = part.sort_values(["fp_rate", "value"], kind="mergesort")
        low, high = part.iloc[0], part.iloc[-1]
        ratio = _ratio(float(high["fp_rate"]), float(low["fp_rate"]))
        rows.append(
            {
                "group": name,
                "groups": len(part),
                "false_positives": int(part["false_positives"].sum()),
                "lowest": low["value"],
                "lowest_rate": float(low["fp_rate"]),
                "highest": high["value"],
                "highest_rate": float(high["fp_rate"]),
                "disparity_ratio": ratio,
                "fairlearn_ratio": 1 / ratio if ratio else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _rates_by(people: pd.DataFrame, col: str) -> pd.DataFrame:
    g = people.groupby(col, sort=True, observed=True)
    t = pd.DataFrame(
        {
            "population": g.size(),
            "cases": g["is_case"].sum(),
            "clues": g["clues"].sum(),
            "false_positives": g["fp"].sum(),
            "fp_clues": g["fp_clues"].sum(),
            "cases_found": g["found"].sum(),
        }
    ).astype("int64")
    t["non_cases"] = t["population"] - t["cases"]
    t["fp_rate"] = [_rate(a, b) for a, b in zip(t["false_positives"], t["non_cases"], strict=True)]
    t["fdr"] = [_rate(a, b) for a, b in zip(t["fp_clues"], t["clues"], strict=True)]
    t["recall"] = [_rate(a, b) for a, b in zip(t["cases_found"], t["cases"], strict=True)]
    lowest = t.loc[t["non_cases"] > 0, "fp_rate"].min()
    t["fp_rate_ratio"] = [_ratio(r, lowest) for r in t["fp_rate"]]
    t = t.reset_index(names="value")
    t["value"] = t["value"].astype("str")
    t.insert(0, "group", col)
    columns = ["group", "value", "population", "cases", "non_cases", "clues", "false_positives"]
    return t[[*columns, "fp_rate", "fp_rate_ratio", "fdr", "cases_found", "recall"]]


def _rate(num: float, den: float) -> float:
    return float(num) / float(den) if den else np.nan


def _ratio(rate: float, lowest: float) -> float:
    if pd.isna(rate) or pd.isna(lowest):
        return np.nan
    if lowest == 0:
        return 1.0 if rate == 0 else np.inf
    return float(rate) / float(lowest)


def _bands(age: pd.Series, edges: list[int]) -> pd.Series:
    if not edges or sorted(set(edges)) != list(edges):
        raise KitError(f"age_bands={edges}: give increasing lower edges such as (0, 18, 60, 80).")
    labels = [f"{a}-{b - 1}" for a, b in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]}+"]
    codes = np.searchsorted(np.asarray(edges), age.fillna(-1).to_numpy(), side="right") - 1
    values = [labels[c] if c >= 0 else "unknown" for c in codes]
    order = [*labels, "unknown"]
    return pd.Series(
        pd.Categorical(values, categories=order), index=age.index
    ).cat.remove_unused_categories()


def _reference_date(dataset: Dataset, at: Any) -> dt.date:
    if at is None:
        window = dataset.meta.get("kit:window") or {}
        if "start" not in window:
            raise KitError(
                f"Dataset {dataset.name!r} does not state its period (kit:window), so the age "
                "reference date is unknown. Fix: pass at='YYYY-MM-DD'."
            )
        at = f"{window['start']}-01" if len(str(window["start"])) == 7 else window["start"]
    try:
        return pd.Timestamp(at).date()
    except (TypeError, ValueError):
        raise KitError(f"at={at!r} is not a date; write it as YYYY-MM-DD.") from None


def _population_ids(dataset: Dataset, population: Any) -> pd.Series:
    if population is None:
        name = next(t for t in _REGISTERS if t in dataset.tables)
        population = name
    if isinstance(population, str):
        if population not in dataset.tables:
            raise KitError(
                f"Population table {population!r} is not in dataset {dataset.name!r}; choose one "
                f"of {', '.join(dataset.tables)} with an id_number column."
            )
        population = dataset.tables[population]
    if isinstance(population, pd.DataFrame):
        if "id_number" not in population.columns:
            raise KitError("The population table needs an id_number column (the people at risk).")
        population = population["id_number"]
    values = pd.Series(list(population), dtype="str").dropna()
    return values.drop_duplicates().reset_index(drop=True)


def _as_list(by: str | Iterable[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def _per_unique(values: pd.Series, func: Any) -> pd.Series:
    """``func`` applied once per distinct value."""
    results = {v: func(v) for v in values.dropna().unique()}
    return values.map(results)


def _id_birth(value: Any) -> Any:
    try:
        return ids.birth_date(value)
    except Exception:  # noqa: BLE001 - an invalid number has no birth date; the register may
        return None


def _id_sex(value: Any) -> Any:
    try:
        return ids.sex(value)
    except Exception:  # noqa: BLE001 - an invalid number has no sex digit; use the register
        return None
