"""Spark engine: the same model SQL, transpiled by sqlglot, on a SparkSession.

A province's big-data platform usually offers Spark. This engine runs a model unchanged there:
the DuckDB-dialect SQL of the spec is translated to Spark SQL with sqlglot, and each table the
model reads is registered as a temporary view. By default the session is a local one
(``local[2]``); pass your own session to run on a cluster, and ``sources`` to read tables that
already live in Parquet files or in the Hive metastore instead of the dataset's own files
(see ``docs/spark.md``).

Needs the ``spark`` extra: ``pip install -e '.[spark]'`` in a checkout (pyspark, sqlglot) and Java
17 or newer.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit._tempdirs import process_folder
from kit.datasets.dataset import table_hash
from kit.datasets.tables import ParquetTable
from kit.errors import EngineError

if TYPE_CHECKING:
    from kit.datasets import Dataset

_LOG_CONFIG = Path(__file__).with_name("log4j2.properties")

INSTALL_HINT = (
    "The Spark engine needs the 'spark' extra and Java 17 or newer. Fix: pip install -e '.[spark]' "
    "in a checkout of the kit (or pip install pyspark sqlglot), and install Java 17 or newer "
    "(Debian: apt-get install openjdk-17-jre-headless) on the PATH or in JAVA_HOME."
)

#: Arrow type of each Data Package field type, so Spark sees the same types as DuckDB.
_ARROW_TYPES = {
    "date": "date32",
    "datetime": "timestamp",
    "integer": "int64",
    "number": "float64",
    "boolean": "bool_",
    "string": "string",
}


def to_spark_sql(sql: str, views: Mapping[str, str] | None = None) -> str:
    """Translate model SQL from the DuckDB dialect to Spark SQL with sqlglot.

    Parameters
    ----------
    sql : str
        One statement in DuckDB's dialect.
    views : mapping of str to str, optional
        Table names to replace (``{"deaths": "kit_1a2b_deaths"}``); names of the query's own
        ``WITH`` parts are left alone.

    Examples
    --------
    >>> to_spark_sql("SELECT strftime(d, '%Y-%m') AS m FROM t")
    "SELECT DATE_FORMAT(d, 'yyyy-MM') AS m FROM t"
    >>> to_spark_sql("WITH t AS (SELECT * FROM deaths) SELECT * FROM t", {"deaths": "v_deaths"})
    'WITH t AS (SELECT * FROM v_deaths) SELECT * FROM t'
    >>> to_spark_sql("WITH t AS NOT MATERIALIZED (SELECT 1 AS a) SELECT a FROM t")
    'WITH t AS (SELECT 1 AS a) SELECT a FROM t'
    """
    try:
        import sqlglot
        from sqlglot import exp
        from sqlglot.errors import SqlglotError
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise EngineError(INSTALL_HINT) from exc
    try:
        trees = sqlglot.parse(sql, read="duckdb")
    except SqlglotError as exc:
        raise EngineError(f"sqlglot could not translate the SQL to Spark: {exc}") from exc
    if len(trees) != 1 or trees[0] is None:
        raise EngineError(f"A model's SQL must be one statement; found {len(trees)}.")
    tree = trees[0]
    for cte in tree.find_all(exp.CTE):  # DuckDB's planner hint; Spark has no such syntax
        cte.set("materialized", None)
    if views:
        own = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        for table in tree.find_all(exp.Table):
            if table.name in views and table.name not in own and not table.db:
                table.set("this", exp.to_identifier(views[table.name]))
    return tree.sql(dialect="spark")


class SparkEngine:
    """Run model SQL on Spark.

    Parameters
    ----------
    session : pyspark.sql.SparkSession, optional
        A session of your own (for example on a YARN or Kubernetes cluster). By default a local
        session is started on first use with ``master``.
    master : str
        Master URL of the default session, ``local[2]`` (two cores of this machine).
    sources : mapping of str to str, optional
        Where a table already lives, instead of the loaded dataset: a Parquet file or folder
        (a path, or ``parquet:PATH``), or a metastore table (``table:db.name``). Tables not named
        here are taken from the dataset: its Parquet files read in place, or its DataFrames
        handed over as Parquet.
    """

    name = "spark"

    def __init__(
        self,
        session: Any = None,
        master: str = "local[2]",
        sources: Mapping[str, str] | None = None,
    ) -> None:
        self._session = session
        self._owned = session is None  # stop() stops only a session this engine started
        self.master = master
        self.sources = dict(sources or {})
        self._staged: dict[tuple[str, str], str] = {}
        self._dir: Path | None = None

    def __repr__(self) -> str:
        return f"SparkEngine(master={self.master!r}, sources={self.sources!r})"

    @property
    def session(self) -> Any:
        """The SparkSession, started on first use."""
        if self._session is None:
            self._session = _local_session(self.master)
        return self._session

    def query(self, sql: str, dataset: Dataset, tables: Sequence[str]) -> pd.DataFrame:
        """Translate ``sql`` to Spark SQL and run it with ``tables`` registered as views.

        Each query registers its tables under names of its own (``kit_<random>_<table>``) and
        drops them afterwards, so your session's views are never replaced and two queries at
        once do not see each other's tables.
        """
        tag = uuid.uuid4().hex[:8]
        views = {table: f"kit_{tag}_{table}" for table in tables}
        spark_sql = to_spark_sql(sql, views)
        spark = self.session
        try:
            for table, view in views.items():
                self._frame(spark, dataset, table).createOrReplaceTempView(view)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                result = spark.sql(spark_sql).toArrow()
        except EngineError:
            raise
        except Exception as exc:  # py4j and Spark analysis errors share no useful base class
            raise EngineError(f"Spark could not run the query: {_reason(exc)}") from exc
        finally:
            for view in views.values():
                spark.catalog.dropTempView(view)
        names = result.column_names
        if len(set(names)) < len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            raise EngineError(
                f"The query returns column(s) {', '.join(twice)} more than once. "
                "Fix: give each output column its own name (AS ...)."
            )
        return _to_pandas(result)

    def _frame(self, spark: Any, dataset: Dataset, table: str) -> Any:
        where = self.sources.get(table)
        if where is None:
            src = dataset.source(table)
            if isinstance(src, ParquetTable):  # read in place, typed as DuckDB types it
                frame = spark.read.parquet(*(str(f) for f in src.files))
                return frame.selectExpr(*_spark_casts(dataset, table))
            return spark.read.parquet(self._stage(dataset, table))
        if where.startswith("table:"):
            return spark.table(where.removeprefix("table:"))
        return spark.read.parquet(where.removeprefix("parquet:"))

    def _stage(self, dataset: Dataset, table: str) -> str:
        """Write a dataset table to Parquet once per dataset version, typed per its descriptor.

        The version is the dataset's fingerprint; a dataset built in memory (no fingerprint) is
        keyed by the content of the table instead.
        """
        version = dataset.fingerprint or table_hash(dataset.source(table))
        key = (version, table)
        if key not in self._staged:
            if self._dir is None:
                self._dir = process_folder("kit-spark-")
            path = self._dir / f"{version[:16]}-{table}.parquet"
            _write_parquet(dataset, table, path)
            self._staged[key] = str(path)
        return self._staged[key]

    def stop(self) -> None:
        """Stop the session this engine started (a session passed in is left running)."""
        if self._session is not None and self._owned:
            self._session.stop()
            self._session = None


def _reason(exc: Exception) -> str:
    """The informative line of a Spark or py4j error (not the Java stack trace)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        if (
            "Exception:" in line or "Error:" in line
        ) and "error occurred while calling" not in line:
            return line.lstrip(": ")[:500]
    return (lines[0] if lines else type(exc).__name__)[:500]


