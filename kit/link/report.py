"""The linkage report printed by ``kit link evaluate``: link quality and each model's recall gain.

The shipped model was trained on the social security sample, and the default threshold is read
from that sample's curve (:data:`TRAINING`); the medical insurance sample is held out: its
figures show how the model and threshold carry over to data they were not chosen on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kit.datasets import Dataset, load
from kit.link.apply import identity_columns, link_dataset, linked_table
from kit.link.evaluate import MIN_PRECISION, choose_threshold, evaluate_dataset, stressed
from kit.link.linker import DEFAULT_THRESHOLD
from kit.link.model import LinkModel, default_model

#: The sample datasets the report covers by default.
SAMPLES = ("social_security", "medical_insurance")
#: The sample the shipped model was trained on and the default threshold chosen on.
TRAINING = "social_security"


def cleaned_dataset(dataset: Dataset, steps: Sequence[Any]) -> Dataset:
    """A copy of ``dataset`` whose linked tables hold their cleaned ID numbers (no linkage).

    ID numbers go through :func:`kit.ids.clean` and 15 -> 18 conversion only, as in the exact
    step of linkage: the baseline that separates what ID cleaning gains from what
    probabilistic linkage gains.
    """
    tables = dict(dataset.tables)
    for step in steps:
        links = linked_table(
            dataset,
            step.table,
            step.to,
            columns=dict(step.columns),
            master_columns=dict(step.master_columns),
        )
        col = identity_columns(dataset, step.table, dict(step.columns)).id
        frame = tables[step.table].copy()
        ids = links.frame["id_number"]
        frame[col] = ids.astype("str").where(ids.notna(), None).to_numpy()
        tables[step.table] = frame
    fingerprint = f"{dataset.fingerprint}+cleaned:{','.join(s.table for s in steps)}"
    return replace(dataset, tables=tables, fingerprint=fingerprint)


def model_gains(
    dataset: Dataset,
    *,
    threshold: float | None = None,
    model: LinkModel | None = None,
    only: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Recall of every library model with a ``link:`` section, three ways.

    ``raw`` matches ID numbers as recorded (linkage off); ``cleaned`` after ID cleaning and
    15 -> 18 conversion only (the exact step of linkage); ``linked`` with full linkage
    (exact, then probabilistic at ``threshold`` with ``model``; default the spec's threshold
    and the shipped model). ``cleaned`` -> ``linked`` is what probabilistic linkage adds.
    ``only`` limits the models (ids).

    Returns
    -------
    list of dict
        ``model``, ``cases``, ``threshold``, then ``{raw,cleaned,linked}_{clues,found,recall}``.
    """
    import kit

    rows = []
    for spec in kit.models.list_models():
        if not spec.link or spec.dataset != dataset.name or dataset.truth is None:
            continue
        if only is not None and spec.id not in only:
            continue
        plain = spec.derive(link=None)  # same SQL and parameters, no linkage step
        on = {step.switch: True for step in spec.link}
        linked, _ = link_dataset(dataset, spec.link, on, model=model, threshold=threshold)
        row: dict[str, Any] = {
            "model": spec.id,
            "threshold": threshold if threshold is not None else spec.link[0].threshold,
        }
        for label, data in (
            ("raw", dataset),
            ("cleaned", cleaned_dataset(dataset, spec.link)),
            ("linked", linked),
        ):
            clues = kit.run(plain, data)
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
    threshold: float | None = None,
    model_path: str | None = None,
    models: bool = True,
    stress: bool = True,
) -> dict[str, Any]:
    """Link quality per dataset and issue, a stress scenario, the threshold read from the
    training sample's curve, and the recall gains of library models with a ``link:`` section.

    Parameters
    ----------
    datasets : dataset(s) or name(s)
    threshold : float, optional
        Match probability; default :data:`kit.link.DEFAULT_THRESHOLD`. Reaches the model
        lines too.
    model_path : str, optional
        A model JSON; default the shipped model. Reaches the model lines too.
    models, stress : bool
        Include the model recall lines and the stress scenario.

    Returns
    -------
    dict
        ``threshold``, ``model``, ``training`` (dataset the threshold is read from),
        ``chosen_threshold`` (:func:`kit.link.choose_threshold` on its pair curve, ``None``
        when it is not among the datasets) and ``datasets``: per dataset its ``role``
        (``training`` or ``held out``), ``without_usable_id`` and ``all`` figures, ``issues``
        (per identity issue), ``stress`` (the same with every degraded record's ID number
        removed), ``curve`` and ``models``.
    """
    if isinstance(datasets, Dataset | str):
        datasets = [datasets]
    model = LinkModel.load(model_path) if model_path else None
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    loaded = [item if isinstance(item, Dataset) else load(item) for item in datasets]
    per, chosen = [], None
    for ds in loaded:
        ev = evaluate_dataset(ds, threshold=t, model=model)
        if ds.name == TRAINING:
            chosen = choose_threshold(ev)
        entry: dict[str, Any] = {
            "dataset": ds.name,
            "role": "training" if ds.name == TRAINING else "held out",
            "without_usable_id": ev.at(),
            "all": ev.at(scope="all"),
            "issues": _issues(ev),
            "curve": ev.curve.to_dict("records"),
            "models": model_gains(ds, threshold=threshold, model=model) if models else [],
        }
        if stress:
            st = evaluate_dataset(stressed(ds), threshold=t, model=model)
            entry["stress"] = {"without_usable_id": st.at(), "issues": _issues(st)}
        per.append(entry)
    return {
        "threshold": t,
        "model": (model or default_model()).source,
        "training": TRAINING,
        "chosen_threshold": chosen,
        "min_precision": MIN_PRECISION,
        "datasets": per,
    }


