"""The Engine protocol: something that runs a model's SQL over a dataset's tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pandas as pd

from kit.errors import EngineError

if TYPE_CHECKING:
    from kit.datasets import Dataset


@runtime_checkable
class Engine(Protocol):
    """Runs SQL (DuckDB dialect) over named tables of a dataset and returns a DataFrame.

    Every engine gives the same rows for the same SQL and data; row order is fixed afterwards by
    :func:`kit.run`, so an engine need not preserve it.
    """

    name: str

    def query(self, sql: str, dataset: Dataset, tables: Sequence[str]) -> pd.DataFrame:
        """Run ``sql`` with ``tables`` of ``dataset`` visible under their own names."""
        ...


ENGINES = ("duckdb", "spark")
_shared: dict[str, Engine] = {}


def get_engine(engine: str | Engine | None = None) -> Engine:
    """An engine by name (``"duckdb"`` or ``"spark"``), or the engine given, or DuckDB.

    ``"spark"`` gives one shared :class:`~kit.engine.spark.SparkEngine` on a local session, started
    on first use, so a notebook or ``kit run --all`` pays the start-up once.
    """
    if engine is None or engine == "duckdb":
        from kit.engine.duckdb import DuckDBEngine

        return DuckDBEngine()
    if engine == "spark":
        if "spark" not in _shared:
            from kit.engine.spark import SparkEngine

            _shared["spark"] = SparkEngine()
        return _shared["spark"]
    if isinstance(engine, str):
        raise EngineError(f"Unknown engine {engine!r}. Available: {', '.join(ENGINES)}.")
    if not isinstance(engine, Engine):
        raise EngineError(f"{engine!r} is not an engine: it needs a name and a query() method.")
    return engine


def sql(query: str, dataset: Dataset, engine: str | Engine | None = None) -> pd.DataFrame:
    """Run an exploratory SQL query over every table of a dataset.

    Parameters
    ----------
    query : str
        SQL in DuckDB dialect; tables are visible under their own names.
    dataset : Dataset
    engine : str or Engine, optional
        Default DuckDB.

    Returns
    -------
    DataFrame
        Unmasked: mask identifiers (``kit.mask.mask_frame``) before showing rows of people.

    Examples
    --------
    >>> import kit
    >>> ds = kit.datasets.load("social_security")
    >>> kit.sql("SELECT count(*) AS n FROM persons", ds)["n"].tolist()
    [10000]
    """
    return get_engine(engine).query(query, dataset, list(dataset.tables))
