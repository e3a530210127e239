"""Tests of kit.ids: resident ID numbers (居民身份证号码) and USCC (统一社会信用代码)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import numdb

from kit.errors import InvalidIdError
from kit.ids import (
    birth_date,
    check_char,
    clean,
    clean_series,
    is_valid,
    is_valid_series,
    is_valid_uscc,
    make,
    region_code,
    region_name,
    sex,
    to_18,
    validate,
    validate_uscc,
)


def _known_codes() -> list[str]:
    """Every 6-digit code of stdnum's region table (any period)."""
    codes = []
    for _, province, _, _, children in numdb.get("cn/loc").prefixes:
        codes += [province + low for _, low, high, props, _ in children if "county" in props]
    return sorted(codes)


KNOWN_CODES = _known_codes()
TODAY = dt.date.today()
regions = st.sampled_from(KNOWN_CODES)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)

# A valid number with check character X (born 1950-01-01 in 340102, sequence 122: a woman).
VALID_X = "34010219500101122X"


def test_region_table_is_loaded() -> None:
    assert len(KNOWN_CODES) > 6000
    assert {"341522", "342423", "340102", "110101"} <= set(KNOWN_CODES)


# --- property-based tests -------------------------------------------------------------------


@given(regions, births, sequences)
def test_make_is_valid_and_round_trips(code: str, born: dt.date, seq: int) -> None:
    number = make(code, born, seq)
    assert len(number) == 18
    assert is_valid(number)
    assert validate(number) == number
    assert birth_date(number) == born
    assert sex(number) == ("M" if seq % 2 else "F")
    assert region_code(number) == code
    assert number[14:17] == f"{seq:03d}"
    assert check_char(number[:17]) == number[17]
    assert region_name(number)  # every known code has a name


@given(regions, births, sequences, st.integers(0, 16), st.integers(1, 9))
def test_single_digit_change_is_detected(
    code: str, born: dt.date, seq: int, pos: int, shift: int
) -> None:
    number = make(code, born, seq)
    digit = str((int(number[pos]) + shift) % 10)
    changed = number[:pos] + digit + number[pos + 1 :]
    assert changed != number
    assert not is_valid(changed)
    with pytest.raises(InvalidIdError):
        validate(changed)


@given(regions, births, sequences, st.sampled_from("0123456789X"))
def test_wrong_check_character_is_detected(code: str, born: dt.date, seq: int, char: str) -> None:
    number = make(code, born, seq)
    if char != number[-1]:
        assert not is_valid(number[:17] + char)


@given(
    regions,
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    sequences,
)
def test_to_18_of_15_digit_number(code: str, born: dt.date, seq: int) -> None:
    number = make(code, born, seq)
    old = number[:6] + number[8:17]  # the legacy 15-digit form: YYMMDD, no check character
    assert len(old) == 15
    assert to_18(old) == number
    assert is_valid(old)
    assert validate(old) == number
    assert birth_date(old) == born
    assert sex(old) == sex(number)


@given(st.text())
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


@given(regions, births, sequences, st.data())
def test_clean_undoes_typing_noise(code: str, born: dt.date, seq: int, data: st.DataObject) -> None:
    number = make(code, born, seq)
    full_width = {c: chr(ord(c) + 0xFEE0) for c in "0123456789X"}  # '3' -> '３'
    noisy = ""
    for char in number:
        kind = data.draw(st.sampled_from(["plain", "full", "lower"]))
        if kind == "full":
            char = full_width[char]
        elif kind == "lower":
            char = char.lower()
        noisy += char + data.draw(st.sampled_from(["", "", " ", "-", "\u3000", "\t"]))
    assert clean(noisy) == number
    assert validate(noisy) == number


