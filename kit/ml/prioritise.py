"""Clue prioritisation (线索排序): a scikit-learn pipeline that scores clues, a temporal split, and
the comparison of its review order with the amount and random orders.

Every order goes through :func:`kit.evaluate.ranking.review_order`, so ties are broken the same
way for the learned score and for the baselines (score, then amount, then clue id).

Examples
--------
>>> from sklearn.base import clone
>>> ranker = make_ranker("logistic")
>>> clone(ranker).get_params()["model__C"]
1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from kit.errors import KitError
from kit.evaluate.ranking import at_k, baseline_score, review_order

#: Classifiers :func:`make_ranker` can build, simplest first (ties in validation go to the first).
RANKERS = ("logistic", "boosting")
#: Default clue date and the first day of the test period.
CUTOFF = "2024-01-01"
#: Default review capacity: this share of the test clues (rounded up), fixed in advance.
CAPACITY_SHARE = 0.25
#: Seeds averaged for the random order.
RANDOM_SEEDS = 200
#: Share of the cases' amount involved held by the first k clues (not kit.evaluate's amount
#: recall, which weighs the truth's amount_improper).
AMOUNT_SHARE = "amount_involved_share_at_k"


def make_ranker(kind: str = "logistic", random_state: int = 0) -> Pipeline:
    """A pipeline that scores clues: column preparation, then a classifier.

    Numeric columns are imputed with the median and standardised; text columns are one-hot
    encoded (categories unseen in training are ignored). The classifier's probability of
    "case" is the score.

    Parameters
    ----------
    kind : {"logistic", "boosting"}
        ``logistic``: L2-regularised logistic regression with balanced class weights (readable
        coefficients). ``boosting``: a small histogram gradient-boosting classifier.
    random_state : int
        Fixed seed, so the same data give the same scores.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``prepare`` (a ColumnTransformer) and ``model``; works with ``clone``,
        ``GridSearchCV`` and ``permutation_importance``.
    """
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    text = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    prepare = ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            ("text", text, make_column_selector(dtype_include=object)),
        ],
        sparse_threshold=0.0,
    )
    if kind == "logistic":
        model: Any = LogisticRegression(
            C=1.0, class_weight="balanced", max_iter=2000, random_state=random_state
        )
    elif kind == "boosting":
        model = HistGradientBoostingClassifier(
            max_depth=3, max_iter=100, learning_rate=0.1, min_samples_leaf=5,
            early_stopping=False, random_state=random_state,
        )  # fmt: skip
    else:
        raise KitError(f"Ranker {kind!r} is not known; choose one of {', '.join(RANKERS)}.")
    return Pipeline([("prepare", prepare), ("model", model)])


def temporal_split(
    frame: pd.DataFrame, date: str = "period_start", cutoff: Any = CUTOFF
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows into training (``date`` before ``cutoff``) and test (on or after it).

    Parameters
    ----------
    frame : DataFrame
        Clues (or their features) with the clue date in column ``date``.
    date : str
        The clue date: ``period_start`` (the death date, the admission date ...).
    cutoff : date-like
        First day of the test period.

    Returns
    -------
    train, test : DataFrame
        The rows of each period, in their original order.

    Raises
    ------
    KitError
        When the date column is missing or has gaps, or one side of the split is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"period_start": pd.to_datetime(["2023-05-01", "2024-02-01"])})
    >>> [len(p) for p in temporal_split(f)]
    [1, 1]
    """
    if date not in frame.columns:
        raise KitError(
            f"Temporal split: there is no date column {date!r} (columns: "
            f"{', '.join(map(str, frame.columns))}). Fix: name the clue date, e.g. period_start."
        )
    when = pd.to_datetime(frame[date], errors="coerce")
    if when.isna().any():
        raise KitError(
            f"Temporal split: {int(when.isna().sum())} row(s) have no valid {date}. "
            "Fix: give every clue a date."
        )
    edge = pd.Timestamp(cutoff)
    train, test = frame[when < edge], frame[when >= edge]
    first, last = when.min().date(), when.max().date()
    if train.empty:
        raise KitError(
            f"Temporal split: no clues before the cutoff {edge.date()} to train on (the clues "
            f"run from {first} to {last}). Fix: choose a later cutoff."
        )
    if test.empty:
        raise KitError(
            f"Temporal split: no clues on or after the cutoff {edge.date()} to test on (the "
            f"clues run from {first} to {last}). Fix: choose an earlier cutoff."
        )
    return train, test


