"""``kit ledger ...``: the two ledgers from the command line (thin over :class:`Ledger`).

Every command takes ``--db`` (a SQLite file or a database URL; default ``KIT_LEDGER_URL`` or
``./ledger.db``); commands that print a result take ``--json``, which prints the library's result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from kit.errors import LedgerError


def add_commands(subparsers: Any) -> None:
    """Register ``kit ledger ...`` on the ``kit`` command's subparsers."""
    led = subparsers.add_parser("ledger", help="the model ledger and case ledger (两个台账)")
    sub = led.add_subparsers(metavar="ACTION")

    def cmd(name: str, func: Any, help: str, json_flag: bool = True) -> argparse.ArgumentParser:
        a = sub.add_parser(name, help=help)
        a.add_argument("--db", default=None, help="SQLite file or database URL "
                       "(default: KIT_LEDGER_URL, else ./ledger.db)")  # fmt: skip
        if json_flag:
            a.add_argument("--json", action="store_true", help="print JSON")
        a.set_defaults(func=func)
        return a

    cmd("init", _init, "create or upgrade the ledger tables")
    a = cmd("add-unit", _add_unit, "add a procuratorate")
    a.add_argument("name")
    a.add_argument("--level", choices=["province", "city", "county"])
    a.add_argument("--region", help="6-digit region code (GB/T 2260)")
    a.add_argument("--parent", help="name of the unit above")
    a = cmd("register-model", _register, "register a library model (or YAML file) and version")
    a.add_argument("model", help="model id (SS01) or path to a model YAML file")
    a.add_argument("--unit", required=True, help="building unit (建模单位)")
    a.add_argument("--builders", default="", help="builders' names, comma-separated")
    a.add_argument("--status", default="in_development", help="initial status")
    a = cmd("set-status", _set_status, "change a model's status / shelving level")
    a.add_argument("model")
    a.add_argument("status", help="in_development | own_unit | provincial | national")
    a.add_argument("--note", default="")
    a = cmd("apply", _apply, "run a model and record the application with its clue ids")
    a.add_argument("model", help="model id, e.g. SS01")
    a.add_argument("--unit", required=True, help="applying unit")
    a.add_argument("--dataset", default="", help="dataset name or folder (default: the model's)")
    a.add_argument("--date", default=None, help="date of application (default: today)")
    a.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    a.add_argument("--verified", type=int, default=0, help="clues verified so far")
    a.add_argument("--cases-formed", type=int, default=0, help="cases formed so far")
    a = cmd("add-case", _add_case, "record a case handled with a model")
    a.add_argument("case_number")
    a.add_argument("--unit", required=True, help="handling unit")
    a.add_argument("--model", required=True, help="model id")
    a.add_argument("--version", type=int, default=None)
    a.add_argument("--clue", default=None, help="clue id from a recorded application")
    a.add_argument("--category", default=None, help="judicial_litigation | social_security_medical "
                   "| environment_safety | other (default: from the model's field)")  # fmt: skip
    a.add_argument("--received", required=True, help="clue received (YYYY-MM-DD)")
    a.add_argument("--filed", default=None)
    a.add_argument("--closed", default=None)
    a.add_argument("--status", default=None)
    a.add_argument("--recovered", default="0", help="state loss recovered, yuan (fen allowed)")
    a.add_argument("--note", default="")
    a = cmd("update-case", _update_case, "change a case's status, dates, amount or note")
    a.add_argument("case_number")
    for flag in ("status", "filed", "closed", "recovered", "note", "category"):
        a.add_argument(f"--{flag}", default=None)
    a = cmd("add-measure", _add_measure, "add a measure (recommendation, protest, ...) to a case")
    a.add_argument("case_number")
    a.add_argument(
        "kind", help="recommendation | protest | retrial_recommendation | police_referral"
    )
    a.add_argument("--issued", required=True)
    a.add_argument("--adopted", default=None)
    a.add_argument("--note", default="")
    a = cmd("report", _report, "the period bulletin (figures, paragraph in Chinese and English)")
    a.add_argument("--from", dest="start", required=True, help="first month or day (2024-01)")
    a.add_argument("--to", dest="end", required=True, help="last month or day (2024-04)")
    a.add_argument("--html", default=None, help="also write the HTML page with the chart here")
    a = cmd("promotion", _promotion, "models applied by N or more units that formed cases")
    a.add_argument("--min-units", type=int, default=5, help="N, inclusive (5家以上: default 5)")
    a.add_argument("--from", dest="start", default=None)
    a.add_argument("--to", dest="end", default=None)
    a = cmd("export", _export, "write the ledgers to an Excel workbook", json_flag=False)
    a.add_argument("--xlsx", required=True, help="workbook to write")
    a.add_argument("--lang", choices=["zh", "en"], default="zh")
    a.add_argument("--no-mask", action="store_true", help="write people's names unmasked")
    a = cmd("import", _import, "add a workbook's rows (all or nothing)")
    a.add_argument("--xlsx", required=True, help="workbook to read")
    a = cmd("template", _template, "write a blank workbook with drop-down lists", json_flag=False)
    a.add_argument("--xlsx", required=True, help="workbook to write")


def _ledger(args: argparse.Namespace) -> Any:
    from kit.ledger import Ledger

    return Ledger(args.db)


def _out(args: argparse.Namespace, data: Any, text: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)
    return 0