# --- examples -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("３４０１０２１９５００１０１１２２ｘ", VALID_X),
        (" 340102 19500101 122x ", VALID_X),
        ("340102-19500101-122X", VALID_X),
        ("340102\u201419500101\u2013122X", VALID_X),  # em and en dashes
        (340102195001011238, "340102195001011238"),
        ("", None),
        ("   ", None),
        (None, None),
        (np.nan, None),
        (pd.NA, None),
    ],
)
def test_clean_examples(raw: object, expected: str | None) -> None:
    assert clean(raw) == expected


def test_valid_examples() -> None:
    assert validate(VALID_X.lower()) == VALID_X
    assert sex(VALID_X) == "F"
    assert sex("340102195001011238") == "M"
    assert birth_date(VALID_X) == dt.date(1950, 1, 1)
    assert to_18("340102500101122") == VALID_X
    assert to_18(VALID_X.lower()) == VALID_X
    assert make("340102", dt.date(1950, 1, 1), 122) == VALID_X
    assert check_char("34010219500101122") == "X"
    assert check_char("34010219500101123") == "8"


def test_old_region_code_accepted_in_any_period() -> None:
    # 342423 (霍邱县 before 1999) on someone born in 2005: stdnum.cn.ric rejects it, we accept it.
    number = make("342423", dt.date(2005, 6, 1), 11)
    assert number == "342423200506010111"
    assert is_valid(number)
    # 341522 (霍邱县 since 1999) on someone born in 1950.
    assert is_valid(make("341522", dt.date(1950, 1, 1), 123))


def test_region_names() -> None:
    assert region_name(make("341522", dt.date(1990, 1, 1), 123)) == "安徽省六安市霍邱县"
    assert region_name(make("342423", dt.date(1950, 1, 1), 123)) == "安徽省六安地区霍邱县"
    # Name in force in the birth year, else the latest name.
    assert region_name(make("340102", dt.date(1990, 1, 1), 1)) == "安徽省合肥市东市区"
    assert region_name(make("340102", dt.date(2010, 1, 1), 1)) == "安徽省合肥市瑶海区"
    assert region_name(make("340102", dt.date(1950, 1, 1), 1)) == "安徽省合肥市瑶海区"
    # Bare 6-digit codes, placeholders (市辖区) dropped, provinces and cities not repeated.
    assert region_name("341522") == "安徽省六安市霍邱县"
    assert region_name("110101") == "北京市东城区"
    assert region_name("340000") == "安徽省"
    assert region_name("340100") == "安徽省合肥市"
    assert region_name("999999") is None
    # A well-formed number with an unknown region code: no name, no error.
    assert region_name("99999919500101123X") is None
    with pytest.raises(InvalidIdError, match="too short"):
        region_name("1234567")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "3401021950010112",
            "Resident ID number '3401021950010112' is too short: 16 characters, expected 18 "
            "(or 15 for an old-style number). Fix: look for a missing or extra digit",
        ),
        ("3401021950010112345", "is too long: 19 characters, expected 18"),
        (
            "340102195001011234",
            "Resident ID number '340102195001011234' has a bad check character (校验码): the 18th "
            "character is '4', expected '8' from the first 17",
        ),
        ("340102195001011228", "the 18th character is '8', expected 'X' from the first 17"),
        (
            "340102195002301234",
            "has an impossible birth date '19500230' (YYYYMMDD, characters 7-14)",
        ),
        ("340102500230122", "has an impossible birth date '500230' (YYMMDD, characters 7-12)"),
        ("340102209901011234", "has an impossible birth date 2099-01-01 (in the future)"),
        ("340102185001011234", "has an impossible birth date 1850-01-01 (before 1900-01-01)"),
        (
            "99999919500101123X",
            "has an unknown region code (行政区划代码) '999999' in its first 6 digits",
        ),
        ("3401021950A1011234", "has 'A' at position 11; only digits are allowed"),
        ("X40102195001011234", "has 'X' at position 1"),
        # digits of another script pass str.isdigit() but are not ASCII digits
        ("٣40102195001011234", "has '٣' at position 1"),
        ("34010219500101123٤", "has '٤' at position 18"),
        ("34010250010112X", "has 'X' at position 15"),  # X ends only an 18-character number
        (None, "The resident ID number (居民身份证号码) is empty."),
        ("  ", "is empty"),
    ],
)
def test_error_messages(value: object, message: str) -> None:
    with pytest.raises(InvalidIdError) as info:
        validate(value)
    assert message in str(info.value)
    assert not is_valid(value)


