"""Tests of the social security sample generator and of the committed dataset."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from stdnum.cn import ric
from stdnum.numdb import get as numdb_get

from kit.datasets import social_security as ss

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "datasets" / "social_security"
TABLES = ["persons", "deaths", "pension_recipients", "pension_payments", "pension_recoveries"]
MAX_BYTES = 4.5e6
#: Planted counts for 10,000 persons (contract: about 30, 25, 15, 12 and 8).
BALLPARK = {
    "payments_continued_after_death": (25, 35),
    "overpayment_recovered": (20, 30),
    "notification_lag_within_grace": (10, 20),
    "wrong_death_date_in_one_source": (8, 16),
    "death_recorded_for_living_person": (5, 11),
}


@pytest.fixture(scope="module")
def meta() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return ss.generate()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory, meta: dict) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("social_security")
    began = time.perf_counter()
    ss.write(out, seed=meta["kit:seed"], n_persons=meta["kit:n_persons"])
    return out, time.perf_counter() - began


def _committed_files() -> list[Path]:
    files = sorted(DATA.glob("*.csv")) + sorted((DATA / "truth").glob("*.csv"))
    return files + [DATA / "datapackage.json", DATA / "truth" / "datapackage.json"]


# (a) reproducibility -------------------------------------------------------------------------


def test_committed_seed_is_the_default(meta: dict) -> None:
    assert meta["kit:seed"] == ss.DEFAULT_SEED
    assert meta["kit:n_persons"] == 10_000


def test_regeneration_is_byte_identical(regenerated: tuple[Path, float]) -> None:
    out, _ = regenerated
    files = _committed_files()
    assert len(files) == len(TABLES) + 1 + 2  # CSVs, truth.csv, two descriptors
    for path in files:
        rel = path.relative_to(DATA)
        assert (out / rel).read_bytes() == path.read_bytes(), f"{rel} differs from a regeneration"
    written = {p.relative_to(out) for p in out.rglob("*") if p.is_file()}
    assert written == {p.relative_to(DATA) for p in files}


def test_generation_is_fast(regenerated: tuple[Path, float]) -> None:
    assert regenerated[1] < 10.0


def test_generate_matches_the_files(tables: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        on_disk = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(on_disk.columns) == list(tables[name].columns)
        assert len(on_disk) == len(tables[name])


# (b) another seed ----------------------------------------------------------------------------


def test_another_seed_gives_other_data(tables: dict[str, pd.DataFrame]) -> None:
    other = ss.generate(seed=ss.DEFAULT_SEED + 1)
    for name in ("persons", "pension_payments", "truth"):
        assert not other[name].equals(tables[name])
    shared = set(other["persons"]["id_number"]) & set(tables["persons"]["id_number"])
    assert len(shared) < 50


def test_small_populations_work() -> None:
    small = ss.generate(seed=3, n_persons=1_000)
    assert len(small["persons"]) == 1_000
    assert small["truth"]["is_case"].sum() >= 1


# (c) realism ---------------------------------------------------------------------------------


def test_files_are_small() -> None:
    for path in _committed_files():
        assert path.stat().st_size < MAX_BYTES, path.name


def test_pension_amounts(tables: dict[str, pd.DataFrame]) -> None:
    mean = tables["pension_recipients"].groupby("scheme")["monthly_amount"].mean()
    assert 2_500 <= mean["employee"] <= 3_500
    assert 120 <= mean["resident"] <= 300
    assert mean["institution"] > mean["employee"]
    amounts = tables["pension_recipients"]["monthly_amount"]
    assert amounts.between(100, 12_000).all()


def test_money_has_two_decimals() -> None:
    text = (DATA / "pension_payments.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert all(re.fullmatch(r"-?\d+\.\d\d", line.rsplit(",", 1)[1]) for line in text)


def test_age_structure(tables: dict[str, pd.DataFrame]) -> None:
    birth = tables["persons"]["birth_date"]
    ref = pd.Timestamp("2024-01-01")
    had_birthday = (birth.dt.month < ref.month) | (
        (birth.dt.month == ref.month) & (birth.dt.day <= ref.day)
    )
    age = ref.year - birth.dt.year - (~had_birthday).astype(int)
    assert 0.15 <= (age >= 60).mean() <= 0.25
    assert (age < 15).mean() > 0.10
    assert age.max() <= 105


def test_id_numbers_are_valid_and_unique(tables: dict[str, pd.DataFrame]) -> None:
    numbers = tables["persons"]["id_number"]
    assert numbers.is_unique
    assert numbers.str.fullmatch(r"\d{17}[\dX]").all()
    assert all(ric.calc_check_digit(n) == n[-1] for n in numbers)
    assert all(ric.get_birth_date(n) for n in numbers)
    regions = numdb_get("cn/loc")
    for code in numbers.str[:6].unique():
        info = {k: v for _, props in regions.info(code) for k, v in props.items()}
        assert "county" in info, code
    born = tables["persons"]["birth_date"].dt.strftime("%Y%m%d")
    assert (numbers.str[6:14] == born).all()
    odd = numbers.str[16].astype(int) % 2 == 1
    assert (odd == (tables["persons"]["sex"] == "M")).all()
    # master tables refer to persons
    known = set(numbers)
    for name in ("pension_recipients", "pension_payments", "pension_recoveries"):
        assert set(tables[name]["id_number"]) <= known


def test_primary_keys_sorted_and_unique(tables: dict[str, pd.DataFrame], meta: dict) -> None:
    for res in meta["resources"]:
        key = tables[res["name"]][res["schema"]["primaryKey"]]
        assert key.is_unique and key.is_monotonic_increasing, res["name"]


def _death_dates(truth: pd.DataFrame) -> pd.Series:
    """True death date of each subject, read from the note ('Died YYYY-MM-DD; ...')."""
    found = truth["note"].str.extract(r"^Died (\d{4}-\d{2}-\d{2})")[0]
    return pd.to_datetime(found).set_axis(truth["subject_id"])


def test_cases_are_findable_after_a_60_day_grace(tables: dict[str, pd.DataFrame]) -> None:
    truth, pay = tables["truth"], tables["pension_payments"]
    died = _death_dates(truth)
    cases = truth[truth["is_case"]]
    assert (died[cases["subject_id"]] <= pd.Timestamp("2024-08-31")).all()
    for sid in cases["subject_id"]:
        mine = pay[(pay["id_number"] == sid) & (pay["payment_type"] == "monthly")]
        after = mine[
            (mine["period"] > died[sid].strftime("%Y-%m"))
            & (mine["pay_date"] > died[sid] + pd.Timedelta(days=60))
        ]
        assert len(after) >= 3, sid


def test_amount_improper_matches_payments(tables: dict[str, pd.DataFrame]) -> None:
    truth, pay, rec = tables["truth"], tables["pension_payments"], tables["pension_recoveries"]
    died = _death_dates(truth)
    recovered = rec.groupby("id_number")["amount"].sum()
    for row in truth.itertuples():
        if not row.is_case:
            assert row.amount_improper == 0
            continue
        mine = pay[(pay["id_number"] == row.subject_id) & (pay["payment_type"] != "death_benefit")]
        paid = mine.loc[mine["period"] > died[row.subject_id].strftime("%Y-%m"), "amount"].sum()
        expected = round(paid - recovered.get(row.subject_id, 0.0), 2)
        assert row.amount_improper == pytest.approx(expected, abs=0.005)
        assert row.amount_improper > 0


def test_recovered_traps_are_fully_recovered(tables: dict[str, pd.DataFrame]) -> None:
    truth, pay, rec = tables["truth"], tables["pension_payments"], tables["pension_recoveries"]
    died = _death_dates(truth)
    recovered = rec.groupby("id_number")["amount"].sum()
    for sid in truth.loc[truth["reason"] == "overpayment_recovered", "subject_id"]:
        mine = pay[(pay["id_number"] == sid) & (pay["payment_type"] != "death_benefit")]
        paid = mine.loc[mine["period"] > died[sid].strftime("%Y-%m"), "amount"].sum()
        assert paid > 0
        assert recovered[sid] == pytest.approx(paid, abs=0.005)


def test_truth_counts(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["truth"]
    counts = truth["reason"].value_counts()
    for reason, (low, high) in BALLPARK.items():
        assert low <= counts.get(reason, 0) <= high, reason
    assert truth["is_case"].sum() == counts["payments_continued_after_death"]
    assert truth["subject_id"].is_unique
    assert (truth["note"].str.len() > 20).all()
    # one row per pensioner with a death record filed under a clean ID number
    deaths = tables["deaths"]
    pensioners = set(tables["pension_recipients"]["id_number"])
    assert set(truth["subject_id"]) == set(deaths["id_number"]) & pensioners


def test_death_sources_disagree_realistically(tables: dict[str, pd.DataFrame]) -> None:
    deaths = tables["deaths"]
    share = deaths["source"].value_counts() / deaths["id_number"].nunique()
    assert share["public_security"] > share["civil_affairs"] > share["health"]
    spread = deaths.groupby("id_number")["death_date"].agg(lambda d: (d.max() - d.min()).days)
    assert (spread <= 2).mean() > 0.9
    assert (deaths["registered_date"] >= deaths["death_date"]).all()


# (d) metadata --------------------------------------------------------------------------------


def test_datapackage_describes_every_column(meta: dict) -> None:
    truth_meta = json.loads((DATA / "truth" / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["profile"] == "tabular-data-package"
    assert {"name", "title", "title_zh", "description", "licenses", "kit:window"} <= set(meta)
    resources = [(DATA, r) for r in meta["resources"]]
    resources += [(DATA / "truth", r) for r in truth_meta["resources"]]
    assert [r["name"] for _, r in resources] == [*TABLES, "truth"]
    allowed = {"string", "integer", "number", "date", "yearmonth", "boolean"}
    for folder, res in resources:
        assert res["profile"] == "tabular-data-resource"
        assert res["title"] and res["title_zh"] and res["description"]
        header = (folder / res["path"]).read_text(encoding="utf-8").split("\n", 1)[0]
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == header.split(","), res["name"]
        for f in fields:
            assert f["type"] in allowed
            assert f["description"] and f["description_zh"]
            assert isinstance(f["personal"], bool)
            if f.get("kit:identifier"):
                assert res["name"] in TABLES and res["name"] != "deaths"
    assert meta["resources"] == ss.RESOURCES


def test_datasheet_counts_match_the_files() -> None:
    sheet = (DATA / "DATASHEET.md").read_text(encoding="utf-8")
    for path in sorted(DATA.glob("*.csv")) + [DATA / "truth" / "truth.csv"]:
        rows = len(path.read_text(encoding="utf-8").splitlines()) - 1
        rel = path.relative_to(DATA).as_posix()
        pattern = rf"\|\s*`{re.escape(rel)}`\s*\|\s*{rows:,}\s*\|"
        assert re.search(pattern, sheet), f"DATASHEET.md row count of {rel} is not {rows:,}"


def test_committed_dataset_loads() -> None:
    from kit.datasets import load

    ds = load(DATA)
    assert ds.truth is not None and len(ds.truth) > 0
