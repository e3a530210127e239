"""Lazy Parquet datasets: read in place by the engines, the same clues as the CSV sample.

The committed samples are CSV. The same world written as Parquet (same field, scale and seed)
must give exactly the same clue frames for every library model, without any table being loaded
into pandas: that is the proof that reading Parquet in place (what a province-scale run needs)
is right. Everything here runs on small data in a temporary folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import kit
from kit.datasets.generators import write
from kit.datasets.tables import ParquetTable, Tables
from kit.errors import DataError, KitError
from kit.models import list_models

FIELDS = ("social_security", "medical_insurance", "environment")


@pytest.fixture(scope="module")
def parquet_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three committed samples (county scale, default seed) written again as Parquet."""
    root = tmp_path_factory.mktemp("parquet")
    for field in FIELDS:
        write(field, root / field, scale="county", fmt="parquet")
    return root


@pytest.fixture
def ss_parquet(parquet_root: Path, tmp_path: Path) -> Path:
    """A throwaway copy of the Parquet social security sample, to break."""
    out = tmp_path / "social_security"
    shutil.copytree(parquet_root / "social_security", out)
    return out


@pytest.mark.parametrize("field", FIELDS)
def test_parquet_gives_the_same_clues_as_the_csv_sample(parquet_root: Path, field: str) -> None:
    lazy = kit.datasets.load(parquet_root / field)
    sample = kit.datasets.load(field)
    assert all(lazy.tables.is_lazy(t) for t in lazy.tables)
    specs = [s for s in list_models() if s.dataset == field]
    assert specs
    for spec in specs:
        on_parquet = kit.run(spec, lazy)
        on_csv = kit.run(spec, sample)
        assert len(on_csv) > 0
        pd.testing.assert_frame_equal(on_parquet.frame, on_csv.frame, check_dtype=True)
    # no model (record linkage included) loaded a whole table into pandas
    assert [t for t in lazy.tables if lazy.tables.is_loaded(t)] == []


def test_linkage_reads_the_register_columns_only_and_keeps_it_lazy(parquet_root: Path) -> None:
    ds = kit.datasets.load(parquet_root / "social_security")
    clues = kit.run("SS01", ds)
    assert clues.info["linkage"]["deaths"]["exact"] > 0
    assert not ds.tables.is_loaded("persons") and not ds.tables.is_loaded("deaths")


def test_tables_materialise_on_access_and_frame_reads_some_columns(parquet_root: Path) -> None:
    ds = kit.datasets.load(parquet_root / "social_security")
    assert isinstance(ds.source("persons"), ParquetTable)
    two = ds.frame("pension_payments", ["id_number", "pay_date"])
    assert list(two.columns) == ["id_number", "pay_date"]
    assert str(two["pay_date"].dtype) == "datetime64[s]"
    assert not ds.tables.is_loaded("pension_payments")
    persons = ds.tables["persons"]  # a DataFrame, read once and kept
    assert isinstance(persons, pd.DataFrame) and len(persons) == ds.rows("persons") == 10_000
    assert ds.tables.is_loaded("persons") and ds.tables["persons"] is persons
    csv = kit.datasets.load("social_security").tables["persons"]
    assert list(persons.columns) == list(csv.columns)
    assert persons["id_number"].tolist() == csv["id_number"].tolist()


def test_with_tables_keeps_the_other_tables_lazy(parquet_root: Path) -> None:
    ds = kit.datasets.load(parquet_root / "social_security")
    few = ds.with_tables(deaths=ds.frame("deaths").head(3))
    assert few.rows("deaths") == 3 and few.fingerprint != ds.fingerprint
    assert few.tables.is_lazy("pension_payments") and not ds.tables.is_loaded("deaths")
    assert kit.sql("SELECT count(*) AS n FROM deaths", few)["n"].tolist() == [3]


def test_preview_and_describe_read_no_table(parquet_root: Path) -> None:
    ds = kit.datasets.load(parquet_root / "social_security")
    shown = ds.preview("persons", 3)
    assert len(shown) == 3 and "*" in shown["id_number"].iloc[0]
    desc = ds.describe().set_index("table")
    assert desc.loc["pension_payments", "rows"] == len(pq.ParquetFile(
        ds.source("pension_payments").files[0]).read(columns=["id_number"]))  # fmt: skip
    assert desc.loc["persons", "columns"] == 7
    assert [t for t in ds.tables if ds.tables.is_loaded(t)] == []
    assert "persons: 10,000" in repr(ds)


def test_fingerprint_is_stable_and_follows_the_files(ss_parquet: Path) -> None:
    first = kit.datasets.load(ss_parquet).fingerprint
    assert kit.datasets.load(ss_parquet).fingerprint == first
    run_id = kit.run("SS05", ss_parquet).info["run_id"]
    part = next((ss_parquet / "deaths").glob("*.parquet"))
    table = pq.read_table(part)
    frame = table.to_pandas()
    frame.loc[0, "name"] = frame.loc[0, "name"] + "甲"
    pq.write_table(pa_table(frame, table.schema), part)
    changed = kit.datasets.load(ss_parquet)
    assert changed.fingerprint != first
    # the run id names the data: other files, other run id
    assert kit.run("SS05", changed).info["run_id"] != run_id


def pa_table(frame: pd.DataFrame, schema):  # noqa: ANN001, ANN201 - a test helper
    import pyarrow as pa

    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def test_a_missing_parquet_part_is_named_with_the_fix(ss_parquet: Path) -> None:
    part = next((ss_parquet / "deaths").glob("*.parquet"))
    part.unlink()
    with pytest.raises(DataError) as err:
        kit.datasets.load(ss_parquet)
    text = str(err.value)
    assert part.name in text and "the file is missing" in text and "regenerate" in text


def test_a_broken_or_mistyped_parquet_part_is_reported(ss_parquet: Path) -> None:
    part = next((ss_parquet / "deaths").glob("*.parquet"))
    part.write_bytes(b"not parquet at all")
    frame = pq.read_table(next((ss_parquet / "persons").glob("*.parquet"))).to_pandas()
    frame["birth_date"] = frame["birth_date"].astype(str)  # dates written as text
    frame.to_parquet(next((ss_parquet / "persons").glob("*.parquet")), index=False)
    with pytest.raises(DataError) as err:
        kit.datasets.load(ss_parquet)
    text = str(err.value)
    assert "is not a Parquet file" in text
    assert "birth_date" in text and "not a date written YYYY-MM-DD" in text


def test_tables_wraps_a_plain_dict_and_names_unknown_tables() -> None:
    ds = kit.datasets.load("social_security")
    assert isinstance(ds.tables, Tables) and not ds.tables.is_lazy("persons")
    with pytest.raises(KitError, match="has no table 'nope'"):
        ds.source("nope")


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize("model_id", ["SS01", "MI04"])
def test_spark_reads_lazy_parquet_in_place_with_duckdbs_clues(parquet_root: Path, model_id):
    engine = kit.engine.get_engine("spark")
    spec = kit.models.get(model_id)
    ds = kit.datasets.load(parquet_root / spec.dataset)
    on_duckdb = kit.run(spec, ds)
    on_spark = kit.run(spec, ds, engine=engine)
    pd.testing.assert_frame_equal(on_spark.frame, on_duckdb.frame, check_dtype=True)
    # the Parquet tables were read in place, never staged (only a linked table is in memory)
    assert not [key for key in engine._staged if key[0] == ds.fingerprint]
