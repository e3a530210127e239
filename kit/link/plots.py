"""A static waterfall chart of match weights (English labels: renders without a CJK font)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_CJK = re.compile(r"\s*\([^)]*[\u3400-\u9fff][^)]*\)|[\u3400-\u9fff]+")


def _label(text: Any) -> str:
    return _CJK.sub("", str(text)).strip()


def plot_waterfall(chart_data: Sequence[dict[str, Any]], ax: Any = None) -> Any:
    """Draw one record pair's match weight built up field by field (from Splink's chart data).

    Parameters
    ----------
    chart_data : sequence of dict
        ``WaterfallChart.chart_data`` of one pair: the prior, one row per comparison (and term
        frequency adjustment), then the final score, each with ``log2_bayes_factor``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    rows = sorted(chart_data, key=lambda r: r["bar_sort_order"])
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 0.45 * len(rows) + 1))
    total, labels = 0.0, []
    for i, row in enumerate(rows):
        weight = float(row["log2_bayes_factor"])
        name = row["column_name"]
        if name == "Final score":
            ax.barh(i, total, color="C2")
            ax.text(total, i, f" {total:+.1f}", va="center", fontsize="small")
            labels.append("final match weight")
            continue
        start = 0.0 if name == "Prior" else total
        ax.barh(i, weight, left=start, color="C0" if weight >= 0 else "C3")
        ax.text(start + weight, i, f" {weight:+.1f}", va="center", fontsize="small")
        total = weight if name == "Prior" else total + weight
        labels.append("prior (random pair)" if name == "Prior" else _label(row["label_for_charts"]))
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("match weight (log2 Bayes factor); > 0 favours the same person")
    ax.set_title("How each field moved the match weight")
    return ax.figure
