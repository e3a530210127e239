"""A table's distinct identities (身份组合), and the table again with the linked ID numbers in it.

Record linkage decides a record's person from its identity columns alone (ID number, name, sex,
birth date, address), so records with the same identity get the same link. A province's 21
million settlements hold about 7 million distinct identities. :func:`kit.link.link_dataset`
links those once each and puts the linked ID numbers back. The probabilistic scores count every
record (:func:`kit.link.probabilistic.score` weights each identity by its rows), so the links
are the ones the records would get one by one.

A table held in pandas gives its identities from pandas and comes back as a DataFrame. A Parquet
table is read in place by DuckDB, and the linked table is written by DuckDB to a Parquet file of
its own (:func:`with_linked_ids`), so none of its rows passes through pandas. That file lives in
a temporary folder (under ``TMPDIR``) and is deleted when no dataset uses it any more.

Examples
--------
>>> frame = pd.DataFrame({"id_number": ["1", "1", None, "2"], "name": ["甲", "甲", "乙", "丙"]})
>>> ident = identities(frame, ["id_number", "name"])
>>> ident.frame["name"].tolist(), ident.counts.tolist(), ident.codes.tolist()
(['甲', '乙', '丙'], [2, 1, 1], [0, 0, 1, 2])
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kit._tempdirs import process_folder
from kit.datasets.tables import ParquetTable, Source

_DIR: list[Path] = []


@dataclass(frozen=True)
class Identities:
    """The distinct identities of a table.

    Attributes
    ----------
    frame : DataFrame
        One row per distinct combination of the identity columns (missing values count as a
        value), in a fixed order: first appearance for a DataFrame, sorted for Parquet.
    counts : ndarray of int64
        Rows of the table with each identity.
    codes : ndarray of int64 or None
        For a DataFrame, the identity of each row (position in ``frame``); ``None`` for
        Parquet, whose rows are matched to their identity by DuckDB.
    """

    frame: pd.DataFrame
    counts: np.ndarray
    codes: np.ndarray | None = None


def identities(source: Source, keys: Sequence[str]) -> Identities:
    """The distinct identities of a table (a DataFrame or a :class:`ParquetTable`) over ``keys``.

    Parameters
    ----------
    source : DataFrame or ParquetTable
    keys : sequence of str
        The identity columns (each once).
    """
    keys = list(keys)
    if isinstance(source, ParquetTable):
        return _parquet_identities(source, keys)
    ident = source[keys].reset_index(drop=True)
    codes = ident.groupby(keys, dropna=False, sort=False).ngroup().to_numpy(dtype="int64")
    _, first = np.unique(codes, return_index=True)  # codes number groups by first appearance
    return Identities(
        frame=ident.iloc[first].reset_index(drop=True),
        counts=np.bincount(codes, minlength=len(first)).astype("int64"),
        codes=codes,
    )


def with_linked_ids(
    source: Source,
    keys: Sequence[str],
    column: str,
    ids: np.ndarray,
    ident: Identities,
    *,
    name: str,
) -> Source:
    """The table with ``column`` replaced by ``ids[identity of the row]``; other columns as they are.

    Parameters
    ----------
    source : DataFrame or ParquetTable
        The table :func:`identities` was given.
    keys : sequence of str
        The same identity columns.
    column : str
        The ID number column to replace.
    ids : ndarray of object
        One ID number (or ``None``) per identity, in the order of ``ident.frame``.
    ident : Identities
        What :func:`identities` returned for this table.
    name : str
        The table's name (for the Parquet file's name).

    Returns
    -------
    DataFrame or ParquetTable
        A copy of a DataFrame, in its row order; or a new Parquet file holding the table's rows
        in their order, deleted once nothing refers to it.
    """
    if not isinstance(source, ParquetTable):
        assert ident.codes is not None
        frame = source.copy()
        frame[column] = ids[ident.codes]
        return frame
    return _parquet_with_ids(source, list(keys), column, ids, name)


def _connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:")


def _files(table: ParquetTable) -> str:
    return "[" + ", ".join(_literal(str(f)) for f in table.files) + "]"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(names: Sequence[str]) -> list[str]:
    return ['"' + n.replace('"', '""') + '"' for n in names]


def _numbered(table: ParquetTable, keys: Sequence[str]) -> str:
    """SQL of the distinct identities numbered 0, 1, ... in sorted order (``__identity``)."""
    cols = ", ".join(_quoted(keys))
    order = ", ".join(f"{c} NULLS FIRST" for c in _quoted(keys))
    return (
        f"SELECT {cols}, count(*) AS __rows, "
        f"row_number() OVER (ORDER BY {order}) - 1 AS __identity "
        f"FROM read_parquet({_files(table)}) GROUP BY {cols}"
    )


def _parquet_identities(table: ParquetTable, keys: Sequence[str]) -> Identities:
    con = _connect()
    try:
        frame = con.sql(f"SELECT * FROM ({_numbered(table, keys)}) ORDER BY __identity").df()
    finally:
        con.close()
    counts = frame.pop("__rows").to_numpy(dtype="int64")
    frame = frame.drop(columns="__identity")
    return Identities(frame=frame, counts=counts)


def _parquet_with_ids(
    table: ParquetTable, keys: list[str], column: str, ids: np.ndarray, name: str
) -> ParquetTable:
    folder = _folder()
    fd, tmp = tempfile.mkstemp(prefix=f"{name}-", suffix=".parquet.part", dir=folder)
    os.close(fd)
    path = Path(tmp[: -len(".part")])
    lookup = pd.DataFrame(
        {"__identity": np.arange(len(ids), dtype="int64"), "__id": pd.Series(ids, dtype=object)}
    )
    on = " AND ".join(f"t.{c} IS NOT DISTINCT FROM i.{c}" for c in _quoted(keys))
    (col,) = _quoted([column])
    con = _connect()
    try:
        con.register("__ids", lookup)
        con.execute(
            f"CREATE TABLE ident AS SELECT n.* EXCLUDE (__rows), CAST(x.__id AS VARCHAR) AS __id "
            f"FROM ({_numbered(table, keys)}) AS n JOIN __ids AS x USING (__identity)"
        )
        # each row's new ID number, in the rows' order (a join alone does not keep the order)
        con.execute("CREATE TABLE row_ids (__id VARCHAR)")
        for f in table.files:
            con.execute(
                f"INSERT INTO row_ids SELECT i.__id "
                f"FROM read_parquet({_literal(str(f))}, file_row_number = true) AS t "
                f"JOIN ident AS i ON {on} ORDER BY t.file_row_number"
            )
        con.execute(
            f"COPY (SELECT t.* REPLACE (r.__id AS {col}) "
            f"FROM read_parquet({_files(table)}) AS t POSITIONAL JOIN row_ids AS r) "
            f"TO {_literal(tmp)} (FORMAT parquet, COMPRESSION zstd)"
        )
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(tmp, path)
    out = ParquetTable(name=table.name, files=(path,), fields=table.fields)
    weakref.finalize(out, _remove, path)
    return out


def _folder() -> Path:
    """This process's folder for linked tables (created on first use, removed at exit)."""
    if not _DIR:
        _DIR.append(process_folder("kit-linked-"))
    return _DIR[0]


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
