"""``kit ledger ...``: --json equals the library, errors exit 1; the demo fills a ledger."""

from __future__ import annotations

import json

from kit.cli import main
from kit.ledger import Ledger

pytest_plugins = ["tests.ledger_conftest"]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ledger_commands_end_to_end(capsys, ledger_url, tmp_path):
    db = ("--db", ledger_url)
    assert cli(capsys, "ledger", "report", *db, "--from", "2024-01", "--to", "2024-04")[0] == 1
    code, out, _ = cli(capsys, "ledger", "init", *db, "--json")
    assert code == 0 and json.loads(out)["revision"] == "0001"
    code, out, _ = cli(capsys, "ledger", "register-model", "SS01", *db, "--unit", "六安市人民检察院",
                       "--builders", "王芳,李强", "--json")  # fmt: skip
    assert json.loads(out)["created"] is True
    code, out, _ = cli(capsys, "ledger", "apply", "SS01", *db, "--unit", "霍邱县人民检察院",
                       "--dataset", "social_security", "--date", "2024-02-01", "--verified", "4",
                       "--cases-formed", "2", "--json")  # fmt: skip
    applied = json.loads(out)
    assert code == 0 and applied["clues_screened"] > 0
    clue = Ledger(ledger_url).table("application_clues")["clue_id"].iloc[0]
    code, out, err = cli(capsys, "ledger", "add-case", "皖霍检〔2024〕1号", *db, "--unit", "霍邱县人民检察院",
                         "--model", "SS01", "--clue", clue, "--received", "2024-02-03",
                         "--filed", "2024-02-09", "--recovered", "1234.56", "--json")  # fmt: skip
    assert code == 0, err
    code, out, _ = cli(capsys, "ledger", "update-case", "皖霍检〔2024〕1号", *db,
                       "--closed", "2024-03-01", "--json")  # fmt: skip
    assert json.loads(out) == {"closed_on": "2024-03-01", "status": "closed"}
    assert cli(capsys, "ledger", "add-measure", "皖霍检〔2024〕1号", "检察建议", *db,
               "--issued", "2024-02-20")[0] == 0  # fmt: skip
    code, out, _ = cli(capsys, "ledger", "report", *db, "--from", "2024-01", "--to", "2024-04",
                       "--json", "--html", str(tmp_path / "r.html"))  # fmt: skip
    data = json.loads(out)
    library = Ledger(ledger_url).report("2024-01", "2024-04").to_dict()
    assert data == json.loads(json.dumps(library, ensure_ascii=False, default=str))
    assert data["cases"] == 1 and data["loss_recovered_yuan"] == "1234.56"
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count("<img") == 1
    code, out, _ = cli(capsys, "ledger", "promotion", *db, "--min-units", "1", "--json")
    assert json.loads(out)["candidates"][0]["model_id"] == "SS01"
    code, out, _ = cli(capsys, "ledger", "promotion", *db)
    assert out.startswith("0 model(s) applied by 5 or more units")
    book = tmp_path / "l.xlsx"
    assert cli(capsys, "ledger", "export", *db, "--xlsx", str(book), "--no-mask")[0] == 0
    other = tmp_path / "other.db"
    assert cli(capsys, "ledger", "init", "--db", str(other))[0] == 0
    code, out, _ = cli(
        capsys, "ledger", "import", "--db", str(other), "--xlsx", str(book), "--json"
    )
    assert json.loads(out)["cases"] == 1
    code, _, err = cli(capsys, "ledger", "import", "--db", str(other), "--xlsx", str(book))
    assert code == 1 and "already" in err and "nothing was imported" in err


def test_cli_errors_are_plain(capsys, tmp_path):
    db = ("--db", str(tmp_path / "l.db"))
    cli(capsys, "ledger", "init", *db)
    code, _, err = cli(capsys, "ledger", "add-case", "X", *db, "--unit", "霍邱县人民检察院",
                       "--model", "SS01", "--received", "2024-02-03")  # fmt: skip
    assert code == 1 and "model 'SS01' is not registered" in err and "Fix:" in err
    code, _, err = cli(capsys, "ledger", "update-case", "X", *db)
    assert code == 1 and "nothing to change" in err
    assert cli(capsys, "ledger", "template", "--xlsx", str(tmp_path / "t.xlsx"))[0] == 0


def test_demo_fills_a_ledger_and_writes_the_period_report(tmp_path, ss01_run):
    from kit.docs.report import DemoResult
    from kit.ledger import demo
    from kit.models import get

    clues, ev = ss01_run
    results = [DemoResult(get("SS01"), clues, ev)]
    page = demo.build(tmp_path, results)
    assert page == tmp_path / "ledger" / "period_report.html"
    assert sorted(p.name for p in page.parent.iterdir()) == ["ledger.db", "period_report.html"]
    led = Ledger(page.parent / "ledger.db")
    counts = led.counts()
    assert counts["units"] == 20 and counts["cases"] > 10
    report = led.report("2024-01", "2024-04")
    assert report.paragraph("zh") in page.read_text(encoding="utf-8")
    again = demo.build(tmp_path / "again", results)  # seeded: the same ledger twice
    assert Ledger(again.parent / "ledger.db").table("cases").equals(led.table("cases"))
    assert led.promotion_candidates().model_ids == ["SS01"]


def test_read_only_commands_on_a_missing_ledger_create_nothing(capsys, tmp_path, monkeypatch):
    """`kit ledger report` without a ledger names the file and `kit ledger init`, creating none."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KIT_LEDGER_URL", raising=False)
    for argv in (["report", "--from", "2024-01", "--to", "2024-04"], ["promotion"],
                 ["export", "--xlsx", "x.xlsx"]):  # fmt: skip
        code, out, err = cli(capsys, "ledger", *argv)
        assert code == 1 and out == ""
        assert f"{tmp_path / 'ledger.db'} does not exist" in err and "kit ledger init" in err
    assert list(tmp_path.iterdir()) == []
