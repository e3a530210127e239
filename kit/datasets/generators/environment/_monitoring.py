"""Hourly online monitoring of 2024 with planted falsification (EN01) and metal exceedances (EN02).

Part of :mod:`kit.datasets.generators.environment`. One row per monitored outlet and hour:
concentrations of the outlet's medium (hourly means), flow and a status flag (N normal, F device
fault, M maintenance, T calibration). Ordinary outlets run at 10-70 % of their permit limits with
autocorrelated noise, a production rhythm (day shifts, Sundays, the Spring Festival), a weekly
one-hour calibration with a standard solution, a short monthly maintenance and a few device
faults whose readings are missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.environment._world import DECIMALS, DETECTION, INDUSTRIES, ONLINE

HOURS = 366 * 24
T0 = np.datetime64("2024-01-01T00", "h")
_BATCH = {"electroplating", "leather_tanning", "lead_acid_battery", "textile_dyeing", "machinery"}
_SPRING = (np.datetime64("2024-02-08", "D") - T0.astype("datetime64[D]")).astype(int)
#: EN01 roles drawn among non-metal-role outlets: role -> (share, is_case).
EN01_ROLES = {
    "constant_values": (0.16, True),
    "zero_flow_with_readings": (0.13, True),
    "faults_on_exceedances": (0.15, True),
    "detection_limit_readings": (0.08, False),
    "announced_maintenance": (0.08, False),
    "announced_production_halt": (0.07, False),
}
#: EN02 roles among monitored outlets with a heavy-metal analyser.
EN02_ROLES = {"metal_3x_monitoring": 0.45, "metal_below_3x_monitoring": 0.22}


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    kernel = phi ** np.arange(80)
    return np.convolve(rng.normal(0, sd, n + 80), kernel)[80 : n + 80]


def _profile(rng: np.random.Generator, industry: str) -> np.ndarray:
    t = np.arange(HOURS)
    hour, day = t % 24, t // 24
    weekday = (day + 0) % 7  # 2024-01-01 was a Monday
    if industry in _BATCH:
        prof = np.where((hour >= 7) & (hour < 23), 1.0, 0.3)
        prof = np.where(weekday == 6, prof * 0.6, prof)
        spring = (day >= _SPRING) & (day < _SPRING + 10)
        prof = np.where(spring, 0.08, prof)
    else:
        prof = np.ones(HOURS)
        if industry == "thermal_power":  # heating season
            prof = np.where((day < 75) | (day > 320), 1.2, 0.9)
    return prof * np.exp(_ar1(rng, HOURS, 0.8, 0.04))


def _episodes(
    rng: np.random.Generator, k: int, low: int, high: int, busy: np.ndarray
) -> list[tuple[int, int]]:
    """``k`` non-overlapping windows of ``low``-``high`` hours avoiding ``busy`` hours."""
    out: list[tuple[int, int]] = []
    for _ in range(200):
        if len(out) == k:
            break
        length = int(rng.integers(low, high + 1))
        start = int(rng.integers(24, HOURS - length - 24))
        if busy[max(0, start - 24) : start + length + 24].any():
            continue
        busy[start : start + length] = True
        out.append((start, start + length))
    return out


def _assign(rng: np.random.Generator, pool: np.ndarray, shares: dict[str, float]) -> dict:
    order = rng.permutation(pool)
    roles, i = {}, 0
    for role, share in shares.items():
        k = int(round(share * len(pool)))
        roles.update({o: role for o in order[i : i + k]})
        i += k
    return roles


def plan_roles(rng: np.random.Generator, mon: pd.DataFrame, industry: dict) -> dict[str, str]:
    """Role of each monitored outlet: an EN01/EN02 case or trap, or ``'normal'``."""
    ids = mon["outlet_id"].to_numpy()
    metal = np.array(
        [m == "water" and industry[u] in ("electroplating", "leather_tanning",
                                           "lead_acid_battery")
         for u, m in zip(mon["uscc"], mon["medium"], strict=True)]
    )  # fmt: skip
    roles = _assign(rng, ids[metal], EN02_ROLES)
    rest = np.array([o for o in ids if o not in roles])
    roles.update(_assign(rng, rest, {k: v[0] for k, v in EN01_ROLES.items()}))
    return {o: roles.get(o, "normal") for o in ids}


def _outlet(
    rng: np.random.Generator, industry: str, medium: str, limits: dict[str, float], role: str
) -> tuple[dict[str, np.ndarray], list[tuple[str, int, int]]]:
    """Hourly series of one outlet; returns columns and announced windows (kind, start, end)."""
    spec = INDUSTRIES[industry]
    pols = [p for p in (spec.water if medium == "water" else spec.air) if p in ONLINE]
    prof = _profile(rng, industry)
    base = np.exp(rng.normal(np.log(30 if medium == "water" else 1.5e5), 0.8))
    flow = base * prof
    status = np.full(HOURS, "N", dtype=object)
    busy = np.zeros(HOURS, dtype=bool)
    t = np.arange(HOURS)
    cal = (t // 24 % 7 == rng.integers(7)) & (t % 24 == rng.integers(8, 17))
    status[cal] = "T"
    conc: dict[str, np.ndarray] = {}
    for p in pols:
        r = float(np.clip(np.exp(rng.normal(np.log(0.32), 0.45)), 0.1, 0.62))
        if role == "faults_on_exceedances" and p == pols[0]:
            r = rng.uniform(0.5, 0.62)
        if role == "detection_limit_readings" and p == pols[-1] and medium == "water":
            r = DETECTION[p] / limits[p] * rng.uniform(0.5, 0.9)
        if role == "detection_limit_readings" and medium == "air" and p == "so2":
            r = DETECTION[p] / limits[p] * rng.uniform(0.5, 0.9)
        level = limits[p] * r * (0.75 + 0.25 * np.minimum(prof, 1.3))
        c = level * np.exp(_ar1(rng, HOURS, 0.9, 0.11))
        c[cal] = limits[p] * rng.uniform(1.2, 2.0)  # the same standard solution every week
        conc[p] = c
    windows: list[tuple[str, int, int]] = []
    for month in range(12):  # routine maintenance, 2-4 hours, readings missing
        start = month * 730 + int(rng.integers(0, 700))
        length = int(rng.integers(2, 5))
        if not busy[start : start + length].any():
            status[start : start + length] = "M"
            busy[start : start + length] = True
    for start, end in _episodes(rng, int(rng.poisson(3)), 1, 12, busy):
        status[start:end] = "F"  # genuine device faults, readings missing
    down = np.isin(status, ["F", "M"])
    for p in pols:
        conc[p][down] = np.nan
    first = pols[0]
    lim = limits[first]
    if role == "constant_values":
        for start, end in _episodes(rng, int(rng.integers(2, 5)), 72, 480, busy):
            for p in pols[: 1 + int(rng.random() < 0.5)]:
                value = round(limits[p] * rng.uniform(0.3, 0.6), DECIMALS[p])
                conc[p][start:end] = np.where(cal[start:end], conc[p][start:end], value)
            status[start:end] = np.where(cal[start:end], "T", "N")
    elif role == "zero_flow_with_readings":
        for start, end in _episodes(rng, int(rng.integers(2, 4)), 72, 500, busy):
            flow[start:end] = 0.0
            status[start:end] = np.where(cal[start:end], "T", "N")
    elif role == "faults_on_exceedances":
        for start, end in _episodes(rng, int(rng.integers(18, 32)), 2, 8, busy.copy()):
            conc[first][start:end] *= rng.uniform(1.7, 2.6)
        over = (conc[first] > lim) & (status == "N")
        status[over & (rng.random(HOURS) < 0.9)] = "F"
    elif role == "announced_maintenance":
        for start, end in _episodes(rng, int(rng.integers(2, 5)), 24, 120, busy):
            status[start:end] = "M"
            spike = rng.random(end - start) < 0.25
            for p in pols:
                seg = np.full(end - start, np.nan)
                seg[spike] = limits[p] * rng.uniform(0.8, 1.5, spike.sum())
                conc[p][start:end] = seg
            windows.append(("maintenance", start, end))
    elif role == "announced_production_halt":
        for start, end in _episodes(rng, int(rng.integers(1, 3)), 96, 400, busy):
            flow[start:end] = 0.0
            status[start:end] = np.where(cal[start:end], "T", "N")
            for p in pols:
                conc[p][start:end] *= 0.5
            windows.append(("production_halt", start, end))
    elif role in ("metal_3x_monitoring", "metal_below_3x_monitoring"):
        metal = pols[-1]
        days = rng.choice(np.arange(10, 360), int(rng.integers(1, 4)), replace=False)
        for d in days:
            sl = slice(d * 24, d * 24 + 24)
            if role == "metal_3x_monitoring":
                m = rng.uniform(3.4, 5.5) * np.exp(rng.normal(0, 0.08, 24))
            else:
                m = np.minimum(rng.uniform(2.5, 2.85) * np.exp(rng.normal(0, 0.03, 24)), 2.98)
            down = np.isin(status[sl], ["F", "M"])
            conc[metal][sl] = np.where(down, np.nan, limits[metal] * m)
            status[sl] = np.where(status[sl] == "T", "N", status[sl])
    elif role == "normal" and rng.random() < 0.3:
        start = int(rng.integers(24, HOURS - 48))
        if not busy[start : start + 12].any():
            length = int(rng.integers(4, 13))
            status[start : start + length] = "M"
            for p in pols:
                conc[p][start : start + length] = np.nan
            windows.append(("maintenance", start, start + length))
    for p in pols:
        c = np.round(np.maximum(conc[p], DETECTION[p]), DECIMALS[p])
        conc[p] = np.where(np.isnan(conc[p]), np.nan, c)
    cols = {p: conc.get(p, np.full(HOURS, np.nan)) for p in ONLINE}
    cols["flow"] = np.round(flow, 1)
    cols["status"] = status
    return cols, windows


def make_monitoring(
    rng: np.random.Generator, ent: pd.DataFrame, outlets: pd.DataFrame, limits: dict
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Monitoring rows, maintenance notices and the role of each monitored outlet."""
    industry = dict(zip(ent["uscc"], ent["industry"], strict=True))
    mon = outlets[outlets["monitored"]].sort_values("outlet_id").reset_index(drop=True)
    roles = plan_roles(rng, mon, industry)
    frames, notices = [], []
    ts = T0 + np.arange(HOURS).astype("timedelta64[h]")
    for oid, u, medium in mon[["outlet_id", "uscc", "medium"]].itertuples(index=False):
        lim = {p: limits[(oid, p)] for p in ONLINE if (oid, p) in limits}
        cols, windows = _outlet(rng, industry[u], medium, lim, roles[oid])
        frame = pd.DataFrame({"outlet_id": oid, "ts": ts.astype("datetime64[s]"), **cols})
        frames.append(frame)
        for kind, start, end in windows:
            ahead = int(rng.integers(1, 11))
            notices.append(
                {
                    "uscc": u,
                    "outlet_id": oid,
                    "kind": kind,
                    "announced_date": (T0 + start).astype("datetime64[D]") - ahead,
                    "start_ts": T0 + start,
                    "end_ts": T0 + end,
                }
            )
    monitoring = pd.concat(frames, ignore_index=True)
    notice = pd.DataFrame(
        notices, columns=["uscc", "outlet_id", "kind", "announced_date", "start_ts", "end_ts"]
    )
    for col in ("announced_date", "start_ts", "end_ts"):
        notice[col] = notice[col].astype("datetime64[s]")
    return monitoring, notice, roles
