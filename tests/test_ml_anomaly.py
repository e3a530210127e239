"""Peer-group anomaly detection: the scorer's arithmetic and contract, and its figures on the samples."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

import kit
from kit.errors import KitError
from kit.ml.anomaly import (
    MAD_SCALE,
    PeerGroupScorer,
    anomaly_clues,
    compare_with_rule,
    default_scorer,
)
from kit.ml.anomaly_features import OUTLET_FEATURES, PHARMACY_FEATURES, outlet_features

# Floors a little below the figures measured on the committed samples (docs/anomaly.md):
# MI10 precision@26 = 0.846 (22 of 26), EN01 precision@30 = 1.0 (30 of 30).
MI10_PRECISION_FLOOR = 0.80
EN01_PRECISION_FLOOR = 0.95

GROUPS = ["a"] * 5 + ["b"] * 3
X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0], [50.0], [51.0], [52.0]])


def test_robust_z_exact_within_own_group() -> None:
    s = PeerGroupScorer(min_spread=0.01).fit(X, groups=GROUPS)
    z = s.z_scores(X, groups=GROUPS).ravel()
    # group a: median 3, MAD 1; group b: median 51, MAD 1
    assert z[4] == pytest.approx(97 / MAD_SCALE)
    assert z[0] == pytest.approx(-2 / MAD_SCALE)
    assert z[7] == pytest.approx(1 / MAD_SCALE)
    # 50 is ordinary in its own group b, though far above group a's median
    assert z[5] == pytest.approx(-1 / MAD_SCALE)
    assert s.center_.ravel().tolist() == [3.0, 51.0]
    assert s.scale_.ravel() == pytest.approx([MAD_SCALE, MAD_SCALE])


def test_score_is_clipped_positive_mean_or_max() -> None:
    Xs = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [30.0, 0.5], [0.0, -5.0]])
    mean = PeerGroupScorer(min_spread=1.0, clip=10).fit(Xs)
    assert mean.score_samples(Xs).tolist() == [0.0, 0.0, 0.0, 5.25, 0.0]
    assert mean.offset_ == pytest.approx(1.75)  # 3.5 / 2 features
    assert mean.decision_function(Xs)[3] == pytest.approx(3.5)
    top = PeerGroupScorer(min_spread=1.0, clip=10, combine="max").fit(Xs)
    assert top.score_samples(Xs).tolist() == [0.0, 0.0, 0.0, 10.0, 0.0]
    assert top.offset_ == 3.5


def test_zero_mad_uses_the_floor() -> None:
    Xs = np.array([[5.0, 1.0], [5.0, 1.0], [5.0, 1.0], [6.0, 1.0]])
    s = PeerGroupScorer(min_spread=[0.5, 0.25]).fit(Xs)
    assert s.scale_.ravel().tolist() == [0.5, 0.25]
    assert s.z_scores(Xs)[3].tolist() == [2.0, 0.0]
    with pytest.raises(KitError, match="positive"):
        PeerGroupScorer(min_spread=0).fit(Xs)


def test_unseen_group_uses_pooled_statistics() -> None:
    s = PeerGroupScorer(min_spread=0.01).fit(X, groups=GROUPS)
    z = s.z_scores([[4.0]], groups=["new"]).ravel()
    assert z[0] == pytest.approx((4.0 - s.pooled_center_[0]) / s.pooled_scale_[0])


def test_estimator_contract() -> None:
    s = PeerGroupScorer(min_spread=[0.1], combine="max", clip=5)
    assert s.fit(X, groups=GROUPS) is s
    assert s.get_params()["min_spread"] == [0.1]
    c = clone(s)
    assert c.get_params() == s.get_params()
    assert not hasattr(c, "center_")
    with pytest.raises(NotFittedError, match="PeerGroupScorer instance is not fitted yet"):
        c.score_samples(X)
    with pytest.raises(KitError, match="method='svm' is not known"):
        PeerGroupScorer(method="svm").fit(X)
    with pytest.raises(KitError, match="missing or infinite"):
        PeerGroupScorer().fit([[np.nan]])
    with pytest.raises(KitError, match="one peer group per row"):
        PeerGroupScorer().fit(X, groups=["a"])


def test_pipeline_with_group_column() -> None:
    frame = pd.DataFrame({"x": X.ravel(), "peer": GROUPS})
    pipe = Pipeline(
        [
            ("keep", FunctionTransformer(validate=False)),
            ("score", PeerGroupScorer(group_column="peer")),
        ]
    )
    direct = PeerGroupScorer().fit(X, groups=GROUPS).score_samples(X, groups=GROUPS)
    assert pipe.fit(frame).score_samples(frame).tolist() == direct.tolist()
    assert pipe[-1].feature_names_in_.tolist() == ["x"]


@pytest.mark.parametrize("scope", ["overall", "group"])
def test_isolation_forest_is_deterministic(scope: str) -> None:
    rng = np.random.default_rng(0)
    Xs = np.vstack([rng.normal(size=(40, 2)), [[8.0, 8.0]]])
    groups = ["a"] * 20 + ["b"] * 21
    make = lambda: PeerGroupScorer(method="isolation_forest", scope=scope)  # noqa: E731
    one = make().fit(Xs, groups=groups).score_samples(Xs, groups=groups)
    two = make().fit(Xs, groups=groups).score_samples(Xs, groups=groups)
    assert one.tolist() == two.tolist()
    assert int(np.argmax(one)) == 40


# -- on the samples ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env() -> kit.datasets.Dataset:
    return kit.datasets.load("environment")


@pytest.fixture(scope="module")
def outlets(env) -> pd.DataFrame:
    return outlet_features(env)


def _precision_at_cases(ds, rule: str, features=None) -> tuple[float, kit.Clues]:
    clues = anomaly_clues(ds, rule, features=features, threshold=-np.inf)
    truth = ds.truth[ds.truth["pattern"] == clues.info["pattern"]]
    k = int(truth["is_case"].sum())
    ev = kit.evaluate(clues, ds.truth, capacity=k)
    print(f"{rule} anomaly precision@{k}: {ev.precision_at_k:.3f}")
    return ev.precision_at_k, clues


def test_mi10_precision_at_planted_cases(mi) -> None:
    precision, clues = _precision_at_cases(mi, "MI10")
    assert precision >= MI10_PRECISION_FLOOR
    assert len(clues) == (mi.tables["institutions"]["kind"] == "pharmacy").sum()
    flagged = anomaly_clues(mi, "MI10")
    ev = kit.evaluate(flagged, mi.truth)
    assert ev.recall == 1.0  # every planted ring is out of line with its county
    assert set(flagged.frame["subject_id"]) <= set(mi.truth["subject_id"])  # no ordinary pharmacy


def test_en01_precision_at_planted_cases(env, outlets) -> None:
    precision, clues = _precision_at_cases(env, "EN01", outlets)
    assert precision >= EN01_PRECISION_FLOOR
    assert list(clues.frame.columns[:10]) == list(kit.models.clues.CLUE_COLUMNS)


def test_scores_are_deterministic(mi) -> None:
    one = anomaly_clues(mi, "MI10").frame
    two = anomaly_clues(mi, "MI10").frame
    pd.testing.assert_frame_equal(one, two)
    assert one["anomaly_score"].is_monotonic_decreasing


def test_features_are_oriented_and_complete(mi, outlets) -> None:
    assert list(outlets.columns[-len(OUTLET_FEATURES) :]) == list(OUTLET_FEATURES)
    assert outlets["subject_id"].is_unique and len(outlets) == 89
    assert set(outlets["peer_group"]) == {"water", "air"}
    assert np.isfinite(outlets[list(OUTLET_FEATURES)].to_numpy()).all()
    clues = anomaly_clues(mi, "MI10")
    assert set(clues.frame["top_feature"]) <= set(PHARMACY_FEATURES)


ID_OR_USCC = re.compile(r"\d{17}[\dXx]|\d{15}|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def test_evidence_has_no_raw_identifiers(mi, env, outlets) -> None:
    for clues in (anomaly_clues(mi, "MI10"), anomaly_clues(env, "EN01", features=outlets)):
        raw = clues.frame
        assert (
            raw["evidence"].str.len().gt(40).all()
            and raw["evidence_zh"].str.contains("中位数").all()
        )
        for col in ("evidence", "evidence_zh"):
            assert not raw[col].str.contains(ID_OR_USCC).any()
        shown = clues.to_frame(masked=True)
        for col in ("subject_id", "evidence", "evidence_zh"):
            assert not shown[col].astype(str).str.contains(ID_OR_USCC).any()


def test_compare_with_rule_mi10(mi) -> None:
    table = compare_with_rule(mi, "MI10", scorers={"robust z": default_scorer("MI10")})
    print(table.to_string())
    assert table["method"].tolist() == ["robust z", "SQL rule MI10"]
    assert table.loc[1, "precision_at_k"] >= table.loc[0, "precision_at_k"]
    assert "chronic_disease_pharmacy" in table.loc[0, "traps_in_top_k"]


def test_wrong_dataset_is_explained(mi) -> None:
    with pytest.raises(KitError, match='kit.datasets.load\\("environment"\\)'):
        outlet_features(mi)
    with pytest.raises(KitError, match="No anomaly model"):
        anomaly_clues(mi, "MI99")
