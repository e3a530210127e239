"""The linkage report printed by ``kit link evaluate``: link quality and each model's recall gain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kit.datasets import Dataset, load
from kit.link.evaluate import MIN_PRECISION, choose_threshold, evaluate_dataset
from kit.link.linker import DEFAULT_THRESHOLD
from kit.link.model import LinkModel

#: The sample datasets whose linkage truth the default threshold was chosen on.
SAMPLES = ("social_security", "medical_insurance")


def model_gains(dataset: Dataset) -> list[dict[str, Any]]:
    """Recall of every library model with a ``link:`` section, with exact IDs and with linkage.

    Returns
    -------
    list of dict
        ``model``, ``cases``, then ``clues``, ``found`` and ``recall`` with exact IDs only
        (prefix ``exact_``: the switch parameter false) and with linkage (prefix ``linked_``).
    """
    import kit

    rows = []
    for spec in kit.models.list_models():
        if not spec.link or spec.dataset != dataset.name or dataset.truth is None:
            continue
        row: dict[str, Any] = {"model": spec.id}
        for label, switch in (("exact", False), ("linked", True)):
            clues = kit.run(spec, dataset, params={step.switch: switch for step in spec.link})
            ev = kit.evaluate(clues, dataset.truth)
            row["cases"] = ev.n_cases
            row[f"{label}_clues"] = len(clues)
            row[f"{label}_found"] = int(round(ev.recall * ev.n_cases))
            row[f"{label}_recall"] = round(ev.recall, 4)
        rows.append(row)
    return rows


def evaluation_report(
    datasets: Sequence[Dataset | str] | Dataset | str = SAMPLES,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model_path: str | None = None,
    models: bool = True,
) -> dict[str, Any]:
    """Link quality at ``threshold`` per dataset, the threshold read from the pooled curve,
    and the recall gain of library models with a ``link:`` section.

    Returns
    -------
    dict
        ``threshold``, ``chosen_threshold`` (:func:`kit.link.choose_threshold` on the pooled
        pair curve of all datasets), ``pooled_curve`` and ``datasets``: per dataset its
        ``without_usable_id`` and ``all`` figures, ``by_issue``, ``curve`` and ``models``.
    """
    if isinstance(datasets, Dataset | str):
        datasets = [datasets]
    model = LinkModel.load(model_path) if model_path else None
    loaded = [item if isinstance(item, Dataset) else load(item) for item in datasets]
    per = []
    for ds in loaded:
        ev = evaluate_dataset(ds, threshold=threshold, model=model)
        per.append(
            {
                "dataset": ds.name,
                "without_usable_id": ev.at(),
                "all": ev.at(scope="all"),
                "by_issue": ev.by_issue.to_dict("records"),
                "curve": ev.curve.to_dict("records"),
                "models": model_gains(ds) if models else [],
            }
        )
    pooled = evaluate_dataset(loaded, threshold=threshold, model=model)
    return {
        "threshold": threshold,
        "chosen_threshold": choose_threshold(pooled),
        "min_precision": MIN_PRECISION,
        "pooled_curve": pooled.curve.to_dict("records"),
        "datasets": per,
    }


def format_report(report: dict[str, Any], curve: bool = False) -> str:
    """The report as text for the terminal."""
    t = report["threshold"]
    lines = []
    for d in report["datasets"]:
        lines.append(f"Record linkage on {d['dataset']} at match probability >= {t}")
        for scope, title in (("without_usable_id", "records without a usable ID"), ("all", "all records")):  # fmt: skip
            r = d[scope]
            lines.append(
                f"  {title}: {r['records']} in the register, {r['linked']} linked, "
                f"{r['correct']} correct: precision {r['precision']:.4f}, recall {r['recall']:.4f}"
            )
        for m in d["models"]:
            lines.append(
                f"  {m['model']} recall with exact IDs: {m['exact_recall']:.3f} "
                f"({m['exact_found']}/{m['cases']} cases, {m['exact_clues']} clues); "
                f"with linkage: {m['linked_recall']:.3f} "
                f"({m['linked_found']}/{m['cases']} cases, {m['linked_clues']} clues)"
            )
    if curve:
        lines.append("Pooled curve, candidate pairs of records without a usable ID:")
        lines.append("  threshold  pairs  correct  precision  recall")
        for row in report["pooled_curve"]:
            if row["scope"] == "pairs":
                lines.append(
                    f"  {row['threshold']:<9}  {row['linked']:>5}  {row['correct']:>7}  "
                    f"{row['precision']:.4f}     {row['recall']:.4f}"
                )
    lines.append(
        f"Threshold read from the pooled pair curve (precision >= {report['min_precision']}, "
        f"no true link lost, one step inside the plateau): {report['chosen_threshold']}"
    )
    return "\n".join(lines)
