"""The benchmark scripts on small data: each figure they print is the figure it says.

``benchmarks/en01_passes.py`` times passes at province scale; here it runs once on the committed
sample, and its counts are checked against the same figures computed with pandas, on the sample
and on a copy with a block made quiet in each pollutant in turn, so a pass that silently measured
less work (a dropped filter, a pollutant left out) would fail; ``benchmarks/core_passes.py`` (MI06
and SS04) the same way, with a hospital's beds removed and with shareholders left out.
``benchmarks/run.py`` runs two
rules at county scale (the sample's world, generated as Parquet): clue counts, rows read, the
ratio to the scan floor and the floor's columns are checked, never the seconds themselves.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from pandas.api.typing import DataFrameGroupBy

import kit
from kit.datasets import datasets_root
from kit.engine.duckdb import DuckDBEngine

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "en01_passes.py"
POLLUTANTS = ["cod", "nh3n", "total_cr", "lead", "so2", "nox"]


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture(scope="module")
def lines() -> dict[str, list[str]]:
    proc = run_script("--data", str(datasets_root() / "environment"), "--repeat", "1")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0].startswith("EN01's passes on environment (")
    assert out[1].split() == ["pass", "seconds", "ratio", "counted"]
    return {line.split()[0]: line.split() for line in out[2:]}


def normal_blocks(hours: pd.DataFrame) -> tuple[pd.DataFrame, DataFrameGroupBy]:
    """The normal hours in time order, grouped by outlet and block of 12 hours (the default
    min_constant_hours of 24)."""
    normal = hours[hours["status"] == "N"].sort_values(["outlet_id", "ts"])
    block = ((normal["ts"] - pd.Timestamp("2024-01-01")) // pd.Timedelta(hours=1)) // 12
    return normal, normal.groupby([normal["outlet_id"], block])


def expected(hours: pd.DataFrame) -> dict[str, int]:
    """The passes' counts computed in pandas: blocks, quiet blocks, hours with a repeat."""
    normal, blocks = normal_blocks(hours)
    one_value = blocks[POLLUTANTS].nunique(dropna=True) == 1
    previous = normal.groupby("outlet_id")[POLLUTANTS].shift()
    return {
        "group": blocks.ngroups,
        "quiet": int(one_value.any(axis=1).sum()),
        "order": int((normal[POLLUTANTS] == previous).any(axis=1).sum()),
    }


def test_the_passes_count_what_they_say(lines: dict[str, list[str]]) -> None:
    assert list(lines) == ["floor", "group", "quiet", "order", "EN01"]
    assert lines["floor"][2] == "1.0"  # the floor is the unit of the ratios
    want = expected(kit.datasets.load("environment").frame("monitoring"))
    assert lines["group"][3:] == [f"{want['group']:,}", "blocks"]
    assert lines["quiet"][3:] == [f"{want['quiet']:,}", "quiet", "blocks"]
    assert lines["order"][3:] == [f"{want['order']:,}", "hours", "with", "a", "repeat"]
    clues = kit.run("EN01", "environment")
    assert lines["EN01"][3:] == [f"{len(clues):,}", "clues"]


