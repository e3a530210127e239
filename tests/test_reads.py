"""``kit.engine.reads.table_reads``: how many times a query's plan reads each table.

The lesson "read a big table once" (``docs/scale.md``) is checked here without a clock: each
library rule's reads of each of its tables, counted from DuckDB's profile on the sample data,
must be the number written below, with the reason for every table read more than once. A change
that makes a rule read a table again fails until the number and its reason are written down.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import kit
from kit.datasets.generators import write
from kit.engine.reads import READ_COLUMNS, table_reads
from kit.errors import EngineError, SpecError
from kit.models import list_models

# Tables a library rule reads more than once (every other source is read exactly once).
REREADS = {
    # the companies with a member as legal representative, and every company's closing date
    "SS04": {"companies": 2},
    # settlements and, apart, the refunds that net them (is_refund, refund_of: a narrow read)
    "MI01": {"settlements": 2},
    "MI07": {"settlements": 2},
    "MI08": {"settlements": 2, "institutions": 2},
    "MI09": {"settlements": 2},
    "MI10": {"settlements": 2, "institutions": 3},
    # the inpatient bills with their refunds (four columns), and the stays' own columns
    "MI05": {"settlements": 2},
    # institutions (MI08, MI10 too): a small reference table joined in two or three steps
    "MI03": {"institutions": 2},
    "MI06": {"institutions": 2},
    # the hours are read per sign, each read filtered (normal hours twice: the quiet blocks, then
    # the examined hours; faults; normal and fault hours against the permits; zero flow), and the
    # maintenance notices are joined to every read (hours is NOT MATERIALIZED: a province's
    # hours do not fit in memory)
    "EN01": {"monitoring": 5, "maintenance_notices": 5},
    # the orders and instalments build the schedule, then the orders give the clue's columns
    "EN05": {"restoration_orders": 2, "restoration_instalments": 2},
}

TWICE = """
    WITH a AS (SELECT id_number FROM deaths WHERE source = 'health'),
         b AS (SELECT id_number FROM deaths WHERE source = 'civil_affairs')
    SELECT count(*) AS n FROM a JOIN b USING (id_number)
"""
HELD = """
    WITH d AS MATERIALIZED (SELECT id_number, source FROM deaths),
         a AS (SELECT id_number FROM d WHERE source = 'health'),
         b AS (SELECT id_number FROM d WHERE source = 'civil_affairs')
    SELECT count(*) AS n FROM a JOIN b USING (id_number)
