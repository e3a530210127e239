"""The two-ledger course's generated material is up to date, safe and consistent.

- ``handouts/ledger_fields.md`` equals a fresh run of ``tools/build_ledger_guide.py`` and names
  every column of every ledger table;
- the committed workbooks have the same sheets and cell values as freshly built ones;
- the filled ledger imports into an empty ledger, exports back to the same rows, and holds no
  raw identifier and no person value but the placeholders;
- the quiz and its answer key have the same questions;
- every relative link of the course's Markdown files resolves (file and anchor);
- every glossary row has an English term, a Chinese term and a definition.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openpyxl import load_workbook

from kit.docs.scan import raw_identifiers
from kit.ledger import Ledger
from kit.ledger import schema as ledger_schema

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "training" / "two_ledgers"
LEDGERS = COURSE / "ledgers"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _tool(name: str) -> ModuleType:
    """Import ``training/two_ledgers/tools/<name>.py`` (not a package) as a module."""
    path = COURSE / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"two_ledgers_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows as value tuples (trailing empty rows of the formatted range dropped)."""
    wb = load_workbook(path, read_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            out[ws.title] = rows
        return out
    finally:
        wb.close()


def _text(sheets: dict[str, list[tuple[Any, ...]]]) -> str:
    return "\n".join(
        str(v) for rows in sheets.values() for row in rows for v in row if v is not None
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two workbooks, built now into a temporary folder."""
    out = tmp_path_factory.mktemp("ledgers")
    _tool("build_ledgers").build(out)
    return out


# -- (a) the field guide ----------------------------------------------------------------------


def test_ledger_guide_is_up_to_date(tmp_path: Path) -> None:
    guide = _tool("build_ledger_guide")
    out = tmp_path / "ledger_fields.md"
    assert guide.main(["--out", str(out)]) == 0
    committed = (COURSE / "handouts" / "ledger_fields.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, (
        "handouts/ledger_fields.md is out of date: run "
        ".venv/bin/python training/two_ledgers/tools/build_ledger_guide.py"
    )


def test_ledger_guide_names_every_column_of_every_table() -> None:
    text = (COURSE / "handouts" / "ledger_fields.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)
    for name, table in ledger_schema.metadata.tables.items():
        found = [s for s in sections if s.startswith(f"`{name}`")]
        assert len(found) == 1, f"no section for table {name}"
        for column in table.columns:
            assert f"| `{column.name}` |" in found[0], (
                f"{name}.{column.name} missing from its table"
            )
            assert f"**`{column.name}`**" in found[0], f"{name}.{column.name} has no guidance"


# -- (b) the workbooks ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ledger_blank.xlsx", "ledger_filled.xlsx"])
def test_committed_workbooks_match_fresh_ones(fresh: Path, name: str) -> None:
    committed, new = _cells(LEDGERS / name), _cells(fresh / name)
    assert list(committed) == list(new), f"{name}: sheets differ"
    for sheet in new:
        assert committed[sheet] == new[sheet], (
            f"{name}, sheet {sheet}: cells differ from a fresh build; run "
            ".venv/bin/python training/two_ledgers/tools/build_ledgers.py"
        )


def test_blank_workbook_has_headers_only() -> None:
    sheets = _cells(LEDGERS / "ledger_blank.xlsx")
    assert list(sheets) == ["单位", "模型", "状态记录", "模型应用", "应用线索", "案件", "监督措施"]
    assert all(len(rows) == 1 for rows in sheets.values())
    assert sheets["案件"][0][:2] == ("案件编号", "办案单位")


# -- (c) the filled ledger: round trip and no personal data --------------------------------------


def test_filled_ledger_round_trip(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "empty.db", actor="test").init()
    added = ledger.import_xlsx(LEDGERS / "ledger_filled.xlsx")
    sheets = _cells(LEDGERS / "ledger_filled.xlsx")
    assert added == {
        "units": len(sheets["单位"]) - 1,
        "models": len(sheets["模型"]) - 1,
        "status_history": len(sheets["状态记录"]) - 1,
        "applications": len(sheets["模型应用"]) - 1,
        "application_clues": len(sheets["应用线索"]) - 1,
        "cases": len(sheets["案件"]) - 1,
        "measures": len(sheets["监督措施"]) - 1,
    }
    again = _cells(ledger.export_xlsx(tmp_path / "again.xlsx", masked=False))
    for sheet, rows in sheets.items():
        if sheet != "操作记录":  # the copy keeps its own audit trail
            assert again[sheet] == rows, f"sheet {sheet} changed on the round trip"
    figures = ledger.report("2025-01", "2025-04").figures
    assert (figures["cases"], figures["recommendations"], figures["loss_recovered_fen"]) == (
        8,
        5,
        17_317_084,
    )
    assert ledger.promotion_candidates(5).model_ids == ["SS01"]
    assert ledger.promotion_candidates(6).model_ids == []
    ledger.close()


def test_filled_ledger_holds_no_personal_data() -> None:
    build = _tool("build_ledgers")
    sheets = _cells(LEDGERS / "ledger_filled.xlsx")
    assert raw_identifiers(_text(sheets)) == []
    people = set()
    for sheet, column in [("模型", "建模人员"), ("状态记录", "操作人"), ("操作记录", "操作人")]:
        header, *rows = sheets[sheet]
        i = header.index(column)
        people |= {n.strip() for row in rows for n in str(row[i] or "").split(";") if n.strip()}
    assert people and people <= build.PLACEHOLDERS, (
        f"not placeholders: {people - build.PLACEHOLDERS}"
    )


# -- (d) quiz and answer key --------------------------------------------------------------------

QUESTION = re.compile(r"^\*\*(\d+)\.", re.M)
KEY_CHOICE = re.compile(r"^\*\*(\d+)\. \(([a-d])\)\*\*", re.M)


def test_quiz_and_answer_key_have_the_same_questions() -> None:
    quiz = (COURSE / "quiz.md").read_text(encoding="utf-8")
    key = (COURSE / "quiz_answer_key.md").read_text(encoding="utf-8")
    asked = [int(n) for n in QUESTION.findall(quiz)]
    answered = [int(n) for n in QUESTION.findall(key)]
    assert asked == list(range(1, len(asked) + 1)), "quiz questions are not numbered 1..N"
    assert 15 <= len(asked) <= 20
    assert answered == asked, "the answer key does not answer the quiz's questions, in order"
    blocks = dict(zip(asked, re.split(r"^\*\*\d+\.", quiz, flags=re.M)[1:], strict=True))
    for number, letter in KEY_CHOICE.findall(key):
        assert f"- ({letter}) " in blocks[int(number)], (
            f"question {number} has no option ({letter})"
        )


# -- (e) links ------------------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    ids = set(re.findall(r'<a id="([^"]+)"', text))
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
        ids.add(slug.replace(" ", "-"))
    return ids


def _markdown_files() -> list[Path]:
    return sorted(COURSE.glob("*.md")) + sorted((COURSE / "handouts").glob("*.md"))


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: p.relative_to(COURSE).as_posix())
def test_relative_links_resolve(path: Path) -> None:
    broken = []
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no anchor #{anchor}")
    assert not broken, f"{path.name}: " + "; ".join(broken)


# -- (f) glossary ---------------------------------------------------------------------------------


def test_glossary_rows_are_bilingual() -> None:
    rows = []
    for line in (COURSE / "handouts" / "glossary.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| English"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    assert len(rows) >= 40
    for english, chinese, definition in rows:
        assert re.search("[A-Za-z]", english) and not CJK.search(english), english
        assert CJK.search(chinese), f"{english}: no Chinese term"
        assert len(definition) > 10, f"{english}: no definition"
    terms = [r[0].lower() for r in rows]
    assert len(terms) == len(set(terms)), "a term appears twice"
    for required in ("模型台账", "案件台账", "线索", "监督点", "模型应用", "成案", "上架", "推广", "通报",
                     "检察建议", "追缴", "脱敏"):  # fmt: skip
        assert any(required in r[1] for r in rows), f"glossary lacks {required}"
