"""kit.training: every exercise's solution passes its check, typical wrong answers get a message
saying what is wrong, and every exercise a notebook asks is defined (and the other way round)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit import training
from kit.errors import KitError

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = training.list_exercises()
CALL = re.compile(r"""training\.check\(\s*["']([^"']+)["']""")


def _notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "training").rglob("*.ipynb")
    )


def _ids_asked(path: Path) -> set[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return {
        m for c in cells if c["cell_type"] == "code" for m in CALL.findall("".join(c["source"]))
    }


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_solution_passes_its_check(exercise):
    feedback = training.check(exercise.id, exercise.solution())
    assert feedback.ok, str(feedback)
    assert feedback.message.startswith("Correct")


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_wrong_answers_say_what_is_wrong(exercise):
    assert exercise.wrong, "every exercise declares typical wrong answers"
    for answer, fragment in exercise.wrong:
        feedback = training.check(exercise.id, answer)
        assert not feedback.ok, f"{answer!r} was accepted"
        assert feedback.answered
        assert fragment in feedback.message, f"{answer!r}: {feedback.message}"


def test_none_means_not_answered_yet():
    feedback = training.check("00.1", None)
    assert (feedback.ok, feedback.answered, feedback.status) == (False, False, "not answered")
    assert "replace None" in feedback.message


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KitError, match=r"no exercise '99\.9'.*00\.1"):
        training.check("99.9", 1)


def test_feedback_displays_in_a_notebook():
    right, wrong = training.check("00.1", 3), training.check("00.1", 2)
    assert bool(right) and not bool(wrong)
    assert "✔ Exercise 00.1: Correct: 3 datasets." in str(right)
    assert "too low" in wrong._repr_html_() and "#b71c1c" in wrong._repr_html_()


def test_every_exercise_asked_is_defined_and_every_defined_one_is_asked():
    asked: dict[str, Path] = {}
    for path in _notebooks():
        for exercise_id in _ids_asked(path):
            asked.setdefault(exercise_id, path)
    defined = {e.id for e in EXERCISES}
    assert not set(asked) - defined, f"asked but not defined: {sorted(set(asked) - defined)}"
    assert not defined - set(asked), f"defined but asked nowhere: {sorted(defined - set(asked))}"


def test_numbers_from_numpy_and_the_ledger_are_accepted_and_nan_is_explained():
    from decimal import Decimal

    import numpy as np

    assert training.check("00.1", np.int64(3)).ok
    assert training.check("00.1", Decimal(3)).ok  # the ledger's own yuan are Decimals
    nan = training.check("00.1", float("nan"))
    assert not nan.ok and "NaN (not a number)" in nan.message
    assert "should be a number" in training.check("00.1", True).message
