"""Descriptors of the three field generators: personal fields are masked, masks are known."""

from __future__ import annotations

import pytest

from kit.datasets.generators import environment, medical_insurance, social_security
from kit.mask import MASKERS

FIELDS = (social_security, medical_insurance, environment)


def _fields(module: object) -> list[tuple[str, dict]]:
    meta, truth = module.package(module.DEFAULT_SEED, 10_000)  # type: ignore[attr-defined]
    return [
        (res["name"], f)
        for res in meta["resources"] + truth["resources"]
        for f in res["schema"]["fields"]
    ]


@pytest.mark.parametrize("module", FIELDS, ids=lambda m: m.FIELD)
def test_every_personal_field_has_a_known_mask(module: object) -> None:
    for table, f in _fields(module):
        if f["personal"]:
            assert f.get("kit:mask") in MASKERS, (table, f["name"])
        assert f.get("kit:mask", "id") in MASKERS, (table, f["name"])


@pytest.mark.parametrize("module", FIELDS, ids=lambda m: m.FIELD)
def test_birth_dates_keep_the_year_and_subjects_keep_keys(module: object) -> None:
    for table, f in _fields(module):
        if "birth_date" in f["name"]:
            assert f.get("kit:mask") == "date", (table, f["name"])
        if f["name"] == "subject_id":
            assert f.get("kit:mask") == "subject", table
