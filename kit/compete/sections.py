"""Required sections (必备章节) and the ``parameters`` cell of a competition notebook.

A competition notebook tells judges the story of its model in six sections, each a markdown
heading of level two or deeper (``## 1. Background and need (背景与需求)``); the notebook's title
(``# ...``) does not count. A heading may be written in English or Chinese and names a section
by its words (:data:`SECTIONS`); each section needs a heading of its own (one heading naming two
sections, "Evaluation on the data", counts for one of them only), otherwise the check is
lenient: the judges read the sections themselves.

The cell tagged ``parameters`` (Papermill's convention) sets the three values the organiser
replaces when running the notebook on hidden data: ``data_dir``, ``clues_path`` and ``capacity``.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 数据 Data")])
>>> [p.message.split(":")[0] for p in check_sections(nb)][:1]
['5 of 6 required sections are missing']
"""

from __future__ import annotations

import re
from typing import Any

from kit.compete.problems import CheckProblem

#: The required sections: key -> (English title, Chinese title, words that identify it).
#: English words match whole words, case-insensitive; Chinese words match anywhere.
SECTIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "background": ("Background and need", "背景与需求", ("background", "need", "背景", "需求")),
    "legal_basis": ("Legal basis", "法律依据", ("legal", "law", "法律", "法规", "依据")),
    "data": ("Data", "数据", ("data", "数据")),
    "rules": ("Rules", "规则", ("rule", "rules", "规则", "模型构建")),
    "evaluation": ("Evaluation", "评估", ("evaluation", "evaluate", "评估", "评价", "成效")),
    "promotion": ("Value for promotion", "推广价值", ("promotion", "promote", "推广", "价值")),
}
#: Names the ``parameters`` cell must set.
PARAMETERS = ("data_dir", "clues_path", "capacity")
PARAMETERS_TAG = "parameters"

_HEADING = re.compile(r"^\s{0,3}(#{2,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)


def headings(nb: Any) -> list[tuple[int, str]]:
    """Section headings (level two or deeper) as ``(cell number, text)``, in notebook order."""
    found = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown":
            found += [(number, m[2]) for m in _HEADING.finditer(cell.source)]
    return found


def sections_of(heading: str) -> set[str]:
    """The keys of the required sections a heading names (empty when none).

    Examples
    --------
    >>> sorted(sections_of("3. Data (数据)")), sorted(sections_of("Evaluation on the data"))
    (['data'], ['data', 'evaluation'])
    >>> sections_of("Appendix")
    set()
    """
    lower = heading.lower()
    found = set()
    for key, (_en, _zh, words) in SECTIONS.items():
        for word in words:
            ascii_hit = word.isascii() and re.search(rf"\b{re.escape(word)}\b", lower)
            if ascii_hit or (not word.isascii() and word in heading):
                found.add(key)
    return found


def _matched(candidates: list[set[str]]) -> set[str]:
    """Sections given a heading each, one heading per section (a maximum bipartite matching)."""
    owner: dict[str, int] = {}

    def place(heading: int, seen: set[str]) -> bool:
        for key in sorted(candidates[heading]):
            if key in seen:
                continue
            seen.add(key)
            if key not in owner or place(owner[key], seen):
                owner[key] = heading
                return True
        return False

    for heading in range(len(candidates)):
        place(heading, set())
    return set(owner)


def check_sections(nb: Any) -> list[CheckProblem]:
    """One problem listing the required sections that have no heading of their own (none when
    all do)."""
    present = _matched([sections_of(text) for _cell, text in headings(nb)])
    missing = [key for key in SECTIONS if key not in present]
    if not missing:
        return []
    names = "; ".join(f"{SECTIONS[k][0]} ({SECTIONS[k][1]})" for k in missing)
    example = f"## {SECTIONS[missing[0]][0]} ({SECTIONS[missing[0]][1]})"
    return [
        CheckProblem(
            "sections",
            f"{len(missing)} of {len(SECTIONS)} required sections are missing: {names}.",
            f"add a markdown heading of level two for each, one heading per section, e.g. "
            f"'{example}' (English or Chinese; see competition/starting_kit.ipynb).",
        )
    ]


def parameters_cell(nb: Any) -> int | None:
    """1-based number of the first code cell tagged ``parameters``, or ``None``."""
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.metadata.get("tags", []):
            return number
    return None


def check_parameters(nb: Any) -> list[CheckProblem]:
    """Problems with the ``parameters`` cell: missing, or not setting every name it must."""
    number = parameters_cell(nb)
    if number is None:
        return [
            CheckProblem(
                "parameters",
                "no code cell is tagged 'parameters', so the organiser cannot give the notebook "
                "the hidden data.",
                "tag the cell that sets data_dir, clues_path and capacity with 'parameters' "
                "(JupyterLab: Property Inspector > Cell Tags).",
            )
        ]
    source = nb.cells[number - 1].source
    unset = [n for n in PARAMETERS if not re.search(rf"^\s*{n}\s*(:[^=]*)?=", source, re.M)]
    if not unset:
        return []
    return [
        CheckProblem(
            "parameters",
            f"the parameters cell does not set {', '.join(unset)}.",
            'set each on a line of its own, e.g. data_dir = "../datasets/social_security", '
            'clues_path = "clues.csv", capacity = 50.',
            cell=number,
        )
    ]
