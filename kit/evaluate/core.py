"""Evaluation of clues against ground truth: what a model finds and what it costs reviewers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.errors import KitError
from kit.models.clues import Clues

#: Reason given to a false positive that matches no planted case or trap.
UNPLANTED = "not in truth table"
TRUTH_COLUMNS = ("pattern", "subject_id", "is_case", "amount_improper", "reason")


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
        The same measures over the first ``capacity`` clues in the model's order.
    false_positives : DataFrame
        False-positive clues counted by the reason recorded in the truth table.
    curve : DataFrame
        Cases found after reviewing the first k clues, for k = 0..n_clues.
    detail : DataFrame
        One row per clue: clue id, subject, amount, rank, is_case, reason.
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
        labels = {
            "clues": "线索数",
            "cases": "真实案件数",
            "cases_found": "命中案件数",
            "conversion_rate": "成案转化率",
            "recall": "召回率",
            "amount_recall": "金额召回率",
            "precision_at_k": f"前{self.capacity}条精确率",
            "recall_at_k": f"前{self.capacity}条召回率",
            "amount_found": "命中金额（元）",
            "amount_total": "应追回总额（元）",
        }
        data = self.to_dict()
        rows = [{"measure": k, "指标": v, "value": data[k]} for k, v in labels.items()]
        return pd.DataFrame(rows)

    def plot_workload(self, ax: Any = None) -> Any:
        """Plot cases found against clues reviewed; see :func:`kit.evaluate.plots.plot_workload`."""
        from kit.evaluate.plots import plot_workload

        return plot_workload(self, ax=ax)

    def _repr_html_(self) -> str:
        fp = self.false_positives.to_html(index=False)
        return f"<p>{self.summary()}</p>{self.to_frame().to_html(index=False)}{fp}"


def evaluate(clues: Clues, truth: pd.DataFrame | None, capacity: int = 50) -> Evaluation:
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
        raise KitError(f"The truth table lacks column(s) {', '.join(missing)}.")
    if capacity < 1:
        raise KitError(f"capacity={capacity}: give the number of clues reviewers can check (>= 1).")
    pattern = str(clues.info.get("pattern", ""))
    model_id = str(clues.info.get("model_id", ""))
    rows = truth[truth["pattern"] == pattern]
    rows = rows.drop_duplicates("subject_id").set_index("subject_id")
    cases = rows[rows["is_case"].astype(bool)]

    detail = clues.frame[["clue_id", "subject_id", "amount_involved"]].copy()
    detail["rank"] = range(1, len(detail) + 1)
    detail["is_case"] = detail["subject_id"].isin(cases.index)
    detail["reason"] = detail["subject_id"].map(rows["reason"]).fillna(UNPLANTED).astype(str)
    detail["amount_improper"] = (
        detail["subject_id"].map(cases["amount_improper"]).fillna(0.0).astype(float)
    )

    hits = detail[detail["is_case"]]
    top = detail.head(capacity)
    n_clues, n_cases = len(detail), len(cases)
    amount_total = round(float(cases["amount_improper"].sum()), 2)
    amount_found = round(float(hits["amount_improper"].sum()), 2)
    fp = detail.loc[~detail["is_case"], "reason"].value_counts().rename_axis("reason")
    fp = fp.reset_index(name="clues").sort_values(["clues", "reason"], ascending=[False, True])
    found = detail["is_case"].cumsum().tolist()
    curve = pd.DataFrame({"clues_reviewed": range(n_clues + 1), "cases_found": [0, *found]})
    return Evaluation(
        model_id=model_id,
        pattern=pattern,
        capacity=int(capacity),
        n_clues=n_clues,
        n_cases=n_cases,
        cases_found=len(hits),
        conversion_rate=_ratio(len(hits), n_clues),
        recall=_ratio(len(hits), n_cases),
        amount_recall=_ratio(amount_found, amount_total),
        precision_at_k=_ratio(int(top["is_case"].sum()), min(capacity, n_clues)),
        recall_at_k=_ratio(int(top["is_case"].sum()), n_cases),
        amount_found=amount_found,
        amount_total=amount_total,
        false_positives=fp.reset_index(drop=True),
        curve=curve,
        detail=detail,
    )


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0
