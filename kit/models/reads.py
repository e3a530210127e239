"""How many times a model's rule reads each of its tables (表读取次数), on DuckDB's profile."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.datasets import Dataset
from kit.engine.duckdb import DuckDBEngine
from kit.engine.reads import table_reads
from kit.link.apply import link_dataset
from kit.models.run import model_inputs
from kit.models.spec import ModelSpec


def reads(
    spec: ModelSpec | str,
    dataset: Dataset | str = "",
    params: dict[str, Any] | None = None,
    engine: DuckDBEngine | None = None,
) -> pd.DataFrame:
    """Run a model's rule once on DuckDB and count its reads of each source table.

    Each pass over a province's hundred million rows costs about a bare scan of them, so a rule
    that reads a big table again in each of its steps is slow at scale however fast it is on the
    sample (``docs/scale.md``, "Read a big table once"). The count is the same on the sample as
    at scale: it is a property of the rule's SQL and DuckDB's plan, not of the data's size.

    Parameters
    ----------
    spec : ModelSpec or str
        The model, or its id in the library (``"SS04"``).
    dataset : Dataset or str
        A loaded dataset, or a dataset name or folder; by default the model's own dataset.
    params : dict, optional
        Parameter values overriding the spec's defaults. Record linkage, when on, runs first as
        in :func:`kit.run`, and the rule reads the linked tables.
    engine : DuckDBEngine, optional
        DuckDB settings; default DuckDB's own.

    Returns
    -------
    DataFrame
        One row per source table: ``rows``, ``reads`` (0: DuckDB answered without reading it)
        and ``rows_passed`` (rows the reads passed on after their pushed-down filters); see
        :func:`kit.engine.reads.table_reads`.

    Examples
    --------
    >>> from kit.models import reads
    >>> r = reads("SS04", params={"use_linkage": False})
    >>> r.set_index("table").loc[["allowance_members", "companies"], "reads"].tolist()
    [1, 2]
    """
    spec, dataset = model_inputs(spec, dataset)
    values = spec.resolve_params(params)
    linked, _ = link_dataset(dataset, spec.link, values, owner=spec.id)
    return table_reads(spec.render_sql(values), linked, spec.sources, engine=engine)
