"""Linked tables of a dataset, cached per table content, and datasets with them swapped in."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from kit.datasets import Dataset, table_hash
from kit.datasets.tables import ParquetTable, Source
from kit.errors import EngineError, KitError, SpecError
from kit.link.columns import IdentityColumns
from kit.link.identities import Identities, identities, with_linked_ids
from kit.link.linker import DEFAULT_THRESHOLD, METHODS, Links, link
from kit.link.model import LinkModel, default_model
from kit.link.standardise import standardise
from kit.link.steps import LinkStep

_CACHE_SIZE = 32
#: Rows of a register standardised at a time: the Python temporaries of one chunk are reused by
#: the next, so a 10-million-person register costs its standardised result plus one chunk.
REGISTER_CHUNK = 250_000
_LINKS: OrderedDict[tuple[Any, ...], Links] = OrderedDict()
_MASTERS: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
#: Linked Parquet tables already written (a province's settlements take a minute to rewrite);
#: each file is deleted once neither this cache nor a dataset refers to it.
_PARQUET: OrderedDict[tuple[Any, ...], tuple[ParquetTable, dict[str, Any]]] = OrderedDict()
_PARQUET_SIZE = 4


def clear_cache() -> None:
    """Forget every cached link result (they are kept per table content)."""
    _LINKS.clear()
    _MASTERS.clear()
    _PARQUET.clear()


def _remember(cache: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > (_PARQUET_SIZE if cache is _PARQUET else _CACHE_SIZE):
        cache.popitem(last=False)


def identity_columns(
    dataset: Dataset, table: str, given: Mapping[str, Any] | None = None
) -> IdentityColumns:
    """Identity columns of a dataset's table: from its descriptor, overridden by ``given``."""
    base = IdentityColumns.from_resource(dataset.resource(table)).to_dict()
    base.update(dict(given or {}))
    return IdentityColumns.of(base)


def primary_key(dataset: Dataset, table: str) -> str | None:
    """The single-column primary key of a table (``record_id``, ``uscc``), if it has one."""
    try:
        key = dataset.resource(table)["schema"].get("primaryKey")
    except (KeyError, KitError):
        return None
    if isinstance(key, list):
        key = key[0] if len(key) == 1 else None
    return key if isinstance(key, str) else None


def content_hash(frame: pd.DataFrame, columns: Sequence[str | None] = ()) -> str:
    """SHA-256 of a table's rows as linkage sees them: its index and the given columns.

    Keys the link cache and enters linked datasets' fingerprints, so a table with other rows,
    rows in another order or other values never gets another table's links, whatever the
    dataset's fingerprint says (:func:`kit.datasets.table_hash` over ``columns``).

    Examples
    --------
    >>> a = pd.DataFrame({"id_number": ["1", "2"], "name": ["甲", "乙"]})
    >>> content_hash(a, ["id_number"]) == content_hash(a.iloc[::-1], ["id_number"])
    False
    """
    return table_hash(frame, list(columns))


def _table_hash(dataset: Dataset, table: str, cols: IdentityColumns) -> str:
    # a Parquet table is hashed by its files' footers, without reading its rows
    return content_hash(
        dataset.source(table), [primary_key(dataset, table), *cols.to_dict().values()]
    )


