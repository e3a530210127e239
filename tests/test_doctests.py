"""Every Examples section in the kit's docstrings runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kit

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(kit.__path__, prefix="kit.") if m.name != "kit.__main__"
)


@pytest.mark.parametrize("name", ["kit", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_examples_exist_for_the_main_verbs() -> None:
    finder = doctest.DocTestFinder()
    for func in (kit.datasets.load, kit.run, kit.evaluate, kit.sql, kit.ids.validate):
        assert any(t.examples for t in finder.find(func)), func.__qualname__
