"""Resident ID numbers (居民身份证号码) and unified social credit codes (统一社会信用代码, USCC).

Built on python-stdnum (``stdnum.cn.ric``, ``stdnum.cn.uscc`` and its region table
``stdnum.numdb.get('cn/loc')``). One difference from ``stdnum.cn.ric.validate``: a region code
(行政区划代码) is accepted if it was in force in *any* period, because people keep the number
first issued to them after their area's code changes. Functions taking a ``value`` clean it
first (:func:`clean`), so full-width digits, spaces and a lower-case ``x`` are accepted.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.util import clean as _stdnum_clean
from stdnum.util import isdigits

from kit.errors import InvalidIdError

EARLIEST_BIRTH = dt.date(1900, 1, 1)
"""Birth dates before this day are rejected as impossible."""

_FIX_TYPO = "Fix: compare the number with the ID card or the source record."
_FIX_LENGTH = (
    "Fix: look for a missing or extra digit; compare with the ID card or the source record."
)
# Prefecture-level entries of the region table that are placeholders, not place names.
_PLACEHOLDERS = ("市辖区", "县")


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean(value: Any) -> str | None:
    """Normalise a typed identifier; ``None`` when the value is missing.

    Full-width characters become half-width (NFKC), spaces and hyphens are dropped, letters are
    upper-cased (``x`` -> ``X``). Nothing is validated.

    Examples
    --------
    >>> clean("３４０１０２ 1950-0101-122ｘ")
    '34010219500101122X'
    >>> clean(None) is None, clean("  ") is None
    (True, True)
    """
    if isinstance(value, str) and value.isascii() and value.isalnum():
        return value.upper()  # the usual case: no space, hyphen or full-width form to tidy
    if _missing(value):
        return None
    text = _normalise(str(value))
    for _ in range(5):  # rare Unicode needs another pass, e.g. 'O¨' -> 'O' + combining mark
        if text.isascii() or (again := _normalise(text)) == text:
            break
        text = again
    return text or None


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper()
    if not text.isascii():  # stdnum maps Unicode dashes and spaces (slow: skipped for ASCII)
        text = _stdnum_clean(text)
    return "".join(text.split()).replace("-", "")


@cache
def _region_info(code: str) -> dict[str, str] | None:
    """Province and county entries of a 6-digit code, or ``None`` if the table lacks it."""
    parts = numdb.get("cn/loc").info(code)
    info = {k: v for _, props in parts for k, v in props.items()}
    return info if "county" in info else None


@cache
def _birth(digits: str) -> dt.date | None:
    """Date of 8 digits YYYYMMDD, or ``None`` if there is no such day (cached: many repeats)."""
    try:
        return ric.get_birth_date("000000" + digits)
    except InvalidComponent:
        return None


def _error(number: str, problem: str, fix: str = _FIX_TYPO) -> InvalidIdError:
    return InvalidIdError(f"Resident ID number {number!r} {problem}. {fix}")


def _parse(value: Any, *, full: bool = True, region: bool = True) -> str:
    """Return the cleaned 18-character form or raise InvalidIdError saying what is wrong."""
    typed = clean(value)
    if typed is None:
        raise InvalidIdError("The resident ID number (居民身份证号码) is empty.")
    size = len(typed)
    if size not in (15, 18):
        problem = f"is too {'short' if size < 18 else 'long'}: {size} characters, expected 18"
        raise _error(typed, problem + " (or 15 for an old-style number)", _FIX_LENGTH)
    last = typed[-1]
    if not (
        typed.isascii() and typed[:-1].isdigit() and (last.isdigit() or size == 18 and last == "X")
    ):
        for pos, char in enumerate(typed, start=1):
            if char not in "0123456789" and not (pos == 18 and char == "X"):
                problem = (
                    f"has {char!r} at position {pos}; only digits are allowed (X only as 18th)"
                )
                raise _error(typed, problem)
    number = typed
    if size == 15:  # old-style: YYMMDD of the 1900s, no check character
        number = typed[:6] + "19" + typed[6:]
        number += check_char(number)
    if not full:
        return number
    born, today = _birth(number[6:14]), dt.date.today()
    if born is None:
        where = "YYMMDD, characters 7-12" if size == 15 else "YYYYMMDD, characters 7-14"
        digits = typed[6:12] if size == 15 else typed[6:14]
        raise _error(typed, f"has an impossible birth date {digits!r} ({where})")
    if not EARLIEST_BIRTH <= born <= today:
        when = "in the future" if born > today else f"before {EARLIEST_BIRTH}"
        raise _error(typed, f"has an impossible birth date {born} ({when})")
    if size == 18 and typed[-1] != (expected := ric.calc_check_digit(number)):
        problem = (
            f"has a bad check character (校验码): the 18th character is {typed[-1]!r}, "
            f"expected {expected!r} from the first 17; one character is probably mistyped"
        )
        raise _error(typed, problem)
    if region and _region_info(number[:6]) is None:
        problem = (
            f"has an unknown region code (行政区划代码) {number[:6]!r} in its first 6 "
            "digits; no area has ever had this code"
        )
        raise _error(typed, problem)
    return number


def validate(value: Any) -> str:
    """Return the cleaned 18-character number (15-digit numbers converted) or raise.

    Checks length, characters, a real birth date from 1900-01-01 to today, the check character
    (ISO 7064 MOD 11-2) and that the region code is known in some period.

    Raises
    ------
    InvalidIdError
        With a message saying what is wrong and how to fix it.

    Examples
    --------
    >>> validate("340102500101122")
    '34010219500101122X'
    >>> validate("340102195001011234")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kit.errors.InvalidIdError: Resident ID number '340102195001011234' has a bad check ...
    """
    return _parse(value)


def is_valid(value: Any) -> bool:
    """Tell whether :func:`validate` accepts the value.

    Examples
    --------
    >>> is_valid("34010219500101122x"), is_valid("3401021950010112"), is_valid(None)
    (True, False, False)
    """
    return _accepts(_parse, value)


def to_18(value: Any) -> str:
    """Convert a 15-digit number to 18 characters; return an 18-character one cleaned.

    Only the length and the characters are checked; use :func:`validate` for a full check.

    Examples
    --------
    >>> to_18("340102500101122")
    '34010219500101122X'
    """
    return _parse(value, full=False)


def birth_date(value: Any) -> dt.date:
    """Birth date (出生日期) of a valid number.

    Examples
    --------
    >>> birth_date("340102500101122")
    datetime.date(1950, 1, 1)
    """
    return ric.get_birth_date(_parse(value))


def sex(value: Any) -> str:
    """``'M'`` or ``'F'``: the 17th character (sequence, 顺序码) is odd for men.

    Examples
    --------
    >>> sex("340102195001011238"), sex("34010219500101122X")
    ('M', 'F')
    """
    return "M" if int(_parse(value)[16]) % 2 else "F"


def region_code(value: Any) -> str:
    """Region code (行政区划代码): the first 6 digits of a valid number.

    Examples
    --------
    >>> region_code("34010219500101122X")
    '340102'
    """
    return _parse(value)[:6]


def _name_of(code: str, year: int | None) -> str | None:
    if _region_info(code) is None:
        return None
    if year is not None:
        try:  # the name in force in the birth year
            return ric.get_birth_place(f"{code}{year:04d}0101")["county"]
        except InvalidComponent:
            pass
    return _region_info(code)["county"].split(",")[-1].split("]")[-1]  # the latest name


def region_name(value: Any) -> str | None:
    """Place name of a number's region code, or of a bare 6-digit code; ``None`` if unknown.

    Uses the name in force in the birth year, else the latest name (no year for a bare code).
    Raises InvalidIdError if the value is neither a 6-digit code nor a well-formed number.

    Examples
    --------
    >>> region_name("341522199001011234")
    '安徽省六安市霍邱县'
    >>> region_name("342423195001011238"), region_name("110101")
    ('安徽省六安地区霍邱县', '北京市东城区')
    """
    text = clean(value)
    if text is not None and len(text) == 6 and isdigits(text):
        code, year = text, None
    else:
        number = _parse(value, region=False)
        code, year = number[:6], int(number[6:10])
    info = _region_info(code)
    if info is None:
        return None
    parts = [info["province"]]
    if code[2:] != "0000":
        if code[4:] != "00":
            prefecture = _name_of(code[:4] + "00", year)
            if prefecture and prefecture not in _PLACEHOLDERS and "直辖" not in prefecture:
                parts.append(prefecture)
        parts.append(_name_of(code, year) or "")
    return "".join(dict.fromkeys(parts))


def check_char(first17: str) -> str:
    """Check character (校验码, ISO 7064 MOD 11-2) for the first 17 digits.

    Examples
    --------
    >>> check_char("34010219500101122")
    'X'
    """
    digits = clean(first17) or ""
    if len(digits) != 17 or not isdigits(digits):
        raise InvalidIdError(
            f"A check character needs exactly 17 digits, got {digits!r} ({len(digits)} characters)."
        )
    return ric.calc_check_digit(digits + "0")


def make(region_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid 18-character number, e.g. for synthetic data.

    Parameters
    ----------
    region_code : str
        6-digit code known to the region table, e.g. ``'341522'`` (霍邱县).
    birth : datetime.date
        Birth date, from 1900-01-01 to today.
    sequence : int
        0..999; odd for a man, even for a woman.

    Examples
    --------
    >>> make("340102", dt.date(1950, 1, 1), 122)
    '34010219500101122X'
    """
    code = clean(region_code) or ""
    if len(code) != 6 or not isdigits(code):
        raise InvalidIdError(f"A region code must be 6 digits, got {region_code!r}.")
    if _region_info(code) is None:
        raise InvalidIdError(f"Region code {code!r} is unknown to the region table.")
    if not 0 <= int(sequence) <= 999:
        raise InvalidIdError(f"The sequence number must be 0 to 999, got {sequence!r}.")
    first17 = f"{code}{birth:%Y%m%d}{int(sequence):03d}"
    return _parse(first17 + check_char(first17))