def _linked_source(
    dataset: Dataset,
    step: LinkStep,
    source: Source,
    cols: IdentityColumns,
    mcols: IdentityColumns,
    hashes: tuple[str, str],
    model: LinkModel,
    head: str,
) -> tuple[Source, dict[str, Any]]:
    """The table of ``step`` with linked ID numbers, and its counts per method.

    Each distinct identity is linked once (:mod:`kit.link.identities`); the table gets its rows'
    linked ID numbers: a DataFrame copy, or a new Parquet file written by DuckDB.
    """
    keys = _keys(dataset, step.table, cols)
    ident = identities(source, keys)
    links = _linked(
        dataset, step.table, step.to, cols, mcols, hashes, step.threshold, model, ident=ident,
        # a Parquet table's result is the file, cached by the caller; at province scale these
        # links (millions of identities and their scored pairs) would hold gigabytes
        keep=not isinstance(source, ParquetTable),
    )  # fmt: skip
    ids = links.linked_ids()
    if len(ids) != len(ident.frame):  # links are keyed on content, so never expected
        raise KitError(
            f"{head}.{step.table}: the links do not belong to this table's rows. "
            "Fix: kit.link.clear_cache() and run again."
        )
    values = ids.astype("str").where(ids.notna(), None).to_numpy(dtype=object)
    counts = _weighted_summary(links, ident.counts)
    del links, ids  # freed before DuckDB writes the linked table (unless cached)
    return with_linked_ids(source, keys, cols.id, values, ident, name=step.table), counts


def _keys(dataset: Dataset, table: str, cols: IdentityColumns) -> list[str]:
    """The identity columns a table has (each once): what its links depend on."""
    have = set(dataset.tables.columns(table))
    return list(dict.fromkeys(c for c in cols.to_dict().values() if c and c in have))


def _weighted_summary(links: Links, counts: np.ndarray) -> dict[str, Any]:
    """:meth:`Links.summary` counting records, for links of distinct identities."""
    rows = pd.Series(counts, index=links.frame.index).groupby(links.frame["method"]).sum()
    out: dict[str, Any] = {"records": int(counts.sum())}
    out.update({m: int(rows.get(m, 0)) for m in METHODS})
    out["threshold"] = links.threshold
    return out


def _identity_frame(dataset: Dataset, table: str, cols: IdentityColumns) -> pd.DataFrame:
    """Only the identity columns of a table: a 10-million-person register read from Parquet
    costs those columns, not the whole table."""
    return dataset.frame(table, _keys(dataset, table, cols))


def standardised_register(
    frame: pd.DataFrame, cols: IdentityColumns, table: str, chunk: int = REGISTER_CHUNK
) -> pd.DataFrame:
    """:func:`~kit.link.standardise` of a register, ``chunk`` rows at a time; the same result.

    Standardising is row by row (the register's regions are not used), so chunks give the same
    rows; ``uid`` is renumbered to the position in the whole register, as one call gives it.
    Repeated values (names, pinyin, birth dates, regions) share one string object each.

    Examples
    --------
    >>> df = pd.DataFrame({"id_number": ["340102500101122", None, "34010219500101122X"],
    ...                    "name": ["张 晓明", "李四", "王五"]})
    >>> cols = IdentityColumns.of({})
    >>> whole = standardise(df, cols)
    >>> standardised_register(df, cols, "persons", chunk=2).equals(whole)
    True
    """
    shared: dict[Any, Any] = {}
    parts = [
        _share_strings(standardise(frame.iloc[start : start + chunk], cols, table=table), shared)
        for start in range(0, max(len(frame), 1), chunk)
    ]
    if len(parts) == 1:
        return parts[0]
    out = pd.concat(parts, ignore_index=True)  # object columns: references, not copies
    out["uid"] = np.arange(len(out), dtype="int64")
    return out


def _share_strings(frame: pd.DataFrame, shared: dict[Any, Any]) -> pd.DataFrame:
    """One Python object per distinct value in each repetitive text column (the same values).

    :func:`standardise` gives each row its own string object; names, pinyin, birth dates and
    region codes repeat across a register, so sharing them cuts a 10-million-person register
    from about 3.7 GB to about 1.2 GB.
    """
    for col in ("name", "name_pinyin", "birth_date", "sex", "region_code"):
        if col in frame.columns and frame[col].dtype == object:
            codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
            values = np.array([*(shared.setdefault(u, u) for u in uniques), None], dtype=object)
            frame[col] = pd.Series(values[codes], index=frame.index, dtype=object)
    return frame


