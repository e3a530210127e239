"""The check report (检查报告): every reason a notebook is refused, as data.

A problem names the check that failed, the cell (1-based position in the submitted notebook,
counting markdown and code cells alike; ``None`` for the notebook as a whole), what is wrong and
the fix. :meth:`CheckReport.to_dict` is what ``kit compete check --json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The checks, in the order they run.
CHECKS = (
    "notebook",  # the file can be read as a notebook
    "sections",  # the required sections are there
    "parameters",  # a code cell tagged `parameters` sets data_dir, clues_path, capacity
    "network",  # no network libraries, downloads or connections
    "path",  # no absolute paths in code or outputs
    "identifier",  # no unmasked resident ID numbers, USCCs or names in outputs
    "execution",  # the notebook runs top to bottom on the given data
    "time_limit",  # ... within the time limit
    "clues",  # it writes a valid clue file
)


@dataclass(frozen=True)
class CheckProblem:
    """One reason a notebook is refused.

    Parameters
    ----------
    check : str
        One of :data:`CHECKS`.
    message : str
        What is wrong, with the bad value (masked when it is an identifier).
    fix : str
        What to do about it.
    cell : int or None
        1-based cell number in the submitted notebook, ``None`` for the whole notebook.
    """

    check: str
    message: str
    fix: str = ""
    cell: int | None = None

    def __str__(self) -> str:
        where = f"cell {self.cell}" if self.cell is not None else "notebook"
        text = f"[{self.check}] {where}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict[str, Any]:
        """Plain values: ``check, cell, message, fix``."""
        return {"check": self.check, "cell": self.cell, "message": self.message, "fix": self.fix}


@dataclass
class CheckReport:
    """What ``kit compete check`` found about one notebook.

    Attributes
    ----------
    notebook : str
        The notebook as the user named it.
    problems : list of CheckProblem
        Every problem found, in the order of :data:`CHECKS`; empty when the notebook passes.
    executed : bool
        Whether the notebook was run (it is not when a static check refuses network code or the
        parameters cell is missing, or with ``execute=False``).
    seconds : float
        Wall-clock seconds of the run (kernel start included), 0 when not run.
    time_limit : float
        The time limit of the run (seconds).
    clues : int
        Rows in the collected clue file (0 when there is none).
    patterns : dict of str to int
        Clue rows per pattern.
    clue_file : str or None
        Where the collected clue file was copied, when asked to keep it.
    notes : list of str
        Remarks that are not problems (why the notebook was not run ...).
    """

    notebook: str
    problems: list[CheckProblem] = field(default_factory=list)
    executed: bool = False
    seconds: float = 0.0
    time_limit: float = 0.0
    clues: int = 0
    patterns: dict[str, int] = field(default_factory=dict)
    clue_file: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when no check refused the notebook."""
        return not self.problems

    def by_check(self, check: str) -> list[CheckProblem]:
        """The problems of one check."""
        return [p for p in self.problems if p.check == check]

    def summary(self) -> str:
        """One line: passed, or refused with the number of problems and the checks at fault."""
        if self.passed and not self.executed:
            return f"{self.notebook}: passed the static checks (not run)"
        if self.passed:
            return f"{self.notebook}: passed (ran in {self.seconds:.1f} s, {self.clues:,} clue(s))"
        checks = ", ".join(dict.fromkeys(p.check for p in self.problems))
        return f"{self.notebook}: REFUSED, {len(self.problems)} problem(s) ({checks})"

    def to_dict(self) -> dict[str, Any]:
        """Plain values (what ``kit compete check --json`` prints)."""
        return {
            "notebook": self.notebook,
            "passed": self.passed,
            "problems": [p.to_dict() for p in self.problems],
            "executed": self.executed,
            "seconds": round(self.seconds, 1),
            "time_limit": self.time_limit,
            "clues": self.clues,
            "patterns": dict(self.patterns),
            "clue_file": self.clue_file,
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        lines = [self.summary(), *(f"  - {p}" for p in self.problems)]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)
