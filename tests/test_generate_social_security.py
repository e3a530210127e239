"""Tests of the social security generator and of the committed county sample."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from stdnum.cn import uscc

from kit import ids
from kit.datasets import load
from kit.datasets.generators import social_security as ss
from kit.datasets.generators import write

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "datasets" / "social_security"
PATTERNS = {
    "pension_after_death",
    "pension_during_custody",
    "increase_during_correction",
    "allowance_ineligible",
    "unemployment_while_employed",
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return ss.generate()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ss") / "social_security"
    write("social_security", out, scale="county")
    return out


def _files(base: Path) -> list[Path]:
    return sorted(p.relative_to(base) for p in base.rglob("*") if p.is_file() and p.suffix != ".md")


def test_committed_sample_is_the_default_world() -> None:
    meta = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["kit:seed"] == ss.DEFAULT_SEED == 20240511
    assert meta["kit:n_persons"] == 10_000


def _content(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data  # gzip headers may differ


def test_regenerating_gives_the_committed_files(regenerated: Path) -> None:
    assert _files(regenerated) == _files(DATA)
    for rel in _files(DATA):
        assert _content(regenerated / rel) == _content(DATA / rel), rel


def test_committed_sample_loads_and_is_small() -> None:
    ds = load("social_security")
    assert {"custody", "allowance_households", "contributions"} <= set(ds.tables)
    size = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert size < 10e6


def test_another_seed_gives_another_world(tables: dict[str, pd.DataFrame]) -> None:
    other = ss.generate(seed=7, n_persons=2_000)
    assert not set(other["persons"]["id_number"]) & set(tables["persons"]["id_number"][:2000])


def test_calibration_within_bounds(tables: dict[str, pd.DataFrame]) -> None:
    cal = ss.calibrate(tables)
    bad = cal[(cal["value"] < cal["low"]) | (cal["value"] > cal["high"])]
    assert bad.empty, bad.to_string()


def test_every_pattern_has_cases_and_traps(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["truth"]
    assert set(truth["pattern"]) == PATTERNS
    for pattern, rows in truth.groupby("pattern"):
        assert rows["is_case"].sum() >= 20, pattern
        assert rows.loc[~rows["is_case"], "reason"].nunique() >= 2, pattern
        assert (rows.loc[rows["is_case"], "amount_improper"] > 0).all(), pattern
        assert (rows.loc[~rows["is_case"], "amount_improper"] == 0).all(), pattern
    assert not truth.duplicated(["pattern", "subject_id"]).any()


def test_linkage_points_at_real_people(tables: dict[str, pd.DataFrame]) -> None:
    link = tables["linkage"]
    assert set(link["true_id_number"]) <= set(tables["persons"]["id_number"])
    assert {"deaths", "custody", "vehicles", "companies"} <= set(link["table"])
    deaths = tables["deaths"].set_index("record_id")
    missing = link[(link["table"] == "deaths") & (link["issue"] == "missing_id")]["record_id"]
    assert deaths.loc[missing, "id_number"].isna().all()
    assert deaths.loc[missing, ["birth_date", "address"]].notna().all().all()


def test_identifiers_are_valid(tables: dict[str, pd.DataFrame]) -> None:
    assert all(ids.is_valid(x) for x in tables["persons"]["id_number"])
    assert tables["persons"]["id_number"].is_unique
    codes = pd.concat([tables["companies"]["uscc"], tables["contributions"]["employer_uscc"]])
    assert all(uscc.is_valid(x) for x in codes.unique())


def test_pension_coverage_scales_to_province(tables: dict[str, pd.DataFrame]) -> None:
    # > 100 million payment rows for 10 million persons
    assert len(tables["pension_payments"]) / len(tables["persons"]) > 10.0


def test_chunks_are_disjoint_and_scale() -> None:
    chunks = list(ss.iter_chunks(11, 3_000, chunk_persons=1_000))
    assert len(chunks) == 3
    ids = np.concatenate([c["persons"]["id_number"].to_numpy() for c in chunks])
    assert len(ids) == 3_000 and len(set(ids)) == 3_000
    payment_ids = np.concatenate([c["pension_payments"]["payment_id"].to_numpy() for c in chunks])
    assert len(set(payment_ids)) == len(payment_ids)
    cases = [int(c["truth"]["is_case"].sum()) for c in chunks]
    whole = int(ss.generate(11, 1_000)["truth"]["is_case"].sum())
    assert all(abs(c - whole) <= max(4, whole // 3) for c in cases), (cases, whole)
    assert ss.generate(11, 1_000)["persons"].equals(ss.generate(11, 1_000)["persons"])


def test_ss03_labels_follow_the_rule_over_all_episodes(tables: dict[str, pd.DataFrame]) -> None:
    # under community correction (any episode) on the effective month start of an increase
    # that was paid and not recovered <=> SS03 case
    cust = tables["custody"]
    cust = cust[cust["custody_type"] == "community_correction"]
    link = tables["linkage"]
    true_id = link[link["table"] == "custody"].set_index("record_id")["true_id_number"]
    person = cust["record_id"].map(true_id).fillna(cust["id_number"])
    start = pd.to_datetime(cust["start_date"])
    end = pd.to_datetime(cust["end_date"]).fillna(pd.Timestamp("2099-12-31"))
    episodes = pd.DataFrame({"id_number": person, "start": start, "end": end})
    adj = tables["pension_adjustments"].copy()
    adj["effective"] = pd.to_datetime(adj["effective_month"].astype(str).str[:7] + "-01")
    both = adj.merge(episodes, on="id_number")
    inside = both[(both["start"] <= both["effective"]) & (both["effective"] <= both["end"])]
    rec = tables["pension_recoveries"]
    recovered = set(rec.loc[rec["reason"] == "deducted_from_pension", "id_number"])
    expected = set(inside["id_number"]) - recovered
    truth = tables["truth"]
    ss03 = truth[truth["pattern"] == "increase_during_correction"]
    assert set(ss03.loc[ss03["is_case"], "subject_id"]) == expected
    assert set(inside["id_number"]) <= set(ss03["subject_id"])


def test_a_small_world_validates(tmp_path: Path) -> None:
    """Under 100,000 payments the payment ids still have six digits, as the descriptor asks."""
    report = write("social_security", tmp_path / "small", n_persons=2_000)
    assert report.rows["pension_payments"] < 100_000
    ds = load(report.path)  # validates against datapackage.json, raises DataError if not
    assert ds.tables["pension_payments"]["payment_id"].str.fullmatch(r"P[0-9]{6,}").all()