def validate_uscc(value: Any) -> str:
    """Return the cleaned unified social credit code (统一社会信用代码) or raise InvalidIdError.

    Examples
    --------
    >>> validate_uscc("91110000600037341l")
    '91110000600037341L'
    """
    code = clean(value)
    if code is None:
        raise InvalidIdError("The unified social credit code (统一社会信用代码) is empty.")
    try:
        return uscc.validate(code)
    except InvalidLength:
        word = "short" if len(code) < 18 else "long"
        problem = f"is too {word}: {len(code)} characters, expected 18"
    except InvalidChecksum:
        expected = uscc.calc_check_digit(code)
        problem = f"has a bad check character: the 18th is {code[-1]!r}, expected {expected!r}"
    except InvalidFormat:  # find the offending character
        allowed = ["0123456789"] * 8 + [uscc._alphabet] * 10
        pos = next(i for i, c in enumerate(code) if c not in allowed[i])
        problem = (
            f"has {code[pos]!r} at position {pos + 1}; characters 1-8 must be digits, the others "
            "digits or capital letters other than I, O, Z, S, V"
        )
    fix = "Fix: compare the code with the business licence (营业执照) or the source record."
    raise InvalidIdError(f"Unified social credit code {code!r} {problem}. {fix}")


def is_valid_uscc(value: Any) -> bool:
    """Tell whether :func:`validate_uscc` accepts the value.

    Examples
    --------
    >>> is_valid_uscc("91110000600037341L"), is_valid_uscc("91110000600037341X")
    (True, False)
    """
    return _accepts(validate_uscc, value)


def _accepts(check: Callable[[Any], str], value: Any) -> bool:
    try:
        check(value)
    except InvalidIdError:
        return False
    return True


def _map_unique(s: pd.Series, func: Callable[[Any], Any], missing: Any) -> np.ndarray:
    """Apply ``func`` once per distinct value; missing values get ``missing``."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    results = np.array([*(func(u) for u in uniques), missing], dtype=object)
    return results[codes]  # code -1 (missing) picks the last element


def clean_series(s: pd.Series) -> pd.Series:
    """:func:`clean` applied to a Series (string dtype, missing stays missing).

    Examples
    --------
    >>> clean_series(pd.Series([" 34010219500101122x", None])).tolist()
    ['34010219500101122X', nan]
    """
    return pd.Series(_map_unique(s, clean, None), index=s.index, name=s.name, dtype="str")


def is_valid_series(s: pd.Series) -> pd.Series:
    """:func:`is_valid` applied to a Series (bool dtype; missing values are ``False``).

    Examples
    --------
    >>> is_valid_series(pd.Series(["34010219500101122X", "x", None])).tolist()
    [True, False, False]
    """
    values = _map_unique(s, is_valid, False).astype(bool)
    return pd.Series(values, index=s.index, name=s.name, dtype=bool)
