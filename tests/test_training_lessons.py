"""The two-ledger video course (training/two_ledgers): lessons, lesson scripts and exercise sheets.

- every lesson has its script; every cell a script names exists in the lesson with the stated
  type, every code cell of a lesson is covered, and the script's times run on without gaps to
  about the lesson's target length;
- lessons open with the title cell the style asks for and carry slide metadata on every cell;
- each exercise sheet asks its TL.* exercises in the agreed form, stores "Not answered yet", and
  its solution stores "Correct" for each;
- no stored output shows an absolute path or a sample builder's full name.

Cells are numbered from 1 at the lesson's title cell ("# L1 · ..."), the way the scripts count
them; cells tagged ``nav`` (written by tools/notebook_nav.py after the title and at the end) are
not counted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit import training

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "training" / "two_ledgers"
LESSONS = sorted((COURSE / "lessons").glob("[0-9][0-9]_*.ipynb"))
SHEETS = sorted((COURSE / "exercises").glob("E[0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
SECTION = re.compile(r"^## (?P<title>.+?) · (?P<start>\d\d:\d\d)–(?P<end>\d\d:\d\d)\s*$", re.M)
CELL_REF = re.compile(r"Cell (\d+) \[(code|markdown)\]")
NAV_TAGS = {"nav", "navigation"}  # cells written by tools/notebook_nav.py
CHECK = re.compile(r"""training\.check\(\s*["'](TL\.[^"']+)["']""")


def _cells(path: Path) -> list[dict]:
    """The notebook's cells from its title cell on, without navigation cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    cells = [c for c in cells if not NAV_TAGS & set(c.get("metadata", {}).get("tags", []))]
    start = next(
        (
            i
            for i, c in enumerate(cells)
            if c["cell_type"] == "markdown" and _src(c).startswith("# ")
        ),
        0,
    )
    return cells[start:]


def _src(cell: dict) -> str:
    return "".join(cell["source"])


def _outputs(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append("".join(out.get("text", "")))
        for value in out.get("data", {}).values():
            parts.append(value if isinstance(value, str) else "".join(value))
        parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(parts)


def _script(lesson: Path) -> Path:
    number = lesson.name[:2]
    return COURSE / "scripts" / f"lesson_{number}.md"


def _seconds(mmss: str) -> int:
    minutes, seconds = mmss.split(":")
    return int(minutes) * 60 + int(seconds)


def test_the_course_has_its_five_lessons_and_three_sheets():
    assert [p.name for p in LESSONS] == [
        "01_why_two_ledgers.ipynb",
        "02_model_ledger.ipynb",
        "03_applications_and_cases.ipynb",
        "04_audit_and_security.ipynb",
        "05_bulletin_promotion_excel.ipynb",
    ]
    assert [p.name for p in SHEETS] == [
        "E1_model_ledger.ipynb",
        "E2_case_ledger.ipynb",
        "E3_bulletin_and_promotion.ipynb",
    ]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_script_cells_exist_with_their_type_and_cover_every_code_cell(lesson):
    script = _script(lesson)
    assert script.exists(), f"{lesson.name} has no lesson script {script.name}"
    text = script.read_text(encoding="utf-8")
    cells = _cells(lesson)
    covered = set()
    for match in SECTION.finditer(text):
        for number, kind in CELL_REF.findall(match["title"]):
            index = int(number)
            assert 1 <= index <= len(cells), (
                f"{script.name}: Cell {index} does not exist ({lesson.name} has {len(cells)} cells)"
            )
            actual = cells[index - 1]["cell_type"]
            assert actual == kind, f"{script.name}: Cell {index} is {actual}, not {kind}"
            covered.add(index)
    code = {i for i, c in enumerate(cells, start=1) if c["cell_type"] == "code"}
    assert not code - covered, f"{script.name} does not cover code cells {sorted(code - covered)}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_script_times_run_on_to_about_the_target_length(lesson):
    text = _script(lesson).read_text(encoding="utf-8")
    target = re.search(r"\*\*Target length:\*\* (\d+) min", text)
    assert target, "the script states its target length: **Target length:** N min"
    sections = list(SECTION.finditer(text))
    assert sections[0]["title"] == "Intro" and sections[-1]["title"] == "Recap"
    clock = 0
    for s, after in zip(sections, [*sections[1:], None], strict=True):
        assert _seconds(s["start"]) == clock, f"section {s['title']!r} starts at {s['start']}"
        assert _seconds(s["end"]) > clock, f"section {s['title']!r} has no length"
        body = text[s.end() : after.start() if after else len(text)]
        assert "**On screen:**" in body and "**Say:**" in body, s["title"]
        clock = _seconds(s["end"])
    minutes = clock / 60
    assert 0.75 * int(target[1]) <= minutes <= 1.25 * int(target[1]), (
        f"{minutes:.1f} min of script for a {target[1]} min video"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lessons_open_with_the_title_cell_and_mark_every_cell_for_slides(lesson):
    cells = _cells(lesson)
    title = _src(cells[0])
    number = int(lesson.name[:2])
    assert title.startswith(f"# L{number} · "), title.splitlines()[0]
    for part in ("**Purpose.**", "**You will learn**", "**Run time:**"):
        assert part in title, f"title cell lacks {part}"
    assert cells[0]["metadata"]["slideshow"]["slide_type"] == "slide"
    for i, cell in enumerate(cells, start=1):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        assert kind in SLIDE_TYPES, f"Cell {i}: slide_type {kind!r}"
        if _src(cell).startswith("## "):
            assert kind == "slide", f"Cell {i} is a main heading but {kind!r}"


@pytest.mark.parametrize("sheet", SHEETS, ids=[p.stem for p in SHEETS])
def test_sheets_ask_their_exercises_and_solutions_answer_them(sheet):
    prefix = f"TL.{sheet.name[:2]}."
    defined = [e.id for e in training.list_exercises(prefix)]
    assert 3 <= len(defined) <= 4, defined
    solution = COURSE / "solutions" / f"{sheet.stem}_solution.ipynb"
    assert solution.exists(), f"{sheet.name} has no solution notebook"
    for path, stored in ((sheet, "Not answered yet"), (solution, "Correct")):
        cells = _cells(path)
        asked = []
        for i, cell in enumerate(cells):
            ids = CHECK.findall(_src(cell)) if cell["cell_type"] == "code" else []
            if not ids:
                continue
            (eid,) = ids
            asked.append(eid)
            heading = next(
                _src(c) for c in reversed(cells[:i]) if c["cell_type"] == "markdown"
                and "**Exercise " in _src(c)
            )  # fmt: skip
            assert heading.startswith(f"**Exercise {eid}**"), (
                f"{path.name}: {eid} under {heading[:30]}"
            )
            first = _src(cell).splitlines()[0]
            if path == sheet:
                assert first == "answer = None  # replace None with your answer", first
            assert stored in _outputs(cell), f"{path.name} {eid}: stored output {_outputs(cell)!r}"
        assert asked == defined, f"{path.name} asks {asked}, the kit defines {defined}"


NOTEBOOKS = sorted(COURSE.rglob("*.ipynb"))
ABSOLUTE = re.compile(r"(?:/work|/tmp|/root|/home/|/Users/|/private/var|[A-Za-z]:\\)")
BUILDERS = ("王芳", "李强", "赵敏")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_outputs_hold_no_absolute_path_or_full_name(path):
    for i, cell in enumerate(_cells(path), start=1):
        shown = _outputs(cell)
        assert not ABSOLUTE.search(shown), f"Cell {i} shows an absolute path"
        for name in BUILDERS:
            assert name not in shown, f"Cell {i} shows the full name {name}"
        if cell["cell_type"] == "code":
            assert cell.get("execution_count"), f"Cell {i} has not been run"
