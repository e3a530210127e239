"""Record linkage at scale: distinct identities linked once, linked Parquet written in place.

A model's link steps (:func:`kit.link.link_dataset`) link each distinct identity of a table once
and give every row the link of its identity. That must be exactly what linking the rows one by
one (:func:`kit.link.linked_table`) gives: same ID number on every row, same counts. A Parquet
table must stay out of pandas: its linked copy is a new Parquet file, rows in their order.
"""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kit
import kit.link.probabilistic as probabilistic
from kit.datasets.generators import write
from kit.datasets.tables import ParquetTable
from kit.errors import KitError
from kit.link import link_dataset, linked_table, standardise
from kit.link.apply import identity_columns
from kit.link.identities import identities
from kit.link.probabilistic import score
from kit.models import list_models

LINKED = [(s, step) for s in list_models() if s.link for step in s.link]


@pytest.fixture(scope="module")
def parquet_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parquet-link")
    for field in ("social_security", "medical_insurance"):
        write(field, root / field, scale="county", fmt="parquet")
    return root


def _same(a: pd.Series, b: pd.Series) -> bool:
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    return bool(((a == b) | (a.isna() & b.isna())).all())


def _check_step(ds: kit.datasets.Dataset, spec: kit.models.ModelSpec, step) -> None:
    linked, summary = link_dataset(ds, [step], {}, owner=spec.id)
    one_by_one = linked_table(
        ds,
        step.table,
        step.to,
        columns=dict(step.columns),
        master_columns=dict(step.master_columns),
        threshold=step.threshold,
    )
    id_col = identity_columns(ds, step.table, dict(step.columns)).id
    got, original = linked.tables[step.table], ds.tables[step.table]
    # every row has the ID number its record gets alone ...
    assert _same(got[id_col], one_by_one.linked_ids())
    # ... the other columns are untouched and the rows are in their order
    others = [c for c in original.columns if c != id_col]
    pd.testing.assert_frame_equal(
        got[others].reset_index(drop=True), original[others].reset_index(drop=True)
    )
    # and the counts are of records, not of identities
    alone = one_by_one.summary()
    assert {k: summary[step.table][k] for k in alone} == alone


@pytest.mark.parametrize(("spec", "step"), LINKED, ids=[f"{s.id}-{st.table}" for s, st in LINKED])
def test_each_row_gets_the_link_its_record_gets_alone(spec, step):
    _check_step(kit.datasets.load(spec.dataset), spec, step)


def test_settlements_repeat_identities_so_fewer_are_linked_than_rows():
    ds = kit.datasets.load("medical_insurance")
    keys = ["id_number", "patient_name", "patient_sex", "patient_birth_date", "patient_address"]
    ident = identities(ds.source("settlements"), keys)
    assert ident.counts.sum() == ds.rows("settlements") == 42_918
    assert len(ident.frame) == 11_625  # what is standardised and linked
    # every row's identity is the row's own values
    rows = ds.tables["settlements"][keys].reset_index(drop=True)
    back = ident.frame.iloc[ident.codes].reset_index(drop=True)
    pd.testing.assert_frame_equal(back, rows)


@pytest.mark.parametrize("field", ["social_security", "medical_insurance"])
def test_parquet_tables_are_linked_into_new_parquet_in_row_order(parquet_root, field):
    ds = kit.datasets.load(parquet_root / field)
    steps = [(s, st) for s, st in LINKED if s.dataset == field]
    assert steps
    for spec, step in steps:
        _check_step(ds, spec, step)
    spec, step = steps[0]
    ds = kit.datasets.load(parquet_root / field)  # fresh: _check_step read the tables
    linked, _ = link_dataset(ds, [step], {}, owner=spec.id)
    src = linked.source(step.table)
    assert isinstance(src, ParquetTable) and src.files != ds.source(step.table).files
    assert not ds.tables.is_loaded(step.table)  # nothing of the original read into pandas
    # the next run reuses the file; it is temporary: gone once no dataset (nor the cache) uses it
    again, _ = link_dataset(ds, [step], {}, owner=spec.id)
    assert again.source(step.table) is src
    path = src.files[0]
    assert path.exists()
    del linked, src, again
    kit.link.clear_cache()
    gc.collect()
    assert not path.exists()


def _todo() -> tuple[pd.DataFrame, pd.DataFrame]:
    ss = kit.datasets.load("social_security")
    master = standardise(ss.tables["persons"], identity_columns(ss, "persons"))
    deaths = standardise(ss.tables["deaths"], identity_columns(ss, "deaths"))
    usable = deaths["id_valid"] & deaths["id_number"].isin(set(master["id_number"]))
    return deaths[~usable], master


def test_weighted_scores_equal_scores_of_the_repeated_records():
    todo, master = _todo()
    w = np.where(np.arange(len(todo)) % 2 == 0, 40, 1)
    weighted = score(todo, master, weights=w)
    repeated = todo.iloc[np.repeat(np.arange(len(todo)), w)].reset_index(drop=True)
    origin = repeated["uid"].to_numpy()
    repeated["uid"] = np.arange(len(repeated))
    alone = score(repeated, master)
    alone["record_uid"] = origin[alone["record_uid"]]
    alone = alone.drop_duplicates(["record_uid", "master_uid"]).reset_index(drop=True)
    cols = ["record_uid", "master_uid", "master_id", "match_weight", "match_probability"]
    pd.testing.assert_frame_equal(weighted[cols], alone[cols])
    # the weights matter: name frequencies (term-frequency adjustment) count every record
    plain = score(todo, master).merge(weighted, on=["record_uid", "master_uid"])
    assert (plain["match_weight_x"] - plain["match_weight_y"]).abs().max() > 1
    with pytest.raises(KitError, match="one count of at least 1 per record"):
        score(todo, master, weights=[1])


def test_scoring_in_chunks_gives_the_same_pairs(monkeypatch):
    todo, master = _todo()
    whole = score(todo, master)
    monkeypatch.setattr(probabilistic, "PAIR_BUDGET", len(todo) * len(master) // 4)
    pd.testing.assert_frame_equal(score(todo, master), whole)


def test_best_only_keeps_each_records_first_pair_of_the_full_scoring():
    todo, master = _todo()
    cols = ["record_uid", "master_uid", "master_id", "match_weight", "match_probability"]
    full = score(todo, master).drop_duplicates("record_uid").reset_index(drop=True)
    best = score(todo, master, best_only=True)
    pd.testing.assert_frame_equal(best[cols], full[cols])
    assert "gamma_name" in score(todo, master).columns and "gamma_name" not in best.columns
    w = np.arange(len(todo)) % 3 + 1
    weighted = score(todo, master, weights=w).drop_duplicates("record_uid")
    pd.testing.assert_frame_equal(
        score(todo, master, weights=w, best_only=True)[cols], weighted[cols].reset_index(drop=True)
    )


def test_splink_duckdb_gets_a_memory_limit_and_a_spill_folder():
    from kit.link.backend import database_api, memory_limit_mb

    con = database_api("duckdb")._con
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    folder = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    import duckdb

    default = duckdb.connect().execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert memory_limit_mb() is not None and limit != default  # 40 %, not DuckDB's 80 %
    assert "kit-link-duckdb-" in folder
