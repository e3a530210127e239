"""Clue prioritisation: honest features, temporal split, deterministic pipeline, ledger labels."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import kit
from kit.errors import KitError
from kit.ledger import Ledger
from kit.ml import (
    clue_features,
    compare_orders,
    history_features,
    labels_from_ledger,
    labels_from_truth,
    make_ranker,
    run_prioritisation,
    run_screen,
    temporal_split,
)
from kit.ml.cli import register
from kit.ml.features import category_columns
from kit.ml.prioritise import check_unique

UNIT = "霍邱县人民检察院"
CUT = pd.Timestamp("2024-01-01")


@pytest.fixture(scope="module")
def results():
    return {m: run_prioritisation(m) for m in ("SS01", "MI05")}


def test_history_counts_only_strictly_earlier_clues():
    f = pd.DataFrame(
        {
            "clue_id": list("abcd"),
            "subject_id": ["x", "x", "x", "y"],
            "period_start": pd.to_datetime(
                ["2023-03-01", "2023-01-01", "2023-03-01", "2022-01-01"]
            ),
            "amount_involved": [1.0, 2.0, 4.0, 8.0],
        }
    )
    h = history_features(f, ["subject_id"])
    assert h["prior_clues_subject_id"].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert h["prior_amount_subject_id"].tolist() == [2.0, 0.0, 2.0, 0.0]
    # adding a later clue changes no earlier clue's features (no leak from the future)
    extra = f.iloc[[0]].assign(clue_id="e", period_start=pd.Timestamp("2025-01-01"))
    later = pd.concat([f, extra], ignore_index=True)
    assert history_features(later, ["subject_id"]).iloc[:4].equals(h)


def _before_cutoff(ds: kit.datasets.Dataset, tables: list[str]) -> kit.datasets.Dataset:
    """``ds`` with everything dated on or after the cutoff removed, independently of the YAML.

    A row goes when any of its dates is on or after the cutoff; a pension stop dated after it
    becomes unknown (still active then); claim items follow their settlement.
    """
    out = {}
    for name in tables:
        frame = ds.tables[name].copy()
        if name == "pension_recipients":
            later = frame["stop_date"] >= CUT
            frame.loc[later, ["status", "stop_reason"]] = ["active", None]
            frame.loc[later, "stop_date"] = pd.NaT
        dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        keep = pd.Series(True, index=frame.index)
        for c in dates:
            keep &= ~(frame[c] >= CUT)
        out[name] = frame[keep]
    if "claim_items" in out:
        kept = out["settlements"]["settlement_id"]
        out["claim_items"] = out["claim_items"][out["claim_items"]["settlement_id"].isin(kept)]
    return ds.with_tables(**out)


@pytest.mark.parametrize("model", ["SS01", "MI05"])
def test_training_features_unchanged_when_later_data_are_removed(results, model):
    # the real look-ahead test: the training clues and their features must be exactly what the
    # screen shows when no row dated on or after the cutoff exists at all
    r = results[model]
    spec = kit.ml.get_screen(model)
    ds = _before_cutoff(kit.datasets.load(spec.dataset), list(spec.sources))
    clues = run_screen(model, ds)
    frame = clues.frame[clues.frame["period_start"] < CUT]
    pd.testing.assert_frame_equal(
        frame.reset_index(drop=True), r.train.reset_index(drop=True), check_dtype=False
    )
    options = clues.info["features"]
    early = clue_features(clues, **options, categories=r.categories).loc[frame["clue_id"]]
    pd.testing.assert_frame_equal(early, r.train_features)
    assert not any(c in early.columns for c in ("is_case", "reason", "note", "label"))


def test_feature_columns_are_decided_on_training_clues(results):
    for r in results.values():
        options = r.clues.info["features"]
        assert r.categories == category_columns(r.train, exclude=options["exclude"])
        assert list(r.test_features.columns) == list(r.train_features.columns)
    assert "recipient_status" in results["SS01"].categories  # as of the cutoff, see as_of.ends
    assert "id_linked" not in results["SS01"].train_features.columns
    for col in ("item_lines", "patient_age", "institution_level"):
        assert col not in results["MI05"].train_features.columns


def test_as_of_status_is_as_it_stood_at_the_cutoff(results):
    r = results["SS01"]
    ds = kit.datasets.load("social_security")
    stopped = ds.tables["pension_recipients"]
    later = set(stopped.loc[stopped["stop_date"] >= CUT, "id_number"])
    train = r.train.set_index("subject_id")
    assert later & set(train.index)  # some training pensioners were stopped only in 2024
    assert (train.loc[sorted(later & set(train.index)), "recipient_status"] == "active").all()
    assert r.clues_as_of.info["as_of"] == "2024-01-01" and r.clues.info["as_of"] is None


def test_split_puts_no_2024_clue_in_training(results):
    for r in results.values():
        assert (r.train["period_start"] < "2024-01-01").all()
        assert (r.test["period_start"] >= "2024-01-01").all()
        assert r.test_size == int((r.clues.frame["period_start"] >= CUT).sum())
        assert (
            r.train_size == len(r.clues_as_of) <= int((r.clues.frame["period_start"] < CUT).sum())
        )


def test_errors_say_what_to_fix():
    for bad in ("2024-13-01", "soon"):
        with pytest.raises(KitError, match=rf"Cutoff '{bad}' is not a date: give the first day "
                           r"of the test period as YYYY-MM-DD .*Fix: e\.g\. --cutoff 2024-01-01"):  # fmt: skip
            run_prioritisation("SS01", cutoff=bad, dataset="no-such-dataset")
    with pytest.raises(KitError, match=r"capacity=0: the review capacity must be at least 1 .*"
                       r"Fix: give a positive number"):  # fmt: skip
        run_prioritisation("SS01", capacity=0, dataset="no-such-dataset")
    f = pd.DataFrame({"clue_id": ["a", "b"], "amount_involved": [1.0, 2.0]})
    with pytest.raises(KitError, match=r"capacity=0: .*Fix:"):
        compare_orders(f, [0.1, 0.2], [1, 0], 0)
    twice = pd.Series([1, 0, 1], index=["a", "a", "b"])
    message = (r"The labels name clue id\(s\) a more than once \(3 rows for 2 clue id\(s\)\)\. "
               r"Fix: give one value per clue id")  # fmt: skip
    with pytest.raises(KitError, match=message):
        check_unique(twice, "labels")
    with pytest.raises(KitError, match=message):
        run_prioritisation("SS01", labels=twice, dataset="no-such-dataset")
    with pytest.raises(KitError, match=r"The score name clue id\(s\) a more than once"):
        kit.ml.order_measures(f, pd.Series([0.1, 0.2], index=["a", "a"]), [1, 0], 1)


def test_repr_shows_the_summary_not_the_clues(results):
    for r in results.values():
        text = repr(r)
        assert text == f"<Prioritisation {r.summary()}>"
        assert not re.search(r"\d{17}[\dX]", text)
        assert not any(name in text for name in r.clues.frame["subject_name"].astype(str))


def test_split_errors_say_what_to_fix():
    f = pd.DataFrame({"period_start": pd.to_datetime(["2024-02-01", "2024-05-01"])})
    with pytest.raises(KitError, match=r"no clues before the cutoff 2024-01-01 to train on .*"
                       r"2024-02-01 to 2024-05-01\)\. Fix: choose a later cutoff"):  # fmt: skip
        temporal_split(f)
    with pytest.raises(KitError, match="no clues on or after the cutoff 2025-01-01"):
        temporal_split(f, cutoff="2025-01-01")
    with pytest.raises(KitError, match="there is no date column 'admitted'"):
        temporal_split(f, date="admitted")
    with pytest.raises(KitError, match="Temporal split: no clues before the cutoff 2020-01-01"):
        run_prioritisation("MI05", cutoff="2020-01-01")
    with pytest.raises(KitError, match=r"Model 'EN01' has no wide screen.*MI05, SS01"):
        run_screen("EN01")


def test_pipeline_is_deterministic_and_clonable(results):
    r = results["SS01"]
    x = r.train_features
    y = r.labels.loc[r.train["clue_id"]].to_numpy()
    test = r.test_features
    for kind in ("logistic", "boosting"):
        first = make_ranker(kind).fit(x, y).predict_proba(test)[:, 1]
        again = clone(make_ranker(kind)).fit(x, y).predict_proba(test)[:, 1]
        np.testing.assert_array_equal(first, again)
    assert run_prioritisation("SS01").scores.equals(r.scores)


def test_scores_are_the_same_in_a_fresh_process(results):
    # a new interpreter (other hash seed, one thread) must give the same scores
    code = (
        "import json; from kit.ml import run_prioritisation as r; "
        "print(json.dumps({m: r(m).scores.to_dict() for m in ('SS01', 'MI05')}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    fresh = json.loads(out.stdout)
    for model, r in results.items():
        assert fresh[model] == r.scores.to_dict()


@pytest.mark.parametrize("model", ["SS01", "MI05"])
def test_learned_order_beats_amount_and_random_on_2024(results, model):
    r = results[model]
    table = r.comparison.set_index("order")
    learned = table.loc["learned", "precision_at_k"]
    assert learned > table.loc["amount", "precision_at_k"]
    assert learned > table.loc["random (mean of 200)", "precision_at_k"]
    assert learned > table.loc["random (expected)", "precision_at_k"]
    # the expected random precision is the test base rate
    y = r.labels.loc[r.test["clue_id"]]
    assert table.loc["random (expected)", "precision_at_k"] == pytest.approx(y.mean())
    assert r.beats_baselines and r.capacity == int(np.ceil(0.25 * r.test_size))
    assert "amount_involved_share_at_k" in r.comparison.columns


def test_compare_orders_checks_its_input():
    f = pd.DataFrame({"clue_id": ["a", "b"], "amount_involved": [1.0, 2.0]})
    with pytest.raises(KitError, match="1 label\\(s\\) for 2 clue\\(s\\); give one per clue"):
        compare_orders(f, [0.1, 0.2], [1], 1)
    table = compare_orders(f, [0.9, 0.1], [1, 0], 1, seeds=5).set_index("order")
    assert table.loc["learned", "precision_at_k"] == 1.0
    assert table.loc["amount", "precision_at_k"] == 0.0


def test_labels_from_ledger_match_recorded_cases(tmp_path, results):
    r = results["SS01"]
    clues = r.clues
    led = Ledger(
        tmp_path / "ledger.db", actor="tester", clock=lambda: dt.datetime(2024, 5, 1)
    ).init()
    try:
        spec = kit.ml.get_screen("SS01")
        led.register_model(spec, unit=UNIT)
        led.record_application(spec.id, unit=UNIT, clues=clues, date="2024-03-01")
        truth = labels_from_truth(clues, kit.datasets.load("social_security").truth)
        cited = truth[truth == 1].index[:5].tolist()
        for i, clue_id in enumerate(cited, start=1):
            led.record_case(f"皖霍检〔2024〕{i}号", unit=UNIT, model_id=spec.id,
                            clue_id=clue_id, received="2024-03-05")  # fmt: skip
        labels = labels_from_ledger(led, spec.id)
        assert len(labels) == len(clues) and sorted(labels.index) == sorted(clues.frame["clue_id"])
        assert sorted(labels[labels == 1].index) == sorted(cited)
        with pytest.raises(KitError, match=r"no application of SS01 that recorded its clue ids"):
            labels_from_ledger(led, "SS01")
    finally:
        led.close()


def test_truth_labels_use_only_cases():
    ds = kit.datasets.load("medical_insurance")
    clues = run_screen("MI05", ds)
    y = labels_from_truth(clues, ds.truth)
    traps = ds.truth[(ds.truth["pattern"] == "hanging_bed") & ~ds.truth["is_case"].astype(bool)]
    trap_clues = clues.frame.loc[clues.frame["subject_id"].isin(traps["subject_id"]), "clue_id"]
    assert len(trap_clues) > 0 and (y.loc[trap_clues] == 0).all()
    with pytest.raises(KitError, match="no truth table to label"):
        labels_from_truth(clues, None)


def test_cli_json_equals_library(capsys, results):
    parser = argparse.ArgumentParser(prog="kit")
    register(parser.add_subparsers())
    args = parser.parse_args(["ml", "prioritise", "MI05", "--json"])
    assert args.func(args) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == [json.loads(json.dumps(results["MI05"].to_dict()))]
