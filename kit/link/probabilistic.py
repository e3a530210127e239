"""Probabilistic linkage (概率关联) with Splink: score candidate pairs, keep each record's best."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import EngineError, KitError
from kit.link.model import LinkModel, default_model

#: Columns of a scored pair kept by :func:`score`, after the record and master positions.
PAIR_COLUMNS = ("match_weight", "match_probability")

#: Records x master persons that Splink scores in one go; more are scored in chunks (Splink's
#: ``num_chunks_left``), so a province's candidate pairs (hundreds of millions) are never held
#: at once. 130 thousand records against 1.2 million persons (20 million pairs) is one chunk.
PAIR_BUDGET = 200_000_000_000


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
    weights: Any = None,
    best_only: bool = False,
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
    weights : array of int, optional
        How many identical records each row of ``records`` stands for (distinct identities of a
        table). The pairs are scored as if each row were repeated that many times, so the name
        frequencies of the term-frequency adjustment count every record, and each row's pairs
        are returned once: the scores equal those of the records one by one.
    best_only : bool
        Keep only each record's best pair (the first row per record of the full result, which
        is all that deciding a link needs), without Splink's per-field columns. The pairs are
        reduced inside the backend, so scoring a province's records does not bring tens of
        millions of pairs into pandas.

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
    if weights is not None:
        return _score_weighted(records, master, model, backend, min_probability, weights, best_only)
    chunks = -(-len(records) * len(master) // PAIR_BUDGET)
    try:
        with quiet(), warnings.catch_warnings():
            # PySpark warns on every pandas hand-over that it "does not yet fully support
            # pandas >= 3"; tests/test_link.py checks Spark scores equal DuckDB's
            warnings.filterwarnings("ignore", module=r"pyspark\.")
            linker = model.linker(records, master, backend, lean=best_only)
            predicted = linker.inference.predict(
                threshold_match_probability=min_probability,
                num_chunks_left=max(chunks, 1),
                num_chunks_right=1,
                warning_mode="never",
            )
            if best_only:  # the pairs of each record's top score (ties resolved below)
                scored = linker.misc.query_sql(_best_sql(predicted.physical_name), "pandas")
                scored = scored.drop(columns="kit_rank")
            else:
                scored = predicted.as_pandas_dataframe()
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
    if best_only:
        scored = scored.drop_duplicates("record_uid", keep="first").reset_index(drop=True)
    lead = ["record_uid", "master_uid", "master_id", *PAIR_COLUMNS]
    return scored[lead + [c for c in scored.columns if c not in lead]]


def _best_sql(table: str) -> str:
    """SQL (DuckDB and Spark) keeping each record's pairs of top probability, then weight."""
    record = "CASE WHEN source_dataset_l = 'master' THEN uid_r ELSE uid_l END"
    return (
        f"SELECT * FROM (SELECT p.*, rank() OVER (PARTITION BY {record} "
        "ORDER BY match_probability DESC, match_weight DESC) AS kit_rank "
        f"FROM {table} p) ranked WHERE kit_rank = 1"
    )


def _score_weighted(
    records: pd.DataFrame,
    master: pd.DataFrame,
    model: LinkModel,
    backend: Any,
    min_probability: float,
    weights: Any,
    best_only: bool = False,
) -> pd.DataFrame:
    """:func:`score` of ``records`` each repeated ``weights`` times, each row's pairs once."""
    w = np.asarray(weights, dtype="int64")
    if w.shape != (len(records),) or (w < 1).any():
        raise KitError(
            f"weights: expected one count of at least 1 per record ({len(records)}), got "
            f"{w.shape[0] if w.ndim else 'a scalar'} values. Fix: give one weight per record."
        )
    if (w == 1).all():
        return score(
            records, master, model, backend=backend, min_probability=min_probability,
            best_only=best_only,
        )  # fmt: skip
    origin = np.repeat(records["uid"].to_numpy(), w)
    expanded = records.iloc[np.repeat(np.arange(len(records)), w)].reset_index(drop=True)
    expanded["uid"] = np.arange(len(expanded), dtype="int64")
    pairs = score(
        expanded, master, model, backend=backend, min_probability=min_probability,
        best_only=best_only,
    )  # fmt: skip
    pairs["record_uid"] = origin[pairs["record_uid"].to_numpy()]
    for side in ("l", "r"):  # Splink's own uid columns name the record's uid too
        uid, src = f"uid_{side}", f"source_dataset_{side}"
        if uid in pairs.columns and src in pairs.columns:
            rec = pairs[src].ne("master").to_numpy()
            pairs.loc[rec, uid] = origin[pairs.loc[rec, uid].to_numpy().astype("int64")]
    # copies of one record have the same pairs, sorted alike: the first copy's are kept
    return pairs.drop_duplicates(["record_uid", "master_uid"]).reset_index(drop=True)


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
