"""Clue prioritisation on the 2024 test period: learned ranking against amount and random order.

For each wide screen (SS01, MI05) a ranker is trained on the clues dated before 2024 (by
``period_start``) of the screen run on the data as they stood on 2024-01-01 (no later payment,
death record or status reaches them), chosen by validation inside that period, and scored on the
2024 clues of the screen run on all data (as a reviewer would at the end of 2024). The
review capacity is fixed in advance: a quarter of the test clues, rounded up
(``kit.ml.CAPACITY_SHARE``). Prints train/test sizes, base rates and precision@k of the
learned, amount and random orders; exits 1 if the learned order does not beat both baselines.

Run: ``python benchmarks/prioritisation.py`` (or ``kit ml prioritise``).
"""

from __future__ import annotations

import sys

from kit.ml.cli import format_result
from kit.ml.experiment import run_prioritisation

MODELS = ("SS01", "MI05")


def main() -> int:
    """Print the figures; 0 when the learned order beats both baselines for every model."""
    results = [run_prioritisation(m) for m in MODELS]
    for r in results:
        print(format_result(r))
        print()
    failed = [r.model_id for r in results if not r.beats_baselines]
    if failed:
        print(f"FAIL: the learned order does not beat both baselines for {', '.join(failed)}.")
        return 1
    print("OK: the learned order beats the amount and random orders for " + ", ".join(MODELS) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
