"""The three committed field datasets: load, plant enough cases and traps, match their references."""

from __future__ import annotations

import json

import pytest

import kit
from kit.cli import main
from kit.datasets import generators

FIELD_PATTERNS = {
    "social_security": {
        "pension_after_death",
        "pension_during_custody",
        "increase_during_correction",
        "allowance_ineligible",
        "unemployment_while_employed",
    },
    "medical_insurance": {
        "claims_after_death",
        "inpatient_in_custody",
        "overlapping_stays",
        "sex_inconsistent_items",
        "hanging_bed",
        "bed_over_occupancy",
        "split_stays",
        "resold_drugs",
        "group_admissions",
        "pharmacy_card_swiping",
    },
    "environment": {
        "falsified_monitoring",
        "criminal_exceedance",
        "fine_instead_of_prosecution",
        "repeat_offender",
        "unpaid_restoration",
        "hazardous_waste_gap",
        "forged_certificates",
    },
}


@pytest.fixture(scope="module", params=generators.FIELDS)
def field_ds(request):
    return request.param, kit.datasets.load(request.param)


def test_every_pattern_has_twenty_cases_and_a_trap(field_ds):
    field, ds = field_ds
    summary = kit.datasets.truth_summary(ds.truth).set_index("pattern")
    assert set(summary.index) >= FIELD_PATTERNS[field]
    for pattern in FIELD_PATTERNS[field]:
        assert summary.loc[pattern, "cases"] >= 20, pattern
        assert summary.loc[pattern, "trap_kinds"] >= 1, pattern


def test_generated_distributions_match_references(field_ds):
    field, ds = field_ds
    table = generators.calibrate(field, ds)
    assert len(table) >= 3
    off = table[~table["ok"]]
    assert off.empty, off.to_string()


def test_describe_cli_prints_patterns(capsys, field_ds):
    field, ds = field_ds
    assert main(["datasets", "describe", field, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    printed = {row["pattern"]: row["cases"] for row in data["patterns"]}
    assert printed == kit.datasets.truth_summary(ds.truth).set_index("pattern")["cases"].to_dict()
    assert {t["table"] for t in data["tables"]} == set(ds.tables)


def test_calibrate_cli_exit_code(capsys):
    assert main(["datasets", "calibrate", "social_security"]) == 0
    out = capsys.readouterr().out
    assert "measures within their reference range" in out


def test_all_datasets_stay_small():
    root = kit.datasets.datasets_root()
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert size < 30 * 1024 * 1024, f"datasets/ is {size / 2**20:.1f} MiB"


def test_people_are_shared_across_fields():
    ss = kit.datasets.load("social_security").tables["persons"]
    mi = kit.datasets.load("medical_insurance").tables["insured"]
    assert set(mi["id_number"]) <= set(ss["id_number"])
