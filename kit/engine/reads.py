"""How many times a query reads each table, from DuckDB's profiler (表读取次数).

At province scale a rule's cost is mostly reading: each pass over a hundred million payment rows
costs about one scan floor (``docs/scale.md``). :func:`table_reads` runs a query once with
DuckDB's profiler on and counts, per table, the scan operators of the plan DuckDB actually ran
(after it inlined or held each common table expression), with the rows each scan passed on. A
rule that joins a table again in each of its steps shows it here, on the sample data, before it
meets a province.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from kit.datasets.tables import ParquetTable
from kit.engine.duckdb import DuckDBEngine, cast_select, typed_select
from kit.errors import EngineError

if TYPE_CHECKING:
    from kit.datasets import Dataset

#: Columns of the frame :func:`table_reads` returns.
READ_COLUMNS = ("table", "rows", "reads", "rows_passed")


def table_reads(
    sql: str,
    dataset: Dataset,
    tables: Sequence[str],
    engine: DuckDBEngine | None = None,
) -> pd.DataFrame:
    """Run ``sql`` once on DuckDB and count how many times its plan reads each table.

    Parameters
    ----------
    sql : str
        A query in DuckDB dialect over ``tables`` (a model's: ``spec.render_sql(values)``).
    dataset : Dataset
        Tables held in pandas are copied into DuckDB for the run (so each scan names its table);
        Parquet tables are read in place, as :meth:`DuckDBEngine.query` reads them.
    tables : sequence of str
        The tables the query reads (a model's ``sources``).
    engine : DuckDBEngine, optional
        Its settings (threads, memory limit, spill folder) are used; default DuckDB's own.

    Returns
    -------
    DataFrame
        One row per table in ``tables`` order: ``rows`` in the table, ``reads`` (scan operators
        over it in the plan; 0 when DuckDB answered without reading it) and ``rows_passed`` (rows
        those scans passed on, after the filters pushed into them).

    Raises
    ------
    EngineError
        When the engine is not DuckDB, or the query fails.

    Examples
    --------
    >>> import kit
    >>> from kit.engine.reads import table_reads
    >>> ds = kit.datasets.load("social_security")
    >>> sql = '''SELECT count(*) AS n FROM deaths AS a JOIN deaths AS b USING (id_number)
    ...          WHERE a.source = 'health' AND b.source = 'civil_affairs' '''
    >>> table_reads(sql, ds, ["deaths"])[["table", "reads"]].to_dict("records")
    [{'table': 'deaths', 'reads': 2}]
    """
    engine = DuckDBEngine() if engine is None else engine
    if not isinstance(engine, DuckDBEngine):
        raise EngineError(
            f"Reads are counted with DuckDB's profiler; {engine!r} is not DuckDB. Fix: count "
            "them with engine=None (DuckDB): the plan's reads are a property of the SQL."
        )
    try:
        con = engine.connect()
    except duckdb.Error as exc:
        raise EngineError(f"DuckDB could not start with {engine!r}: {exc}") from exc
    try:
        owners: dict[str, str] = {}
        for table in tables:
            owners.update(_register(con, dataset, table))
        con.execute("SET enable_profiling = 'no_output'")
        con.execute("SET profiling_mode = 'detailed'")
        con.sql(sql).to_arrow_table()  # run it whole; the rows are not kept
        profile = json.loads(con.get_profiling_information(format="json"))
    except duckdb.Error as exc:
        raise EngineError(f"DuckDB could not run the query: {exc}") from exc
    finally:
        con.close()
    if "operator" not in profile:
        # DuckDB answers some queries (a bare count(*) of a table held in memory) from the
        # table's metadata and then writes no profile
        raise EngineError(
            f"DuckDB wrote no profile for this query ({profile.get('result', 'nothing')}), so its "
            "reads cannot be counted. Fix: count a query that reads the tables' values."
        )
    counts = {t: [0, 0] for t in tables}
    for scan in _scans(profile):
        table = _owner(scan, owners)
        if table is not None:
            counts[table][0] += 1
            counts[table][1] += int(scan.get("intermediate_rows") or 0)
    frame = pd.DataFrame(
        [(t, dataset.rows(t), n, rows) for t, (n, rows) in counts.items()],
        columns=list(READ_COLUMNS),
    )
    return frame.astype({"rows": "int64", "reads": "int64", "rows_passed": "int64"})


def _register(con: duckdb.DuckDBPyConnection, dataset: Dataset, table: str) -> dict[str, str]:
    """Register ``table`` as the engine does; return what its scans show (name -> table)."""
    src = dataset.source(table)
    if isinstance(src, ParquetTable):
        con.execute(f'CREATE VIEW "{table}" AS {typed_select(con, dataset, table)}')
        return {str(f): table for f in src.files}
    # a DataFrame scan does not name its frame; a table copied into DuckDB does
    raw = f"__raw_{table}"
    con.register("__frame", src)
    con.execute(f'CREATE TABLE "{raw}" AS SELECT * FROM "__frame"')
    con.unregister("__frame")
    relation = f'main."{raw}"'
    con.execute(f'CREATE VIEW "{table}" AS {cast_select(dataset, table, relation)}')
    return {raw: table}


def _scans(node: Any) -> Iterator[dict[str, Any]]:
    """Every table scan operator of a profile tree."""
    if isinstance(node, dict):
        if node.get("type") == "TABLE_SCAN":
            yield node
        for child in node.get("operator", []) + node.get("children", []):
            yield from _scans(child)
    elif isinstance(node, list):
        for child in node:
            yield from _scans(child)


def _owner(scan: dict[str, Any], owners: dict[str, str]) -> str | None:
    """The table a scan reads: a native table's name, or a Parquet part among its files."""
    info = scan.get("extra_info") or {}
    if not isinstance(info, dict):
        raise EngineError(
            f"This DuckDB ({duckdb.__version__}) writes a profile this kit cannot read. "
            "Fix: pip install -U duckdb."
        )
    name = str(info.get("Table", "")).rsplit(".", 1)[-1]
    if name in owners:
        return owners[name]
    for path in str(info.get("Filename(s)", "")).split(", "):
        if path in owners:
            return owners[path]
    return None
