"""Exercises and their checks (练习与自动检查).

An :class:`Exercise` has an id (``"01.1"``: notebook 01, exercise 1; ``"TL.E1.2"`` for the
two-ledger course), a question in English and Chinese, a *check* that turns a learner's answer
into :class:`Feedback`, and a *solution* that computes the right answer the way a learner would.
The solution lives beside the check so that the tests can prove, for every exercise, that the
solution passes and that typical wrong answers get a message saying what is wrong.

Learners only call :func:`check`::

    kit.training.check("01.1", answer)

which returns (and in a notebook displays) a green or red message. ``None`` means "not answered
yet"; a check never raises on a wrong or badly typed answer, it explains.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kit.errors import KitError

NOT_ANSWERED = "Not answered yet: replace None with your answer and run this cell again."
NOT_ANSWERED_ZH = "尚未作答：把 None 换成你的答案，再运行本单元格。"


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer: whether it is right, and what to do next.

    ``bool(feedback)`` is ``feedback.ok``. In a notebook it shows as a coloured box; ``str``
    gives the plain message.
    """

    exercise_id: str
    ok: bool
    message: str
    message_zh: str = ""
    answered: bool = True

    def __bool__(self) -> bool:
        return self.ok

    @property
    def status(self) -> str:
        """``"correct"``, ``"not yet"`` or ``"not answered"``."""
        if not self.answered:
            return "not answered"
        return "correct" if self.ok else "not yet"

    def __str__(self) -> str:
        mark = {"correct": "✔", "not yet": "✘", "not answered": "…"}[self.status]
        text = f"{mark} Exercise {self.exercise_id}: {self.message}"
        if self.message_zh:
            text += f"\n  {self.message_zh}"
        return text

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {"correct": "#1b5e20", "not yet": "#b71c1c", "not answered": "#555"}[self.status]
        background = {"correct": "#e8f5e9", "not yet": "#ffebee", "not answered": "#f5f5f5"}[
            self.status
        ]
        zh = f"<br><span>{html.escape(self.message_zh)}</span>" if self.message_zh else ""
        return (
            f'<div style="border-left:4px solid {colour};background:{background};'
            f'padding:6px 10px;color:{colour}">'
            f"<b>Exercise {html.escape(self.exercise_id)}</b>: {html.escape(self.message)}{zh}"
            "</div>"
        )


#: What a check function returns: ``(ok, message)`` or ``(ok, message, message_zh)``.
CheckResult = tuple


@dataclass(frozen=True)
class Exercise:
    """One exercise: its question, its check and its solution.

    Parameters
    ----------
    id : str
        ``"NN.k"`` for notebook NN, exercise k; ``"TL.<sheet>.<k>"`` for the two-ledger course.
    question, question_zh : str
        The question, as the notebook asks it, in English and Chinese.
    check : callable
        ``check(answer) -> (ok, message[, message_zh])``; called only with answers that are
        not ``None``. It may raise ``TypeError`` or ``ValueError`` for a badly typed answer;
        :func:`check` turns that into a message.
    solution : callable
        ``solution() -> answer``: computes the right answer from the sample data, the way the
        solution notebook does.
    wrong : sequence of (answer, str)
        Typical wrong answers and a fragment of the message each must get (used by the tests).
    """

    id: str
    question: str
    question_zh: str
    check: Callable[[Any], CheckResult]
    solution: Callable[[], Any]
    wrong: Sequence[tuple[Any, str]] = field(default_factory=tuple)


_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (exercise modules call this at import)."""
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
        raise KitError(f"Exercise {exercise.id!r} is defined twice.")
    if not exercise.wrong:
        raise KitError(
            f"Exercise {exercise.id!r} declares no typical wrong answer; add at least one "
            "(answer, message fragment) pair to `wrong` so the tests can check its feedback."
        )
    _REGISTRY[exercise.id] = exercise
    return exercise


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    from kit.training import exercises

    for info in sorted(pkgutil.iter_modules(exercises.__path__), key=lambda m: m.name):
        importlib.import_module(f"{exercises.__name__}.{info.name}")
    _LOADED = True


def list_exercises(prefix: str = "") -> list[Exercise]:
    """Every registered exercise whose id starts with ``prefix``, sorted by id."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY, key=_sort_key) if k.startswith(prefix)]


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; a clear error lists the known ids when there is none."""
    _load()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY, key=_sort_key))
        raise KitError(
            f"There is no exercise {exercise_id!r}. Known exercises: {known}. "
            "Copy the id from the exercise's heading in the notebook."
        ) from None


def check(exercise_id: str, answer: Any) -> Feedback:
    """Check a learner's answer and say what is right or wrong.

    Parameters
    ----------
    exercise_id : str
        The id in the exercise's heading, e.g. ``"01.1"``.
    answer : any
        The answer; ``None`` means not answered yet.

    Returns
    -------
    Feedback
        ``bool(feedback)`` is True when the answer is right.

    Examples
    --------
    >>> from kit import training
    >>> training.check("00.1", None).status
    'not answered'
    """
    exercise = get(exercise_id)
    if answer is None:
        return Feedback(exercise_id, False, NOT_ANSWERED, NOT_ANSWERED_ZH, answered=False)
    try:
        result = exercise.check(answer)
    except (TypeError, ValueError) as exc:
        return Feedback(exercise_id, False, str(exc), "")
    ok, message, *rest = result
    return Feedback(exercise_id, bool(ok), message, rest[0] if rest else "")


def _sort_key(exercise_id: str) -> tuple:
    """Numbers in numeric order, and notebook ids ("03.1") before course ids ("TL.E1.1")."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in exercise_id.split("."))


