"""Custody and community-correction rosters, and their effect on pensions (SS02, SS03).

Part of :mod:`kit.datasets.generators.social_security`. Rules simulated: a pension is suspended
for the full calendar months a pensioner spends in prison (有期徒刑) or criminal detention (拘役);
the months of admission and release are paid. Pretrial detention (羁押) and community correction
(社区矫正: probation 缓刑, surveillance 管制, parole 假释, temporary execution outside prison 暂予监外执行)
keep the basic pension, but a pensioner under community correction on 1 January does not get
that year's annual increase (年度调整), and the missed increase is not restored afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kit.datasets.generators.common import COUNTIES, degrade_ids, homophone
from kit.datasets.generators.social_security._pensions import EMP, INST, SCENARIOS, Pensions
from kit.datasets.generators.social_security._people import (
    N_MONTHS,
    WINDOW_END,
    WINDOW_START,
    month_index,
    month_start,
)

#: Planted pensioners per 10,000 persons.
PLANTED = {
    "jail_case": 30,  # imprisoned or detained, pension paid on (SS02 case)
    "jail_suspended": 22,  # imprisoned or detained, pension suspended (SS02 trap)
    "pretrial": 14,  # pretrial detention, released without charge (SS02 trap)
    "cc_case": 30,  # under correction on 1 January, increase granted (SS03 case)
    "cc_recovered": 10,  # as cc_case, increase later stopped and recovered (SS03 trap)
    "cc_ended_before": 10,  # correction ended before 1 January (SS03 trap)
    "cc_began_after": 10,  # correction began after 1 January (SS03 trap)
    "cc_handled": 15,  # under correction on 1 January, no increase (correct)
}
#: Custody records of residents without a pension per 10,000 persons.
BACKGROUND = 90
CORRECTION_KINDS = ("probation", "surveillance", "parole", "temporary_release_outside_prison")
_CORRECTION_P = (0.62, 0.06, 0.2, 0.12)
_PRISONS = (
    "安徽省女子监狱",
    "安徽省白湖监狱",
    "安徽省潜川监狱",
    "安徽省九成监狱",
    "安徽省庐江监狱",
)


@dataclass
class CustodyPlan:
    """Custody records (one per episode) and what they mean for the pension roster."""

    person: list[int] = field(default_factory=list)
    custody_type: list[str] = field(default_factory=list)
    correction_kind: list[str | None] = field(default_factory=list)
    start: list[np.datetime64] = field(default_factory=list)
    end: list[np.datetime64] = field(default_factory=list)
    kind: dict[int, str] = field(default_factory=dict)  # pensioner index -> planted kind
    recover_from: dict[int, int] = field(default_factory=dict)  # pensioner -> window month

    def add(self, person: int, ctype: str, start: np.datetime64, end: np.datetime64,
            kind: str | None = None) -> None:  # fmt: skip
        """Append one custody episode."""
        self.person.append(int(person))
        self.custody_type.append(ctype)
        self.correction_kind.append(None)
        self.start.append(start)
        self.end.append(end)


def _day(rng: np.random.Generator, lo: np.datetime64, hi: np.datetime64) -> np.datetime64:
    span = max(int((hi - lo).astype(int)), 1)
    return lo + np.timedelta64(int(rng.integers(0, span)), "D")


def _jan1(year: int) -> np.datetime64:
    return np.datetime64(f"{year}-01-01", "D")


def plan_custody(
    rng: np.random.Generator, people: pd.DataFrame, pens: Pensions, n_persons: int
) -> tuple[CustodyPlan, np.ndarray]:
    """Plant custody episodes; set ``pens.suspended`` and return the blocked increases.

    Returns
    -------
    plan : CustodyPlan
    blocked : ndarray of bool, shape (P, 3)
        Increases of 2022..2024 rightly withheld (correction in force on 1 January).
    """
    assert pens.scenario is not None
    k = len(pens.person)
    counts = {key: round(v * n_persons / 10_000) for key, v in PLANTED.items()}
    alive = pens.scenario == SCENARIOS.index("alive")
    first = month_index(pens.start)
    free = alive & (first <= 0)
    plan = CustodyPlan()
    pens.suspended = np.full((k, 2), -1, dtype=int)
    blocked = np.zeros((k, 3), dtype=bool)

    def take(pool: np.ndarray, n: int) -> np.ndarray:
        pool = np.flatnonzero(pool)
        got = np.sort(rng.choice(pool, size=min(n, len(pool)), replace=False))
        free[got] = False
        return got

    for who in take(free, counts["jail_case"] + counts["jail_suspended"]):
        detention = rng.random() < 0.25
        s = int(rng.integers(1, 27))
        months = int(rng.integers(3, 7)) if detention else int(rng.integers(8, 49))
        start = _day(rng, month_start(s), month_start(s + 1))
        end = start + np.timedelta64(int(months * 30.4), "D")
        e = int(month_index(np.array([end]))[0])
        plan.add(pens.person[who], "criminal_detention" if detention else "imprisonment", start,
                 end if end <= WINDOW_END else np.datetime64("NaT"))  # fmt: skip
        suspended = len([w for w, v in plan.kind.items() if v == "jail_suspended"])
        if suspended < counts["jail_suspended"] and rng.random() < 0.45:
            plan.kind[int(who)] = "jail_suspended"
            pens.suspended[who] = (s + 1, min(e - 1, N_MONTHS - 1))
        else:
            plan.kind[int(who)] = "jail_case"
            if rng.random() < 0.3 and e - s > 5:  # noticed late, suspended after a while
                pens.suspended[who] = (s + int(rng.integers(3, 5)), min(e - 1, N_MONTHS - 1))
    for who in take(free, counts["pretrial"]):
        s = int(rng.integers(0, 30))
        start = _day(rng, month_start(s), month_start(s + 1))
        end = start + np.timedelta64(int(rng.integers(45, 300)), "D")
        plan.add(pens.person[who], "pretrial_detention", start, min(end, WINDOW_END))
        plan.kind[int(who)] = "pretrial"

    emp = free & np.isin(pens.scheme, [EMP, INST])
    for key in ("cc_case", "cc_recovered", "cc_ended_before", "cc_began_after", "cc_handled"):
        for who in take(emp, counts[key]):
            year = int(rng.choice([2022, 2023, 2024], p=[0.2, 0.4, 0.4]))
            jan1 = _jan1(year)
            if key in ("cc_case", "cc_recovered", "cc_handled"):
                start = jan1 - np.timedelta64(int(rng.integers(20, 330)), "D")
                end = jan1 + np.timedelta64(int(rng.integers(30, 330)), "D")
                if key == "cc_handled" and rng.random() < 0.4:
                    end = start + np.timedelta64(int(rng.integers(800, 1400)), "D")
            elif key == "cc_ended_before":
                start = _day(rng, np.datetime64("2021-03-01"), np.datetime64("2021-12-01"))
                end = _day(rng, np.datetime64("2022-02-01"), np.datetime64("2023-11-30"))
            else:
                start = _day(rng, jan1 + 20, jan1 + 200)
                end = start + np.timedelta64(int(rng.integers(60, 150)), "D")
            plan.add(pens.person[who], "community_correction", start,
                     end if end <= WINDOW_END else np.datetime64("NaT"))  # fmt: skip
            plan.correction_kind[-1] = str(rng.choice(CORRECTION_KINDS, p=_CORRECTION_P))
            plan.kind[int(who)] = key
            covered = [_jan1(y) >= start and _jan1(y) <= end for y in (2022, 2023, 2024)]
            if key in ("cc_handled", "cc_ended_before"):
                blocked[who] = covered
            if key == "cc_recovered":
                plan.recover_from[int(who)] = 12 * (year - 2022) + int(rng.integers(7, 12))
    _background(rng, people, pens, plan, n_persons)
    return plan, blocked


def _background(
    rng: np.random.Generator, people: pd.DataFrame, pens: Pensions, plan: CustodyPlan, n: int
) -> None:
    """Custody records of residents aged 18-70 without a pension."""
    on_roster = np.zeros(len(people), dtype=bool)
    on_roster[pens.person] = True
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (WINDOW_START - birth).astype(int) / 365.25
    pool = np.flatnonzero(~on_roster & (age >= 18) & (age <= 70))
    male = people["male"].to_numpy()
    weights = np.where(male[pool], 6.0, 1.0) * np.exp(-np.abs(age[pool] - 35) / 15)
    m = min(round(BACKGROUND * n / 10_000), len(pool))
    chosen = np.sort(rng.choice(pool, size=m, replace=False, p=weights / weights.sum()))
    kinds = rng.choice(
        ["imprisonment", "criminal_detention", "pretrial_detention", "community_correction"],
        size=m,
        p=[0.38, 0.12, 0.2, 0.3],
    )
    for person, kind in zip(chosen, kinds, strict=True):
        start = _day(rng, np.datetime64("2019-06-01"), np.datetime64("2024-11-30"))
        days = {
            "imprisonment": int(rng.integers(180, 2500)),
            "criminal_detention": int(rng.integers(30, 180)),
            "pretrial_detention": int(rng.integers(20, 300)),
            "community_correction": int(rng.integers(120, 1500)),
        }[str(kind)]
        end = start + np.timedelta64(days, "D")
        if end < WINDOW_START:
            start, end = start + 900, end + 900
        plan.add(person, str(kind), start, end if end <= WINDOW_END else np.datetime64("NaT"))
        if kind == "community_correction":
            plan.correction_kind[-1] = str(rng.choice(CORRECTION_KINDS, p=_CORRECTION_P))


def custody_records(
    rng: np.random.Generator, people: pd.DataFrame, plan: CustodyPlan, noise: float, prefix: str
) -> pd.DataFrame:
    """The custody roster (``custody.csv``) with identity noise.

    Returns the table columns plus ``_person``, ``_issue`` and ``_clean``, sorted by record id.
    """
    person = np.asarray(plan.person, dtype=int)
    ctype = np.asarray(plan.custody_type, dtype=object)
    county = pd.Series(people["region_code"].to_numpy()[person])
    names = {c[0]: c[1] for c in COUNTIES}
    short = county.map(names).to_numpy()
    prison = np.array(_PRISONS, dtype=object)[rng.integers(1, len(_PRISONS), len(person))]
    prison = np.where(people["male"].to_numpy()[person], prison, _PRISONS[0])
    institution = np.select(
        [ctype == "imprisonment", ctype == "community_correction"],
        [prison, np.char.add(short.astype(str), "司法局")],
        np.char.add(short.astype(str), "看守所"),
    )
    source = np.select(
        [ctype == "imprisonment", ctype == "community_correction"],
        ["prison", "judicial_bureau"],
        "detention_center",
    )
    ids = people["id_number"].to_numpy()[person]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")[person]
    noisy, issue = degrade_ids(rng, ids, birth, noise)
    named, changed = homophone(rng, people["name"].to_numpy()[person], 0.4 * noise)
    changed &= issue == ""
    issue = np.where(changed, "homophone_name", issue)
    missing = issue == "missing_id"
    frame = pd.DataFrame(
        {
            "source": source,
            "id_number": noisy,
            "name": named,
            "custody_type": ctype,
            "correction_kind": np.asarray(plan.correction_kind, dtype=object),
            "start_date": np.asarray(plan.start, dtype="datetime64[D]"),
            "end_date": np.asarray(plan.end, dtype="datetime64[D]"),
            "institution": institution,
            "birth_date": np.where(missing, birth, np.datetime64("NaT")),
            "address": np.where(missing, people["address"].to_numpy()[person], None),
            "_person": person,
            "_issue": issue,
            "_clean": ids,
        }
    )
    frame = frame.sort_values(["start_date", "_clean"], kind="stable").reset_index(drop=True)
    width = max(5, len(str(len(frame))))
    frame.insert(0, "record_id", [f"C{prefix}{i:0{width}d}" for i in range(1, len(frame) + 1)])
    return frame
