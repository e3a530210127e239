"""SS02-SS05 run on the social security sample, meet their floors and handle their traps."""

from __future__ import annotations

import re

import pytest

import kit

MODELS = ("SS02", "SS03", "SS04", "SS05")


@pytest.fixture(scope="session")
def clues(ss):
    """Default-parameter clues of each model, run once."""
    return {m: kit.run(m, ss) for m in MODELS}


def _ev(clue_set, ss):
    return kit.evaluate(clue_set, ss.truth)


@pytest.mark.parametrize("model_id", MODELS)
def test_meets_expected_floors(model_id, clues, ss):
    spec = kit.models.get(model_id)
    ev = _ev(clues[model_id], ss)
    assert ev.recall >= spec.expected["recall"], ev.summary()
    assert ev.conversion_rate >= spec.expected["conversion"], ev.summary()


@pytest.mark.parametrize("model_id", MODELS)
def test_one_clue_per_subject_in_truth_format(model_id, clues):
    frame = clues[model_id].frame
    assert frame["clue_id"].is_unique and frame["subject_id"].is_unique
    pattern = r"^H\d{5}$" if model_id == "SS04" else r"^\d{17}[\dX]$"
    assert frame["subject_id"].str.match(pattern).all()
    assert (frame["amount_involved"] > 0).all()
    assert frame["evidence"].str.len().gt(0).all() and frame["evidence_zh"].str.len().gt(0).all()


# SS02 -------------------------------------------------------------------------------------------


def test_ss02_correction_pretrial_and_partial_months_are_not_clues(clues, ss):
    fp = _ev(clues["SS02"], ss).to_dict()["false_positives"]
    for reason in (
        "community_correction_keeps_basic_pension",
        "pretrial_detention_released",
        "paid_only_for_partial_months",
    ):
        assert reason not in fp
    custody = ss.tables["custody"]
    kept = custody.loc[
        custody["custody_type"].isin(["community_correction", "pretrial_detention"]), "id_number"
    ]
    held = custody.loc[
        custody["custody_type"].isin(["imprisonment", "criminal_detention"]), "id_number"
    ]
    only_kept = set(kept) - set(held)
    assert not only_kept & set(clues["SS02"].frame["subject_id"])


def test_ss02_min_months_cuts_short_stays(clues, ss):
    longer = kit.run("SS02", ss, params={"min_months": 6})
    assert 0 < len(longer) < len(clues["SS02"])
    assert (longer.frame["months_paid"] >= 6).all()


def test_ss02_evidence_names_amount_and_admission(clues):
    top = clues["SS02"].frame.iloc[0]
    assert f"{top['amount_involved']:,.2f} yuan" in top["evidence"]
    assert f"admitted on {top['admission_date']:%Y-%m-%d}" in top["evidence"]
    # the admission month itself is payable: the first counted month is a later one
    assert top["first_period"] > f"{top['admission_date']:%Y-%m}"


# SS03 -------------------------------------------------------------------------------------------


def test_ss03_recovered_increases_are_not_clues(clues, ss):
    rec = ss.tables["pension_recoveries"]
    deducted = set(rec.loc[rec["reason"] == "deducted_from_pension", "id_number"])
    assert deducted, "the sample has increases deducted from later pensions"
    assert not deducted & set(clues["SS03"].frame["subject_id"])
    fp = _ev(clues["SS03"], ss).to_dict()["false_positives"]
    assert not fp.keys() & {
        "increase_recovered",
        "correction_began_after_effective_month",
        "correction_ended_before_effective_month",
    }


def test_ss03_min_unrecovered_and_evidence(clues, ss):
    frame = clues["SS03"].frame
    cut = float(frame["amount_involved"].median())
    fewer = kit.run("SS03", ss, params={"min_unrecovered": cut})
    assert len(fewer) < len(frame) and (fewer.frame["amount_involved"] > cut).all()
    top = frame.iloc[0]
    assert f"{top['amount_involved']:,.2f} yuan outstanding" in top["evidence"]
    assert (
        f"{top['increase_monthly']:,.2f} yuan a month for {top['years_label']}" in (top["evidence"])
    )


# SS04 -------------------------------------------------------------------------------------------


def test_ss04_traps_are_not_clues(clues, ss):
    fp = _ev(clues["SS04"], ss).to_dict()["false_positives"]
    assert not fp.keys() & {
        "company_registered_with_stolen_identity",
        "cheap_vehicle_below_threshold",
        "vehicle_sold_before_allowance",
        "payroll_ended_before_allowance",
    }
    assert not clues["SS04"].frame["evidence"].str.contains("皖N").any()  # no number plates


def test_ss04_car_threshold_moves_clues(clues, ss):
    base = _ev(clues["SS04"], ss)
    strict = _ev(kit.run("SS04", ss, params={"car_price_threshold": 0}), ss)
    assert strict.n_clues > base.n_clues
    assert strict.to_dict()["false_positives"].get("cheap_vehicle_below_threshold", 0) > 0
    lenient = kit.run("SS04", ss, params={"car_price_threshold": 1_000_000})
    assert len(lenient) < len(clues["SS04"])
    assert not lenient.frame["reasons_en"].str.contains("a car bought").any()


def test_ss04_shareholders_and_period(clues, ss):
    no_sh = kit.run("SS04", ss, params={"include_shareholders": False})
    assert _ev(no_sh, ss).cases_found < _ev(clues["SS04"], ss).cases_found
    half = kit.run("SS04", ss, params={"period_to": "2023-06-30"})
    assert (half.frame["last_month"] <= "2023-06").all()
    assert half.total_amount < clues["SS04"].total_amount


def test_ss04_amount_is_months_times_allowance(clues):
    f = clues["SS04"].frame
    assert ((f["months_ineligible"] * f["monthly_amount"]).round(2) == f["amount_involved"]).all()
    top = f.iloc[0]
    assert f"{top['amount_involved']:,.2f}" in top["evidence"]
    assert re.search(rf"for {top['months_ineligible']} months", top["evidence"])


# SS05 -------------------------------------------------------------------------------------------


def test_ss05_one_month_overlap_and_backdating_are_not_clues(clues, ss):
    fp = _ev(clues["SS05"], ss).to_dict()["false_positives"]
    assert not fp.keys() & {
        "one_month_overlap_at_reemployment",
        "backdated_contribution_correction",
    }
    assert (clues["SS05"].frame["months_overlap"] >= 2).all()


def test_ss05_single_month_overlap_adds_only_traps(clues, ss):
    wider = _ev(kit.run("SS05", ss, params={"min_overlap_months": 1}), ss)
    base = _ev(clues["SS05"], ss)
    assert wider.n_clues > base.n_clues and wider.cases_found == base.cases_found
    assert "backdated_contribution_correction" not in wider.to_dict()["false_positives"]


def test_ss05_evidence_names_amount_and_employer(clues):
    top = clues["SS05"].frame.iloc[0]
    assert (
        f"{top['amount_involved']:,.2f} yuan for {top['months_overlap']} months"
        in (top["evidence"])
    )
    assert top["employer_uscc"] in top["evidence"]
