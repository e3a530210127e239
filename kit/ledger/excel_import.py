"""Import of ledger workbooks: every row checked, every problem listed, all rows or none written.

The layout (sheets, columns, drop-down vocabularies) is :data:`kit.ledger.excel.SHEETS`. Cells are
checked first (dates, amounts, counts, vocabularies), then each row is written through one
:class:`~kit.ledger.writes.Writer`, which checks references (units, model versions, applications,
clue ids, case numbers) and order rules. Any problem rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from kit.errors import LedgerError, Problem
from kit.ledger import rows
from kit.ledger import schema as s
from kit.ledger.excel import EVENTS, SHEETS, Col, Sheet
from kit.ledger.values import (
    FieldError,
    is_blank,
    parse_count,
    parse_date,
    parse_text,
    yuan_to_fen,
)
from kit.ledger.writes import ACTOR_LENGTH, CLUE_ID_LENGTH, _code


def import_xlsx(ledger: Any, path: str | os.PathLike[str]) -> dict[str, int]:
    """Add the rows of a workbook to the ledger: every row is checked, all are written or none.

    Units and model versions already in the ledger are kept (a model version with another spec
    hash is a problem); status history is taken for models the import creates; applications,
    cases and measures are always new. Returns rows added per sheet.

    Raises
    ------
    LedgerError
        With one :class:`~kit.errors.Problem` per bad cell or row (sheet, row, column, fix);
        the ledger is unchanged.
    """
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise LedgerError(
            f"{path}: cannot be read as an Excel workbook ({exc}). Fix: save it as .xlsx."
        ) from None
    problems: list[Problem] = []
    try:
        sheets = _read(wb, path.name, problems)
    finally:
        wb.close()
    if any(p.row is None for p in problems):  # a sheet without its columns: stop here
        raise LedgerError(
            f"{path.name}: {len(problems)} problem(s); nothing was imported.", problems
        )
    ledger._ready()
    try:
        with ledger.writer() as w:
            added = _Importer(w, path.name, problems).run(sheets)
            if problems:
                raise _Abort
    except _Abort:
        order = {sh.zh: i for i, sh in enumerate(SHEETS)}
        problems.sort(key=lambda p: (order.get(p.file.rsplit(" ", 1)[-1], 99), p.row or 0))
        raise LedgerError(
            f"{path.name}: {len(problems)} problem(s); nothing was imported.", problems
        ) from None
    return added


#: The column that names a row of each sheet (rows of other sheets cite it).
KEYS = {"units": "name", "models": "model_id", "applications": "application_no",
        "cases": "case_number"}  # fmt: skip


class _Abort(Exception):
    """Raised inside the import transaction to roll it back."""


Rows = dict[str, list[tuple[int, dict[str, Any]]]]


#: Sheet names import reads, for messages: 单位 (units), 模型 (models), ...
ACCEPTED = ", ".join(f"{sh.zh} ({sh.en})" for sh in SHEETS)
#: Sheets written on export and never imported: the audit trail.
SKIPPED = {EVENTS.zh, EVENTS.en, EVENTS.code}
#: Every header a ledger sheet may have (Chinese, English, code), lower case.
HEADERS = {k.lower() for sh in SHEETS for c in sh.cols for k in (c.zh, c.en, c.code)}


def _read(wb: Any, name: str, problems: list[Problem]) -> Rows:
    """The rows of the ledger sheets, checked cell by cell.

    A sheet with another name is a problem when its header has two or more ledger columns (a
    misnamed ledger sheet); otherwise (notes) it is left out. A workbook without a single data row
    on a ledger sheet is a problem naming the sheets left out and the accepted names.
    """
    by_name = {k: sh for sh in SHEETS for k in (sh.zh, sh.en, sh.code)}
    out: Rows = {sh.code: [] for sh in SHEETS}
    left_out = []
    for ws in wb.worksheets:
        sheet = by_name.get(ws.title.strip())
        it = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, ())]
        if sheet is None:
            if ws.title.strip() in SKIPPED:
                continue  # 操作记录 / events: the audit trail is the ledger's own
            known = [h for h in header if h.lower() in HEADERS]
            if len(known) >= 2:
                problems.append(Problem(
                    f"{name}, sheet {ws.title}", None, None,
                    f"sheet {ws.title!r} is not a ledger sheet, but its header has ledger "
                    f"columns ({', '.join(known[:4])}); it would be left out.",
                    f"rename it to one of the accepted sheet names: {ACCEPTED}."))  # fmt: skip
            else:
                left_out.append(ws.title)  # a notes sheet
            continue
        lookup = {k.lower(): c.code for c in sheet.cols for k in (c.zh, c.en, c.code)}
        codes = [lookup.get(h.lower()) for h in header]
        missing = [c.zh for c in sheet.cols if c.code not in codes]
        if missing:
            problems.append(Problem(f"{name}, sheet {ws.title}", None, None,
                                    f"header lacks column(s) {', '.join(missing)}.",
                                    "copy the header row from `kit ledger template`."))  # fmt: skip
            continue
        for excel_row, values in enumerate(it, start=2):
            record = {c: v for c, v in zip(codes, values, strict=False) if c}
            if all(is_blank(v) for v in record.values()):
                continue
            bad = _check_cells(sheet, record)
            for col, exc in bad:
                problems.append(Problem(f"{name}, sheet {sheet.zh}", excel_row - 1, col.zh,
                                        exc.detail, exc.fix))  # fmt: skip
            out[sheet.code].append((excel_row, {**record, BAD: bool(bad)}))
    if not problems and not any(out.values()):
        others = f" Sheets left out: {', '.join(repr(t) for t in left_out)}." if left_out else ""
        problems.append(Problem(
            name, None, None, f"has no rows to import on any ledger sheet.{others}",
            f"put the rows on sheets named {ACCEPTED} (header row from `kit ledger template`)."))  # fmt: skip
    return out


BAD = "__bad__"


def _check_cells(sheet: Sheet, record: dict[str, Any]) -> list[tuple[Col, FieldError]]:
    """Type and vocabulary problems of every cell of one row."""
    found = []
    for col in sheet.cols:
        value = record.get(col.code)
        try:
            if col.vocab and not is_blank(value):
                _code(col.vocab, value, col.code)
            elif col.kind == "date":
                parse_date(value, col.code, required=False)
            elif col.kind == "datetime":
                _when(value, col.code)
            elif col.kind == "amount":
                yuan_to_fen(value, col.code)
            elif col.kind == "int" and not is_blank(value):
                parse_count(value, col.code)
        except FieldError as exc:
            found.append((col, exc))
        except (ArithmeticError, TypeError, ValueError) as exc:  # no raw traceback for a cell
            found.append((col, FieldError(col.code, f"{value!r} cannot be read ({exc}).",
                                          "write the value as the template shows.")))  # fmt: skip
    return found


class _Importer:
    """Writes the rows of one workbook through one Writer, collecting problems per cell."""

    def __init__(self, w: Any, name: str, problems: list[Problem]) -> None:
        self.w, self.name, self.problems = w, name, problems
        self.added: dict[str, int] = defaultdict(int)
        self.app_ids: dict[int, int | None] = {}
        self.new_models: set[str] = set()
        self.failed: set[tuple[str, str]] = set()
        self.dead = False

    def run(self, sheets: Rows) -> dict[str, int]:
        by_app: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for _, rec in sheets["application_clues"]:
            by_app[str(rec.get("application_no"))].append(rec)
        for sheet in SHEETS:
            for excel_row, rec in sheets[sheet.code]:
                if self.dead:
                    return dict(self.added)
                if sheet.code == "applications":
                    clues = by_app[str(rec.get("application_no"))]
                    self._row(sheet, excel_row, lambda r=rec, c=clues: self._application(r, c), rec)
                elif sheet.code == "application_clues":
                    self._row(sheet, excel_row, lambda r=rec: self._clue(r), rec)
                else:
                    func = getattr(self, "_" + sheet.code)
                    self._row(sheet, excel_row, lambda r=rec, f=func: f(r), rec)
        return dict(self.added)

    def _row(self, sheet: Sheet, excel_row: int, func: Any, rec: dict[str, Any]) -> None:
        if rec.get(BAD):  # its cells were reported already; rows that cite it say so
            self.failed.add((sheet.code, str(rec.get(KEYS.get(sheet.code, "")))))
            return
        try:
            if func() is not False:
                self.added[sheet.code] += 1
        except FieldError as exc:
            self.failed.add((sheet.code, str(rec.get(KEYS.get(sheet.code, "")))))
            header = {c.code: c.zh for c in sheet.cols}
            column = header.get(exc.field, exc.field)
            self.problems.append(Problem(f"{self.name}, sheet {sheet.zh}", excel_row - 1, column,
                                         exc.detail, exc.fix))  # fmt: skip
        except (ArithmeticError, TypeError, ValueError) as exc:  # no raw traceback for a row
            self.failed.add((sheet.code, str(rec.get(KEYS.get(sheet.code, "")))))
            self.problems.append(Problem(f"{self.name}, sheet {sheet.zh}", excel_row - 1, None,
                                         f"the row cannot be read ({exc}).",
                                         "write the values as the template shows."))  # fmt: skip
        except DBAPIError as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            self.problems.append(Problem(f"{self.name}, sheet {sheet.zh}", excel_row - 1, None,
                                         f"the database refused the row ({reason}).",
                                         "correct the row; nothing was imported."))  # fmt: skip
            self.dead = True

    def _units(self, r: dict[str, Any]) -> None:
        self.w.add_unit(
            r.get("name"), r.get("level") or None, r.get("region_code"), r.get("parent")
        )

    def _models(self, r: dict[str, Any]) -> bool:
        model_id = parse_text(r.get("model_id"), "model_id", required=True)
        new = self.w._model(model_id, required=False) is None
        info = {**r, "version": parse_count(r.get("version"), "version", default=1),
                "created_at": _when(r.get("created_at")), "registered_at": _when(r.get("registered_at"))}  # fmt: skip
        if "*" in str(r.get("builders") or ""):
            raise FieldError("builders", f"{r.get('builders')!r} is masked.",
                             "import an export written with masked=False (--no-mask).")  # fmt: skip
        done = self.w.register_model(info, r.get("builder_unit"), history=False)
        if new:
            self.new_models.add(model_id)
        return bool(done["created"])

    def _status_history(self, r: dict[str, Any]) -> bool:
        model_id = parse_text(r.get("model_id"), "model_id", required=True)
        self.w._model(model_id)
        if model_id not in self.new_models:
            return False  # the ledger keeps its own history of models it already had
        if "*" in str(r.get("changed_by") or ""):
            raise FieldError("changed_by", f"{r.get('changed_by')!r} is masked.",
                             "import an export written with masked=False (--no-mask).")  # fmt: skip
        row = {"model_id": model_id, "status": _code("model_status", r.get("status"), "status"),
               "changed_at": _when(r.get("changed_at")) or self.w.now,
               "changed_by": parse_text(r.get("changed_by"), "changed_by", max_length=ACTOR_LENGTH),
               "note": parse_text(r.get("note"), "note")}  # fmt: skip
        self.w.conn.execute(insert(s.model_status_history).values(**row))
        self.w.event("import status", "model_status_history", model_id, after=row)
        return True

    def _application(self, r: dict[str, Any], clues: list[dict[str, Any]]) -> None:
        number = parse_count(r.get("application_no"), "application_no")
        if number in self.app_ids:
            raise FieldError(
                "application_no", f"{number} appears twice.", "number each application once."
            )
        self.app_ids[number] = None
        row = rows.application_row(self.w, r)
        row["recorded_at"] = _when(r.get("recorded_at"))
        ids = [parse_text(c.get("clue_id"), "clue_id", required=True, max_length=CLUE_ID_LENGTH)
               for c in clues]  # fmt: skip
        self.app_ids[number] = self.w.add_application(row, ids)
        self.added["application_clues"] += len(ids)

    def _clue(self, r: dict[str, Any]) -> bool:
        parse_text(r.get("clue_id"), "clue_id", required=True, max_length=CLUE_ID_LENGTH)
        number = parse_count(r.get("application_no"), "application_no")
        if number not in self.app_ids:
            raise FieldError("application_no", f"{number} is not on the 模型应用 sheet.",
                             "give the clue's application on the 模型应用 sheet.")  # fmt: skip
        return False  # written with its application

    def _cases(self, r: dict[str, Any]) -> None:
        values = dict(r)
        number = r.get("application_no")
        if not is_blank(number):
            key = parse_count(number, "application_no")
            if self.app_ids.get(key) is None:
                known = key in self.app_ids or ("applications", str(number)) in self.failed
                why = "has a problem itself" if known else "is not on the 模型应用 sheet"
                raise FieldError("application_no", f"application {key} {why}.",
                                 "fix the application, or leave 应用编号 empty.")  # fmt: skip
            values["application_id"] = self.app_ids[key]
        self.w.add_case(rows.case_row(self.w, values))

    def _measures(self, r: dict[str, Any]) -> None:
        if ("cases", str(r.get("case_number"))) in self.failed:
            raise FieldError("case_number", f"case {r.get('case_number')!r} has a problem itself "
                             "(sheet 案件).", "fix that case first.")  # fmt: skip
        self.w.add_measure(r.get("case_number"), rows.measure_row(r))


def _when(value: Any, column: str = "changed_at") -> dt.datetime | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(column, f"{value!r} is not a date and time.",
                         "write YYYY-MM-DD HH:MM:SS.") from None  # fmt: skip
