"""Masking (脱敏) of personal data for display and export.

Every masker keeps the length of the value, hides the sensitive middle with ``*`` and returns
``''`` for a missing value (``None``, NaN). Resident ID numbers hide the birth date and sequence
(``340102********1234``), names keep the surname and, from three characters on, the last character
(``张*明``).

Examples
--------
>>> mask_id("340102195001011234"), mask_name("欧阳小明"), mask_id(None)
('340102********1234', '欧**明', '')
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import KitError
from kit.ids import clean

__all__ = [
    "MASKERS",
    "mask_frame",
    "mask_id",
    "mask_name",
    "mask_text",
    "mask_uscc",
    "scrub_text",
]


def _text(value: Any) -> str:
    """The value as stripped text; ``''`` when missing."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            if bool(pd.isna(value)):
                return ""
        except (TypeError, ValueError):
            pass
    return str(value).strip()


def _keep(text: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, stars in between."""
    return text[:head] + "*" * (len(text) - head - tail) + (text[-tail:] if tail else "")


def _short(text: str) -> str:
    """All stars but the last character (a single character becomes one star)."""
    return _keep(text, 0, 1) if len(text) > 1 else "*" * len(text)


def mask_id(value: Any) -> str:
    """Mask a resident ID number (居民身份证号码), hiding birth date and sequence.

    The value is cleaned first (:func:`kit.ids.clean`). 18 characters or more keep the first 6 and
    the last 4; 15 to 17 characters keep the first 6 and the last 3; shorter values keep only the
    last character.

    Examples
    --------
    >>> mask_id("340102195001011234"), mask_id("340102500101123"), mask_id("12345")
    ('340102********1234', '340102******123', '****5')
    """
    text = clean(value) or ""
    if len(text) >= 18:
        return _keep(text, 6, 4)
    if len(text) >= 15:
        return _keep(text, 6, 3)
    return _short(text)


def mask_name(value: Any) -> str:
    """Mask a person's name (姓名): keep the first character and, from 3 on, the last.

    Examples
    --------
    >>> mask_name("张小明"), mask_name("张明"), mask_name("欧阳小明"), mask_name("张")
    ('张*明', '张*', '欧**明', '*')
    """
    text = _text(value)
    if len(text) <= 1:
        return "*" * len(text)
    return _keep(text, 1, 1 if len(text) >= 3 else 0)


def mask_uscc(value: Any) -> str:
    """Mask a unified social credit code (统一社会信用代码): keep the first 8 and the last 2.

    Values shorter than 18 characters keep only the last character.

    Examples
    --------
    >>> mask_uscc("91340100MA2N0EXA1X")
    '91340100********1X'
    """
    text = clean(value) or ""
    return _keep(text, 8, 2) if len(text) >= 18 else _short(text)


def mask_text(value: Any) -> str:
    """Mask free text such as an address (地址): keep the first third, at most 6 characters.

    Examples
    --------
    >>> mask_text("安徽省六安市霍邱县城关镇幸福路12号")
    '安徽省六安市************'
    """
    text = _text(value)
    return _keep(text, min(6, len(text) // 3), 0)


#: How each kind of column is masked; the kinds used by ``kit:mask`` in datapackage.json.
def mask_date(value: Any) -> str:
    """Mask a personal date such as a birth date (出生日期): keep the year only.

    Examples
    --------
    >>> mask_date("1950-03-07"), mask_date(pd.Timestamp("1950-03-07")), mask_date(None)
    ('1950-**-**', '1950-**-**', '')
    """
    if isinstance(value, pd.Timestamp | datetime.date):
        return f"{value.year:04d}-**-**"
    text = _text(value)
    return f"{text[:4]}-**-**" if len(text) >= 4 else _short(text)


def mask_subject(value: Any) -> str:
    """Mask a clue's or truth row's subject: person ID numbers are masked, other keys are kept.

    Subjects of institutions, enterprises, settlements or periods (``H34150200002|2023-01``)
    identify no person and stay readable.

    Examples
    --------
    >>> mask_subject("340102195001011234"), mask_subject("H34150200002|2023-01")
    ('340102********1234', 'H34150200002|2023-01')
    """
    text = _text(value)
    if _PERSON_ID.fullmatch(text):
        return mask_id(text)
    return text


_PERSON_ID = re.compile(r"\d{17}[\dXx]|\d{15}")

# An 18- or 15-character ID number inside text, also behind a letter (certificate ``T3401...``),
# but not part of a longer run of digits (a 20-digit drug trace code is not an ID number).
# Also written in groups (``341502 19680719 3015``, ``341502-19680719-3015``) or in full-width
# digits, as untidy registers do.
_D = "[0-9０-９]"
_EMBEDDED_ID = re.compile(
    rf"(?<![0-9０-９])(?:{_D}{{17}}[0-9０-９XxＸｘ]|{_D}{{15}}"
    rf"|{_D}{{6}}[ \-]{_D}{{8}}[ \-]{_D}{{3}}[0-9０-９XxＸｘ])(?![0-9０-９A-Za-z])"
)
# A unified social credit code inside text: 18 characters from the USCC alphabet.
_EMBEDDED_USCC = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])"
)


def scrub_text(value: Any) -> str:
    """Mask every ID number and USCC found inside free text, such as an evidence sentence.

    Person ID numbers (also as part of a certificate number) and company codes are masked as
    :func:`mask_id` and :func:`mask_uscc` would; everything else is kept.

    Examples
    --------
    >>> scrub_text("Card T340102195001011234 of 91341502MA5QWBJ48N, trace 81025530007919000003")
    'Card T340102********1234 of 91341502********8N, trace 81025530007919000003'
    """
    text = _text(value)
    text = _EMBEDDED_ID.sub(lambda m: mask_id(m[0]), text)
    return _EMBEDDED_USCC.sub(lambda m: mask_uscc(m[0]) if _is_uscc(m[0]) else m[0], text)


def _is_uscc(text: str) -> bool:
    from stdnum.cn import uscc

    return bool(uscc.is_valid(text))


MASKERS: dict[str, Callable[[Any], str]] = {
    "id": mask_id,
    "name": mask_name,
    "uscc": mask_uscc,
    "text": mask_text,
    "date": mask_date,
    "subject": mask_subject,
    "scrub": scrub_text,
}


def mask_frame(df: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Return a copy of ``df`` with the given columns masked; ``df`` is not changed.

    Each distinct value is masked once, so large tables with repeated values are fast.

    Parameters
    ----------
    df : DataFrame
        The table to mask.
    columns : mapping of str to str
        Column name -> kind (``'id'``, ``'name'``, ``'uscc'`` or ``'text'``, see :data:`MASKERS`).
        Columns that ``df`` does not have are skipped.

    Raises
    ------
    KitError
        If a kind is not one of :data:`MASKERS`.

    Examples
    --------
    >>> df = pd.DataFrame({"id_number": ["340102195001011234"], "name": ["张小明"]})
    >>> mask_frame(df, {"id_number": "id", "name": "name"}).iloc[0].tolist()
    ['340102********1234', '张*明']
    """
    unknown = {col: kind for col, kind in columns.items() if kind not in MASKERS}
    if unknown:
        col, kind = next(iter(unknown.items()))
        raise KitError(
            f"Column {col!r} has an unknown mask kind {kind!r}. "
            f"Fix: use one of {', '.join(sorted(MASKERS))}."
        )
    out = df.copy()
    for col, kind in columns.items():
        if col not in out.columns:
            continue
        codes, uniques = pd.factorize(out[col], use_na_sentinel=True)
        masked = np.array([*(MASKERS[kind](u) for u in uniques), ""], dtype=object)
        out[col] = pd.Series(masked[codes], index=out.index, dtype="str")  # -1 (missing) -> ''
    return out
