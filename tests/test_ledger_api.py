"""The ledger's schema, migrations, integrity rules and audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import kit
from kit.errors import LedgerError
from kit.ledger import Ledger
from kit.ledger import db as ledger_db
from kit.ledger.schema import metadata

pytest_plugins = ["tests.ledger_conftest"]
LU_AN, HUOQIU = "六安市人民检察院", "霍邱县人民检察院"  # as in tests/ledger_conftest.py
NOW = dt.datetime(2024, 5, 11, 9, 30)  # the test ledgers' clock


def test_init_is_idempotent_and_matches_the_schema_module(ledger):
    assert ledger.revision() == "0001"
    ledger.init()  # again: nothing to do
    assert ledger.counts()["events"] == 0
    with ledger.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_uninitialised_ledger_says_what_to_do(tmp_path):
    (tmp_path / "empty.db").touch()
    with pytest.raises(LedgerError, match=r"has no ledger tables.*kit ledger init"):
        Ledger(tmp_path / "empty.db").table("cases")


def test_missing_ledger_file_is_named_and_not_created(tmp_path):
    """Reading (or writing to) a ledger that does not exist creates no empty ledger.db."""
    led = Ledger(tmp_path / "new.db")
    assert led.revision() is None
    for ask in (lambda: led.table("cases"), lambda: led.report("2024-01", "2024-04"),
                lambda: led.add_unit("六安市人民检察院")):  # fmt: skip
        with pytest.raises(LedgerError, match=r"new\.db does not exist.*`kit ledger init`"):
            ask()
    assert list(tmp_path.iterdir()) == []


def test_sqlite_runs_wal_with_foreign_keys(tmp_path):
    led = Ledger(tmp_path / "l.db").init()
    with led.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == ledger_db.BUSY_TIMEOUT_MS


def test_url_resolution_and_postgres_hint(monkeypatch, tmp_path):
    monkeypatch.setenv(ledger_db.ENV_URL, "postgres://kit@host:5/db")
    assert ledger_db.resolve_url() == "postgresql+psycopg://kit@host:5/db"
    monkeypatch.delenv(ledger_db.ENV_URL)
    monkeypatch.chdir(tmp_path)
    assert ledger_db.resolve_url() == f"sqlite:///{tmp_path / 'ledger.db'}"
    monkeypatch.setattr(ledger_db.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(LedgerError, match=r"pip install 'supervision-kit\[postgres\]'"):
        ledger_db.make_engine("postgresql://kit@127.0.0.1/x")
    with pytest.raises(LedgerError, match="not supported"):
        ledger_db.make_engine("mysql://x@y/z")


def test_events_are_append_only_in_the_database(applied):
    ledger, _, _ = applied
    for sql in ("UPDATE events SET actor = 'someone else'", "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="append-only"), ledger.engine.begin() as conn:
            conn.execute(text(sql))
    events = ledger.table("events")
    assert set(events["actor"]) == {"tester"} and set(events["at"]) == {NOW}


def test_register_model_is_idempotent_and_refuses_a_changed_rule(ledger):
    spec = kit.models.get("SS01")
    first = ledger.register_model(spec, unit=LU_AN, builders="王芳、李强")
    again = ledger.register_model(spec, unit=LU_AN)
    assert first["created"] and not again["created"]
    models = ledger.table("models")
    assert models.loc[0, ["builders", "field", "status"]].tolist() == [
        "王芳; 李强", "social_security", "in_development"
    ]  # fmt: skip
    changed = spec.derive(sql=spec.sql + "\n-- tightened")
    with pytest.raises(
        LedgerError, match=r"version 1 is registered with spec hash .* raise `version`"
    ):
        ledger.register_model(changed, unit=LU_AN)
    v2 = ledger.register_model(spec.derive(version=2, sql=spec.sql + "\n-- v2"), unit=LU_AN)
    assert v2["version"] == 2 and len(ledger.table("model_versions")) == 2
    units = ledger.table("units").set_index("name")
    assert units.loc[LU_AN, "level"] == "city"


def test_status_history(ledger):
    ledger.register_model(kit.models.get("SS01"), unit=LU_AN)
    assert ledger.set_status("SS01", "本院应用")
    assert ledger.set_status("SS01", "provincial", note="省院平台上架")
    assert not ledger.set_status("SS01", "provincial")  # unchanged: nothing recorded
    hist = ledger.table("model_status_history")
    assert hist["status"].tolist() == ["in_development", "own_unit", "provincial"]
    assert ledger.table("models").loc[0, "status"] == "provincial"
    last = ledger.table("events").iloc[-1]
    assert last["action"] == "set status"
    assert json.loads(last["before"]) == {"status": "own_unit"}
    assert json.loads(last["after"])["status"] == "provincial"
    with pytest.raises(
        LedgerError, match=r"'shelved' is not allowed. Fix: use one of in_development"
    ):
        ledger.set_status("SS01", "shelved")


def test_application_from_a_run_keeps_its_clue_ids(applied, ss01_run):
    ledger, app, clue_ids = applied
    clues, _ = ss01_run
    row = ledger.table("model_applications").iloc[0]
    assert row["run_id"] == clues.run_id and row["clues_screened"] == len(clues)
    assert str(row["window_start"]) == str(clues.frame["period_start"].min().date())
    assert ledger.table("application_clues")["clue_id"].tolist() == sorted(clue_ids)
    with pytest.raises(LedgerError, match="already recorded for this unit"):
        ledger.record_application("SS01", unit=HUOQIU, clues=clues, date="2024-03-01")
    with pytest.raises(LedgerError, match="verified clues is more than"):
        ledger.record_application("SS01", unit=LU_AN, screened=3, verified=4, date="2024-03-01")
    assert len(ledger.table("model_applications")) == 1


def test_case_integrity(applied):
    ledger, app, clue_ids = applied
    ok = dict(unit=HUOQIU, model_id="SS01", received="2024-02-05")
    n = ledger.record_case("C-1", clue_id=clue_ids[0], filed="2024-02-10", **ok)
    case = ledger.table("cases").iloc[0]
    assert n == case["id"] and case["application_id"] == app
    assert (case["category"], case["status"]) == ("social_security_medical", "filed")
    bad = [
        ({"clue_id": "SS01-000000000000"}, "is not among the clues of any recorded application"),
        ({"model_id": "XX99"}, "model 'XX99' is not registered"),
        ({"filed": "2024-02-01"}, "is before the clue was received"),
        ({"filed": "2024-02-10", "closed": "2024-02-09"}, "is before the case was filed"),
        ({"closed": "2024-03-01"}, "is empty but the case is closed"),
        ({"loss_recovered": "-5"}, "is negative"),
        ({"loss_recovered": "1.234"}, "more than two decimals"),
        ({"status": "closed", "filed": "2024-02-10"}, "does not match the dates"),
        ({"received": "2024-13-01"}, "'2024-13-01' is not a date"),
        ({"category": "traffic"}, "'traffic' is not allowed"),
    ]
    for i, (change, message) in enumerate(bad):
        with pytest.raises(LedgerError, match=message):
            ledger.record_case(f"C-bad-{i}", **{**ok, **change})
    with pytest.raises(LedgerError, match="already in the case ledger"):
        ledger.record_case("C-1", **ok)
    assert len(ledger.table("cases")) == 1


def test_update_case_and_measures_leave_events(applied):
    ledger, _, clue_ids = applied
    ledger.record_case("C-1", unit=HUOQIU, model_id="SS01", clue_id=clue_ids[1],
                       received="2024-02-05")  # fmt: skip
    changed = ledger.update_case("C-1", filed_on="2024-02-20", loss_recovered="12,345.67")
    assert changed["status"] == "filed" and changed["loss_recovered_fen"] == 1234567
    ledger.update_case("C-1", closed_on="2024-04-01")
    ledger.add_measure("C-1", "检察建议", issued="2024-02-25", adopted="2024-03-20")
    with pytest.raises(LedgerError, match="is before the case's clue was received"):
        ledger.add_measure("C-1", "protest", issued="2024-01-01")
    with pytest.raises(LedgerError, match="cannot be changed"):
        ledger.update_case("C-1", unit_id=3)
    events = ledger.table("events")
    upd = events[events["action"] == "update case"]
    assert json.loads(upd.iloc[0]["before"]) == {
        "filed_on": None, "loss_recovered_fen": 0, "status": "received"
    }  # fmt: skip
    assert json.loads(upd.iloc[1]["after"]) == {"closed_on": "2024-04-01", "status": "closed"}
    assert ledger.table("case_measures").loc[0, "kind"] == "recommendation"


def test_a_batch_with_one_bad_case_writes_nothing(applied):
    ledger, _, _ = applied
    before = ledger.counts()
    good = {"unit": HUOQIU, "model_id": "SS01", "received": "2024-02-05"}
    with pytest.raises(LedgerError, match=r"record 3 \(C-3\) filed_on"):
        ledger.record_cases([{**good, "case_number": f"C-{i}"} for i in (1, 2)]
                            + [{**good, "case_number": "C-3", "filed": "2024-01-01"}])  # fmt: skip
    assert ledger.counts() == before


class FakeClues:
    """Just what ``record_application`` reads from a run's clues."""

    def __init__(self, model_id: str, ids: list[str], run_id: str = "run-x") -> None:
        import pandas as pd

        self.info, self.run_id = {"model_id": model_id, "version": 1}, run_id
        self.frame = pd.DataFrame({"clue_id": ids, "period_start": [None] * len(ids),
                                   "period_end": [None] * len(ids)})  # fmt: skip


