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

import sys
from pathlib import Path
from typing import Any

from timing import Pass, cli, measure_rule, report

POLLUTANTS = ("cod", "nh3n", "total_cr", "lead", "so2", "nox")
COUNTED = {
    "group": "blocks",
    "quiet": "quiet blocks",
    "order": "hours with a repeat",
}


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


def measure(dataset: Any, engine: Any, repeat: int = 2) -> list[Pass]:
    """EN01's scan floor, ``group``, ``quiet``, ``order`` and EN01 on ``dataset`` (best of
    ``repeat``; see :func:`timing.measure_rule`)."""
    return measure_rule(
        "EN01", dataset, engine, repeat, lambda p: pass_sql(int(p["min_constant_hours"])), COUNTED
    )


def main(argv: list[str] | None = None) -> int:
    """Print one line per pass: seconds, ratio to EN01's scan floor, and what it counted."""
    args, dataset, engine = cli(__doc__, "an environment Data Package folder", 2, argv)
    hours = dataset.rows("monitoring")
    title = f"EN01's passes on {Path(args.data).name} ({hours:,} hours)"
    report(title, measure(dataset, engine, args.repeat), decimals=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
