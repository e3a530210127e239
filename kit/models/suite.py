"""Run the whole model library (or a chosen set) and check each model against its floors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.datasets import Dataset
from kit.datasets import load as load_dataset
from kit.engine import Engine, get_engine
from kit.errors import KitError
from kit.models.library import get, list_models
from kit.models.run import run
from kit.models.spec import ModelSpec

if TYPE_CHECKING:
    from kit.evaluate import Evaluation

#: Floors a spec may set under ``expected:``, and the evaluation figure each one bounds.
FLOORS = {"recall": "recall", "conversion": "conversion_rate"}

SUITE_LABELS_ZH = {
    "model_id": "模型编号",
    "name": "模型名称",
    "field": "领域",
    "clues": "线索数",
    "cases": "真实案件数",
    "cases_found": "命中案件数",
    "conversion_rate": "成案转化率",
    "recall": "召回率",
    "seconds": "耗时(秒)",
    "recall_floor": "召回率下限",
    "conversion_floor": "转化率下限",
    "meets_floors": "达标",
}


def floor_failures(spec: ModelSpec, evaluation: Evaluation) -> list[str]:
    """What in ``evaluation`` falls below the spec's ``expected:`` floors (empty when none).

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> ev = kit.evaluate(kit.run("SS01", ds), ds.truth)
    >>> floor_failures(kit.models.get("SS01"), ev)
    []
    """
    failures = []
    for key, attr in FLOORS.items():
        floor = spec.expected.get(key)
        value = getattr(evaluation, attr)
        if floor is not None and value < floor:
            failures.append(f"{key} {value:.3f} is below its floor {floor:.3f}")
    return failures


def run_suite(
    models: Iterable[str | ModelSpec] | None = None,
    engine: Engine | str | None = None,
    capacity: int = 50,
    datasets: dict[str, Dataset] | None = None,
) -> pd.DataFrame:
    """Run models on their sample datasets, evaluate each, and compare it with its floors.

    Parameters
    ----------
    models : iterable of str or ModelSpec, optional
        Model ids or specs; by default every library model, in id order.
    engine : Engine or str, optional
        ``"duckdb"`` (default) or ``"spark"``; one engine serves every model.
    capacity : int
        Review capacity for precision@k.
    datasets : dict of str to Dataset, optional
        Datasets already loaded, by name (each is loaded once otherwise).

    Returns
    -------
    DataFrame
        One row per model: id, name, field, clues, cases, cases found, conversion rate, recall,
        amount recall, seconds (the run: linkage, staging and query), the floors and
        ``meets_floors`` (``None`` without truth); ``failures`` says what fell short, or why the
        model did not run. ``SUITE_LABELS_ZH`` gives Chinese column labels.
    """
    from kit.evaluate import evaluate

    specs = [get(m) if isinstance(m, str) else m for m in (models or list_models())]
    eng = get_engine(engine)
    loaded = dict(datasets or {})
    rows: list[dict[str, Any]] = []
    for spec in specs:
        name = spec.dataset or spec.field
        if name not in loaded:
            loaded[name] = load_dataset(name)
        dataset = loaded[name]
        row: dict[str, Any] = {
            "model_id": spec.id,
            "name": spec.name["en"],
            "name_zh": spec.name.get("zh", ""),
            "field": spec.field,
            "engine": eng.name,
            "recall_floor": spec.expected.get("recall"),
            "conversion_floor": spec.expected.get("conversion"),
        }
        try:
            clues = run(spec, dataset, engine=eng)
        except KitError as exc:  # one broken model must not hide the others' results
            rows.append({**row, "meets_floors": False, "failures": f"did not run: {exc}"})
            continue
        row.update(clues=len(clues), seconds=clues.info["seconds"])
        if dataset.truth is None:
            row.update(meets_floors=None, failures="no truth to evaluate")
        else:
            ev = evaluate(clues, dataset.truth, capacity)
            failures = floor_failures(spec, ev)
            row.update(
                cases=ev.n_cases,
                cases_found=ev.cases_found,
                conversion_rate=round(ev.conversion_rate, 4),
                recall=round(ev.recall, 4),
                amount_recall=round(ev.amount_recall, 4),
                meets_floors=not failures,
                failures="; ".join(failures),
            )
        rows.append(row)
    columns = [
        "model_id", "name", "name_zh", "field", "engine", "clues", "cases", "cases_found",
        "conversion_rate", "recall", "amount_recall", "seconds", "recall_floor",
        "conversion_floor", "meets_floors", "failures",
    ]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=columns)
