"""Benchmark: the work MI06 and SS04 cannot avoid, as ratios to each rule's scan floor.

Usage (from the repository root)::

    .venv/bin/python benchmarks/core_passes.py --model MI06 --data /work/bench-data/province6/medical_insurance
    .venv/bin/python benchmarks/core_passes.py --model SS04 --data /work/bench-data/province/social_security
    .venv/bin/python benchmarks/core_passes.py --model MI06 --data datasets/medical_insurance --repeat 1

MI06 (bed over-occupancy, 超核定床位收治住院) and SS04 (ineligible subsistence allowance,
不符合条件享受低保) take well under a second at province scale, yet stay above the issue's target
of three times their scan floor. This script shows how much of that is the core of the rule, the
part any rule asking the same question must do, and how much is the rest. It times, in one
process on the same engine and typed views as ``kit.run``, each forced to its end and timed as
the best of ``--repeat`` runs:

- ``floor``: the rule's scan floor, exactly as ``benchmarks/run.py`` takes it (every column the
  rule reads, read once);
- MI06 ``months``: every census day brought to its hospital's month (one hash pass, counting the
  hospital-months): the least a monthly census rule must do;
- MI06 ``beds``: the same with each day's beds of the service agreement joined and added up: the
  least a rule comparing inpatients with beds must do;
- SS04 ``roster``: the roster's members looked up in each register the rule checks (cars at or
  above the price threshold, legal representatives, shareholders, public employees, deaths),
  counting the register rows that name a member: the least a rule checking the roster against
  these registers must do;
- ``query``: the rule's SQL through the engine, returned as a DataFrame (no clue shaping);
- the rule itself through ``kit.run`` (query and shaping the clues).

SS04 runs with ``use_linkage=false``: record linkage is measured on its own in
``benchmarks/RESULTS.md``. Each line gives seconds and the ratio to the floor. The figures are in
``benchmarks/RESULTS.md`` ("What MI06 and SS04 must pay").
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

from timing import Pass, cli, measure_rule, report

MODELS = ("MI06", "SS04")
COUNTED = {
    "months": "hospital-months",
    "beds": "hospital-months with beds",
    "roster": "register rows naming a member",
    "query": "rows",
}

# SS04's registers keyed by the column that names a roster member, with the rule's own filters
_REGISTERS = {
    "vehicles": (
        "owner_id_number",
        "vehicle_type = 'car' AND purchase_price >= {car_price_threshold}",
    ),
    "companies": ("legal_rep_id_number", "TRUE"),
    "company_shareholders": ("shareholder_id_number", "{include_shareholders}"),
    "public_employees": ("id_number", "TRUE"),
    "deaths": ("id_number", "TRUE"),
}


def core_sql(model: str, params: dict[str, Any]) -> dict[str, str]:
    """The SQL of the core passes of ``model`` (``MI06`` or ``SS04``) with the rule's ``params``."""
    if model == "MI06":
        month = "CAST(date_trunc('month', c.date) AS DATE)"
        return {
            "months": (
                f"SELECT count(*) AS n FROM (SELECT c.institution_id, {month} AS month,"
                " count(*) AS days, sum(c.inpatients) AS inpatient_days"
                " FROM inpatient_census AS c GROUP BY 1, 2) AS m"
            ),
            "beds": (
                f"SELECT count(*) AS n FROM (SELECT c.institution_id, {month} AS month,"
                " count(*) AS days, sum(c.inpatients) AS inpatient_days,"
                " sum(i.registered_beds) AS bed_days"
                " FROM inpatient_census AS c"
                " JOIN institutions AS i ON i.institution_id = c.institution_id"
                " WHERE i.registered_beds > 0 GROUP BY 1, 2) AS m"
            ),
        }
    if model == "SS04":
        values = {
            "car_price_threshold": float(params["car_price_threshold"]),
            "include_shareholders": "TRUE" if params["include_shareholders"] else "FALSE",
        }
        lookups = " + ".join(
            f"(SELECT count(*) FROM {table} WHERE {where.format(**values)}"
            f" AND {column} IN (SELECT id_number FROM members))"
            for table, (column, where) in _REGISTERS.items()
        )
        return {
            "roster": (
                "WITH members AS (SELECT household_id, id_number FROM allowance_members)"
                f" SELECT {lookups} AS n"
            )
        }
    raise ValueError(f"no core passes for {model!r}: choose one of {', '.join(MODELS)}")


def measure(model: str, dataset: Any, engine: Any, repeat: int = 2) -> list[Pass]:
    """The scan floor, core passes, query and rule of ``model`` (``MI06`` or ``SS04``) on
    ``dataset`` (best of ``repeat``; see :func:`timing.measure_rule`); SS04 without linkage."""
    return measure_rule(
        model, dataset, engine, repeat, partial(core_sql, model), COUNTED, query=True
    )


def main(argv: list[str] | None = None) -> int:
    """Print one line per pass: seconds, ratio to the rule's scan floor, and what it counted."""

    def model(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--model", required=True, choices=MODELS, help="the rule to take apart")

    args, dataset, engine = cli(__doc__, "the rule's Data Package folder", 5, argv, add=model)
    title = f"{args.model}'s core passes on {Path(args.data).name}"
    report(title, measure(args.model, dataset, engine, args.repeat), decimals=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
