"""Engines: every SQL library model gives the same clues on DuckDB and on Spark.

The Spark tests share one local session and run on one xdist worker (group ``spark``), so a
``make test`` run starts Spark once.
"""

from __future__ import annotations

import sys
from functools import cache

import pandas as pd
import pytest

import kit
from kit.engine import SparkEngine, get_engine, to_spark_sql
from kit.errors import EngineError
from kit.models import list_models

MODELS = [spec.id for spec in list_models()]


@cache
def _dataset(name: str) -> kit.datasets.Dataset:
    return kit.datasets.load(name)


@pytest.fixture(scope="module")
def spark() -> SparkEngine:
    engine = get_engine("spark")
    yield engine
    engine.stop()


def _by_id(clues: kit.Clues) -> pd.DataFrame:
    return clues.frame.sort_values("clue_id").reset_index(drop=True)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize("model_id", MODELS)
def test_spark_gives_the_same_clues_as_duckdb(spark: SparkEngine, model_id: str) -> None:
    spec = kit.models.get(model_id)
    dataset = _dataset(spec.dataset)
    on_duckdb = kit.run(spec, dataset)
    on_spark = kit.run(spec, dataset, engine=spark)
    assert on_spark.info["engine"] == "spark"
    assert len(on_duckdb) > 0, f"{model_id} finds nothing on the sample data"
    # every column: ids, amounts, evidence in both languages and the model's own columns, typed
    pd.testing.assert_frame_equal(_by_id(on_spark), _by_id(on_duckdb), check_dtype=True)
    # Same rows in the same order: kit.run orders the clues, not the engine.
    assert on_spark.frame["clue_id"].tolist() == on_duckdb.frame["clue_id"].tolist()


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_error_names_the_model_and_the_reason(spark: SparkEngine) -> None:
    spec = kit.models.get("SS01").derive(
        id="SS01-broken", params={}, sql="SELECT no_such_column AS subject_id FROM deaths"
    )
    with pytest.raises(EngineError, match=r"SS01-broken: Spark could not run the query: .*no_such"):
        kit.run(spec, _dataset("social_security"), engine=spark)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_reads_a_table_from_parquet_instead_of_the_dataset(spark, tmp_path) -> None:
    ds = _dataset("social_security")
    path = tmp_path / "persons.parquet"
    ds.tables["persons"].head(7).to_parquet(path)
    engine = SparkEngine(session=spark.session, sources={"persons": f"parquet:{path}"})
    counted = engine.query("SELECT count(*) AS n FROM persons", ds, ["persons"])
    assert counted["n"].tolist() == [7]


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_reads_a_metastore_table_named_in_sources(spark) -> None:
    ds = _dataset("social_security")
    spark.session.range(3).createOrReplaceTempView("platform_persons")
    engine = SparkEngine(session=spark.session, sources={"persons": "table:platform_persons"})
    counted = engine.query("SELECT count(*) AS n FROM persons", ds, ["persons"])
    assert counted["n"].tolist() == [3]
    engine.stop()  # a session passed in is left running
    assert engine.session is spark.session


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_leaves_the_users_views_alone(spark) -> None:
    ds = _dataset("social_security")
    spark.session.range(3).createOrReplaceTempView("persons")
    counted = spark.query("SELECT count(*) AS n FROM persons", ds, ["persons"])
    assert counted["n"].tolist() == [len(ds.tables["persons"])]
    assert spark.session.table("persons").count() == 3
    spark.session.catalog.dropTempView("persons")


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_types_and_duplicate_columns_match_duckdb(spark) -> None:
    ds = _dataset("social_security")
    sql = (
        "SELECT CASE WHEN sex = 'M' THEN 1 END AS n, CASE WHEN sex = 'M' THEN true END AS b, "
        "birth_date FROM persons ORDER BY id_number LIMIT 4"
    )
    on_spark = spark.query(sql, ds, ["persons"])
    on_duckdb = get_engine("duckdb").query(sql, ds, ["persons"])
    assert on_spark.dtypes.astype(str).tolist() == on_duckdb.dtypes.astype(str).tolist()
    with pytest.raises(EngineError, match=r"column\(s\) a more than once"):
        spark.query("SELECT 1 AS a, 2 AS a FROM persons", ds, ["persons"])


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_keeps_datasets_built_in_memory_apart(spark) -> None:
    import dataclasses

    ds = _dataset("social_security")
    small = dataclasses.replace(
        ds, fingerprint="", tables={"persons": ds.tables["persons"].head(2)}
    )
    smaller = dataclasses.replace(small, tables={"persons": ds.tables["persons"].head(1)})
    sql = "SELECT count(*) AS n FROM persons"
    counts = [spark.query(sql, d, ["persons"])["n"].item() for d in (small, smaller)]
    assert counts == [2, 1]


def test_an_engine_reading_a_linked_table_from_elsewhere_is_refused(tmp_path) -> None:
    engine = SparkEngine(sources={"deaths": f"parquet:{tmp_path}/deaths"})
    with pytest.raises(EngineError, match="SS01 links table\\(s\\) deaths .* use_linkage=false"):
        kit.run("SS01", _dataset("social_security"), engine=engine)


def test_sql_is_translated_to_the_spark_dialect() -> None:
    spark_sql = to_spark_sql("SELECT date_diff('day', a, b) AS d, strftime(a, '%Y-%m') AS m FROM t")
    assert "DATEDIFF(DAY, a, b)" in spark_sql
    assert "DATE_FORMAT(a, 'yyyy-MM')" in spark_sql


def test_duckdb_materialisation_hints_are_dropped_for_spark() -> None:
    # EN01 marks its big hourly CTE NOT MATERIALIZED for DuckDB; Spark SQL has no such syntax
    spark_sql = to_spark_sql(
        "WITH h AS NOT MATERIALIZED (SELECT a FROM t), g AS MATERIALIZED (SELECT a FROM h) "
        "SELECT * FROM g"
    )
    assert spark_sql == "WITH h AS (SELECT a FROM t), g AS (SELECT a FROM h) SELECT * FROM g"
    assert "NOT MATERIALIZED" in kit.models.get("EN01").sql


def test_more_than_one_statement_is_refused() -> None:
    with pytest.raises(EngineError, match="one statement; found 2"):
        to_spark_sql("SELECT 1; SELECT 2")


def test_missing_pyspark_gives_the_install_hint(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    engine = SparkEngine()
    with pytest.raises(EngineError, match=r"pip install -e '\.\[spark\]'"):
        _ = engine.session


def test_unknown_engine_lists_the_engines() -> None:
    with pytest.raises(EngineError, match="Available: duckdb, spark"):
        get_engine("presto")


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_cli_runs_a_model_on_spark(spark, capsys) -> None:
    import json

    from kit.cli import main

    assert main(["run", "SS03", "--engine", "spark", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["run"]["engine"] == "spark"
    on_duckdb = kit.evaluate(kit.run("SS03"), _dataset("social_security").truth).to_dict()
    assert data["evaluation"] == on_duckdb