def check_tables(dataset: Dataset, tables: Sequence[str], where: str = "Record linkage") -> None:
    """Raise ``SpecError`` naming the table unless ``dataset`` has every one of ``tables``."""
    for name in tables:
        if name not in dataset.tables:
            raise SpecError(
                f"{where}: dataset {dataset.name!r} has no table {name!r} (tables: "
                f"{', '.join(dataset.tables)}). Fix: check the link section's table names."
            )


def linked_table(
    dataset: Dataset,
    table: str,
    to: str = "persons",
    *,
    columns: Mapping[str, Any] | None = None,
    master_columns: Mapping[str, Any] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    model: LinkModel | None = None,
    backend: str = "duckdb",
) -> Links:
    """Link a dataset's table to its master register; cached per table content.

    Columns come from the descriptor (``kit:mask`` kinds) unless ``columns`` names them. The
    cache key is the content of both tables (their index, primary key and identity columns),
    the columns, threshold, model and backend, not the dataset's fingerprint: a table
    shuffled, filtered or edited in memory is linked afresh.

    Examples
    --------
    >>> import kit
    >>> ss = kit.datasets.load("social_security")
    >>> links = linked_table(ss, "deaths", "persons")
    >>> linked_table(ss, "deaths", "persons") is links
    True
    """
    check_tables(dataset, (table, to))
    cols = identity_columns(dataset, table, columns)
    mcols = identity_columns(dataset, to, master_columns)
    hashes = (_table_hash(dataset, table, cols), _table_hash(dataset, to, mcols))
    return _linked(dataset, table, to, cols, mcols, hashes, threshold, model, backend)


def _key(
    cols: IdentityColumns,
    mcols: IdentityColumns,
    hashes: tuple[str, str],
    threshold: float,
    model: LinkModel,
    backend: str,
    of_identities: bool,
) -> tuple[Any, ...]:
    """Cache key of the links of a table: its and its register's content, columns and model."""
    return (
        hashes[0],
        json.dumps(cols.to_dict(), sort_keys=True),
        hashes[1],
        json.dumps(mcols.to_dict(), sort_keys=True),
        float(threshold),
        model.hash,
        backend,
        "identities" if of_identities else "rows",
    )


def _linked(
    dataset: Dataset,
    table: str,
    to: str,
    cols: IdentityColumns,
    mcols: IdentityColumns,
    hashes: tuple[str, str],
    threshold: float,
    model: LinkModel | None,
    backend: str = "duckdb",
    ident: Identities | None = None,
    keep: bool = True,
) -> Links:
    """Links of a table's rows (``ident`` not given) or of its distinct identities ``ident``;
    kept in the cache unless ``keep`` is false."""
    model = model or default_model()
    mkey = (hashes[1], json.dumps(mcols.to_dict(), sort_keys=True))
    key = _key(cols, mcols, hashes, threshold, model, backend, ident is not None)
    if key in _LINKS:
        _LINKS.move_to_end(key)
        return _LINKS[key]
    master = _MASTERS.get(mkey)
    if master is None:
        master = standardised_register(_identity_frame(dataset, to, mcols), mcols, to)
        _remember(_MASTERS, mkey, master)
    links = link(
        _identity_frame(dataset, table, cols) if ident is None else ident.frame,
        master,  # not read again: the standardised register is given
        columns=cols,
        master_columns=mcols,
        table=table,
        master_table=to,
        threshold=threshold,
        model=model,
        backend=backend,
        standardised_master=master,
        weights=None if ident is None else ident.counts,
        best_only=ident is not None,  # a model run needs the links, not every scored pair
    )
    if keep:
        _remember(_LINKS, key, links)
    return links


