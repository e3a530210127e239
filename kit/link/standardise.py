"""Standardise identity fields (标准化) before linkage: ID numbers, names, pinyin, dates, regions.

Every agency writes identities its own way: full-width digits, spaces, ``x`` for ``X``, old
15-digit numbers, ``男`` or ``1`` for men, a homophone (同音字) in the name. Linkage compares the
standardised fields of :func:`standardise`, never the raw ones.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from kit import ids
from kit.errors import InvalidIdError
from kit.link.columns import IdentityColumns

#: Columns of a standardised identity table, in order.
STANDARD_COLUMNS = (
    "uid",
    "id_number",
    "id_valid",
    "name",
    "name_pinyin",
    "birth_date",
    "sex",
    "region_code",
)

_SEX = {"M": "M", "F": "F", "男": "M", "女": "F", "1": "M", "2": "F", "MALE": "M", "FEMALE": "F"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAME_JUNK = re.compile(r"[\s·•・.\-_]+")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_name(value: Any) -> str | None:
    """A name with full-width forms made half-width, spaces and dots removed; ``None`` if empty.

    Examples
    --------
    >>> clean_name(" 张 小明 "), clean_name("阿卜杜·热合曼"), clean_name("ＡＢ"), clean_name(None)
    ('张小明', '阿卜杜热合曼', 'AB', None)
    """
    if _missing(value):
        return None
    text = _NAME_JUNK.sub("", unicodedata.normalize("NFKC", str(value))).upper()
    return text or None


@cache
def _char_pinyin(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL, errors="default")[0].lower()


def name_pinyin(name: str | None) -> str | None:
    """Toneless pinyin of a cleaned name, syllables separated by spaces (同音字 become equal).

    Each character is read alone (its most common reading), so the same character always gives
    the same syllable, whatever name it is in.

    Examples
    --------
    >>> name_pinyin("张晓明") == name_pinyin("张小明")
    True
    >>> name_pinyin("王桂华"), name_pinyin(None)
    ('wang gui hua', None)
    """
    if not name:
        return None
    return " ".join(_char_pinyin(c) for c in name)


def clean_date(value: Any) -> str | None:
    """A date as ``YYYY-MM-DD`` text, ``None`` when missing or not a date.

    Examples
    --------
    >>> clean_date("1950/3/7"), clean_date(pd.Timestamp("1950-03-07")), clean_date("soon")
    ('1950-03-07', '1950-03-07', None)
    """
    if _missing(value):
        return None
    if isinstance(value, dt.date):  # also pd.Timestamp and datetime
        return f"{value:%Y-%m-%d}"
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None
    return None if pd.isna(stamp) else f"{stamp:%Y-%m-%d}"


def clean_sex(value: Any) -> str | None:
    """``'M'``, ``'F'`` or ``None`` from the usual codings (M/F, 男/女, 1/2).

    Examples
    --------
    >>> clean_sex("男"), clean_sex("f"), clean_sex(2), clean_sex("?")
    ('M', 'F', 'F', None)
    """
    if _missing(value):
        return None
    return _SEX.get(unicodedata.normalize("NFKC", str(value)).strip().upper())


def clean_id(value: Any) -> str | None:
    """An ID number cleaned (:func:`kit.ids.clean`) and, if 15 digits, converted to 18.

    Nothing is validated: a mistyped number comes back cleaned, for fuzzy comparison.

    Examples
    --------
    >>> clean_id("340102500101122"), clean_id("34010219500101122x "), clean_id("12-3")
    ('34010219500101122X', '34010219500101122X', '123')
    """
    text = ids.clean(value)
    if text is None:
        return None
    try:
        return ids.to_18(text)
    except InvalidIdError:
        return text


def _well_formed(number: Any) -> bool:
    return isinstance(number, str) and len(number) == 18 and number[:17].isdigit()


def birth_from_id(number: Any) -> str | None:
    """Birth date (``YYYY-MM-DD``) read from an 18-character number, even a mistyped one.

    Examples
    --------
    >>> birth_from_id("34010219500101122X"), birth_from_id("34010219501301122X")
    ('1950-01-01', None)
    """
    return _iso_birth(number[6:14]) if _well_formed(number) else None


@cache
def _iso_birth(born: str) -> str | None:
    """``YYYY-MM-DD`` of 8 digits ``YYYYMMDD``, ``None`` if no such day (cached: few distinct)."""
    return clean_date(f"{born[:4]}-{born[4:6]}-{born[6:]}")


def sex_from_id(number: Any) -> str | None:
    """``'M'`` or ``'F'`` from the 17th character of an 18-character number (odd for men).

    Examples
    --------
    >>> sex_from_id("34010219500101122X"), sex_from_id("123")
    ('F', None)
    """
    return ("M" if int(number[16]) % 2 else "F") if _well_formed(number) else None


@cache
def _county_names(code: str) -> tuple[str, ...]:
    """Names an address may use for a region code, longest first (``六安市霍邱县``, ``霍邱县``)."""
    try:
        full = ids.region_name(code)
        upper = ids.region_name(code[:4] + "00") if code[4:] != "00" else None
        province = ids.region_name(code[:2] + "0000")
    except InvalidIdError:
        return ()
    if not full:
        return ()
    names = []
    if province and full.startswith(province) and full != province:
        names.append(full[len(province) :])
    if upper and full.startswith(upper) and full != upper:
        names.append(full[len(upper) :])
    return tuple(sorted(set(names), key=len, reverse=True))


def region_from_address(address: Any, codes: Iterable[str]) -> str | None:
    """The region code among ``codes`` whose county name the address contains, else ``None``.

    Examples
    --------
    >>> region_from_address("六安市霍邱县城关镇淠河社区", ["341502", "341522"])
    '341522'
    >>> region_from_address("某地", ["341522"]) is None
    True
    """
    if _missing(address):
        return None
    text = unicodedata.normalize("NFKC", str(address))
    best: tuple[int, str] | None = None
    for code in sorted(set(codes)):
        for name in _county_names(code):
            if name in text and (best is None or len(name) > best[0]):
                best = (len(name), code)
    return best[1] if best else None


def _map(s: pd.Series, func: Callable[[Any], Any]) -> np.ndarray:
    """``func`` applied once per distinct value; missing values give ``None``.

    The distinct values are taken as a plain list: iterating an Arrow-backed array value by
    value cost as much as ``func`` itself on millions of records.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return np.array([*map(func, uniques.tolist()), None], dtype=object)[codes]


