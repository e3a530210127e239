"""The ``kit`` command: a thin layer over the library; ``--json`` prints the library's result."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kit.compete.cli import register as compete_commands
from kit.docs.cli import register as docs_commands
from kit.engine.base import ENGINES
from kit.errors import KitError
from kit.ledger.cli import add_commands
from kit.link.cli import add_commands as link_commands
from kit.ml.cli import register as ml_commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 error, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kit",
        description="supervision-kit: run big-data legal supervision models on sample data.",
    )
    sub = p.add_subparsers(metavar="COMMAND")

    ds = sub.add_parser("datasets", help="list, validate or generate sample datasets")
    ds_sub = ds.add_subparsers(metavar="ACTION")
    name_help = ("dataset", "dataset name or folder")
    field_help = ("field", "social_security, medical_insurance or environment")
    _command(ds_sub, "list", "list the sample datasets", _datasets_list)
    _command(
        ds_sub,
        "validate",
        "check a dataset against its datapackage.json",
        _datasets_validate,
        name_help,
    )
    _command(
        ds_sub,
        "describe",
        "tables and planted cases and traps of a dataset",
        _datasets_describe,
        name_help,
    )
    _command(
        ds_sub,
        "calibrate",
        "generated distributions beside their references",
        _datasets_calibrate,
        field_help,
    )
    a = _command(
        ds_sub,
        "generate",
        "write a field's data from its seeded generator",
        _datasets_generate,
        field_help,
    )
    a.add_argument("--out", required=True, help="folder to write (replaced when done)")
    a.add_argument("--scale", default="county", help="county, city or province (default county)")
    a.add_argument("--persons", type=int, default=None, help="number of persons (overrides scale)")
    a.add_argument("--seed", type=int, default=None, help="the world's seed (default: committed)")
    a.add_argument("--format", default="csv", choices=["csv", "parquet"], help="file format")
    a.add_argument("--chunk", type=int, default=250_000, help="persons per chunk (memory bound)")
    a.add_argument(
        "--identity-noise",
        type=float,
        default=0.05,
        help="share of secondary-source records with degraded identities (default 0.05)",
    )
    a.add_argument("--no-progress", action="store_true", help="no progress bar")

    md = sub.add_parser("models", help="list or show library models")
    md_sub = md.add_subparsers(metavar="ACTION")
    _command(md_sub, "list", "list the library models", _models_list)
    _command(
        md_sub, "show", "show one model's spec", _models_show, ("model", "model id, e.g. SS01")
    )
    rd = _command(
        md_sub,
        "reads",
        "count how many times a model's rule reads each table (DuckDB's profile)",
        _models_reads,
        ("model", "model id (SS04) or path to a model YAML file"),
    )
    rd.add_argument("--dataset", default="", help="dataset name or folder (default: the model's)")
    rd.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")

    model_help = ("model", "model id (SS01) or path to a model YAML file")
    r = _command(sub, "run", "run a model (or --all) and evaluate its clues", _run)
    r.add_argument("model", nargs="?", help=model_help[1])
    r.add_argument("--all", action="store_true", help="run every library model, check floors")
    r.add_argument("--engine", default="duckdb", choices=ENGINES, help="default: duckdb")
    r.add_argument("--dataset", default="", help="dataset name or folder (default: the model's)")
    r.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    r.add_argument("--out", help="write the clues to this CSV file")
    r.add_argument("--no-mask", action="store_true", help="write identifiers unmasked")
    r.add_argument("--capacity", type=int, default=50, help="review capacity for precision@k")
    d = _command(sub, "demo", "run every model and write reports/index.html", _demo)
    d.add_argument("--out", default="reports", help="report folder (default: reports)")
    add_commands(sub)
    link_commands(sub)
    ml_commands(sub)
    docs_commands(sub)
    compete_commands(sub)
    return p


def _command(
    parent: Any, name: str, help_text: str, func: Any, *positional: tuple[str, str]
) -> argparse.ArgumentParser:
    """Add a sub-command with its positional arguments and the ``--json`` flag."""
    cmd = parent.add_parser(name, help=help_text)
    for arg, arg_help in positional:
        cmd.add_argument(arg, help=arg_help)
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.set_defaults(func=func)
    return cmd


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _datasets_list(args: argparse.Namespace) -> int:
    from kit.datasets import list_datasets

    found = list_datasets()
    if args.json:
        _print_json(found)
    for d in [] if args.json else found:
        truth = "with truth" if d["has_truth"] else "no truth"
        print(f"{d['name']:<18} {d['title']} ({d['title_zh']}); {len(d['tables'])} tables, {truth}")
    return 0


def _datasets_validate(args: argparse.Namespace) -> int:
    from kit.datasets import load

    ds = load(args.dataset)
    rows = {name: ds.rows(name) for name in ds.tables}  # Parquet: row counts from the footers
    if args.json:
        _print_json({"dataset": ds.name, "valid": True, "rows": rows})
    else:
        print(f"{ds.name}: valid ({', '.join(f'{k} {v:,}' for k, v in rows.items())})")
    return 0


def _datasets_generate(args: argparse.Namespace) -> int:
    from kit.datasets.generators import write

    report = write(
        args.field,
        Path(args.out),
        scale=args.scale,
        n_persons=args.persons,
        seed=args.seed,
        fmt=args.format,
        progress=not args.no_progress and not args.json,
        chunk_persons=args.chunk,
        identity_noise=args.identity_noise,
    )
    if args.json:
        _print_json(report.to_dict())
        return 0
    for table, rows in report.rows.items():
        print(f"  {table:<24} {rows:>14,} rows")
    print(
        f"wrote {args.field} ({report.n_persons:,} persons, seed {report.seed}, {report.format}) "
        f"to {args.out}: {report.bytes / 1e6:,.1f} MB in {report.seconds:,.1f} s"
    )
    return 0


def _datasets_describe(args: argparse.Namespace) -> int:
    from kit.datasets import load, truth_summary

    ds = load(args.dataset)
    tables = ds.describe()
    patterns = truth_summary(ds.truth) if ds.truth is not None else None
    if args.json:
        _print_json(
            {
                "dataset": ds.name,
                "tables": tables.to_dict("records"),
                "patterns": None if patterns is None else patterns.to_dict("records"),
            }
        )
        return 0
    print(f"{ds.name}: {ds.meta.get('title', '')} ({ds.meta.get('title_zh', '')})")
    print(tables.to_string(index=False))
    if patterns is None:
        print("no truth table (hidden data)")
    else:
        print("\nplanted cases and traps per pattern:")
        print(patterns.drop(columns="trap_reasons").to_string(index=False))
        print("\ntrap reasons (legitimate look-alikes):")
        for row in patterns.itertuples(index=False):
            print(f"  {row.pattern}: {row.trap_reasons}")
    return 0


def _datasets_calibrate(args: argparse.Namespace) -> int:
    from kit.datasets.generators import calibrate

    table = calibrate(args.field)
    if args.json:
        _print_json(table.to_dict("records"))
    else:
        print(table.to_string(index=False))
        print(f"{int(table['ok'].sum())} of {len(table)} measures within their reference range")
    return 0 if bool(table["ok"].all()) else 1


def _spec_dict(spec: Any) -> dict[str, Any]:
    return {
        "id": spec.id,
        "version": spec.version,
        "name": spec.name,
        "field": spec.field,
        "dataset": spec.dataset,
        "pattern": spec.pattern,
        "sources": list(spec.sources),
        "params": {
            n: {"type": p.type, "default": p.default, "help": p.help}
            for n, p in spec.params.items()
        },
        "legal_basis": list(spec.legal_basis),
        "subject_type": spec.subject_type,
        "link": {step.table: step.to_dict() for step in spec.link},
        "mask": dict(spec.mask),
        "expected": dict(spec.expected),
        "limitations": list(spec.limitations),
        "rules": [{"step": r.step, "en": r.en, "zh": r.zh} for r in spec.rules],
        "spec_hash": spec.hash,
    }


def _models_list(args: argparse.Namespace) -> int:
    from kit.models import list_models

    specs = list_models()
    if args.json:
        _print_json([_spec_dict(s) for s in specs])
        return 0
    for s in specs:
        print(f"{s.id:<6} v{s.version}  {s.field:<18} {s.name['en']} ({s.name.get('zh', '')})")
    return 0


def _models_show(args: argparse.Namespace) -> int:
    from kit.models import get

    spec = get(args.model)
    if args.json:
        _print_json({**_spec_dict(spec), "sql": spec.sql})
        return 0
    print(f"{spec.id} v{spec.version}: {spec.name['en']} ({spec.name.get('zh', '')})")
    print(
        f"field: {spec.field}; dataset: {spec.dataset}; pattern: {spec.pattern} "
        f"({spec.subject_type})"
    )
    print(f"sources: {', '.join(spec.sources)}")
    print(f"\nSupervision point: {spec.supervision_point['en']}")
    if spec.supervision_point.get("zh"):
        print(f"监督点: {spec.supervision_point['zh']}")
    print("\nLegal basis:")
    for basis in spec.legal_basis:
        print(f"  - {basis}")
    print("\nParameters:")
    for n, p in spec.params.items():
        print(f"  {n} = {p.default!r} ({p.type}): {p.help}")
    for step in spec.link:
        print(
            f"  link: {step.table} is linked to {step.to} before the rule runs "
            f"(match probability >= {step.threshold}; switched by {step.switch})"
        )
    floors = ", ".join(f"{k} >= {v:.0%}" for k, v in spec.expected.items()) or "none"
    print(f"\nFloors on the sample data: {floors}")
    if spec.limitations:
        print("Limitations:")
        for item in spec.limitations:
            print(f"  - {item}")
    if spec.rules:
        print("\nRules, step by step (监督规则):")
        for rule in spec.rules:
            print(f"  {rule.step}: {rule.en}")
            print(f"  {' ' * len(rule.step)}  {rule.zh}")
    print(f"\nSQL (DuckDB dialect; kit.engine.to_spark_sql gives Spark's):\n{spec.sql}")
    return 0


def _models_reads(args: argparse.Namespace) -> int:
    import kit
    from kit.models.library import spec_from

    spec = spec_from(args.model)
    table = kit.models.reads(spec, args.dataset, params=_parse_params(args.param))
    if args.json:
        _print_json({"model_id": spec.id, "tables": table.to_dict("records")})
        return 0
    print(f"{spec.id} v{spec.version}: reads of each source table (表读取次数), DuckDB's plan")
    print(f"  {'table':<28} {'rows':>12} {'reads':>6} {'rows passed':>12}")
    for row in table.itertuples(index=False):
        flag = "  <- read more than once" if row.reads > 1 else ""
        flag = "  <- not read: is it a source?" if row.reads == 0 else flag
        print(f"  {row.table:<28} {row.rows:>12,} {row.reads:>6} {row.rows_passed:>12,}{flag}")
    return 0


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise KitError(f"--param {pair!r}: write NAME=VALUE, e.g. --param grace_days=30.")
        params[name.strip()] = value.strip()
    return params


def _run(args: argparse.Namespace) -> int:
    import kit
    from kit.models.library import spec_from

    if args.all == bool(args.model):
        raise KitError("Give one model (e.g. kit run SS01) or --all, not both and not neither.")
    if args.all:
        return _run_all(args)
    spec = spec_from(args.model)
    dataset = kit.datasets.load(args.dataset or spec.dataset)
    clues = kit.run(spec, dataset, params=_parse_params(args.param), engine=args.engine)
    ev = kit.evaluate(clues, dataset.truth, args.capacity) if dataset.truth is not None else None
    if args.out:
        clues.save(args.out, masked=not args.no_mask)
    if args.json:
        _print_json({"run": clues.info, "evaluation": ev.to_dict() if ev else None})
        return 0
    print(ev.summary() if ev else f"{spec.id}: {len(clues):,} clues (no truth to evaluate)")
    if args.out:
        masked = "unmasked" if args.no_mask else "identifiers masked"
        print(f"clues written to {args.out} ({masked})")
    return 0


def _run_all(args: argparse.Namespace) -> int:
    """Every library model: clues, cases found, conversion, recall, seconds, floors."""
    from kit.models import run_suite

    if args.param or args.out or args.dataset:
        raise KitError(
            "--all runs each model with its defaults on its own sample dataset: "
            "drop --param, --out and --dataset, or run one model."
        )
    table = run_suite(engine=args.engine, capacity=args.capacity)
    failed = table[table["meets_floors"] == False]  # noqa: E712 (None means no truth)
    untested = table[table["meets_floors"].isna()]
    if args.json:
        _print_json(json.loads(table.to_json(orient="records")))
        return 1 if len(failed) else 0
    print(
        f"{'model':<6} {'clues':>6} {'cases':>9} {'conversion':>10} {'recall':>7} "
        f"{'seconds':>8}  floors (recall / conversion)"
    )
    for row in table.itertuples():
        floors = f"{_share(row.recall_floor)} / {_share(row.conversion_floor)}"
        if row.meets_floors is None or row.meets_floors != row.meets_floors:
            verdict = "no truth to check"
        else:
            verdict = "meets" if row.meets_floors else f"BELOW: {row.failures}"
        cases = f"{_fmt(row.cases_found, '.0f')} / {_fmt(row.cases, '.0f')}"
        print(
            f"{row.model_id:<6} {_fmt(row.clues, ',.0f'):>6} {cases:>9} "
            f"{_fmt(row.conversion_rate, '.1%'):>10} {_fmt(row.recall, '.1%'):>7} "
            f"{_fmt(row.seconds, '.2f'):>8}  {floors}  {verdict}"
        )
    met = len(table) - len(failed) - len(untested)
    summary = f"{len(table)} models on {args.engine}: {met} meet their floors"
    if len(untested):
        summary += f", {len(untested)} have no truth to check"
    if len(failed):
        summary += f", {len(failed)} do not ({', '.join(failed['model_id'])})"
    print(summary + ".")
    return 1 if len(failed) else 0


def _fmt(value: Any, spec: str) -> str:
    """A figure formatted, or ``-`` when missing (a model that failed to run has none)."""
    return "-" if value is None or value != value else format(value, spec)


def _share(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.0%}"  # None or NaN: no floor


def _demo(args: argparse.Namespace) -> int:
    from kit.docs import build_demo

    index, results = build_demo(args.out)
    if args.json:
        _print_json({"index": str(index), "models": [r.evaluation.to_dict() for r in results]})
        return 0
    for r in results:
        print(r.evaluation.summary())
    print(f"report written to {index}")
    out = index.parent
    print(f"specification documents (模型说明书): {out / '<ID>'}/spec.en.html and spec.zh.html")
    print(f"datasheets (数据说明): {out / 'datasets'}")
    from kit.docs.fonts import describe

    print(f"charts: {describe()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
