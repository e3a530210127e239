"""Evaluation in depth: review order with ties, at-k tables, breakdowns, fairness, comparison.

Small hand-made clue and truth tables give figures computed by hand; the sample data checks the
pieces fit together on real model output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import kit
from kit.errors import KitError
from kit.evaluate import (
    UNPLANTED,
    bilingual,
    breakdown,
    by_pattern,
    compare,
    disparity_summary,
    group_rates,
    person_groups,
    plot_at_k,
    plot_compare,
    subject_regions,
)
from kit.models import Clues

TRUTH = pd.DataFrame(
    {
        "pattern": ["p", "p", "p", "p", "p", "q"],
        "subject_type": ["person"] * 6,
        "subject_id": ["a", "b", "c", "d", "e", "f"],
        "is_case": [True, False, True, True, False, True],
        "amount_improper": [1000.0, 0.0, 3000.0, 6000.0, 0.0, 99.0],
        "reason": ["case", "trap_one", "case", "case", "trap_two", "case"],
        "note": [""] * 6,
    }
)


def _clues(rows: list[tuple], model: str = "X01") -> Clues:
    """Clues from (subject, amount, score, region) rows, in the order given (the model's)."""
    frame = pd.DataFrame(rows, columns=["subject_id", "amount_involved", "score", "region_code"])
    frame.insert(0, "clue_id", [f"X-{s}" for s in frame["subject_id"]])
    return Clues(frame, {"model_id": model, "pattern": "p", "subject_type": "person"})


# model order: a, b, c, d, e, z; scores tie on 0.9 (b, e) and on 0.5 (a, c, d; c and d also
# tie on amount, so the clue id decides: X-c before X-d); z has no score and comes last.
CLUES = _clues(
    [
        ("a", 100.0, 0.5, "R1"),
        ("b", 300.0, 0.9, "R1"),
        ("c", 200.0, 0.5, "R2"),
        ("d", 200.0, 0.5, None),
        ("e", 50.0, 0.9, "R2"),
        ("z", 10.0, None, None),
    ]
)


def test_score_order_breaks_ties_by_amount_then_clue_id():
    ev = kit.evaluate(CLUES, TRUTH, capacity=3, score="score")
    assert ev.order == "score order"
    assert ev.detail["subject_id"].tolist() == ["b", "e", "c", "d", "a", "z"]
    assert ev.detail["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    table = ev.at_k([1, 2, 3, 4, 10])
    assert table["reviewed"].tolist() == [1, 2, 3, 4, 6]
    assert table["cases_found"].tolist() == [0, 0, 1, 2, 3]
    assert table["precision_at_k"].tolist() == pytest.approx([0, 0, 1 / 3, 1 / 2, 1 / 2])
    assert table["recall_at_k"].tolist() == pytest.approx([0, 0, 1 / 3, 2 / 3, 1])
    assert table["amount_recall_at_k"].tolist() == pytest.approx([0, 0, 0.3, 0.9, 1.0])
    assert ev.curve["amount_found"].tolist() == [0, 0, 0, 3000, 9000, 10000, 10000]
    assert (ev.precision_at_k, ev.recall_at_k) == pytest.approx((1 / 3, 1 / 3))
    assert ev.amount_recall_at_k == pytest.approx(0.3)


def test_score_as_series_by_clue_id_and_model_order_unchanged():
    by_id = pd.Series({"X-a": 3.0, "X-d": 2.0, "X-z": 1.0})  # the rest have no score: last
    ev = kit.evaluate(CLUES, TRUTH, capacity=2, score=by_id)
    assert ev.detail["subject_id"].tolist() == ["a", "d", "z", "b", "c", "e"]
    assert ev.precision_at_k == 1.0
    model = kit.evaluate(CLUES, TRUTH, capacity=2)
    assert model.order == "model order"
    assert model.detail["subject_id"].tolist() == ["a", "b", "c", "d", "e", "z"]
    assert model.to_dict()["amount_recall_at_k"] == pytest.approx(0.1)


def test_at_k_default_ks_and_errors():
    ev = kit.evaluate(CLUES, TRUTH, capacity=4)
    assert ev.at_k()["k"].tolist() == [4, 6, 10, 20, 50]
    with pytest.raises(
        KitError, match=r"k=0: a review capacity must be a whole number of at least 1"
    ):
        ev.at_k([0])
    with pytest.raises(KitError, match="k='ten' is not a whole number"):
        ev.at_k(["ten"])


def test_truth_missing_columns_says_which_and_the_fix():
    with pytest.raises(KitError, match=r"lacks column\(s\) is_case, reason.*Fix: pass"):
        kit.evaluate(CLUES, TRUTH.drop(columns=["is_case", "reason"]))


def test_breakdown_without_the_region_of_missed_cases():
    # c (R2) and a (R1) found; d is missed by nobody here: drop d's clue so it is missed
    clues = Clues(CLUES.frame[CLUES.frame["subject_id"] != "d"].reset_index(drop=True), CLUES.info)
    ev = kit.evaluate(clues, TRUTH)
    table = ev.breakdown("region_code")
    assert table["region_code"].tolist() == ["R1", "R2", "(unknown)"]
    assert table["clues"].tolist() == [2, 2, 1]
    assert table["cases_found"].tolist() == [1, 1, 0]
    assert table["false_positives"].tolist() == [1, 1, 1]
    assert table["cases_missed"].tolist() == [0, 0, 1]
    assert table["recall"].isna().all()
    assert "1 missed case(s) have no known region_code" in table.attrs["note"]


def test_breakdown_with_groups_for_missed_cases():
    clues = Clues(CLUES.frame[CLUES.frame["subject_id"] != "d"].reset_index(drop=True), CLUES.info)
    ev = kit.evaluate(clues, TRUTH)
    table = breakdown(ev, "region_code", groups=pd.Series({"d": "R2", "z": "R1"}))
    rows = table.set_index("region_code")
    assert rows.loc["R1", ["clues", "cases_found", "false_positives", "cases"]].tolist() == [
        3,
        1,
        2,
        1,
    ]
    assert rows.loc["R2", ["clues", "cases", "cases_missed"]].tolist() == [2, 2, 1]
    assert rows.loc["R2", "recall"] == 0.5 and rows.loc["R1", "recall"] == 1.0
    assert rows.loc["R1", "conversion_rate"] == pytest.approx(1 / 3)
    assert table.attrs["note"] == "Recall is computable in every group."
    with pytest.raises(KitError, match="'unit' is not a column of X01's clues; choose one of"):
        ev.breakdown("unit")


PEOPLE = pd.DataFrame(
    {
        "subject_id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7"],
        "sex": ["F", "F", "F", "F", "M", "M", "M"],
        "age_band": ["60-69", "60-69", "70+", "70+", "60-69", "70+", "70+"],
    }
)
PEOPLE_TRUTH = pd.DataFrame(
    {
        "pattern": ["p", "p", "p"],
        "subject_id": ["p1", "p2", "p5"],
        "is_case": [True, False, False],
        "amount_improper": [500.0, 0.0, 0.0],
        "reason": ["case", "trap_one", "trap_two"],
    }
)


def _people_eval():
    # p1 a case; p2, p5, p7 (two clues) false positives; p9 is not in the population
    rows = [("p1", 9, 0, "R"), ("p2", 8, 0, "R"), ("p5", 7, 0, "R"), ("p7", 6, 0, "R"),
            ("p7", 5, 0, "R"), ("p9", 4, 0, "R")]  # fmt: skip
    clues = _clues(rows)
    clues.frame["clue_id"] = [f"X-{i}" for i in range(len(rows))]
    return kit.evaluate(clues, PEOPLE_TRUTH)


def test_false_positive_rates_and_disparity_by_hand():
    rates = group_rates(_people_eval(), PEOPLE, by=["sex", "age_band"])
    sex = rates[rates["group"] == "sex"].set_index("value")
    assert sex["population"].tolist() == [4, 3]
    assert sex["non_cases"].tolist() == [3, 3]
    assert sex["clues"].tolist() == [2, 3]
    assert sex["false_positives"].tolist() == [1, 2]
    assert sex["fp_rate"].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert sex["fdr"].tolist() == pytest.approx([1 / 2, 1.0])
    assert sex["fp_rate_ratio"].tolist() == pytest.approx([1.0, 2.0])
    assert sex["recall"].tolist()[0] == 1.0 and math.isnan(sex["recall"].tolist()[1])
    age = rates[rates["group"] == "age_band"].set_index("value")
    # 60-69: p1 (case), p2 (FP), p5 (FP) -> 2 of 2 non-cases; 70+: p7 of p3, p4, p6, p7 -> 1 of 4
    assert age.loc["60-69", ["non_cases", "false_positives"]].tolist() == [2, 2]
    assert age.loc["70+", "fp_rate"] == pytest.approx(1 / 4)
    assert age["fp_rate_ratio"].tolist() == pytest.approx([4.0, 1.0])
    assert rates.attrs["outside"] == 1
    summary = disparity_summary(rates).set_index("group")
    assert summary.loc["sex", ["lowest", "highest"]].tolist() == ["F", "M"]
    assert summary.loc["sex", "disparity_ratio"] == pytest.approx(2.0)
    assert summary.loc["sex", "fairlearn_ratio"] == pytest.approx(0.5)
    assert summary.loc["age_band", "disparity_ratio"] == pytest.approx(4.0)


def test_zero_lowest_rate_gives_an_infinite_ratio():
    people = PEOPLE.assign(sex=["F", "F", "F", "F", "M", "M", "X"])  # X: p7 alone, 2 FP clues
    rates = group_rates(_people_eval(), people, by="sex").set_index("value")
    assert rates.loc["X", "fp_rate"] == 1.0
    people = PEOPLE.assign(sex=["F", "F", "F", "Z", "M", "M", "M"])  # Z: p4, no clue
    rates = group_rates(_people_eval(), people, by="sex").set_index("value")
    assert rates.loc["Z", "fp_rate"] == 0.0 and rates.loc["Z", "fp_rate_ratio"] == 1.0
    assert np.isinf(rates.loc["M", "fp_rate_ratio"])


def test_fairness_errors_name_the_problem():
    ev = _people_eval()
    with pytest.raises(KitError, match="Unknown group 'hukou'; choose from sex, age_band"):
        group_rates(ev, PEOPLE, by="hukou")
    ev.subject_type = "institution_month"
    with pytest.raises(KitError, match="subjects are institution_month, not persons"):
        group_rates(ev, PEOPLE)


def test_compare_at_the_same_capacity():
    model = kit.evaluate(CLUES, TRUTH, capacity=3)
    scored = kit.evaluate(CLUES, TRUTH, capacity=3, score="score")
    table = compare({"model": model, "scored": scored})
    assert table.columns.tolist()[:4] == ["model", "pattern", "order", "capacity"]
    # model order a, b, c: 2 cases (4000 of 10000 yuan); score order b, e, c: 1 case (3000)
    assert table["precision_at_capacity"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert table["recall_at_capacity"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert table["amount_recall_at_capacity"].tolist() == pytest.approx([0.4, 0.3])
    assert table["false_positives"].tolist() == [3, 3]
    assert compare([model], capacity=6)["precision_at_capacity"].tolist() == [0.5]
    other = kit.evaluate(CLUES, TRUTH, capacity=5)
    with pytest.raises(KitError, match="review capacities 3, 5; pass capacity="):
        compare([model, other])
    with pytest.raises(KitError, match="both labelled 'X01'"):
        compare([model, scored])


def test_by_pattern_totals_and_duplicates():
    one = kit.evaluate(CLUES, TRUTH)
    other_truth = TRUTH.assign(pattern="q2")
    two = kit.evaluate(Clues(CLUES.frame, {**CLUES.info, "pattern": "q2", "model_id": "X02"}),
                       other_truth)  # fmt: skip
    table = by_pattern([one, two])
    total = table.iloc[-1]
    assert total["pattern"] == "(all)"
    assert (total["clues"], total["cases"], total["cases_found"]) == (12, 7, 6)
    assert total["conversion_rate"] == pytest.approx(0.5)
    with pytest.raises(KitError, match="evaluated more than once"):
        by_pattern({"a": one, "b": one})


def test_rich_display_has_chinese_labels():
    html = kit.evaluate(CLUES, TRUTH, capacity=3)._repr_html_()
    for text in ("成案转化率", "precision_at_k 前k条精确率", "误报原因", "trap_one", UNPLANTED):
        assert text in html
    assert bilingual(pd.DataFrame(columns=["fp_rate"])).columns[0] == "fp_rate 误报率"


# --- on the sample data -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ss01_ev(ss, ss01):
    return kit.evaluate(ss01, ss.truth, capacity=20)


def test_ss01_figures(ss01_ev):
    assert (ss01_ev.n_clues, ss01_ev.cases_found, ss01_ev.n_cases) == (38, 30, 30)
    fp = ss01_ev.to_dict()["false_positives"]
    assert fp == {"death_recorded_for_living_person": 8}
    table = ss01_ev.at_k([20, 38])
    assert table["cases_found"].iloc[-1] == 30
    assert table["amount_recall_at_k"].iloc[-1] == pytest.approx(1.0)
    assert ss01_ev.curve["amount_found"].iloc[-1] == pytest.approx(ss01_ev.amount_total)


def test_ss01_by_amount_equals_review_order_by_hand(ss, ss01):
    ev = kit.evaluate(ss01, ss.truth, capacity=10, score="amount_involved")
    ordered = ss01.frame.sort_values(["amount_involved", "clue_id"], ascending=[False, True])
    assert ev.detail["clue_id"].tolist() == ordered["clue_id"].tolist()


def test_ss01_breakdown_by_region(ss, ss01_ev):
    table = ss01_ev.breakdown("region_code", ss)
    assert table["clues"].sum() == 38 and table["cases"].sum() == 30
    assert table["false_positives"].sum() == 8
    assert table["region_name"].str.startswith("安徽省六安市").all()
    regions = subject_regions(ss)
    assert regions.index.isin(ss.truth["subject_id"]).all() and len(regions) > 300


def test_ss01_group_rates_add_up(ss, ss01_ev):
    people = person_groups(ss, "pension_recipients")
    assert people.attrs["at"] == "2022-01-01"
    rates = group_rates(ss01_ev, ss)  # default population: pension recipients
    assert rates.attrs["population"] == "pension_recipients"
    for _, part in rates.groupby("group"):
        assert part["population"].sum() == len(people) == len(ss.tables["pension_recipients"])
        assert part["false_positives"].sum() == 8
        assert part["cases"].sum() == 30
    assert set(rates["group"]) == {"age_band", "sex", "hukou_type"}


def test_plots(ss01_ev):
    import matplotlib

    matplotlib.use("Agg")
    ax = plot_at_k(ss01_ev)
    assert [line.get_label() for line in ax.lines[:3]] == [
        "precision@k",
        "recall@k",
        "amount recall@k",
    ]
    assert ax.lines[1].get_ydata()[-1] == pytest.approx(1.0)
    ax = plot_compare({"SS01": ss01_ev, "again": ss01_ev}, capacity=20)
    assert [line.get_label() for line in ax.lines[:2]] == ["SS01", "again"]


def test_a_case_with_two_clues_counts_once_in_recall_and_money() -> None:
    """Two clues about subject a: both are true clues, but a is one case with one sum of money."""
    clues = Clues(
        pd.DataFrame(
            {
                "clue_id": ["X-a1", "X-a2", "X-c", "X-b"],
                "subject_id": ["a", "a", "c", "b"],
                "amount_involved": [10.0, 9.0, 8.0, 7.0],
                "region_code": ["R1", "R1", "R2", "R2"],
            }
        ),
        {"model_id": "X01", "pattern": "p", "subject_type": "person"},
    )
    ev = kit.evaluate(clues, TRUTH, capacity=2)
    assert (ev.cases_found, ev.n_cases) == (2, 3)  # a and c of a, c, d
    assert ev.recall == pytest.approx(2 / 3)
    assert ev.conversion_rate == pytest.approx(3 / 4)  # three true clues of four
    assert ev.amount_found == 4000.0 and ev.amount_recall == pytest.approx(4000 / 10000)
    assert (ev.precision_at_k, ev.recall_at_k) == (1.0, pytest.approx(1 / 3))
    assert ev.at_k([2, 4])[["cases_found", "recall_at_k"]].to_dict("records") == [
        {"cases_found": 1, "recall_at_k": pytest.approx(1 / 3)},
        {"cases_found": 2, "recall_at_k": pytest.approx(2 / 3)},
    ]
    assert ev.curve["cases_found"].tolist() == [0, 1, 1, 2, 2]
    table = ev.breakdown(by="region_code")
    r1 = table[table["region_code"] == "R1"].iloc[0]
    assert (r1["clues"], r1["cases_found"], r1["false_positives"]) == (2, 1, 0)
    row = compare({"x": ev}).iloc[0]
    assert (row["cases_found"], row["false_positives"]) == (2, 1)


def test_compare_shows_unused_capacity() -> None:
    few = kit.evaluate(_clues([("a", 9.0, 0.0, "R1")]), TRUTH, capacity=3)
    many = kit.evaluate(
        _clues([("c", 9.0, 0.0, "R1"), ("b", 8.0, 0.0, "R1"), ("d", 7.0, 0.0, "R1")]),
        TRUTH,
        capacity=3,
    )
    table = compare({"few": few, "many": many}).set_index("model")
    assert table.loc["few", ["reviewed", "cases_found_at_capacity"]].tolist() == [1, 1]
    assert table.loc["many", ["reviewed", "cases_found_at_capacity"]].tolist() == [3, 2]
    assert table.loc["few", "precision_at_capacity"] == 1.0


def test_a_score_series_on_a_filtered_frame_is_aligned_by_row() -> None:
    frame = CLUES.frame.iloc[[0, 2, 3]]
    score = pd.Series([0.1, 0.9, 0.5], index=frame.index)
    from kit.evaluate import review_order

    ordered = review_order(frame, score)
    assert ordered["subject_id"].tolist() == ["c", "d", "a"]
    with pytest.raises(KitError, match=r"matches none of the 3 row\(s\).*Fix: index the scores"):
        review_order(frame, pd.Series([0.5, 0.1], index=[7, 8]))
