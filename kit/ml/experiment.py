"""One prioritisation experiment: screen, features, temporal split, ranker chosen in training,
and the comparison with the baselines on the test period.

No look-ahead: the training clues and their features come from the screen run on the data *as
they stood before the cutoff* (:func:`kit.ml.screens.as_of_dataset`), so no payment, death
record, refund or status change known only later reaches them. The test clues come from the
screen run on all the data, i.e. as a reviewer screening at the end of the test period would see
them.

Examples
--------
>>> result = run_prioritisation("MI05")
>>> result.train_size > 0 and result.test_size > 0
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from kit.datasets import Dataset
from kit.datasets import load as load_dataset
from kit.errors import KitError
from kit.ml.features import category_columns, clue_features
from kit.ml.labels import labels_from_truth
from kit.ml.prioritise import (
    CAPACITY_SHARE,
    CUTOFF,
    check_unique,
    compare_orders,
    make_ranker,
    review_capacity,
    temporal_split,
    validate_rankers,
)
from kit.ml.screens import get_screen, parse_cutoff, run_screen
from kit.models.clues import Clues


@dataclass
class Prioritisation:
    """Result of :func:`run_prioritisation`.

    Printing it shows :meth:`summary` only (no clue, ID number or name).

    Attributes
    ----------
    model_id : str
        The library model whose wide screen was ranked (``SS01``).
    clues : Clues
        The screen's clues on all the data (the test clues are those dated from the cutoff).
    clues_as_of : Clues
        The screen's clues on the data as they stood before the cutoff (the training clues are
        those dated before it).
    train_features, test_features : DataFrame
        Features of the training clues (from ``clues_as_of``) and of the test clues (from
        ``clues``), indexed by clue id.
    labels : Series
        1 for a case, per clue id (training and test clues).
    train, test : DataFrame
        The training clues (as-of run, dated before the cutoff) and the test clues (full run,
        dated on or after it).
    cutoff : str
    capacity : int
        Clues reviewed in the test period (k).
    categories : list of str
        Text columns used as categories, decided on the training clues.
    ranker : Pipeline
        The chosen pipeline, fitted on the training clues.
    validation : DataFrame
        How the candidate rankers did on the later half of the training period.
    scores : Series
        The ranker's scores of the test clues, by clue id.
    comparison : DataFrame
        :func:`~kit.ml.prioritise.compare_orders` on the test clues.
    """

    model_id: str
    clues: Clues = field(repr=False)
    clues_as_of: Clues = field(repr=False)
    train_features: pd.DataFrame = field(repr=False)
    test_features: pd.DataFrame = field(repr=False)
    labels: pd.Series = field(repr=False)
    train: pd.DataFrame = field(repr=False)
    test: pd.DataFrame = field(repr=False)
    cutoff: str
    capacity: int
    categories: list[str] = field(repr=False)
    ranker: Pipeline = field(repr=False)
    validation: pd.DataFrame = field(repr=False)
    scores: pd.Series = field(repr=False)
    comparison: pd.DataFrame = field(repr=False)

    def __repr__(self) -> str:
        return f"<Prioritisation {self.summary()}>"

    @property
    def train_size(self) -> int:
        """Training clues."""
        return len(self.train)

    @property
    def test_size(self) -> int:
        """Test clues."""
        return len(self.test)

    def precision(self, order: str) -> float:
        """Precision@k of an order (``learned``, ``amount``, or a row starting ``random``)."""
        rows = self.comparison[self.comparison["order"].str.startswith(order)]
        return float(rows["precision_at_k"].iloc[0])

    @property
    def beats_baselines(self) -> bool:
        """Whether the learned precision@k is above the amount order's and the random order's."""
        learned = self.precision("learned")
        return learned > self.precision("amount") and learned > self.precision("random")

    def to_dict(self) -> dict[str, Any]:
        """Headline figures as plain values (what ``kit ml prioritise --json`` prints)."""
        y_train = self.labels.loc[self.train["clue_id"]]
        y_test = self.labels.loc[self.test["clue_id"]]
        return {
            "model_id": self.model_id,
            "screen": str(self.clues.info.get("model_id")),
            "cutoff": self.cutoff,
            "train_clues": self.train_size,
            "train_cases": int(y_train.sum()),
            "test_clues": self.test_size,
            "test_cases": int(y_test.sum()),
            "train_base_rate": round(float(y_train.mean()), 4),
            "test_base_rate": round(float(y_test.mean()), 4),
            "capacity": self.capacity,
            "ranker": str(self.validation["ranker"].iloc[0]),
            "orders": [
                {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.comparison.to_dict("records")
            ],
            "beats_baselines": self.beats_baselines,
        }

    def summary(self) -> str:
        """One line: sizes, capacity and precision@k of each order."""
        return (
            f"{self.model_id}: train {self.train_size} clues (data as of {self.cutoff}), test "
            f"{self.test_size}; precision@{self.capacity} learned "
            f"{self.precision('learned'):.1%}, amount {self.precision('amount'):.1%}, random "
            f"{self.precision('random'):.1%}"
        )


def run_prioritisation(
    model_id: str,
    *,
    dataset: Dataset | str | None = None,
    labels: pd.Series | None = None,
    cutoff: Any = CUTOFF,
    capacity: int | None = None,
    share: float = CAPACITY_SHARE,
    random_state: int = 0,
) -> Prioritisation:
    """Train a ranker on a screen's clues before ``cutoff`` and compare orders after it.

    The training clues come from the screen run on the data as they stood before ``cutoff``
    (``run_screen(..., as_of=cutoff)``), dated before it; the test clues from the screen run on
    all the data, dated on or after it (scored with everything known at the end of the data,
    like a reviewer screening at the end of the test period).

    Parameters
    ----------
    model_id : str
        A model with a wide screen (``SS01``, ``MI05``).
    dataset : Dataset or str, optional
        Default: the screen's sample dataset.
    labels : Series, optional
        1/0 per clue id (e.g. :func:`~kit.ml.labels.labels_from_ledger`); default: from the
        dataset's truth table, by (pattern, subject). Clues without a label are left out.
    cutoff : str
        First day of the test period, ``YYYY-MM-DD``; clues are dated by ``period_start``.
    capacity : int, optional
        Clues reviewed in the test period; default ``share`` of the test clues, rounded up.
    random_state : int
        Seed of the ranker.

    Raises
    ------
    KitError
        For a cutoff that is not a date, a capacity below 1, labels naming a clue twice, or a
        period without clues (checked before the screen runs where possible).
    """
    edge = parse_cutoff(cutoff)
    cutoff = str(edge.date())
    if capacity is not None and capacity < 1:
        raise KitError(
            f"capacity={capacity}: the review capacity must be at least 1 (the number of clues "
            "reviewers can check). Fix: give a positive number, or leave it out for a quarter "
            "of the test clues."
        )
    if labels is not None:
        check_unique(labels, "labels")
    if not isinstance(dataset, Dataset):
        dataset = load_dataset(dataset or get_screen(model_id).dataset)
    clues = run_screen(model_id, dataset)
    past = run_screen(model_id, dataset, as_of=edge)
    if labels is None:
        labels = pd.concat(
            [labels_from_truth(past, dataset.truth), labels_from_truth(clues, dataset.truth)]
        )
        labels = labels[~labels.index.duplicated()]  # same clue id = same subject = same label
    options = clues.info.get("features") or {}
    _, test = temporal_split(_labelled(clues, labels), "period_start", edge)
    train = _labelled(past, labels)
    train = train[pd.to_datetime(train["period_start"]) < edge]
    if train.empty:
        raise KitError(
            f"Temporal split: no clues before the cutoff {cutoff} to train on in the data as "
            "they stood then. Fix: choose a later cutoff."
        )
    y_train = labels.loc[train["clue_id"]].to_numpy(dtype=int)
    y_test = labels.loc[test["clue_id"]].to_numpy(dtype=int)
    if len(set(y_train)) < 2:
        raise KitError(
            f"{model_id}: the {len(train)} training clue(s) before {cutoff} are all "
            f"{'cases' if y_train.all() else 'non-cases'}; a ranker needs both. Fix: train on a "
            "longer period or record the outcomes of more reviewed clues."
        )
    exclude = list(options.get("exclude") or [])
    categories = category_columns(train, exclude=exclude)
    x_train = clue_features(past, **options, categories=categories).loc[train["clue_id"]]
    x_test = clue_features(clues, **options, categories=categories).loc[test["clue_id"]]
    validation = validate_rankers(x_train, train, y_train, share=share, random_state=random_state)
    kind = str(validation["ranker"].iloc[0])
    ranker = make_ranker(kind, random_state).fit(x_train, y_train)
    score = ranker.predict_proba(x_test[x_train.columns])[:, 1]
    scores = pd.Series(np.round(score, 12), index=pd.Index(test["clue_id"], name="clue_id"))
    k = capacity if capacity is not None else review_capacity(len(test), share)
    comparison = compare_orders(test, scores.to_numpy(), y_test, k)
    comparison["k"] = comparison["k"].astype(int)
    return Prioritisation(
        model_id=str(model_id).upper().removesuffix("-WIDE"),
        clues=clues,
        clues_as_of=past,
        train_features=x_train,
        test_features=x_test,
        labels=labels,
        train=train,
        test=test,
        cutoff=cutoff,
        capacity=int(k),
        categories=categories,
        ranker=ranker,
        validation=validation,
        scores=scores,
        comparison=comparison,
    )


def _labelled(clues: Clues, labels: pd.Series) -> pd.DataFrame:
    frame = clues.frame
    return frame[frame["clue_id"].isin(labels.index)]