def _init(args: argparse.Namespace) -> int:
    led = _ledger(args).init()
    data = {"ledger": repr(led)[len("<Ledger ") : -1], "revision": led.revision()}
    return _out(
        args, data, f"ledger ready at {data['ledger']} (schema revision {data['revision']})"
    )


def _add_unit(args: argparse.Namespace) -> int:
    unit_id = _ledger(args).add_unit(args.name, args.level, args.region, args.parent)
    return _out(args, {"unit_id": unit_id, "name": args.name}, f"unit {args.name} (id {unit_id})")


def _register(args: argparse.Namespace) -> int:
    from kit.models.library import spec_from

    spec = spec_from(args.model)
    res = _ledger(args).register_model(spec, unit=args.unit, builders=args.builders,
                                       status=args.status)  # fmt: skip
    state = "registered" if res["created"] else "already registered"
    return _out(args, res, f"{res['model_id']} v{res['version']} {state}")


def _set_status(args: argparse.Namespace) -> int:
    changed = _ledger(args).set_status(args.model, args.status, args.note)
    text = f"{args.model}: status {args.status}" + ("" if changed else " (unchanged)")
    return _out(args, {"model_id": args.model, "status": args.status, "changed": changed}, text)


def _apply(args: argparse.Namespace) -> int:
    import kit
    from kit.cli import _parse_params
    from kit.models.library import spec_from

    led = _ledger(args)
    led._ready()  # fail before the (longer) model run
    spec = spec_from(args.model)
    dataset = kit.datasets.load(args.dataset or spec.dataset)
    clues = kit.run(spec, dataset, params=_parse_params(args.param))
    date = args.date or dt.date.today().isoformat()
    app_id = led.record_application(spec.id, unit=args.unit, clues=clues, date=date,
                                    verified=args.verified, cases_formed=args.cases_formed)  # fmt: skip
    data = {"application_id": app_id, "model_id": spec.id, "unit": args.unit, "date": date,
            "run_id": clues.run_id, "clues_screened": len(clues)}  # fmt: skip
    text = f"application {app_id}: {args.unit} ran {spec.id} ({len(clues):,} clues, run {clues.run_id})"
    return _out(args, data, text)


def _add_case(args: argparse.Namespace) -> int:
    case_id = _ledger(args).record_case(
        args.case_number, unit=args.unit, model_id=args.model, version=args.version,
        clue_id=args.clue, category=args.category, received=args.received, filed=args.filed,
        closed=args.closed, status=args.status, loss_recovered=args.recovered, note=args.note,
    )  # fmt: skip
    return _out(args, {"case_id": case_id, "case_number": args.case_number},
                f"case {args.case_number} recorded (id {case_id})")  # fmt: skip


def _update_case(args: argparse.Namespace) -> int:
    names = {"filed": "filed_on", "closed": "closed_on", "recovered": "loss_recovered"}
    changes = {names.get(k, k): getattr(args, k) for k in
               ("status", "filed", "closed", "recovered", "note", "category")
               if getattr(args, k) is not None}  # fmt: skip
    if not changes:
        raise LedgerError("update-case: nothing to change. Fix: give --status, --filed, --closed, "
                          "--recovered, --note or --category.")  # fmt: skip
    diff = _ledger(args).update_case(args.case_number, **changes)
    return _out(args, diff, f"case {args.case_number}: " + (", ".join(diff) or "no change"))


def _add_measure(args: argparse.Namespace) -> int:
    mid = _ledger(args).add_measure(args.case_number, args.kind, issued=args.issued,
                                    adopted=args.adopted, note=args.note)  # fmt: skip
    return _out(args, {"measure_id": mid}, f"measure {mid} added to case {args.case_number}")


def _report(args: argparse.Namespace) -> int:
    report = _ledger(args).report(args.start, args.end)
    if args.html:
        report.save(args.html)
    text = "\n".join([report.paragraph("zh"), report.paragraph("en"), "",
                      report.table().to_string(index=False)])  # fmt: skip
    if args.html:
        text += f"\nreport written to {args.html}"
    return _out(args, report.to_dict(), text)


def _promotion(args: argparse.Namespace) -> int:
    promo = _ledger(args).promotion_candidates(args.min_units, args.start, args.end)
    lines = [f"{len(promo)} model(s) applied by {promo.min_units} or more units that screened "
             "clues and formed cases:"]  # fmt: skip
    for r in promo.candidates.to_dict("records"):
        lines.append(f"  {r['model_id']}: {r['units']} units, {r['clues_screened']:,} clues, "
                     f"{r['cases_formed']:,} cases ({r['unit_names']})")  # fmt: skip
    return _out(args, promo.to_dict(), "\n".join(lines))


def _export(args: argparse.Namespace) -> int:
    path = _ledger(args).export_xlsx(args.xlsx, lang=args.lang, masked=not args.no_mask)
    masked = "names unmasked" if args.no_mask else "names masked"
    print(f"ledger exported to {path} ({args.lang}, {masked})")
    return 0


def _import(args: argparse.Namespace) -> int:
    added = _ledger(args).import_xlsx(args.xlsx)
    text = "imported: " + ", ".join(f"{k} {v}" for k, v in added.items())
    return _out(args, added, text)


def _template(args: argparse.Namespace) -> int:
    from kit.ledger.excel import write_template

    print(f"template written to {write_template(args.xlsx)}")
    return 0
