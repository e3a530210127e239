"""Tests of the medical insurance generator and of the committed county sample."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit.datasets.generators import medical_insurance as mi
from kit.datasets.generators import write
from kit.datasets.generators.medical_insurance import _catalogue as cat

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "datasets" / "medical_insurance"
LOCKED = ("imprisonment", "criminal_detention", "pretrial_detention")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return mi.generate()


@pytest.fixture(scope="module")
def truth(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return tables["truth"]


def _cases(truth: pd.DataFrame, pattern: str, case: bool = True) -> list[str]:
    sel = (truth["pattern"] == pattern) & (truth["is_case"] == case)
    return truth.loc[sel, "subject_id"].tolist()


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def test_regenerate_equals_committed(tmp_path: Path) -> None:
    out = tmp_path / "mi"
    write("medical_insurance", out, scale="county")
    made = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file() and p.name != "DATASHEET.md"
    )
    assert made == committed
    for rel in made:
        assert _read(out / rel) == _read(DATA / rel), rel
    assert sum((DATA / r).stat().st_size for r in committed) < 10e6


def test_different_seed_differs() -> None:
    a = mi.generate(seed=1, n_persons=1_000)["settlements"]
    b = mi.generate(seed=2, n_persons=1_000)["settlements"]
    assert not a.equals(b)


def test_calibrate_within_ranges(tables: dict[str, pd.DataFrame]) -> None:
    table = mi.calibrate(tables)
    bad = table[(table["value"] < table["low"]) | (table["value"] > table["high"])]
    assert bad.empty, bad.to_string()


def test_truth_counts_and_reasons(truth: pd.DataFrame) -> None:
    assert set(truth["pattern"]) == set(mi.PATTERNS.values())
    for pattern, group in truth.groupby("pattern"):
        assert group["is_case"].sum() >= 20, pattern
        assert (~group["is_case"]).sum() >= 1, pattern
    assert (truth["reason"].map(mi.REASONS) == truth["is_case"]).all()
    assert not truth.duplicated(["pattern", "subject_id"]).any()
    money = truth[truth["is_case"] & (truth["pattern"] != "bed_over_occupancy")]
    assert (money["amount_improper"] > 0).all()
    assert (truth.loc[~truth["is_case"], "amount_improper"] == 0).all()


def test_same_people_as_social_security(tables: dict[str, pd.DataFrame]) -> None:
    from kit.datasets.generators import social_security as ss

    world = ss.generate(mi.DEFAULT_SEED, 10_000)
    assert set(tables["insured"]["id_number"]) <= set(world["persons"]["id_number"])
    for name in ("deaths", "custody"):
        pd.testing.assert_frame_equal(tables[name], world[name].reset_index(drop=True))
    link = tables["linkage"]
    ss_link = world["linkage"]
    shared = link[link["table"].isin(["deaths", "custody"])].reset_index(drop=True)
    expect = ss_link[ss_link["table"].isin(["deaths", "custody"])]
    expect = expect.sort_values(["table", "record_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(shared, expect, check_dtype=False)


def test_catalogue_limits_consistent(tables: dict[str, pd.DataFrame], truth: pd.DataFrame) -> None:
    catalogue = tables["item_catalogue"]
    assert set(catalogue["sex_limit"].dropna()) <= {"M", "F"}
    assert (catalogue["min_age"] <= catalogue["max_age"]).all()
    # every diagnosis limited to one sex uses no item limited to the other
    for code, _name, profile, sex, *_ in cat.DIAGNOSES:
        if sex:
            spec = cat.PROFILES[profile]
            codes = [c for pool in spec.values() for c in pool]
            limits = set(catalogue.set_index("item_code").loc[codes, "sex_limit"].dropna())
            assert limits <= {sex}, code
    # the naive rule (item limit vs the sex in the ID number) finds exactly the planted cases
    items = tables["claim_items"].merge(catalogue[["item_code", "sex_limit"]], on="item_code")
    s = tables["settlements"].set_index("settlement_id")
    link = tables["linkage"].set_index("record_id")["true_id_number"]
    ids = s["id_number"].where(~s.index.isin(link.index), link.reindex(s.index))
    true_sex = ids.map(lambda x: "M" if int(str(x)[16]) % 2 else "F")
    items["sex"] = items["settlement_id"].map(true_sex)
    hit = items.loc[items["sex_limit"].notna() & (items["sex_limit"] != items["sex"]),
                    "settlement_id"]  # fmt: skip
    assert set(hit) == set(_cases(truth, "sex_inconsistent_items"))


def test_cases_visible_in_data(tables: dict[str, pd.DataFrame], truth: pd.DataFrame) -> None:
    s = tables["settlements"]
    inp = s[(s["kind"] == "inpatient") & ~s["is_refund"]]
    by_id = s.groupby("id_number")
    # MI01: a settlement after the earliest death record under the ID number
    from kit import ids as kit_ids

    truly = tables["linkage"].set_index("record_id")["true_id_number"]

    def true_ids(frame: pd.DataFrame) -> list:
        return [truly.get(r, kit_ids.clean(x)) for r, x in
                zip(frame["record_id"], frame["id_number"].astype(object), strict=True)]  # fmt: skip

    d = tables["deaths"].copy()
    d["clean"] = true_ids(d)
    first = d.groupby("clean")["death_date"].min()
    for who in _cases(truth, "claims_after_death") + _cases(truth, "claims_after_death", False):
        rows = by_id.get_group(who)
        after = (rows["admission_date"] > first[who]) | (rows["settle_date"] > first[who])
        assert after.any(), who
    # MI02: a stay inside a prison or detention episode
    c = tables["custody"].copy()
    c["clean"] = true_ids(c)
    c["end_date"] = c["end_date"].fillna(pd.Timestamp("2099-01-01"))
    for who in _cases(truth, "inpatient_in_custody"):
        eps = c[(c["clean"] == who) & c["custody_type"].isin(LOCKED)]
        stays = inp[inp["id_number"] == who]
        inside = [
            (
                (stays["admission_date"] >= e.start_date) & (stays["discharge_date"] <= e.end_date)
            ).any()
            for e in eps.itertuples()
        ]
        assert any(inside), who
    # MI03: two stays at different hospitals that really overlap; transfers touch on one day
    for who, strict in [(w, True) for w in _cases(truth, "overlapping_stays")]:
        st = inp[inp["id_number"] == who].sort_values("admission_date")
        a, b = st.iloc[:-1], st.iloc[1:]
        over = (b["admission_date"].to_numpy() < a["discharge_date"].to_numpy()) & (
            b["institution_id"].to_numpy() != a["institution_id"].to_numpy()
        )
        assert over.any() == strict, who
    # MI05: only bed and nursing, or tests over 80 % with no treatment or drug
    items = tables["claim_items"].merge(tables["item_catalogue"][["item_code", "category"]])
    share = items.pivot_table(index="settlement_id", columns="category", values="amount",
                              aggfunc="sum", fill_value=0)  # fmt: skip
    for sid in _cases(truth, "hanging_bed"):
        row = share.loc[sid]
        total = row.sum()
        only_bed = row[["bed", "nursing"]].sum() == total
        tests = row["test"] > 0.8 * total and row[["treatment", "drug"]].sum() == 0
        assert only_bed or tests, sid
    # MI06: monthly mean census far above the agreement beds
    census = tables["inpatient_census"]
    census = census.assign(month=census["date"].dt.strftime("%Y-%m"))
    mean = census.groupby(["institution_id", "month"])["inpatients"].mean()
    beds = tables["institutions"].set_index("institution_id")["registered_beds"]
    for subject in _cases(truth, "bed_over_occupancy"):
        inst, month = subject.split("|")
        assert mean[(inst, month)] > 1.3 * beds[inst], subject
    # MI07: readmission for the same diagnosis at the same hospital within 15 days
    for sid in _cases(truth, "split_stays") + _cases(truth, "split_stays", False):
        row = inp.set_index("settlement_id").loc[sid]
        prev = inp[(inp["id_number"] == row["id_number"])
                   & (inp["institution_id"] == row["institution_id"])
                   & (inp["diagnosis_icd10"] == row["diagnosis_icd10"])]  # fmt: skip
        gap = (row["admission_date"] - prev["discharge_date"]).dt.days
        assert ((gap > 0) & (gap <= 15)).any(), sid
    # MI08: the code settled in at least two sales that were not refunded
    ci = tables["claim_items"].dropna(subset=["trace_code"])
    sales = ci[ci["quantity"] > 0].groupby("trace_code")["settlement_id"].nunique()
    refunds = set(ci.loc[ci["quantity"] < 0, "trace_code"])
    for code in _cases(truth, "resold_drugs"):
        assert sales[code] >= 2 and code not in refunds, code
    # MI09: 8 or more stays admitted and discharged on the same days at one institution
    groups = inp.groupby(["institution_id", "admission_date", "discharge_date"]).size()
    for subject in _cases(truth, "group_admissions"):
        inst, when = subject.split("|")
        hits = groups.xs((inst, pd.Timestamp(when)), level=[0, 1])
        assert hits.max() >= 8, subject
    # MI10: a day with many identical amounts at the pharmacy
    ph = s[s["kind"] == "pharmacy"]
    same = ph.groupby(["institution_id", "settle_date", "total_cost"]).size()
    for inst in _cases(truth, "pharmacy_card_swiping"):
        assert same.xs(inst, level=0).max() >= 6, inst


def test_linkage_rows_describe_degraded_records(tables: dict[str, pd.DataFrame]) -> None:
    link = tables["linkage"]
    assert set(link["issue"]) <= {"typo", "legacy_15", "missing_id", "homophone_name", "format"}
    s = tables["settlements"].set_index("settlement_id")
    rows = link[link["table"] == "settlements"]
    recorded = s.loc[rows["record_id"], "id_number"].to_numpy()
    changed = np.array([r != t for r, t in zip(recorded, rows["true_id_number"], strict=True)])
    assert changed[rows["issue"].to_numpy() != "homophone_name"].all()
    assert set(rows["true_id_number"]) <= set(tables["insured"]["id_number"])
    missing = s.loc[rows.loc[rows["issue"] == "missing_id", "record_id"]]
    assert missing["patient_address"].notna().all()


def test_chunks_concatenate() -> None:
    chunks = list(mi.iter_chunks(5, 3_000, chunk_persons=1_500))
    assert len(chunks) == 2
    whole = {k: pd.concat([c[k] for c in chunks]) for k in chunks[0]}
    assert whole["settlements"]["settlement_id"].is_unique
    assert whole["institutions"]["institution_id"].is_unique
    assert whole["institutions"]["uscc"].is_unique
    assert whole["claim_items"]["trace_code"].dropna().size > 0
    assert len(whole["item_catalogue"]) == len(cat.ITEMS)


def test_no_accidental_care_inside_own_stays(
    tables: dict[str, pd.DataFrame], truth: pd.DataFrame
) -> None:
    # every outpatient visit or pharmacy purchase on a day of the person's own stay
    # (admission to discharge) is a labelled MI03 trap
    s = tables["settlements"]
    link = tables["linkage"]
    true_id = link[link["table"] == "settlements"].set_index("record_id")["true_id_number"]
    person = s["settlement_id"].map(true_id).fillna(s["id_number"])
    s = s.assign(person=person)
    stays = s[(s["kind"] == "inpatient") & ~s["is_refund"]]
    other = s[s["kind"] != "inpatient"]
    both = other.merge(
        stays[["person", "admission_date", "discharge_date"]], on="person", suffixes=("", "_stay")
    )
    inside = both[
        (both["admission_date"] >= both["admission_date_stay"])
        & (both["admission_date"] <= both["discharge_date_stay"])
    ]
    mi03 = truth[(truth["pattern"] == "overlapping_stays") & ~truth["is_case"]]
    trapped = set(mi03.loc[mi03["reason"] == "pharmacy_purchase_during_stay", "subject_id"])
    assert set(inside["person"]) <= trapped
    assert (inside["kind"] == "pharmacy").all()


def test_care_settled_after_a_death_is_told_apart_from_care_after_it() -> None:
    """The truth builder labels care settled after a death (seen at city scale) as a trap and
    refuses care that began after the death (an unplanted case)."""
    from types import SimpleNamespace

    from kit.datasets.generators.medical_insurance._truth import REASONS, _naive_mi01

    nat = np.datetime64("NaT", "D")
    pop = SimpleNamespace(
        death_first=np.array(["2024-05-11", "2024-05-11", nat], dtype="datetime64[D]")
    )
    settlements = pd.DataFrame(
        {
            "admission_date": pd.to_datetime(["2024-05-08", "2024-05-20", "2024-06-01"]),
            "settle_date": pd.to_datetime(["2024-05-12", "2024-05-20", "2024-06-01"]),
        }
    )
    assert _naive_mi01(pop, settlements, np.array([0, 1, 2])) == {0: False, 1: True}
    assert REASONS["care_settled_after_death"] is False
