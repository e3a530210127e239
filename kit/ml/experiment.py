"""One prioritisation experiment: screen, features, temporal split, ranker chosen in training,
and the comparison with the baselines on the test period.

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
from kit.ml.features import clue_features
from kit.ml.labels import labels_from_truth
from kit.ml.prioritise import (
    CAPACITY_SHARE,
    CUTOFF,
    compare_orders,
    make_ranker,
    review_capacity,
    temporal_split,
    validate_rankers,
)
from kit.ml.screens import get_screen, run_screen
from kit.models.clues import Clues


@dataclass
class Prioritisation:
    """Result of :func:`run_prioritisation`.

    Attributes
    ----------
    model_id : str
        The library model whose wide screen was ranked (``SS01``).
    clues : Clues
        The screen's clues (all periods).
    features : DataFrame
        Features per clue (indexed by clue id, in the clues' order).
    labels : Series
        1 for a case, per clue id.
    train, test : DataFrame
        The clues before and from the cutoff.
    cutoff : str
    capacity : int
        Clues reviewed in the test period (k).
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
    clues: Clues
    features: pd.DataFrame
    labels: pd.Series
    train: pd.DataFrame
    test: pd.DataFrame
    cutoff: str
    capacity: int
    ranker: Pipeline
    validation: pd.DataFrame
    scores: pd.Series
    comparison: pd.DataFrame = field(repr=False)

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
            f"{self.model_id}: train {self.train_size} clues, test {self.test_size}; "
            f"precision@{self.capacity} learned {self.precision('learned'):.1%}, amount "
            f"{self.precision('amount'):.1%}, random {self.precision('random'):.1%}"
        )


def run_prioritisation(
    model_id: str,
    *,
    dataset: Dataset | str | None = None,
    labels: pd.Series | None = None,
    cutoff: str = CUTOFF,
    capacity: int | None = None,
    share: float = CAPACITY_SHARE,
    random_state: int = 0,
) -> Prioritisation:
    """Train a ranker on a screen's clues before ``cutoff`` and compare orders after it.

    Parameters
    ----------
    model_id : str
        A model with a wide screen (``SS01``, ``MI05``).
    dataset : Dataset or str, optional
        Default: the screen's sample dataset.
    labels : Series, optional
        1/0 per clue id (e.g. :func:`~kit.ml.labels.labels_from_ledger`); default: from the
        dataset's truth table. Clues without a label are left out of training.
    cutoff : str
        First day of the test period; clues are dated by ``period_start``.
    capacity : int, optional
        Clues reviewed in the test period; default ``share`` of the test clues, rounded up.
    random_state : int
        Seed of the ranker.
    """
    if not isinstance(dataset, Dataset):
        dataset = load_dataset(dataset or get_screen(model_id).dataset)
    clues = run_screen(model_id, dataset)
    if labels is None:
        labels = labels_from_truth(clues, dataset.truth)
    options = clues.info.get("features") or {}
    features = clue_features(clues, **options)
    frame = clues.frame
    labelled = frame[frame["clue_id"].isin(labels.index)]
    train, test = temporal_split(labelled, "period_start", cutoff)
    y_train = labels.loc[train["clue_id"]].to_numpy(dtype=int)
    y_test = labels.loc[test["clue_id"]].to_numpy(dtype=int)
    if len(set(y_train)) < 2:
        raise KitError(
            f"{model_id}: the {len(train)} training clue(s) before {cutoff} are all "
            f"{'cases' if y_train.all() else 'non-cases'}; a ranker needs both. Fix: train on a "
            "longer period or record the outcomes of more reviewed clues."
        )
    x_train = features.loc[train["clue_id"]]
    validation = validate_rankers(x_train, train, y_train, share=share, random_state=random_state)
    kind = str(validation["ranker"].iloc[0])
    ranker = make_ranker(kind, random_state).fit(x_train, y_train)
    score = ranker.predict_proba(features.loc[test["clue_id"]])[:, 1]
    scores = pd.Series(np.round(score, 12), index=pd.Index(test["clue_id"], name="clue_id"))
    k = capacity if capacity is not None else review_capacity(len(test), share)
    comparison = compare_orders(test, scores.to_numpy(), y_test, k)
    comparison["k"] = comparison["k"].astype(int)
    return Prioritisation(
        model_id=str(model_id).upper().removesuffix("-WIDE"),
        clues=clues,
        features=features,
        labels=labels,
        train=train,
        test=test,
        cutoff=str(cutoff),
        capacity=int(k),
        ranker=ranker,
        validation=validation,
        scores=scores,
        comparison=comparison,
    )
