"""Evaluation of clues against ground truth: what a model finds and what it costs reviewers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import KitError
from kit.evaluate.labels import LABELS_ZH
from kit.evaluate.ranking import at_k, review_order
from kit.models.clues import Clues

#: Reason given to a false positive that matches no planted case or trap.
UNPLANTED = "not in truth table"
TRUTH_COLUMNS = ("pattern", "subject_id", "is_case", "amount_improper", "reason")
#: Measures of :meth:`Evaluation.to_frame`, in order (Chinese labels from ``kit.evaluate.labels``).
HEADLINE = (
    "clues",
    "cases",
    "cases_found",
    "conversion_rate",
    "recall",
    "amount_recall",
    "precision_at_k",
    "recall_at_k",
    "amount_found",
    "amount_total",
)
#: Orders an evaluation can follow: the clue table's own order, or a score (see ``evaluate``).
MODEL_ORDER, SCORE_ORDER = "model order", "score order"


@dataclass
class Evaluation:
    """How well a model's clues match the ground truth.

    Attributes
    ----------
    model_id, pattern : str
    capacity : int
        Clues reviewers can check (k of precision@k).
    n_clues, n_cases, cases_found : int
    conversion_rate : float
        Share of clues that are real cases (precision; the seed's clue-to-case conversion).
    recall : float
        Share of the real cases that the clues find.
    amount_recall : float
        Share of the improper money (yuan) in the cases found.
    precision_at_k, recall_at_k : float
        The same measures over the first ``capacity`` clues in review order.
    false_positives : DataFrame
        False-positive clues counted by the reason recorded in the truth table.
    curve : DataFrame
        Cases found and improper money found (yuan) after reviewing the first k clues,
        for k = 0..n_clues (the workload curve).
    detail : DataFrame
        One row per clue in review order: clue id, subject, region, amount, rank, is_case,
        reason, new_case (the first clue of a case in review order: cases and their money are
        counted there once), amount_improper (0 on later clues of the same case).
    order : str
        ``"model order"`` (the clue table's own order) or ``"score order"``.
    subject_type, dataset : str
        From the clues' run information.
    cases : DataFrame
        The planted cases of the pattern (subject_id, amount_improper), found or not.
    clue_frame : DataFrame
        The clue table in review order (for breakdowns by any of its columns).
    """

    model_id: str
    pattern: str
    capacity: int
    n_clues: int
    n_cases: int
    cases_found: int
    conversion_rate: float
    recall: float
    amount_recall: float
    precision_at_k: float
    recall_at_k: float
    amount_found: float
    amount_total: float
    false_positives: pd.DataFrame = field(repr=False)
    curve: pd.DataFrame = field(repr=False)
    detail: pd.DataFrame = field(repr=False)
    order: str = MODEL_ORDER
    subject_type: str = ""
    dataset: str = ""
    cases: pd.DataFrame | None = field(default=None, repr=False)
    clue_frame: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def amount_recall_at_k(self) -> float:
        """Share of the improper money found in the first ``capacity`` clues."""
        found = self.detail["amount_improper"].head(self.capacity).sum()
        return _ratio(float(found), self.amount_total)

    def to_dict(self) -> dict[str, Any]:
        """The headline figures as plain Python values (what ``kit run --json`` prints)."""
        return {
            "model_id": self.model_id,
            "pattern": self.pattern,
            "capacity": self.capacity,
            "clues": self.n_clues,
            "cases": self.n_cases,
            "cases_found": self.cases_found,
            "conversion_rate": round(self.conversion_rate, 4),
            "recall": round(self.recall, 4),
            "amount_recall": round(self.amount_recall, 4),
            "precision_at_k": round(self.precision_at_k, 4),
            "recall_at_k": round(self.recall_at_k, 4),
            "amount_found": round(self.amount_found, 2),
            "amount_total": round(self.amount_total, 2),
            "false_positives": {
                str(r): int(n) for r, n in self.false_positives.itertuples(index=False)
            },
            "amount_recall_at_k": round(self.amount_recall_at_k, 4),
            "order": self.order,
        }

    def __repr__(self) -> str:
        return f"<Evaluation {self.summary()}>"

    def summary(self) -> str:
        """One line: clues, cases found, conversion rate and recall."""
        return (
            f"{self.model_id}: {self.n_clues:,} clues, {self.cases_found} of {self.n_cases} cases "
            f"found, conversion rate {self.conversion_rate:.1%}, recall {self.recall:.1%}, "
            f"amount recall {self.amount_recall:.1%}, precision@{self.capacity} "
            f"{self.precision_at_k:.1%}"
        )

    def to_frame(self) -> pd.DataFrame:
        """The headline figures as a two-column table (measure, value) with Chinese labels."""
        k = f"前{self.capacity}条"
        labels = {m: LABELS_ZH[m].replace("前k条", k) for m in HEADLINE}
        data = self.to_dict()
        rows = [{"measure": k, "指标": v, "value": data[k]} for k, v in labels.items()]
        return pd.DataFrame(rows)

    def at_k(self, ks: Iterable[int] | None = None) -> pd.DataFrame:
        """Precision, recall and amount recall over the first k clues in review order.

        Parameters
        ----------
        ks : iterable of int, optional
            Review capacities. Default: 10, 20, 50, the evaluation's capacity and all clues.
            A k above the number of clues reviews them all (``reviewed`` says how many).

        Returns
        -------
        DataFrame
            Columns ``k, reviewed, cases_found, precision_at_k, recall_at_k, amount_found,
            amount_recall_at_k``, one row per k (ascending, without repeats).

        Examples
        --------
        >>> import kit
        >>> ds = kit.datasets.load("social_security")
        >>> ev = kit.evaluate(kit.run("SS02", ds), ds.truth, capacity=20)
        >>> ev.at_k([10, 20])[["k", "cases_found", "precision_at_k"]].to_dict("records")
        [{'k': 10, 'cases_found': 10, 'precision_at_k': 1.0}, {'k': 20, 'cases_found': 20, 'precision_at_k': 1.0}]
        """
        if ks is None:
            ks = [k for k in (10, 20, 50, self.capacity, self.n_clues) if k >= 1]
        ks = sorted({_check_k(k) for k in ks})
        flags = self.detail["is_case"].to_numpy(dtype=bool)
        new = self.detail["new_case"].to_numpy(dtype=bool)
        money = self.detail["amount_improper"].to_numpy(dtype=float)
        rows = []
        for k in ks:
            row = at_k(flags, k, self.n_cases)
            # precision counts true clues; cases found and recall count each case once
            row["cases_found"] = int(new[:k].sum())
            row["recall_at_k"] = _ratio(row["cases_found"], self.n_cases)
            row["amount_found"] = round(float(money[:k].sum()), 2)
            row["amount_recall_at_k"] = _ratio(row["amount_found"], self.amount_total)
            rows.append(row)
        columns = ["k", "reviewed", "cases_found", "precision_at_k", "recall_at_k"]
        return pd.DataFrame(rows, columns=[*columns, "amount_found", "amount_recall_at_k"])

    def breakdown(self, by: str = "region_code", groups: Any = None) -> pd.DataFrame:
        """Clues, cases found, conversion and recall per region, unit or any clue column.

        See :func:`kit.evaluate.breakdown.breakdown` (``groups`` gives the group of the cases
        the clues missed: a Series by subject id, or a Dataset for regions).
        """
        from kit.evaluate.breakdown import breakdown

        return breakdown(self, by=by, groups=groups)

    def group_rates(self, people: pd.DataFrame, by: Any = None) -> pd.DataFrame:
        """False-positive rates by person group; see :func:`kit.evaluate.fairness.group_rates`."""
        from kit.evaluate.fairness import group_rates

        return group_rates(self, people, by=by)

    def plot_workload(self, ax: Any = None) -> Any:
        """Plot cases found against clues reviewed; see :func:`kit.evaluate.plots.plot_workload`."""
        from kit.evaluate.plots import plot_workload

        return plot_workload(self, ax=ax)

    def plot_at_k(self, ax: Any = None) -> Any:
        """Plot precision, recall and amount recall at k; see :func:`kit.evaluate.plots.plot_at_k`."""
        from kit.evaluate.plots import plot_at_k

        return plot_at_k(self, ax=ax)

    def _repr_html_(self) -> str:
        from kit.evaluate.labels import bilingual

        fp = self.false_positives
        parts = [
            f"<p><b>{escape(self.summary())}</b> ({escape(self.order)})</p>",
            "<h4>Headline figures 主要指标</h4>",
            self.to_frame().to_html(index=False),
            "<h4>The first k clues 前k条线索</h4>",
            bilingual(self.at_k()).to_html(index=False, float_format=lambda x: f"{x:.3f}"),
            "<h4>False positives by trap reason 误报原因</h4>",
            fp.to_html(index=False) if len(fp) else "<p>No false positives. 无误报。</p>",
        ]
        return "".join(parts)


def evaluate(
    clues: Clues, truth: pd.DataFrame | None, capacity: int = 50, score: Any = None
) -> Evaluation:
    """Evaluate clues against a truth table of planted cases and traps.

    Clues are matched to truth rows on (pattern, subject_id). A clue matched to a case is a true
    positive; one matched to a trap is a false positive with the trap's reason; one matched to
    nothing is a false positive "not in truth table".

    Parameters
    ----------
    clues : Clues
        Output of :func:`kit.run` (unmasked identifiers).
    truth : DataFrame
        Columns ``pattern, subject_id, is_case, amount_improper, reason``.
    capacity : int
        Clues the reviewers can check; precision@k and recall@k use the first ``capacity``.
    score : str, array-like or Series, optional
        Review the clues in the order of this score (a clue column, one value per row, or a
        Series indexed by clue id), highest first, ties broken by amount involved (largest
        first) and then clue id (see :func:`kit.evaluate.review_order`). Without a score the
        clues are reviewed in the clue table's own order (the model's order).

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> ev = evaluate(kit.run("SS01", ds), ds.truth, capacity=20)
    >>> ev.recall >= 0.95
    True
    """
    if truth is None:
        raise KitError(
            "This dataset has no truth table (truth/truth.csv), so clues cannot be evaluated. "
            "Fix: evaluate on a sample dataset with truth, or against past case outcomes."
        )
    missing = [c for c in TRUTH_COLUMNS if c not in truth.columns]
    if missing:
        raise KitError(
            f"The truth table lacks column(s) {', '.join(missing)}; it needs "
            f"{', '.join(TRUTH_COLUMNS)}. Fix: pass the dataset's truth table (ds.truth)."
        )
    if capacity < 1:
        raise KitError(f"capacity={capacity}: give the number of clues reviewers can check (>= 1).")
    pattern = str(clues.info.get("pattern", ""))
    model_id = str(clues.info.get("model_id", ""))
    rows = truth[truth["pattern"] == pattern]
    rows = rows.drop_duplicates("subject_id").set_index("subject_id")
    cases = rows[rows["is_case"].astype(bool)]

    frame = clues.frame
    order = MODEL_ORDER
    if score is not None:
        frame = review_order(frame, score).drop(columns=["review_rank"])
        order = SCORE_ORDER
    keep = [c for c in ("clue_id", "subject_id", "region_code", "amount_involved") if c in frame]
    detail = frame[keep].copy().reset_index(drop=True)
    detail["rank"] = np.arange(1, len(detail) + 1)
    detail["is_case"] = detail["subject_id"].isin(cases.index)
    detail["reason"] = detail["subject_id"].map(rows["reason"]).fillna(UNPLANTED).astype(str)
    # A case counts once, at its first clue in review order: a second clue about the same
    # subject is still a true clue (precision), but neither a second case nor its money again.
    detail["new_case"] = detail["is_case"] & ~detail["subject_id"].duplicated()
    detail["amount_improper"] = (
        detail["subject_id"].map(cases["amount_improper"]).fillna(0.0).astype(float)
    ).where(detail["new_case"], 0.0)

    hits = detail[detail["new_case"]]
    top = detail.head(capacity)
    n_clues, n_cases = len(detail), len(cases)
    amount_total = round(float(cases["amount_improper"].sum()), 2)
    amount_found = round(float(hits["amount_improper"].sum()), 2)
    fp = detail.loc[~detail["is_case"], "reason"].value_counts().rename_axis("reason")
    fp = fp.reset_index(name="clues").sort_values(["clues", "reason"], ascending=[False, True])
    curve = pd.DataFrame(
        {
            "clues_reviewed": range(n_clues + 1),
            "cases_found": [0, *detail["new_case"].cumsum().tolist()],
            "amount_found": np.round([0.0, *detail["amount_improper"].cumsum().tolist()], 2),
        }
    )
    return Evaluation(
        model_id=model_id,
        pattern=pattern,
        capacity=int(capacity),
        n_clues=n_clues,
        n_cases=n_cases,
        cases_found=len(hits),
        conversion_rate=_ratio(int(detail["is_case"].sum()), n_clues),
        recall=_ratio(len(hits), n_cases),
        amount_recall=_ratio(amount_found, amount_total),
        precision_at_k=_ratio(int(top["is_case"].sum()), min(capacity, n_clues)),
        recall_at_k=_ratio(int(top["new_case"].sum()), n_cases),
        amount_found=amount_found,
        amount_total=amount_total,
        false_positives=fp.reset_index(drop=True),
        curve=curve,
        detail=detail,
        order=order,
        subject_type=str(clues.info.get("subject_type", "")),
        dataset=str(clues.info.get("dataset", "")),
        cases=cases[["amount_improper"]].reset_index(),
        clue_frame=frame.reset_index(drop=True),
    )


def _check_k(k: Any) -> int:
    try:
        value = int(k)
    except (TypeError, ValueError):
        raise KitError(
            f"k={k!r} is not a whole number; give review capacities such as 10, 50."
        ) from None
    if value < 1 or value != k:
        raise KitError(f"k={k!r}: a review capacity must be a whole number of at least 1.")
    return value


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0
