"""Spark engine: the same model SQL, transpiled by sqlglot, on a SparkSession.

A province's big-data platform usually offers Spark. This engine runs a model unchanged there:
the DuckDB-dialect SQL of the spec is translated to Spark SQL with sqlglot, and each table the
model reads is registered as a temporary view. By default the session is a local one
(``local[2]``); pass your own session to run on a cluster, and ``sources`` to read tables that
already live in Parquet files or in the Hive metastore instead of the dataset's own files
(see ``docs/spark.md``).

Needs the ``spark`` extra: ``pip install 'supervision-kit[spark]'`` (pyspark, sqlglot) and Java
17 or newer.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.errors import EngineError

if TYPE_CHECKING:
    from kit.datasets import Dataset

_LOG_CONFIG = Path(__file__).with_name("log4j2.properties")

INSTALL_HINT = (
    "The Spark engine needs the 'spark' extra. Fix: pip install 'supervision-kit[spark]' "
    "(or: pip install pyspark sqlglot) and make sure Java 17 or newer is on the PATH."
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


def to_spark_sql(sql: str) -> str:
    """Translate model SQL from the DuckDB dialect to Spark SQL with sqlglot.

    Examples
    --------
    >>> to_spark_sql("SELECT strftime(d, '%Y-%m') AS m FROM t")
    "SELECT DATE_FORMAT(d, 'yyyy-MM') AS m FROM t"
    """
    try:
        import sqlglot
        from sqlglot.errors import SqlglotError
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise EngineError(INSTALL_HINT) from exc
    try:
        statements = sqlglot.transpile(sql, read="duckdb", write="spark")
    except SqlglotError as exc:
        raise EngineError(f"sqlglot could not translate the SQL to Spark: {exc}") from exc
    if len(statements) != 1:
        raise EngineError(f"A model's SQL must be one statement; found {len(statements)}.")
    return statements[0]


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
        here are taken from the dataset, handed over as Parquet.
    """

    name = "spark"

    def __init__(
        self,
        session: Any = None,
        master: str = "local[2]",
        sources: Mapping[str, str] | None = None,
    ) -> None:
        self._session = session
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
        """Translate ``sql`` to Spark SQL and run it with ``tables`` registered as views."""
        spark_sql = to_spark_sql(sql)
        spark = self.session
        try:
            for table in tables:
                self._frame(spark, dataset, table).createOrReplaceTempView(table)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                result = spark.sql(spark_sql).toArrow()
        except EngineError:
            raise
        except Exception as exc:  # py4j and Spark analysis errors share no useful base class
            raise EngineError(f"Spark could not run the query: {_reason(exc)}") from exc
        return _to_pandas(result)

    def _frame(self, spark: Any, dataset: Dataset, table: str) -> Any:
        where = self.sources.get(table)
        if where is None:
            return spark.read.parquet(self._stage(dataset, table))
        if where.startswith("table:"):
            return spark.table(where.removeprefix("table:"))
        return spark.read.parquet(where.removeprefix("parquet:"))

    def _stage(self, dataset: Dataset, table: str) -> str:
        """Write a dataset table to Parquet once per dataset version, typed per its descriptor."""
        key = (dataset.fingerprint, table)
        if key not in self._staged:
            if self._dir is None:
                self._dir = Path(tempfile.mkdtemp(prefix="kit-spark-"))
                atexit.register(shutil.rmtree, self._dir, True)
            path = self._dir / f"{dataset.fingerprint[:12]}-{table}.parquet"
            _write_parquet(dataset, table, path)
            self._staged[key] = str(path)
        return self._staged[key]

    def stop(self) -> None:
        """Stop the session this engine started (a session passed in is left running)."""
        if self._session is not None:
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
    if shutil.which("java") is None:
        raise EngineError(INSTALL_HINT)
    session = (
        SparkSession.builder.master(master)
        .appName("supervision-kit")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false")
        .config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}"
        )
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


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
    """Arrow result to pandas with the types DuckDB gives (dates as datetime64, no time zone)."""
    import pyarrow as pa

    columns = {}
    for name, col in zip(result.column_names, result.columns, strict=True):
        if pa.types.is_timestamp(col.type) and col.type.tz is not None:
            col = col.cast(pa.timestamp(col.type.unit))
        if pa.types.is_decimal(col.type):
            col = col.cast(pa.float64())
        columns[name] = col
    table = pa.table(columns) if columns else result
    frame = table.to_pandas(date_as_object=False)
    for name in frame.columns:  # DuckDB gives microseconds; Arrow dates come back as [ms]
        if pd.api.types.is_datetime64_dtype(frame[name]):
            frame[name] = frame[name].astype("datetime64[us]")
    return frame
