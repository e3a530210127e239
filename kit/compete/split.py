"""Public and private splits (公开榜 / 私有榜) of the hidden test data, and the review capacity of each.

Teams see their **public** score during the competition; the **private** score, on the other
part of the same data, decides the final ranking, so tuning a notebook to the public board does
not pay. Every truth row and every clue falls in exactly one split:

- :class:`HashSplit` (default): public when ``sha256("seed|pattern|subject_id")`` read as a
  number in [0, 1) is below the public share. Deterministic, independent of row order, and
  unknowable without the organiser's split seed (which is not the data seed).
- :class:`TimeSplit`: a truth row is public when its date column is before a cutoff (earlier
  cases public, later ones private, like a model used on next year's data). The truth table
  must carry the column.

A clue takes the split of the truth row it matches on (pattern, subject_id). A clue matching no
truth row is placed by the seeded hash of its (pattern, subject_id) (:meth:`HashSplit.place`,
:meth:`TimeSplit.place`). Nothing else in the clue file is read for the split: a team cannot move
its clues between the boards, and the board a clue lands on tells nothing about private truth.

The review capacity k is shared between the splits in proportion to their truth rows (cases and
traps): ``k_public = floor(k * public_rows / all_rows + 0.5)``, at least 1, and
``k_private = k - k_public``, at least 1 (:func:`apportion`).

Examples
--------
>>> round(split_value(213, "pension_after_death", "S02"), 4)
0.1752
>>> apportion(5, public_rows=3, all_rows=8)
(2, 3)
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import pandas as pd

from kit.errors import KitError

PUBLIC, PRIVATE = "public", "private"
SPLITS = (PUBLIC, PRIVATE)


def split_value(seed: int, pattern: str, subject_id: str) -> float:
    """A number in [0, 1) from a seeded hash of (pattern, subject_id)."""
    digest = hashlib.sha256(f"{seed}|{pattern}|{subject_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class HashSplit:
    """Public when the seeded hash of (pattern, subject_id) is below ``public_share``.

    Parameters
    ----------
    seed : int
        The organiser's split seed (keep it secret; it is not the data seed).
    public_share : float
        Expected share of truth rows and clues in the public split, between 0 and 1.
    """

    seed: int = 0
    public_share: float = 0.3

    def __post_init__(self) -> None:
        if not 0.0 < float(self.public_share) < 1.0:
            raise KitError(
                f"public_share={self.public_share}: give a share between 0 and 1, e.g. 0.3."
            )

    def assign(self, frame: pd.DataFrame) -> pd.Series:
        """``"public"`` or ``"private"`` for each row of a frame with pattern and subject_id."""
        values = [
            split_value(self.seed, str(p), str(s))
            for p, s in zip(frame["pattern"], frame["subject_id"], strict=True)
        ]
        flags = pd.Series(values, index=frame.index, dtype=float) < self.public_share
        return flags.map({True: PUBLIC, False: PRIVATE}).astype(object)

    def place(self, frame: pd.DataFrame) -> pd.Series:
        """The split of clues that match no truth row: the same seeded hash."""
        return self.assign(frame)

    def describe(self) -> str:
        """One line for reports (the seed is not shown)."""
        return f"hash split, public share {self.public_share:.0%} (seed kept by the organiser)"


@dataclass(frozen=True)
class TimeSplit:
    """A truth row is public when ``column`` is before ``cutoff`` (YYYY-MM-DD); rows without a
    date are private.

    Parameters
    ----------
    column, cutoff : str
        The truth table's date column and the first private day.
    seed, public_share
        Place clues that match no truth row, as :class:`HashSplit` would (never by a column of
        the clue file).
    """

    column: str
    cutoff: str
    seed: int = 0
    public_share: float = 0.3

    def __post_init__(self) -> None:
        try:
            pd.Timestamp(self.cutoff)
        except ValueError:
            raise KitError(
                f"Time split cutoff {self.cutoff!r} is not a date; write YYYY-MM-DD."
            ) from None

    def assign(self, frame: pd.DataFrame) -> pd.Series:
        """``"public"`` or ``"private"`` for each truth row (from ``column``).

        Raises
        ------
        KitError
            When the table has no such column.
        """
        if self.column not in frame.columns:
            have = ", ".join(map(str, frame.columns))
            raise KitError(
                f"The time split needs the column {self.column!r} in the truth table, which has "
                f"only: {have}. Fix: add the date column to truth.csv, or use the hash split "
                "(drop --time-split)."
            )
        dates = pd.to_datetime(frame[self.column], errors="coerce")
        flags = dates < pd.Timestamp(self.cutoff)
        return flags.map({True: PUBLIC, False: PRIVATE}).astype(object)

    def place(self, frame: pd.DataFrame) -> pd.Series:
        """The split of clues that match no truth row: the seeded hash of (pattern, subject_id)."""
        return HashSplit(self.seed, self.public_share).assign(frame)

    def describe(self) -> str:
        """One line for reports."""
        return f"time split: {self.column} before {self.cutoff} is public"


Split = HashSplit | TimeSplit


def apportion(capacity: int, public_rows: int, all_rows: int) -> tuple[int, int]:
    """Review capacity of the public and the private split (see the module docstring).

    Examples
    --------
    >>> apportion(50, 30, 100), apportion(2, 0, 10)
    ((15, 35), (1, 1))
    """
    share = public_rows / all_rows if all_rows else 0.0
    public = max(1, math.floor(capacity * share + 0.5))
    return public, max(1, capacity - public)
