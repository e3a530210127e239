"""Several processes writing to one ledger at once lose nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing as mp

import pytest

import kit
from kit.ledger import Ledger

pytest_plugins = ["tests.ledger_conftest"]
PROCESSES = 4
CASES_EACH = 25


def run_together(target, url: str, processes: int) -> None:
    """Start ``processes`` writers at once (a barrier) and assert that none of them failed."""
    # fork starts writers in milliseconds (spawn re-imports the kit in each, seconds on a busy box)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    barrier, errors = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=target, args=(url, w, barrier, errors)) for w in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    messages = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
    assert messages == [] and all(p.exitcode == 0 for p in procs), messages


def write_cases(url: str, worker: int, barrier, errors) -> None:
    """One writer process: waits for the others, then records its cases one transaction each."""
    try:
        ledger = Ledger(url, actor=f"writer-{worker}")
        barrier.wait(timeout=60)
        unit = f"示例{worker}县人民检察院"
        ledger.record_application("SS01", unit=unit, screened=CASES_EACH, cases_formed=CASES_EACH,
                                  date="2024-03-01")  # fmt: skip
        for i in range(CASES_EACH):
            ledger.record_case(f"P{worker}-{i:03d}", unit=unit, model_id="SS01",
                               received="2024-03-02", filed="2024-03-05", loss_recovered="0.01")  # fmt: skip
            if i % 5 == 0:
                ledger.add_measure(f"P{worker}-{i:03d}", "recommendation", issued="2024-03-06")
        ledger.close()
    except BaseException as exc:  # reported to the parent, which fails the test
        errors.put(f"writer {worker}: {exc!r}")
        raise


def test_concurrent_writers_lose_nothing(ledger, ledger_url):
    ledger.register_model(kit.models.get("SS01"), unit="六安市人民检察院")
    ledger.engine.dispose()  # children open their own connections; none are inherited in use
    run_together(write_cases, ledger_url, PROCESSES)
    counts = ledger.counts()
    total = PROCESSES * CASES_EACH
    assert counts["cases"] == total
    assert counts["case_measures"] == PROCESSES * len(range(0, CASES_EACH, 5))
    assert counts["model_applications"] == PROCESSES
    report = ledger.report("2024-03", "2024-03")
    assert report.figures["cases"] == total and report.figures["loss_recovered_fen"] == total
    events = ledger.table("events")
    assert events["actor"].str.startswith("writer-").sum() == total + counts["case_measures"] + (
        PROCESSES * 2  # each writer's application and its new unit
    )
    assert ledger.promotion_candidates(PROCESSES).model_ids == ["SS01"]


@pytest.mark.parametrize("n", [2])
def test_two_writers_on_the_same_case_number_one_wins(ledger, ledger_url, n):
    """A duplicate from another process is refused cleanly, not half-written."""
    ledger.register_model(kit.models.get("SS01"), unit="六安市人民检察院")
    other = Ledger(ledger_url, actor="other")
    other.record_case("DUP-1", unit="霍邱县人民检察院", model_id="SS01", received="2024-03-02")
    with pytest.raises(kit.errors.LedgerError, match="already in the case ledger"):
        ledger.record_case("DUP-1", unit="霍邱县人民检察院", model_id="SS01", received="2024-03-02")
    assert ledger.counts()["cases"] == 1
    other.close()


SAME_PROCESSES = 6
NEW_UNITS = [f"示例{i}区人民检察院" for i in range(3)]


def name_the_same_new_units(url: str, worker: int, barrier, errors) -> None:
    """One writer process: registers the same new model (built by a new unit) as the others,
    then records applications of it by the same new units, all at the same moment."""
    try:
        ledger = Ledger(url, actor=f"same-{worker}")
        ledger.counts()  # connected before the start, so the writers collide
        barrier.wait(timeout=60)
        spec = kit.models.get("SS01").derive(id="SS9X")
        ledger.register_model(spec, unit="舒城县人民检察院", builders=["王芳"])
        for unit in NEW_UNITS:
            ledger.record_application("SS9X", unit=unit, screened=3, cases_formed=1,
                                      date="2024-03-01", run_id=f"run-{worker}")  # fmt: skip
        ledger.close()
    except BaseException as exc:  # reported to the parent, which fails the test
        errors.put(f"writer {worker}: {exc!r}")
        raise


def test_concurrent_writers_naming_the_same_new_unit_and_model(ledger, ledger_url):
    """Get-or-create of units and models is race-safe: nobody fails, nothing is doubled."""
    ledger.engine.dispose()
    run_together(name_the_same_new_units, ledger_url, SAME_PROCESSES)
    counts = ledger.counts()
    assert counts["units"] == 1 + len(NEW_UNITS)
    assert (counts["models"], counts["model_versions"], counts["model_status_history"]) == (1, 1, 1)
    assert counts["model_applications"] == SAME_PROCESSES * len(NEW_UNITS)
    units = ledger.table("units").set_index("name")["id"]
    per_unit = ledger.table("model_applications")["unit_id"].value_counts().to_dict()
    assert per_unit == {units[u]: SAME_PROCESSES for u in NEW_UNITS}
    actions = ledger.table("events")["action"].value_counts().to_dict()
    assert actions == {"add unit": 1 + len(NEW_UNITS), "register model": 1, "register version": 1,
                       "record application": SAME_PROCESSES * len(NEW_UNITS)}  # fmt: skip
