"""Plots of an evaluation (English labels, so they render without a CJK font)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from kit.evaluate.core import Evaluation


def plot_workload(ev: Evaluation, ax: Any = None) -> Any:
    """Cases found against clues reviewed, with the perfect and the random order for reference.

    Parameters
    ----------
    ev : Evaluation
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made when omitted.

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    curve = ev.curve
    n = max(ev.n_clues, 1)
    ax.plot(curve["clues_reviewed"], curve["cases_found"], label=f"{ev.model_id} order", lw=2)
    best = [min(k, ev.cases_found) for k in curve["clues_reviewed"]]
    ax.plot(curve["clues_reviewed"], best, ls="--", color="grey", label="perfect order")
    ax.plot([0, n], [0, ev.cases_found], ls=":", color="grey", label="random order")
    ax.axvline(ev.capacity, color="tab:red", lw=1, label=f"review capacity ({ev.capacity})")
    ax.axhline(ev.n_cases, color="black", lw=0.8, alpha=0.5, label=f"all cases ({ev.n_cases})")
    ax.set_xlabel("clues reviewed")
    ax.set_ylabel("cases found")
    ax.set_title(f"{ev.model_id}: review workload")
    ax.set_xlim(0, max(n, ev.capacity) * 1.02)
    ax.set_ylim(0, max(ev.n_cases, 1) * 1.1)
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_at_k(ev: Evaluation, ax: Any = None) -> Any:
    """Precision, recall and amount recall over the first k clues, for k = 1..n_clues.

    Parameters
    ----------
    ev : Evaluation
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made when omitted.

    Returns
    -------
    matplotlib Axes
        Lines in the order precision@k, recall@k, amount recall@k.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    curve = ev.curve.iloc[1:]
    k = curve["clues_reviewed"].to_numpy(dtype=float)
    found = curve["cases_found"].to_numpy(dtype=float)
    ax.plot(k, found / np.maximum(k, 1), lw=2, label="precision@k")
    ax.plot(k, found / max(ev.n_cases, 1), lw=2, label="recall@k")
    money = curve["amount_found"].to_numpy(dtype=float) / (ev.amount_total or 1.0)
    ax.plot(k, money, lw=2, ls="--", label="amount recall@k")
    ax.axvline(ev.capacity, color="tab:red", lw=1, label=f"review capacity ({ev.capacity})")
    ax.set_xlabel("clues reviewed (k)")
    ax.set_ylabel("share")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, max(ev.n_clues, ev.capacity, 1) * 1.02)
    ax.set_title(f"{ev.model_id}: the first k clues ({ev.order})")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_compare(
    evaluations: Iterable[Evaluation] | Mapping[str, Evaluation],
    capacity: int | None = None,
    ax: Any = None,
) -> Any:
    """Workload curves of several evaluations on one chart, with the review capacity marked.

    Parameters
    ----------
    evaluations : iterable of Evaluation, or mapping of label to Evaluation
    capacity : int, optional
        Drawn as a vertical line; default the first evaluation's capacity.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One line per evaluation (in the order given), then the capacity line.
    """
    import matplotlib.pyplot as plt

    from kit.evaluate.breakdown import named_evaluations

    named = named_evaluations(evaluations)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for label, ev in named:
        ax.plot(ev.curve["clues_reviewed"], ev.curve["cases_found"], lw=2, label=label)
    capacity = named[0][1].capacity if capacity is None else capacity
    ax.axvline(capacity, color="tab:red", lw=1, label=f"review capacity ({capacity})")
    top = max(ev.n_cases for _, ev in named)
    ax.axhline(top, color="black", lw=0.8, alpha=0.5, label=f"all cases ({top})")
    ax.set_xlabel("clues reviewed")
    ax.set_ylabel("cases found")
    ax.set_ylim(0, max(top, 1) * 1.1)
    ax.set_title("Cases found for the same review work")
    ax.legend(loc="lower right", fontsize="small")
    return ax
