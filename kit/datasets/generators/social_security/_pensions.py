"""Pensions of the social security sample: enrolment, amounts, scenarios and payments.

Part of :mod:`kit.datasets.generators.social_security`. Schemes (养老保险): enterprise employees
(``employee``, 企业职工基本养老保险), public institutions (``institution``, 机关事业单位) and
urban-rural residents (``resident``, 城乡居民基本养老保险).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.datasets.generators.social_security._people import (
    N_MONTHS,
    WINDOW_END,
    month_index,
    month_start,
)

SCHEMES = ("employee", "institution", "resident")
EMP, INST, RES = 0, 1, 2
PAY_DAY = np.array([15, 10, 20])  # day of the month each scheme pays on (earlier if a weekend)
#: Annual adjustment (年度调整) effective January, paid from July with arrears (补发) for Jan-Jun:
#: percentage for employee and institution schemes, yuan for the resident scheme.
ADJUST_PCT = {2022: 0.04, 2023: 0.038, 2024: 0.03}
ADJUST_RESIDENT = {2022: 0.0, 2023: 0.0, 2024: 20.0}
RESIDENT_BASE = 135.0  # basic pension (基础养老金) before the 2024 increase, yuan a month
#: Share of the people entitled to a pension who appear in the pension roster (coverage is near
#: 100 %: a few never claimed).
ROSTER_SHARE = 0.99
#: Death-probability multiplier for pensioners, so that enough deaths can be planted.
PENSIONER_FRAILTY = 1.15
SCENARIOS = ("alive", "normal", "case", "recovered", "lag", "wrong_date", "living")
#: Planted counts per 10,000 persons.
PLANTED = {"case": 30, "recovered": 25, "lag": 15, "wrong_date": 12, "living": 8}

#: Pay date of every (scheme, window month), months 0..37, moved back to a Friday at weekends.
PAYDAY = np.busday_offset(
    month_start(np.arange(N_MONTHS + 2))[None, :] + (PAY_DAY[:, None] - 1),
    0,
    roll="backward",
)


@dataclass
class Pensions:
    """Pension roster being built (one entry per pensioner, arrays aligned)."""

    person: np.ndarray  # index into the persons frame
    scheme: np.ndarray  # 0 employee, 1 institution, 2 resident
    start: np.ndarray  # first day of the first month paid (datetime64[D])
    rates: np.ndarray  # monthly amount in force after July of 2021..2024, shape (P, 4)
    death: np.ndarray | None = None  # true death date or NaT
    scenario: np.ndarray | None = None  # index into SCENARIOS
    last: np.ndarray | None = None  # last window month paid
    stop: np.ndarray | None = None  # date the pension was stopped, NaT if still active
    suspended: np.ndarray | None = None  # (P, 2) first and last window month suspended, -1 none

    @property
    def first(self) -> np.ndarray:
        """First window month paid."""
        return np.maximum(month_index(self.start), 0)

    @property
    def death_month(self) -> np.ndarray:
        """Window month of death (a large number for the living)."""
        assert self.death is not None
        return np.where(np.isnat(self.death), 10_000, month_index(self.death))


def enrol(rng: np.random.Generator, persons: pd.DataFrame) -> Pensions:
    """Decide who draws which pension, from when, and how much."""
    n = len(persons)
    male, rural = persons["male"].to_numpy(), persons["rural"].to_numpy()
    u = rng.random(n)
    cuts = np.where(rural[:, None], [[0.12, 0.14, 0.985]], [[0.58, 0.75, 0.985]])
    scheme = (u[:, None] >= cuts).sum(axis=1)  # 3 = no pension
    female_age = np.where(rng.random(n) < 0.65, 50, 55)  # workers 50, cadres 55
    # retirement age: 60 for men and resident-scheme women, 55 for institution women
    retire = np.select([scheme == RES, male, scheme == INST], [60, 60, 55], female_age)
    birth_month = persons["birth_date"].to_numpy().astype("datetime64[M]")
    start = (birth_month + (12 * retire + 1).astype("timedelta64[M]")).astype("datetime64[D]")
    resident_from = np.datetime64("2011-07-01", "D")  # the resident scheme paid from about then
    start = np.where(scheme == RES, np.maximum(start, resident_from), start)
    take = (scheme < 3) & (start <= month_start(N_MONTHS - 1)) & (rng.random(n) < ROSTER_SHARE)
    idx = np.flatnonzero(take)
    scheme, start = scheme[idx], start[idx]
    k = len(idx)
    emp = np.exp(rng.normal(np.log(2800), 0.30, k)) * np.where(male[idx], 1.06, 0.94)
    inst = np.exp(rng.normal(np.log(4700), 0.22, k))
    own = np.minimum(np.exp(rng.normal(np.log(22), 0.9, k)), 300.0)  # personal account part
    start_year = np.maximum(pd.DatetimeIndex(start).year.to_numpy(), 2021)
    res = RESIDENT_BASE + np.where(start_year >= 2024, ADJUST_RESIDENT[2024], 0.0) + own
    initial = np.select(
        [scheme == EMP, scheme == INST],
        [np.clip(emp, 1500, 8000), np.clip(inst, 3000, 11000)],
        res,
    ).round(2)
    rates = grow_rates(initial, scheme, start_year, np.zeros((k, 3), dtype=bool))
    return Pensions(person=idx, scheme=scheme, start=start, rates=rates)


def grow_rates(
    initial: np.ndarray, scheme: np.ndarray, start_year: np.ndarray, blocked: np.ndarray
) -> np.ndarray:
    """Monthly amounts after July of 2021..2024, shape (P, 4), from the first amount.

    ``blocked[:, y]`` withholds the increase of year ``2022 + y`` (people under community
    correction on its effective date, 1 January, do not get it).
    """
    rates = np.full((len(initial), 4), np.nan)
    for col, year in enumerate(range(2021, 2025)):
        rates[start_year == year, col] = initial[start_year == year]
        if col:
            grown = start_year < year
            prev = rates[grown, col - 1]
            pct = np.where(scheme[grown] == RES, 0.0, ADJUST_PCT[year])
            add = np.where(scheme[grown] == RES, ADJUST_RESIDENT[year], 0.0)
            new = (prev * (1 + pct) + add).round(2)
            rates[grown, col] = np.where(blocked[grown, col - 1], prev, new)
    return rates


def initial_rate(pens: Pensions) -> np.ndarray:
    """First monthly amount of each pensioner (in force in 2021 or in the start year)."""
    start_year = np.maximum(pd.DatetimeIndex(pens.start).year.to_numpy(), 2021)
    return pens.rates[np.arange(len(pens.start)), start_year - 2021]


def _pick(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    """``k`` members of ``pool`` (sorted indices) drawn without replacement, sorted."""
    k = min(k, len(pool))
    return np.sort(rng.choice(pool, size=k, replace=False)) if k else pool[:0]


def _before_payday(rng: np.random.Generator, scheme: np.ndarray, month: np.ndarray) -> np.ndarray:
    """A day from the 1st of ``month`` to the day before that month's pay date."""
    first = month_start(month)
    room = (PAYDAY[scheme, np.minimum(month, N_MONTHS + 1)] - first).astype(int)
    return first + np.floor(rng.random(len(month)) * np.maximum(room, 1)).astype("timedelta64[D]")


