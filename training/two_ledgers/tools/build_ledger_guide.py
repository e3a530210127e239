"""Generate the handout ``handouts/ledger_fields.md``: both ledgers, field by field (台账字段说明).

Every table and column comes from :mod:`kit.ledger.schema` (type, required, foreign keys, the
rules the database enforces), allowed values and their Chinese labels from
:mod:`kit.ledger.vocab`, and the Excel sheet and header each column maps to from
:data:`kit.ledger.excel.SHEETS`. What only people know (what to write in a field and the usual
mistake) is in :data:`NOTES` below, one entry per column. The script stops when the schema has a
column without a note, or a note names a column the schema does not have, so the handout cannot
fall behind the kit silently. ``tests/test_training_material.py`` regenerates the handout and
compares it with the committed file.

Usage::

    .venv/bin/python training/two_ledgers/tools/build_ledger_guide.py [--out PATH] [--check]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kit.ledger import schema
from kit.ledger.excel import EVENTS, SHEETS, Col, Sheet
from kit.ledger.vocab import VOCABULARIES

#: The committed handout.
GUIDE = Path(__file__).resolve().parents[1] / "handouts" / "ledger_fields.md"


@dataclass(frozen=True)
class Note:
    """What people need to know about one column.

    Attributes
    ----------
    zh : str
        The column's Chinese name (the Excel header where there is one).
    write : str
        What to write here, in plain words.
    error : str
        The common mistake and what happens (refused, or silently wrong).
    auto : bool
        True when the kit fills the column itself (ids, timestamps, the writer's name).
    required : str
        Overrides the "required" cell when the API fills an empty value (a default or a guess).
    """

    zh: str
    write: str
    error: str = ""
    auto: bool = False
    required: str = ""


N = Note
#: Per table: which ledger it belongs to, its Chinese name and what one row is.
TABLES = {
    "units": ("model ledger 模型台账", "单位", "one procuratorate (检察院)."),
    "models": ("model ledger 模型台账", "模型", "one supervision model (监督模型)."),
    "model_versions": ("model ledger 模型台账", "模型版本", "one version of a model's rule."),
    "model_status_history": ("model ledger 模型台账", "状态记录",
                             "one change of a model's status / shelving level (上架层级)."),
    "model_applications": ("model ledger 模型台账", "模型应用",
                           "one use of a model by one unit (模型应用): one run on one data window."),
    "application_clues": ("model ledger 模型台账", "应用线索",
                          "one clue id produced by an application (ids only, no personal data)."),
    "cases": ("case ledger 案件台账", "案件", "one case handled with a model (运用模型办理的案件)."),
    "case_measures": ("case ledger 案件台账", "监督措施",
                      "one measure taken in a case (检察建议, 抗诉, 再审检察建议, 移送公安机关)."),
    "events": ("audit trail 操作记录", "操作记录",
               "one change to the ledgers: who, when, what, before and after. Append-only."),
}  # fmt: skip

#: What to write and the common error, for every column of every table.
NOTES: dict[str, dict[str, Note]] = {
    "units": {
        "id": N("内部编号", "Nothing: the ledger numbers units itself. Other rows cite a unit by its name.", auto=True),
        "name": N("单位名称", "The full official name, e.g. 六安市裕安区人民检察院.",
                  "A short name (霍邱县, 裕安区院) is refused: \"unit '霍邱县' is not in the ledger\". A full "
                  "name with a typo (六安市裕安区检察院) is not refused: it becomes a second unit, and the "
                  "unit's figures split in two. Copy names from the 单位 sheet."),
        "level": N("层级", "省级院, 市级院 or 县级院. Left empty, it is guessed from the name (省 / 市 / 县, 区).",
                   "County-level cities (界首市, 桐城市) are guessed as 市级院: give 县级院 yourself.",
                   required="yes (guessed from the name when empty)"),
        "region_code": N("行政区划代码", "The 6-digit GB/T 2260 code of the unit's area, e.g. 341503.",
                         "A 12-digit statistical code or a 4-digit code is refused (\"is not 6 digits\")."),
        "parent_id": N("上级单位", "The full name of the supervising unit (a county's city, a city's province).",
                       "The parent must already be in the ledger: in a workbook, list the province first, "
                       "then the cities, then the counties."),
    },
    "models": {
        "id": N("模型编号", "The model's short, stable id, as in its YAML file (SS01, MI07).",
                "Giving a changed model a new id (SS01-new) splits its history; keep the id and raise "
                "the version instead."),
        "name_zh": N("模型名称", "The Chinese name, taken from the model's specification (死亡人员冒领养老金)."),
        "name_en": N("英文名称", "The English name, taken from the specification (Pension paid after death)."),
        "field": N("业务领域", "The business field; it sets the default category of the model's cases.",
                   "A wrong field puts every case in the wrong bulletin category.",
                   required="yes (from the specification)"),
        "supervision_point": N("监督点", "One sentence: which illegal situation the model looks for.",
                               "Writing the data sources or the rule's SQL here; those have their own "
                               "columns and the specification document."),
        "builder_unit_id": N("建模单位", "The full name of the unit that built the model."),
        "builders": N("建模人员", "The builders' names, separated by ; (in training: role placeholders such "
                      "as 示例建模员甲).",
                      "Exports mask them (王*; 李*) by default, and a masked workbook is refused on "
                      "import (\"is masked\"). Move ledgers with an unmasked export (--no-mask)."),
        "data_sources": N("数据来源", "The agency tables the model reads (from the specification).",
                          "Listing a table the model does not read, or leaving out one it does."),
        "status": N("当前状态", "The current status; change it with set_status / `kit ledger set-status`, "
                    "which also writes the status history.",
                    "Changing this cell in a workbook does nothing for a model already in the ledger: "
                    "an import keeps the ledger's own models and their history.",
                    required="yes (研发中 when registered)"),
        "created_at": N("登记时间", "Nothing: the time of the first registration (UTC).", auto=True),
    },
    "model_versions": {
        "id": N("内部编号", "Nothing: cases and applications cite a version through 模型编号 + 版本.", auto=True),
        "model_id": N("模型编号", "The model this version belongs to."),
        "version": N("版本", "1, 2, 3 ...: raise it in the model's YAML whenever the rule changes. 1.0 in a "
                     "spreadsheet is read as 1.",
                     "A changed rule under the old number is refused: \"SS01 version 1 is registered with "
                     "spec hash ..., but this spec's hash is ...\".", required="yes (1 when empty)"),
        "spec_hash": N("规则哈希", "Nothing by hand: the kit computes it (sha256 of the specification, "
                       "documentation-only sections left out). It proves which rule produced a run.",
                       "Copying or editing a hash by hand; register the spec instead."),
        "registered_at": N("版本登记时间", "Nothing: when the version was registered (UTC).", auto=True),
    },
    "model_status_history": {
        "id": N("内部编号", "Nothing.", auto=True),
        "model_id": N("模型编号", "The model whose status changed."),
        "status": N("状态", "The new status. The usual path is 研发中 → 本院应用 → 省级平台上架 → 全国平台上架.",
                    "The ledger does not enforce the order (it accepts a jump or a step back): the note "
                    "should say why, e.g. the platform's shelving notice."),
        "changed_at": N("变更时间", "Nothing: when the status changed (UTC).", auto=True),
        "changed_by": N("操作人", "Nothing: the writer's name (the Ledger's actor). Masked in exports.", auto=True),
        "note": N("备注", "Why the status changed, e.g. 省级平台上架 and the notice's number.",
                  "Names or identity numbers in a note: the ledger keeps notes as typed (a masked export masks ID numbers in them, not names)."),
    },
    "model_applications": {
        "id": N("应用编号", "Nothing in the ledger (it numbers applications). In a workbook, the 应用编号 ties "
                "the 应用线索 and 案件 rows to their application; the numbers are local to the workbook.",
                "Two applications with the same 应用编号 in one workbook are refused (\"appears twice\").",
                required="automatic (in a workbook: yes)"),
        "model_version_id": N("模型编号 + 版本", "The model and the version that ran. Recorded from a run's "
                              "clues, both come from the run and its hash must match the registered one.",
                              "Recording clues of a changed rule under the old version is refused: \"the run "
                              "used spec hash ..., but SS01 version 1 is registered with ...\".",
                              required="yes (version: the latest when empty)"),
        "unit_id": N("应用单位", "The full name of the unit that applied the model."),
        "applied_on": N("应用日期", "The date the unit ran the model. The application counts in the bulletin "
                        "period of this date (models invested, clues studied and judged)."),
        "window_start": N("数据起始日期", "The first day of the data the run covered (from the run's clues)."),
        "window_end": N("数据截止日期", "The last day of the data the run covered; not before the start.",
                        "A window that ends before it starts is refused."),
        "run_id": N("运行编号", "The run's id from kit.run (SS01-34de8f8ed1); it identifies data and rule.",
                    "Recording the same run twice for one unit is refused: \"run ... is already recorded "
                    "for this unit\"."),
        "clues_screened": N("筛查线索数", "How many clues the run produced. This is the bulletin's 研判线索.",
                            "With clue ids it must equal their number (\"differs from the N clue ids\")."),
        "clues_verified": N("核实线索数", "How many of those clues review confirmed (0 or more).",
                            "More verified than screened is refused (\"is more than the N screened\")."),
        "cases_formed": N("成案数", "How many cases this application's clues formed, as the unit reports it.",
                          "Writing the number of clues here. The ledger cannot catch it; and the "
                          "bulletin's case count does not come from this column but from the case "
                          "ledger (cases filed in the period)."),
        "recorded_at": N("录入时间", "Nothing: when the application was recorded (UTC).", auto=True),
    },
    "application_clues": {
        "application_id": N("应用编号", "The application that produced the clue."),
        "clue_id": N("线索编号", "The clue id exactly as the run gave it (SS01-de7a7bd03d1e), at most 64 "
                     "characters.",
                     "Writing a person's name or identity number instead of the clue id: the ledger "
                     "keeps ids only, the person stays in the masked clue list of the run."),
    },
    "cases": {
        "id": N("内部编号", "Nothing: measures cite a case by its 案件编号.", auto=True),
        "case_number": N("案件编号", "The official case number, e.g. 皖霍邱检民公〔2025〕1号. Unique; it cannot "
                         "be changed later.",
                         "Recording the same number twice is refused (\"is already in the case "
                         "ledger\"): change the case with update_case instead."),
        "unit_id": N("办案单位", "The full name of the unit handling the case."),
        "model_version_id": N("模型编号 + 模型版本", "The model whose clue led to the case. Leave the version "
                              "empty: it comes from the clue's application.",
                              "Citing a version whose run did not produce the clue is refused.",
                              required="yes (version: from the clue, else the latest)"),
        "application_id": N("应用编号", "The application whose clue led to the case; leave empty to let the "
                            "ledger find it from the clue id (the unit's own application first)."),
        "clue_id": N("线索编号", "The id of the clue the case came from, from a recorded application of this "
                     "model.",
                     "A made-up or mistyped clue id is refused (\"is not among the clues of any "
                     "recorded application\"). An empty clue id is accepted but loses the link from "
                     "case to run: fill it whenever the case came from a run."),
        "field": N("业务领域", "Leave empty: it comes from the model.", required="yes (from the model when empty)"),
        "category": N("案件类别", "The bulletin's category; leave empty and it follows the field (社保 and 医保 "
                      "→ 社保医保).",
                      "Choosing a category by the case's topic instead of the bulletin's four "
                      "categories.", required="yes (from the field when empty)"),
        "status": N("案件状态", "Leave empty: 线索受理 (received), 已立案 (filed) or 已结案 (closed) follows "
                    "the dates.",
                    "A status that does not match the dates is refused (\"does not match the dates\").",
                    required="yes (from the dates when empty)"),
        "received_on": N("线索受理日期", "The date the clue was received for handling: on or after the "
                         "application date.",
                         "A date before the application that produced the clue is refused."),
        "filed_on": N("立案日期", "The filing date (立案). The case counts in the bulletin period of this "
                      "date; empty while the case is only received.",
                      "A filing date before receipt is refused (\"is before the clue was received\")."),
        "closed_on": N("结案日期", "The closing date; not before filing.",
                       "A closing date without a filing date is refused (\"is empty but the case is "
                       "closed\")."),
        "loss_recovered_fen": N("挽回国家损失（元）", "The state loss recovered, in yuan with at most two "
                                "decimals (12345.67); the ledger stores fen (分) so sums are exact.",
                                "Negative amounts and a third decimal are refused. Writing 万元 "
                                "(2.5 for 25,000 yuan) is not caught: always write yuan."),
        "note": N("备注", "A short remark about the case.",
                  "Names or identity numbers in a note: the ledger keeps notes as typed, in the audit "
                  "trail too; a masked export masks ID numbers in them, not names."),
    },
    "case_measures": {
        "id": N("内部编号", "Nothing.", auto=True),
        "case_id": N("案件编号", "The case number of a case already in the case ledger.",
                     "A case number not in the ledger is refused (\"is not in the case ledger\")."),
        "kind": N("措施类型", "The kind of measure, from the list.",
                  "Anything else (警告, 约谈) is refused with the list of allowed kinds."),
        "issued_on": N("制发日期", "The date the measure was issued; counts in the period of this date.",
                       "A date before the case's clue was received is refused."),
        "adopted_on": N("采纳日期", "For a recommendation, the date it was adopted; empty while it is not.",
                        "A date before issue is refused (\"adoption comes after issue\")."),
        "note": N("备注", "To whom it was issued, in words (向人社部门制发).",
                  "Names or identity numbers in a note."),
    },
    "events": {
        "id": N("内部编号", "Nothing.", auto=True),
        "at": N("时间", "Nothing: when the change was written (UTC).", auto=True),
        "actor": N("操作人", "Nothing: the writer's name (the Ledger's actor). Masked in exports.", auto=True),
        "action": N("操作", "Nothing: register model, set status, record application, record case, update "
                    "case, add measure, import ...", auto=True),
        "table_name": N("表", "Nothing: the table that changed.", auto=True),
        "row_key": N("记录", "Nothing: the changed row's key (unit name, model id, case number ...).", auto=True),
        "before": N("修改前", "Nothing: the changed values before (JSON); empty for a new row.", auto=True),
        "after": N("修改后", "Nothing: the values after (JSON).",
                   "Trying to correct history here: events cannot be changed or deleted (\"events is "
                   "append-only\"). Correct the record with update_case; the correction is a new event.",
                   auto=True),
    },
}  # fmt: skip

#: The Excel sheet of each table.
SHEET_OF = {
    "units": "units",
    "models": "models",
    "model_versions": "models",
    "model_status_history": "status_history",
    "model_applications": "applications",
    "application_clues": "application_clues",
    "cases": "cases",
    "case_measures": "measures",
    "events": "events",
}
#: Table columns whose Excel column has another code (``None``: not in the workbook).
EXCEL_CODES: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("units", "id"): None,
    ("units", "parent_id"): ("parent",),
    ("models", "id"): ("model_id",),
    ("models", "builder_unit_id"): ("builder_unit",),
    ("model_versions", "id"): None,
    ("model_status_history", "id"): None,
    ("model_applications", "id"): ("application_no",),
    ("model_applications", "model_version_id"): ("model_id", "version"),
    ("model_applications", "unit_id"): ("unit",),
    ("application_clues", "application_id"): ("application_no",),
    ("cases", "id"): None,
    ("cases", "unit_id"): ("unit",),
    ("cases", "model_version_id"): ("model_id", "version"),
    ("cases", "application_id"): ("application_no",),
    ("cases", "loss_recovered_fen"): ("loss_recovered",),
    ("case_measures", "id"): None,
    ("case_measures", "case_id"): ("case_number",),
    ("events", "id"): None,
}


#: Excel column kinds in plain words.
KINDS = {"text": "text", "int": "whole number", "date": "date", "datetime": "date and time",
         "amount": "amount (yuan)"}  # fmt: skip


def _sheets() -> dict[str, Sheet]:
    return {sheet.code: sheet for sheet in (*SHEETS, EVENTS)}


def excel_columns(table: str, column: str) -> list[Col]:
    """The Excel columns a table column maps to (empty when it is not in the workbook).

    Raises
    ------
    KeyError
        If the mapping names an Excel column the sheet does not have (the layout changed).
    """
    codes = EXCEL_CODES.get((table, column), (column,))
    if codes is None:
        return []
    sheet = _sheets()[SHEET_OF[table]]
    by_code = {c.code: c for c in sheet.cols}
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise KeyError(f"{table}.{column}: sheet {sheet.zh} has no column {', '.join(missing)}")
    return [by_code[c] for c in codes]


def check_notes() -> None:
    """Stop when a schema column has no note or a note names no schema column."""
    problems = []
    for name, table in schema.metadata.tables.items():
        notes = NOTES.get(name, {})
        problems += [f"{name}.{c.name}: no note" for c in table.columns if c.name not in notes]
        problems += [f"{name}.{c}: not in the schema" for c in notes if c not in table.columns]
        if name not in TABLES:
            problems.append(f"{name}: no entry in TABLES")
    problems += [f"{t}: not a schema table" for t in NOTES if t not in schema.metadata.tables]
    if problems:
        raise SystemExit(
            "build_ledger_guide.py: the notes do not match kit/ledger/schema.py:\n  - "
            + "\n  - ".join(problems)
            + "\nFix: add or remove the entries in NOTES."
        )


def type_text(column: Column) -> str:
    """The column's type in plain words."""
    t = column.type
    if isinstance(t, BigInteger):
        return "whole number (fen)" if column.name.endswith("_fen") else "whole number"
    if isinstance(t, Integer):
        return "whole number"
    if isinstance(t, DateTime):
        return "date and time"
    if isinstance(t, Date):
        return "date (YYYY-MM-DD)"
    if isinstance(t, String) and t.length:
        return f"text, ≤ {t.length} characters"
    if isinstance(t, Text | String):
        return "text"
    return str(t).lower()


def required_text(table: Table, column: Column, note: Note) -> str:
    """``automatic``, ``yes``, ``no`` or ``no (default ...)``."""
    if note.auto:
        return "automatic"
    if note.required:
        return note.required
    if column.primary_key and len(table.primary_key.columns) == 1:
        return "yes (key)"
    if column.nullable:
        return "no"
    default = column.server_default
    if default is not None:
        value = getattr(default, "arg", "")
        value = getattr(default, "arg", "")
        return f"no (default {value})" if value != "" else "no (default empty)"
    return "yes"


def vocabulary(table: str, column: str) -> str:
    """The vocabulary of a column, found through its Excel column ('' when free)."""
    for col in excel_columns(table, column):
        if col.vocab:
            return col.vocab
    return ""


def allowed_text(vocab: str) -> str:
    """Allowed values as ``code`` 中文 (English), separated by semicolons."""
    return "; ".join(f"`{code}` {zh} ({en})" for code, (zh, en) in VOCABULARIES[vocab].items())


def excel_text(table: str, column: str) -> str:
    """``sheet 案件 · 线索受理日期 (clue received on)``, or a dash when not in the workbook."""
    cols = excel_columns(table, column)
    if not cols:
        return "—"
    sheet = _sheets()[SHEET_OF[table]]
    heads = " + ".join(f"{c.zh} ({c.en})" for c in cols)
    return f"{sheet.zh} · {heads}"


def rules(table: Table) -> list[str]:
    """The rules the database enforces on a table, as Markdown list items."""
    out = []
    for con in sorted(table.constraints, key=lambda c: str(c.name)):
        if isinstance(con, CheckConstraint):
            out.append(f"check `{con.sqltext}`")
        elif isinstance(con, UniqueConstraint):
            out.append("unique: " + " + ".join(f"`{c.name}`" for c in con.columns))
    keys = [c.name for c in table.primary_key.columns]
    out.insert(0, "key: " + " + ".join(f"`{k}`" for k in keys))
    for fk in sorted(table.foreign_key_constraints, key=lambda f: f.column_keys):
        mine = " + ".join(f"`{c}`" for c in fk.column_keys)
        theirs = " + ".join(f"`{e.target_fullname}`" for e in fk.elements)
        out.append(
            f"{mine} must exist in {theirs}" + (" (together)" if len(fk.elements) > 1 else "")
        )
    if table.name == "events":
        out.append("append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)")
    return out


def render() -> str:
    """The whole handout as Markdown."""
    check_notes()
    lines = [
        "# The two ledgers, field by field (两个台账字段说明)",
        "",
        "<!-- Generated by training/two_ledgers/tools/build_ledger_guide.py from kit/ledger/schema.py,",
        "     vocab.py and excel.py. Do not edit by hand: change the NOTES in the script and re-run it. -->",
        "",
        "Every table and column of the model ledger (模型台账), the case ledger (案件台账) and the audit",
        "trail (操作记录), as `kit.ledger` keeps them: the type, whether you must fill it, the allowed",
        "values, the Excel sheet and header it appears under, what to write, and the usual mistake.",
        "Quoted messages are the kit's own. Background: [docs/ledger.md](../../../docs/ledger.md);",
        "the order of work: [workflow.md](workflow.md); the mistakes in depth:",
        "[common_mistakes.md](common_mistakes.md).",
        "",
        "**Reading the tables.** *Required*: `yes` must be given; `no` may stay empty; `automatic` is",
        "filled by the kit (ids, timestamps, the writer's name). *Excel*: the sheet and header of the",
        "workbook that `kit ledger template` and `kit ledger export` write (Chinese, with the English",
        "header in brackets; import accepts either). Dates are `YYYY-MM-DD`; times are UTC. Amounts",
        "are written in yuan and stored in fen (分), so sums are exact.",
        "",
        "## Contents",
        "",
    ]
    for name in schema.metadata.tables:
        ledger, zh, _ = TABLES[name]
        lines.append(f"- [`{name}` {zh}](#{name.replace('_', '-')}) — {ledger}")
    lines += ["- [The Excel sheets, column by column](#the-excel-sheets-column-by-column)", ""]
    for name, table in schema.metadata.tables.items():
        ledger, zh, row = TABLES[name]
        lines += [
            f'<a id="{name.replace("_", "-")}"></a>',
            "",
            f"## `{name}` {zh}",
            "",
            f"Part of the {ledger}. One row is {row}",
            "",
            "| column | 中文 | type | required | Excel sheet · header | allowed values |",
            "|---|---|---|---|---|---|",
        ]
        for col in table.columns:
            note = NOTES[name][col.name]
            vocab = vocabulary(name, col.name)
            lines.append(
                f"| `{col.name}` | {note.zh} | {type_text(col)} | "
                f"{required_text(table, col, note)} | {excel_text(name, col.name)} | "
                f"{allowed_text(vocab) if vocab else ''} |"
            )
        lines += ["", "What to write here, and the common error:", ""]
        for col in table.columns:
            note = NOTES[name][col.name]
            text = f"- **`{col.name}`** ({note.zh}): {note.write}"
            if note.error:
                text += f" *Common error:* {note.error}"
            lines.append(text)
        lines += [
            "",
            "Rules the database itself enforces (a program writing plain SQL meets them too):",
            "",
        ]
        lines += [f"- {r}" for r in rules(table)]
        lines.append("")
    lines += [
        "## The Excel sheets, column by column",
        "",
        "The workbook has one sheet per table (the 模型 sheet joins `models` and `model_versions`:",
        "one row per version). Rows cite one another by 单位名称, 模型编号 + 版本, 应用编号 and 案件编号.",
        "Import reads the sheets in this order, so a row can cite rows of the sheets above it. The",
        "操作记录 sheet is written on export and skipped on import. Columns with a list (▼) offer",
        "a drop-down in Excel.",
        "",
    ]
    reverse: dict[tuple[str, str], list[str]] = {}
    for name, table in schema.metadata.tables.items():
        for col in table.columns:
            for excel in excel_columns(name, col.name):
                reverse.setdefault((SHEET_OF[name], excel.code), []).append(f"`{name}.{col.name}`")
    for sheet in (*SHEETS, EVENTS):
        lines += [
            f"### {sheet.zh} ({sheet.en})",
            "",
            "| header | English header | kind | fills |",
            "|---|---|---|---|",
        ]
        for col in sheet.cols:
            kind = KINDS[col.kind] + (" ▼" if col.vocab else "")
            fills = ", ".join(reverse.get((sheet.code, col.code), [])) or "—"
            lines.append(f"| {col.zh} | {col.en} | {kind} | {fills} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write the handout, or with ``--check`` say whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(GUIDE), help="file to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when it differs")
    args = parser.parse_args(argv)
    text = render()
    out = Path(args.out)
    if args.check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{out.name}: {'up to date' if same else 'out of date: re-run without --check'}")
        return 0 if same else 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
