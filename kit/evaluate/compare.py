"""Side-by-side comparison (对比) of several models or versions at the same review capacity.

Reviewers can check a fixed number of clues. Two versions of a model are therefore compared on
what the first ``capacity`` clues of each hold, in each version's review order, beside their
figures over all clues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from kit.errors import KitError
from kit.evaluate.breakdown import named_evaluations

if TYPE_CHECKING:
    from kit.evaluate.core import Evaluation

#: Columns of :func:`compare`, in order.
COMPARE_COLUMNS = (
    "model",
    "pattern",
    "order",
    "capacity",
    "clues",
    "cases",
    "cases_found",
    "false_positives",
    "conversion_rate",
    "recall",
    "amount_recall",
    "reviewed",
    "cases_found_at_capacity",
    "precision_at_capacity",
    "recall_at_capacity",
    "amount_recall_at_capacity",
)


def compare(
    evaluations: Iterable[Evaluation] | Mapping[str, Evaluation], capacity: int | None = None
) -> pd.DataFrame:
    """Several evaluations side by side at the same review capacity.

    Parameters
    ----------
    evaluations : iterable of Evaluation, or mapping of label to Evaluation
        Labelled by model id when not a mapping (use a mapping to tell versions of one model
        apart, e.g. ``{"SS01": ev, "SS01 grace 30": ev30}``).
    capacity : int, optional
        Clues reviewers can check. Default: the evaluations' own capacity when they share one.

    Returns
    -------
    DataFrame
        One row per evaluation with :data:`COMPARE_COLUMNS`: the figures over all clues, then
        over the first ``capacity`` clues: how many are reviewed (fewer when a model gives fewer
        clues than the capacity), the cases they find, and precision, recall and amount recall.
        Precision is over the clues reviewed, so a model that leaves capacity unused is not
        penalised for it: compare ``cases_found_at_capacity`` for what the same review work
        yields.

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> ev = kit.evaluate(kit.run("SS01", ds), ds.truth, capacity=20)
    >>> by_amount = kit.evaluate(kit.run("SS01", ds), ds.truth, capacity=20, score="amount_involved")
    >>> table = compare({"model order": ev, "amount order": by_amount})
    >>> table["capacity"].tolist(), table["clues"].tolist()
    ([20, 20], [38, 38])
    """
    named = named_evaluations(evaluations)
    if capacity is None:
        capacities = sorted({ev.capacity for _, ev in named})
        if len(capacities) > 1:
            raise KitError(
                f"The evaluations have review capacities {', '.join(map(str, capacities))}; "
                "pass capacity= to compare them at the same review capacity."
            )
        capacity = capacities[0]
    rows = []
    for label, ev in named:
        top = ev.at_k([capacity]).iloc[0]
        rows.append(
            {
                "model": label,
                "pattern": ev.pattern,
                "order": ev.order,
                "capacity": int(capacity),
                "clues": ev.n_clues,
                "cases": ev.n_cases,
                "cases_found": ev.cases_found,
                "false_positives": ev.n_clues - int(ev.detail["is_case"].sum()),
                "conversion_rate": ev.conversion_rate,
                "recall": ev.recall,
                "amount_recall": ev.amount_recall,
                "reviewed": int(top["reviewed"]),
                "cases_found_at_capacity": int(top["cases_found"]),
                "precision_at_capacity": float(top["precision_at_k"]),
                "recall_at_capacity": float(top["recall_at_k"]),
                "amount_recall_at_capacity": float(top["amount_recall_at_k"]),
            }
        )
    table = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    labels = table["model"]
    if labels.duplicated().any():
        raise KitError(
            f"Two evaluations are both labelled {labels[labels.duplicated()].iloc[0]!r}; pass "
            "a dict {label: evaluation} to tell the versions apart."
        )
    return table