def plant_scenarios(rng: np.random.Generator, pens: Pensions, n_persons: int) -> None:
    """Assign every pensioner a scenario and decide which months are paid and when it stops."""
    assert pens.death is not None
    k = len(pens.person)
    dead = ~np.isnat(pens.death)
    dm = pens.death_month
    scenario = np.where(dead, SCENARIOS.index("normal"), SCENARIOS.index("alive"))
    counts = {key: round(v * n_persons / 10_000) for key, v in PLANTED.items()}
    limits = {"case": 30, "recovered": 27, "lag": 33, "wrong_date": 31}  # latest death month
    for key, latest in limits.items():
        pool = np.flatnonzero(dead & (dm <= latest) & (scenario == SCENARIOS.index("normal")))
        scenario[_pick(rng, pool, counts[key])] = SCENARIOS.index(key)
    pool = np.flatnonzero(~dead & (month_index(pens.start) <= 6))
    scenario[_pick(rng, pool, counts["living"])] = SCENARIOS.index("living")

    extra = np.zeros(k, dtype=int)  # months paid after the death month
    extra[scenario == SCENARIOS.index("lag")] = 1
    rec = scenario == SCENARIOS.index("recovered")
    extra[rec] = rng.integers(1, 5, size=int(rec.sum()))
    case = np.flatnonzero(scenario == SCENARIOS.index("case"))
    to_end = rng.random(len(case)) < 0.55
    room = N_MONTHS - 1 - dm[case]
    months = 5 + np.floor(rng.random(len(case)) * np.maximum(room - 5, 0)).astype(int)
    extra[case] = np.where(to_end | (room <= 5), room, months)

    last = np.where(dead, np.minimum(dm + extra, N_MONTHS - 1), N_MONTHS - 1)
    stop = np.full(k, np.datetime64("NaT"), dtype="datetime64[D]")
    # every death stops the pension, except for cases still paid at the end of the window
    stopped = dead & ((last < N_MONTHS - 1) | (scenario != SCENARIOS.index("case")))
    nxt = last + 1
    when = _before_payday(rng, pens.scheme, nxt)
    normal_like = dead & (extra == 0)
    # normal deaths: stopped between the day after death and the next pay date
    gap = (PAYDAY[pens.scheme, np.minimum(nxt, N_MONTHS + 1)] - pens.death).astype("int64")
    gap = np.where(dead, gap, 2)
    after = (
        pens.death + 1 + np.floor(rng.random(k) * np.maximum(gap - 1, 1)).astype("timedelta64[D]")
    )
    when = np.where(normal_like, after, when)
    stop[stopped] = when[stopped]
    stop[stop > WINDOW_END] = np.datetime64("NaT")
    pens.scenario, pens.last, pens.stop = scenario, last, stop


