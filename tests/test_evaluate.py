"""Evaluation figures equal values computed by hand on a small example."""

from __future__ import annotations

import pandas as pd
import pytest

import kit
from kit.errors import KitError
from kit.evaluate import UNPLANTED
from kit.models import Clues


def _clues(subjects: list[str], amounts: list[float]) -> Clues:
    frame = pd.DataFrame(
        {
            "clue_id": [f"X-{s}" for s in subjects],
            "subject_id": subjects,
            "amount_involved": amounts,
        }
    )
    return Clues(frame, {"model_id": "X01", "pattern": "p"})


TRUTH = pd.DataFrame(
    {
        "pattern": ["p", "p", "p", "p", "p", "q"],
        "subject_id": ["a", "b", "c", "d", "e", "f"],
        "is_case": [True, False, True, True, False, True],
        "amount_improper": [1000.0, 0.0, 3000.0, 6000.0, 0.0, 99.0],
        "reason": ["case", "trap_one", "case", "case", "trap_two", "case"],
    }
)


def test_hand_computed_example():
    # review order: a (case), b (trap), z (unknown), c (case), e (trap)
    ev = kit.evaluate(_clues(["a", "b", "z", "c", "e"], [5, 4, 3, 2, 1]), TRUTH, capacity=2)
    assert (ev.n_clues, ev.n_cases, ev.cases_found) == (5, 3, 2)
    assert ev.conversion_rate == pytest.approx(2 / 5)
    assert ev.recall == pytest.approx(2 / 3)
    assert ev.amount_recall == pytest.approx(4000 / 10000)
    assert ev.precision_at_k == pytest.approx(1 / 2)
    assert ev.recall_at_k == pytest.approx(1 / 3)
    assert ev.curve["cases_found"].tolist() == [0, 1, 1, 1, 2, 2]
    fp = dict(ev.false_positives.itertuples(index=False))
    assert fp == {"trap_one": 1, "trap_two": 1, UNPLANTED: 1}
    assert ev.to_dict()["false_positives"] == fp
    assert ev.detail["rank"].tolist() == [1, 2, 3, 4, 5]


def test_other_patterns_are_ignored():
    ev = kit.evaluate(_clues(["f"], [1.0]), TRUTH, capacity=10)
    assert ev.cases_found == 0 and ev.n_cases == 3


def test_capacity_larger_than_clue_list():
    ev = kit.evaluate(_clues(["a", "d"], [2.0, 1.0]), TRUTH, capacity=50)
    assert ev.precision_at_k == 1.0 and ev.recall_at_k == pytest.approx(2 / 3)


def test_no_clues_gives_zeros_not_errors():
    ev = kit.evaluate(_clues([], []), TRUTH, capacity=5)
    assert (ev.n_clues, ev.conversion_rate, ev.recall) == (0, 0.0, 0.0)


def test_missing_truth_says_why():
    with pytest.raises(KitError, match="no truth table"):
        kit.evaluate(_clues(["a"], [1.0]), None)
    with pytest.raises(KitError, match="capacity=0"):
        kit.evaluate(_clues(["a"], [1.0]), TRUTH, capacity=0)


def test_summary_and_plot(ss, ss01):
    import matplotlib

    matplotlib.use("Agg")
    ev = kit.evaluate(ss01, ss.truth, capacity=20)
    assert ev.summary().startswith(f"SS01: {len(ss01)} clues, {ev.cases_found} of {ev.n_cases}")
    ax = ev.plot_workload()
    assert ax.get_xlabel() == "clues reviewed"
    assert list(ax.lines[0].get_ydata()) == ev.curve["cases_found"].tolist()


def test_a_run_without_clues_evaluates_to_zero(ss):
    clues = kit.run("SS01", ss, params={"grace_days": 365, "min_unrecovered": 10_000_000})
    assert len(clues) == 0 and clues.frame["clue_id"].dtype == clues.frame["subject_id"].dtype
    ev = kit.evaluate(clues, ss.truth)
    assert (ev.n_clues, ev.cases_found, ev.recall, ev.conversion_rate) == (0, 0, 0.0, 0.0)
    assert ev.n_cases == 30 and ev.curve["cases_found"].tolist() == [0]