def review_capacity(n_clues: int, share: float = CAPACITY_SHARE) -> int:
    """Clues reviewers can check: ``share`` of ``n_clues``, rounded up, at least 1."""
    if not 0 < share <= 1:
        raise KitError(f"Capacity share {share}: give a share between 0 and 1 (e.g. 0.25).")
    return max(1, math.ceil(share * n_clues))


def order_measures(
    frame: pd.DataFrame,
    score: Any,
    labels: Sequence[int] | pd.Series,
    capacity: int,
    value: Sequence[float] | pd.Series | None = None,
) -> dict[str, float]:
    """Precision, recall and amount-involved share over the first ``capacity`` clues of an order.

    Parameters
    ----------
    frame : DataFrame
        Clues with ``clue_id`` and ``amount_involved``.
    score : str, array-like or Series
        As :func:`kit.evaluate.ranking.review_order` takes it.
    labels : sequence of int
        1 for a case, aligned with ``frame``'s rows.
    capacity : int
        Clues reviewed (k).
    value : sequence of float, optional
        Money at stake in each clue if it is a case (default: its amount involved).

    Returns
    -------
    dict
        ``k, reviewed, cases_found, precision_at_k, recall_at_k`` (as
        :func:`kit.evaluate.ranking.at_k`) and ``amount_involved_share_at_k``: the share of the
        cases' ``amount_involved`` (or ``value``) that the first k clues hold. It is *not*
        kit.evaluate's amount recall, which weighs the truth's ``amount_improper``.
    """
    if isinstance(score, pd.Series):
        check_unique(score, "score")
    work = frame[["clue_id", "amount_involved"]].reset_index(drop=True)
    work["_label"] = np.asarray(labels, dtype=int)
    money = work["amount_involved"] if value is None else np.asarray(value, dtype=float)
    work["_value"] = np.where(work["_label"] == 1, money, 0.0)
    if isinstance(score, pd.Series) and not isinstance(score.index, pd.RangeIndex):
        pass  # indexed by clue id: review_order maps it
    elif score is not None and not isinstance(score, str):
        score = np.asarray(score, dtype=float)
    ordered = review_order(work, score)
    out = at_k(ordered["_label"].astype(bool).tolist(), capacity)
    total = float(ordered["_value"].sum())
    found = float(ordered["_value"].head(capacity).sum())
    out[AMOUNT_SHARE] = found / total if total else 0.0
    return out


def check_unique(series: pd.Series, what: str) -> None:
    """Raise a clear error when a Series indexed by clue id names a clue twice.

    Examples
    --------
    >>> check_unique(pd.Series([1, 0], index=["a", "a"]), "labels")
    Traceback (most recent call last):
    ...
    kit.errors.KitError: The labels name clue id(s) a more than once (2 rows for 1 clue id(s)). Fix: give one value per clue id, e.g. series[~series.index.duplicated()] after checking that the repeats agree.
    """
    dup = series.index[series.index.duplicated()]
    if len(dup):
        shown = ", ".join(map(str, pd.unique(dup)[:3]))
        raise KitError(
            f"The {what} name clue id(s) {shown} more than once ({len(series)} rows for "
            f"{series.index.nunique()} clue id(s)). Fix: give one value per clue id, e.g. "
            "series[~series.index.duplicated()] after checking that the repeats agree."
        )


def compare_orders(
    frame: pd.DataFrame,
    scores: Any,
    labels: Sequence[int] | pd.Series,
    capacity: int,
    *,
    value: Sequence[float] | pd.Series | None = None,
    seeds: int = RANDOM_SEEDS,
) -> pd.DataFrame:
    """Precision@k, recall@k and amount-involved share@k of the learned order and the baselines.

    Rows: ``learned`` (highest score first), ``amount`` (largest amount first), ``random``
    (mean over ``seeds`` seeded random orders of :func:`~kit.evaluate.ranking.baseline_score`)
    and ``random (expected)`` (the base rate: precision ``cases / clues``, recall
    ``k / clues``).

    Returns
    -------
    DataFrame
        Columns ``order, k, cases_found, precision_at_k, recall_at_k,
        amount_involved_share_at_k`` (see :func:`order_measures`).
    """
    labels = np.asarray(labels, dtype=int)
    if len(labels) != len(frame):
        raise KitError(
            f"compare_orders: {len(labels)} label(s) for {len(frame)} clue(s); give one per clue."
        )
    if capacity < 1:
        raise KitError(
            f"capacity={capacity}: the review capacity must be at least 1 (the number of clues "
            "reviewers can check). Fix: give a positive number, or leave it out for a quarter "
            "of the test clues."
        )
    frame = frame.reset_index(drop=True)
    rows = []
    for name, score in (("learned", scores), ("amount", baseline_score(frame, "amount"))):
        rows.append({"order": name, **order_measures(frame, score, labels, capacity, value)})
    runs = [
        order_measures(frame, baseline_score(frame, "random", seed=s), labels, capacity, value)
        for s in range(seeds)
    ]
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    rows.append({"order": f"random (mean of {seeds})", **mean})
    n, cases = len(frame), int(labels.sum())
    k = min(capacity, n)
    rows.append(
        {
            "order": "random (expected)",
            "k": capacity,
            "reviewed": k,
            "cases_found": k * cases / n if n else 0.0,
            "precision_at_k": cases / n if n else 0.0,
            "recall_at_k": k / n if n and cases else 0.0,
            AMOUNT_SHARE: k / n if n and cases else 0.0,
        }
    )
    table = pd.DataFrame(rows)
    columns = ["order", "k", "cases_found", "precision_at_k", "recall_at_k", AMOUNT_SHARE]
    return table[columns]


