"""Supervision models (监督模型): specs, the library, and running them into clues."""

from kit.models.clues import CLUE_COLUMNS, Clues
from kit.models.library import get, list_models
from kit.models.reads import reads
from kit.models.run import run
from kit.models.spec import ModelSpec, Param
from kit.models.suite import floor_failures, run_suite

__all__ = [
    "CLUE_COLUMNS",
    "Clues",
    "ModelSpec",
    "Param",
    "floor_failures",
    "get",
    "list_models",
    "reads",
    "run",
    "run_suite",
]
