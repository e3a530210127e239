"""The whole library on the sample data: ``kit run --all`` and each model's floors."""

from __future__ import annotations

import json
import re

import pytest

import kit
from kit.cli import main
from kit.errors import SpecError
from kit.models import floor_failures, list_models, run_suite


def test_run_all_runs_every_library_model_and_each_meets_its_floors(capsys):
    code = main(["run", "--all", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert [r["model_id"] for r in rows] == [s.id for s in list_models()]
    assert len(rows) >= 20, "the catalogue has SS01-SS05, MI01-MI10 and EN01-EN07"
    below = {r["model_id"]: r["failures"] for r in rows if not r["meets_floors"]}
    assert below == {}
    assert code == 0
    for row in rows:
        assert row["clues"] > 0 and row["cases_found"] <= row["cases"]
        assert row["recall_floor"] is not None and row["conversion_floor"] is not None


def test_every_library_model_sets_honest_floors_and_both_languages():
    for spec in list_models():
        assert set(spec.expected) == {"recall", "conversion"}, spec.id
        assert 0 < spec.expected["recall"] <= 1 and 0 < spec.expected["conversion"] <= 1
        assert spec.name.get("zh") and spec.supervision_point.get("zh"), spec.id
        assert spec.evidence.get("en") and spec.evidence.get("zh"), spec.id
        assert spec.legal_basis and spec.limitations, spec.id
        assert all(p.help for p in spec.params.values()), spec.id


def test_a_floor_above_the_measurement_is_reported(capsys):
    ss = kit.datasets.load("social_security")
    strict = kit.models.get("SS01").derive(id="SS01-strict", expected={"conversion": 0.9})
    ev = kit.evaluate(kit.run(strict, ss), ss.truth)
    assert floor_failures(strict, ev) == ["conversion 0.789 is below its floor 0.900"]
    table = run_suite([strict], datasets={"social_security": ss})
    assert table.loc[0, "meets_floors"] == False  # noqa: E712
    assert table.loc[0, "failures"] == "conversion 0.789 is below its floor 0.900"


def test_run_all_prints_a_table_with_the_verdict(capsys):
    code = main(["run", "--all"])
    out = capsys.readouterr().out
    assert code == 0
    ss01 = run_suite(["SS01"]).iloc[0]
    line = (
        rf"SS01 +{ss01.clues} +{ss01.cases_found} / {ss01.cases} +{ss01.conversion_rate:.1%} +"
        rf"{ss01.recall:.1%} +\d+\.\d\d  {ss01.recall_floor:.0%} / {ss01.conversion_floor:.0%}  meets"
    )
    assert re.search(line, out), out
    assert out.rstrip().endswith(
        f"{len(list_models())} models on duckdb: {len(list_models())} meet their floors."
    )


def test_run_needs_a_model_or_all(capsys):
    assert main(["run"]) == 1
    assert "Give one model (e.g. kit run SS01) or --all" in capsys.readouterr().err
    assert main(["run", "--all", "--param", "grace_days=1"]) == 1
    assert "drop --param" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({"precision": 0.5}, "'precision' is not one of recall, conversion"),
        ({"recall": 1.5}, "recall = 1.5 must be a share between 0 and 1"),
        ([0.9], "give floors as a mapping"),
    ],
)
def test_bad_floors_are_refused_when_the_spec_loads(expected, message):
    with pytest.raises(SpecError, match=message):
        kit.models.get("SS01").derive(expected=expected)


def test_each_model_names_the_subject_type_of_its_truth_pattern():
    truth = {
        name: kit.datasets.load(name).truth for name in {spec.dataset for spec in list_models()}
    }
    for spec in list_models():
        rows = truth[spec.dataset].query("pattern == @spec.pattern")
        assert len(rows), f"{spec.id}: no truth rows for pattern {spec.pattern!r}"
        assert set(rows["subject_type"]) == {spec.subject_type}, spec.id


def test_no_evidence_sentence_shows_a_person_id_number(capsys):
    # An 18- or 15-character ID number standing alone (a 20-digit drug trace code is not one).
    ids = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
    for spec in list_models():
        frame = kit.run(spec).frame
        for col in ("evidence", "evidence_zh"):
            leaked = frame[col].str.contains(ids)
            assert not leaked.any(), f"{spec.id} {col}: {frame.loc[leaked, col].iloc[0]}"


def test_a_model_that_fails_does_not_hide_the_others(capsys, monkeypatch):
    broken = kit.models.get("SS03").derive(id="SS03-broken", sql="SELECT nope FROM custody")
    table = run_suite([broken, "SS05"])
    assert table["model_id"].tolist() == ["SS03-broken", "SS05"]
    assert table.loc[0, "meets_floors"] == False  # noqa: E712
    assert table.loc[0, "failures"].startswith("did not run: SS03-broken: DuckDB could not run")
    assert bool(table.loc[1, "meets_floors"]) is True
    monkeypatch.setattr("kit.models.list_models", lambda: [broken, kit.models.get("SS05")])
    monkeypatch.setattr("kit.models.suite.list_models", lambda: [broken, kit.models.get("SS05")])
    assert main(["run", "--all"]) == 1
    out = capsys.readouterr().out
    assert "SS03-broken      -     - / -" in out
    assert out.rstrip().endswith("2 models on duckdb: 1 meet their floors, 1 do not (SS03-broken).")


def test_a_legal_basis_entry_that_yaml_read_as_a_mapping_is_refused():
    with pytest.raises(SpecError, match="section legal_basis: give a list of texts"):
        kit.models.get("SS01").derive(legal_basis=[{"Art. 82": "manifests"}])
