"""Synthetic population of the social security sample: persons, identity numbers and deaths.

Part of :mod:`kit.datasets.generators.social_security`; every function takes the caller's
``numpy.random.Generator`` so one seed fixes the whole dataset. ID numbers stay unique across
chunks: chunk ``k`` of ``K`` only uses the sequence numbers ``j * K + k`` (3-digit sequence field).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators import _names

#: First and last day of the data window, and the date ages are measured at.
WINDOW_START = np.datetime64("2022-01-01", "D")
WINDOW_END = np.datetime64("2024-12-31", "D")
AGE_REFERENCE = np.datetime64("2024-01-01", "D")
N_MONTHS = 36
_DAYS_PER_YEAR = 365.2425

#: Share of the population in 5-year age bands 0-4, 5-9, ..., 100-104 (Anhui, about 2023:
#: about 21 % aged 60 or over, a large cohort born 1962-1973, few children).
AGE_BANDS = np.array(
    [4.0, 6.0, 6.8, 5.8, 4.8, 5.0, 7.6, 6.8, 6.0, 7.0, 8.8, 8.4, 5.4, 5.4, 4.4, 3.0, 1.9, 1.0,
     0.35, 0.1, 0.02]
)  # fmt: skip


def month_start(t: np.ndarray | int) -> np.ndarray:
    """First day of window month ``t`` (0 = 2022-01)."""
    return (np.datetime64("2022-01", "M") + np.asarray(t)).astype("datetime64[D]")


def month_index(dates: np.ndarray) -> np.ndarray:
    """Window month index (0 = 2022-01) of each date; may be negative or above 35."""
    return (dates.astype("datetime64[M]") - np.datetime64("2022-01", "M")).astype(int)


def age_at(birth: np.ndarray, when: np.ndarray | np.datetime64) -> np.ndarray:
    """Age in completed years at ``when``."""
    b = pd.DatetimeIndex(birth)
    w = pd.DatetimeIndex(np.broadcast_to(np.asarray(when, dtype="datetime64[D]"), birth.shape))
    before = (w.month < b.month) | ((w.month == b.month) & (w.day < b.day))
    return np.asarray(w.year - b.year - before, dtype=int)


def _id_numbers(
    rng: np.random.Generator,
    region: np.ndarray,
    birth: np.ndarray,
    male: np.ndarray,
    chunk: tuple[int, int] = (0, 1),
) -> np.ndarray:
    """Unique 18-character resident ID numbers; the sequence digit is odd for men.

    ``chunk`` is ``(k, K)``: chunk ``k`` of ``K`` draws its sequence numbers from its own slice,
    so numbers never repeat across chunks.
    """
    k, n_chunks = chunk
    slots = (500 - k + n_chunks - 1) // n_chunks
    if slots < 1:
        raise ValueError(f"at most 500 chunks are supported, got {n_chunks}")
    day = np.asarray(birth, dtype="datetime64[D]")
    year, month = day.astype("datetime64[Y]"), day.astype("datetime64[M]")
    ymd = (
        (year.astype(np.int64) + 1970) * 10_000
        + (month - year).astype(np.int64) * 100
        + (day - month).astype(np.int64)
        + 101
    )  # YYYYMMDD as a number (years 1000-9999)
    stem = np.char.add(region.astype(str), ymd.astype(str))

    def draw(size: int) -> np.ndarray:
        return rng.integers(0, slots, size=size) * n_chunks + k

    seq = 2 * draw(len(stem)) + male.astype(int)
    for _ in range(1000):  # re-draw the (rare) duplicates until every number is unique
        first17 = np.char.add(stem, np.char.zfill(seq.astype(str), 3))
        dup = pd.Series(first17).duplicated().to_numpy()
        if not dup.any():
            break
        seq[dup] = 2 * draw(int(dup.sum())) + male[dup].astype(int)
    else:  # pragma: no cover - needs hundreds of people born on one day in one county
        raise ValueError("too many people share a birth date and region for this chunking")
    return np.char.add(first17, check_digits(first17)).astype(object)


def check_digits(first17: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check characters of 17-digit strings, as ``stdnum.cn.ric`` computes.

    ``calc_check_digit`` is ``(1 - 2 * int(first17, 13)) % 11`` ('X' for 10); 13 = 2 (mod 11),
    so ``int(first17, 13) % 11`` is the sum of digit ``i`` times ``2 ** (16 - i)`` modulo 11.
    """
    if not len(first17):
        return np.zeros(0, dtype="<U1")
    if (np.char.str_len(first17) != 17).any():
        raise ValueError("ID number stems must have 17 digits")
    digits = np.frombuffer(np.asarray(first17, dtype="S17").tobytes(), dtype=np.uint8)
    digits = digits.reshape(-1, 17).astype(np.int64) - ord("0")
    weights = 2 ** np.arange(16, -1, -1, dtype=np.int64) % 11
    checksum = (1 - 2 * (digits @ weights)) % 11
    return np.array(list("0123456789X"))[checksum]