def validate_rankers(
    features: pd.DataFrame,
    clues: pd.DataFrame,
    labels: Sequence[int] | pd.Series,
    *,
    kinds: Sequence[str] = RANKERS,
    date: str = "period_start",
    share: float = CAPACITY_SHARE,
    random_state: int = 0,
) -> pd.DataFrame:
    """Choose a ranker honestly: within the training period only, train early, validate late.

    The training clues are split at the median clue date (the earlier half trains, the later
    half validates, like the real split one period earlier); each candidate's precision at
    ``share`` of the validation clues is measured, then its average precision breaks ties.

    Returns
    -------
    DataFrame
        One row per candidate: ``ranker, k, precision_at_k, average_precision``, best first
        (ties keep the simpler ranker first).
    """
    labels = np.asarray(labels, dtype=int)
    when = pd.to_datetime(clues[date]).reset_index(drop=True)
    cut = when.sort_values(kind="mergesort").iloc[len(when) // 2]
    early = (when < cut).to_numpy()
    if early.sum() == 0 or (~early).sum() == 0 or len(set(labels[early])) < 2:
        raise KitError(
            "Choosing a ranker needs cases and non-cases in the earlier half of the training "
            "clues. Fix: train on a longer period (an earlier screen or more applications)."
        )
    valid = clues.reset_index(drop=True)[~early]
    k = review_capacity(len(valid), share)
    rows = []
    for kind in kinds:
        ranker = make_ranker(kind, random_state).fit(features[early], labels[early])
        score = ranker.predict_proba(features[~early])[:, 1]
        m = order_measures(valid, score, labels[~early], k)
        rows.append(
            {
                "ranker": kind,
                "k": k,
                "precision_at_k": m["precision_at_k"],
                "average_precision": average_precision(valid, score, labels[~early]),
            }
        )
    table = pd.DataFrame(rows)
    table["_order"] = range(len(table))
    table = table.sort_values(
        ["precision_at_k", "average_precision", "_order"],
        ascending=[False, False, True],
        kind="mergesort",
    )
    return table.drop(columns="_order").reset_index(drop=True)


def average_precision(frame: pd.DataFrame, score: Any, labels: Sequence[int]) -> float:
    """Mean of precision@k over the ranks k of the cases, in :func:`review_order`'s order."""
    work = frame[["clue_id", "amount_involved"]].reset_index(drop=True)
    work["_label"] = np.asarray(labels, dtype=int)
    ordered = review_order(work, np.asarray(score, dtype=float))
    hits = ordered["_label"].to_numpy()
    if hits.sum() == 0:
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits == 1].mean())


def precision_curve(
    frame: pd.DataFrame, scores: Any, labels: Sequence[int] | pd.Series, *, seeds: int = 50
) -> pd.DataFrame:
    """Precision@k for every k of the learned, amount and random orders (for a plot).

    Returns
    -------
    DataFrame
        Index ``k`` (1 .. clues); columns ``learned``, ``amount`` and ``random`` (mean over
        ``seeds`` seeded orders).
    """
    frame = frame.reset_index(drop=True)
    labels = np.asarray(labels, dtype=int)
    ks = np.arange(1, len(frame) + 1)

    def curve(score: Any) -> np.ndarray:
        work = frame[["clue_id", "amount_involved"]].assign(_label=labels)
        hits = review_order(work, score)["_label"].to_numpy()
        return np.cumsum(hits) / ks

    random = np.mean([curve(baseline_score(frame, "random", seed=s)) for s in range(seeds)], axis=0)
    return pd.DataFrame(
        {
            "learned": curve(np.asarray(scores, dtype=float)),
            "amount": curve(baseline_score(frame, "amount")),
            "random": random,
        },
        index=pd.Index(ks, name="k"),
    )
