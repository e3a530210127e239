"""Probabilistic linkage (概率关联) with Splink: score candidate pairs, keep each record's best."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from kit.errors import EngineError, KitError
from kit.link.model import LinkModel, default_model

#: Columns of a scored pair kept by :func:`score`, after the record and master positions.
PAIR_COLUMNS = ("match_weight", "match_probability")


@contextmanager
def quiet() -> Iterator[None]:
    """Silence Splink's progress messages (they would clutter notebooks and logs)."""
    log = logging.getLogger("splink")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def score(
    records: pd.DataFrame,
    master: pd.DataFrame,
    model: LinkModel | None = None,
    *,
    backend: Any = "duckdb",
    min_probability: float = 1e-4,
) -> pd.DataFrame:
    """Score every candidate pair of a record and a master person (pairs from the blocking rules).

    Parameters
    ----------
    records, master : DataFrame
        Standardised identities (:func:`kit.link.standardise`).
    model : LinkModel, optional
        Default: the model shipped with the kit.
    backend : str or Splink database API
        ``"duckdb"`` (default) or ``"spark"``.
    min_probability : float
        Pairs below this match probability are dropped.

    Returns
    -------
    DataFrame
        One row per pair: ``record_uid``, ``master_uid``, ``master_id``, ``match_weight``,
        ``match_probability`` and Splink's per-field columns (``gamma_*``, ``mw_*``, values of
        both sides with suffixes ``_l`` (master) and ``_r`` (record)), ordered by record, then
        probability (highest first), then master ID number: the same input gives the same rows.
    """
    model = model or default_model()
    if records.empty or master.empty:
        return _empty()
    try:
        with quiet(), warnings.catch_warnings():
            # PySpark warns on every pandas hand-over that it "does not yet fully support
            # pandas >= 3"; tests/test_link.py checks Spark scores equal DuckDB's
            warnings.filterwarnings("ignore", module=r"pyspark\.")
            linker = model.linker(records, master, backend)
            scored = linker.inference.predict(
                threshold_match_probability=min_probability, warning_mode="never"
            ).as_pandas_dataframe()
    except KitError:
        raise
    except Exception as exc:  # Splink, DuckDB or py4j (Spark) errors: one readable line
        name = backend if isinstance(backend, str) else type(backend).__name__
        raise EngineError(
            f"Record linkage on {name}: Splink could not score the candidate pairs "
            f"({_first_line(exc)}). Fix: check the backend (for Spark: Java 17 and the "
            "session), or use backend='duckdb'."
        ) from exc
    if scored.empty:
        return _empty()
    left_is_master = scored["source_dataset_l"].eq("master")
    scored["record_uid"] = scored["uid_r"].where(left_is_master, scored["uid_l"]).astype("int64")
    scored["master_uid"] = scored["uid_l"].where(left_is_master, scored["uid_r"]).astype("int64")
    ids = master.set_index("uid")["id_number"]
    scored["master_id"] = scored["master_uid"].map(ids)
    scored = scored.sort_values(
        ["record_uid", "match_probability", "match_weight", "master_id"],
        ascending=[True, False, False, True],
        kind="mergesort",
    ).reset_index(drop=True)
    lead = ["record_uid", "master_uid", "master_id", *PAIR_COLUMNS]
    return scored[lead + [c for c in scored.columns if c not in lead]]


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    for line in lines:  # py4j puts the Java exception's message after a "calling ..." line
        if "Exception:" in line or "Error:" in line:
            return line[:300]
    return (lines[0] if lines else type(exc).__name__)[:300]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_uid": pd.Series(dtype="int64"),
            "master_uid": pd.Series(dtype="int64"),
            "master_id": pd.Series(dtype=object),
            "match_weight": pd.Series(dtype=float),
            "match_probability": pd.Series(dtype=float),
        }
    )


def best_matches(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Each record's best-scoring master person, if its match probability reaches ``threshold``.

    Examples
    --------
    >>> pairs = pd.DataFrame({"record_uid": [0, 0, 1], "master_uid": [5, 6, 7],
    ...                       "master_id": ["a", "b", "c"], "match_weight": [9.0, 1.0, -3.0],
    ...                       "match_probability": [0.998, 0.67, 0.11]})
    >>> best_matches(pairs, 0.9)[["record_uid", "master_id"]].values.tolist()
    [[0, 'a']]
    """
    top = pairs.drop_duplicates("record_uid", keep="first")
    return top[top["match_probability"] >= threshold].reset_index(drop=True)
