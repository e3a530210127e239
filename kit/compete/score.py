"""The competition score (竞赛得分): precision at the review capacity plus amount-weighted recall.

Per split (public, private, and the whole test data for the organiser's reference), with k the
split's review capacity (审查能力, see :func:`kit.compete.split.apportion`)::

    precision@k        = real cases among the first k clues / k
    amount recall@k    = improper amount of the real cases among the first k clues
                         / improper amount of all real cases of the split
    score              = w * precision@k + (1 - w) * amount recall@k        (w = 0.5 by default)

- **Review order** is the kit's (:func:`kit.evaluate.review_order`): the clue file's ``score``
  (highest first; clues without one after every scored clue), then ``amount_involved`` (largest
  first), then ``clue_id``, pattern and subject id (ascending). Row order in the file never matters.
- **A case counts once.** Clues are matched to truth rows on (pattern, subject_id); a second clue
  on the same subject is dropped before the first k are taken, so it takes no review slot and
  finds nothing again.
- **Unused capacity counts as misses**: the denominator is k even when a split has fewer clues,
  so a short list of sure cases cannot beat a list that fills the reviewers' day.
- Traps (legitimate look-alikes), clues matching no truth row and clues of patterns outside the
  competition are all simply not cases. A clue takes the split of the truth row it matches; one
  matching none is placed by the seeded hash of its (pattern, subject_id); no other column of
  the clue file decides a split.

A worked example with hand-computed numbers is in ``docs/competition.md`` (and in
``tests/test_compete.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.compete.clue_file import read_clues, read_truth
from kit.compete.split import PRIVATE, PUBLIC, HashSplit, Split, apportion
from kit.errors import KitError
from kit.evaluate.ranking import review_order

ALL = "all"


@dataclass(frozen=True)
class ScoreRules:
    """How a competition scores clue files; the same rules for every submission.

    Parameters
    ----------
    capacity : int
        Clues the reviewers can check on the whole test data (k), shared between the splits.
    weight : float
        Weight w of precision@k; amount recall@k gets 1 - w.
    split : HashSplit or TimeSplit
        The public/private split.
    patterns : tuple of str
        Patterns of the competition (赛题); empty means every pattern in the truth table.
    """

    capacity: int = 50
    weight: float = 0.5
    split: Split = field(default_factory=HashSplit)
    patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if int(self.capacity) != self.capacity or self.capacity < 2:
            raise KitError(
                f"capacity={self.capacity}: give the number of clues reviewers can check, a "
                "whole number of at least 2 (one for each split)."
            )
        if not 0.0 <= float(self.weight) <= 1.0:
            raise KitError(f"weight={self.weight}: give the weight of precision, from 0 to 1.")

    def to_dict(self) -> dict[str, Any]:
        """Plain values (no seed)."""
        return {
            "capacity": int(self.capacity),
            "weight": float(self.weight),
            "split": self.split.describe(),
            "patterns": list(self.patterns),
        }


@dataclass
class SplitScore:
    """The score of one split: what the first k clues found."""

    split: str
    capacity: int
    clues: int
    reviewed: int
    cases: int
    cases_found: int
    precision_at_k: float
    amount_found: float
    amount_total: float
    amount_recall_at_k: float
    score: float

    def to_dict(self) -> dict[str, Any]:
        """Plain values, ratios rounded to 6 decimals and money to fen."""
        return {
            "split": self.split,
            "capacity": self.capacity,
            "clues": self.clues,
            "reviewed": self.reviewed,
            "cases": self.cases,
            "cases_found": self.cases_found,
            "precision_at_k": round(self.precision_at_k, 6),
            "amount_found": round(self.amount_found, 2),
            "amount_total": round(self.amount_total, 2),
            "amount_recall_at_k": round(self.amount_recall_at_k, 6),
            "score": round(self.score, 6),
        }


@dataclass
class ScoreResult:
    """Public, private and whole-data scores of one clue file.

    Attributes
    ----------
    public, private, all : SplitScore
    clues : int
        Rows in the clue file.
    duplicates : int
        Rows dropped as repeats of an earlier (pattern, subject_id) in review order.
    outside : int
        Clues whose pattern is not one of the competition's.
    unmatched : int
        Clues of the competition's patterns that match no truth row (after dropping repeats):
        not cases, or subject ids written differently from the truth table's.
    rules : ScoreRules
    detail : DataFrame
        The clues in review order after dropping repeats, with ``split``, ``is_case``,
        ``amount_improper``, ``in_truth`` (matches a truth row), ``in_competition`` (one of the
        competition's patterns), ``rank_in_split`` and ``reviewed`` (within the split's first k).
    """

    public: SplitScore
    private: SplitScore
    all: SplitScore
    clues: int
    duplicates: int
    outside: int
    unmatched: int
    rules: ScoreRules
    detail: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (what ``kit compete score --json`` prints)."""
        return {
            "public": self.public.to_dict(),
            "private": self.private.to_dict(),
            "all": self.all.to_dict(),
            "clues": self.clues,
            "duplicates": self.duplicates,
            "outside_patterns": self.outside,
            "unmatched": self.unmatched,
            "rules": self.rules.to_dict(),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per split (public, private, all) with the measures as columns."""
        return pd.DataFrame([s.to_dict() for s in (self.public, self.private, self.all)])


def score_clues(
    clues: pd.DataFrame | str | os.PathLike[str],
    truth: pd.DataFrame | str | os.PathLike[str],
    rules: ScoreRules | None = None,
) -> ScoreResult:
    """Score a clue file against the truth table.

    Parameters
    ----------
    clues : DataFrame or path-like
        A clue file (see :mod:`kit.compete.clue_file`) or the frame :func:`read_clues` returns.
    truth : DataFrame or path-like
        A truth table, a ``truth/`` folder or a dataset folder holding one.
    rules : ScoreRules, optional
        Default: capacity 50, weight 0.5, hash split with seed 0 and public share 30%.

    Returns
    -------
    ScoreResult
    """
    rules = rules or ScoreRules()
    frame = clues if isinstance(clues, pd.DataFrame) else read_clues(clues)
    table = truth if isinstance(truth, pd.DataFrame) else read_truth(truth)
    unknown = [p for p in rules.patterns if p not in set(table["pattern"])]
    if unknown:
        have = ", ".join(sorted(set(map(str, table["pattern"])))) or "none"
        raise KitError(
            f"The pattern(s) {', '.join(map(repr, unknown))} are not in the truth table. "
            f"Fix: name one of its patterns: {have}."
        )
    patterns = set(rules.patterns) or set(table["pattern"])
    table = table[table["pattern"].isin(patterns)].copy()
    table["split"] = rules.split.assign(table)

    ordered = _in_review_order(frame)
    kept = ordered.drop_duplicates(["pattern", "subject_id"]).reset_index(drop=True)
    keys = ["pattern", "subject_id"]
    extra = [c for c in ("is_case", "amount_improper", "split") if c in table]
    kept = kept.drop(columns=[c for c in extra if c in kept.columns])
    kept = kept.merge(table[keys + extra], on=keys, how="left", validate="many_to_one")
    matched = kept["split"].notna()
    # a clue matching no truth row is placed by the seeded hash of its key, never by its columns
    own = rules.split.place(kept[keys])
    kept["split"] = kept["split"].where(matched, own)
    kept["in_truth"] = matched
    kept["in_competition"] = kept["pattern"].isin(patterns)
    kept["is_case"] = kept["is_case"].fillna(False).astype(bool)
    kept["amount_improper"] = kept["amount_improper"].fillna(0.0).astype(float)

    public_rows = int((table["split"] == PUBLIC).sum())
    k_public, k_private = apportion(int(rules.capacity), public_rows, len(table))
    kept["rank_in_split"] = kept.groupby("split").cumcount() + 1
    k_of = kept["split"].map({PUBLIC: k_public, PRIVATE: k_private})
    kept["reviewed"] = kept["rank_in_split"] <= k_of
    results = {
        PUBLIC: _split_score(PUBLIC, kept[kept["split"] == PUBLIC], table, k_public, rules),
        PRIVATE: _split_score(PRIVATE, kept[kept["split"] == PRIVATE], table, k_private, rules),
        ALL: _split_score(ALL, kept, table, int(rules.capacity), rules),
    }
    return ScoreResult(
        public=results[PUBLIC],
        private=results[PRIVATE],
        all=results[ALL],
        clues=len(frame),
        duplicates=len(ordered) - len(kept),
        outside=int((~kept["pattern"].isin(patterns)).sum()),
        unmatched=int((~kept["in_truth"] & kept["in_competition"]).sum()),
        rules=rules,
        detail=kept,
    )


def _in_review_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The clues in the kit's review order; ties end on clue id, pattern and subject id."""
    out = frame.copy()
    clue_id = out.get("clue_id", "")
    out["_key"] = (
        pd.Series(clue_id, index=out.index).fillna("").astype(str)
        + "|"
        + out["pattern"].astype(str)
        + "|"
        + out["subject_id"].astype(str)
    )
    score = "score" if "score" in out else None
    ordered = review_order(out, score, key="_key")
    return ordered.drop(columns=["_key", "review_score", "review_rank"])


def _split_score(
    name: str, rows: pd.DataFrame, table: pd.DataFrame, k: int, rules: ScoreRules
) -> SplitScore:
    cases = (
        table[table["is_case"]]
        if name == ALL
        else table[table["is_case"] & (table["split"] == name)]
    )
    top = rows.head(k)
    found = top[top["is_case"]]
    amount_total = float(cases["amount_improper"].sum())
    amount_found = float(found["amount_improper"].sum())
    precision = len(found) / k
    recall = amount_found / amount_total if amount_total else 0.0
    return SplitScore(
        split=name,
        capacity=k,
        clues=len(rows),
        reviewed=len(top),
        cases=len(cases),
        cases_found=len(found),
        precision_at_k=precision,
        amount_found=amount_found,
        amount_total=amount_total,
        amount_recall_at_k=recall,
        score=rules.weight * precision + (1 - rules.weight) * recall,
    )
