"""The model library: one YAML file per model in ``kit/models/library/``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kit.errors import SpecError
from kit.models.spec import FIELDS, ModelSpec

LIBRARY = Path(__file__).resolve().parent / "library"


@cache
def _load_all() -> dict[str, ModelSpec]:
    specs = [ModelSpec.from_yaml(path) for path in LIBRARY.glob("*.yaml")]
    specs.sort(key=lambda s: (FIELDS.index(s.field), s.id))  # catalogue order: SS, MI, EN
    return {spec.id: spec for spec in specs}


def get(model_id: str) -> ModelSpec:
    """A library model by id (``"SS01"``); the error lists the ids there are."""
    specs = _load_all()
    key = model_id.strip().upper()
    if key not in specs:
        raise SpecError(f"No model {model_id!r} in the library. Models: {', '.join(specs)}.")
    return specs[key]


def spec_from(model: str) -> ModelSpec:
    """The model a command-line argument names: a library id (``"SS01"``) or a YAML file."""
    if model.endswith((".yaml", ".yml")):
        return ModelSpec.from_yaml(model)
    return get(model)


def list_models() -> list[ModelSpec]:
    """Every library model in catalogue order: field (SS, MI, EN), then id."""
    return list(_load_all().values())