def _local_session(master: str) -> Any:
    # PySpark warns that it "does not yet fully support pandas >= 3": the kit hands tables over
    # as Parquet and takes results back as Arrow, which tests/test_engines.py checks.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return _start_session(master)


def _start_session(master: str) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(INSTALL_HINT) from exc
    _check_java()
    session = (
        SparkSession.builder.master(master)
        .appName("supervision-kit")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", _driver_java_options(master))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _driver_java_options(master: str) -> str:
    """The driver JVM's options: the kit's log configuration and, in local mode, the quick JIT.

    A local session runs short queries on one machine, where the JVM's optimising compiler costs
    more than it gains: ``-XX:TieredStopAtLevel=1`` halved start-up and the SS01 query on the
    2-core test machine (``docs/spark.md``), with identical clues. A cluster keeps the default.
    """
    options = [f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}"]
    if master.startswith("local"):
        # the quick JIT alone would also shrink the code cache to 48 MB, too small for a long
        # session (the test suite runs every model): keep the default 240 MB
        options += ["-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m"]
    return " ".join(options)


def _check_java() -> None:
    """Spark 4 needs Java 17 or newer: find it through JAVA_HOME or the PATH and check it."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise EngineError(f"No Java found (JAVA_HOME or PATH). {INSTALL_HINT}")
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineError(f"Java at {java} does not start ({exc}). {INSTALL_HINT}") from exc
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    major = int(found[1]) if found else 0
    major = int(found[2]) if found and major == 1 and found[2] else major  # "1.8" is Java 8
    if major < 17:
        raise EngineError(f"Spark 4 needs Java 17 or newer; {java} is Java {major}. {INSTALL_HINT}")


#: Spark SQL type of each Data Package field type (the same as DuckDB's casts).
_SPARK_TYPES = {
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}


def _spark_casts(dataset: Dataset, table: str) -> list[str]:
    out = []
    for fld in dataset.resource(table)["schema"]["fields"]:
        name, sql_type = fld["name"], _SPARK_TYPES.get(fld.get("type", "string"))
        out.append(f"CAST(`{name}` AS {sql_type}) AS `{name}`" if sql_type else f"`{name}`")
    return out


def _write_parquet(dataset: Dataset, table: str, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = dataset.tables[table]
    fields = []
    for fld in dataset.resource(table)["schema"]["fields"]:
        kind = _ARROW_TYPES.get(fld.get("type", "string"), "string")
        arrow_type = pa.timestamp("us") if kind == "timestamp" else getattr(pa, kind)()
        fields.append(pa.field(fld["name"], arrow_type))
    columns = {}
    for fld in fields:
        series = frame[fld.name]
        if pa.types.is_date32(fld.type):
            series = pd.to_datetime(series).dt.date
        elif pa.types.is_string(fld.type):
            series = series.astype("string")
        columns[fld.name] = pa.array(series, type=fld.type, from_pandas=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(pa.table(columns, schema=pa.schema(fields)), tmp)
    tmp.replace(path)


def _to_pandas(result: Any) -> pd.DataFrame:
    """Arrow result to pandas with the types DuckDB gives.

    Dates and timestamps become ``datetime64[us]`` without time zone, decimals ``float64``, and
    integer or boolean columns holding NULLs become nullable (``Int64``, ``boolean``), as DuckDB
    returns them, rather than floats and objects.
    """
    import pyarrow as pa

    nullable = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    columns = {}
    for name, col in zip(result.column_names, result.columns, strict=True):
        if pa.types.is_timestamp(col.type) and col.type.tz is not None:
            col = col.cast(pa.timestamp(col.type.unit))
        if pa.types.is_decimal(col.type):
            col = col.cast(pa.float64())
        if col.null_count and col.type in nullable:
            columns[name] = col.to_pandas(types_mapper=nullable.get)
        else:
            columns[name] = col.to_pandas(date_as_object=False)
        if pd.api.types.is_datetime64_dtype(columns[name]):  # Arrow gives [ms] for dates
            columns[name] = columns[name].astype("datetime64[us]")
    return pd.DataFrame(columns) if columns else pd.DataFrame()