def standardise(
    frame: pd.DataFrame,
    columns: IdentityColumns | dict[str, Any] | None = None,
    *,
    table: str = "table",
    regions: Iterable[str] = (),
) -> pd.DataFrame:
    """One standardised identity row per row of ``frame`` (same order; ``uid`` is the position).

    Parameters
    ----------
    frame : DataFrame
        Any table holding people: a master register or a secondary source.
    columns : IdentityColumns or dict, optional
        Which column holds which field (default ``id_number``, ``name``, ``sex``, ``birth_date``,
        ``region_code``, ``address``; the last four are used when present).
    table : str
        Table name, for error messages.
    regions : iterable of str
        Region codes an address may name (usually the master table's codes); used only when
        the table has an address but no region code.

    Returns
    -------
    DataFrame
        Columns :data:`STANDARD_COLUMNS`: ``id_number`` cleaned and converted to 18 characters
        (not validated), ``id_valid`` whether :func:`kit.ids.is_valid` accepts it, ``name``
        and its toneless ``name_pinyin``, ``birth_date`` (``YYYY-MM-DD``), ``sex`` (``M``/``F``)
        and ``region_code``. Birth date and sex come from the table when it has them, else from
        the ID number.

    Raises
    ------
    DataError
        When the ID number or name column is missing (names the table, column and fix).

    Examples
    --------
    >>> df = pd.DataFrame({"id_number": ["340102500101122"], "name": ["张 晓明"]})
    >>> row = standardise(df).iloc[0]
    >>> row[["id_number", "name", "name_pinyin", "birth_date", "sex"]].tolist()
    ['34010219500101122X', '张晓明', 'zhang xiao ming', '1950-01-01', 'F']
    """
    cols = IdentityColumns.of(columns).present(frame, table)
    out = pd.DataFrame(index=frame.index)
    out["uid"] = np.arange(len(frame), dtype="int64")
    number = _map(frame[cols.id], clean_id)
    out["id_number"] = number
    out["id_valid"] = _map(pd.Series(number, index=frame.index), ids.is_valid).astype(bool)
    name = _map(frame[cols.name], clean_name)
    out["name"] = name
    out["name_pinyin"] = _map(pd.Series(name, index=frame.index), name_pinyin)
    id_birth = _map(pd.Series(number, index=frame.index), birth_from_id)
    id_sex = _map(pd.Series(number, index=frame.index), sex_from_id)
    birth = _map(frame[cols.birth_date], clean_date) if cols.birth_date else id_birth
    sex = _map(frame[cols.sex], clean_sex) if cols.sex else id_sex
    out["birth_date"] = np.where(pd.isna(birth), id_birth, birth)
    out["sex"] = np.where(pd.isna(sex), id_sex, sex)
    if cols.region:
        region = _map(frame[cols.region], lambda v: ids.clean(v))
    else:
        region = np.full(len(frame), None, dtype=object)
    if cols.address:
        known = tuple(sorted(set(regions)))
        from_address = _map(frame[cols.address], lambda a: region_from_address(a, known))
        region = np.where(pd.isna(region), from_address, region)
    out["region_code"] = region
    for col in STANDARD_COLUMNS:
        if col not in ("uid", "id_valid"):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out.reset_index(drop=True)[list(STANDARD_COLUMNS)]
