"""Benchmark: the passes a frozen-readings rule cannot avoid, as ratios to EN01's scan floor.

Usage (from the repository root)::

    .venv/bin/python benchmarks/en01_passes.py --data /work/bench-data/province/environment
    .venv/bin/python benchmarks/en01_passes.py --data datasets/environment --repeat 1

EN01 (falsified automatic monitoring data, 自动监测数据弄虚作假) is the one rule of the library
that must follow each outlet's readings in time: a frozen run is a reading equal to the one
before it, hour after hour. This script times, in one process on the same engine and typed views
as ``kit.run``, the passes such a rule is built from, each forced to its end with ``count(*)``
and timed as the best of ``--repeat`` runs:

- ``floor``: EN01's scan floor, exactly as ``benchmarks/run.py`` takes it (every column the rule
  reads, read once);
- ``group``: one hash pass that brings each outlet's normal hours together in blocks of half a
  day, counting them: the least any rule that compares neighbouring hours must do;
- ``quiet``: the same pass with the twelve lowest and highest readings EN01 uses to find the
  blocks where a pollutant holds one value (its ``hour_blocks``);
- ``order``: every normal hour put in time order per outlet with the six ``LAG`` comparisons
  (how EN01 versions 1 and 2 found the runs);
- ``EN01``: the rule itself through ``kit.run`` (query and shaping the clues).

Each line gives seconds and the ratio to the floor; the issue's target for a model is a ratio of
at most 3. The figures are in ``benchmarks/RESULTS.md`` ("What a frozen-readings rule must pay").
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from run import input_columns, scan_floor

POLLUTANTS = ("cod", "nh3n", "total_cr", "lead", "so2", "nox")
COUNTED = {
    "group": "blocks",
    "quiet": "quiet blocks",
    "order": "hours with a repeat",
    "EN01": "clues",
}


@dataclass(frozen=True)
class Pass:
    """One timed pass: its name, best seconds, and how many ``what`` it counted (``None``: nothing)."""

    name: str
    seconds: float
    count: int | None
    what: str


def pass_sql(min_constant_hours: int) -> dict[str, str]:
    """The SQL of the ``group``, ``quiet`` and ``order`` passes over the ``monitoring`` view."""
    block = (
        "CAST(floor(date_diff('hour', CAST('2024-01-01 00:00:00' AS TIMESTAMP), ts)"
        f" / {(min_constant_hours + 1) // 2}) AS BIGINT)"
    )
    lows_highs = ", ".join(f"min({p}) AS {p}_low, max({p}) AS {p}_high" for p in POLLUTANTS)
    one_value = " OR ".join(f"{p}_low = {p}_high" for p in POLLUTANTS)
    repeats = ", ".join(
        f"CASE WHEN {p} = LAG({p}) OVER w THEN 1 ELSE 0 END AS {p}_repeats" for p in POLLUTANTS
    )
    any_repeat = " OR ".join(f"{p}_repeats = 1" for p in POLLUTANTS)
    return {
        "group": (
            f"SELECT count(*) AS n FROM (SELECT outlet_id, {block} AS block_no, count(*) AS hours"
            " FROM monitoring WHERE status = 'N' GROUP BY 1, 2) AS b"
        ),
        "quiet": (
            f"SELECT count(*) AS n FROM (SELECT outlet_id, {block} AS block_no, count(*) AS hours,"
            f" {lows_highs} FROM monitoring WHERE status = 'N' GROUP BY 1, 2) AS b"
            f" WHERE {one_value}"
        ),
        "order": (
            f"SELECT count(*) AS n FROM (SELECT {repeats} FROM monitoring WHERE status = 'N'"
            " WINDOW w AS (PARTITION BY outlet_id ORDER BY ts)) AS s"
            f" WHERE {any_repeat}"
        ),
    }


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of the fastest of ``repeat`` calls of ``work``, and what the last call returned."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure(dataset: Any, engine: Any, repeat: int = 2) -> list[Pass]:
    """Time EN01's scan floor, the three passes and EN01 itself on ``dataset`` (best of ``repeat``).

    Parameters
    ----------
    dataset : kit.datasets.Dataset
        An environment dataset (the committed sample, or Parquet read in place).
    engine : kit.engine.duckdb.DuckDBEngine
        The engine every pass and the rule run on.
    repeat : int
        Runs per pass; the fastest counts.

    Returns
    -------
    list of Pass
        ``floor``, ``group``, ``quiet``, ``order`` and ``EN01``, in that order, each with its
        seconds and what it counted (the floor counts nothing: ``count`` is ``None``).
    """
    import kit

    spec = kit.models.get("EN01")
    params = spec.resolve_params({})
    columns = input_columns(spec.render_sql(params), dataset, list(spec.sources))
    floor = scan_floor(engine, dataset, columns, repeat=repeat)
    passes = [Pass("floor", floor, None, "every column EN01 reads, once")]
    for name, sql in pass_sql(int(params["min_constant_hours"])).items():
        seconds, frame = best_of(repeat, lambda sql=sql: engine.query(sql, dataset, ["monitoring"]))
        passes.append(Pass(name, seconds, int(frame["n"].iloc[0]), COUNTED[name]))
    seconds, clues = best_of(repeat, lambda: kit.run(spec, dataset, engine=engine))
    passes.append(Pass("EN01", seconds, len(clues), COUNTED["EN01"]))
    return passes


def main(argv: list[str] | None = None) -> int:
    """Print one line per pass: seconds, ratio to EN01's scan floor, and what it counted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="an environment Data Package folder")
    parser.add_argument("--memory-limit", default="16GB", help="DuckDB memory_limit")
    parser.add_argument("--repeat", type=int, default=2, help="runs per pass (best counts)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    import warnings

    warnings.simplefilter("ignore")
    import kit
    from kit.engine.duckdb import DuckDBEngine

    dataset = kit.datasets.load(Path(args.data))
    passes = measure(dataset, DuckDBEngine(memory_limit=args.memory_limit), args.repeat)
    floor = max(passes[0].seconds, 1e-3)
    print(f"EN01's passes on {Path(args.data).name} ({dataset.rows('monitoring'):,} hours)")
    print(f"{'pass':<6} {'seconds':>8} {'ratio':>6}  counted")
    for p in passes:
        what = p.what if p.count is None else f"{p.count:,} {p.what}"
        print(f"{p.name:<6} {p.seconds:8.2f} {p.seconds / floor:6.1f}  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
