"""Peer-group anomaly detection (同类比较异常检测) for institutions and monitored outlets.

An unsupervised complement to the SQL rules: each subject (a pharmacy for MI10, a monitored
outlet for EN01) is described by a few features (:mod:`kit.ml.anomaly_features`), compared with
its peer group (the pharmacies of its county, the outlets of its medium) by robust z-scores, and
the subjects most out of line become clues. Nothing is tuned per pattern: there is no threshold
to set for "how many identical amounts" or "how long a frozen reading"; the peers set the scale.

The score
---------
For feature j of subject i in peer group g::

    z_ij = (x_ij - median_g(x_j)) / max(1.4826 * MAD_g(x_j), floor_j)

(MAD is the median absolute deviation; 1.4826 makes it a standard deviation for normal data;
``floor_j`` is the feature's resolution, used when most peers share one value and MAD is 0).
Only the suspicious side counts: each z is clipped to [0, ``clip``]. The anomaly score is the
**mean** of the clipped z's (``combine="mean"``, default): a subject out of line in several
ways at once outranks one extreme in a single feature, and no feature can carry the score alone
beyond ``clip / n_features``. ``combine="max"`` takes the largest instead. With
``method="isolation_forest"`` an :class:`~sklearn.ensemble.IsolationForest`
(``random_state=0``) is fitted on the peer-group z-scores (one forest overall, or one per peer
group) and its anomaly score (``-score_samples``, about 0.5 to 1 for anomalies) is used.

Convention: ``score_samples`` and ``decision_function`` are **higher for more anomalous**
subjects (the opposite sign of scikit-learn's outlier detectors), because every ranking in the
kit (:func:`kit.evaluate.ranking.review_order`) reviews the highest score first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import IsolationForest
from sklearn.utils.validation import check_is_fitted

from kit.datasets import Dataset
from kit.errors import KitError
from kit.evaluate import evaluate
from kit.evaluate.ranking import at_k, review_order
from kit.ml.anomaly_features import (
    FEATURES,
    ID_COLUMNS,
    OUTLET_FEATURES,
    PHARMACY_FEATURES,
    outlet_features,
    pharmacy_features,
)
from kit.models import Clues
from kit.models import run as run_model

__all__ = [
    "ANOMALY_MODELS",
    "AnomalyModel",
    "PeerGroupScorer",
    "anomaly_clues",
    "compare_with_rule",
    "default_scorer",
    "outlet_features",
    "pharmacy_features",
]

#: Scale that makes the median absolute deviation a standard deviation for normal data.
MAD_SCALE = 1.4826
_METHODS = ("robust_z", "isolation_forest")
_COMBINE = ("mean", "max")
_SCOPES = ("overall", "group")
_ALL = "__all__"


class PeerGroupScorer(BaseEstimator):
    """Anomaly score of each row against its peer group (robust z-scores or isolation forest).

    Parameters
    ----------
    method : {"robust_z", "isolation_forest"}
        ``robust_z``: combine the clipped one-sided robust z-scores. ``isolation_forest``: an
        IsolationForest on the robust z-scores.
    combine : {"mean", "max"}
        How the clipped z-scores of one row become one score (``robust_z`` only).
    clip : float
        Upper bound of each z-score before combining, so one extreme feature cannot dominate.
    min_spread : float or sequence of float
        Floor of the scaled MAD, one value for all features or one per feature (the feature's
        resolution); must be positive.
    group_column : str, optional
        When ``X`` is a DataFrame holding this column, its values are the peer groups and the
        column is not a feature (lets the scorer sit at the end of a ``Pipeline``, whose
        ``score_samples`` passes ``X`` only).
    scope : {"overall", "group"}
        ``isolation_forest`` only: one forest for all rows, or one per peer group.
    n_estimators : int
        Trees of each isolation forest.
    random_state : int
        Seed of the isolation forests.
    threshold : float, optional
        Score from which a row is anomalous (``decision_function`` >= 0). Default: for
        ``robust_z`` the usual cut-off of modified z-scores, 3.5, as the largest z
        (``combine="max"``) or as the mean (``3.5 / n_features``: as far out as one feature at
        3.5); for ``isolation_forest`` 0.5 (scikit-learn's ``contamination="auto"`` offset).

    Attributes
    ----------
    groups_ : ndarray
        Peer groups seen in ``fit``, sorted.
    center_, scale_ : ndarray of shape (n_groups, n_features)
        Median and floored scaled MAD of each feature in each group.
    pooled_center_, pooled_scale_ : ndarray of shape (n_features,)
        The same over all rows, used for a group not seen in ``fit``.
    forests_ : dict
        Fitted IsolationForests by group (``"__all__"`` for one overall forest).
    offset_ : float
        The threshold in use.
    n_features_in_ : int
    feature_names_in_ : ndarray
        Only when ``X`` was a DataFrame.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [1.0], [2.0], [1.0], [9.0]])
    >>> s = PeerGroupScorer(min_spread=0.5).fit(X, groups=["a", "a", "a", "b", "b"])
    >>> s.z_scores(X, groups=["a", "a", "a", "b", "b"]).ravel().round(2).tolist()
    [0.0, 0.0, 2.0, -0.67, 0.67]
    """

    def __init__(
        self,
        method: str = "robust_z",
        combine: str = "mean",
        clip: float = 10.0,
        min_spread: float | Sequence[float] = 0.01,
        group_column: str | None = None,
        scope: str = "overall",
        n_estimators: int = 200,
        random_state: int = 0,
        threshold: float | None = None,
    ) -> None:
        self.method = method
        self.combine = combine
        self.clip = clip
        self.min_spread = min_spread
        self.group_column = group_column
        self.scope = scope
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.threshold = threshold

    def fit(self, X: Any, y: Any = None, groups: Any = None) -> PeerGroupScorer:
        """Learn each peer group's median and spread (and the forests); returns ``self``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features, finite; higher values are the suspicious side.
        y : ignored
        groups : array-like of shape (n_samples,), optional
            Peer group of each row; default ``X[group_column]`` or one group for all rows.
        """
        self._check_params()
        values, labels, names = self._split(X, groups, fitting=True)
        floor = self._floor(values.shape[1])
        self.groups_ = np.array(sorted(set(labels.tolist())), dtype=object)
        centers, scales = [], []
        for g in self.groups_:
            c, s = _center_scale(values[labels == g], floor)
            centers.append(c)
            scales.append(s)
        self.center_ = np.vstack(centers)
        self.scale_ = np.vstack(scales)
        self.pooled_center_, self.pooled_scale_ = _center_scale(values, floor)
        self.n_features_in_ = values.shape[1]
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.forests_: dict[str, IsolationForest] = {}
        if self.method == "isolation_forest":
            z = self._z(values, labels)
            parts = (
                [(_ALL, z)]
                if self.scope == "overall"
                else [(g, z[labels == g]) for g in self.groups_]
            )
            for g, rows in parts:
                forest = IsolationForest(
                    n_estimators=self.n_estimators, random_state=self.random_state
                )
                self.forests_[str(g)] = forest.fit(rows)
        if self.threshold is not None:
            self.offset_ = float(self.threshold)
        elif self.method == "isolation_forest":
            self.offset_ = 0.5
        else:
            self.offset_ = 3.5 if self.combine == "max" else 3.5 / self.n_features_in_
        return self

    def z_scores(self, X: Any, groups: Any = None) -> np.ndarray:
        """Signed robust z-score of every feature against the row's peer group."""
        check_is_fitted(self)
        values, labels, _ = self._split(X, groups, fitting=False)
        return self._z(values, labels)

    def score_samples(self, X: Any, groups: Any = None) -> np.ndarray:
        """Anomaly score of each row, higher is more anomalous (see the class docstring)."""
        check_is_fitted(self)
        values, labels, _ = self._split(X, groups, fitting=False)
        z = self._z(values, labels)
        if self.method == "robust_z":
            clipped = np.clip(z, 0.0, float(self.clip))
            return clipped.mean(axis=1) if self.combine == "mean" else clipped.max(axis=1)
        scores = np.empty(len(z))
        for key, forest in self.forests_.items():
            rows = np.ones(len(z), bool) if key == _ALL else labels == key
            if rows.any():
                scores[rows] = -forest.score_samples(z[rows])
        if self.scope == "group":  # groups unseen in fit: the forest of no group applies
            unseen = ~np.isin(labels, list(self.forests_))
            if unseen.any():
                raise KitError(
                    f"PeerGroupScorer: peer group(s) {sorted(set(labels[unseen]))} were not seen "
                    "in fit, and scope='group' has no forest for them. Fix: fit on rows of every "
                    "group, or use scope='overall'."
                )
        return scores

    def decision_function(self, X: Any, groups: Any = None) -> np.ndarray:
        """``score_samples - offset_``: non-negative for rows deemed anomalous."""
        return self.score_samples(X, groups) - self.offset_

    # -- helpers ----------------------------------------------------------------------------

    def _check_params(self) -> None:
        for name, value, allowed in (
            ("method", self.method, _METHODS),
            ("combine", self.combine, _COMBINE),
            ("scope", self.scope, _SCOPES),
        ):
            if value not in allowed:
                raise KitError(
                    f"PeerGroupScorer: {name}={value!r} is not known; choose one of "
                    f"{', '.join(allowed)}."
                )
        if not float(self.clip) > 0:
            raise KitError(f"PeerGroupScorer: clip={self.clip!r} must be a positive number.")

    def _floor(self, n_features: int) -> np.ndarray:
        floor = np.broadcast_to(np.asarray(self.min_spread, dtype=float), (n_features,))
        if floor.shape != (n_features,) or not (floor > 0).all():
            raise KitError(
                f"PeerGroupScorer: min_spread={self.min_spread!r} must be one positive number or "
                f"one per feature ({n_features})."
            )
        return floor.copy()

    def _split(
        self, X: Any, groups: Any, *, fitting: bool
    ) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
        names = None
        if isinstance(X, pd.DataFrame):
            if self.group_column is not None and self.group_column in X.columns:
                if groups is None:
                    groups = X[self.group_column].to_numpy()
                X = X.drop(columns=[self.group_column])
            names = [str(c) for c in X.columns]
        try:
            values = np.asarray(X, dtype=float)
        except (TypeError, ValueError) as exc:
            raise KitError(
                f"PeerGroupScorer: the features must be numbers ({exc}). Fix: pass numeric "
                "columns only, and name the peer-group column in group_column."
            ) from exc
        if values.ndim != 2:
            raise KitError(
                f"PeerGroupScorer: X must be a table (2-D), got {values.ndim} dimension(s)."
            )
        if not np.isfinite(values).all():
            raise KitError(
                "PeerGroupScorer: X holds missing or infinite values. Fix: fill them (for "
                "example with 0 for a share with no events) before scoring."
            )
        if not fitting and values.shape[1] != self.n_features_in_:
            raise KitError(
                f"PeerGroupScorer: X has {values.shape[1]} feature(s), but the scorer was fitted "
                f"with {self.n_features_in_}."
            )
        if groups is None:
            labels = np.full(len(values), _ALL, dtype=object)
        else:
            labels = np.asarray(pd.Series(groups).astype(str).to_numpy(), dtype=object)
            if labels.shape != (len(values),):
                raise KitError(
                    f"PeerGroupScorer: {labels.size} group label(s) for {len(values)} row(s); "
                    "give one peer group per row."
                )
        return values, labels, names

    def _z(self, values: np.ndarray, labels: np.ndarray) -> np.ndarray:
        index = {str(g): i for i, g in enumerate(self.groups_)}
        center = np.empty_like(values)
        scale = np.empty_like(values)
        for row, label in enumerate(labels):
            i = index.get(str(label))
            center[row] = self.pooled_center_ if i is None else self.center_[i]
            scale[row] = self.pooled_scale_ if i is None else self.scale_[i]
        return (values - center) / scale