def test_lengths_are_checked_the_same_on_both_databases(ledger, ledger_url, tmp_path):
    """Clue ids over 64 and actors over 100 characters are refused with one message everywhere."""
    ledger.register_model({"model_id": "M1", "field": "social_security"}, unit=LU_AN)
    with pytest.raises(LedgerError) as info:
        ledger.record_application("M1", unit=HUOQIU, clues=FakeClues("M1", ["X" * 80]),
                                  date="2024-02-01")  # fmt: skip
    assert str(info.value) == (
        "Application of M1 by 霍邱县人民检察院, clue_id: 'XXXXXXXXXXXXXXXXXXXX...' is 80 "
        "characters long, more than the 64 allowed. Fix: shorten it to 64 characters or fewer. "
        "Nothing was written."
    )
    ledger.record_application("M1", unit=HUOQIU, clues=FakeClues("M1", ["X" * 64]),
                              date="2024-02-01")  # fmt: skip
    with pytest.raises(LedgerError, match=r"clue_id: 'YYYY.*' is 65 characters long"):
        ledger.record_case(
            "C1", unit=HUOQIU, model_id="M1", clue_id="Y" * 65, received="2024-02-02"
        )
    with pytest.raises(LedgerError, match=r"actor 'aaaa.*' is 101 characters long, more than the "
                       r"100 allowed for 操作人.*Fix"):  # fmt: skip
        Ledger(ledger_url, actor="a" * 101)
    path = ledger.export_xlsx(tmp_path / "a.xlsx", masked=False)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["状态记录"]["D2"] = "b" * 101
    wb.save(path)
    other = Ledger(tmp_path / "other.db").init()
    with pytest.raises(LedgerError, match=r"sheet 状态记录 row 1 \(line 2\), column 操作人: "
                       r"'bbbb.*' is 101 characters long"):  # fmt: skip
        other.import_xlsx(path)
    assert ledger.counts()["model_applications"] == 1


def test_a_case_cannot_predate_the_application_of_its_clue(ledger):
    ledger.register_model({"model_id": "M1", "field": "social_security"}, unit=LU_AN)
    ledger.record_application("M1", unit=HUOQIU, clues=FakeClues("M1", ["K1"]), date="2024-02-01")
    with pytest.raises(LedgerError, match=r"received_on: 2022-01-01 is before 2024-02-01, when "
                       r"application 1 produced clue 'K1'\. Fix: give the date"):  # fmt: skip
        ledger.record_case("C1", unit=HUOQIU, model_id="M1", clue_id="K1", received="2022-01-01",
                           filed="2022-01-02")  # fmt: skip
    assert ledger.record_case("C1", unit=HUOQIU, model_id="M1", clue_id="K1",
                              received="2024-02-01") == 1  # fmt: skip
