"""Loading and validating Data Packages: good data loads, bad data is named precisely."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import kit
from kit.errors import DataError, KitError
from tests.conftest import drop_column, edit_csv


def test_load_gives_typed_tables_and_truth(ss):
    assert {"persons", "deaths", "pension_recipients", "pension_payments"} <= set(ss.tables)
    assert ss.tables["deaths"]["death_date"].dtype.kind == "M"
    assert ss.tables["pension_payments"]["amount"].dtype == "float64"
    assert ss.truth is not None and "pension_after_death" in set(ss.truth["pattern"])
    assert ss.truth["is_case"].dtype == bool
    assert len(ss.fingerprint) == 64


def test_every_field_is_described_in_both_languages(ss):
    for res in ss.meta["resources"]:
        for fld in res["schema"]["fields"]:
            assert fld.get("description") and fld.get("description_zh"), fld["name"]
            assert isinstance(fld.get("personal"), bool), fld["name"]


def test_list_datasets_names_the_sample(ss):
    names = {d["name"]: d for d in kit.datasets.list_datasets()}
    assert names["social_security"]["has_truth"] is True
    assert "pension_payments" in names["social_security"]["tables"]


def test_preview_masks_identifiers_and_names(ss):
    shown = ss.preview("persons", n=3)
    raw = ss.tables["persons"].head(3)
    for masked, real in zip(shown["id_number"], raw["id_number"], strict=True):
        assert masked == real[:6] + "*" * 8 + real[-4:]
    assert all("*" in n for n in shown["name"])


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(KitError, match="known: .*social_security"):
        kit.datasets.load("no_such_data")


def test_missing_column_is_named(ss_copy):
    drop_column(ss_copy / "unemployment_payments.csv", "pay_date")
    with pytest.raises(DataError) as err:
        kit.datasets.load(ss_copy)
    assert "unemployment_payments.csv, column pay_date: this column is missing." in str(err.value)


def test_impossible_date_names_file_row_and_column(ss_copy):
    edit_csv(ss_copy / "unemployment_payments.csv", 17, "pay_date", "2024-13-01")
    with pytest.raises(DataError) as err:
        kit.datasets.load(ss_copy)
    text = str(err.value)
    assert (
        "unemployment_payments.csv row 17 (line 18), column pay_date: '2024-13-01' is not a date "
        "written YYYY-MM-DD" in text
    )
    assert len(err.value.problems) == 1


def test_invalid_id_number_is_named(ss_copy):
    path = ss_copy / "persons.csv"
    good = pd.read_csv(path, dtype=str).loc[4, "id_number"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
    edit_csv(path, 5, "id_number", bad)
    with pytest.raises(DataError) as err:
        kit.datasets.load(ss_copy)
    assert re.search(
        r"persons\.csv row 5 \(line 6\), column id_number: '\d{17}[\dX]' is not a "
        r"valid resident ID number",
        str(err.value),
    )


def test_all_problems_are_reported_together(ss_copy):
    edit_csv(ss_copy / "unemployment_payments.csv", 3, "amount", "12.5.1")
    edit_csv(ss_copy / "deaths.csv", 2, "source", "rumour")
    edit_csv(ss_copy / "pension_recipients.csv", 1, "scheme", "")
    with pytest.raises(DataError) as err:
        kit.datasets.load(ss_copy)
    files = {p.file for p in err.value.problems}
    assert files == {"unemployment_payments.csv", "deaths.csv", "pension_recipients.csv"}
    text = str(err.value)
    assert "deaths.csv row 2 (line 3), column source: 'rumour' is not one of the allowed" in text
    assert "column scheme: the value is empty but required." in text


def test_duplicate_primary_key_is_reported(ss_copy):
    path = ss_copy / "unemployment_payments.csv"
    first = pd.read_csv(path, dtype=str).loc[0, "payment_id"]
    edit_csv(path, 2, "payment_id", first)
    with pytest.raises(DataError, match="row 2 .*column payment_id: .* appears more than once"):
        kit.datasets.load(ss_copy)


def test_missing_file_is_reported(ss_copy):
    (ss_copy / "pension_recoveries.csv").unlink()
    with pytest.raises(DataError, match="pension_recoveries.csv: the file is missing"):
        kit.datasets.load(ss_copy)


@pytest.mark.parametrize(
    ("field", "file", "row", "column", "value", "expected"),
    [
        (
            "medical_insurance",
            "institutions.csv",
            3,
            "registered_beds",
            "eighty",
            "'eighty' is not a whole number such as 12",
        ),
        (
            "environment",
            "enterprises.csv",
            2,
            "key_discharger",
            "yes",
            "'yes' is not true or false",
        ),
        (
            "social_security",
            "unemployment_payments.csv",
            4,
            "period",
            "2024-13",
            "'2024-13' is not a month written YYYY-MM",
        ),
        (
            "environment",
            "maintenance_notices.csv",
            1,
            "start_ts",
            "2024-01-02 11:00",
            "'2024-01-02 11:00' is not a date and time written YYYY-MM-DDTHH:MM:SS",
        ),
        (
            "social_security",
            "deaths.csv",
            5,
            "record_id",
            "X1",
            "'X1' does not have the expected form (pattern ^D[0-9]{6,}$)",
        ),
        (
            "social_security",
            "pension_recipients.csv",
            6,
            "monthly_amount",
            "3000 yuan",
            "'3000 yuan' is not a number such as 2850.00",
        ),
    ],
)
def test_each_kind_of_field_is_checked(tmp_path, field, file, row, column, value, expected):
    import shutil

    target = tmp_path / field
    shutil.copytree(kit.datasets.datasets_root() / field, target)
    edit_csv(target / file, row, column, value)
    with pytest.raises(DataError) as err:
        kit.datasets.load(target)
    assert len(err.value.problems) == 1
    text = str(err.value.problems[0])
    assert text.startswith(f"{file} row {row} (line {row + 1}), column {column}: {expected}")
    assert "Fix: correct the value" in text


def test_a_comma_inside_a_value_is_explained(ss_copy):
    edit_csv(ss_copy / "pension_recipients.csv", 6, "monthly_amount", "3,000")
    with pytest.raises(DataError) as err:
        kit.datasets.load(ss_copy)
    assert str(err.value.problems[0]) == (
        "pension_recipients.csv row 6 (line 7): has 9 values, but the header names 8 columns. "
        'Fix: put quotes around a value that contains a comma (e.g. "3,000"), or remove the comma'
    )


def test_fingerprint_ignores_the_truth_folder(ss, ss_copy):
    import shutil

    assert kit.datasets.load(ss_copy).fingerprint == ss.fingerprint
    shutil.rmtree(ss_copy / "truth")
    hidden = kit.datasets.load(ss_copy)
    assert hidden.truth is None and hidden.fingerprint == ss.fingerprint
    edit_csv(ss_copy / "deaths.csv", 1, "registered_date", "2022-01-09")
    assert kit.datasets.load(ss_copy).fingerprint != ss.fingerprint


def test_with_tables_gives_a_copy_under_its_own_fingerprint(ss):
    few = ss.with_tables(deaths=ss.tables["deaths"].head(3))
    assert len(few.tables["deaths"]) == 3 and len(ss.tables["deaths"]) > 3
    assert few.fingerprint not in ("", ss.fingerprint)
    assert ss.with_tables(deaths=ss.tables["deaths"].head(3)).fingerprint == few.fingerprint
    with pytest.raises(kit.errors.KitError, match="has no table 'death'. Tables: persons"):
        ss.with_tables(death=ss.tables["deaths"])
