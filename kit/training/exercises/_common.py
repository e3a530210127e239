"""Helpers shared by the notebook exercise modules (no exercises of their own).

Checks load the sample data and run models when they are first used; everything here is cached
(``functools.lru_cache``), so a second check of the same exercise answers at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import Any

from kit.training.core import CheckResult


@cache
def dataset(name: str) -> Any:
    """The sample dataset ``name``, loaded once."""
    from kit.datasets import load

    return load(name)


def _params(params: Mapping[str, Any] | None) -> tuple:
    return tuple(sorted((params or {}).items()))


@lru_cache(maxsize=64)
def _run(model_id: str, dataset_name: str, params: tuple) -> Any:
    import kit

    return kit.run(kit.models.get(model_id), dataset(dataset_name), params=dict(params))


def run(model_id: str, dataset_name: str, params: Mapping[str, Any] | None = None) -> Any:
    """A library model's clues on a sample dataset (cached per parameter values)."""
    return _run(model_id, dataset_name, _params(params))


@lru_cache(maxsize=64)
def _evaluation(model_id: str, dataset_name: str, params: tuple, capacity: int) -> Any:
    import kit

    clues = _run(model_id, dataset_name, params)
    return kit.evaluate(clues, dataset(dataset_name).truth, capacity=capacity)


def evaluation(
    model_id: str,
    dataset_name: str,
    params: Mapping[str, Any] | None = None,
    capacity: int = 50,
) -> Any:
    """The evaluation of :func:`run` against the dataset's truth table (cached)."""
    return _evaluation(model_id, dataset_name, _params(params), capacity)


def false_positive_reasons(ev: Any) -> dict[str, int]:
    """An evaluation's false positives as ``{trap reason: clues}``."""
    return dict(ev.to_dict()["false_positives"])


def letter(options: Mapping[str, str], value: str) -> str:
    """The letter of the option that names ``value`` (for solutions of multiple choices)."""
    hits = [k for k, text in options.items() if value in text]
    if len(hits) != 1:
        raise ValueError(f"{value!r} names {len(hits)} options of {dict(options)}")
    return hits[0]


def with_note(
    check: Callable[[Any], CheckResult], note: str, note_zh: str = ""
) -> Callable[[Any], CheckResult]:
    """Wrap a check so that a right answer also gets a sentence saying what it means."""

    def _check(answer: Any) -> CheckResult:
        ok, message, *rest = check(answer)
        zh = rest[0] if rest else ""
        if ok:
            return True, f"{message} {note}", f"{zh}{note_zh}"
        return ok, message, zh

    return _check
