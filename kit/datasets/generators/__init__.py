"""Seeded generators of the synthetic sample data, one package per field.

One seed describes one fictional world: the same people appear in the social security, medical
insurance and environment data. Each field package exposes ``FIELD``, ``DEFAULT_SEED``,
``iter_chunks``, ``generate``, ``package`` and ``calibrate``; :func:`write` turns any of them into
a Data Package on disk (CSV, gzipped CSV or Parquet), chunk by chunk in bounded memory.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from kit.datasets.generators.writer import WriteReport, write
from kit.errors import KitError

#: The fields with a generator, in catalogue order.
FIELDS = ("social_security", "medical_insurance", "environment")
#: Persons in the synthetic world at each named scale.
SCALES = {"county": 10_000, "city": 500_000, "province": 10_000_000}


def get(field: str) -> ModuleType:
    """The generator package of a field (``"social_security"`` ...).

    Raises
    ------
    KitError
        Naming the fields there are, when ``field`` is not one of them.
    """
    if field not in FIELDS:
        raise KitError(f"No generator for field {field!r}. Fields: {', '.join(FIELDS)}.")
    return importlib.import_module(f"kit.datasets.generators.{field}")


def calibrate(field: str, dataset: object = None) -> pd.DataFrame:
    """The field's generated distributions beside their references (DOMAIN.md section 4).

    Parameters
    ----------
    field : str
    dataset : Dataset, optional
        Default: the committed sample of ``field``.

    Returns
    -------
    DataFrame
        ``measure, value, low, high, unit, reference, ok`` (``ok``: value within low..high).
    """
    from kit.datasets import Dataset, load

    ds = dataset if isinstance(dataset, Dataset) else load(field)
    table = get(field).calibrate(ds.tables).reset_index(drop=True)
    table["ok"] = (table["value"] >= table["low"]) & (table["value"] <= table["high"])
    return table


__all__ = ["FIELDS", "SCALES", "WriteReport", "calibrate", "get", "write"]
