"""Database backends for Splink: embedded DuckDB by default, Spark for province-scale data."""

from __future__ import annotations

import contextlib
from typing import Any

from kit.errors import EngineError

BACKENDS = ("duckdb", "spark")


def database_api(backend: str | Any = "duckdb") -> Any:
    """A Splink database API by name (``"duckdb"`` or ``"spark"``), or the object given.

    Spark is imported only when asked for; without pyspark the error says how to install it.

    Raises
    ------
    EngineError
        For an unknown name, or ``"spark"`` without pyspark installed.

    Examples
    --------
    >>> type(database_api("duckdb")).__name__
    'DuckDBAPI'
    """
    if not isinstance(backend, str):
        return backend
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(":memory:")
        # no progress bars in logs (in Jupyter without ipywidgets DuckDB draws none anyway)
        with contextlib.suppress(duckdb.Error):
            con.execute("SET enable_progress_bar = false")
        return DuckDBAPI(connection=con)
    if backend == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise EngineError(
                "Record linkage on Spark needs pyspark, which is not installed. "
                "Fix: pip install 'supervision-kit[spark]' (and Java 17), or use backend='duckdb'."
            ) from exc
        from pyspark.sql import SparkSession
        from splink import SparkAPI

        spark = SparkSession.builder.master("local[2]").appName("kit-link").getOrCreate()
        return SparkAPI(spark_session=spark)
    raise EngineError(f"Unknown linkage backend {backend!r}. Available: {', '.join(BACKENDS)}.")