def monthly_rate(pens: Pensions, t: np.ndarray, who: np.ndarray) -> np.ndarray:
    """Amount paid for window month ``t`` to pensioner ``who`` (old rate until June)."""
    year = t // 12
    eligible = month_index(pens.start[who]) < 12 * year  # retired before that year
    col = np.where(eligible & (t % 12 >= 6), year + 1, year)
    col = np.where(eligible, col, year + 1)
    return pens.rates[who, col]


def payments(rng: np.random.Generator, pens: Pensions) -> tuple[pd.DataFrame, np.ndarray]:
    """Monthly, arrears and death-benefit payments; also the death benefit per pensioner.

    Returns
    -------
    frame : DataFrame
        ``who`` (pensioner index), ``payment_type``, ``t`` (window month of the period),
        ``pay_date``, ``amount``.
    benefit_date : ndarray of datetime64
        Pay date of each pensioner's death benefit (NaT if none).
    """
    assert pens.last is not None and pens.stop is not None and pens.scenario is not None
    first, last = pens.first, pens.last
    count = np.maximum(last - first + 1, 0)
    who = np.repeat(np.arange(len(first)), count)
    t = first[who] + np.arange(len(who)) - np.repeat(np.cumsum(count) - count, count)
    if pens.suspended is not None:  # months suspended during imprisonment are not paid
        lo, hi = pens.suspended[who, 0], pens.suspended[who, 1]
        keep = ~((lo >= 0) & (t >= lo) & (t <= hi))
        who, t = who[keep], t[keep]
    parts = [
        pd.DataFrame(
            {
                "who": who,
                "payment_type": "monthly",
                "t": t,
                "pay_date": PAYDAY[pens.scheme[who], t],
                "amount": monthly_rate(pens, t, who),
            }
        )
    ]
    dm = pens.death_month
    for y in range(3):
        july = PAYDAY[pens.scheme, 12 * y + 6]
        known = ~np.isnat(pens.stop) & (pens.stop < july)
        cap = np.where(known, np.minimum(dm, last), np.minimum(last, 12 * y + 5))
        diff = (pens.rates[:, y + 1] - pens.rates[:, y]).round(2)
        ok = (month_index(pens.start) < 12 * y) & (cap >= 12 * y) & (diff > 0)
        for m in range(6):
            sel = np.flatnonzero(ok & (cap >= 12 * y + m))
            if pens.suspended is not None:
                lo, hi = pens.suspended[sel, 0], pens.suspended[sel, 1]
                sel = sel[~((lo >= 0) & (lo <= 12 * y + m) & (hi >= 12 * y + m))]
            parts.append(
                pd.DataFrame(
                    {
                        "who": sel,
                        "payment_type": "arrears",
                        "t": 12 * y + m,
                        "pay_date": july[sel],
                        "amount": diff[sel],
                    }
                )
            )
    case = pens.scenario == SCENARIOS.index("case")
    gets = ~np.isnat(pens.death) & (pens.scheme != RES) & ~case
    k = len(first)
    later = pens.death + rng.integers(30, 91, size=k).astype("timedelta64[D]")
    after_stop = pens.stop + rng.integers(5, 21, size=k).astype("timedelta64[D]")
    day = np.where(np.isnat(after_stop), later, np.maximum(later, after_stop))
    day = np.busday_offset(np.where(gets, day, WINDOW_END), 0, roll="forward")
    gets &= day <= WINDOW_END
    months = rng.integers(10, 21, size=k)
    sel = np.flatnonzero(gets)
    parts.append(
        pd.DataFrame(
            {
                "who": sel,
                "payment_type": "death_benefit",
                "t": dm[sel],
                "pay_date": day[sel],
                "amount": (months[sel] * monthly_rate(pens, dm[sel], sel)).round(2),
            }
        )
    )
    benefit = np.where(gets, day, np.datetime64("NaT"))
    return pd.concat(parts, ignore_index=True), benefit


