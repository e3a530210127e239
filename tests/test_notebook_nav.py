"""tools/notebook_nav.py: generated previous/next navigation and contents pages.

The repository's navigation and contents must be up to date (``make nav`` fixes them), and
generation is checked on a temporary folder of three tiny notebooks: links, idempotence, no
duplicated navigation cells, contents read from the first cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import notebook_nav  # noqa: E402

INTRO = """# {num} · {name}: a tiny notebook ({zh})

**Purpose.** Show notebook {num}
in two lines.

**You will learn**
- the first thing;
- the second thing,
  over two lines.

**Run time:** about {num} seconds.
"""


def _notebook(path: Path, num: str, name: str, zh: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(INTRO.format(num=num, name=name, zh=zh)),
        nbformat.v4.new_code_cell("1 + 1"),
        nbformat.v4.new_markdown_cell("The end."),
    ]
    nbformat.write(nb, path)


@pytest.fixture
def series(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for num, name, zh in [("00", "Alpha", "甲"), ("01", "Beta", "乙"), ("02", "Gamma", "丙")]:
        _notebook(folder / f"{num}_{name.lower()}.ipynb", num, name, zh)
    return tmp_path


def _nav(path: Path) -> list[tuple[int, str]]:
    nb = nbformat.read(path, as_version=4)
    return [(i, c.source) for i, c in enumerate(nb.cells) if "nav" in c.metadata.get("tags", [])]


def test_repository_navigation_and_contents_are_up_to_date(capsys):
    code = notebook_nav.main(["--check"])
    assert code == 0, "out of date (run `make nav`):\n" + capsys.readouterr().out


def test_links_point_to_previous_contents_and_next(series):
    assert notebook_nav.main(["--root", str(series)]) == 0
    folder = series / "notebooks"
    first, middle, last = sorted(folder.glob("*.ipynb"))
    assert _nav(first) == [
        (1, "[Contents](CONTENTS.md) | [01 · Beta](01_beta.ipynb) →"),
        (4, "[Contents](CONTENTS.md) | [01 · Beta](01_beta.ipynb) →"),
    ]
    line = (
        "← [00 · Alpha](00_alpha.ipynb) | [Contents](CONTENTS.md) | [02 · Gamma](02_gamma.ipynb) →"
    )
    assert [text for _, text in _nav(middle)] == [line, line]
    assert _nav(last)[0][1] == "← [01 · Beta](01_beta.ipynb) | [Contents](CONTENTS.md)"
    nb = nbformat.read(middle, as_version=4)
    assert nb.cells[0].source.startswith("# 01 · Beta"), "the title stays the first cell"
    assert nb.cells[-1].metadata["tags"] == ["nav"]
    assert nb.cells[1].metadata["slideshow"] == {"slide_type": "skip"}
    nbformat.validate(nb)


def test_rerun_is_idempotent_and_never_duplicates(series):
    notebook_nav.main(["--root", str(series)])
    folder = series / "notebooks"
    before = {p: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    assert notebook_nav.main(["--root", str(series), "--check"]) == 0
    assert notebook_nav.main(["--root", str(series)]) == 0
    assert {p: p.read_text(encoding="utf-8") for p in folder.iterdir()} == before
    for path in folder.glob("*.ipynb"):
        assert len(_nav(path)) == 2


def test_renamed_neighbour_updates_links(series):
    notebook_nav.main(["--root", str(series)])
    folder = series / "notebooks"
    (folder / "02_gamma.ipynb").rename(folder / "03_gamma.ipynb")
    assert notebook_nav.main(["--root", str(series), "--check"]) == 1
    notebook_nav.main(["--root", str(series)])
    assert "(03_gamma.ipynb)" in _nav(folder / "01_beta.ipynb")[0][1]
    assert len(_nav(folder / "01_beta.ipynb")) == 2


def test_check_names_the_stale_files_and_changes_nothing(series, capsys):
    folder = series / "notebooks"
    before = {p: p.read_bytes() for p in folder.iterdir()}
    assert notebook_nav.main(["--root", str(series), "--check"]) == 1
    out = capsys.readouterr().out
    assert "notebooks/00_alpha.ipynb" in out and "notebooks/CONTENTS.md" in out
    assert {p: p.read_bytes() for p in folder.iterdir()} == before


def test_only_the_files_named_are_written(series):
    folder = series / "notebooks"
    notebook_nav.main(["--root", str(series), "notebooks/01_beta.ipynb"])
    assert len(_nav(folder / "01_beta.ipynb")) == 2
    assert _nav(folder / "00_alpha.ipynb") == []
    assert not (folder / "CONTENTS.md").exists()


def test_contents_page_reads_the_first_cells(series):
    notebook_nav.main(["--root", str(series)])
    page = (series / "notebooks" / "CONTENTS.md").read_text(encoding="utf-8")
    assert "Do not edit by hand" in page
    assert "| [01 · Beta: a tiny notebook (乙)](01_beta.ipynb) | about 01 seconds |" in page
    assert "Show notebook 01 in two lines." in page
    assert "- the second thing, over two lines." in page
    assert "Run time: about 02 seconds." in page


def test_training_series_links_across_folders(tmp_path):
    lessons = tmp_path / "training" / "two_ledgers" / "lessons"
    exercises = tmp_path / "training" / "two_ledgers" / "exercises"
    lessons.mkdir(parents=True)
    exercises.mkdir()
    _notebook(lessons / "L1_intro.ipynb", "L1", "Intro", "导论")
    _notebook(exercises / "E1_first.ipynb", "E1", "First", "练习")
    assert notebook_nav.main(["--root", str(tmp_path)]) == 0
    assert _nav(lessons / "L1_intro.ipynb")[0][1] == (
        "[Contents](../CONTENTS.md) | [E1 · First](../exercises/E1_first.ipynb) →"
    )
    page = (tmp_path / "training" / "two_ledgers" / "CONTENTS.md").read_text(encoding="utf-8")
    assert "## Lessons (课程)" in page and "## Exercises (练习)" in page
    assert "(lessons/L1_intro.ipynb)" in page and "(exercises/E1_first.ipynb)" in page


def _course(tmp_path: Path) -> tuple[Path, Path]:
    lessons = tmp_path / "training" / "two_ledgers" / "lessons"
    exercises = tmp_path / "training" / "two_ledgers" / "exercises"
    lessons.mkdir(parents=True)
    exercises.mkdir()
    for num, name in [("L1", "Intro"), ("L2", "Models")]:
        _notebook(lessons / f"{num}_{name.lower()}.ipynb", num, name, "课")
    _notebook(exercises / "E1_first.ipynb", "E1", "First", "练习")
    return lessons, exercises


def test_course_order_file_decides_links_and_contents(tmp_path):
    lessons, exercises = _course(tmp_path)
    order = tmp_path / "training" / "two_ledgers" / "course_order.txt"
    order.write_text(
        "# exercise E1 right after lesson L1\n"
        "lessons/L1_intro.ipynb\nexercises/E1_first.ipynb  # practises L1\n\n"
        "lessons/L2_models.ipynb\n",
        encoding="utf-8",
    )
    assert notebook_nav.main(["--root", str(tmp_path)]) == 0
    assert _nav(exercises / "E1_first.ipynb")[0][1] == (
        "← [L1 · Intro](../lessons/L1_intro.ipynb) | [Contents](../CONTENTS.md) | "
        "[L2 · Models](../lessons/L2_models.ipynb) →"
    )
    assert _nav(lessons / "L1_intro.ipynb")[0][1].endswith("(../exercises/E1_first.ipynb) →")
    page = (tmp_path / "training" / "two_ledgers" / "CONTENTS.md").read_text(encoding="utf-8")
    rows = [ln for ln in page.splitlines() if ln.startswith("| [")]
    assert [r.split("](")[1].split(")")[0] for r in rows] == [
        "lessons/L1_intro.ipynb",
        "exercises/E1_first.ipynb",
        "lessons/L2_models.ipynb",
    ]


def test_course_order_file_must_list_every_notebook_once(tmp_path):
    _course(tmp_path)
    order = tmp_path / "training" / "two_ledgers" / "course_order.txt"
    order.write_text(
        "lessons/L1_intro.ipynb\nlessons/L1_intro.ipynb\nexercises/E9_none.ipynb\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match=r"E9_none.ipynb, which does not exist") as err:
        notebook_nav.main(["--root", str(tmp_path), "--check"])
    assert "does not list training/two_ledgers/lessons/L2_models.ipynb" in str(err.value)
    assert "L1_intro.ipynb more than once" in str(err.value)


def test_repository_course_follows_the_plan():
    series = next(s for s in notebook_nav.SERIES if s.order)
    [(_, paths)] = series.notebooks(ROOT)
    codes = [p.name.split("_")[0] for p in paths]
    assert codes == ["01", "02", "E1", "03", "04", "E2", "05", "E3"]
