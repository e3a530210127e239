"""The demo report: every library model on the sample data, documented, evaluated and ledgered.

:func:`build_demo` runs the models, fills the demo ledger, and writes ``index.html`` (an overview
of every model with a chart, links to each model's specification document in English and
Chinese, its masked clue list, evaluation page and model card, the datasets' datasheets and the
ledger's period report). Every page is self-contained (inline CSS, images as ``data:`` URIs) and
links only to files of the report, so it can be copied to a machine without network access.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit._files import figure_png, write_text_atomic
from kit.datasets import Dataset
from kit.datasets import load as load_dataset
from kit.docs._render import ENV, LANGS
from kit.docs.datasheet import datasheet
from kit.docs.fonts import chart_style
from kit.docs.model_card import _plot_png, model_card
from kit.docs.specification import ledger_summary, specification
from kit.evaluate import Evaluation, evaluate
from kit.models import Clues, ModelSpec, list_models, run

#: Files written for each model, relative to its folder (``SS01/...``).
MODEL_FILES = (
    "clues.html",
    "clues.csv",
    "evaluation.html",
    "model_card.html",
    "model_card.md",
    *(f"spec.{lang}.{ext}" for lang in LANGS for ext in ("html", "md")),
)


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
    the workload plot, its model card and its specification document (``spec.en.html``,
    ``spec.zh.html`` and Markdown). ``datasets/`` holds the datasheets of the datasets used
    (``NAME.en.html``, ``NAME.zh.html`` and Markdown); ``ledger/`` the demo ledger and its period
    report. The same models and data give byte-identical files.

    Parameters
    ----------
    out_dir : str or path
        The report folder.
    models : list of ModelSpec, optional
        Models to run (default: the whole library).
    capacity : int
        Review capacity for precision@k.

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

    from kit.ledger import Ledger
    from kit.ledger.demo import PERIOD
    from kit.ledger.demo import build as build_ledger

    ledger_page = build_ledger(out, results)
    ledger = Ledger(ledger_page.parent / "ledger.db", actor="kit demo")
    try:
        rows = []
        for res in results:
            ds = datasets[res.spec.dataset]
            for lang in LANGS:
                doc = specification(res.spec, res.evaluation, res.clues, ds, ledger, lang=lang,
                                    back_link="../index.html")  # fmt: skip
                doc.save(out / res.spec.id / f"spec.{lang}.html")
                doc.save(out / res.spec.id / f"spec.{lang}.md")
            rows.append(_row(res, ledger_summary(ledger, res.spec.id)))
        period = ledger.report(*PERIOD)
    finally:
        ledger.close()
    sheets = []
    for name, ds in datasets.items():
        for lang in LANGS:
            sheet = datasheet(ds, lang=lang, back_link="../index.html")
            sheet.save(out / "datasets" / f"{name}.{lang}.html")
            sheet.save(out / "datasets" / f"{name}.{lang}.md")
        meta = ds.meta
        sheets.append({"name": name, "title": meta.get("title", ""),
                       "title_zh": meta.get("title_zh", ""), "tables": len(ds.tables)})  # fmt: skip
    html = ENV.get_template("index.html.j2").render(
        rows=rows,
        version=_version(),
        ledger_report=ledger_page.relative_to(out).as_posix(),
        period_zh=period.paragraph("zh"),
        period_en=period.paragraph("en"),
        sheets=sheets,
        chart=overview_png(rows),
        totals=_totals(rows),
    )
    return write_text_atomic(out / "index.html", html), results


def _row(res: DemoResult, ledger: dict[str, Any] | None) -> dict[str, Any]:
    ev = res.evaluation
    row = {
        **ev.to_dict(),
        "conversion_rate": ev.conversion_rate,
        "recall": ev.recall,
        "amount_recall": ev.amount_recall,
        "name_en": res.spec.name["en"],
        "name_zh": res.spec.name.get("zh", ""),
        "dataset": res.clues.info["dataset"],
        "units": 0,
        "ledger_cases": 0,
        "recovered": 0.0,
    }
    if ledger is not None:
        row.update(units=ledger["units"], ledger_cases=ledger["cases_filed"],
                   recovered=ledger["loss_recovered_fen"] / 100)  # fmt: skip
    return row


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    clues = sum(r["clues"] for r in rows)
    found = sum(r["cases_found"] for r in rows)
    cases = sum(r["cases"] for r in rows)
    return {
        "models": len(rows),
        "clues": clues,
        "cases_found": found,
        "cases": cases,
        "conversion_rate": found / clues if clues else 0.0,
        "recall": found / cases if cases else 0.0,
        "ledger_cases": sum(r["ledger_cases"] for r in rows),
        "recovered": sum(r["recovered"] for r in rows),
    }


def overview_png(rows: list[dict[str, Any]]) -> str:
    """Bar chart of recall and conversion rate per model (Chinese labels when a CJK font exists)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    style = chart_style()
    with matplotlib.rc_context(style.rc):
        fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.6))
        ids = [r["model_id"] for r in rows][::-1]
        y = range(len(ids))
        recall = [r["recall"] * 100 for r in rows][::-1]
        conversion = [r["conversion_rate"] * 100 for r in rows][::-1]
        ax.barh([i + 0.2 for i in y], recall, height=0.4, color="#4c72b0",
                label=style.label("recall", "召回率"))  # fmt: skip
        ax.barh([i - 0.2 for i in y], conversion, height=0.4, color="#dd8452",
                label=style.label("conversion rate", "成案转化率"))  # fmt: skip
        ax.set_yticks(list(y), ids)
        ax.set_xlim(0, 100)
        ax.set_xlabel(style.label("% of cases / of clues", "百分比"))
        ax.set_title(style.label("Library models on the sample data", "模型库在样例数据上的效果"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return figure_png(fig)


def _write_model(folder: Path, spec: ModelSpec, clues: Clues, ev: Evaluation, ds: Dataset) -> None:
    page = ENV.get_template("page.html.j2")
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