def recoveries(
    rng: np.random.Generator, pens: Pensions, pay: pd.DataFrame, benefit: np.ndarray
) -> pd.DataFrame:
    """Money recovered (追回) for months paid after death; offsets reduce the death benefit.

    ``pay`` is changed in place when an overpayment is deducted from the death benefit.
    """
    assert pens.scenario is not None and pens.stop is not None
    dm = pens.death_month
    after = pay["payment_type"].isin(["monthly", "arrears"]) & (pay["t"] > dm[pay["who"]])
    over = pay[after].groupby("who")["amount"].sum().round(2)
    amounts = pay["amount"].to_numpy(copy=True)
    benefit_rows = np.flatnonzero((pay["payment_type"] == "death_benefit").to_numpy())
    benefit_who = pay["who"].to_numpy()[benefit_rows].tolist()
    benefit_row = dict(zip(benefit_who, benefit_rows.tolist(), strict=True))
    rows: list[tuple[int, float, np.datetime64, str]] = []
    end = WINDOW_END
    for who, amount in over.items():
        who = int(who)
        kind = SCENARIOS[pens.scenario[who]]
        stop = pens.stop[who]
        u = rng.random(4)
        if kind == "recovered":
            if not np.isnat(benefit[who]) and u[0] < 0.6:
                rows.append((who, amount, benefit[who], "offset_against_death_benefit"))
                hit = benefit_row[who]  # one death benefit per pensioner
                amounts[hit] = round(float(amounts[hit]) - amount, 2)
            elif u[1] < 0.65:
                day = min(stop + int(3 + u[2] * 27), end)
                rows.append((who, amount, day, "bank_clawback"))
            else:
                n = 1 + int(u[2] * 3)
                share = round(amount / n, 2)
                day = stop + int(10 + u[3] * 35)
                for i in range(n):
                    part = share if i < n - 1 else round(amount - share * (n - 1), 2)
                    rows.append((who, part, min(day, end), "family_refund"))
                    day = day + int(20 + rng.random() * 25)
        elif kind == "case" and not np.isnat(stop) and u[0] < 0.5:
            day = stop + int(10 + u[1] * 50)
            if day <= end:
                part = round(amount * (0.1 + 0.5 * u[2]), 2)
                rows.append((who, part, day, "bank_clawback"))
    pay["amount"] = amounts
    return pd.DataFrame(rows, columns=["who", "amount", "recovered_date", "reason"])
