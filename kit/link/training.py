"""Train the linkage model on a dataset's person tables (the shipped model was made this way)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.datasets import Dataset
from kit.link.apply import identity_columns
from kit.link.evaluate import person_tables
from kit.link.model import SEED, LinkModel, train
from kit.link.standardise import standardise


def training_data(dataset: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Standardised records of every person table of ``dataset``, stacked, and its register.

    Examples
    --------
    >>> import kit
    >>> records, master = training_data(kit.datasets.load("social_security"))
    >>> len(master), records["uid"].is_unique
    (10000, True)
    """
    pairs = person_tables(dataset)
    to = next(iter(pairs.values()))
    master = standardise(dataset.tables[to], identity_columns(dataset, to), table=to)
    regions = tuple(sorted(set(master["region_code"].dropna())))
    parts = [
        standardise(dataset.tables[t], identity_columns(dataset, t), table=t, regions=regions)
        for t in pairs
    ]
    records = pd.concat(parts, ignore_index=True)
    records["uid"] = range(len(records))
    return records, master


def train_on(
    dataset: Dataset, *, seed: int = SEED, max_pairs: float = 2e6, backend: Any = "duckdb"
) -> LinkModel:
    """Train a model on ``dataset``'s person tables (:func:`kit.link.train`); about a minute.

    ``kit link train social_security --out kit/link/person_model.json`` rebuilds the shipped
    model.
    """
    records, master = training_data(dataset)
    model = train(records, master, seed=seed, max_pairs=max_pairs, backend=backend)
    return LinkModel(settings=model.settings, source=f"trained on {dataset.name}")
