"""Medical insurance models MI06-MI10 on the sample data: floors met, traps kept out, knobs work."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kit
from tests.conftest import cached_runner
from tests.conftest import fp_reasons as _reasons
from tests.conftest import truth_subjects as _subjects

MODELS = ("MI06", "MI07", "MI08", "MI09", "MI10")


@pytest.fixture(scope="module")
def run(mi):
    """Run a model once per parameter set and keep the clues and their evaluation."""
    return cached_runner(mi)


def _spaced(id_number: str) -> str:
    """An ID number as some clerks key it: '342401 19781122 7883'."""
    return f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"


@pytest.mark.parametrize("model_id", MODELS)
def test_model_meets_its_expected_floors(run, model_id):
    spec = kit.models.get(model_id)
    clues, ev = run(model_id)
    assert spec.field == "medical_insurance" and spec.dataset == "medical_insurance"
    assert ev.recall >= spec.expected["recall"], ev.summary()
    assert ev.conversion_rate >= spec.expected["conversion"], ev.summary()
    frame = clues.frame
    assert frame["clue_id"].is_unique and frame["subject_id"].is_unique
    assert frame["evidence"].str.len().gt(0).all() and frame["evidence_zh"].str.len().gt(0).all()
    if model_id == "MI06":
        assert (frame["amount_involved"] == 0).all()  # the census carries no money
    else:
        assert (frame["amount_involved"] > 0).all()


# MI06 -----------------------------------------------------------------------------------------


def test_mi06_subject_is_a_hospital_month_and_expanded_beds_count(run, mi):
    clues, ev = run("MI06")
    frame = clues.frame
    assert frame["subject_id"].str.fullmatch(r"H\d{11}\|\d{4}-\d{2}").all()
    assert not _reasons(ev) & {"beds_expanded_registration_updated", "seasonal_peak_within_margin"}
    # Hospitals whose beds were re-registered are measured against the beds in force that day.
    regs = mi.tables["bed_registrations"]
    expanded = regs.groupby("institution_id")["effective_date"].max()[
        regs.groupby("institution_id").size() > 1
    ]
    assert len(expanded) > 0
    for hospital, since in expanded.items():
        after = frame[
            (frame["subject_id"].str.startswith(hospital + "|"))
            & (frame["period_start"].dt.date >= pd.Timestamp(since).date())
        ]
        assert after.empty, f"{hospital} flagged against its old beds"


def test_mi06_a_lower_margin_adds_the_winter_peaks(run):
    default, _ = run("MI06")
    wide, ev = run("MI06", min_occupancy=1.0)
    assert set(default.frame["clue_id"]) < set(wide.frame["clue_id"])
    assert "seasonal_peak_within_margin" in _reasons(ev)


def test_mi06_evidence_names_the_occupancy(run):
    top = run("MI06")[0].frame.iloc[0]
    occupancy = f"{top['occupancy_pct']:.1f}% of"
    assert occupancy in top["evidence"] and top["month"] in top["evidence"]
    assert f"{top['beds']:,} registered beds" in top["evidence"]


# MI07 -----------------------------------------------------------------------------------------


def test_mi07_planned_cycles_are_not_clues(run, mi):
    clues, ev = run("MI07")
    assert not _reasons(ev) & {"planned_chemotherapy_cycle", "dialysis_readmission"}
    assert not clues.frame["diagnosis_icd10"].str.startswith(("Z51.0", "Z51.1", "Z49")).any()
    # Chemotherapy readmissions within 15 days exist in the data: the exclusion is doing the work.
    stays = mi.tables["settlements"]
    chemo = stays[(stays["kind"] == "inpatient") & (stays["diagnosis_icd10"] == "Z51.1")]
    assert chemo["id_number"].duplicated().any()


def test_mi07_subject_is_the_second_stay_within_the_window(run):
    frame = run("MI07")[0].frame
    assert (frame["prev_settlement_id"] != frame["subject_id"]).all()
    assert (frame["admission_date"] >= frame["prev_discharge_date"]).all()
    assert frame["gap_days"].between(0, 15).all()
    short = run("MI07", max_gap_days=5)[0].frame
    assert set(short["clue_id"]) < set(frame["clue_id"]) and short["gap_days"].le(5).all()


def test_mi07_planned_course_items_are_a_parameter(run):
    # dialysis readmissions carry the kidney-disease code, so the haemodialysis item clears them
    _, ev = run("MI07", planned_items="")
    assert "dialysis_readmission" in _reasons(ev)


def test_mi07_a_stay_keyed_with_a_spaced_id_is_still_linked(run, mi):
    # Review item 4: the previous stay's ID number reformatted used to split the person in two
    top = run("MI07")[0].frame.iloc[0]
    settlements = mi.tables["settlements"].copy()
    prev = settlements["settlement_id"] == top["prev_settlement_id"]
    settlements.loc[prev, "id_number"] = settlements.loc[prev, "id_number"].map(_spaced)
    ds = mi.with_tables(settlements=settlements)
    frame = kit.run("MI07", ds).frame.set_index("subject_id")
    assert top["subject_id"] in frame.index
    assert frame.at[top["subject_id"], "prev_settlement_id"] == top["prev_settlement_id"]


def test_mi07_evidence_has_the_dates_and_amount(run):
    top = run("MI07")[0].frame.iloc[0]
    text = top["evidence"]
    assert f"{top['amount_involved']:,.2f} yuan" in text
    assert f"{top['prev_discharge_date']:%Y-%m-%d}" in text
    assert f"on {top['admission_date']:%Y-%m-%d}, {top['gap_days']} day(s) after" in text


# MI08 -----------------------------------------------------------------------------------------


def test_mi08_refunds_and_split_packs_are_not_resales(run, mi):
    clues, ev = run("MI08")
    assert not _reasons(ev) & {"refund_then_resale", "split_pack_sale"}
    # Codes settled more than once exist beyond the clues: refunded and split packs are set aside.
    items = mi.tables["claim_items"]
    repeated = items["trace_code"].dropna().value_counts()
    assert (repeated > 1).sum() > len(clues.frame)
    refund_trap = _subjects(mi.truth, "resold_drugs", "refund_then_resale")
    assert not refund_trap & set(clues.frame["subject_id"])


def test_mi08_tolerance_allows_over_dispensing(run):
    default = run("MI08")[0].frame
    assert (default["packs_settled"] > 1).all()
    loose = run("MI08", pack_tolerance=0.5)[0].frame
    assert set(loose["clue_id"]) <= set(default["clue_id"])


def test_mi08_evidence_has_the_code_dates_and_amount(run):
    top = run("MI08")[0].frame.iloc[0]
    text = top["evidence"]
    assert top["subject_id"] in text and f"{top['amount_involved']:,.2f} yuan" in text
    assert f"{top['first_date']:%Y-%m-%d}" in text
    assert f"{top['first_resale_date']:%Y-%m-%d}" in text


# MI09 -----------------------------------------------------------------------------------------


def test_mi09_outbreaks_and_health_checks_are_not_clues(run, mi):
    clues, ev = run("MI09")
    assert not _reasons(ev) & {"food_poisoning_outbreak", "health_check_outpatient"}
    # Same-day groups of 8+ with one shared diagnosis exist in the data but are cleared.
    stays = mi.tables["settlements"]
    stays = stays[stays["kind"] == "inpatient"]
    keys = ["institution_id", "admission_date", "discharge_date"]
    groups = stays.groupby(keys).agg(
        people=("id_number", "nunique"), diagnoses=("diagnosis_icd10", "nunique")
    )
    outbreaks = groups[(groups["people"] >= 8) & (groups["diagnoses"] == 1)]
    assert len(outbreaks) > 0
    flagged = set(clues.frame["subject_id"])
    for institution, admitted, _ in outbreaks.index:
        assert f"{institution}|{admitted:%Y-%m-%d}" not in flagged


def test_mi09_subject_format_and_group_size(run):
    frame = run("MI09")[0].frame
    assert frame["subject_id"].str.fullmatch(r"H\d{11}\|\d{4}-\d{2}-\d{2}").all()
    assert (frame["people"] >= 8).all() and (frame["diagnoses"] > 1).all()
    bigger = run("MI09", min_group_size=12)[0].frame
    assert set(bigger["clue_id"]) < set(frame["clue_id"]) and (bigger["people"] >= 12).all()


def test_mi09_evidence_has_the_group_and_amount(run):
    top = run("MI09")[0].frame.iloc[0]
    text = top["evidence"]
    assert text.startswith(f"{top['people']} people")
    assert f"on {top['admission_date']:%Y-%m-%d}" in text
    assert f"{top['amount_involved']:,.2f} yuan" in text


# MI10 -----------------------------------------------------------------------------------------


def test_mi10_chronic_refills_and_member_days_are_not_clues(run):
    _, ev = run("MI10")
    assert not _reasons(ev) & {"chronic_disease_pharmacy", "member_day_promotion"}


@pytest.mark.parametrize("params", [{"min_card_overlap": 0.0}, {"min_uncertified_share": 0.0}])
def test_mi10_either_test_alone_lets_chronic_refills_in(run, params):
    # refills are on certified chronic patients' own cards at their own pharmacy: both the card
    # overlap test and the certificate test clear them, dropping either lets them in
    default, _ = run("MI10")
    loose, ev = run("MI10", **params)
    assert set(default.frame["clue_id"]) < set(loose.frame["clue_id"])
    assert _reasons(ev) == {"chronic_disease_pharmacy"}
    extra = loose.frame[~loose.frame["clue_id"].isin(default.frame["clue_id"])]
    assert (extra["card_overlap_pct"] < 50).all() and (extra["uncertified_pct"] < 50).all()


def _burst_cards(frame: pd.DataFrame, pharmacy: str) -> pd.Series:
    """Rows of the pharmacy's purchases that fall in bursts of 5+ identical amounts a day."""
    own = frame[(frame["institution_id"] == pharmacy) & (frame["kind"] == "pharmacy")]
    size = own.groupby(["settle_date", "total_cost"])["settlement_id"].transform("count")
    return own.index[size >= 5]


