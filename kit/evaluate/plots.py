"""Plots of an evaluation (English labels, so they render without a CJK font)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
