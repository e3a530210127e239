"""Database backends for Splink: embedded DuckDB by default, Spark for province-scale data."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from kit._tempdirs import process_folder
from kit.errors import EngineError

BACKENDS = ("duckdb", "spark")

#: Folder for Splink's intermediate Parquet files on Spark, made once per process when the
#: session has no checkpoint directory of its own.
_CHECKPOINT_DIR: list[str] = []
_SPILL_DIR: list[str] = []

#: Share of the machine's memory that Splink's DuckDB may use before it spills to disk. The
#: default (80 %) let a province's scoring and the Python process beside it (holding the
#: standardised register and records) together run out of memory.
MEMORY_SHARE = 0.4


def database_api(backend: str | Any = "duckdb") -> Any:
    """A Splink database API by name (``"duckdb"`` or ``"spark"``), or the object given.

    ``"spark"`` reuses the kit's shared Spark session (:func:`kit.engine.get_engine`, with the
    kit's settings), giving it a temporary checkpoint directory when it has none (Splink writes
    intermediate tables there). pyspark is imported only then; without it the error says how
    to install it.

    Raises
    ------
    EngineError
        For an unknown name, or ``"spark"`` without pyspark (or Java) installed.

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
        # spill beyond a share of the machine's memory: the Python process beside it holds
        # the standardised register and records (at province scale, gigabytes)
        limit = memory_limit_mb()
        if limit:
            con.execute(f"SET memory_limit = '{limit}MB'")
        con.execute(f"SET temp_directory = '{_spill_dir()}'")
        return DuckDBAPI(connection=con)
    if backend == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise EngineError(
                "Record linkage on Spark needs pyspark, which is not installed. "
                "Fix: pip install 'supervision-kit[spark]' (and Java 17), or use backend='duckdb'."
            ) from exc
        from splink import SparkAPI

        from kit.engine import get_engine

        spark = get_engine("spark").session  # the kit's shared session and settings
        try:
            _ensure_checkpoint_dir(spark)
            _ensure_similarity_jar(spark)
            return SparkAPI(spark_session=spark)
        except Exception as exc:  # py4j and Splink errors: say what failed in one line
            raise EngineError(f"Record linkage on Spark: Splink could not start ({exc}).") from exc
    raise EngineError(f"Unknown linkage backend {backend!r}. Available: {', '.join(BACKENDS)}.")


def memory_limit_mb(share: float | None = None) -> int | None:
    """Megabytes Splink's DuckDB may use: ``share`` (default :data:`MEMORY_SHARE`) of the
    machine's memory, or ``None`` where the machine's memory cannot be read.

    Examples
    --------
    >>> memory_limit_mb(0.5) > 0
    True
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None
    return max(256, int(total * (MEMORY_SHARE if share is None else share) / 2**20))


def _spill_dir() -> str:
    """This process's folder for DuckDB's spilled data during linkage (removed at exit)."""
    if not _SPILL_DIR:
        _SPILL_DIR.append(str(process_folder("kit-link-duckdb-")))
    return _SPILL_DIR[0].replace("'", "''")


def _ensure_similarity_jar(spark: Any) -> None:
    """Add Splink's jar of string-similarity functions (Jaro-Winkler, Damerau-Levenshtein) to
    the session, once: the kit's session is started without it, and Splink registers the
    functions from it."""
    from splink.backends.spark import similarity_jar_location

    jar = similarity_jar_location()
    added = {str(row[0]) for row in spark.sql("LIST JARS").collect()}
    if not any(a.endswith(jar.rsplit("/", 1)[-1]) for a in added):
        spark.sql(f"ADD JAR '{jar}'")


def _ensure_checkpoint_dir(spark: Any) -> None:
    """Give the session a checkpoint directory unless it has one (a cluster's own is kept)."""
    sc = spark.sparkContext
    current = None
    with contextlib.suppress(Exception):
        current = sc._jsc.sc().getCheckpointDir()
        current = current.get() if current.isDefined() else None
    if current:
        return
    if not _CHECKPOINT_DIR:
        _CHECKPOINT_DIR.append(str(process_folder("kit-link-spark-")))
    sc.setCheckpointDir(_CHECKPOINT_DIR[0])
