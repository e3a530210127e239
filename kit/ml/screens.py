"""Wide screens (粗筛): broad versions of library models whose clues a learned ranking orders.

A careful model such as SS01 drops a clue when one of its guards says "legitimate" (the month of
death is payable, the money was recovered...). A wide screen keeps those clues and records each
guard's signal as a column instead, so a ranking model can learn how much each signal matters.
Screens are ordinary :class:`~kit.models.ModelSpec` files in ``kit/ml/screens/<MODEL>.yaml``
with two extra sections:

``screen_of``
    The library model the screen widens (``SS01``); its truth pattern is the screen's.
``features``
    ``history``: columns whose earlier clues are counted (the subject, a patient, an
    institution); ``exclude``: model columns that are not to be used as features.

Examples
--------
>>> from kit.ml.screens import available_screens, get_screen
>>> available_screens()
['MI05', 'SS01']
>>> get_screen("SS01").id
'SS01-WIDE'
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from kit.datasets import Dataset
from kit.datasets import load as load_dataset
from kit.errors import KitError
from kit.models.clues import Clues
from kit.models.run import run
from kit.models.spec import ModelSpec

#: Folder of the screen files (``<MODEL>.yaml``).
SCREENS = Path(__file__).with_name("screens")
#: Column added to linked tables: the ID number as the source wrote it, before linkage.
RECORDED_ID = "recorded_id_number"


def available_screens() -> list[str]:
    """Ids of the library models that have a wide screen, sorted."""
    return sorted(p.stem for p in SCREENS.glob("*.yaml"))


def get_screen(model_id: str) -> ModelSpec:
    """The wide screen of a library model (``"SS01"`` or ``"SS01-WIDE"``).

    Raises
    ------
    KitError
        When the model has no screen; the message lists those that do.
    """
    base = str(model_id).upper().removesuffix("-WIDE")
    path = SCREENS / f"{base}.yaml"
    if not path.exists():
        raise KitError(
            f"Model {model_id!r} has no wide screen for clue prioritisation. "
            f"Fix: choose one of {', '.join(available_screens())}, or add "
            f"kit/ml/screens/{base}.yaml (a model spec with screen_of and features sections)."
        )
    return ModelSpec.from_yaml(path)


def screen_options(spec: ModelSpec) -> dict[str, Any]:
    """The screen's ``features`` section: ``history`` and ``exclude`` column lists."""
    section = spec.raw.get("features") or {}
    out = {
        "history": list(section.get("history") or []),
        "exclude": list(section.get("exclude") or []),
    }
    for key, value in out.items():
        if not all(isinstance(v, str) for v in value):
            raise KitError(f"{spec.id}, section features.{key}: give a list of column names.")
    return out


def with_recorded_ids(dataset: Dataset, spec: ModelSpec) -> Dataset:
    """A copy of ``dataset`` whose linked tables keep the ID number as written (``recorded_id_number``).

    Linkage replaces a table's ID numbers with the register's; the copy lets a screen tell which
    records needed cleaning or linkage (a data-quality feature). The copy has its own fingerprint.
    """
    tables = dict(dataset.tables)
    changed = False
    for step in spec.link:
        frame = tables[step.table]
        if "id_number" in frame.columns and RECORDED_ID not in frame.columns:
            frame = frame.copy()
            frame[RECORDED_ID] = frame["id_number"]
            tables[step.table] = frame
            changed = True
    if not changed:
        return dataset
    mark = hashlib.sha256(f"{dataset.fingerprint}|{RECORDED_ID}".encode()).hexdigest()
    return dataclasses.replace(dataset, tables=tables, fingerprint=mark)


def run_screen(model_id: str, dataset: Dataset | str | None = None) -> Clues:
    """Run a model's wide screen and return its clues (standard clue columns, then features).

    Parameters
    ----------
    model_id : str
        ``"SS01"`` or ``"MI05"`` (see :func:`available_screens`).
    dataset : Dataset or str, optional
        Default: the screen's own sample dataset.

    Examples
    --------
    >>> clues = run_screen("MI05")
    >>> clues.info["model_id"], clues.info["pattern"]
    ('MI05-WIDE', 'hanging_bed')
    """
    spec = get_screen(model_id)
    if not isinstance(dataset, Dataset):
        dataset = load_dataset(dataset or spec.dataset)
    clues = run(spec, with_recorded_ids(dataset, spec))
    clues.info["screen_of"] = str(spec.raw.get("screen_of", ""))
    clues.info["features"] = screen_options(spec)
    return clues
