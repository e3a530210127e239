"""Tests of kit.mask: masking (脱敏) identifiers, names and text for display."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.errors import KitError
from kit.ids import make
from kit.mask import (
    MASKERS,
    mask_date,
    mask_frame,
    mask_id,
    mask_name,
    mask_subject,
    mask_text,
    mask_uscc,
    scrub_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("340102195001011234", "340102********1234"),
        ("34010219500101122x", "340102********122X"),
        (" 340102 19500101 1234 ", "340102********1234"),
        ("３４０１０２１９５００１０１１２３４", "340102********1234"),
        (340102195001011234, "340102********1234"),
        ("340102500101123", "340102******123"),
        ("34010219500101123", "340102********123"),  # 17 characters: typo, birth date hidden
        ("3401021950010112345", "340102*********2345"),
        ("12345", "****5"),
        ("7", "*"),
        ("", ""),
        (None, ""),
        (np.nan, ""),
        (pd.NA, ""),
    ],
)
def test_mask_id(value: object, expected: str) -> None:
    assert mask_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张小明", "张*明"),
        ("张明", "张*"),
        ("欧阳小明", "欧**明"),
        ("买买提·艾力", "买****力"),
        (" 张小明 ", "张*明"),
        ("张", "*"),
        ("", ""),
        (None, ""),
        (np.nan, ""),
    ],
)
def test_mask_name(value: object, expected: str) -> None:
    assert mask_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("91340100MA2N0EXA1X", "91340100********1X"),
        ("91110000600037341l", "91110000********1L"),
        ("9111", "***1"),
        (None, ""),
    ],
)
def test_mask_uscc(value: object, expected: str) -> None:
    assert mask_uscc(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("安徽省六安市霍邱县城关镇幸福路12号", "安徽省六安市************"),
        ("城关镇幸福路", "城关****"),
        ("ab", "**"),
        (None, ""),
    ],
)
def test_mask_text(value: object, expected: str) -> None:
    assert mask_text(value) == expected


def test_maskers() -> None:
    expected = {
        "id": mask_id,
        "name": mask_name,
        "uscc": mask_uscc,
        "text": mask_text,
        "date": mask_date,
        "subject": mask_subject,
        "scrub": scrub_text,
    }
    assert expected == MASKERS


def test_scrub_masks_ids_and_company_codes_inside_text_only() -> None:
    text = "证号T341502196807193015，企业91341502MA5QWBJ48N，追溯码81025530007919000003"
    assert (
        scrub_text(text)
        == "证号T341502********3015，企业91341502********8N，追溯码81025530007919000003"
    )
    # an 18-character code whose check character is wrong is not a USCC and stays as it is
    assert scrub_text("91341502MA5QWBJ48A") == "91341502MA5QWBJ48A"
    assert scrub_text(None) == "" and scrub_text("H34150200002|2023-01") == "H34150200002|2023-01"
    # untidy registers write ID numbers in groups or in full-width digits
    for untidy in (
        "T341502 19680719 3015",
        "T341502-19680719-3015",
        "T３４１５０２１９６８０７１９３０１５",
    ):
        assert scrub_text(untidy) == "T341502********3015"
    assert scrub_text("paid 2024-03-15, 12345 yuan") == "paid 2024-03-15, 12345 yuan"


def test_clue_tables_mask_ids_inside_any_text_column(ss) -> None:
    import kit

    mi = kit.datasets.load("medical_insurance")
    frame = kit.run("MI07", mi).to_frame()  # settlement subjects, with the patient's id_number
    assert frame["id_number"].str.fullmatch(r"\d{6}\*{8}[\dX]{4}").all()
    en07 = kit.run("EN07").to_frame()
    assert not en07["evidence"].str.contains(r"T\d{17}[\dX]").any()
    assert not en07["evidence_zh"].str.contains(r"\d{17}[\dX]").any()


def test_dates_keep_the_year_and_subjects_mask_only_people() -> None:
    frame = pd.DataFrame(
        {
            "birth_date": pd.to_datetime(["1950-03-07", None]),
            "subject_id": ["34010219500101123X", "H34150200002|2023-01"],
        }
    )
    out = mask_frame(frame, {"birth_date": "date", "subject_id": "subject"})
    assert out["birth_date"].tolist() == ["1950-**-**", ""]
    assert out["subject_id"].tolist() == ["340102********123X", "H34150200002|2023-01"]


@given(
    st.sampled_from(["340102", "341522", "342423"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(0, 999),
)
def test_mask_id_hides_birth_date_and_sequence(code: str, born: dt.date, seq: int) -> None:
    number = make(code, born, seq)
    masked = mask_id(number)
    assert len(masked) == 18
    assert masked == number[:6] + "*" * 8 + number[14:]
    assert f"{born:%Y%m%d}" not in masked


@given(st.text())
def test_maskers_keep_length_and_hide_something(text: str) -> None:
    for kind in ("name", "text"):
        masked = MASKERS[kind](text)
        assert len(masked) == len(text.strip())
        if masked:
            assert "*" in masked


def test_mask_frame_masks_a_copy() -> None:
    df = pd.DataFrame(
        {
            "id_number": ["340102195001011234", None, "340102195001011234"],
            "name": ["张小明", "欧阳小明", np.nan],
            "amount": [1.5, 2.0, 3.25],
        },
        index=[10, 11, 12],
    )
    before = df.copy()
    out = mask_frame(df, {"id_number": "id", "name": "name", "not_there": "id"})
    pd.testing.assert_frame_equal(df, before)  # input unchanged
    assert out is not df
    assert out["id_number"].tolist() == ["340102********1234", "", "340102********1234"]
    assert out["name"].tolist() == ["张*明", "欧**明", ""]
    assert out["amount"].tolist() == [1.5, 2.0, 3.25]
    assert out.index.tolist() == [10, 11, 12]
    assert list(out.columns) == ["id_number", "name", "amount"]


def test_mask_frame_large() -> None:
    ids = [
        make("341522", dt.date(1950, 1, 1) + dt.timedelta(days=i), i % 1000) for i in range(20_000)
    ]
    df = pd.DataFrame({"id_number": ids * 5, "name": ["张小明", "李明"] * 50_000})
    out = mask_frame(df, {"id_number": "id", "name": "name"})
    assert len(out) == 100_000
    assert out["id_number"].str.fullmatch(r"341522\*{8}\d{3}[\dX]").all()
    assert out["name"].iloc[:2].tolist() == ["张*明", "李*"]
    assert df["name"].iloc[0] == "张小明"


def test_mask_frame_rejects_unknown_kind() -> None:
    df = pd.DataFrame({"phone": ["13800000000"]})
    with pytest.raises(KitError, match="Column 'phone' has an unknown mask kind 'phone'"):
        mask_frame(df, {"phone": "phone"})
    assert df["phone"].tolist() == ["13800000000"]
