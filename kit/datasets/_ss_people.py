"""Synthetic population of the social security sample: persons, identity numbers and deaths.

Part of :mod:`kit.datasets.social_security`; every function takes the caller's
``numpy.random.Generator`` so one seed fixes the whole dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from stdnum.cn import ric

from kit.datasets import _names

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
    rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """Unique 18-character resident ID numbers; the sequence digit is odd for men."""
    ymd = pd.DatetimeIndex(birth).strftime("%Y%m%d").to_numpy()
    stem = np.char.add(region.astype(str), ymd.astype(str))
    seq = 2 * rng.integers(0, 500, size=len(stem)) + male.astype(int)
    while True:  # re-draw the (rare) duplicates until every number is unique
        first17 = np.char.add(stem, np.char.zfill(seq.astype(str), 3))
        dup = pd.Series(first17).duplicated().to_numpy()
        if not dup.any():
            break
        seq[dup] = 2 * rng.integers(0, 500, size=int(dup.sum())) + male[dup].astype(int)
    checks = [ric.calc_check_digit(f + "0") for f in first17.tolist()]
    return np.char.add(first17, np.array(checks, dtype=str)).astype(object)


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


def make_persons(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Draw ``n`` residents with Anhui's age structure.

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
            "id_number": _id_numbers(rng, region, birth, male),
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
