"""The ledgers as Excel workbooks: layout, blank templates and export (Chinese or English).

A workbook has one sheet per ledger table (单位, 模型, 状态记录, 模型应用, 应用线索, 案件, 监督措施;
export adds 操作记录, the audit trail, which import skips). Columns with a controlled vocabulary
get drop-down lists. Import (:mod:`kit.ledger.excel_import`) accepts Chinese or English sheet names and headers, and Chinese
labels, English labels or codes in the cells. It checks every row, lists every problem with sheet,
row, column and fix, and writes all rows in one transaction or none at all. Rows point to one
another by 应用编号 (application number, from the 模型应用 sheet), 案件编号 and 模型编号.
People's names (建模人员, 操作人, and the same names inside the 操作记录 before/after JSON) are masked
in exports unless ``masked=False``; use an unmasked export to move a ledger between databases.
Text cells are always written as text, so a note starting with ``=`` is never a formula.

Examples
--------
>>> [s.zh for s in SHEETS][:4]
['单位', '模型', '状态记录', '模型应用']
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from kit._files import replacing
from kit.errors import LedgerError
from kit.ledger import schema as s
from kit.ledger.values import (
    fen_to_yuan,
)
from kit.ledger.vocab import VOCABULARIES, label
from kit.mask import mask_name, scrub_text


@dataclass(frozen=True)
class Col:
    """A column: code (the API's keyword), Chinese and English header, kind, vocabulary."""

    code: str
    zh: str
    en: str
    kind: str = "text"  # text | int | date | datetime | amount
    vocab: str = ""


@dataclass(frozen=True)
class Sheet:
    """A sheet: code, Chinese and English name, columns."""

    code: str
    zh: str
    en: str
    cols: tuple[Col, ...]


C = Col
SHEETS = (
    Sheet("units", "单位", "units", (
        C("name", "单位名称", "name"), C("level", "层级", "level", vocab="unit_level"),
        C("region_code", "行政区划代码", "region code"), C("parent", "上级单位", "parent unit"))),
    Sheet("models", "模型", "models", (
        C("model_id", "模型编号", "model id"), C("version", "版本", "version", "int"),
        C("name_zh", "模型名称", "name (Chinese)"), C("name_en", "英文名称", "name (English)"),
        C("field", "业务领域", "field", vocab="field"),
        C("supervision_point", "监督点", "supervision point"),
        C("builder_unit", "建模单位", "builder unit"), C("builders", "建模人员", "builders"),
        C("data_sources", "数据来源", "data sources"), C("spec_hash", "规则哈希", "spec hash"),
        C("status", "当前状态", "status", vocab="model_status"),
        C("created_at", "登记时间", "registered at", "datetime"),
        C("registered_at", "版本登记时间", "version registered at", "datetime"))),
    Sheet("status_history", "状态记录", "status history", (
        C("model_id", "模型编号", "model id"), C("status", "状态", "status", vocab="model_status"),
        C("changed_at", "变更时间", "changed at", "datetime"),
        C("changed_by", "操作人", "changed by"), C("note", "备注", "note"))),
    Sheet("applications", "模型应用", "applications", (
        C("application_no", "应用编号", "application no", "int"),
        C("model_id", "模型编号", "model id"), C("version", "版本", "version", "int"),
        C("unit", "应用单位", "unit"), C("applied_on", "应用日期", "applied on", "date"),
        C("window_start", "数据起始日期", "data window start", "date"),
        C("window_end", "数据截止日期", "data window end", "date"),
        C("run_id", "运行编号", "run id"), C("clues_screened", "筛查线索数", "clues screened", "int"),
        C("clues_verified", "核实线索数", "clues verified", "int"),
        C("cases_formed", "成案数", "cases formed", "int"),
        C("recorded_at", "录入时间", "recorded at", "datetime"))),
    Sheet("application_clues", "应用线索", "application clues", (
        C("application_no", "应用编号", "application no", "int"), C("clue_id", "线索编号", "clue id"))),
    Sheet("cases", "案件", "cases", (
        C("case_number", "案件编号", "case number"), C("unit", "办案单位", "handling unit"),
        C("model_id", "模型编号", "model id"), C("version", "模型版本", "model version", "int"),
        C("application_no", "应用编号", "application no", "int"), C("clue_id", "线索编号", "clue id"),
        C("field", "业务领域", "field", vocab="field"),
        C("category", "案件类别", "category", vocab="case_category"),
        C("status", "案件状态", "status", vocab="case_status"),
        C("received_on", "线索受理日期", "clue received on", "date"),
        C("filed_on", "立案日期", "filed on", "date"), C("closed_on", "结案日期", "closed on", "date"),
        C("loss_recovered", "挽回国家损失（元）", "state loss recovered (yuan)", "amount"),
        C("note", "备注", "note"))),
    Sheet("measures", "监督措施", "measures", (
        C("case_number", "案件编号", "case number"), C("kind", "措施类型", "kind", vocab="measure_kind"),
        C("issued_on", "制发日期", "issued on", "date"), C("adopted_on", "采纳日期", "adopted on", "date"),
        C("note", "备注", "note"))),
)  # fmt: skip
EVENTS = Sheet("events", "操作记录", "events", tuple(
    C(c, zh, c.replace("_", " ")) for c, zh in [("at", "时间"), ("actor", "操作人"), ("action", "操作"),
    ("table_name", "表"), ("row_key", "记录"), ("before", "修改前"), ("after", "修改后")]))  # fmt: skip
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write a blank workbook: Chinese headers, drop-down lists, and date and amount formats on
    the first 499 data rows."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        _sheet(wb, sheet, [], "zh")
    return _save(wb, Path(path))


def export_xlsx(
    ledger: Any, path: str | os.PathLike[str], lang: str = "zh", masked: bool = True
) -> Path:
    """Write every ledger table to ``path`` (``lang`` ``zh`` or ``en``).

    Masked by default: people's names, and any resident ID number or USCC written inside a text
    such as a note or the audit trail's JSON, are masked (``masked=False`` for a file that can
    be imported back).
    """
    if lang not in ("zh", "en"):
        raise LedgerError(f"Export language {lang!r}: use zh (Chinese) or en (English).")
    t = {name: ledger.table(name) for name in (*s.RECORD_TABLES, "events")}
    units = dict(zip(t["units"]["id"], t["units"]["name"], strict=True))
    models = t["models"].set_index("id")
    versions = t["model_versions"].set_index("id")
    data: dict[str, list[dict[str, Any]]] = {
        "units": [{**r, "parent": units.get(r["parent_id"], "")} for r in _rec(t["units"])],
        "models": [
            {**models.loc[v["model_id"]].to_dict(), **v,
             "builder_unit": units[models.loc[v["model_id"], "builder_unit_id"]],
             "builders": _mask_names(models.loc[v["model_id"], "builders"], masked)}
            for v in _rec(t["model_versions"])
        ],
        "status_history": [{**r, "changed_by": _mask_names(r["changed_by"], masked)}
                           for r in _rec(t["model_status_history"])],
        "applications": [
            {**r, "application_no": r["id"], "unit": units[r["unit_id"]],
             "model_id": versions.loc[r["model_version_id"], "model_id"],
             "version": versions.loc[r["model_version_id"], "version"]}
            for r in _rec(t["model_applications"])
        ],
        "application_clues": [{**r, "application_no": r["application_id"]}
                              for r in _rec(t["application_clues"])],
        "cases": [
            {**r, "unit": units[r["unit_id"]], "application_no": r["application_id"],
             "model_id": versions.loc[r["model_version_id"], "model_id"],
             "version": versions.loc[r["model_version_id"], "version"],
             "loss_recovered": fen_to_yuan(r["loss_recovered_fen"])}
            for r in _rec(t["cases"])
        ],
        "measures": [{**r, "case_number": n} for r, n in zip(
            _rec(t["case_measures"]), t["case_measures"]["case_id"].map(
                dict(zip(t["cases"]["id"], t["cases"]["case_number"], strict=True))), strict=True)],
        "events": [{**r, "actor": _mask_names(r["actor"], masked),
                    "before": _mask_json(r["before"], masked),
                    "after": _mask_json(r["after"], masked)} for r in _rec(t["events"])],
    }  # fmt: skip
    if masked:  # an ID number or USCC typed into a note must not leave in full
        data = {
            code: [{k: _scrub(v) for k, v in rec.items()} for rec in records]
            for code, records in data.items()
        }
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in (*SHEETS, EVENTS):
        _sheet(wb, sheet, data[sheet.code], lang)
    return _save(wb, Path(path))


def _scrub(value: Any) -> Any:
    return scrub_text(value) if isinstance(value, str) else value


def _rec(frame: Any) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


#: Keys of the audit trail's before/after JSON that hold people's names.
PERSON_KEYS = ("builders", "changed_by", "actor")


def _mask_names(text: str | None, masked: bool) -> str:
    """``'王芳; 李强'`` as ``'王*; 李*'`` when ``masked`` (names separated by ``;``)."""
    names = [n.strip() for n in str(text or "").split(";") if n.strip()]
    return "; ".join(mask_name(n) if masked else n for n in names)


def _mask_json(text: str | None, masked: bool) -> str | None:
    """An event's before/after JSON with the people's names in it masked when ``masked``."""
    if not masked or not text:
        return text
    try:
        data = json.loads(text)
    except ValueError:  # not written by the kit: keep nothing that could be a name
        return "***"
    if isinstance(data, dict):
        for key in PERSON_KEYS:
            if isinstance(data.get(key), str):
                data[key] = _mask_names(data[key], True)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _sheet(wb: Workbook, sheet: Sheet, records: list[dict[str, Any]], lang: str) -> None:
    ws = wb.create_sheet(sheet.zh if lang == "zh" else sheet.en)
    ws.append([c.zh if lang == "zh" else c.en for c in sheet.cols])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    ws.freeze_panes = "A2"
    for rec in records:
        ws.append([_cell(c, rec.get(c.code), lang) for c in sheet.cols])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula: "=1+1 备注" stays as written
    last = max(len(records) + 1, 500)
    # a blank template gets the formats on its first rows, where people will type
    formatted = len(records) + 1 if records else last
    for i, col in enumerate(sheet.cols, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = max(12, min(40, len(col.zh) * 2 + 4))
        fmt = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "amount": "#,##0.00"}
        for row in ws.iter_rows(min_row=2, max_row=formatted, min_col=i, max_col=i):
            if col.kind in fmt:
                row[0].number_format = fmt[col.kind]
        if col.vocab:
            options = [label(col.vocab, code, lang) if lang == "zh" else code
                       for code in VOCABULARIES[col.vocab]]  # fmt: skip
            dv = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
            )
            dv.error = f"{col.zh}: 请从下拉列表选择 / choose from the list"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")


def _cell(col: Col, value: Any, lang: str) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if col.vocab:
        return label(col.vocab, str(value), lang) if lang == "zh" else str(value)
    if col.kind == "amount":
        return float(value)
    if col.kind == "int":
        return int(value)
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return value


def _save(wb: Workbook, path: Path) -> Path:
    with replacing(path, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return path