def _id_region(
    rng: np.random.Generator, county_idx: np.ndarray, birth_year: np.ndarray
) -> np.ndarray:
    """Region code in each ID number.

    People born before 1999 mostly hold numbers with the old Lu'an prefecture codes (3424xx);
    some got theirs later under today's code; a few were born elsewhere in Anhui.
    """
    current = np.array([c[0] for c in _names.COUNTIES])[county_idx]
    old = np.array([c[2] for c in _names.COUNTIES])[county_idx]
    code = np.where(birth_year < 1999, old, current)
    # 叶集区 (341504) exists from 2015; those born 1999-2014 there hold 霍邱县 numbers.
    code = np.where(
        (current == "341504") & (birth_year >= 1999) & (birth_year < 2015), "341522", code
    )
    u = rng.random(len(code))
    code = np.where((birth_year < 1999) & (u < 0.08), current, code)
    elsewhere = u > 0.96
    pick = rng.integers(0, len(_names.BORN_ELSEWHERE), size=len(code))
    for i in np.flatnonzero(elsewhere):
        other, since = _names.BORN_ELSEWHERE[pick[i]]
        if birth_year[i] >= since:
            code[i] = other
    return code


def make_persons(rng: np.random.Generator, n: int, chunk: tuple[int, int] = (0, 1)) -> pd.DataFrame:
    """Draw ``n`` residents with Anhui's age structure (chunk ``(k, K)``, see :func:`_id_numbers`).

    Returns
    -------
    DataFrame
        Columns of ``persons.csv`` plus helper columns ``male`` (bool) and ``rural`` (bool),
        in drawing order (not yet sorted).
    """
    probs = AGE_BANDS / AGE_BANDS.sum()
    band = rng.choice(len(probs), size=n, p=probs)
    age_days = np.floor((band * 5 + rng.random(n) * 5) * _DAYS_PER_YEAR).astype(int) + 1
    birth = AGE_REFERENCE - age_days.astype("timedelta64[D]")
    age = age_at(birth, AGE_REFERENCE)
    p_male = np.select([age >= 80, age >= 60], [0.42, 0.49], 0.515)
    male = rng.random(n) < p_male
    p_rural = np.select([age >= 60, age >= 18], [0.70, 0.60], 0.55)
    rural = rng.random(n) < p_rural
    weights = np.array([c[3] for c in _names.COUNTIES])
    county_idx = rng.choice(len(weights), size=n, p=weights / weights.sum())
    birth_year = pd.DatetimeIndex(birth).year.to_numpy()
    region = _id_region(rng, county_idx, birth_year)
    return pd.DataFrame(
        {
            "id_number": _id_numbers(rng, region, birth, male, chunk),
            "name": _names.draw_names(rng, male, birth_year),
            "sex": np.where(male, "M", "F"),
            "birth_date": birth,
            "region_code": np.array([c[0] for c in _names.COUNTIES])[county_idx],
            "address": _names.draw_addresses(rng, county_idx, rural),
            "hukou_type": np.where(rural, "rural", "urban"),
            "male": male,
            "rural": rural,
        }
    )


def annual_death_probability(age: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Probability of dying within a year (Gompertz curve near Chinese life tables).

    About 0.7 % at 60, 1.8 % at 70, 5 % at 80 and 14 % at 90 for men; women 30 % lower.
    """
    q = 0.0003 + 0.0068 * np.exp(0.097 * (age - 60.0)) + np.where(age < 1, 0.004, 0.0)
    q = np.where(male, q, 0.7 * q)
    return np.minimum(q, 0.6)


def simulate_deaths(
    rng: np.random.Generator, birth: np.ndarray, male: np.ndarray, frailty: np.ndarray
) -> np.ndarray:
    """Death date in the window for each person (``NaT`` when alive on 2024-12-31).

    Parameters
    ----------
    frailty : ndarray of float
        Multiplier of each person's death probability.
    """
    n = len(birth)
    death = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    alive = np.ones(n, dtype=bool)
    for t in range(N_MONTHS):
        start = month_start(t)
        days = int((month_start(t + 1) - start).astype(int))
        age = (start - birth).astype(int) / _DAYS_PER_YEAR
        q_month = 1.0 - (1.0 - annual_death_probability(age, male) * frailty) ** (1 / 12)
        dies = alive & (rng.random(n) < q_month) & (birth < start)
        day = rng.integers(0, days, size=n)
        death[dies] = start + day[dies].astype("timedelta64[D]")
        alive &= ~dies
    return death