def link_dataset(
    dataset: Dataset,
    steps: Sequence[LinkStep],
    params: Mapping[str, Any] | None = None,
    *,
    model: LinkModel | None = None,
    threshold: float | None = None,
    owner: str = "",
) -> tuple[Dataset, dict[str, dict[str, Any]]]:
    """A copy of ``dataset`` whose linked tables carry master ID numbers; the original is unchanged.

    Every step's tables are checked against the dataset first (an unknown table fails before
    anything is linked). Steps whose switch parameter is false in ``params`` are skipped; with
    no step left the dataset itself is returned. The copy shares every other table with the
    original and has its own fingerprint: the original's, the steps (with their thresholds),
    the model's hash and the content of the linked tables and registers. Engines that cache
    tables by fingerprint never confuse the two, and run ids (which hash the fingerprint of the
    data a model ran on) change with the linkage model and threshold.

    Parameters
    ----------
    dataset : Dataset
    steps : sequence of LinkStep
        The spec's ``link:`` section.
    params : mapping, optional
        The run's parameter values (switches).
    model : LinkModel, optional
        Default: the shipped model.
    threshold : float, optional
        Overrides every step's threshold (for evaluating another threshold).
    owner : str
        The model's id, put in front of error messages (``SS01, section link.deaths: ...``).

    Returns
    -------
    dataset : Dataset
        The linked copy (or ``dataset`` itself).
    summary : dict
        Per linked table: master, threshold, model hash and records linked exactly,
        probabilistically or not at all.

    Examples
    --------
    >>> import kit
    >>> ss = kit.datasets.load("social_security")
    >>> linked, summary = link_dataset(ss, [LinkStep("deaths", "persons")], {"use_linkage": True})
    >>> linked.tables["persons"] is ss.tables["persons"], summary["deaths"]["to"]
    (True, 'persons')
    """
    params = params or {}
    head = f"{owner}, section link" if owner else "Record linkage"
    for step in steps:
        check_tables(dataset, (step.table, step.to), f"{head}.{step.table}" if owner else head)
    active = [s for s in steps if params.get(s.switch, True)]
    if not active:
        return dataset, {}
    model = model or default_model()
    if threshold is not None:
        active = [replace(s, threshold=float(threshold)) for s in active]
    tables = {}
    summary: dict[str, dict[str, Any]] = {}
    contents = []
    seen: dict[tuple[str, str], str] = {}

    def hashed(name: str, c: IdentityColumns) -> str:  # each table hashed once per call
        k = (name, json.dumps(c.to_dict(), sort_keys=True))
        if k not in seen:
            seen[k] = _table_hash(dataset, name, c)
        return seen[k]

    for step in active:
        try:
            cols = identity_columns(dataset, step.table, dict(step.columns))
            mcols = identity_columns(dataset, step.to, dict(step.master_columns))
            cols.present(dataset.source(step.table), step.table)
            mcols.present(dataset.source(step.to), step.to)
            hashes = (hashed(step.table, cols), hashed(step.to, mcols))
            key = _key(cols, mcols, hashes, step.threshold, model, "duckdb", True)
            source = tables.get(step.table, dataset.source(step.table))
            done = _PARQUET.get(key) if isinstance(source, ParquetTable) else None
            if done is not None:
                _PARQUET.move_to_end(key)
            else:
                done = _linked_source(dataset, step, source, cols, mcols, hashes, model, head)
                if isinstance(done[0], ParquetTable):  # a file: kept for the next run
                    _remember(_PARQUET, key, done)
        except KitError as exc:
            if not owner:
                raise
            kind = EngineError if isinstance(exc, EngineError) else SpecError
            raise kind(f"{head}.{step.table}: {exc}") from exc
        tables[step.table] = done[0]
        summary[step.table] = {"to": step.to, **done[1], "model": model.hash[:12]}
        contents.append(list(hashes))
    payload = json.dumps(
        [
            dataset.fingerprint,
            [s.to_dict() | {"table": s.table} for s in active],
            model.hash,
            contents,
        ],
        sort_keys=True,
    )
    fingerprint = hashlib.sha256(payload.encode()).hexdigest()
    return replace(
        dataset, tables=dataset.tables.replace(**tables), fingerprint=fingerprint
    ), summary
