"""Evaluation of clues against ground truth."""

from kit.evaluate.core import UNPLANTED, Evaluation, evaluate
from kit.evaluate.plots import plot_workload
from kit.evaluate.ranking import BASELINES, at_k, baseline_score, review_order

__all__ = [
    "BASELINES",
    "UNPLANTED",
    "Evaluation",
    "at_k",
    "baseline_score",
    "evaluate",
    "plot_workload",
    "review_order",
]
