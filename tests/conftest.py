"""Shared fixtures: the sample dataset loaded once, and throwaway copies to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kit
from kit.datasets import datasets_root


@pytest.fixture(scope="session")
def ss() -> kit.datasets.Dataset:
    """The committed social security sample dataset, validated."""
    return kit.datasets.load("social_security")


@pytest.fixture(scope="session")
def mi() -> kit.datasets.Dataset:
    """The committed medical insurance sample dataset, validated."""
    return kit.datasets.load("medical_insurance")


def cached_runner(dataset: kit.datasets.Dataset):
    """``run(model_id, **params)`` -> (clues, evaluation), each computed once per parameter set."""
    cache: dict = {}

    def run(model_id: str, **params):
        key = (model_id, tuple(sorted(params.items())))
        if key not in cache:
            clues = kit.run(model_id, dataset, params=params or None)
            cache[key] = (clues, kit.evaluate(clues, dataset.truth))
        return cache[key]

    return run


def fp_reasons(evaluation) -> set[str]:
    """Reasons of an evaluation's false positives."""
    return set(evaluation.to_dict()["false_positives"])


def truth_subjects(truth, pattern: str, reason: str) -> set[str]:
    """Subjects of the truth table's rows with this pattern and reason (there must be some)."""
    rows = truth[(truth["pattern"] == pattern) & (truth["reason"] == reason)]
    assert len(rows) > 0, f"the sample data has no {reason} rows"
    return set(rows["subject_id"])


@pytest.fixture(scope="session")
def ss01(ss):
    """SS01's clues on the sample data with default parameters."""
    return kit.run("SS01", ss)


@pytest.fixture
def ss_copy(tmp_path: Path) -> Path:
    """A writable copy of the social security dataset folder."""
    target = tmp_path / "social_security"
    shutil.copytree(datasets_root() / "social_security", target)
    return target


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (1-based data row) of a CSV file, keeping everything else byte-identical."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def drop_column(path: Path, column: str) -> None:
    """Remove one column from a CSV file."""
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    idx = lines[0].split(",").index(column)
    out = [",".join(c for i, c in enumerate(line.split(",")) if i != idx) for line in lines]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