"""


@pytest.fixture(scope="module")
def ss() -> kit.datasets.Dataset:
    return kit.datasets.load("social_security")


@pytest.fixture(scope="module")
def ss_parquet(tmp_path_factory: pytest.TempPathFactory) -> kit.datasets.Dataset:
    out = tmp_path_factory.mktemp("reads") / "social_security"
    write("social_security", out, scale="county", fmt="parquet")
    return kit.datasets.load(out)


def test_a_table_joined_in_two_steps_is_read_twice_and_once_when_held(ss) -> None:
    deaths = ss.tables["deaths"]
    twice = table_reads(TWICE, ss, ["deaths", "persons"])
    assert list(twice.columns) == list(READ_COLUMNS)
    assert twice.to_dict("records") == [
        # each read passes on only its own source's rows (the filter is pushed into the scan)
        {"table": "deaths", "rows": 401, "reads": 2,
         "rows_passed": int(deaths.source.isin(["health", "civil_affairs"]).sum())},
        {"table": "persons", "rows": ss.rows("persons"), "reads": 0, "rows_passed": 0},
    ]  # fmt: skip
    held = table_reads(HELD, ss, ["deaths"])
    assert held.loc[0, "reads"] == 1
    assert held.loc[0, "rows_passed"] == len(deaths)


def test_parquet_tables_are_read_in_place_and_counted_alike(ss, ss_parquet) -> None:
    spec = kit.models.get("SS04")
    sql = spec.render_sql(spec.resolve_params({"use_linkage": False}))
    on_parquet = table_reads(sql, ss_parquet, spec.sources)
    # the same plan's reads (rows passed differ: Parquet scans also skip row groups by the
    # join keys found so far)
    same = ["table", "rows", "reads"]
    assert on_parquet[same].equals(table_reads(sql, ss, spec.sources)[same])
    assert on_parquet.set_index("table")["reads"].to_dict() == {
        t: REREADS["SS04"].get(t, 1) for t in spec.sources
    }
    assert not any(ss_parquet.tables.is_loaded(t) for t in spec.sources)


def test_only_duckdb_counts_reads(ss) -> None:
    class Other:
        name = "other"

        def query(self, sql, dataset, tables) -> pd.DataFrame:  # pragma: no cover
            raise AssertionError("not called")

    with pytest.raises(EngineError, match="DuckDB's profiler.*Fix: count them with engine=None"):
        table_reads(TWICE, ss, ["deaths"], engine=Other())  # type: ignore[arg-type]


def test_a_query_answered_without_a_profile_is_refused(ss) -> None:
    # DuckDB answers a bare count(*) of a table it holds from the table's metadata
    with pytest.raises(EngineError, match="no profile for this query.*Fix: count a query"):
        table_reads("SELECT count(*) FROM deaths", ss, ["deaths"])


def test_a_failing_query_names_duckdb(ss) -> None:
    with pytest.raises(EngineError, match="DuckDB could not run the query.*no_such_column"):
        table_reads("SELECT no_such_column FROM deaths", ss, ["deaths"])


@pytest.mark.parametrize("spec", list_models(), ids=lambda s: s.id)
def test_library_rules_read_each_table_as_often_as_written(spec) -> None:
    # linkage off: it replaces a table by its linked copy, which the rule reads the same way
    params = {"use_linkage": False} if "use_linkage" in spec.params else {}
    sql = spec.render_sql(spec.resolve_params(params))
    reads = table_reads(sql, kit.datasets.load(spec.dataset), spec.sources)
    got = reads.set_index("table")["reads"].to_dict()
    # a declared source the rule never reads would stand in its model ledger entry (数据来源)
    # and specification as data it uses
    assert min(got.values()) >= 1, f"{spec.id} declares sources it never reads: {got}"
    assert got == {t: REREADS.get(spec.id, {}).get(t, 1) for t in spec.sources}


def test_every_reread_is_of_a_library_rule_source() -> None:
    specs = {s.id: s for s in list_models()}
    for model, tables in REREADS.items():
        assert set(tables) <= set(specs[model].sources), model
        assert min(tables.values()) >= 2, model


def test_kit_models_reads_prints_each_table_and_flags_rereads(capsys) -> None:
    from kit.cli import main

    assert main(["models", "reads", "SS04", "--param", "use_linkage=false"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "SS04 v3: reads of each source table (表读取次数), DuckDB's plan"
    rows = {line.split()[0]: line.split() for line in out[2:]}
    assert list(rows) == list(kit.models.get("SS04").sources)
    assert rows["companies"][1:3] == ["260", "2"]
    assert int(rows["companies"][3].replace(",", "")) <= 2 * 260  # rows the two reads passed on
    assert out[2 + list(rows).index("companies")].endswith("<- read more than once")
    assert sum("<-" in line for line in out) == 1
    assert main(["models", "reads", "EN04", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model_id"] == "EN04"
    assert [(t["table"], t["reads"]) for t in data["tables"]] == [
        ("penalties", 1),
        ("enterprises", 1),
    ]


def test_reads_refuses_a_dataset_without_the_models_tables() -> None:
    with pytest.raises(SpecError, match="SS04 reads table.*Fix: use a dataset with them"):
        kit.models.reads("SS04", "environment")


def test_a_declared_source_the_rule_never_reads_is_flagged(tmp_path, capsys) -> None:
    from kit.cli import main

    text = kit.models.get("SS05").path.read_text(encoding="utf-8")
    old = "sources: [unemployment_payments, contributions, persons]"
    assert old in text
    yaml_file = tmp_path / "SS05.yaml"
    yaml_file.write_text(text.replace(old, old[:-1] + ", deaths]"), encoding="utf-8")
    assert main(["models", "reads", str(yaml_file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].split()[:4] == ["deaths", "401", "0", "0"]
    assert out[-1].endswith("<- not read: is it a source?")
