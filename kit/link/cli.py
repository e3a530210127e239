"""``kit link ...``: evaluate and train record linkage from the command line (thin over kit.link)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kit.link.linker import DEFAULT_THRESHOLD


def add_commands(subparsers: Any) -> None:
    """Register ``kit link ...`` on the ``kit`` command's subparsers."""
    top = subparsers.add_parser("link", help="record linkage (数据关联): evaluate, train")
    sub = top.add_subparsers(metavar="ACTION")
    a = sub.add_parser(
        "evaluate",
        help="precision and recall of links (per issue, held out, stress) and models' recall "
        "with raw IDs, cleaned IDs and linkage",
    )
    a.add_argument(
        "datasets",
        nargs="*",
        metavar="dataset",
        help="dataset names or folders (default: social_security medical_insurance)",
    )
    a.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"match probability, also for the model lines (default {DEFAULT_THRESHOLD})",
    )
    a.add_argument(
        "--model", default=None, help="model JSON, also for the model lines (default: shipped)"
    )
    a.add_argument("--curve", action="store_true", help="print each dataset's pair curve")
    a.add_argument("--no-stress", action="store_true", help="skip the stress scenario")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(func=_evaluate)
    t = sub.add_parser("train", help="train the Splink model on a dataset and save it as JSON")
    t.add_argument("dataset", nargs="?", default="social_security", help="dataset name or folder")
    t.add_argument("--out", required=True, help="model JSON file to write (atomically)")
    t.add_argument("--max-pairs", type=float, default=2e6, help="random pairs for u estimates")
    t.add_argument("--json", action="store_true", help="print JSON")
    t.set_defaults(func=_train)


def _evaluate(args: argparse.Namespace) -> int:
    from kit.link.report import SAMPLES, evaluation_report, format_report

    datasets = args.datasets or list(SAMPLES)
    report = evaluation_report(
        datasets, threshold=args.threshold, model_path=args.model, stress=not args.no_stress
    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        print(format_report(report, curve=args.curve))
    return 0


def _train(args: argparse.Namespace) -> int:
    from kit.datasets import load
    from kit.link.training import train_on

    model = train_on(load(args.dataset), max_pairs=args.max_pairs)
    path = model.save(args.out)
    result = {"model": str(path), "weights": model.weights().to_dict("records")}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        print(model.weights().to_string(index=False))
        print(f"model written to {path}")
    return 0
