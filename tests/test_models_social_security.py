"""SS02-SS05 run on the social security sample, meet their floors and handle their traps;
regression tests for the review fixes of SS01-SS05 (perturbed copies of the sample in memory)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import kit

MODELS = ("SS02", "SS03", "SS04", "SS05")


@pytest.fixture(scope="session")
def clues(ss):
    """Default-parameter clues of each model, run once."""
    return {m: kit.run(m, ss) for m in MODELS}


def _ev(clue_set, ss):
    return kit.evaluate(clue_set, ss.truth)


def _row(clue_set, subject_id):
    frame = clue_set.frame.set_index("subject_id")
    return frame.loc[subject_id] if subject_id in frame.index else None


# SS01 -------------------------------------------------------------------------------------------


def _case_with_sources(ss01, ss, n):
    deaths = ss.tables["deaths"]
    sources = deaths.groupby("id_number")["source"].nunique()
    return next(s for s in ss01.frame["subject_id"] if sources.get(s, 0) == n)


def test_ss01_late_typo_in_one_of_three_sources_changes_nothing_but_is_named(ss01, ss):
    sid = _case_with_sources(ss01, ss, 3)
    deaths = ss.tables["deaths"].copy()
    idx = deaths.index[deaths["id_number"] == sid][0]
    typo = deaths.at[idx, "death_date"] + pd.Timedelta(days=400)
    deaths.at[idx, "death_date"] = typo
    after = _row(kit.run("SS01", ss.with_tables(deaths=deaths)), sid)
    before = _row(ss01, sid)
    assert after is not None and after["amount_involved"] == before["amount_involved"]
    assert after["death_date"] == before["death_date"]
    source = ss.tables["deaths"].at[idx, "source"].replace("_", " ")
    assert f"{source} recorded {typo:%Y-%m-%d}, not confirmed" in after["evidence"]
    assert after["date_basis"] == "agreed by two sources"


def test_ss01_two_disagreeing_sources_use_the_later_date_and_show_both(ss01, ss):
    sid = _case_with_sources(ss01, ss, 2)
    deaths = ss.tables["deaths"].copy()
    rows = deaths.index[deaths["id_number"] == sid]
    early = deaths.at[rows[1], "death_date"]
    deaths.at[rows[0], "death_date"] = early + pd.Timedelta(days=200)
    after = _row(kit.run("SS01", ss.with_tables(deaths=deaths)), sid)
    assert after is not None and after["date_basis"] == "latest of disagreeing dates"
    assert after["death_date"] == early + pd.Timedelta(days=200)
    assert f"recorded {early:%Y-%m-%d}" in after["evidence"]
    assert after["amount_involved"] < _row(ss01, sid)["amount_involved"]  # documented limit


def test_ss01_recovery_for_another_reason_is_not_subtracted(ss01, ss):
    sid = ss01.frame.loc[ss01.frame["recovered"] == 0, "subject_id"].iloc[0]
    rec = ss.tables["pension_recoveries"]
    extra = pd.DataFrame(
        [
            {
                "recovery_id": "R99999",
                "id_number": sid,
                "amount": 5000.0,
                "recovered_date": pd.Timestamp("2024-06-01"),
                "reason": "deducted_from_pension",
            }
        ]
    ).astype(rec.dtypes.to_dict())
    data = ss.with_tables(pension_recoveries=pd.concat([rec, extra], ignore_index=True))
    assert _row(kit.run("SS01", data), sid)["amount_involved"] == _row(ss01, sid)["amount_involved"]


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


def test_ss02_overlapping_custody_records_do_not_double_the_money(clues, ss):
    base = clues["SS02"].frame.set_index("subject_id")
    sid = base.index[0]
    custody = ss.tables["custody"]
    held = custody["custody_type"].isin(["imprisonment", "criminal_detention"])
    dup = custody[(custody["id_number"] == sid) & held].iloc[[0]].copy()
    dup["record_id"], dup["source"], dup["institution"] = "C99999", "detention_center", "甲看守所"
    data = ss.with_tables(custody=pd.concat([custody, dup], ignore_index=True))
    after = _row(kit.run("SS02", data), sid)
    for col in ("amount_involved", "payments", "months_paid", "institution", "admission_date"):
        assert after[col] == base.loc[sid, col]
    assert "1 other custody record with paid months is included" in after["evidence"]


# SS03 -------------------------------------------------------------------------------------------


def test_ss03_links_a_damaged_correction_record(clues, ss):
    sid = clues["SS03"].frame["subject_id"].iloc[0]
    custody = ss.tables["custody"].copy()
    rows = (custody["id_number"] == sid) & (custody["custody_type"] == "community_correction")
    custody.loc[rows, "id_number"] = f"{sid[:6]} {sid[6:14]} {sid[14:].lower()}"
    data = ss.with_tables(custody=custody)
    assert _row(kit.run("SS03", data), sid) is not None
    assert _row(kit.run("SS03", data, params={"use_linkage": False}), sid) is None


def test_ss03_reference_day_is_a_parameter(clues, ss):
    july = kit.run("SS03", ss, params={"reference_month": 7})
    assert set(july.frame["subject_id"]) != set(clues["SS03"].frame["subject_id"])
    assert july.frame["reference_dates"].str.contains("-07-01").all()
    top = clues["SS03"].frame.iloc[0]
    assert f"under community correction on {top['reference_dates']}" in top["evidence"]
    assert top["reference_dates"].endswith("-01-01")


def test_ss03_an_increase_withheld_in_time_counts_nothing(clues, ss):
    frame = clues["SS03"].frame
    top = frame[frame["years"] == 1].iloc[0]
    sid, year = top["subject_id"], int(top["first_year"])
    pay = ss.tables["pension_payments"].copy()
    mine = pay["id_number"] == sid
    arrears = mine & (pay["payment_type"] == "arrears") & pay["period"].str.startswith(f"{year}-")
    pay.loc[arrears, "amount"] = 0.0
    monthly = mine & (pay["payment_type"] == "monthly")
    june = pay.loc[monthly & (pay["period"] == f"{year}-06"), "amount"].iloc[0]
    pay.loc[monthly & (pay["period"] >= f"{year}-07"), "amount"] = june
    assert _row(kit.run("SS03", ss.with_tables(pension_payments=pay)), sid) is None


# SS04 -------------------------------------------------------------------------------------------


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
    assert clues["SS04"].frame["reasons_en"].str.contains("shareholder").any()
    no_sh = kit.run("SS04", ss, params={"include_shareholders": False})
    assert not no_sh.frame["reasons_en"].str.contains("shareholder").any()
    exact = {"use_linkage": False}
    assert (
        _ev(kit.run("SS04", ss, params={**exact, "include_shareholders": False}), ss).cases_found
        < _ev(kit.run("SS04", ss, params=exact), ss).cases_found
    )
    half = kit.run("SS04", ss, params={"period_to": "2023-06-30"})
    assert (half.frame["last_month"] <= "2023-06").all()
    assert half.total_amount < clues["SS04"].total_amount


def test_ss04_amount_is_months_times_allowance(clues):
    f = clues["SS04"].frame
    assert ((f["months_ineligible"] * f["monthly_amount"]).round(2) == f["amount_involved"]).all()
    top = f.iloc[0]
    assert f"{top['amount_involved']:,.2f}" in top["evidence"]
    assert re.search(rf"for {top['months_ineligible']} months", top["evidence"])


def test_ss04_prices_have_thousands_separators(clues, ss):
    cars = clues["SS04"].frame["reasons_en"].str.extract(r"a car bought for ([\d,.]+) yuan")[0]
    assert cars.notna().any() and cars.dropna().str.match(r"^\d{1,3}(,\d{3})*\.\d{2}$").all()
    vehicles = ss.tables["vehicles"].copy()
    members = set(ss.tables["allowance_members"]["id_number"])
    owned = vehicles.index[
        (vehicles["vehicle_type"] == "car")
        & (vehicles["purchase_price"] >= 50000)
        & vehicles["owner_id_number"].isin(members)
        & vehicles["transferred_date"].isna()
    ]
    prices = [1234567.89, 105000.5, 999999.99]
    vehicles.loc[owned[: len(prices)], "purchase_price"] = prices
    text = " ".join(kit.run("SS04", ss.with_tables(vehicles=vehicles)).frame["evidence"])
    for written in ("1,234,567.89", "105,000.50", "999,999.99"):
        assert f"a car bought for {written} yuan" in text


def test_ss04_links_a_format_damaged_car_owner(clues, ss):
    frame = clues["SS04"].frame
    hid = frame.loc[frame["reasons_en"].str.startswith("a car bought"), "subject_id"].iloc[0]
    members = ss.tables["allowance_members"]
    ids = set(members.loc[members["household_id"] == hid, "id_number"])
    vehicles = ss.tables["vehicles"].copy()
    rows = vehicles["owner_id_number"].isin(ids)
    vehicles.loc[rows, "owner_id_number"] = vehicles.loc[rows, "owner_id_number"].map(
        lambda s: f"{s[:6]}-{s[6:14]}-{s[14:]}"
    )
    data = ss.with_tables(vehicles=vehicles)
    assert hid in set(kit.run("SS04", data).frame["subject_id"])
    exact = kit.run("SS04", data, params={"use_linkage": False})
    assert hid not in set(exact.frame["subject_id"])


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


def test_ss05_a_late_declaration_by_a_new_employer_is_a_clue(clues, ss):
    contrib = ss.tables["contributions"].copy()
    late = contrib.index[contrib["entry_type"] == "back_payment"][0]
    sid = contrib.at[late, "id_number"]
    assert sid not in set(clues["SS05"].frame["subject_id"])  # the former employer's 补缴
    contrib.at[late, "employer_uscc"] = "91341502MA00000000"  # a new employer, declared late
    after = _row(kit.run("SS05", ss.with_tables(contributions=contrib)), sid)
    assert after is not None and after["months_overlap"] >= 2
