"""Employer contribution spells and unemployment benefit payments (SS05).

Part of :mod:`kit.datasets.generators.social_security`. Contributions are stored as spells (one
row per person, employer and continuous period) to keep the tables small. Unemployment benefit
(失业保险金) is paid monthly after a spell ends, a little under the minimum wage, and must stop
when the claimant starts a new job. Planted: real cases (a new regular spell covers two or more
benefit months) and traps (one month of overlap at re-employment; a spell of the former employer
back-dated by a correction after labour arbitration, 补缴, declared after the benefit ended).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.social_security._people import N_MONTHS, month_start

#: Per 10,000 persons.
N_WORKERS = 2_300
N_CLAIMANTS = 70
PLANTED = {"ue_case": 30, "ue_one_month": 15, "ue_backdated": 12}
#: Monthly unemployment benefit by year (a little under the Lu'an minimum wage).
BENEFIT = {2021: 1_800.0, 2022: 1_800.0, 2023: 1_860.0, 2024: 1_920.0}


def ym(t: np.ndarray | list[int]) -> np.ndarray:
    """Window month index to ``'YYYY-MM'`` (negative indices are before 2022)."""
    t = np.asarray(t, dtype=np.int64)
    if not t.size:
        return np.zeros(0, dtype=object)
    months, where = np.unique(t, return_inverse=True)  # format each distinct month once
    labels = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in months.tolist()]
    return np.array(labels, dtype=object)[where.reshape(t.shape)]


def contributions_and_benefits(
    rng: np.random.Generator,
    people: pd.DataFrame,
    usccs: np.ndarray,
    n_persons: int,
    taken: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """Contribution spells, benefit payments and the planted SS05 kind per claimant.

    Parameters
    ----------
    usccs : ndarray of str
        Employers to draw from.
    taken : ndarray of bool
        Persons not to use as workers (pensioners, the dead, planted elsewhere).

    Returns
    -------
    spells : DataFrame
        ``_person``, ``employer_uscc``, ``start`` and ``end`` (window month, end -1 if open ...),
        ``monthly_base``, ``declared_date``, ``entry_type``.
    benefits : DataFrame
        ``_person``, ``t`` (window month), ``amount``, ``pay_date``.
    kind : dict of int to str
        Planted kind of each planted claimant.
    """
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64("2022-01-01") - birth).astype(int) / 365.25
    urban = people["hukou_type"].to_numpy() == "urban"
    pool = np.flatnonzero(~taken & (age >= 19) & (age <= 56))
    w = np.where(urban[pool], 2.0, 1.0)
    n_work = min(round(N_WORKERS * n_persons / 10_000), len(pool))
    workers = rng.choice(pool, size=n_work, replace=False, p=w / w.sum())
    spells: list[tuple[int, int, int, int, float, int, str]] = []  # person, emp, s, e, base, decl
    base_of = np.exp(rng.normal(np.log(5_200), 0.35, len(people))).clip(4_000, 22_000).round(-1)

    def add(
        person: int, s: int, e: int, kind: str = "regular", decl: int | None = None,
        emp: int | None = None,
    ) -> int:  # fmt: skip
        emp = int(rng.integers(0, len(usccs))) if emp is None else emp
        spells.append((person, emp, s, e, float(base_of[person]), s if decl is None else decl,
                       kind))  # fmt: skip
        return emp

    n_claim = round(N_CLAIMANTS * n_persons / 10_000)
    counts = {k: round(v * n_persons / 10_000) for k, v in PLANTED.items()}
    n_special = n_claim + sum(counts.values())
    claimants, regular = workers[:n_special], workers[n_special:]
    for p in regular.tolist():
        s = int(rng.integers(-200, 34))
        if rng.random() < 0.3:
            e = s + int(rng.integers(3, 60))
            add(p, s, e)
            if e < 33 and rng.random() < 0.8:
                add(p, e + int(rng.integers(1, 4)), 10_000)
        else:
            add(p, s, 10_000)
    kinds = ["background"] * n_claim + [k for k, v in counts.items() for _ in range(v)]
    order = rng.permutation(len(kinds))
    benefits: list[tuple[int, int]] = []
    planted: dict[int, str] = {}
    for p, kind in zip(claimants.tolist(), [kinds[i] for i in order], strict=False):
        e = int(rng.integers(-4, 24))  # last month of the old job
        old = add(p, e - int(rng.integers(14, 120)), e)
        b0 = e + 1 + int(rng.integers(0, 2))
        length = int(rng.integers(4, 13))
        b1 = min(b0 + length - 1, N_MONTHS - 1)
        if kind == "ue_case":
            b1 = min(b0 + max(length, 6) - 1, N_MONTHS - 1)
            new = int(rng.integers(max(b0, 0), b1 - 1))
            add(p, new, 10_000)
        elif kind == "ue_one_month":
            add(p, b1, 10_000)
        elif kind == "ue_backdated":
            back_to = min(e + int(rng.integers(2, 5)), b1)
            add(p, e + 1, back_to, "back_payment", b1 + int(rng.integers(2, 8)), old)
            if b1 < 30 and rng.random() < 0.5:
                add(p, b1 + int(rng.integers(2, 6)), 10_000)
        elif b1 < 32 and rng.random() < 0.55:
            add(p, b1 + int(rng.integers(1, 6)), 10_000)
        if kind != "background":
            planted[int(p)] = kind
        benefits += [(int(p), t) for t in range(max(b0, 0), b1 + 1)]
    sp = pd.DataFrame(
        spells,
        columns=["_person", "_emp", "start", "end", "monthly_base", "_decl", "entry_type"],
    )
    sp["employer_uscc"] = usccs[sp["_emp"].to_numpy()]
    decl = sp["_decl"].to_numpy()
    sp["declared_date"] = month_start(decl) + rng.integers(0, 20, len(sp)).astype("timedelta64[D]")
    bf = pd.DataFrame(benefits, columns=["_person", "t"])
    year = 2022 + bf["t"].to_numpy() // 12
    bf["amount"] = np.array([BENEFIT[y] for y in year.tolist()])
    bf["pay_date"] = np.busday_offset(month_start(bf["t"].to_numpy() + 1) + 9, 0, roll="backward")
    return sp.drop(columns=["_emp", "_decl"]), bf, planted
