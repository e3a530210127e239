"""Evaluation of clues against ground truth."""

from kit.evaluate.core import UNPLANTED, Evaluation, evaluate
from kit.evaluate.plots import plot_workload

__all__ = ["UNPLANTED", "Evaluation", "evaluate", "plot_workload"]
