"""The ``kit`` command: output equals the library, errors exit non-zero and write nothing."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import kit
from kit.cli import main
from tests.conftest import edit_csv


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_json_equals_library(capsys, ss, ss01):
    code, out, _ = run_cli(capsys, "run", "SS01", "--dataset", "social_security", "--json")
    assert code == 0
    data = json.loads(out)
    expected = kit.evaluate(ss01, ss.truth, capacity=50).to_dict()
    assert data["evaluation"] == expected
    assert data["run"]["run_id"] == ss01.run_id and data["run"]["clues"] == len(ss01)


def test_run_writes_masked_clues(capsys, tmp_path, ss01):
    out_file = tmp_path / "clues.csv"
    code, out, _ = run_cli(
        capsys, "run", "SS01", "--dataset", "social_security", "--out", str(out_file)
    )
    assert code == 0
    assert re.match(r"SS01: \d+ clues, \d+ of \d+ cases found, conversion rate", out)
    written = pd.read_csv(out_file, dtype=str)
    assert len(written) == len(ss01)
    assert written["subject_id"].str.fullmatch(r"\d{6}\*{8}[\dX]{4}").all()
    assert not set(written["subject_id"]) & set(ss01.frame["subject_id"])


def test_run_with_param(capsys, ss):
    code, out, _ = run_cli(capsys, "run", "SS01", "--param", "grace_days=0", "--json")
    assert code == 0
    assert json.loads(out)["run"]["params"]["grace_days"] == 0
    code, _, err = run_cli(capsys, "run", "SS01", "--param", "grace_days")
    assert code == 1 and "write NAME=VALUE" in err


@pytest.mark.parametrize(
    ("file", "column", "value", "expected"),
    [
        (
            "deaths.csv",
            "death_date",
            "2024-02-30",
            "deaths.csv row 9 (line 10), column death_date: '2024-02-30' is not a date",
        ),
        (
            "persons.csv",
            "id_number",
            "34152219500101123",
            "persons.csv row 9 (line 10), column "
            "id_number: '34152219500101123' is not a valid resident ID number",
        ),
    ],
)
def test_bad_data_exits_non_zero_and_writes_nothing(
    capsys, ss_copy, tmp_path, file, column, value, expected
):
    edit_csv(ss_copy / file, 9, column, value)
    out_file = tmp_path / "clues.csv"
    code, out, err = run_cli(
        capsys, "run", "SS01", "--dataset", str(ss_copy), "--out", str(out_file)
    )
    assert code == 1
    assert expected in err
    assert not out_file.exists() and list(tmp_path.glob("*.csv")) == []


def test_missing_column_exits_non_zero(capsys, ss_copy, tmp_path):
    from tests.conftest import drop_column

    drop_column(ss_copy / "deaths.csv", "death_date")
    code, _, err = run_cli(
        capsys, "run", "SS01", "--dataset", str(ss_copy), "--out", str(tmp_path / "c.csv")
    )
    assert code == 1 and "deaths.csv, column death_date: this column is missing." in err
    assert not (tmp_path / "c.csv").exists()


def test_lists(capsys):
    code, out, _ = run_cli(capsys, "models", "list", "--json")
    assert code == 0 and json.loads(out)[0]["id"] == "SS01"
    code, out, _ = run_cli(capsys, "datasets", "list")
    assert code == 0 and "\nsocial_security " in "\n" + out
    code, out, _ = run_cli(capsys, "models", "show", "SS01")
    assert code == 0 and "  grace_days = 60 (integer): Days after death" in out
    assert "Legal basis:\n  - Social Insurance Law of the PRC (社会保险法), Article 88" in out
    assert "Floors on the sample data: recall >= 95%, conversion >= 75%" in out
    assert "监督点: 养老保险待遇领取人死亡后" in out
    assert "Rules, step by step (监督规则):\n  death_record: " in out
    code, out, _ = run_cli(capsys, "models", "show", "SS01", "--json")
    rules = json.loads(out)["rules"]
    assert rules[0]["step"] == "death_record" and rules[-1]["step"] == "final"
    assert all(r["en"] and r["zh"] for r in rules)
    code, _, err = run_cli(capsys, "models", "show", "XX1")
    assert code == 1 and "No model 'XX1'" in err


def test_validate(capsys, ss_copy):
    code, out, _ = run_cli(capsys, "datasets", "validate", str(ss_copy))
    assert code == 0 and out.startswith("social_security: valid")


def test_demo_writes_report(capsys, tmp_path, ss, ss01):
    code, out, _ = run_cli(capsys, "demo", "--out", str(tmp_path / "reports"))
    assert code == 0
    ev = kit.evaluate(ss01, ss.truth, capacity=50)
    assert ev.summary() in out
    index = tmp_path / "reports" / "index.html"
    assert f"report written to {index}" in out
    assert f"datasheets (数据说明): {tmp_path / 'reports' / 'datasets'}" in out
    assert "charts: CJK font: " in out
    html = index.read_text(encoding="utf-8")
    for link in (
        "SS01/clues.html",
        "SS01/evaluation.html",
        "SS01/model_card.html",
        "SS01/spec.en.html",
        "SS01/spec.zh.html",
    ):
        assert link in html and (tmp_path / "reports" / link).is_file()
    clue_page = (tmp_path / "reports" / "SS01" / "clues.html").read_text(encoding="utf-8")
    raw_ids = set(ss01.frame["subject_id"])
    assert not any(i in clue_page for i in raw_ids)
