"""Embedded DuckDB engine: the default, in-process over pandas tables or Parquet read in place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from kit.datasets.tables import ParquetTable
from kit.errors import EngineError

if TYPE_CHECKING:
    from kit.datasets import Dataset

#: SQL type each Data Package field type is cast to, so SQL sees real dates rather than timestamps.
SQL_TYPES = {
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}


class DuckDBEngine:
    """Run model SQL on an in-memory DuckDB connection.

    Tables held in pandas are registered as they are; Parquet tables
    (:class:`~kit.datasets.tables.ParquetTable`) are read in place with ``read_parquet``, so a
    hundred million payment rows never pass through pandas and DuckDB streams them, spilling
    to ``temp_directory`` when a join or aggregate outgrows ``memory_limit``.

    Parameters
    ----------
    threads : int or None
        Worker threads DuckDB may use; ``None`` lets DuckDB decide.
    memory_limit : str or None
        DuckDB's ``memory_limit`` (e.g. ``"16GB"``); ``None`` keeps DuckDB's default (80 % of
        the machine's memory).
    temp_directory : str or None
        Where DuckDB spills intermediate results beyond ``memory_limit``; ``None`` keeps
        DuckDB's default.
    """

    name = "duckdb"

    def __init__(
        self,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_directory: str | None = None,
    ) -> None:
        self.threads = threads
        self.memory_limit = memory_limit
        self.temp_directory = temp_directory

    def __repr__(self) -> str:
        return (
            f"DuckDBEngine(threads={self.threads}, memory_limit={self.memory_limit!r}, "
            f"temp_directory={self.temp_directory!r})"
        )

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A fresh in-memory connection with this engine's settings."""
        con = duckdb.connect(":memory:")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        if self.memory_limit:
            con.execute(f"SET memory_limit = {_literal(self.memory_limit)}")
        if self.temp_directory:
            con.execute(f"SET temp_directory = {_literal(self.temp_directory)}")
        return con

    def query(self, sql: str, dataset: Dataset, tables: Sequence[str]) -> pd.DataFrame:
        """Run ``sql`` with each table in ``tables`` registered as a typed view."""
        try:
            con = self.connect()
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB could not start with {self!r}: {exc}") from exc
        try:
            for table in tables:
                self._register(con, dataset, table)
            return _as_bigint(con.sql(sql)).df()
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB could not run the query: {exc}") from exc
        finally:
            con.close()

    @staticmethod
    def _register(con: duckdb.DuckDBPyConnection, dataset: Dataset, table: str) -> None:
        con.execute(f'CREATE VIEW "{table}" AS {typed_select(con, dataset, table)}')


def typed_select(con: duckdb.DuckDBPyConnection, dataset: Dataset, table: str) -> str:
    """``SELECT`` of a dataset's table with each column cast to its descriptor's SQL type.

    A DataFrame is registered on ``con`` as ``__raw_<table>``; a Parquet table is read in place
    (``read_parquet`` over its files, nothing loaded).
    """
    src = dataset.source(table)
    if isinstance(src, ParquetTable):
        files = ", ".join(_literal(str(f)) for f in src.files)
        relation = f"read_parquet([{files}])"
    else:
        con.register(f"__raw_{table}", src)
        relation = f'"__raw_{table}"'
    return cast_select(dataset, table, relation)


def cast_select(dataset: Dataset, table: str, relation: str) -> str:
    """``SELECT *`` of ``relation`` with each column of ``table`` cast to its declared SQL type."""
    casts = []
    for fld in dataset.resource(table)["schema"]["fields"]:
        name, sql_type = fld["name"], SQL_TYPES.get(fld.get("type", "string"))
        if sql_type:
            casts.append(f'CAST("{name}" AS {sql_type}) AS "{name}"')
    replace = f" REPLACE ({', '.join(casts)})" if casts else ""
    return f"SELECT *{replace} FROM {relation}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _as_bigint(rel: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """``sum`` of integers is HUGEINT in DuckDB (float64 in pandas) but BIGINT on Spark: cast it."""
    huge = {c for c, t in zip(rel.columns, rel.types, strict=True) if str(t) in _HUGE}
    if not huge:
        return rel
    return rel.project(
        ", ".join(f'CAST("{c}" AS BIGINT) AS "{c}"' if c in huge else f'"{c}"' for c in rel.columns)
    )


_HUGE = ("HUGEINT", "UHUGEINT")
