"""Review order (审查顺序): which clue reviewers open first, with ties broken the same way every time.

Every ranking in the kit goes through :func:`review_order`, so precision@k means the same thing
for the model's own order, a learned score, the amount order and a random order:

1. the score, highest first (clues without a score last);
2. then the amount involved, largest first;
3. then the clue id, ascending (stable ids make the last tie-break stable across runs and engines).

The random baseline is not ``numpy.random.permutation`` of the rows: each clue gets a score from
a seeded hash of its clue id, so the same clue keeps its place whatever order the rows arrive in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import KitError

#: Names of the baseline orders accepted by :func:`baseline_score`.
BASELINES = ("amount", "random")


def review_order(
    frame: pd.DataFrame,
    score: Any = None,
    *,
    amount: str = "amount_involved",
    key: str = "clue_id",
) -> pd.DataFrame:
    """Return ``frame`` sorted into review order (best first), index reset.

    Parameters
    ----------
    frame : DataFrame
        Clues (or any rows) with ``amount`` and ``key`` columns.
    score : str, array-like or Series, optional
        Higher is reviewed first. A column name, values in row order, a Series with the
        frame's own index, or a Series indexed by ``key`` values (rows it lacks come last). Without a score the order is amount, then key.
    amount, key : str
        Column names of the second and third sort keys.

    Returns
    -------
    DataFrame
        The rows in review order, with the score used in column ``review_score`` and the
        1-based position in column ``review_rank``.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"clue_id": ["b", "a", "c"], "amount_involved": [5.0, 5.0, 9.0]})
    >>> review_order(f, score=[1, 1, 0])["clue_id"].tolist()
    ['a', 'b', 'c']
    """
    for col in (amount, key):
        if col not in frame.columns:
            raise KitError(
                f"Review order needs a column {col!r}; the table has {', '.join(map(str, frame.columns))}."
            )
    out = frame.copy()
    out["review_score"] = _score_values(frame, score, key)
    out = out.sort_values(
        ["review_score", amount, key],
        ascending=[False, False, True],
        na_position="last",
        kind="mergesort",
    ).reset_index(drop=True)
    out["review_rank"] = np.arange(1, len(out) + 1)
    return out


def baseline_score(
    frame: pd.DataFrame, kind: str, *, seed: int = 0, key: str = "clue_id"
) -> pd.Series:
    """Score of a baseline order, aligned with ``frame``'s rows.

    Parameters
    ----------
    kind : {"amount", "random"}
        ``amount``: the amount involved (largest first). ``random``: a uniform number in [0, 1)
        from a seeded hash of the clue id (the same clue gets the same number on every run).
    seed : int
        Seed of the random order; average over several seeds for the expected random precision.
    """
    if kind == "amount":
        return frame["amount_involved"].astype(float).reset_index(drop=True)
    if kind == "random":
        return pd.Series([_unit_hash(seed, v) for v in frame[key].astype(str)], dtype=float)
    raise KitError(f"Baseline {kind!r} is not known; choose one of {', '.join(BASELINES)}.")


def at_k(is_case: Sequence[bool], k: int, n_cases: int | None = None) -> dict[str, float]:
    """Precision and recall over the first ``k`` items of an ordered list of outcomes.

    Parameters
    ----------
    is_case : sequence of bool
        Outcomes in review order.
    k : int
        Review capacity. With fewer than ``k`` items, precision is over all of them.
    n_cases : int, optional
        Real cases in all (for recall); defaults to the cases in ``is_case``.

    Examples
    --------
    >>> at_k([True, False, True, False], 2)
    {'k': 2, 'reviewed': 2, 'cases_found': 1, 'precision_at_k': 0.5, 'recall_at_k': 0.5}
    """
    if k < 1:
        raise KitError(f"k={k}: the review capacity must be at least 1.")
    flags = np.asarray(is_case, dtype=bool)
    total = int(flags.sum()) if n_cases is None else int(n_cases)
    top = flags[:k]
    found = int(top.sum())
    return {
        "k": int(k),
        "reviewed": len(top),
        "cases_found": found,
        "precision_at_k": found / len(top) if len(top) else 0.0,
        "recall_at_k": found / total if total else 0.0,
    }


def _score_values(frame: pd.DataFrame, score: Any, key: str) -> np.ndarray:
    if score is None:
        return np.zeros(len(frame))
    if isinstance(score, str):
        if score not in frame.columns:
            raise KitError(f"Score column {score!r} is not in the table.")
        return pd.to_numeric(frame[score], errors="coerce").to_numpy(dtype=float)
    if isinstance(score, pd.Series):
        if score.index.equals(frame.index):  # computed from this frame: align by row
            return pd.to_numeric(score, errors="coerce").to_numpy(dtype=float)
        if score.index.duplicated().any():
            dup = score.index[score.index.duplicated()][0]
            raise KitError(
                f"The score Series has {dup!r} twice in its index; give one score per {key}."
            )
        found = frame[key].isin(score.index)
        if len(frame) and not found.any():
            raise KitError(
                f"The score Series matches none of the {len(frame)} row(s): its index is neither "
                f"the table's index nor its {key} values (e.g. {key} {frame[key].iloc[0]!r}). "
                f"Fix: index the scores by {key}, or by the table's own index."
            )
        return frame[key].map(score).astype(float).to_numpy()
    values = np.asarray(score, dtype=float)
    if values.shape != (len(frame),):
        raise KitError(
            f"The score has {values.size} value(s) for {len(frame)} row(s); give one per row "
            f"or a Series indexed by {key}."
        )
    return values


def _unit_hash(seed: int, value: str) -> float:
    digest = hashlib.sha256(f"{seed}:{value}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
