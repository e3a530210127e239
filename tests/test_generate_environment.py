"""Tests of the environment generator (kit.datasets.generators.environment) and its sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from stdnum.cn import uscc as stdnum_uscc

from kit.datasets.generators import environment as env
from kit.datasets.generators.writer import format_column

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "datasets" / "environment"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return env.generate()


def _descriptors() -> dict[str, dict]:
    meta, truth = env.package(env.DEFAULT_SEED, 10_000)
    return {r["name"]: r for r in meta["resources"] + truth["resources"]}


def _path(res: dict) -> Path:
    return SAMPLE / ("truth" if res["name"] == "truth" else "") / res["path"]


def test_api() -> None:
    assert env.FIELD == "environment"
    assert env.DEFAULT_SEED == 20240511
    for name in ("iter_chunks", "generate", "package", "calibrate"):
        assert callable(getattr(env, name))


def test_regenerate_equals_committed(tables: dict[str, pd.DataFrame]) -> None:
    for name, res in _descriptors().items():
        committed = pd.read_csv(_path(res), dtype=str, keep_default_na=False)
        frame = tables[name]
        assert list(committed.columns) == [f["name"] for f in res["schema"]["fields"]], name
        assert len(committed) == len(frame), name
        if name == "monitoring":  # numeric comparison: formatting 800k rows is slow
            for f in res["schema"]["fields"]:
                col = f["name"]
                if f["type"] == "number":
                    got = pd.to_numeric(committed[col].replace("", np.nan))
                    assert np.allclose(got, frame[col], equal_nan=True, atol=1e-9), col
                elif f["type"] == "datetime":
                    assert (pd.to_datetime(committed[col]) == frame[col]).all(), col
                else:
                    assert (committed[col] == frame[col].astype(str)).all(), col
            continue
        for f in res["schema"]["fields"]:
            text = format_column(frame[f["name"]].reset_index(drop=True), f)
            assert (committed[f["name"]] == text.astype(str)).all(), (name, f["name"])
    meta, _ = env.package(env.DEFAULT_SEED, 10_000)
    written = json.loads((SAMPLE / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in written["resources"]] == [r["name"] for r in meta["resources"]]


def test_other_seed_differs(tables: dict[str, pd.DataFrame]) -> None:
    other = next(env.iter_chunks(7, 3_000))
    assert not other["enterprises"]["uscc"].isin(tables["enterprises"]["uscc"]).all()
    assert len(other["monitoring"]) < len(tables["monitoring"])


def test_calibrate_within_ranges(tables: dict[str, pd.DataFrame]) -> None:
    cal = env.calibrate(tables)
    assert list(cal.columns) == ["measure", "value", "low", "high", "unit", "reference"]
    bad = cal[(cal["value"] < cal["low"]) | (cal["value"] > cal["high"])]
    assert bad.empty, bad.to_string()


def test_cases_and_traps_per_pattern(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["truth"]
    assert not truth.duplicated(["pattern", "subject_id"]).any()
    for pattern in env._truth.PATTERNS.values():
        rows = truth[truth["pattern"] == pattern]
        assert rows["is_case"].sum() >= 20, pattern
        assert (~rows["is_case"]).any(), pattern
    assert (truth.loc[~truth["is_case"], "amount_improper"] == 0).all()


def test_identifiers(tables: dict[str, pd.DataFrame]) -> None:
    ent = tables["enterprises"]
    assert ent["uscc"].map(stdnum_uscc.is_valid).all()
    assert ent["uscc"].is_unique and ent["name"].is_unique
    known = set(ent["uscc"])
    for name, col in (
        ("outlets", "uscc"),
        ("penalties", "uscc"),
        ("hw_manifests", "receiver_uscc"),
    ):
        assert tables[name][col].isin(known).all(), name
    assert tables["permits"]["outlet_id"].isin(set(tables["outlets"]["outlet_id"])).all()
    mon_outlets = set(tables["monitoring"]["outlet_id"])
    assert mon_outlets == set(tables["outlets"].loc[tables["outlets"]["monitored"], "outlet_id"])
    assert tables["police_transfers"]["penalty_id"].isin(tables["penalties"]["penalty_id"]).all()


def test_people_come_from_the_social_security_world(tables: dict[str, pd.DataFrame]) -> None:
    ss = pytest.importorskip("kit.datasets.generators.social_security")
    if not hasattr(ss, "iter_chunks"):
        pytest.skip("social security package not complete")
    persons = set(next(ss.iter_chunks(env.DEFAULT_SEED, 10_000))["persons"]["id_number"])
    assert tables["enterprises"]["legal_representative_id"].isin(persons).all()
    assert tables["worker_certificates"]["id_number"].isin(persons).all()


def _runs(values: pd.Series) -> pd.Series:
    """Length of the run of identical consecutive values each row belongs to."""
    block = (values != values.shift()).cumsum()
    return values.groupby(block).transform("size")


def test_en01_cases_visible(tables: dict[str, pd.DataFrame]) -> None:
    mon = tables["monitoring"]
    truth = tables["truth"]
    en01 = truth[truth["pattern"] == "falsified_monitoring"].set_index("subject_id")["reason"]
    notices = tables["maintenance_notices"]
    limits = tables["permits"].set_index(["outlet_id", "pollutant"])["limit_value"]
    for oid, g in mon.groupby("outlet_id"):
        reason = en01.get(oid, "normal")
        first = "cod" if g["cod"].notna().any() else "so2"
        normal = g[g["status"] == "N"]
        runs = _runs(normal[first])
        above_dl = normal[first] > env._world.DETECTION[first] + 1e-9
        longest = runs[above_dl & normal[first].notna()].max() if above_dl.any() else 0
        if reason == "constant_values":
            assert longest >= 72, oid
        elif reason in ("normal", "zero_flow_with_readings", "faults_on_exceedances"):
            assert longest < 24, (oid, reason, longest)
        zero = g["flow"] == 0
        zero_run = _runs(zero)[zero].max() if zero.any() else 0
        if reason in ("zero_flow_with_readings", "announced_production_halt"):
            assert zero_run >= 72, oid
            halts = notices[(notices["outlet_id"] == oid) & (notices["kind"] == "production_halt")]
            assert (len(halts) > 0) == (reason == "announced_production_halt"), oid
        else:
            assert not zero.any(), oid
        fault = g[g["status"] == "F"]
        over = (fault[first] > limits[(oid, first)]).sum()
        if reason == "faults_on_exceedances":
            assert over >= 20 and over > 0.5 * len(fault), oid
        else:
            assert over == 0, oid
        if reason == "detection_limit_readings":
            pols = [p for p in env._world.ONLINE if g[p].notna().any()]
            at_dl = [(g[p] == env._world.DETECTION[p]).sum() for p in pols]
            assert max(at_dl) > 1000, oid


def test_en03_en04_visible(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["truth"]
    pen = tables["penalties"].set_index("penalty_id")
    transferred = set(tables["police_transfers"]["penalty_id"])
    cases = truth[(truth["pattern"] == "fine_instead_of_prosecution") & truth["is_case"]]
    for pid in cases["subject_id"]:
        assert pid not in transferred
        p = pen.loc[pid]
        assert (
            (p["exceed_multiple"] >= 3)
            or (p["hazardous_waste_tonnes"] >= 3)
            or (p["violation_type"] == "falsified_monitoring")
        )
        assert ("倍" in p["facts"]) or ("吨" in p["facts"]) or ("篡改" in p["facts"])
    rep = truth[(truth["pattern"] == "repeat_offender") & truth["is_case"]]
    counts = tables["penalties"].groupby("uscc").size()
    assert (counts.loc[rep["subject_id"]] >= 3).all()


def test_en05_en06_en07_visible(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["truth"].set_index(["pattern", "subject_id"])
    orders = tables["restoration_orders"].set_index("order_id")
    paid = tables["restoration_payments"].groupby("order_id")["amount"].sum()
    for oid, row in truth.loc["unpaid_restoration"].iterrows():
        if row["is_case"]:
            assert paid.get(oid, 0.0) < orders.loc[oid, "amount_due"]
            assert row["amount_improper"] > 0
    registry = tables["certificate_registry"]
    reg_ids = dict(zip(registry["cert_no"], registry["id_number"], strict=False))
    certs = tables["worker_certificates"].set_index("id_number")
    for pid, row in truth.loc["forged_certificates"].iterrows():
        cert = certs.loc[pid, "cert_no"]
        if row["reason"] == "not_in_registry":
            assert cert not in reg_ids
        elif row["reason"] == "registered_to_another_person":
            assert reg_ids[cert] != pid
        elif row["reason"] == "format_noise":
            assert cert not in reg_ids
    decl = (
        tables["hw_declarations"]
        .groupby(["uscc", "year"])[["tonnes_produced", "tonnes_stored_year_end"]]
        .sum()
    )
    man = tables["hw_manifests"]
    lic = man[man["receiver_licensed"]]
    shipped = lic.groupby(["uscc", lic["transfer_date"].dt.year])["tonnes"].sum()
    for key, row in truth.loc["hazardous_waste_gap"].iterrows():
        u, y = key.split("|")
        d = decl.loc[(u, int(y))]
        out = shipped.get((u, int(y)), 0.0)
        prev = decl["tonnes_stored_year_end"].get((u, int(y) - 1), 0.0)
        balance = d["tonnes_produced"] + prev - d["tonnes_stored_year_end"] - out
        if row["reason"] == "declared_on_site_storage":
            assert d["tonnes_produced"] - out >= 3 > balance, key
        else:
            assert balance >= 3, key


def test_en06_plain_rule_flags_only_truth_subjects(tables: dict[str, pd.DataFrame]) -> None:
    decl, man = tables["hw_declarations"], tables["hw_manifests"]
    year = decl.groupby(["uscc", "year"])[["tonnes_produced", "tonnes_stored_year_end"]].sum()
    lic = man[man["receiver_licensed"]]
    moved = lic.groupby(["uscc", lic["transfer_date"].dt.year.rename("year")])["tonnes"].sum()
    moved = moved.reindex(year.index, fill_value=0.0)
    keys = pd.Index([f"{u}|{y}" for u, y in year.index])
    truth = tables["truth"]
    en06 = truth[truth["pattern"] == "hazardous_waste_gap"]
    # DOMAIN.md rule: declared production minus transfers to licensed handlers >= 3 t
    hits = set(keys[(year["tonnes_produced"] - moved).to_numpy() >= 3])
    assert hits <= set(en06["subject_id"])
    # ordinary enterprise-years balance within 0.4 t (stock included), except the year after
    # a next-January trap, which is short by exactly that January shipment
    prev = year.groupby(level=0)["tonnes_stored_year_end"].shift(fill_value=0.0)
    balance = year["tonnes_produced"] + prev - year["tonnes_stored_year_end"] - moved
    january = en06.loc[en06["reason"] == "transferred_next_january", "subject_id"]
    after = {f"{s.split('|')[0]}|{int(s.split('|')[1]) + 1}" for s in january}
    ordinary = ~keys.isin(set(en06["subject_id"]) | after)
    assert (balance[ordinary].abs() <= 0.4).all()
    assert (balance[keys.isin(after)] < -3).all()
