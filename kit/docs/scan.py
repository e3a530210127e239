"""Scan generated documents for raw identifiers before they are shared.

:func:`raw_identifiers` finds resident ID numbers (18 characters with a valid check character, and
legacy 15-digit numbers with a real region and birth date), unified social credit codes with a
valid check character, and given full names, in any text. Images embedded as ``data:`` URIs are
skipped. Findings are reported masked, so the scan's own output leaks nothing.

Examples
--------
>>> raw_identifiers("masked 340102********1234, raw 34010219500101122X and 张小明", names={"张小明"})
[Finding(kind='resident ID', masked='340102********122X', position=31), Finding(kind='name', masked='张*明', position=54)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kit.ids import is_valid, is_valid_uscc
from kit.mask import mask_id, mask_name, mask_uscc

_ID18 = re.compile(r"(?<![0-9０-９])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9A-Za-z])")
_USCC = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])"
)
_DATA_URI = re.compile(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+")
#: File suffixes :func:`scan_folder` reads.
TEXT_SUFFIXES = (".html", ".htm", ".md", ".csv", ".txt", ".json")


@dataclass(frozen=True)
class Finding:
    """A raw identifier found in a text: its kind, the value masked, and where it starts."""

    kind: str
    masked: str
    position: int


def raw_identifiers(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """Raw resident ID numbers, company codes and the given full names found in ``text``.

    Parameters
    ----------
    text : str
        The document (Markdown, HTML, CSV ...).
    names : iterable of str
        Full names that must not appear (e.g. the ``name`` column of a persons table). Names of
        fewer than three characters are ignored: two-character names also occur as ordinary
        words.

    Returns
    -------
    list of Finding
        In the order found; empty when the text is clean.
    """
    text = _DATA_URI.sub("data:", text)
    found = []
    for m in _ID18.finditer(text):
        if is_valid(m[0]):
            found.append(Finding("resident ID", mask_id(m[0]), m.start()))
    for m in _ID15.finditer(text):
        if is_valid(m[0]):
            found.append(Finding("resident ID (15 digits)", mask_id(m[0]), m.start()))
    for m in _USCC.finditer(text):
        if is_valid_uscc(m[0]):
            found.append(Finding("USCC", mask_uscc(m[0]), m.start()))
    wanted = sorted({n for n in names if isinstance(n, str) and len(n) >= 3})
    if wanted:
        pattern = re.compile("|".join(re.escape(n) for n in wanted))
        found += [Finding("name", mask_name(m[0]), m.start()) for m in pattern.finditer(text)]
    return sorted(found, key=lambda f: f.position)


def scan_folder(folder: str | Path, names: Iterable[str] = ()) -> dict[str, list[Finding]]:
    """:func:`raw_identifiers` over every text file under ``folder`` (by relative path).

    Only files with findings are returned, so an empty dictionary means the folder is clean.
    """
    folder = Path(folder)
    names = list(names)
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            hits = raw_identifiers(path.read_text(encoding="utf-8", errors="replace"), names)
            if hits:
                out[path.relative_to(folder).as_posix()] = hits
    return out
