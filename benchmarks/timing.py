"""Shared by the pass benchmarks (``en01_passes.py``, ``core_passes.py``): timing and printing.

Each pass is forced to its end, timed as the best of ``--repeat`` runs in one process, and
printed as seconds and a ratio to the first pass, the rule's scan floor (taken as ``run.py``
takes it).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from run import input_columns, scan_floor


@dataclass(frozen=True)
class Pass:
    """One timed pass: its name, best seconds, and how many ``what`` it counted (``None``: nothing)."""

    name: str
    seconds: float
    count: int | None
    what: str


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of the fastest of ``repeat`` calls of ``work``, and what the last call returned."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure_rule(
    model: str,
    dataset: Any,
    engine: Any,
    repeat: int,
    passes: Callable[[dict[str, Any]], dict[str, str]],
    counted: dict[str, str],
    query: bool = False,
) -> list[Pass]:
    """Time a rule's scan floor, passes of SQL, (its query) and the rule itself, in one process.

    A rule with record linkage runs with ``use_linkage=false``, as ``run.py --no-linkage``
    runs it: linkage is measured on its own.

    Parameters
    ----------
    model : str
        The library rule, e.g. ``"EN01"``.
    dataset : kit.datasets.Dataset
        The rule's dataset (the committed sample, or Parquet read in place).
    engine : kit.engine.duckdb.DuckDBEngine
        The engine every pass and the rule run on, through the same typed views as ``kit.run``.
    repeat : int
        Runs per pass; the fastest counts.
    passes : callable
        Given the rule's resolved parameters, the SQL of each pass by name; each returns one
        row with a count ``n``.
    counted : dict
        What each pass counts, by name (``"query"``: what the rule's query returns).
    query : bool
        Also time the rule's SQL alone, returned as a DataFrame (no clue shaping).

    Returns
    -------
    list of Pass
        ``floor``, the passes, ``query`` if asked, and the rule, in that order, each with its
        seconds and what it counted (the floor counts nothing: ``count`` is ``None``).
    """
    import kit

    spec = kit.models.get(model)
    given = {"use_linkage": False} if "use_linkage" in spec.params else {}
    params = spec.resolve_params(given)
    sql = spec.render_sql(params)
    tables = list(spec.sources)
    floor = scan_floor(engine, dataset, input_columns(sql, dataset, tables), repeat=repeat)
    timed = [Pass("floor", floor, None, f"every column {model} reads, once")]
    for name, text in passes(params).items():
        seconds, frame = best_of(repeat, lambda text=text: engine.query(text, dataset, tables))
        timed.append(Pass(name, seconds, int(frame["n"].iloc[0]), counted[name]))
    if query:
        seconds, frame = best_of(repeat, lambda: engine.query(sql, dataset, tables))
        timed.append(Pass("query", seconds, len(frame), counted["query"]))
    seconds, clues = best_of(repeat, lambda: kit.run(spec, dataset, params=given, engine=engine))
    timed.append(Pass(model, seconds, len(clues), "clues"))
    return timed


def cli(
    doc: str,
    data_help: str,
    repeat: int,
    argv: list[str] | None,
    add: Callable[[argparse.ArgumentParser], None] | None = None,
) -> tuple[argparse.Namespace, Any, Any]:
    """Parse ``--data``, ``--memory-limit``, ``--repeat`` (and what ``add`` adds).

    Returns the arguments, the dataset loaded from ``--data`` (Parquet is read in place) and a
    DuckDB engine with the memory limit. A ``--repeat`` below one exits with status 2.
    """
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    if add is not None:
        add(parser)
    parser.add_argument("--data", required=True, help=data_help)
    parser.add_argument("--memory-limit", default="16GB", help="DuckDB memory_limit")
    parser.add_argument("--repeat", type=int, default=repeat, help="runs per pass (best counts)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    import warnings

    warnings.simplefilter("ignore")
    import kit
    from kit.engine.duckdb import DuckDBEngine

    return args, kit.datasets.load(Path(args.data)), DuckDBEngine(memory_limit=args.memory_limit)


def report(title: str, passes: list[Pass], decimals: int) -> None:
    """Print ``title``, then one line per pass: seconds, ratio to the first pass, what it counted."""
    floor = max(passes[0].seconds, 1e-3)
    print(title)
    print(f"{'pass':<6} {'seconds':>8} {'ratio':>6}  counted")
    for p in passes:
        what = p.what if p.count is None else f"{p.count:,} {p.what}"
        print(f"{p.name:<6} {p.seconds:8.{decimals}f} {p.seconds / floor:6.1f}  {what}")
