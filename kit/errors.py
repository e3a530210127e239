"""Errors raised by the kit.

Every message says what failed, where (file, row, column when there is one), the bad value,
what is allowed and how to fix it, in plain words for non-programmers.
"""

from __future__ import annotations

from dataclasses import dataclass


class KitError(Exception):
    """Base class of every error the kit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Parameters
    ----------
    file : str
        File name as the user knows it (``pension_payments.csv``).
    row : int or None
        1-based data row (the header is not counted); ``None`` for a whole-file problem.
    column : str or None
        Column name, ``None`` for a whole-row or whole-file problem.
    message : str
        What is wrong, including the bad value.
    fix : str
        What to do about it.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row} (line {self.row + 1})"
        if self.column is not None:
            where += f", column {self.column}"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


class DataError(KitError):
    """An input dataset does not match its description.

    All problems of one input are collected and reported together.
    """

    def __init__(self, problems: list[Problem], *, limit: int = 20) -> None:
        self.problems = list(problems)
        shown = [str(p) for p in self.problems[:limit]]
        more = len(self.problems) - len(shown)
        head = f"{len(self.problems)} problem(s) in the data:"
        lines = [head, *[f"  - {s}" for s in shown]]
        if more > 0:
            lines.append(f"  ... and {more} more")
        super().__init__("\n".join(lines))


class SpecError(KitError):
    """A model specification (YAML) is invalid; the message names the file and the section."""


class ParamError(SpecError):
    """A parameter value given to a model is unknown or of the wrong type."""


class EngineError(KitError):
    """A query engine failed to run a model's SQL, or an optional backend is missing."""


class InvalidIdError(KitError, ValueError):
    """An identifier (resident ID number, USCC) is not valid; the message says why."""


class LedgerError(KitError):
    """A ledger (模型台账 / 案件台账) operation was refused; nothing was written.

    Parameters
    ----------
    message : str
        What failed and how to fix it.
    problems : list of Problem, optional
        Every problem found in one input (an Excel workbook: sheet, row, column, fix), listed
        after the message.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None, *, limit: int = 30):
        self.problems = list(problems or [])
        lines = [message, *[f"  - {p}" for p in self.problems[:limit]]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        super().__init__("\n".join(lines))
