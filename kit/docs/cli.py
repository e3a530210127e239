"""``kit docs ...``: write a model's specification document or a dataset's datasheet.

``kit docs model SS01 --lang both --out docs_out`` runs the model on its sample dataset, evaluates
it and writes ``SS01.spec.en.html``, ``SS01.spec.en.md``, ``SS01.spec.zh.html`` and
``SS01.spec.zh.md``; ``--ledger FILE`` adds the applications and cases a ledger holds.
``kit docs datasheet social_security`` writes ``social_security.datasheet.<lang>.html|md``.
Wire it in with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

LANG_CHOICES = ("en", "zh", "both")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``kit docs model`` and ``kit docs datasheet`` to a sub-parser collection."""
    docs = subparsers.add_parser("docs", help="write specification documents and datasheets")
    sub = docs.add_subparsers(metavar="ACTION")
    m = sub.add_parser("model", help="a model's specification document (模型说明书)")
    m.add_argument("model", help="model id, e.g. SS01")
    m.add_argument("--no-run", action="store_true",
                   help="do not run and evaluate the model (the evaluation section says so)")  # fmt: skip
    m.add_argument("--ledger", default="", help="ledger file or URL for applications and cases")
    m.set_defaults(func=_model)
    d = sub.add_parser("datasheet", help="a dataset's datasheet (数据说明)")
    d.add_argument("dataset", help="dataset name or folder, e.g. social_security")
    d.set_defaults(func=_datasheet)
    for cmd in (m, d):
        cmd.add_argument("--lang", default="both", choices=LANG_CHOICES, help="default: both")
        cmd.add_argument("--out", default=".", help="folder to write into (default: .)")
        cmd.add_argument("--json", action="store_true", help="print the files written as JSON")
    return docs


def _langs(choice: str) -> tuple[str, ...]:
    return ("en", "zh") if choice == "both" else (choice,)


def _report(args: argparse.Namespace, written: list[Path]) -> int:
    if args.json:
        print(json.dumps({"files": [str(p) for p in written]}, ensure_ascii=False, indent=2))
    else:
        for path in written:
            print(f"wrote {path}")
    return 0


def _model(args: argparse.Namespace) -> int:
    import kit
    from kit.docs.specification import specification

    spec = kit.models.get(args.model)
    evaluation = clues = dataset = None
    if not args.no_run:
        dataset = kit.datasets.load(spec.dataset)
        clues = kit.run(spec, dataset)
        evaluation = kit.evaluate(clues, dataset.truth) if dataset.truth is not None else None
    ledger = None
    if args.ledger:
        from kit.ledger import Ledger

        ledger = Ledger(args.ledger)
    written = []
    try:
        for lang in _langs(args.lang):
            doc = specification(spec, evaluation, clues, dataset, ledger, lang=lang)
            for ext in ("html", "md"):
                written.append(doc.save(Path(args.out) / f"{spec.id}.spec.{lang}.{ext}"))
    finally:
        if ledger is not None:
            ledger.close()
    return _report(args, written)


def _datasheet(args: argparse.Namespace) -> int:
    import kit
    from kit.docs.datasheet import datasheet

    dataset = kit.datasets.load(args.dataset)
    written = []
    for lang in _langs(args.lang):
        sheet = datasheet(dataset, lang=lang)
        for ext in ("html", "md"):
            written.append(sheet.save(Path(args.out) / f"{dataset.name}.datasheet.{lang}.{ext}"))
    return _report(args, written)