def _center_scale(values: np.ndarray, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    center = np.median(values, axis=0)
    mad = np.median(np.abs(values - center), axis=0)
    return center, np.maximum(MAD_SCALE * mad, floor)


# -- clues ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnomalyModel:
    """An anomaly model: which rule it complements, its subjects, features and peer wording."""

    model_id: str
    rule: str
    pattern: str
    subject_type: str
    dataset: str
    build: Callable[..., pd.DataFrame]
    features: dict[str, Any]
    peers_en: str
    peers_zh: str


#: Anomaly models by the id of the SQL rule they complement.
ANOMALY_MODELS = {
    "MI10": AnomalyModel(
        "MI10-ANOMALY", "MI10", "pharmacy_card_swiping", "institution", "medical_insurance",
        pharmacy_features, PHARMACY_FEATURES, "pharmacies of its peer group", "同组药店",
    ),
    "EN01": AnomalyModel(
        "EN01-ANOMALY", "EN01", "falsified_monitoring", "outlet", "environment",
        outlet_features, OUTLET_FEATURES, "outlets of its peer group", "同组排放口",
    ),
}  # fmt: skip


def _model(rule: str) -> AnomalyModel:
    if rule not in ANOMALY_MODELS:
        raise KitError(f"No anomaly model for {rule!r}; choose one of {', '.join(ANOMALY_MODELS)}.")
    return ANOMALY_MODELS[rule]


def default_scorer(rule: str, **params: Any) -> PeerGroupScorer:
    """The scorer used for ``rule`` by default: robust z, spreads floored at the resolutions."""
    spreads = [f.resolution for f in _model(rule).features.values()]
    return PeerGroupScorer(**{"min_spread": spreads, **params})


def anomaly_clues(
    ds: Dataset,
    rule: str,
    *,
    scorer: PeerGroupScorer | None = None,
    features: pd.DataFrame | None = None,
    threshold: float | None = None,
) -> Clues:
    """Score every subject against its peers and return the anomalous ones as clues.

    Parameters
    ----------
    ds : Dataset
        The rule's dataset (``medical_insurance`` for MI10, ``environment`` for EN01).
    rule : {"MI10", "EN01"}
        The SQL rule the anomaly model complements (sets pattern, subject type and features).
    scorer : PeerGroupScorer, optional
        An unfitted scorer (it is cloned and fitted on the features); default
        :func:`default_scorer`.
    features : DataFrame, optional
        Features already built with the rule's builder (saves a second build).
    threshold : float, optional
        Score a subject must reach to be a clue; default the scorer's ``offset_``. Give
        ``-inf`` to keep every subject (for precision@k over the whole ranking).

    Returns
    -------
    Clues
        Model id ``<rule>-ANOMALY``, in review order (score, then amount, then clue id), with
        ``anomaly_score``, ``top_feature``, ``top_z``, ``peer_median``, ``peers`` and the
        features; evidence in English and Chinese names the feature that stands out most.

    Examples
    --------
    >>> import kit
    >>> clues = anomaly_clues(kit.datasets.load("medical_insurance"), "MI10")
    >>> clues.info["pattern"], clues.frame["model_id"].iloc[0]
    ('pharmacy_card_swiping', 'MI10-ANOMALY')
    """
    from sklearn.base import clone

    spec = _model(rule)
    feats = spec.build(ds) if features is None else features
    names = list(spec.features)
    est = clone(default_scorer(rule) if scorer is None else scorer)
    X, groups = feats[names], feats["peer_group"].to_numpy()
    est.fit(X, groups=groups)
    z = est.z_scores(X, groups=groups)
    out = feats.copy()
    out["anomaly_score"] = est.score_samples(X, groups=groups)
    top = np.argmax(z, axis=1)
    index = {str(g): i for i, g in enumerate(est.groups_)}
    rows = np.array([index[str(g)] for g in groups])
    out["top_feature"] = [names[j] for j in top]
    out["top_z"] = z[np.arange(len(z)), top]
    out["peer_median"] = est.center_[rows, top]
    out["peers"] = feats.groupby("peer_group")["subject_id"].transform("size").astype(int)
    out["model_id"] = spec.model_id
    out["subject_type"] = spec.subject_type
    keys = out["subject_id"] + "|" + out["period_start"].dt.strftime("%Y-%m-%d")
    out["clue_id"] = [
        f"{spec.model_id}-{hashlib.sha1(f'{spec.model_id}|{k}'.encode()).hexdigest()[:12]}"
        for k in keys
    ]
    second = np.argsort(-z, axis=1, kind="stable")[:, 1] if len(names) > 1 else top
    out["evidence"] = [
        _evidence_en(spec, r, names[j2], z2)
        for r, j2, z2 in zip(
            out.to_dict("records"), second, z[np.arange(len(z)), second], strict=True
        )
    ]
    out["evidence_zh"] = [_evidence_zh(spec, r) for r in out.to_dict("records")]
    cut = est.offset_ if threshold is None else float(threshold)
    out = out[out["anomaly_score"] >= cut]
    lead = ["model_id", "clue_id", "subject_type", *ID_COLUMNS[:3], *ID_COLUMNS[4:], "evidence"]
    extra = [
        "evidence_zh",
        "anomaly_score",
        "top_feature",
        "top_z",
        "peer_median",
        "peer_group",
        "peers",
        *(["medium"] if "medium" in out.columns else []),
    ]
    out = review_order(out[lead + extra + names], "anomaly_score")
    out = out.drop(columns=["review_score", "review_rank"])
    params = {
        k: (list(v) if isinstance(v, (list, tuple, np.ndarray)) else v)
        for k, v in est.get_params().items()
    }
    info = {
        "model_id": spec.model_id,
        "version": 1,
        "subject_type": spec.subject_type,
        "pattern": spec.pattern,
        "complements": spec.rule,
        "method": est.method,
        "params": params,
        "threshold": cut,
        "dataset": ds.name,
        "dataset_fingerprint": ds.fingerprint,
        "run_id": _run_id(spec.model_id, params, cut, ds.fingerprint),
        "clues": len(out),
    }
    return Clues(frame=out, info=info)


_MEDIUM = {"water": ("wastewater outlet", "废水排放口"), "air": ("flue-gas outlet", "废气排放口")}


def _who(r: dict[str, Any], lang: int) -> str:
    """The subject's name, with the outlet's medium when it has one (an enterprise has several)."""
    medium = _MEDIUM.get(str(r.get("medium")))
    if medium is None:
        return str(r["subject_name"])
    return f"{r['subject_name']} ({medium[0]})" if lang == 0 else f"{r['subject_name']}{medium[1]}"


def _evidence_en(spec: AnomalyModel, r: dict[str, Any], second: str, z2: float) -> str:
    f = spec.features[r["top_feature"]]
    text = (
        f"{_who(r, 0)}: {f.en} {f.show(r[r['top_feature']])} against a median of "
        f"{f.show(r['peer_median'])} among the {r['peers']} {spec.peers_en} (robust z "
        f"{r['top_z']:.1f}); anomaly score {r['anomaly_score']:.2f}"
    )
    if z2 >= 3.5 and second != r["top_feature"]:
        g = spec.features[second]
        text += f"; also out of line: {g.en} {g.show(r[second])} (robust z {z2:.1f})"
    return text + "."


def _evidence_zh(spec: AnomalyModel, r: dict[str, Any]) -> str:
    f = spec.features[r["top_feature"]]
    return (
        f"{_who(r, 1)}{f.zh}为{f.show(r[r['top_feature']])}，{spec.peers_zh}"
        f"{r['peers']}家中位数为{f.show(r['peer_median'])}（稳健Z值{r['top_z']:.1f}），"
        f"异常分{r['anomaly_score']:.2f}。"
    )


def _run_id(model_id: str, params: dict[str, Any], cut: float, fingerprint: str) -> str:
    payload = repr((sorted(params.items()), cut, fingerprint))
    return f"{model_id}-{hashlib.sha1(payload.encode()).hexdigest()[:10]}"


# -- evaluation -------------------------------------------------------------------------------


def compare_with_rule(
    ds: Dataset, rule: str, *, scorers: dict[str, PeerGroupScorer] | None = None
) -> pd.DataFrame:
    """Precision and recall of anomaly rankings beside the SQL rule, against the truth table.

    Every subject is ranked (:func:`review_order`: score, amount, clue id) and the first k are
    reviewed, with k = the number of planted cases of the pattern; the SQL rule's clues are
    taken in its own order. Flagged = rows at or above the scorer's threshold.

    Parameters
    ----------
    ds : Dataset
        The rule's dataset, with its truth table.
    rule : {"MI10", "EN01"}
    scorers : dict of name to PeerGroupScorer, optional
        Default: robust z (mean), robust z (max) and isolation forest on the z-scores.

    Returns
    -------
    DataFrame
        One row per method: ``k, precision_at_k, recall_at_k, flagged, conversion, recall`` and
        ``traps_in_top_k`` (trap reasons among the first k, with counts).
    """
    spec = _model(rule)
    if ds.truth is None:
        raise KitError(f"Dataset {ds.name!r} has no truth table; compare on a sample dataset.")
    truth = ds.truth[ds.truth["pattern"] == spec.pattern]
    k = int(truth["is_case"].astype(bool).sum())
    feats = spec.build(ds)
    scorers = scorers or {
        "robust z, mean": default_scorer(rule),
        "robust z, max": default_scorer(rule, combine="max"),
        "isolation forest": default_scorer(rule, method="isolation_forest"),
    }
    rows = []
    for name, scorer in scorers.items():
        ranked = anomaly_clues(ds, rule, scorer=scorer, features=feats, threshold=-np.inf)
        flagged = anomaly_clues(ds, rule, scorer=scorer, features=feats)
        rows.append(_row(name, ranked, flagged, truth, k))
    clues = run_model(spec.rule, ds)
    rows.append(_row(f"SQL rule {spec.rule}", clues, clues, truth, k))
    return pd.DataFrame(rows)


def _row(name: str, ranked: Clues, flagged: Clues, truth: pd.DataFrame, k: int) -> dict[str, Any]:
    detail = evaluate(ranked, truth, capacity=k).detail
    hits = at_k(detail["is_case"].tolist(), k, n_cases=k)
    ev = evaluate(flagged, truth, capacity=k)
    traps = detail.head(k).query("~is_case")["reason"].value_counts().sort_index()
    return {
        "method": name,
        "k": k,
        "precision_at_k": round(hits["precision_at_k"], 4),
        "recall_at_k": round(hits["recall_at_k"], 4),
        "flagged": ev.n_clues,
        "conversion": round(ev.conversion_rate, 4),
        "recall": round(ev.recall, 4),
        "traps_in_top_k": ", ".join(f"{r} {n}" for r, n in traps.items()) or "none",
    }


#: Feature labels of both models, re-exported for notebooks.
FEATURE_LABELS = {name: (f.en, f.zh) for name, f in FEATURES.items()}
