"""Model cards (模型说明): what a model does, on which data and law, and how well it works."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from kit._files import figure_png, write_text_atomic
from kit.models.clues import Clues
from kit.models.spec import ModelSpec

if TYPE_CHECKING:
    from kit.datasets import Dataset
    from kit.evaluate import Evaluation

FIELD_LABELS = {
    "social_security": "social security (社保)",
    "medical_insurance": "medical insurance (医保)",
    "environment": "ecological environment and safe production (生态环境和安全生产)",
    "judicial": "judicial litigation supervision (司法诉讼监督)",
}
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("kit.docs", "templates"),
    autoescape=jinja2.select_autoescape(["html.j2"]),
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class ModelCard:
    """A rendered model card; ``save`` writes Markdown or HTML by the file's suffix."""

    model_id: str
    markdown: str
    html: str

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``.md`` or ``.html`` through a temporary file renamed into place."""
        path = Path(path)
        text = self.html if path.suffix.lower() in {".html", ".htm"} else self.markdown
        return write_text_atomic(path, text)

    def _repr_markdown_(self) -> str:
        return self.markdown


def model_card(
    spec: ModelSpec,
    evaluation: Evaluation | None = None,
    clues: Clues | None = None,
    dataset: Dataset | None = None,
    examples: int = 3,
) -> ModelCard:
    """Render a model card from a spec and, when given, its evaluation and clues.

    Identifiers in example clues are masked; no raw ID number is written into a card.

    Parameters
    ----------
    spec : ModelSpec
    evaluation : Evaluation, optional
        Adds the evaluation section and the workload plot (HTML).
    clues : Clues, optional
        Adds the run id and up to ``examples`` masked example clues.
    dataset : Dataset, optional
        Gives the data sources their titles.
    examples : int
        Number of example clues to show.
    """
    context: dict[str, Any] = {
        "spec": spec,
        "field_label": FIELD_LABELS.get(spec.field, spec.field),
        "sources": _sources(spec, dataset),
        "ev": evaluation,
        "clues": clues,
        "examples": clues.to_frame(masked=True).head(examples).to_dict("records") if clues else [],
    }
    if evaluation is not None:
        frame = evaluation.to_frame()
        context["ev_rows"] = [
            {"measure": r["measure"], "label": r["指标"], "value": _fmt(r["measure"], r["value"])}
            for r in frame.to_dict("records")
        ]
        context["fp_rows"] = evaluation.false_positives.to_dict("records")
    markdown = _ENV.get_template("model_card.md.j2").render(**context)
    if evaluation is not None:
        context["plot_png"] = _plot_png(evaluation)
    html = _ENV.get_template("model_card.html.j2").render(**context)
    return ModelCard(spec.id, markdown, html)


def _sources(spec: ModelSpec, dataset: Dataset | None) -> list[dict[str, str]]:
    titles = {}
    if dataset is not None:
        titles = {r["name"]: r for r in dataset.meta.get("resources", [])}
    return [
        {
            "name": s,
            "title": titles.get(s, {}).get("title", ""),
            "title_zh": titles.get(s, {}).get("title_zh", ""),
        }
        for s in spec.sources
    ]


RATES = {"conversion_rate", "recall", "amount_recall", "precision_at_k", "recall_at_k"}


def _fmt(measure: str, value: Any) -> str:
    if measure in RATES:
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _plot_png(evaluation: Evaluation) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    evaluation.plot_workload(ax=ax)
    return figure_png(fig)