def test_mi10_ring_at_a_single_pharmacy_is_found(run, mi):
    # Review item 3: a ring swiping its own pool of cards at one pharmacy has no card overlap;
    # its bursts are on cards without a chronic-disease certificate, so they are no refills.
    top = run("MI10")[0].frame.iloc[0]
    settlements = mi.tables["settlements"].copy()
    rows = _burst_cards(settlements, top["subject_id"])
    fresh = {
        card: f"99{i:016d}" for i, card in enumerate(settlements.loc[rows, "id_number"].unique())
    }
    settlements.loc[rows, "id_number"] = settlements.loc[rows, "id_number"].map(fresh)
    ds = mi.with_tables(settlements=settlements)
    frame = kit.run("MI10", ds).frame.set_index("subject_id")
    row = frame.loc[top["subject_id"]]
    assert row["shared_cards"] == 0 and row["unexplained_by"] == "no refill reason"
    assert "none of them was on a card used in bursts at another pharmacy" in row["evidence"]
    overlap_only = kit.run("MI10", ds, params={"min_uncertified_share": 1.01}).frame
    assert top["subject_id"] not in set(overlap_only["subject_id"])


def test_mi10_cards_keyed_in_another_format_still_overlap(run, mi):
    # Review item 4: card overlap compares standardised ID numbers
    top = run("MI10")[0].frame.iloc[0]
    settlements = mi.tables["settlements"].copy()
    rows = _burst_cards(settlements, top["subject_id"])
    settlements.loc[rows, "id_number"] = settlements.loc[rows, "id_number"].map(_spaced)
    ds = mi.with_tables(settlements=settlements)
    row = kit.run("MI10", ds).frame.set_index("subject_id").loc[top["subject_id"]]
    assert row["shared_cards"] == top["shared_cards"]
    assert row["amount_involved"] == pytest.approx(top["amount_involved"])


def test_mi10_clues_are_peer_group_outliers(run):
    frame = run("MI10")[0].frame
    assert frame["subject_id"].str.fullmatch(r"P\d{11}").all()
    assert (frame["robust_z"] >= 3.5).all() and (
        frame["repeat_pct"] > frame["peer_median_pct"]
    ).all()
    strict = run("MI10", min_z=40.0)[0].frame
    assert set(strict["clue_id"]) < set(frame["clue_id"])
    top = frame.iloc[0]
    assert f"{top['amount_involved']:,.2f} yuan" in top["evidence"]
    assert f"{top['period_start']:%Y-%m-%d}" in top["evidence"]
    assert f"up to {top['max_same_amount']} purchases of one amount in a day" in top["evidence"]
    assert isinstance(top["period_start"].date(), dt.date)
