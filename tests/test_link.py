"""Record linkage (数据关联): what a user relies on, on toy tables and on the sample data."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys

import pandas as pd
import pytest

import kit
from kit.cli import main
from kit.errors import DataError, EngineError, SpecError
from kit.link import (
    DEFAULT_THRESHOLD,
    LinkModel,
    LinkStep,
    default_model,
    link,
    link_dataset,
    linked_table,
    standardise,
)
from kit.link.backend import database_api
from kit.link.evaluate import choose_threshold, evaluate_dataset, stressed
from kit.link.model import train
from kit.link.report import evaluation_report, format_report, model_gains
from kit.models import ModelSpec

# A tiny register: two namesakes in sound (张小明 / 张晓明) born on different days.
MASTER = pd.DataFrame(
    {
        "id_number": ["342423195001011238", "342423196203040015", "341522198807070028"],
        "name": ["张小明", "张晓明", "李秀英"],
        "sex": ["M", "M", "F"],
        "birth_date": ["1950-01-01", "1962-03-04", "1988-07-07"],
        "region_code": ["341522", "341502", "341522"],
    }
)


def _record(**fields: object) -> pd.DataFrame:
    row = {"id_number": None, "name": None, "birth_date": None, "address": None}
    row.update(fields)
    return pd.DataFrame([row])


def _linked(records: pd.DataFrame) -> list[object]:
    return link(records, MASTER, table="deaths", master_table="persons").frame["linked_id"].tolist()


def test_standardise_tidies_ids_names_dates():
    raw = pd.DataFrame(
        {
            "id_number": ["３４２４２３ 19500101-1238", "342423500101123", "34242319500101123x"],
            "name": ["张　小明", "ＡＢ", None],
            "birth_date": [None, "1950/1/1", "1950-13-01"],
        }
    )
    std = standardise(raw, table="deaths")
    assert std["id_number"].tolist()[:2] == ["342423195001011238", "342423195001011238"]
    assert std["id_valid"].tolist() == [True, True, False]
    assert std["name"].tolist() == ["张小明", "AB", None]
    assert std["name_pinyin"].iloc[0] == "zhang xiao ming"
    # the record's own birth date wins; a missing or impossible one falls back to the ID number
    assert std["birth_date"].tolist() == ["1950-01-01", "1950-01-01", "1950-01-01"]
    assert std["sex"].tolist() == ["M", "M", "M"]


def test_homophone_without_id_links_to_the_right_person():
    # funeral-home record: no ID number, 晓 written for 小, same birth date and county
    record = _record(name="张晓明", birth_date="1950-01-01", address="六安市霍邱县城关镇某村")
    assert _linked(record) == ["342423195001011238"]


def test_a_namesake_born_another_day_does_not_link():
    record = _record(name="李秀英", birth_date="1990-02-02", address="六安市霍邱县城关镇某村")
    links = link(record, MASTER, table="deaths")
    assert links.frame["method"].tolist() == ["none"]
    assert links.linked_ids().isna().all()


def test_mistyped_id_links_to_its_holder():
    typo = "342423195001011338"  # one digit wrong: the check character no longer fits
    assert not kit.ids.is_valid(typo)
    links = link(_record(id_number=typo, name="张小明"), MASTER, table="deaths")
    assert links.frame["method"].tolist() == ["probabilistic"]
    assert links.frame["linked_id"].tolist() == ["342423195001011238"]
    assert links.frame["match_probability"].iloc[0] >= DEFAULT_THRESHOLD


def test_untidy_and_legacy_ids_link_exactly():
    records = pd.DataFrame(
        {"id_number": ["342423-19500101-1238", "342423500101123"], "name": ["张小明", "张小明"]}
    )
    links = link(records, MASTER, table="deaths")
    assert links.frame["method"].tolist() == ["exact", "exact"]
    assert links.linked_ids().tolist() == ["342423195001011238"] * 2


def test_missing_column_names_table_column_and_fix():
    with pytest.raises(DataError) as err:
        link(pd.DataFrame({"id_number": ["1"], "owner": ["张三"]}), MASTER, table="vehicles")
    text = str(err.value)
    assert "vehicles" in text and "'name'" in text and "Fix:" in text and "columns:" in text


def test_model_json_round_trip(tmp_path):
    model = default_model()
    path = model.save(tmp_path / "model.json")
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left
    again = LinkModel.load(path)
    assert again.settings == model.settings and again.hash == model.hash
    record = _record(name="张晓明", birth_date="1950-01-01")
    first = link(record, MASTER, model=model).frame
    second = link(record, MASTER, model=again).frame
    pd.testing.assert_frame_equal(first, second)
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(kit.errors.KitError, match="not a Splink model"):
        LinkModel.load(tmp_path / "bad.json")


def test_training_gives_a_usable_model(ss, tmp_path):
    from kit.link.training import training_data

    records, master = training_data(ss)  # a slice keeps the test fast; the real one takes ~1 min
    master = master.head(1500)
    keep = records["id_number"].isin(set(master["id_number"])) | ~records["id_valid"]
    records = records[keep].head(400)
    records = records.assign(uid=range(len(records)))
    model = train(records, master, max_pairs=2e4)
    assert "linker_uid" not in model.settings  # Splink's random id would change the hash
    assert train(records, master, max_pairs=2e4).hash == model.hash  # reproducible
    weights = model.weights().set_index(["comparison", "level"])["match_weight"]
    assert weights[("name", "Exact match on name")] > 5
    assert weights[("birth_date", "Exact match on birth_date")] > 5
    assert weights[("birth_date", "All other comparisons")] < -5
    assert LinkModel.load(model.save(tmp_path / "m.json")).settings == model.settings


def test_sample_precision_and_recall_floors(ss):
    ev = evaluate_dataset(ss)
    no_id = ev.at()
    assert no_id["records"] >= 50  # typo and missing_id records of five tables
    assert no_id["precision"] >= 0.98 and no_id["recall"] >= 0.95
    assert ev.at(scope="all")["precision"] >= 0.99
    # the default threshold is the one read from the training sample's curve
    assert choose_threshold(ev) == DEFAULT_THRESHOLD
    issues = ev.issues()
    assert issues.loc["missing_id", "no_id_correct"] == issues.loc["missing_id", "records"]
    assert set(issues.index[issues["without_usable_id"] > 0]) == {"missing_id", "typo"}


def test_stress_name_only_records_are_not_linked(ss):
    # homophone names without an ID number (and, on this sample, no birth date): a third of
    # residents share a name, so refusing to link keeps precision; recall is 0
    ev = evaluate_dataset(stressed(ss, ["homophone_name"]), tables=["deaths"])
    row = ev.issues().loc["homophone_name"]
    assert row["without_usable_id"] == 8 and row["no_id_linked"] == 0 and row["precision"] == 1.0


def test_ss01_recall_gain_with_linkage(ss):
    exact = kit.run("SS01", ss, params={"use_linkage": False})
    linked = kit.run("SS01", ss)  # linkage is on by default
    recall_exact = kit.evaluate(exact, ss.truth).recall
    recall_linked = kit.evaluate(linked, ss.truth).recall
    assert recall_exact < recall_linked and recall_linked == 1.0
    assert exact.run_id != linked.run_id  # the switch enters the run id
    assert "linkage" not in exact.info
    assert linked.info["linkage"]["deaths"]["probabilistic"] > 0
    assert linked.info["linkage"]["deaths"]["model"] == default_model().hash[:12]


def test_model_gains_separate_id_cleaning_from_probabilistic_linkage(ss):
    (row,) = model_gains(ss, only=["SS02"])
    # raw IDs miss a legacy 15-digit number (cleaning finds it) and a typo (linkage finds it)
    assert (row["raw_found"], row["cleaned_found"], row["linked_found"]) == (28, 29, 30)
    (strict,) = model_gains(ss, only=["SS02"], threshold=0.9999)
    assert strict["threshold"] == 0.9999


def test_cached_links_follow_table_content_not_fingerprint(ss):
    # same fingerprint, other rows: links must not be applied by position
    deaths = ss.tables["deaths"]
    shuffled = dataclasses.replace(
        ss, tables={**ss.tables, "deaths": deaths.sample(frac=1, random_state=1)}
    )
    full, again = kit.run("SS01", ss), kit.run("SS01", shuffled)
    assert sorted(again.frame["subject_id"]) == sorted(full.frame["subject_id"])
    assert again.run_id != full.run_id  # the linked table's content enters the run id
    head = dataclasses.replace(ss, tables={**ss.tables, "deaths": deaths.head(200)})
    assert len(kit.run("SS01", head)) <= len(full)


def test_linked_fingerprint_covers_threshold_and_model(ss):
    step = [LinkStep("deaths", "persons")]
    on = {"use_linkage": True}
    base, _ = link_dataset(ss, step, on)
    strict, summary = link_dataset(ss, step, on, threshold=0.9999)
    assert strict.fingerprint != base.fingerprint and summary["deaths"]["threshold"] == 0.9999
    settings = json.loads(default_model().to_json())
    settings["probability_two_random_records_match"] *= 2
    other, _ = link_dataset(ss, step, on, model=LinkModel(settings))
    assert other.fingerprint != base.fingerprint


def test_link_errors_name_the_model_and_fail_before_the_rule(ss):
    spec = kit.models.get("SS01")
    with pytest.raises(SpecError, match=r"^SS01x, section link.nope: .*no table 'nope'"):
        kit.run(spec.derive(id="SS01x", link={"nope": {"to": "persons"}}), ss)
    with pytest.raises(SpecError, match=r"(?s)^SS01x, section link.pension_payments: .*'name'"):
        kit.run(spec.derive(id="SS01x", link={"pension_payments": {"to": "persons"}}), ss)


def test_linked_dataset_is_a_copy_with_its_own_fingerprint(ss):
    before = ss.tables["deaths"]["id_number"].copy()
    linked, summary = link_dataset(ss, [LinkStep("deaths", "persons")], {"use_linkage": True})
    pd.testing.assert_series_equal(ss.tables["deaths"]["id_number"], before)
    assert linked.fingerprint != ss.fingerprint
    assert linked.tables["persons"] is ss.tables["persons"]
    assert summary["deaths"]["none"] == 0
    assert linked.tables["deaths"]["id_number"].isna().sum() == 0  # missing IDs were linked
    off, nothing = link_dataset(ss, [LinkStep("deaths", "persons")], {"use_linkage": False})
    assert off is ss and nothing == {}
    assert linked_table(ss, "deaths", "persons") is linked_table(ss, "deaths", "persons")


def _spec(**changes: object) -> dict:
    data = json.loads(json.dumps(kit.models.get("SS01").raw, default=str))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"link": {"deaths": {}}}, "section link.deaths: say which master register"),
        ({"link": {"deaths": {"to": "persons", "with": 1}}}, "unknown key 'with'"),
        ({"link": {"deaths": {"to": "persons", "threshold": 1.5}}}, "not between 0 and 1"),
        ({"link": {"deaths": {"to": "persons", "columns": {"nam": "x"}}}}, "Unknown identity"),
        ({"link": ["deaths"]}, "section link: give a mapping"),
    ],
)
def test_link_section_errors_name_the_section(change, message):
    with pytest.raises(SpecError, match=message):
        ModelSpec.from_dict(_spec(**change), source="SS01.yaml")


def test_link_switch_must_be_a_boolean_parameter():
    data = _spec()
    data["params"]["use_linkage"] = {"type": "integer", "default": 1, "help": "x"}
    with pytest.raises(SpecError, match="needs a boolean parameter 'use_linkage'"):
        ModelSpec.from_dict(data, source="SS01.yaml")
    data = _spec(link={"deaths": {"to": "persons", "switch": "link_deaths"}})
    with pytest.raises(SpecError, match="needs a boolean parameter 'link_deaths'"):
        ModelSpec.from_dict(data, source="SS01.yaml")
    # without a switch parameter the step always applies (e.g. a derived spec with params={})
    always = kit.models.get("SS01").derive(id="SS01-always", params={}, sql="SELECT 1 AS x")
    assert always.link and always.params == {}


def test_specs_without_link_section_are_unchanged():
    data = _spec()
    del data["link"]
    del data["params"]["use_linkage"]
    spec = ModelSpec.from_dict(data)
    assert spec.link == ()
    step = kit.models.get("SS01").link[0]
    assert (step.table, step.to, step.threshold) == ("deaths", "persons", DEFAULT_THRESHOLD)


def test_spark_backend_without_pyspark_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(EngineError, match=r"pip install 'supervision-kit\[spark\]'"):
        database_api("spark")
    with pytest.raises(EngineError, match="Unknown linkage backend"):
        database_api("oracle")


def test_cli_evaluate_prints_figures_and_json_equals_library(ss, capsys):
    assert main(["link", "evaluate", "social_security", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    report = evaluation_report(["social_security"])
    assert printed == json.loads(json.dumps(report, default=str))
    out = format_report(report)
    assert "records without a usable ID: 71 in the register" in out and "(training data)" in out
    assert "stress: every degraded record's ID number removed" in out
    assert "SS01 recall, 30 cases: raw exact IDs 0.967" in out and "full linkage at" in out
    assert "social_security pair curve" in out and f": {DEFAULT_THRESHOLD};" in out


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_backend_links_like_duckdb():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    record = _record(name="张晓明", birth_date="1950-01-01", address="六安市霍邱县城关镇某村")
    on_spark = link(record, MASTER, table="deaths", backend="spark").frame
    on_duckdb = link(record, MASTER, table="deaths").frame
    assert on_spark["linked_id"].tolist() == on_duckdb["linked_id"].tolist()
    assert (
        on_spark["match_probability"].round(6).tolist()
        == on_duckdb["match_probability"].round(6).tolist()
    )
