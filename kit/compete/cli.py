"""``kit compete check | score | leaderboard | prepare``: thin commands over :mod:`kit.compete`.

Each command parses flags, calls the library and prints; ``--json`` prints the library's
``to_dict()``. ``check`` exits with 1 when the notebook is refused. :func:`register` adds the
commands to the ``kit`` command's sub-parsers; :func:`main` runs them on their own
(``python -m kit.compete.cli check ...``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kit.errors import KitError


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``kit compete ...`` on the ``kit`` command's sub-parsers."""
    compete = subparsers.add_parser(
        "compete", help="notebook competitions: check, score, leaderboard, hidden data"
    )
    sub = compete.add_subparsers(metavar="ACTION")

    c = sub.add_parser("check", help="check a submitted notebook and run it on the given data")
    c.add_argument("notebook", help="the .ipynb file")
    c.add_argument("--data", help="dataset folder to run it on (its truth/ is never shown)")
    c.add_argument("--capacity", type=int, default=50, help="review capacity given to it (50)")
    c.add_argument("--time-limit", type=float, default=300.0, help="seconds for the run (300)")
    c.add_argument("--static-only", action="store_true", help="do not run the notebook")
    c.add_argument(
        "--link-data", action="store_true",
        help="link the data instead of copying it (large data; unsafe for untrusted notebooks: "
        "the links name your folders)",
    )  # fmt: skip
    c.add_argument(
        "--run-as", metavar="USER",
        help="run the notebook as this unprivileged user, e.g. nobody (the checker must be root)",
    )  # fmt: skip
    c.add_argument("--clues-out", help="keep the collected clue file here")
    c.add_argument("--executed-out", help="keep the executed notebook here (organisers only)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=check_command)

    s = sub.add_parser("score", help="public and private scores of a clue file")
    s.add_argument("clues", help="the clue file (CSV)")
    s.add_argument("--public-only", action="store_true", help="print the public score only")
    _scoring_arguments(s)
    s.set_defaults(func=score_command)

    b = sub.add_parser("leaderboard", help="score a folder of submissions; write CSV and HTML")
    b.add_argument("folder", help="submissions: FOLDER/<team>/<YYYY-MM-DDTHH-MM-SS>_clues.csv")
    b.add_argument("--cap", type=int, default=5, help="submissions per team that count (5)")
    b.add_argument("--best-of", type=int, default=2, help="selected per team for the final (2)")
    b.add_argument("--final", action="store_true", help="private scores and final ranking")
    b.add_argument("--out", help="folder for leaderboard.csv/.html (default: the folder)")
    _scoring_arguments(b)
    b.set_defaults(func=leaderboard_command)

    p = sub.add_parser("prepare", help="generate hidden data from a secret seed, truth apart")
    p.add_argument("field", help="social_security, medical_insurance or environment")
    p.add_argument("--seed-file", required=True, help="file holding the secret seed")
    p.add_argument("--new-seed", action="store_true", help="create the seed file first")
    p.add_argument("--out", required=True, help="a new folder: OUT/data and OUT/truth")
    p.add_argument("--persons", type=int, default=None, help="persons (overrides --scale)")
    p.add_argument("--scale", default="county", help="county, city or province (county)")
    p.add_argument("--format", default="csv", choices=["csv", "parquet"], help="file format")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=prepare_command)
    return compete


def _scoring_arguments(a: argparse.ArgumentParser) -> None:
    a.add_argument("--truth", required=True, help="truth.csv, or the truth/ folder")
    a.add_argument("--capacity", type=int, default=50, help="review capacity k, all splits (50)")
    a.add_argument("--weight", type=float, default=0.5, help="weight of precision@k (0.5)")
    a.add_argument("--public-share", type=float, default=0.3, help="public share (0.3)")
    seed = a.add_mutually_exclusive_group()
    seed.add_argument("--split-seed-file", help="file holding the organiser's split seed")
    seed.add_argument("--split-seed", type=int, help="split seed (practice; default 0)")
    a.add_argument("--time-split", metavar="COLUMN:YYYY-MM-DD", help="split by a date instead")
    a.add_argument("--pattern", action="append", default=[], help="a pattern of the competition")
    a.add_argument("--json", action="store_true", help="print JSON")


def rules_from(args: argparse.Namespace) -> Any:
    """The :class:`~kit.compete.ScoreRules` the scoring flags describe."""
    from kit.compete.score import ScoreRules
    from kit.compete.split import HashSplit, TimeSplit

    seed = _split_seed(args)
    if args.time_split:
        column, sep, cutoff = args.time_split.partition(":")
        if not sep or not column:
            raise KitError(f"--time-split {args.time_split!r}: write COLUMN:YYYY-MM-DD.")
        split: Any = TimeSplit(column, cutoff, seed=seed, public_share=args.public_share)
    else:
        split = HashSplit(seed=seed, public_share=args.public_share)
    return ScoreRules(args.capacity, args.weight, split, tuple(args.pattern))


