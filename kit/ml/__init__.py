"""Machine learning on clues (机器学习辅助): ranking a wide screen's clues by how likely they are cases,
and peer-group anomaly scores (同类比较异常检测) for pharmacies and monitored outlets.

See ``docs/ml.md`` and notebook 08. The pieces are ordinary scikit-learn objects, so ``clone``,
``GridSearchCV`` and ``permutation_importance`` work on them.
"""

from kit.ml.anomaly import PeerGroupScorer, anomaly_clues, compare_with_rule
from kit.ml.anomaly_features import outlet_features, pharmacy_features
from kit.ml.experiment import Prioritisation, run_prioritisation
from kit.ml.features import clue_features, history_features, model_columns, subject_features
from kit.ml.labels import labels_from_ledger, labels_from_truth
from kit.ml.prioritise import (
    CAPACITY_SHARE,
    CUTOFF,
    RANKERS,
    average_precision,
    compare_orders,
    make_ranker,
    order_measures,
    precision_curve,
    review_capacity,
    temporal_split,
    validate_rankers,
)
from kit.ml.screens import available_screens, get_screen, run_screen

__all__ = [
    "CAPACITY_SHARE",
    "CUTOFF",
    "RANKERS",
    "PeerGroupScorer",
    "Prioritisation",
    "anomaly_clues",
    "compare_with_rule",
    "outlet_features",
    "pharmacy_features",
    "available_screens",
    "average_precision",
    "clue_features",
    "compare_orders",
    "get_screen",
    "history_features",
    "labels_from_ledger",
    "labels_from_truth",
    "make_ranker",
    "model_columns",
    "order_measures",
    "precision_curve",
    "review_capacity",
    "run_prioritisation",
    "run_screen",
    "subject_features",
    "temporal_split",
    "validate_rankers",
]
