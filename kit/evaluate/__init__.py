"""Evaluation of clues against ground truth."""

from kit.evaluate.breakdown import breakdown, by_pattern, subject_regions
from kit.evaluate.compare import compare
from kit.evaluate.core import UNPLANTED, Evaluation, evaluate
from kit.evaluate.fairness import (
    AGE_BANDS,
    POPULATIONS,
    disparity_summary,
    group_rates,
    person_groups,
)
from kit.evaluate.labels import LABELS_ZH, bilingual
from kit.evaluate.plots import plot_at_k, plot_compare, plot_workload
from kit.evaluate.ranking import BASELINES, at_k, baseline_score, review_order

__all__ = [
    "AGE_BANDS",
    "BASELINES",
    "LABELS_ZH",
    "POPULATIONS",
    "UNPLANTED",
    "Evaluation",
    "at_k",
    "baseline_score",
    "bilingual",
    "breakdown",
    "by_pattern",
    "compare",
    "disparity_summary",
    "evaluate",
    "group_rates",
    "person_groups",
    "plot_at_k",
    "plot_compare",
    "plot_workload",
    "review_order",
    "subject_regions",
]
