"""Checked conversion of ledger values: dates, periods, amounts in yuan and fen, counts.

Every parser raises :class:`FieldError` naming the field, the bad value and the fix; the API lets
it through as a :class:`~kit.errors.LedgerError`, the Excel import collects one per cell.

Examples
--------
>>> yuan_to_fen("18,300,000.55"), fen_to_yuan(1830000055)
(1830000055, Decimal('18300000.55'))
>>> parse_period("2024-01", "2024-04")
(datetime.date(2024, 1, 1), datetime.date(2024, 4, 30))
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from kit.errors import LedgerError


class FieldError(LedgerError):
    """One field's value is not acceptable; ``field`` names it, ``fix`` says what to do."""

    def __init__(self, field: str, message: str, fix: str = "") -> None:
        self.field = field
        self.detail = message
        self.fix = fix
        super().__init__(f"{field}: {message}" + (f" Fix: {fix}" if fix else ""))


def is_blank(value: Any) -> bool:
    """True for ``None``, empty or whitespace-only text, and NaN."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def parse_date(value: Any, field: str, required: bool = True) -> dt.date | None:
    """A date from a ``date``, ``datetime`` or ``YYYY-MM-DD`` text.

    Examples
    --------
    >>> parse_date("2024-02-29", "filed_on")
    datetime.date(2024, 2, 29)
    """
    if is_blank(value):
        if required:
            raise FieldError(field, "is empty.", "give a date written YYYY-MM-DD.")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(field, f"{text!r} is not a date.", "write it YYYY-MM-DD.") from None


def parse_period(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    """The first and last day of a period given as dates or months (``2024-01`` .. ``2024-04``).

    A month as ``start`` means its first day; a month as ``end`` means its last day.
    """
    first = _month_or_date(start, "from", last=False)
    last = _month_or_date(end, "to", last=True)
    if last < first:
        raise FieldError("to", f"{last} is before the start {first}.", "give from <= to.")
    return first, last


def _month_or_date(value: Any, field: str, last: bool) -> dt.date:
    text = str(value).strip()
    if len(text) == 7 and text[4] == "-":
        try:
            year, month = int(text[:4]), int(text[5:])
            day = calendar.monthrange(year, month)[1] if last else 1
            return dt.date(year, month, day)
        except ValueError:
            pass
        raise FieldError(field, f"{text!r} is not a month.", "write YYYY-MM or YYYY-MM-DD.")
    parsed = parse_date(value, field)
    assert parsed is not None
    return parsed


def yuan_to_fen(value: Any, field: str = "amount", required: bool = False) -> int:
    """An amount in yuan (number or text, commas allowed) as whole fen; blank is 0.

    Raises
    ------
    FieldError
        If the amount is not a number, is negative, or has more than two decimals.

    Examples
    --------
    >>> yuan_to_fen(12.5), yuan_to_fen("")
    (1250, 0)
    """
    if is_blank(value):
        if required:
            raise FieldError(field, "is empty.", "give an amount in yuan, e.g. 1234.56.")
        return 0
    if isinstance(value, bool):
        raise FieldError(field, f"{value!r} is not an amount.", "give an amount in yuan.")
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise FieldError(
            field, f"{value!r} is not an amount.", "give an amount in yuan, e.g. 1234.56."
        ) from None
    if not amount.is_finite():
        raise FieldError(field, f"{value!r} is not an amount.", "give an amount in yuan.")
    if amount < 0:
        raise FieldError(
            field, f"{value!r} is negative.", "amounts recovered are 0 or more (yuan)."
        )
    fen = amount * 100
    if fen != fen.to_integral_value():
        rounded = fen.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        if abs(fen - rounded) > Decimal("0.000001"):  # float noise from spreadsheets is fine
            raise FieldError(
                field, f"{value!r} has more than two decimals.", "round to fen (0.01 yuan)."
            )
        fen = rounded
    if fen > MAX_FEN:
        raise FieldError(field, f"{value!r} is too large for the ledger.", "check the amount.")
    return int(fen)


def fen_to_yuan(fen: int | None) -> Decimal:
    """Whole fen as an exact yuan amount with two decimals."""
    return (Decimal(int(fen or 0)) / 100).quantize(Decimal("0.01"))


#: Largest count (clues, cases, versions): the databases' 4-byte INTEGER, the same on both.
MAX_COUNT = 2_147_483_647
#: Largest amount in fen: the databases' 8-byte BIGINT, the same on both.
MAX_FEN = 9_223_372_036_854_775_807


def parse_count(value: Any, field: str, default: int | None = None) -> int:
    """A whole number of 0 or more (clues, cases); ``"3.0"`` from a spreadsheet is 3.

    Examples
    --------
    >>> parse_count("1.0", "version"), parse_count(None, "cases_formed", default=0)
    (1, 0)
    """
    if is_blank(value):
        if default is not None:
            return default
        raise FieldError(field, "is empty.", "give a whole number (0 or more).")
    if isinstance(value, bool):
        raise FieldError(field, f"{value!r} is not a whole number of 0 or more.", "fix the count.")
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise FieldError(field, f"{value!r} is not a whole number of 0 or more.", "fix the count.")
    if number > MAX_COUNT:
        raise FieldError(
            field, f"{value!r} is larger than {MAX_COUNT:,}.", "check the number; it is too large."
        )
    return int(number)


def parse_text(value: Any, field: str, required: bool = False, max_length: int = 0) -> str:
    """Stripped text; blank is ``''`` unless required.

    Raises
    ------
    FieldError
        If required and blank, longer than ``max_length`` characters (when given), or holding
        a NUL character (PostgreSQL cannot store it, so neither database takes it).
    """
    text = "" if is_blank(value) else str(value).strip()
    if required and not text:
        raise FieldError(field, "is empty.", "fill it in.")
    check_length(text, field, max_length)
    if "\x00" in text:
        raise FieldError(field, f"{text[:20]!r} holds a NUL character (\\x00).", "remove it.")
    return text


def check_length(text: str, field: str, max_length: int) -> None:
    """Refuse ``text`` longer than ``max_length`` characters (0: no limit), on every database.

    Examples
    --------
    >>> check_length("x" * 65, "clue_id", 64)
    Traceback (most recent call last):
    ...
    kit.ledger.values.FieldError: clue_id: 'xxxxxxxxxxxxxxxxxxxx...' is 65 characters long, more than the 64 allowed. Fix: shorten it to 64 characters or fewer.
    """
    if max_length and len(text) > max_length:
        raise FieldError(
            field,
            f"{text[:20] + '...'!r} is {len(text)} characters long, more than the {max_length} "
            "allowed.",
            f"shorten it to {max_length} characters or fewer.",
        )
