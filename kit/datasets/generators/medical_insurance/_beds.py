"""Registered beds and daily inpatient census of hospitals; bed over-occupancy (MI06).

Part of :mod:`kit.datasets.generators.medical_insurance`. The census (每日在院人数) counts every
insured inpatient of a hospital as reported to the medical insurance information platform, not
only the sample's persons, so it is a table of its own. ``institutions.registered_beds`` holds
the beds of the service agreement (定点协议) signed before the window; ``bed_registrations``
holds the registration history, including expansions approved during the window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.medical_insurance._institutions import Institutions
from kit.datasets.generators.medical_insurance._population import WINDOW_END, WINDOW_START

PATTERN = "bed_over_occupancy"
DAYS = pd.date_range(str(WINDOW_START), str(WINDOW_END), freq="D")


def _months(start: int, n: int) -> list[str]:
    return [str(p) for p in pd.period_range("2023-01", periods=24, freq="M")[start : start + n]]


def census(
    rng: np.random.Generator, inst: Institutions, plan: dict[str, int]
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Build ``bed_registrations`` and ``inpatient_census`` and the MI06 truth rows.

    Parameters
    ----------
    plan : dict
        ``mi06_hospitals`` (over-occupied hospitals), ``mi06_peak`` and ``mi06_expanded``
        (hospitals given each kind of trap).

    Returns
    -------
    registrations, census : DataFrame
    truth : list of dict
        One row per flagged institution-month (``subject_id`` = ``institution_id|YYYY-MM``).
    """
    hosp = np.flatnonzero(inst.kind == "hospital")
    beds = inst.beds
    ids = inst.table["institution_id"].to_numpy()
    private = inst.private
    level = inst.level
    n_days = len(DAYS)
    doy = DAYS.day_of_year.to_numpy()
    season = 1 + 0.07 * np.cos(2 * np.pi * (doy - 20) / 365.25)
    weekday = np.where(DAYS.day_of_week.to_numpy() >= 5, 0.96, 1.0)
    month_of_day = (DAYS.year.to_numpy() - 2023) * 12 + DAYS.month.to_numpy() - 1

    bad_pool = hosp[private[hosp] & (level[hosp] <= 2)]
    n_bad = min(plan["mi06_hospitals"], len(bad_pool))
    bad = rng.permutation(bad_pool)[:n_bad]
    public = hosp[~private[hosp] & (level[hosp] >= 2)]
    rest = rng.permutation(public)
    peak = rest[: plan["mi06_peak"]]
    expanded_pool = np.setdiff1d(hosp, np.concatenate([bad, peak]))
    expanded = rng.permutation(expanded_pool)[: plan["mi06_expanded"]]

    reg_rows: list[dict] = []
    truth: list[dict] = []
    frames: list[pd.DataFrame] = []
    for h in hosp:
        agreed = int(beds[h])
        signed = np.datetime64("2019-01-01") + int(rng.integers(0, 1400))
        reg_rows.append({"institution_id": ids[h], "effective_date": signed,
                         "registered_beds": agreed})  # fmt: skip
        cap = np.full(n_days, float(agreed))
        occ = rng.uniform(0.55, 0.8) if private[h] else rng.uniform(0.7, 0.86)
        factor = occ * season * weekday * rng.normal(1, 0.025, n_days)
        reason = np.full(24, "", dtype=object)
        if h in peak:  # winter peaks with extra beds in corridors (加床), within a tolerated margin
            factor = 0.92 * season / season.max() * weekday * rng.normal(1, 0.015, n_days)
            for m in (0, 1, 11, 12, 13, 23):
                days = month_of_day == m
                factor[days] = rng.uniform(1.03, 1.1) * rng.normal(1, 0.015, days.sum())
                reason[m] = "seasonal_peak_within_margin"
        if h in expanded:  # beds expanded during the window; the agreement is not yet updated
            start = int(rng.integers(3, 15))
            new = int(round(agreed * rng.uniform(1.5, 2.0) / 10) * 10)
            when = DAYS[0] + pd.DateOffset(months=start)
            reg_rows.append({"institution_id": ids[h], "effective_date": when.to_datetime64(),
                             "registered_beds": new})  # fmt: skip
            after = month_of_day >= start
            cap[after] = new
            factor[after] = (
                rng.uniform(0.8, 0.9) * weekday[after] * rng.normal(1, 0.02, after.sum())
            )
            inpatients = factor * cap
            for m in range(start, 24):
                if inpatients[month_of_day == m].mean() > agreed:
                    reason[m] = "beds_expanded_registration_updated"
        if h in bad:  # over-occupancy: patients registered far beyond the beds (挂床、虚增住院)
            start = int(rng.integers(0, 18))
            length = int(rng.integers(4, 8))
            for m in range(start, min(24, start + length)):
                days = month_of_day == m
                factor[days] = rng.uniform(1.5, 2.8) * rng.normal(1, 0.04, days.sum())
                reason[m] = "inpatients_far_above_beds"
        count = np.maximum(np.round(factor * cap), 0).astype(np.int64)
        if h not in peak and h not in bad and h not in expanded:
            count = np.minimum(count, int(agreed * 0.97))
        for m in np.flatnonzero(reason != ""):
            mean = count[month_of_day == m].mean()
            if mean <= agreed:
                continue
            case = reason[m] == "inpatients_far_above_beds"
            truth.append(
                {
                    "pattern": PATTERN,
                    "subject_type": "institution_month",
                    "subject_id": f"{ids[h]}|{_months(m, 1)[0]}",
                    "is_case": bool(case),
                    "amount_improper": 0.0,
                    "reason": str(reason[m]),
                    "note": _note(str(reason[m]), mean / agreed),
                }
            )
        frames.append(pd.DataFrame({"institution_id": ids[h], "date": DAYS, "inpatients": count}))
    reg = pd.DataFrame(reg_rows)
    reg["effective_date"] = pd.to_datetime(reg["effective_date"]).astype("datetime64[s]")
    reg = reg.sort_values(["institution_id", "effective_date"]).reset_index(drop=True)
    cen = pd.concat(frames, ignore_index=True)
    cen["date"] = cen["date"].astype("datetime64[s]")
    return reg, cen.sort_values(["institution_id", "date"]).reset_index(drop=True), truth


def _note(reason: str, ratio: float) -> str:
    pct = f"{ratio:.0%}"
    if reason == "inpatients_far_above_beds":
        return f"Daily inpatients averaged {pct} of the registered beds in the month."
    if reason == "seasonal_peak_within_margin":
        return f"Winter peak with corridor beds: daily inpatients averaged {pct} of the beds."
    return (
        f"Daily inpatients averaged {pct} of the agreement beds after an approved bed expansion "
        "recorded in bed_registrations."
    )
