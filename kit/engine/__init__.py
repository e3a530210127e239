"""Query engines behind one protocol: DuckDB (embedded, default) and Spark (extra ``spark``)."""

from kit.engine.base import ENGINES, Engine, get_engine, sql
from kit.engine.duckdb import DuckDBEngine
from kit.engine.spark import SparkEngine, to_spark_sql

__all__ = ["ENGINES", "DuckDBEngine", "Engine", "SparkEngine", "get_engine", "sql", "to_spark_sql"]
