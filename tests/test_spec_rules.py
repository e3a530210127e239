"""The ``rules:`` section of model specs: validated, documentation only, outside the spec hash."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
import yaml

import kit
from kit.errors import SpecError
from kit.models import ModelSpec
from kit.models.spec import UNHASHED, final_step, split_sql

#: The spec hash of every library model as it was before the ``rules:`` section existed (the
#: YAML committed without rules). Ledgers register model versions, and run ids and notebook
#: outputs show them, under these hashes: adding or rewording rules must not change any of them.
#: A new version of a model's SQL gets a new hash here, with its version number. Version 2 of
#: EN01 (one pass over each outlet's normal hours instead of an unpivot) and of MI01-MI04 and
#: MI07-MI10 (ID numbers already clean skip the standardising; MI01 matches settlements to the
#: persons with a death record only; MI02 matches names only for custody records without an ID
#: match; MI10 counts same-amount purchases by grouping and looks up chronic-disease
#: certificates for burst purchases only) were made for province scale and give
#: the same clues as version 1; so do the later versions (EN02, EN06, EN07, MI06, SS04 v2;
#: EN01, MI01, MI10, SS04 v3; MI10, EN01 v4), each listed with its change in ``benchmarks/RESULTS.md``.
HASHES = {
    "EN01": "3d84279aad745f2b22d1859dd2a745004df5074613836f2d393f446e3a5cfa95",
    "EN02": "77fc1593d2f750126691390b5dabd0f86e063ddc9e7edc382df6b3832d5b322b",
    "EN03": "50aa43c5f49030bb6b5805ea894f584902dc69740e86a5216a468778eff4a2f8",
    "EN04": "58c741489de71c1b163bc8414fa1f1cf51f1d2c5e11cff616d635dbc49c4c91e",
    "EN05": "695e5964b77d8778f0728742eaa4efab2d877c1ebad7eee5ec87baf34ccd418c",
    "EN06": "9c44375b962dcf62ace5c3e49f27be1cf1073302bc28d7ce5422a83f8ecbaafe",
    "EN07": "bb2d99a61af85ccbbc76888c18075fea950097b75f29c5245766a9e3c5583649",
    "MI01": "97541411451c97f679c0d727432d564c677544832fec37cd7862813c66ec8d5e",
    "MI02": "2a32d55f8c860b1a1bd6e91353115370f19eae36184d8ba57aada8ca242ceffb",
    "MI03": "a4d888ee7495c1083508c2edb81c0d11b2b2ad1ca44d4f4a3396afdab329d55c",
    "MI04": "c87edb87c28a431adb03e62eb1909ab137a55bf4a60bd5cb0474f95b92ffde9d",
    "MI05": "495a3a37191d0eda0a67dca55f419e9e1d03c9211d324b71b75eaed15b7de16d",
    "MI06": "8e532ee38ac5e5644401b74998cbf8e8a8560cff67bc01c40166cea8d0f28ca4",
    "MI07": "4590ad8c374bd981af094f70e36048c111a518be1c3f7ff5954fadb03fbcd79f",
    "MI08": "ff19fd30b13f732d6c93b3b29caada9e727540b1a2ac55527010068499b7bddc",
    "MI09": "7dfce19e46e245006271eaa6e9035054e4e9010f8b28d27d449d070515a3f1c5",
    "MI10": "dd18b2c2495b7c99f3594c43077fcd4d562c9f056209a971d654e5232bbaa673",
    "SS01": "939240828415a9256aecfd6fb9f17a09030209c88e0ecfeea80def0549c7cb52",
    "SS02": "511fa7ceb6b4db7fd65fc80aff9fd747f46119c63cb698faa20d842f74cbf38e",
    "SS03": "1fbb2f9292b0e284ddd40c751a1459a1f562b4927616e692f9047610f12ddcf8",
    "SS04": "abce6fb90843f4895e9d95055078537c88539240d543f2c972b4f13a0c7eafe1",
    "SS05": "821817ac8b184ce1504b630b9c82dbb75ba7f78e958634ab66f3ca0bc4358731",
}


@pytest.fixture
def ss01_dict() -> dict:
    return yaml.safe_load(kit.models.get("SS01").path.read_text(encoding="utf-8"))


def test_every_library_hash_is_unchanged_by_the_rules_section():
    specs = kit.models.list_models()
    assert sorted(s.id for s in specs) == sorted(HASHES)
    for spec in specs:
        assert spec.rules, spec.id
        assert spec.hash == HASHES[spec.id], spec.id
        # the hash is the canonical JSON of the YAML without the rules: section
        data = yaml.safe_load(spec.path.read_text(encoding="utf-8"))
        data.pop("rules")
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        assert hashlib.sha256(canonical.encode()).hexdigest() == spec.hash


def test_editing_only_rules_keeps_the_hash_and_editing_sql_changes_it(ss01_dict):
    base = ModelSpec.from_dict(ss01_dict)
    data = copy.deepcopy(ss01_dict)
    data["rules"][0]["en"] = "A better sentence for the first step."
    data["rules"][0]["zh"] = "第一步更好的说明。"
    reworded = ModelSpec.from_dict(data)
    assert reworded.rules[0].en == "A better sentence for the first step."
    assert reworded.hash == base.hash
    data.pop("rules")
    assert ModelSpec.from_dict(data).hash == base.hash and ModelSpec.from_dict(data).rules == ()
    data["sql"] = data["sql"].replace("> $grace_days", ">= $grace_days")
    assert ModelSpec.from_dict(data).hash != base.hash
    assert UNHASHED == ("rules",)


def test_every_library_model_explains_every_step_in_both_languages():
    for spec in kit.models.list_models():
        steps = [step.name for step in spec.steps()]
        assert [rule.step for rule in spec.rules] == steps, spec.id
        for rule in spec.rules:
            assert rule.en and rule.zh, (spec.id, rule.step)
            assert "$" not in rule.en + rule.zh, (spec.id, rule.step)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.zh), (spec.id, rule.step)


def _first(d: dict) -> dict:
    return d["rules"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(rules="explain it"), "section rules: give a list of entries"),
        (lambda d: d["rules"].append("a sentence"), "section rules: entry 12 is not a mapping"),
        (lambda d: _first(d).pop("step"), "section rules: entry 1 gives no step"),
        (lambda d: _first(d).update(step="deaths"),
         "section rules, step deaths: not a step of the SQL; steps are death_record, support"),
        (lambda d: _first(d).pop("zh"), "step death_record: give an 'en' and a 'zh' sentence; zh"),
        (lambda d: _first(d).update(en="  "), "give an 'en' and a 'zh' sentence; en is missing"),
        (lambda d: _first(d).update(en={"Takes": "rows"}), "step death_record: en is not plain"),
        (lambda d: _first(d).update(zh=["a", "b"]), "step death_record: zh is not plain text"),
        (lambda d: _first(d).update(note="x"), "step death_record: unknown key(s) note"),
        (lambda d: d["rules"].append(dict(_first(d))), "step death_record: explained twice"),
    ],
)  # fmt: skip
def test_invalid_rules_name_the_section_and_step(ss01_dict, change, message):
    data = copy.deepcopy(ss01_dict)
    change(data)
    with pytest.raises(SpecError) as err:
        ModelSpec.from_dict(data, source="SS01.yaml")
    assert str(err.value).startswith("SS01.yaml, section rules")
    assert message in str(err.value)


def test_rules_may_cover_some_steps_and_are_frozen(ss01_dict):
    data = copy.deepcopy(ss01_dict)
    data["rules"] = [{"step": "final", "en": "The clue list.", "zh": "输出线索。"}]
    spec = ModelSpec.from_dict(data)
    assert spec.rule("final").text("zh") == "输出线索。" and spec.rule("support") is None
    with pytest.raises(AttributeError):
        spec.rules = ()  # type: ignore[misc]


def test_closing_select_is_final_unless_a_step_is_called_final():
    en06 = kit.models.get("EN06")
    names = [step.name for step in en06.steps()]
    assert names[-2:] == ["final", "SELECT"] and final_step(en06.sql) == "SELECT"
    assert en06.rule("SELECT").en.startswith("Gives one clue")
    assert final_step(kit.models.get("SS01").sql) == "final"


def test_derive_keeps_rules_of_unchanged_steps_only():
    ss01 = kit.models.get("SS01")
    assert ss01.derive(link=None).rules == ss01.rules
    stricter = ss01.derive(sql=ss01.sql.replace("> $grace_days", ">= $grace_days"))
    kept = [rule.step for rule in stricter.rules]
    assert kept == [step.name for step in ss01.steps()][:-1]  # the closing SELECT changed
    assert stricter.hash != ss01.hash
    rewritten = ss01.derive(id="X", sql="SELECT 1 AS x", params={},
                            rules=[{"step": "final", "en": "One row.", "zh": "一行。"}])  # fmt: skip
    assert [rule.step for rule in rewritten.rules] == ["final"]
    with pytest.raises(SpecError, match="step support: not a step of the SQL; steps are final"):
        ss01.derive(id="X", sql="SELECT 1 AS x", params={},
                    rules=[{"step": "support", "en": "x", "zh": "x"}])  # fmt: skip


def test_split_sql_matches_brackets_outside_comments_and_text():
    sql = (
        "WITH a AS (SELECT 1 AS n), b(x) AS MATERIALIZED (\n"
        "    -- a bracket ) in a comment\n"
        "    SELECT ')' AS x FROM a /* and ( here */\n"
        "),\n"
        '"c d" AS (SELECT * FROM b)\n'
        'SELECT * FROM "c d"'
    )
    steps = split_sql(sql)
    assert [s.name for s in steps] == ["a", "b", "c d", "final"]
    assert steps[0].sql == "SELECT 1 AS n" and steps[1].comment == "a bracket ) in a comment"
    assert steps[-1].final and steps[-1].sql == 'SELECT * FROM "c d"'
    assert [s.name for s in split_sql("SELECT 1")] == ["final"]
    assert [s.name for s in split_sql("WITH a AS (SELECT 1")] == ["final"]  # unreadable: one step