# ---------------------------------------------------------------------------------------------
# Building blocks for common kinds of answer. Each returns a check function for Exercise(check=).
# ---------------------------------------------------------------------------------------------


def _describe(answer: Any) -> str:
    text = repr(answer)
    return text if len(text) <= 60 else text[:57] + "..."


def number(
    expected: Callable[[], float],
    *,
    tolerance: float = 0.0,
    hint: str,
    hint_zh: str = "",
    unit: str = "",
    unit_zh: str = "",
    near: dict[float, str] | None = None,
) -> Callable[[Any], CheckResult]:
    """A check for a numeric answer.

    Parameters
    ----------
    expected : callable
        Computes the right value (from the sample data) when the check runs.
    tolerance : float
        Largest accepted absolute difference (0 for counts).
    hint, hint_zh : str
        What to look at again when the answer is wrong.
    unit, unit_zh : str
        Shown after numbers in messages (``"clues"``, ``"条线索"``).
    near : dict, optional
        Known wrong values and what each one means (e.g. the count *before* a filter).
    """

    def _check(answer: Any) -> CheckResult:
        answer = _as_number(answer, hint)
        value = expected()
        suffix = f" {unit}" if unit else ""
        if abs(float(answer) - float(value)) <= tolerance:
            return True, f"Correct: {_fmt(value)}{suffix}.", f"正确：{_fmt(value)}{unit_zh}。"
        for wrong_value, meaning in (near or {}).items():
            if abs(float(answer) - float(wrong_value)) <= tolerance:
                return False, f"{_fmt(answer)} is {meaning} Hint: {hint}", hint_zh
        direction = "too high" if answer > value else "too low"
        return False, f"{_fmt(answer)}{suffix} is {direction}. Hint: {hint}", hint_zh

    return _check


def _as_number(answer: Any, hint: str) -> float | int:
    """A numeric answer as int or float: numpy scalars and ``Decimal`` (the ledger's yuan) too."""
    import decimal

    import numpy as np

    if isinstance(answer, np.generic) and not isinstance(answer, np.bool_):
        answer = answer.item()
    elif isinstance(answer, decimal.Decimal):
        answer = float(answer)
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        raise TypeError(
            f"The answer should be a number, like 12 or 3.5; you gave {_describe(answer)} "
            f"({type(answer).__name__}). Hint: {hint}"
        )
    if answer != answer:  # NaN
        raise ValueError(
            "The answer is NaN (not a number): the calculation found nothing to count or "
            f"divided by zero. Hint: {hint}"
        )
    return answer


def choice(
    correct: str,
    options: dict[str, str],
    *,
    explain: dict[str, str],
    explain_zh: dict[str, str] | None = None,
) -> Callable[[Any], CheckResult]:
    """A check for a multiple-choice answer (a letter such as ``"b"``).

    Parameters
    ----------
    correct : str
        The right letter.
    options : dict
        Letter to option text (used in messages).
    explain, explain_zh : dict
        Letter to why that option is right or wrong: every option gets its own feedback.
    """
    missing = set(options) - set(explain)
    if correct not in options or missing:
        raise KitError(f"choice(): every option needs an explanation; missing {sorted(missing)}")

    def _check(answer: Any) -> CheckResult:
        if not isinstance(answer, str) or answer.strip().lower() not in options:
            raise ValueError(
                f"Answer with one letter of {', '.join(repr(k) for k in options)}; "
                f"you gave {_describe(answer)}."
            )
        letter = answer.strip().lower()
        zh = (explain_zh or {}).get(letter, "")
        if letter == correct:
            return True, f"Correct ({letter}): {explain[letter]}", zh
        return False, f"Not ({letter}) {options[letter]!r}: {explain[letter]}", zh

    return _check


def id_set(
    expected: Callable[[], Iterable[str]],
    *,
    what: str,
    hint: str,
    hint_zh: str = "",
    near: Sequence[tuple[Callable[[], Iterable[Any]], str]] = (),
) -> Callable[[Any], CheckResult]:
    """A check for a set of ids (clue ids, subject ids, model ids), in any order.

    Messages say how many are right, how many are missing and how many should not be there,
    without giving the missing ones away. ``near`` pairs a function giving a typical wrong set
    (the ids before a filter, row positions instead of ids) with what that set is; an answer
    equal to it gets that message.
    """

    def _check(answer: Any) -> CheckResult:
        if isinstance(answer, str) or not isinstance(answer, Iterable):
            raise TypeError(
                f"The answer should be a list of {what}, like ['a', 'b']; you gave "
                f"{_describe(answer)}. Hint: {hint}"
            )
        given = {str(a) for a in answer}
        want = {str(e) for e in expected()}
        if given == want:
            return True, f"Correct: all {len(want)} {what}.", f"正确：全部 {len(want)} 个。"
        for wrong, meaning in near:
            if given == {str(w) for w in wrong()}:
                return False, f"These {len(given)} are {meaning} Hint: {hint}", hint_zh
        missing, extra = len(want - given), len(given - want)
        parts = [f"{len(want & given)} of {len(want)} {what} right"]
        if missing:
            parts.append(f"{missing} missing")
        if extra:
            parts.append(f"{extra} that should not be there")
        return False, "; ".join(parts) + f". Hint: {hint}", hint_zh

    return _check


def _fmt(value: Any) -> str:
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:  # money and other large figures: two decimals (131,457.28)
        return f"{value:,.2f}"
    return f"{value:,.4g}"