def test_error_messages_give_a_fix() -> None:
    with pytest.raises(InvalidIdError, match=r"Fix: compare the number with the ID card"):
        validate("340102195001011234")


def test_invalid_id_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        birth_date("340102195001011234")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("34010", dt.date(1950, 1, 1), 1), "A region code must be 6 digits, got '34010'"),
        (("999999", dt.date(1950, 1, 1), 1), "Region code '999999' is unknown"),
        (("340102", dt.date(1950, 1, 1), 1000), "must be 0 to 999, got 1000"),
        (("340102", dt.date(1850, 1, 1), 1), "before 1900-01-01"),
    ],
)
def test_make_rejects_bad_arguments(args: tuple, message: str) -> None:
    with pytest.raises(InvalidIdError, match=message):
        make(*args)


def test_check_char_needs_17_digits() -> None:
    with pytest.raises(InvalidIdError, match="exactly 17 digits, got '3401' \\(4 characters\\)"):
        check_char("3401")


def test_to_18_checks_only_the_shape() -> None:
    assert to_18("340102195001011234") == "340102195001011234"  # bad check char: not checked
    with pytest.raises(InvalidIdError, match="too short"):
        to_18("34010250010112")


# --- USCC -----------------------------------------------------------------------------------


def test_uscc() -> None:
    assert validate_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
    assert is_valid_uscc("91110000600037341L")
    assert not is_valid_uscc("91110000600037341X")
    assert not is_valid_uscc(None)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "91110000600037341X",
            "Unified social credit code '91110000600037341X' has a bad check character: the 18th "
            "is 'X', expected 'L'. Fix: compare the code with the business licence",
        ),
        ("123", "is too short: 3 characters, expected 18"),
        ("A1110000600037341L", "has 'A' at position 1; characters 1-8 must be digits"),
        ("9111000060003734IL", "has 'I' at position 17"),
        (None, "The unified social credit code (统一社会信用代码) is empty."),
    ],
)
def test_uscc_error_messages(value: object, message: str) -> None:
    with pytest.raises(InvalidIdError) as info:
        validate_uscc(value)
    assert message in str(info.value)


# --- Series helpers -------------------------------------------------------------------------


def test_clean_series() -> None:
    s = pd.Series(
        [" 34010219500101122x", None, "３４", "", VALID_X], index=[5, 6, 7, 8, 9], name="id"
    )
    out = clean_series(s)
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert out.name == "id"
    assert out.isna().tolist() == [False, True, False, True, False]
    assert out.dropna().tolist() == [VALID_X, "34", VALID_X]
    assert s.tolist()[0] == " 34010219500101122x"  # input untouched


def test_is_valid_series() -> None:
    s = pd.Series([VALID_X, "34010219500101122x", "340102195001011234", None, np.nan, "x"])
    out = is_valid_series(s)
    assert out.dtype == bool
    assert out.tolist() == [True, True, False, False, False, False]
    assert is_valid_series(pd.Series([], dtype="str")).tolist() == []


@given(st.lists(st.one_of(st.none(), st.sampled_from([VALID_X, "340102195001011234"]), st.text())))
def test_series_helpers_match_scalar_functions(values: list[str | None]) -> None:
    s = pd.Series(values, dtype=object)
    assert is_valid_series(s).tolist() == [is_valid(v) for v in values]
    cleaned = clean_series(s)
    assert [None if pd.isna(v) else v for v in cleaned] == [clean(v) for v in values]