def _issues(ev: Any) -> list[dict[str, Any]]:
    table = ev.issues().reset_index()
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in table.to_dict("records")]  # fmt: skip


def _issue_line(r: dict[str, Any]) -> str:
    return (
        f"    {r['issue']:<15}{r['records']:>6} records, {r['without_usable_id']:>5} without a "
        f"usable ID: {r['no_id_linked']:>4} linked, {r['no_id_correct']:>4} correct of "
        f"{r['no_id_in_register']:>4} in the register (precision {r['precision']:.4f}, "
        f"recall {r['recall']:.4f})"
    )


def format_report(report: dict[str, Any], curve: bool = False) -> str:
    """The report as text for the terminal."""
    t = report["threshold"]
    default = " (default)" if t == DEFAULT_THRESHOLD else ""
    lines = [f"Linkage model: {report['model']}, trained on {report['training']}"]
    for d in report["datasets"]:
        role = "training data" if d["role"] == "training" else "held out"
        lines.append(
            f"Record linkage on {d['dataset']} ({role}) at match probability >= {t}{default}"
        )
        for scope, title in (("without_usable_id", "records without a usable ID"), ("all", "all records")):  # fmt: skip
            lines.append(f"  {title}: {_figures(d[scope])}")
        exact = [
            f"{r['issue']} {r['correct'] - r['no_id_correct']}/{r['records'] - r['without_usable_id']}"
            for r in d["issues"]
            if r["records"] > r["without_usable_id"]
        ]
        lines.append(
            f"  per identity issue, usable ID (linked exactly, correct/records): {', '.join(exact)}"
        )
        lines.append("  per identity issue, without a usable ID (probabilistic linkage only):")
        lines += [_issue_line(r) for r in d["issues"] if r["without_usable_id"]]
        if "stress" in d:
            lines.append(
                "  stress: every degraded record's ID number removed, records without a usable "
                f"ID: {_figures(d['stress']['without_usable_id'])}"
            )
            lines += [_issue_line(r) for r in d["stress"]["issues"] if r["issue"] != "clean"]
        for m in d["models"]:
            lines.append(
                f"  {m['model']} recall, {m['cases']} cases: raw exact IDs "
                f"{m['raw_recall']:.3f} ({m['raw_found']}, {m['raw_clues']} clues); cleaned "
                f"exact IDs {m['cleaned_recall']:.3f} ({m['cleaned_found']}, "
                f"{m['cleaned_clues']} clues); full linkage at {m['threshold']} "
                f"{m['linked_recall']:.3f} ({m['linked_found']}, {m['linked_clues']} clues)"
            )
        if curve:
            lines.append("  curve, candidate pairs of records without a usable ID:")
            lines.append("    threshold  pairs  correct  precision  recall")
            for row in d["curve"]:
                if row["scope"] == "pairs":
                    lines.append(
                        f"    {row['threshold']:<9}  {row['linked']:>5}  {row['correct']:>7}  "
                        f"{row['precision']:.4f}     {row['recall']:.4f}"
                    )
    if report["chosen_threshold"] is not None:
        lines.append(
            f"Threshold read from the {report['training']} pair curve (precision >= "
            f"{report['min_precision']}, no true link lost, one step inside the plateau): "
            f"{report['chosen_threshold']}; other datasets above are held out"
        )
    return "\n".join(lines)


def _figures(r: dict[str, Any]) -> str:
    return (
        f"{r['records']} in the register, {r['linked']} linked, {r['correct']} correct: "
        f"precision {r['precision']:.4f}, recall {r['recall']:.4f}"
    )
