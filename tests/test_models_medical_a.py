"""Medical insurance models MI01-MI05 on the sample data: floors met, traps kept out, knobs work."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kit
from tests.conftest import cached_runner
from tests.conftest import fp_reasons as _reasons
from tests.conftest import truth_subjects as _subjects

MODELS = ("MI01", "MI02", "MI03", "MI04", "MI05")


@pytest.fixture(scope="module")
def run(mi):
    """Run a model once per parameter set and keep the clues and their evaluation."""
    return cached_runner(mi)


@pytest.mark.parametrize("model_id", MODELS)
def test_model_meets_its_expected_floors(run, model_id):
    spec = kit.models.get(model_id)
    clues, ev = run(model_id)
    assert spec.field == "medical_insurance" and spec.dataset == "medical_insurance"
    assert ev.recall >= spec.expected["recall"], ev.summary()
    assert ev.conversion_rate >= spec.expected["conversion"], ev.summary()
    frame = clues.frame
    assert frame["clue_id"].is_unique
    assert (frame["amount_involved"] > 0).all()
    assert frame["evidence"].str.len().gt(0).all() and frame["evidence_zh"].str.len().gt(0).all()


# MI01 -----------------------------------------------------------------------------------------


def test_mi01_traps_with_a_reason_in_the_data_are_not_clues(run):
    _, ev = run("MI01")
    # died in hospital (care began before death), refunds, one source's date too early
    for reason in ("died_during_stay", "refund_after_death", "wrong_death_date_in_one_source"):
        assert reason not in _reasons(ev)


def test_mi01_name_check_drops_death_records_filed_under_the_wrong_id(run, mi):
    strict, strict_ev = run("MI01")
    loose, loose_ev = run("MI01", max_name_distance=4)  # any name accepted
    not_theirs = _subjects(mi.truth, "claims_after_death", "death_record_not_theirs")
    assert len(loose.frame) > len(strict.frame)
    assert not_theirs <= set(loose.frame["subject_id"])
    # only same-name mix-ups remain with the name check
    assert len(not_theirs & set(strict.frame["subject_id"])) <= 2
    assert loose_ev.recall == strict_ev.recall


def test_mi01_longer_grace_finds_no_more(run):
    base, _ = run("MI01")
    longer, _ = run("MI01", grace_days=60)
    assert set(longer.frame["subject_id"]) <= set(base.frame["subject_id"])


def test_mi01_evidence_gives_amount_and_death_date(run):
    clues, _ = run("MI01")
    top = clues.frame.iloc[0]
    assert f"{top['amount_involved']:,.2f} yuan" in top["evidence"]
    assert f"death recorded on {top['death_date']:%Y-%m-%d}" in top["evidence"]
    assert f"{top['amount_involved']:,.2f}元" in top["evidence_zh"]


def test_mi01_single_settlement_is_worded_as_one_event(run):
    frame = run("MI01")[0].frame
    single = frame[frame["first_care_date"] == frame["last_care_date"]].iloc[0]
    assert single["evidence"].startswith(f"Care on {single['first_care_date']:%Y-%m-%d}, ")
    assert " to " not in single["evidence"].split(" the death")[0]
    several = frame[frame["first_care_date"] != frame["last_care_date"]].iloc[0]
    assert several["evidence"].startswith(f"Care from {several['first_care_date']:%Y-%m-%d} to ")


def test_mi01_one_late_death_date_does_not_hide_a_case(run, mi):
    # Review item 11: the latest date used to win, so one source's date a year too late hid the
    # case. Two sources agreeing now outvote it, and the evidence shows the odd date.
    base = run("MI01")[0].frame.iloc[0]
    person = base["subject_id"]
    died = base["death_date"].date()
    name = mi.tables["insured"].set_index("id_number").at[person, "name"]
    deaths = mi.tables["deaths"]
    mine = deaths[deaths["id_number"] == person].iloc[[0, 0, 0]].copy()
    late = died + dt.timedelta(days=400)
    mine["record_id"] = ["DT1", "DT2", "DT3"]
    mine["source"] = ["public_security", "civil_affairs", "health"]
    mine["name"] = name
    mine["death_date"] = pd.to_datetime([died, died, late]).astype(deaths["death_date"].dtype)
    edited = pd.concat([deaths[deaths["id_number"] != person], mine], ignore_index=True)
    ds = mi.with_tables(deaths=edited)
    frame = kit.run("MI01", ds).frame.set_index("subject_id")
    assert person in frame.index
    row = frame.loc[person]
    assert row["death_date"].date() == died and bool(row["dates_disagree"])
    assert row["amount_involved"] == pytest.approx(base["amount_involved"])
    assert f"health recorded {late:%Y-%m-%d}" in row["evidence"]
    assert f"卫健记录为{late:%Y-%m-%d}" in row["evidence_zh"]


def test_mi01_linkage_finds_a_death_recorded_under_a_mistyped_id(run, mi):
    person = run("MI01")[0].frame["subject_id"].iloc[0]
    typo = person[:10] + str((int(person[10]) + 1) % 10) + person[11:]
    deaths = mi.tables["deaths"].copy()
    deaths.loc[deaths["id_number"] == person, "id_number"] = typo
    ds = mi.with_tables(deaths=deaths)
    exact = kit.run("MI01", ds, params={"use_linkage": False}).frame
    linked = kit.run("MI01", ds).frame  # use_linkage is on by default
    assert person not in set(exact["subject_id"])
    assert person in set(linked["subject_id"])


# MI02 -----------------------------------------------------------------------------------------


def test_mi02_community_correction_and_arrest_day_discharge_are_not_clues(run):
    _, ev = run("MI02")
    assert "community_correction_free" not in _reasons(ev)
    assert "stay_before_custody" not in _reasons(ev)


def test_mi02_adding_community_correction_flags_legitimate_stays(run):
    _, base = run("MI02")
    _, wide = run(
        "MI02",
        custody_types="imprisonment,criminal_detention,pretrial_detention,community_correction",
    )
    assert wide.n_clues > base.n_clues
    assert "community_correction_free" in _reasons(wide)
    assert wide.cases_found == base.cases_found


def test_mi02_custody_still_running_is_worded_as_open(run):
    frame = run("MI02")[0].frame
    running = frame[frame["custody_end_en"] == "still running"].iloc[0]
    assert f"(from {running['custody_start']:%Y-%m-%d}, still running," in running["evidence"]
    assert " to still running" not in running["evidence"]
    ended = frame[frame["custody_end_en"] != "still running"].iloc[0]
    assert f"{ended['custody_start']:%Y-%m-%d} to {ended['custody_end_en']}" in ended["evidence"]


def test_mi02_roster_with_a_mistyped_id_is_matched_on_name(run):
    clues, _ = run("MI02")
    fallback = clues.frame[clues.frame["matched_on"] != "ID number"]
    assert len(fallback) >= 1
    row = clues.frame.iloc[0]
    assert f"{row['amount_involved']:,.2f} yuan" in row["evidence"]
    assert f"{row['custody_start']:%Y-%m-%d}" in row["evidence"]


# MI03 -----------------------------------------------------------------------------------------


def test_mi03_same_day_transfers_are_not_clues(run, mi):
    clues, ev = run("MI03")
    assert "transfer_same_day" not in _reasons(ev)
    transfers = _subjects(mi.truth, "overlapping_stays", "transfer_same_day")
    stays = mi.tables["settlements"]
    moved = stays[(stays["discharge_way"] == "transfer") & stays["id_number"].isin(transfers)]
    assert len(moved) > 0  # the transfers are in the data, discharge and admission on one day
    assert not transfers & set(clues.frame["subject_id"])


def test_mi03_longer_required_overlap_finds_fewer(run):
    base, _ = run("MI03")
    strict, _ = run("MI03", min_overlap_days=5)
    assert len(strict.frame) < len(base.frame)
    assert (strict.frame["overlap_days"] >= 5).all()


def test_mi03_evidence_names_both_stays(run):
    clues, _ = run("MI03")
    row = clues.frame.iloc[0]
    assert f"{row['admission_date']:%Y-%m-%d}" in row["evidence"]
    assert f"{row['host_admission_date']:%Y-%m-%d}" in row["evidence"]
    assert row["host_institution_id"] != row["institution_id"]


# MI04 -----------------------------------------------------------------------------------------


def test_mi04_sex_coding_errors_and_unlimited_items_are_not_clues(run, mi):
    clues, ev = run("MI04")
    for reason in (
        "insured_sex_miscoded",
        "patient_sex_miscoded_in_settlement",
        "item_without_sex_limit",
    ):
        assert reason not in _reasons(ev)
        assert not _subjects(mi.truth, "sex_inconsistent_items", reason) & set(
            clues.frame["subject_id"]
        )
    assert (clues.frame["sex_basis"] == "ID number").all()


def test_mi04_amount_is_the_fund_share_of_the_offending_items(run):
    clues, _ = run("MI04")
    row = clues.frame.iloc[0]
    assert row["amount_involved"] <= row["items_cost"] + 0.01
    assert f"{row['amount_involved']:,.2f} yuan" in row["evidence"]
    assert row["items_en"].split(", ")[0] in row["evidence"]


# MI05 -----------------------------------------------------------------------------------------


def test_mi05_observation_and_palliative_stays_are_not_clues(run):
    _, ev = run("MI05")
    assert "observation_stay" not in _reasons(ev)
    assert "palliative_care" not in _reasons(ev)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"observation_max_days": 0}, "observation_stay"),
        ({"care_diagnoses": ""}, "palliative_care"),
    ],
)
def test_mi05_dropping_a_safeguard_lets_its_trap_in(run, params, reason):
    _, base = run("MI05")
    _, loose = run("MI05", **params)
    assert reason in _reasons(loose)
    assert loose.cases_found == base.cases_found


def test_mi05_short_stay_is_observation_only_with_an_observation_diagnosis(run, mi):
    # Review item 6: observation is recognised by diagnosis and the 72-hour limit, not length alone
    observed = _subjects(mi.truth, "hanging_bed", "observation_stay")
    stay = sorted(observed)[0]
    settlements = mi.tables["settlements"].copy()
    settlements.loc[settlements["settlement_id"] == stay, "diagnosis_icd10"] = "J18.9"
    ds = mi.with_tables(settlements=settlements)
    assert stay in set(kit.run("MI05", ds).frame["subject_id"])
    # an empty list falls back on length alone
    lenient = kit.run("MI05", ds, params={"observation_diagnoses": ""}).frame
    assert stay not in set(lenient["subject_id"])


def test_mi05_evidence_gives_days_shares_and_amount(run):
    clues, _ = run("MI05")
    row = clues.frame.iloc[0]
    assert row["stay_days"] > 2
    assert f"{row['stay_days']}-day stay" in row["evidence"]
    assert f"{row['amount_involved']:,.2f} yuan" in row["evidence"]
    assert set(clues.frame["rule"]) == {"bed_and_nursing_only", "tests_without_treatment"}
