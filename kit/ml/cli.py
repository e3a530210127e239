"""``kit ml prioritise``: rank a wide screen's clues and compare with the baselines.

The command only parses flags, calls :func:`kit.ml.run_prioritisation` and prints; ``--json``
prints :meth:`kit.ml.Prioritisation.to_dict` for each model. Exit code 1 when the learned
order does not beat both baselines for some model. The cutoff is checked (YYYY-MM-DD) before
any screen runs.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from kit.ml.experiment import Prioritisation, run_prioritisation
from kit.ml.prioritise import AMOUNT_SHARE, CAPACITY_SHARE, CUTOFF
from kit.ml.screens import available_screens


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``kit ml prioritise`` on the ``kit`` command's subparsers."""
    ml = subparsers.add_parser("ml", help="machine learning on clues (clue prioritisation)")
    sub = ml.add_subparsers(metavar="ACTION")
    a = sub.add_parser("prioritise", help="rank a wide screen's clues; compare with baselines")
    a.add_argument(
        "models", nargs="*", metavar="MODEL",
        help=f"models with a wide screen (default: all of {', '.join(available_screens())})",
    )  # fmt: skip
    a.add_argument(
        "--capacity", type=int, default=None,
        help=f"clues reviewed in the test period (default: {CAPACITY_SHARE:.0%} of them)",
    )  # fmt: skip
    a.add_argument("--cutoff", default=CUTOFF, help=f"first day of the test period ({CUTOFF})")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(func=prioritise_command)
    return a


def prioritise_command(args: argparse.Namespace) -> int:
    """Handler of ``kit ml prioritise``: 0 when the learned order beats both baselines."""
    models = args.models or available_screens()
    results = [run_prioritisation(m, capacity=args.capacity, cutoff=args.cutoff) for m in models]
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            print(format_result(r))
    return 0 if all(r.beats_baselines for r in results) else 1


def format_result(result: Prioritisation) -> str:
    """A plain-text block: sizes, base rates, capacity and the comparison table."""
    d = result.to_dict()
    table = result.comparison.copy()
    for col in ("precision_at_k", "recall_at_k", AMOUNT_SHARE):
        table[col] = table[col].map("{:.1%}".format)
    table["cases_found"] = table["cases_found"].map("{:.2f}".format)
    verdict = "beats" if result.beats_baselines else "does NOT beat"
    return "\n".join(
        [
            f"{d['model_id']} (screen {d['screen']}, ranker {d['ranker']}, clues dated by "
            f"period_start, test from {d['cutoff']})",
            f"  train: {d['train_clues']} clues of the data as of {d['cutoff']}, "
            f"{d['train_cases']} cases "
            f"(base rate {d['train_base_rate']:.1%})",
            f"  test:  {d['test_clues']} clues, {d['test_cases']} cases "
            f"(base rate {d['test_base_rate']:.1%}); review capacity k = {d['capacity']}",
            "  " + table.to_string(index=False).replace("\n", "\n  "),
            f"  learned precision@{d['capacity']} {verdict} the amount and random orders.",
        ]
    )
