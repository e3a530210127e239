"""Promotion (推广): models applied by N or more distinct units that screened clues and formed cases.

The seed's criterion for submitting a model to the national platform is that its application by
"5家以上" procuratorates screened clues of similar cases and formed cases; 以上 includes the number
itself, so ``min_units=5`` means five or more. A unit counts for a model when its applications of
the model screened at least one clue and formed at least one case, either as reported with the
application (``cases_formed``) or as filed cases in the case ledger that cite the model.

Examples
--------
>>> frame = pd.DataFrame({"model_id": ["M1"] * 5, "unit": list("ABCDE"), "applications": 1,
...     "first_applied": None, "clues_screened": 10, "clues_verified": 2, "cases_formed": 1,
...     "ledger_cases": 0})
>>> promotion_candidates(frame, min_units=5).candidates["units"].tolist()
[5]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kit.errors import LedgerError

CANDIDATE_COLUMNS = ["model_id", "units", "unit_names", "applications", "clues_screened",
                     "cases_formed", "ledger_cases"]  # fmt: skip


@dataclass(frozen=True)
class Promotion:
    """Models that meet the promotion criterion, with the evidence per model and unit.

    Attributes
    ----------
    min_units : int
        The threshold N (inclusive).
    candidates : DataFrame
        One row per qualifying model: ``model_id, units`` (qualifying units), ``unit_names``,
        totals over those units, plus the model's name and status when known.
    evidence : DataFrame
        One row per model and unit (every unit that applied a candidate model), with
        ``qualifies`` saying whether that unit counts.
    """

    min_units: int
    candidates: pd.DataFrame
    evidence: pd.DataFrame

    def __len__(self) -> int:
        return len(self.candidates)

    @property
    def model_ids(self) -> list[str]:
        """Ids of the qualifying models, most units first."""
        return self.candidates["model_id"].tolist()

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: threshold, candidates and evidence records."""
        return {
            "min_units": self.min_units,
            "candidates": _records(self.candidates),
            "evidence": _records(self.evidence),
        }

    def _repr_html_(self) -> str:
        head = f"<p>{len(self)} model(s) applied by {self.min_units} or more units (5家以上).</p>"
        return head + self.candidates.to_html(index=False)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in out
    ]


def promotion_candidates(
    per_unit: pd.DataFrame, min_units: int = 5, models: pd.DataFrame | None = None
) -> Promotion:
    """Apply the criterion to per-unit application totals (:func:`kit.ledger.queries.unit_applications`).

    Parameters
    ----------
    per_unit : DataFrame
        Columns ``model_id, unit, applications, first_applied, clues_screened, clues_verified,
        cases_formed, ledger_cases``.
    min_units : int
        N: at least this many distinct qualifying units (inclusive).
    models : DataFrame, optional
        The ``models`` table; adds ``name_zh``, ``name_en`` and ``status`` to the candidates.
    """
    if isinstance(min_units, bool) or int(min_units) != min_units or min_units < 1:
        raise LedgerError(
            f"min_units={min_units!r}: give a whole number of units, 1 or more (5 in the seed)."
        )
    min_units = int(min_units)
    ev = per_unit.copy()
    formed = (ev["cases_formed"] > 0) | (ev["ledger_cases"] > 0)
    ev["qualifies"] = (ev["clues_screened"] > 0) & formed
    good = ev[ev["qualifies"]]
    totals = good.groupby("model_id", sort=True).agg(
        units=("unit", "nunique"),
        unit_names=("unit", lambda u: "; ".join(sorted(set(u)))),
        applications=("applications", "sum"),
        clues_screened=("clues_screened", "sum"),
        cases_formed=("cases_formed", "sum"),
        ledger_cases=("ledger_cases", "sum"),
    )
    totals = totals.reset_index()
    if totals.empty:
        totals = pd.DataFrame(columns=CANDIDATE_COLUMNS)
    cands = totals[totals["units"] >= min_units].copy()
    if models is not None and not models.empty:
        info = models[["id", "name_zh", "name_en", "status"]].rename(columns={"id": "model_id"})
        cands = cands.merge(info, on="model_id", how="left")
    cands = cands.sort_values(["units", "model_id"], ascending=[False, True], ignore_index=True)
    for col in CANDIDATE_COLUMNS[1:]:
        if col != "unit_names":
            cands[col] = cands[col].astype(int)
    evidence = ev[ev["model_id"].isin(cands["model_id"])]
    evidence = evidence.sort_values(["model_id", "unit"], ignore_index=True)
    return Promotion(min_units, cands, evidence)
