"""The demo report: every library model on the sample data, with clues, evaluation and card."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kit._files import write_text_atomic
from kit.datasets import Dataset
from kit.datasets import load as load_dataset
from kit.docs.model_card import _ENV, _plot_png, model_card
from kit.evaluate import Evaluation, evaluate
from kit.models import Clues, ModelSpec, list_models, run


@dataclass(frozen=True)
class DemoResult:
    """One model's part of the demo: its spec, clues and evaluation."""

    spec: ModelSpec
    clues: Clues
    evaluation: Evaluation


def build_demo(
    out_dir: str | os.PathLike[str] = "reports",
    models: list[ModelSpec] | None = None,
    capacity: int = 50,
) -> tuple[Path, list[DemoResult]]:
    """Run the models on their sample datasets and write ``out_dir/index.html``.

    Each model gets a folder with its masked clue list (HTML and CSV), its evaluation page with
    the workload plot, and its model card (HTML and Markdown).

    Returns
    -------
    index : Path
        The report's front page.
    results : list of DemoResult
    """
    out = Path(out_dir)
    datasets: dict[str, Dataset] = {}
    results = []
    for spec in models or list_models():
        if spec.dataset not in datasets:
            datasets[spec.dataset] = load_dataset(spec.dataset)
        ds = datasets[spec.dataset]
        clues = run(spec, ds)
        ev = evaluate(clues, ds.truth, capacity=capacity)
        _write_model(out / spec.id, spec, clues, ev, ds)
        results.append(DemoResult(spec, clues, ev))
    rows = [
        {
            **r.evaluation.to_dict(),
            "name_en": r.spec.name["en"],
            "name_zh": r.spec.name.get("zh", ""),
            "dataset": r.clues.info["dataset"],
        }
        for r in results
    ]
    from kit.ledger.demo import build as build_ledger

    ledger_page = build_ledger(out, results).relative_to(out).as_posix()
    html = _ENV.get_template("index.html.j2").render(
        rows=rows, version=_version(), ledger_report=ledger_page
    )
    return write_text_atomic(out / "index.html", html), results


def _write_model(folder: Path, spec: ModelSpec, clues: Clues, ev: Evaluation, ds: Dataset) -> None:
    page = _ENV.get_template("page.html.j2")
    clues.save(folder / "clues.csv", masked=True)
    table = clues.to_frame(masked=True).to_html(index=False, na_rep="")
    write_text_atomic(
        folder / "clues.html",
        page.render(
            title=f"{spec.id} clues (线索清单): {spec.name['en']}",
            paragraphs=[
                f"{len(clues):,} clues from run {clues.run_id}, largest amount first; "
                "identifiers masked (已脱敏)."
            ],
            tables=[{"caption": "", "html": table}],
        ),
    )
    write_text_atomic(
        folder / "evaluation.html",
        page.render(
            title=f"{spec.id} evaluation (效果评估)",
            paragraphs=[ev.summary() + "."],
            image=_plot_png(ev),
            image_alt="Cases found against clues reviewed",
            tables=[
                {"caption": "Measures (指标)", "html": ev.to_frame().to_html(index=False)},
                {
                    "caption": "False positives by reason (误报原因)",
                    "html": ev.false_positives.to_html(index=False),
                },
            ],
        ),
    )
    card = model_card(spec, ev, clues=clues, dataset=ds)
    card.save(folder / "model_card.html")
    card.save(folder / "model_card.md")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("supervision-kit")
    except PackageNotFoundError:
        return "(not installed)"
