"""Embedded DuckDB engine: the default, running in-process over pandas tables or Parquet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

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

    Parameters
    ----------
    threads : int or None
        Worker threads DuckDB may use; ``None`` lets DuckDB decide.
    """

    name = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads

    def __repr__(self) -> str:
        return f"DuckDBEngine(threads={self.threads})"

    def query(self, sql: str, dataset: Dataset, tables: Sequence[str]) -> pd.DataFrame:
        """Run ``sql`` with each table in ``tables`` registered as a typed view."""
        con = duckdb.connect(":memory:")
        try:
            if self.threads:
                con.execute(f"SET threads = {int(self.threads)}")
            for table in tables:
                self._register(con, dataset, table)
            return _as_bigint(con.sql(sql)).df()
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB could not run the query: {exc}") from exc
        finally:
            con.close()

    @staticmethod
    def _register(con: duckdb.DuckDBPyConnection, dataset: Dataset, table: str) -> None:
        frame = dataset.tables[table]
        con.register(f"__raw_{table}", frame)
        casts = []
        for fld in dataset.resource(table)["schema"]["fields"]:
            name, sql_type = fld["name"], SQL_TYPES.get(fld.get("type", "string"))
            if sql_type:
                casts.append(f'CAST("{name}" AS {sql_type}) AS "{name}"')
        replace = f" REPLACE ({', '.join(casts)})" if casts else ""
        con.execute(f'CREATE VIEW "{table}" AS SELECT *{replace} FROM "__raw_{table}"')


def _as_bigint(rel: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """``sum`` of integers is HUGEINT in DuckDB (float64 in pandas) but BIGINT on Spark: cast it."""
    huge = {c for c, t in zip(rel.columns, rel.types, strict=True) if str(t) in _HUGE}
    if not huge:
        return rel
    return rel.project(
        ", ".join(f'CAST("{c}" AS BIGINT) AS "{c}"' if c in huge else f'"{c}"' for c in rel.columns)
    )


_HUGE = ("HUGEINT", "UHUGEINT")
