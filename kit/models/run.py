"""Run a model over a dataset on an engine and shape the result into standard clues."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import string
import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kit.datasets import Dataset
from kit.datasets import load as load_dataset
from kit.engine import Engine, get_engine
from kit.errors import EngineError, SpecError
from kit.link.apply import link_dataset
from kit.models.clues import CLUE_COLUMNS, Clues
from kit.models.library import get
from kit.models.spec import ModelSpec

_REQUIRED_SQL_COLUMNS = ("subject_id", "period_start", "period_end", "amount_involved")


def run(
    spec: ModelSpec | str,
    dataset: Dataset | str = "",
    params: dict[str, Any] | None = None,
    engine: Engine | str | None = None,
) -> Clues:
    """Run a supervision model and return its clues.

    Parameters
    ----------
    spec : ModelSpec or str
        The model, or its id in the library (``"SS01"``).
    dataset : Dataset or str
        A loaded dataset, or a dataset name or folder; by default the model's own dataset.
    params : dict, optional
        Parameter values overriding the spec's defaults, e.g. ``{"grace_days": 30}``.
    engine : Engine or str, optional
        ``"duckdb"`` (default) or an engine object.

    Returns
    -------
    Clues
        Standard leading columns, then the model's own; ordered by amount (largest first),
        subject and period, so the same input gives the same clues in the same order.

    Examples
    --------
    >>> clues = run("SS01", "social_security")
    >>> list(clues.frame.columns[:4])
    ['model_id', 'clue_id', 'subject_type', 'subject_id']
    """
    spec, dataset = model_inputs(spec, dataset)
    values = spec.resolve_params(params)
    eng = get_engine(engine)
    started = time.perf_counter()
    # the same dataset when off; else a copy whose fingerprint covers the linkage model,
    # threshold and linked tables' content, so it enters the run id below
    linked, linkage = link_dataset(dataset, spec.link, values, owner=spec.id)
    external = dict(getattr(eng, "sources", None) or {})  # tables an engine reads from elsewhere
    if clash := sorted(set(linkage or {}) & set(external)):
        raise EngineError(
            f"{spec.id} links table(s) {', '.join(clash)} to the register before its rule runs, "
            f"but the {eng.name} engine reads them from its sources ({external[clash[0]]!r}), "
            "so the linkage would be skipped. Fix: run with use_linkage=false, or leave those "
            "tables out of the engine's sources."
        )
    try:
        raw = eng.query(spec.render_sql(values), linked, spec.sources)
    except EngineError as exc:
        raise EngineError(f"{spec.id}: {exc}") from exc
    seconds = time.perf_counter() - started
    frame = shape_clues(raw, spec)
    info = {
        "model_id": spec.id,
        "version": spec.version,
        "spec_hash": spec.hash,
        "subject_type": spec.subject_type,
        "pattern": spec.pattern,
        "mask": dict(spec.mask),
        "params": _jsonable(values),
        "dataset": dataset.name,
        "dataset_fingerprint": dataset.fingerprint,
        "engine": eng.name,
        "run_id": _run_id(spec, values, linked, external),
        "clues": len(frame),
        "seconds": round(seconds, 3),
    }
    if linkage:
        info["linkage"] = linkage
    if external:
        info["engine_sources"] = external
    return Clues(frame=frame, info=info)


def model_inputs(spec: ModelSpec | str, dataset: Dataset | str = "") -> tuple[ModelSpec, Dataset]:
    """The spec (a library id is looked up) and the dataset (by default the model's own), checked
    to hold every table the model reads."""
    spec = get(spec) if isinstance(spec, str) else spec
    if not isinstance(dataset, Dataset):
        dataset = load_dataset(dataset or spec.dataset)
    missing = [t for t in spec.sources if t not in dataset.tables]
    if missing:
        raise SpecError(
            f"{spec.id} reads table(s) {', '.join(missing)}, which dataset {dataset.name!r} "
            f"does not have (it has {', '.join(dataset.tables)}). Fix: use a dataset with them."
        )
    return spec, dataset


def shape_clues(raw: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """Give an engine's result the standard clue columns, types, ids, evidence and order."""
    missing = [c for c in _REQUIRED_SQL_COLUMNS if c not in raw.columns]
    if missing:
        raise SpecError(f"{spec.id}, section sql: the query must return column(s) {missing}.")
    df = raw.copy()
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[s]")
    df["amount_involved"] = pd.to_numeric(df["amount_involved"]).astype(float).round(2)
    df["subject_id"] = df["subject_id"].astype(str)
    for col in ("subject_name", "region_code"):
        if col not in df.columns:
            df[col] = pd.NA
    df["model_id"] = spec.id
    df["subject_type"] = spec.subject_type
    df["clue_id"] = pd.Series(_clue_ids(spec.id, df), index=df.index, dtype=str)
    df = df.sort_values(
        ["amount_involved", "subject_id", "period_start"],
        ascending=[False, True, True],
        kind="mergesort",
    ).reset_index(drop=True)
    done: dict[tuple[str, str, str | None], list[str]] = {}  # fields both languages format
    for lang, template in spec.evidence.items():
        if template:
            col = "evidence" if lang == "en" else f"evidence_{lang}"
            df[col] = _fill_all(template, df, spec, done)
    if "evidence" not in df.columns:
        df["evidence"] = ""
    extra = [c for c in df.columns if c not in CLUE_COLUMNS]
    return df[list(CLUE_COLUMNS) + extra]


def _clue_ids(model_id: str, df: pd.DataFrame) -> list[str]:
    """Stable id of every clue: a hash of model, subject and first day of the period.

    Built from plain Python lists: iterating an Arrow-backed column element by element cost
    several times the hashing at tens of thousands of clues.
    """
    keys = (df["subject_id"] + "|" + df["period_start"].dt.strftime("%Y-%m-%d")).tolist()
    sha1 = hashlib.sha1
    return [f"{model_id}-{sha1(f'{model_id}|{k}'.encode()).hexdigest()[:12]}" for k in keys]


def _fill_all(
    template: str,
    df: pd.DataFrame,
    spec: ModelSpec,
    done: dict[tuple[str, str, str | None], pa.Array] | None = None,
) -> pd.Series:
    """The evidence sentence of every row, as a text column aligned with ``df``.

    Each field of the template is formatted once per distinct value of its column (floats,
    mostly distinct, once per row); the texts are spread to the rows and joined with the
    template's literal text by Arrow, not by Python row by row. Dates become ``datetime.date``
    so that ``{period_start}`` prints ``2023-05-01``. At province scale a model has tens of
    thousands of clues, and formatting whole sentences row by row cost as much as the query. A
    field with an attribute, an index or a nested field (``{a.b}``, ``{a[0]}``,
    ``{a:{width}}``) falls back to filling row by row, with the same result. ``done`` keeps
    formatted fields for the next template (the other language).
    """
    done = {} if done is None else done
    try:
        parsed = list(string.Formatter().parse(template))
        if any(
            (field and not field.isidentifier()) or "{" in (fmt or "")
            for _, field, fmt, _ in parsed
        ):  # an attribute, an index or a nested field: row by row
            return pd.Series(_fill_rows(template, df), index=df.index, dtype="str")
        parts: list[str | pa.Array] = []
        for literal, field, fmt, conversion in parsed:
            if literal:
                parts.append(literal)  # already unescaped: "{{" is "{" here
            if field is None:
                continue
            if field not in df.columns:
                raise KeyError(field)
            key = (field, fmt or "", conversion)
            if key not in done:
                done[key] = _formatted(df[field], fmt or "", conversion)
            parts.append(done[key])
        if not any(isinstance(part, pa.Array) for part in parts):
            return pd.Series([template.format()] * len(df), index=df.index, dtype="str")
        return pd.Series(pc.binary_join_element_wise(*parts, ""), index=df.index, dtype="str")
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise SpecError(f"{spec.id}, section evidence: cannot fill the template ({exc}).") from exc


#: ``str.format`` conversions (``{a!r}``, ``{a!s}``, ``{a!a}``).
_CONVERSIONS = {"r": repr, "s": str, "a": ascii}


def _formatted(column: pd.Series, fmt: str, conversion: str | None) -> pa.Array:
    """``format(value, fmt)`` of every value of ``column``, as ``str.format`` would give it."""
    dates = pd.api.types.is_datetime64_any_dtype(column)
    convert = _CONVERSIONS[conversion] if conversion else None

    def one(value: Any) -> str:
        if dates and isinstance(value, pd.Timestamp):
            value = value.date()
        if convert:
            value = convert(value)
        return format(value, fmt)

    if column.dtype == np.float64:
        # equal floats may print differently (-0.0 and 0.0): distinct bit patterns instead
        values = column.to_numpy()
        _, first, codes = np.unique(values.view(np.int64), return_index=True, return_inverse=True)
        uniques = values[first].tolist()
    elif column.dtype == object or pd.api.types.is_float_dtype(column):
        # equal values may print differently (1 and True, Decimal("1.0") and Decimal("1.00") in
        # an object column; -0.0 and 0.0 in a nullable float column): value by value
        return pa.array([one(v) for v in column.tolist()], pa.string())
    else:
        codes, found = pd.factorize(column, use_na_sentinel=False)
        if dates and isinstance(column.dtype, np.dtype):
            # a day from NumPy directly (datetime.date, None for NaT) rather than a Timestamp
            # each: the same day as Timestamp.date() for a column without a time zone
            days = found.to_numpy().astype("datetime64[D]").tolist()
            uniques = [pd.NaT if d is None else d for d in days]
        else:
            uniques = found.tolist()
    plain = not (dates or convert)  # format() alone, without the per-value wrapper
    texts = [format(v, fmt) for v in uniques] if plain else [one(v) for v in uniques]
    return pa.array(texts, pa.string()).take(pa.array(codes))


def _fill_rows(template: str, df: pd.DataFrame) -> list[str]:
    """Fill ``template`` row by row, converting only the columns it names."""
    names = _field_names(template)
    cols = [c for c in df.columns if c in names]
    if not cols:  # no field, or none in the frame: the KeyError names it
        return [template.format()] * len(df)
    values = []
    for c in cols:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            values.append([v.date() if isinstance(v, pd.Timestamp) else v for v in df[c].tolist()])
        else:
            values.append(df[c].tolist())
    return [
        template.format(**dict(zip(cols, row, strict=True))) for row in zip(*values, strict=True)
    ]


def _field_names(template: str) -> set[str]:
    """Columns a template names, those inside a format spec (``{a:>{width}}``) included."""
    names = set()
    for _, field, fmt, _ in string.Formatter().parse(template):
        if field:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
        if fmt and "{" in fmt:
            names |= _field_names(fmt)
    return names


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


def _run_id(
    spec: ModelSpec, values: dict[str, Any], dataset: Dataset, external: dict[str, str]
) -> str:
    """Spec, parameters and data; tables read from an engine's own sources name the data too."""
    parts: list[Any] = [spec.hash, _jsonable(values), dataset.fingerprint]
    if external:
        parts.append(external)
    payload = json.dumps(parts, sort_keys=True)
    return f"{spec.id}-{hashlib.sha1(payload.encode()).hexdigest()[:10]}"
