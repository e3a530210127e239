"""Query engines behind one protocol: DuckDB (embedded, default)."""

from kit.engine.base import Engine, get_engine, sql
from kit.engine.duckdb import DuckDBEngine

__all__ = ["DuckDBEngine", "Engine", "get_engine", "sql"]