def script_module(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    """A script of ``benchmarks/`` as a module (the scripts import each other from there)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module(name)


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return script_module(monkeypatch, "en01_passes")


def test_a_block_quiet_in_any_one_pollutant_is_counted(passes: ModuleType) -> None:
    # one block of 12 normal hours per pollutant, none quiet yet, made to hold one value of
    # that pollutant only: the quiet pass must find all six, whichever pollutant it is
    env = kit.datasets.load("environment")
    hours = env.frame("monitoring")
    normal, groups = normal_blocks(hours)
    full = groups.size() == 12
    not_quiet = ~(groups[POLLUTANTS].nunique() == 1).any(axis=1)
    planted, used = hours.copy(), set()
    for pollutant in POLLUTANTS:
        readings = groups[pollutant].count() == 12
        key = next(k for k in full[full & not_quiet & readings].index if k[0] not in used)
        used.add(key[0])
        rows = groups.indices[key]
        index = normal.index[rows]
        planted.loc[index, pollutant] = planted.loc[index[0], pollutant]

    engine = DuckDBEngine()
    before = {p.name: p.count for p in passes.measure(env, engine, repeat=1)}
    after = {
        p.name: p.count for p in passes.measure(env.with_tables(monitoring=planted), engine, 1)
    }
    assert after["quiet"] == before["quiet"] + len(POLLUTANTS)
    assert {k: after[k] for k in ("group", "quiet", "order")} == expected(planted)


def test_a_repeat_below_one_is_refused() -> None:
    proc = run_script("--data", str(datasets_root() / "environment"), "--repeat", "0")
    assert proc.returncode == 2
    assert "--repeat must be at least 1" in proc.stderr


# --- benchmarks/run.py: the suite harness ---------------------------------------------------

RUN = ROOT / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def county_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """``run.py`` at county scale on two environment rules, generating the field it lacks."""
    data = tmp_path_factory.mktemp("bench") / "county"
    out = data.parent / "results.json"
    proc = subprocess.run(
        [sys.executable, str(RUN), "--scale", "county", "--data", str(data),
         "--fields", "environment", "--models", "EN04", "EN07", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8")), proc.stdout


def test_run_py_times_each_model_against_its_scan_floor(county_run: tuple[dict, str]) -> None:
    results, stdout = county_run
    sample = kit.datasets.load("environment")
    assert [m["model"] for m in results["models"]] == ["EN04", "EN07"]
    lines = {line.split()[0]: line.split() for line in stdout.splitlines() if line[:2] == "EN"}
    for row in results["models"]:
        spec = kit.models.get(row["model"])
        # the generated county world is the committed sample, written as Parquet
        assert row["clues"] == len(kit.run(spec, sample))
        assert row["rows_read"] == sum(sample.rows(t) for t in spec.sources)
        assert row["materialised"] == []  # read in place: no table loaded into pandas
        assert row["runs"] == 5 and row["seconds"] <= row["first_s"]  # quick: best of five
        assert row["ratio"] == round(row["seconds"] / row["scan_s"], 2)
        assert 0 <= row["shape_s"] < row["seconds"]
        assert row["peak_mb"] >= results["fields"]["environment"]["idle_mb"] > 0
        assert lines[row["model"]][1] == f"{row['rows_read']:,}"
        assert lines[row["model"]][-1] == f"{row['clues']:,}"
    assert results["fields"]["environment"]["tables"]["monitoring"] == sample.rows("monitoring")


def test_the_scan_floor_reads_exactly_the_columns_the_rule_reads(county_run) -> None:
    results, _ = county_run
    en04 = next(m for m in results["models"] if m["model"] == "EN04")
    # EN04's SQL reads these columns of its two sources (penalties through its CTE eff), and
    # no other: the floor must cost what reading them costs, not the whole tables
    assert en04["scan_columns"] == {
        "penalties": ["decision_date", "fine_amount", "penalty_id", "status", "uscc",
                      "violation_date", "violation_type"],
        "enterprises": ["name", "region_code", "uscc"],
    }  # fmt: skip


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return script_module(monkeypatch, "run")


def test_input_columns_follow_ctes_and_aliases(harness: ModuleType) -> None:
    sample = kit.datasets.load("social_security")
    sql = """
        WITH dead AS (SELECT id_number AS person, death_date FROM deaths WHERE source = 'health')
        SELECT d.person, p.name, d.death_date FROM dead AS d JOIN persons AS p
          ON p.id_number = d.person
    """
    assert harness.input_columns(sql, sample, ["deaths", "persons", "custody"]) == {
        "deaths": ["death_date", "id_number", "source"],
        "persons": ["id_number", "name"],
        "custody": [],
    }


# --- benchmarks/core_passes.py: the work MI06 and SS04 cannot avoid -------------------------

CORE = ROOT / "benchmarks" / "core_passes.py"


def core_lines(model: str, field: str) -> dict[str, list[str]]:
    proc = subprocess.run(
        [sys.executable, str(CORE), "--model", model, "--data", str(datasets_root() / field),
         "--repeat", "1"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] == f"{model}'s core passes on {field}"
    assert out[1].split() == ["pass", "seconds", "ratio", "counted"]
    return {line.split()[0]: line.split() for line in out[2:]}


def hospital_months(census: pd.DataFrame) -> int:
    return census.groupby([census["institution_id"], census["date"].dt.to_period("M")]).ngroups


def members_in_registers(ss: kit.datasets.Dataset, shareholders: bool = True) -> int:
    """Register rows naming a roster member, counted in pandas with SS04's default filters."""
    members = set(ss.frame("allowance_members")["id_number"])
    cars = ss.frame("vehicles").query("vehicle_type == 'car' and purchase_price >= 50000")
    named = [
        cars["owner_id_number"],
        ss.frame("companies")["legal_rep_id_number"],
        ss.frame("public_employees")["id_number"],
        ss.frame("deaths")["id_number"],
    ]
    if shareholders:
        named.append(ss.frame("company_shareholders")["shareholder_id_number"])
    counts = [int(column.isin(members).sum()) for column in named]
    assert min(counts) > 0  # each register adds rows, so leaving one out changes the total
    return sum(counts)


def test_mi06_core_passes_count_what_they_say() -> None:
    lines = core_lines("MI06", "medical_insurance")
    assert list(lines) == ["floor", "months", "beds", "query", "MI06"]
    assert lines["floor"][2] == "1.0"
    months = hospital_months(kit.datasets.load("medical_insurance").frame("inpatient_census"))
    assert lines["months"][3:] == [f"{months:,}", "hospital-months"]
    assert lines["beds"][3:] == [f"{months:,}", "hospital-months", "with", "beds"]
    clues = kit.run("MI06", "medical_insurance")
    assert lines["query"][3:] == [f"{len(clues):,}", "rows"]
    assert lines["MI06"][3:] == [f"{len(clues):,}", "clues"]


def test_ss04_core_passes_count_what_they_say() -> None:
    lines = core_lines("SS04", "social_security")
    assert list(lines) == ["floor", "roster", "query", "SS04"]
    ss = kit.datasets.load("social_security")
    want = members_in_registers(ss)
    assert lines["roster"][3:] == [f"{want:,}", "register", "rows", "naming", "a", "member"]
    clues = kit.run("SS04", "social_security", params={"use_linkage": False})
    assert lines["SS04"][3:] == [f"{len(clues):,}", "clues"]


@pytest.fixture
def core(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return script_module(monkeypatch, "core_passes")


def test_the_beds_pass_joins_each_day_to_the_agreement_beds(core: ModuleType) -> None:
    # a hospital without agreement beds drops out of the beds pass, not out of the months pass
    mi = kit.datasets.load("medical_insurance")
    census, institutions = mi.frame("inpatient_census"), mi.frame("institutions").copy()
    busiest = census["institution_id"].value_counts().index[0]
    institutions.loc[institutions["institution_id"] == busiest, "registered_beds"] = None
    counted = {
        p.name: p.count
        for p in core.measure("MI06", mi.with_tables(institutions=institutions), DuckDBEngine(), 1)
    }
    everyone = hospital_months(census)
    theirs = hospital_months(census[census["institution_id"] == busiest])
    assert theirs > 0
    assert counted["months"] == everyone
    assert counted["beds"] == everyone - theirs


def test_the_roster_pass_follows_the_rules_parameters(core: ModuleType) -> None:
    ss = kit.datasets.load("social_security")
    spec = kit.models.get("SS04")
    sql = core.core_sql("SS04", spec.resolve_params({"include_shareholders": False}))["roster"]
    frame = DuckDBEngine().query(sql, ss, list(spec.sources))
    assert int(frame["n"].iloc[0]) == members_in_registers(ss, shareholders=False)


def test_a_rule_without_core_passes_is_refused(core: ModuleType) -> None:
    with pytest.raises(ValueError, match="no core passes for 'EN01': choose one of MI06, SS04"):
        core.core_sql("EN01", {})
    proc = subprocess.run(
        [sys.executable, str(CORE), "--model", "EN01", "--data", "datasets/environment"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "invalid choice: 'EN01'" in proc.stderr
