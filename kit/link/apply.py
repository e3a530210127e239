"""Linked tables of a dataset, cached per dataset fingerprint, and datasets with them swapped in."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from kit.datasets import Dataset
from kit.errors import SpecError
from kit.link.columns import IdentityColumns
from kit.link.linker import DEFAULT_THRESHOLD, Links, link
from kit.link.model import LinkModel, default_model
from kit.link.standardise import standardise
from kit.link.steps import LinkStep

_CACHE_SIZE = 32
_LINKS: OrderedDict[tuple[Any, ...], Links] = OrderedDict()
_MASTERS: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()


def clear_cache() -> None:
    """Forget every cached link result (they are kept per dataset fingerprint)."""
    _LINKS.clear()
    _MASTERS.clear()


def _remember(cache: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def identity_columns(
    dataset: Dataset, table: str, given: Mapping[str, Any] | None = None
) -> IdentityColumns:
    """Identity columns of a dataset's table: from its descriptor, overridden by ``given``."""
    base = IdentityColumns.from_resource(dataset.resource(table)).to_dict()
    base.update(dict(given or {}))
    return IdentityColumns.of(base)


def linked_table(
    dataset: Dataset,
    table: str,
    to: str = "persons",
    *,
    columns: Mapping[str, Any] | None = None,
    master_columns: Mapping[str, Any] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    model: LinkModel | None = None,
    backend: str = "duckdb",
) -> Links:
    """Link a dataset's table to its master register; cached per dataset fingerprint.

    Columns come from the descriptor (``kit:mask`` kinds) unless ``columns`` names them. The
    same dataset, table, columns, threshold and model give the cached result at once.

    Examples
    --------
    >>> import kit
    >>> ss = kit.datasets.load("social_security")
    >>> links = linked_table(ss, "deaths", "persons")
    >>> linked_table(ss, "deaths", "persons") is links
    True
    """
    for name in (table, to):
        if name not in dataset.tables:
            raise SpecError(
                f"Record linkage: dataset {dataset.name!r} has no table {name!r} (tables: "
                f"{', '.join(dataset.tables)}). Fix: check the link section's table names."
            )
    model = model or default_model()
    cols = identity_columns(dataset, table, columns)
    mcols = identity_columns(dataset, to, master_columns)
    key = (
        dataset.fingerprint or id(dataset),
        table,
        to,
        json.dumps(cols.to_dict(), sort_keys=True),
        json.dumps(mcols.to_dict(), sort_keys=True),
        float(threshold),
        model.hash,
        backend,
    )
    if key in _LINKS:
        _LINKS.move_to_end(key)
        return _LINKS[key]
    mkey = key[:1] + (to, key[4])
    master = _MASTERS.get(mkey)
    if master is None:
        master = standardise(dataset.tables[to], mcols, table=to)
        _remember(_MASTERS, mkey, master)
    links = link(
        dataset.tables[table],
        dataset.tables[to],
        columns=cols,
        master_columns=mcols,
        table=table,
        master_table=to,
        threshold=threshold,
        model=model,
        backend=backend,
        standardised_master=master,
    )
    _remember(_LINKS, key, links)
    return links


def link_dataset(
    dataset: Dataset,
    steps: Sequence[LinkStep],
    params: Mapping[str, Any] | None = None,
    *,
    model: LinkModel | None = None,
) -> tuple[Dataset, dict[str, dict[str, Any]]]:
    """A copy of ``dataset`` whose linked tables carry master ID numbers; the original is unchanged.

    Steps whose switch parameter is false in ``params`` are skipped; with no step left the
    dataset itself is returned. The copy shares every other table with the original and has its
    own fingerprint (the original's, plus the steps and the model), so engines that cache
    tables by fingerprint never confuse the two.

    Returns
    -------
    dataset : Dataset
        The linked copy (or ``dataset`` itself).
    summary : dict
        Per linked table: master, threshold and records linked exactly, probabilistically or
        not at all.

    Examples
    --------
    >>> import kit
    >>> ss = kit.datasets.load("social_security")
    >>> linked, summary = link_dataset(ss, [LinkStep("deaths", "persons")], {"use_linkage": True})
    >>> linked.tables["persons"] is ss.tables["persons"], summary["deaths"]["to"]
    (True, 'persons')
    """
    params = params or {}
    active = [s for s in steps if params.get(s.switch, True)]
    if not active:
        return dataset, {}
    model = model or default_model()
    tables = dict(dataset.tables)
    summary: dict[str, dict[str, Any]] = {}
    for step in active:
        links = linked_table(
            dataset,
            step.table,
            step.to,
            columns=dict(step.columns),
            master_columns=dict(step.master_columns),
            threshold=step.threshold,
            model=model,
        )
        id_col = identity_columns(dataset, step.table, dict(step.columns)).id
        frame = tables[step.table].copy()
        frame[id_col] = links.linked_ids().to_numpy()
        frame[id_col] = frame[id_col].astype("str").where(frame[id_col].notna(), None)
        tables[step.table] = frame
        summary[step.table] = {"to": step.to, **links.summary()}
    payload = json.dumps(
        [dataset.fingerprint, [s.to_dict() | {"table": s.table} for s in active], model.hash],
        sort_keys=True,
    )
    fingerprint = hashlib.sha256(payload.encode()).hexdigest()
    return replace(dataset, tables=tables, fingerprint=fingerprint), summary