def _split_seed(args: argparse.Namespace) -> int:
    if args.split_seed_file:
        path = Path(args.split_seed_file)
        text = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
        if not text.isdigit():
            raise KitError(
                f"The split seed file {path.name!r} is missing or does not hold one whole number."
            )
        return int(text)
    if args.split_seed is None:
        print(
            "warning: no --split-seed-file, so split seed 0 is used: fine for practice, not for "
            "a competition (anyone can compute the split). Fix: --split-seed-file FILE.",
            file=sys.stderr,
        )
    return int(args.split_seed or 0)


def check_command(args: argparse.Namespace) -> int:
    """Handler of ``kit compete check``: 0 when the notebook passes, 1 when it is refused."""
    from kit.compete.check import check_notebook

    if not args.static_only and not args.data:
        raise KitError("Give --data DIR to run the notebook on, or --static-only.")
    report = check_notebook(
        args.notebook,
        args.data,
        capacity=args.capacity,
        time_limit=args.time_limit,
        run=not args.static_only,
        clues_out=args.clues_out,
        executed_out=args.executed_out,
        link_data=args.link_data,
        run_as=args.run_as,
    )
    _print(report.to_dict() if args.json else str(report), args.json)
    return 0 if report.passed else 1


def score_command(args: argparse.Namespace) -> int:
    """Handler of ``kit compete score``."""
    from kit.compete.score import score_clues

    result = score_clues(args.clues, args.truth, rules_from(args))
    data = result.to_dict()
    if args.public_only:
        data = {"public": data["public"], "clues": data["clues"], "rules": data["rules"]}
    if args.json:
        _print(data, True)
        return 0
    rows = [data[k] for k in ("public", "private", "all") if k in data]
    lines = [
        f"{'split':<8} {'k':>5} {'found':>7} {'precision@k':>12} {'amount recall@k':>16} {'score':>8}"
    ]
    lines += [
        f"{r['split']:<8} {r['capacity']:>5} {r['cases_found']:>3}/{r['cases']:<3} "
        f"{r['precision_at_k']:>12.4f} {r['amount_recall_at_k']:>16.4f} {r['score']:>8.4f}"
        for r in rows
    ]
    lines.append(
        f"{data['clues']:,} clue row(s); {result.duplicates} repeat(s) dropped; "
        f"{result.unmatched} match no truth row; {data['rules']['split']}; weight {args.weight:g}"
    )
    if result.unmatched:
        lines.append(_untidy_hint(result))
    _print("\n".join(lines), False)
    return 0


def _untidy_hint(result: Any) -> str:
    """A hint on clues that match no truth row (ids written differently from the truth's?)."""
    detail = result.detail
    ids = detail.loc[~detail["in_truth"] & detail["in_competition"], "subject_id"].astype(str)
    untidy = sum(1 for s in ids if s != s.strip() or s != s.upper() or " " in s)
    text = (
        "note: clues matching no truth row count as misses; write subject ids exactly as the "
        "truth table does"
    )
    if untidy:
        text += (
            f" ({untidy} of them have lowercase letters or spaces, e.g. a lowercase x at the end "
            "of a resident ID number: write it in capitals, without spaces)"
        )
    return text + "."


def leaderboard_command(args: argparse.Namespace) -> int:
    """Handler of ``kit compete leaderboard``."""
    from kit.compete.leaderboard import leaderboard

    board = leaderboard(
        args.folder,
        args.truth,
        rules_from(args),
        cap=args.cap,
        best_of=args.best_of,
        final=args.final,
        out=args.out or args.folder,
    )
    if args.json:
        _print(board.to_dict(), True)
        return 0
    shown = board.teams.copy()
    for col in ("public_score", "private_score"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: "" if v is None or v != v else f"{v:.4f}")
    stage = "final board" if board.final else "public board"
    _print(f"{stage}:\n{shown.to_string(index=False)}", False)
    _print("written: " + ", ".join(p.name for p in board.written), False)
    return 0


def prepare_command(args: argparse.Namespace) -> int:
    """Handler of ``kit compete prepare`` (the seed is never printed)."""
    from kit.compete.hidden import prepare

    done = prepare(
        args.field,
        args.seed_file,
        args.out,
        n_persons=args.persons,
        scale=args.scale,
        fmt=args.format,
        new_seed=args.new_seed,
    )
    if args.json:
        _print(done.to_dict(), True)
        return 0
    _print(
        f"hidden {done.field} data ({done.n_persons:,} persons) written:\n"
        f"  {done.data_dir}  -> give to kit compete check --data\n"
        f"  {done.truth_dir} -> organisers only (kit compete score --truth)\n"
        "the seed stays in the seed file; nothing here is committed (.gitignore: *).",
        False,
    )
    return 0


def _print(data: Any, as_json: bool) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else data)


def main(argv: Sequence[str] | None = None) -> int:
    """``kit compete ...`` with ``argv`` after ``compete``; exit code 0 ok, 1 refused or error, 2 usage."""
    from kit.cli import main as kit_main

    return kit_main(["compete", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
