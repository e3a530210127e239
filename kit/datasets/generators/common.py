"""Helpers shared by the field generators: vocabularies, identity noise, USCCs and schemas.

* Names and addresses: re-exported from :mod:`kit.datasets.generators._names`
  (:func:`draw_names`, :func:`draw_addresses`, :data:`COUNTIES`, ...).
* Identity noise of secondary sources (:func:`degrade_ids`, :func:`homophone`): the ways a
  clerk in another agency writes a resident ID number or a name, recorded in
  ``truth/linkage.csv`` with the issue codes of :data:`LINKAGE_ISSUES`.
* Unified social credit codes (:func:`make_uscc`), valid per ``stdnum.cn.uscc``.
* Data Package schema helpers (:func:`field`, :func:`resource`, :func:`ric_field`).

Every function takes the caller's ``numpy.random.Generator``, so one seed fixes a dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from stdnum.cn import uscc as _uscc

from kit.datasets.generators._names import (
    BORN_ELSEWHERE,
    COHORTS,
    COUNTIES,
    GIVEN,
    HOMOPHONES,
    SURNAMES,
    cohort_of,
    draw_addresses,
    draw_names,
    homophone_of,
)

__all__ = [
    "concat_chunks",
    "BORN_ELSEWHERE",
    "COHORTS",
    "COUNTIES",
    "GIVEN",
    "HOMOPHONES",
    "ISSUE_WEIGHTS",
    "LINKAGE_ISSUES",
    "RIC_PATTERN",
    "SURNAMES",
    "USCC_PATTERN",
    "cohort_of",
    "degrade_ids",
    "draw_addresses",
    "draw_names",
    "field",
    "homophone",
    "homophone_of",
    "make_uscc",
    "resource",
    "required",
    "ric_field",
]

RIC_PATTERN = "^[0-9]{17}[0-9X]$"
USCC_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
#: Issue codes of ``truth/linkage.csv``.
LINKAGE_ISSUES = ("typo", "legacy_15", "missing_id", "homophone_name", "format")
#: Relative frequency of the ID-number issues drawn by :func:`degrade_ids`.
ISSUE_WEIGHTS: dict[str, float] = {
    "typo": 0.35,
    "legacy_15": 0.2,
    "missing_id": 0.2,
    "format": 0.25,
}

_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters, no I O Z S V
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])  # GB 11714 organisation-code check
_BODY_SPACE = 31**6


# --------------------------------------------------------------------------- identity noise


def _typo(rng: np.random.Generator, number: str) -> str:
    """One wrong or two swapped digits among the first 17 (the check character no longer fits)."""
    chars = list(number)
    if rng.random() < 0.3:
        pos = int(rng.integers(6, 16))
        if chars[pos] != chars[pos + 1]:
            chars[pos], chars[pos + 1] = chars[pos + 1], chars[pos]
            return "".join(chars)
    pos = int(rng.integers(0, 17))
    chars[pos] = str((int(chars[pos]) + int(rng.integers(1, 10))) % 10)
    return "".join(chars)


def _format_noise(rng: np.random.Generator, number: str) -> str:
    """The right number written untidily: lower-case x, spaces, hyphens or full-width digits."""
    u = rng.random()
    if number.endswith("X") and u < 0.4:
        return number[:-1] + "x"
    if u < 0.55:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if u < 0.7:
        return f"{number[:6]}-{number[6:14]}-{number[14:]}"
    if u < 0.8:
        return f" {number}"
    return number.translate(_FULL_WIDTH)


def degrade_ids(
    rng: np.random.Generator,
    ids: Sequence[str] | np.ndarray,
    birth_dates: Sequence[Any] | np.ndarray,
    share: float,
    *,
    weights: dict[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Degrade a share of resident ID numbers as a secondary source would hold them.

    Issues: ``typo`` (one wrong digit or two swapped digits), ``legacy_15`` (the 15-digit number
    issued before 1999: no century, no check character; only for people born before 2000,
    others get ``format`` instead), ``missing_id`` (missing value; keep name, birth date and
    address in the record so linkage stays possible) and ``format`` (the right number with a
    lower-case ``x``, spaces, hyphens or full-width digits).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    ids : array-like of str
        Clean 18-character ID numbers.
    birth_dates : array-like of datetime64
        Birth date of each holder.
    share : float
        Share of records to degrade (0 to 1).
    weights : dict of str to float, optional
        Relative frequency of the issues (default :data:`ISSUE_WEIGHTS`).

    Returns
    -------
    noisy_ids : ndarray of object
        ID numbers as recorded (``None`` where missing).
    issue_codes : ndarray of object
        ``'typo'``, ``'legacy_15'``, ``'missing_id'``, ``'format'`` or ``''`` (unchanged).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> noisy, issue = degrade_ids(rng, ["34240119500101122X"] * 4, ["1950-01-01"] * 4, 1.0)
    >>> set(issue) <= {"format", "legacy_15", "missing_id", "typo"}
    True
    """
    ids = np.asarray(ids, dtype=object)
    n = len(ids)
    w = weights or ISSUE_WEIGHTS
    names = list(w)
    p = np.array([w[k] for k in names], dtype=float)
    hit = rng.random(n) < share
    kind = np.array(names, dtype=object)[rng.choice(len(names), size=n, p=p / p.sum())]
    years = pd.DatetimeIndex(np.asarray(birth_dates, dtype="datetime64[D]")).year.to_numpy()
    kind = np.where((kind == "legacy_15") & (years >= 2000), "format", kind)
    out = ids.copy()
    issue = np.full(n, "", dtype=object)
    for i in np.flatnonzero(hit):
        number = str(ids[i])
        k = kind[i]
        if k == "typo":
            out[i] = _typo(rng, number)
        elif k == "legacy_15":
            out[i] = number[:6] + number[8:17]
        elif k == "missing_id":
            out[i] = None
        else:
            out[i] = _format_noise(rng, number)
        issue[i] = k
    return out, issue


def homophone(
    rng: np.random.Generator, names: Sequence[str] | np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Write a share of names with a homophone (同音字) in the given name, e.g. 王秀英 -> 王秀瑛.

    Only names with a character listed in :data:`HOMOPHONES` can change; the share is taken of
    all names, drawing among those that can.

    Returns
    -------
    names : ndarray of object
        The names as recorded.
    changed_mask : ndarray of bool
        True where the name was changed.

    Examples
    --------
    >>> out, changed = homophone(np.random.default_rng(0), ["王秀英", "李"], 1.0)
    >>> list(out), changed.tolist()
    (['王秀瑛', '李'], [True, False])
    """
    names = np.asarray(names, dtype=object)
    variant = np.array([homophone_of(str(x)) for x in names], dtype=object)
    can = variant != names
    n_target = int(round(share * len(names)))
    pool = np.flatnonzero(can)
    pick = rng.permutation(pool)[: min(n_target, len(pool))]
    changed = np.zeros(len(names), dtype=bool)
    changed[pick] = True
    return np.where(changed, variant, names), changed


# --------------------------------------------------------------------------- USCC


def _org_check(body: str) -> str:
    """Check character of an 8-character organisation-code body (GB 11714)."""
    values = np.array([_USCC_ALPHABET.index(c) if c.isdigit() else ord(c) - 55 for c in body])
    c = 11 - int((values * _ORG_WEIGHTS).sum()) % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def make_uscc(
    rng: np.random.Generator,
    n: int,
    region_codes: Sequence[str] | np.ndarray | str,
    *,
    keys: Sequence[int] | np.ndarray | None = None,
    kind: str = "91",
) -> list[str]:
    """Draw unified social credit codes (统一社会信用代码), valid per ``stdnum.cn.uscc``.

    Layout: registering authority and entity type (``91`` enterprise registered with market
    regulation, ``92`` individual business, ``93`` farmers' cooperative, ``12`` public
    institution), the 6-digit region code, a 9-character organisation code (``MA`` + 6
    characters + GB 11714 check character) and the check character.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n : int
        Number of codes.
    region_codes : str or array-like of str
        Region code (行政区划代码) of each organisation, or one for all.
    keys : array-like of int, optional
        Non-negative integers unique across the whole world (e.g. ``chunk * 10**6 + i``); when
        given, the codes are a bijection of the keys and therefore unique across chunks.
        Without keys the codes are random and unique within this call.
    kind : str
        The first two characters.

    Returns
    -------
    list of str

    Examples
    --------
    >>> codes = make_uscc(np.random.default_rng(1), 3, "341502")
    >>> [len(c) for c in codes], all(_uscc.is_valid(c) for c in codes)
    ([18, 18, 18], True)
    """
    regions = np.broadcast_to(np.asarray(region_codes, dtype=object), (n,))
    if keys is not None:
        k = np.asarray(keys, dtype=np.int64) % _BODY_SPACE
        values = (k * 387_420_489 + 123_456_789) % _BODY_SPACE  # 3**18 is coprime with 31**6
    else:
        values = rng.choice(_BODY_SPACE, size=n, replace=False) if n else np.zeros(0, np.int64)
    out = []
    for region, value in zip(regions, values.tolist(), strict=True):
        chars = []
        for _ in range(6):
            value, r = divmod(value, 31)
            chars.append(_USCC_ALPHABET[r])
        body = "MA" + "".join(chars)
        stem = f"{kind}{region}{body}{_org_check(body)}"
        out.append(stem + _uscc.calc_check_digit(stem))
    return out


# --------------------------------------------------------------------------- schema helpers


def field(
    name: str,
    kind: str,
    description: str,
    description_zh: str,
    *,
    personal: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A Frictionless field descriptor.

    ``unit`` and ``constraints`` become standard keys; any other keyword ``x`` becomes
    ``kit:x`` (``mask='id'``, ``identifier='ric'``, ``decimals=2``).

    Examples
    --------
    >>> field("amount", "number", "Amount.", "金额", unit="yuan", decimals=2)["kit:decimals"]
    2
    """
    out: dict[str, Any] = {
        "name": name,
        "type": kind,
        "description": description,
        "description_zh": description_zh,
    }
    for key in ("unit", "constraints"):
        if key in extra:
            out[key] = extra.pop(key)
    out["personal"] = personal
    out.update({f"kit:{k}": v for k, v in extra.items()})
    return out


def required(**more: Any) -> dict[str, Any]:
    """Constraints ``{"required": True, ...}``."""
    return {"required": True, **more}


def ric_field(
    description: str,
    description_zh: str,
    *,
    name: str = "id_number",
    master: bool = True,
    unique: bool = False,
) -> dict[str, Any]:
    """An ID-number field.

    Master data (``master=True``) must hold valid numbers (pattern, ``kit:identifier: ric``);
    secondary sources hold numbers as written, which may be dirty or missing.
    """
    if not master:
        return field(name, "string", description, description_zh, personal=True, mask="id")
    cons = required(pattern=RIC_PATTERN, **({"unique": True} if unique else {}))
    return field(
        name,
        "string",
        description,
        description_zh,
        personal=True,
        constraints=cons,
        mask="id",
        identifier="ric",
    )


def resource(
    name: str,
    title: str,
    title_zh: str,
    description: str,
    fields: list[dict[str, Any]],
    key: str | list[str],
    *,
    gz: bool = False,
) -> dict[str, Any]:
    """A tabular-data-resource descriptor stored as ``name.csv`` (or ``name.csv.gz``)."""
    out: dict[str, Any] = {
        "name": name,
        "path": f"{name}.csv.gz" if gz else f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
    }
    if gz:
        out["compression"] = "gz"
    out.update(
        {
            "title": title,
            "title_zh": title_zh,
            "description": description,
            "schema": {"fields": fields, "primaryKey": key},
        }
    )
    return out


def concat_chunks(chunks: Iterable[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """All chunks' tables concatenated (what a field's ``generate`` returns).

    A table that only some chunks make (such as a catalogue in the first chunk) is kept; a table
    made by one chunk only is returned as it is.
    """
    parts: dict[str, list[pd.DataFrame]] = {}
    for chunk in chunks:
        for name, frame in chunk.items():
            parts.setdefault(name, []).append(frame)
    return {
        name: frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        for name, frames in parts.items()
    }
