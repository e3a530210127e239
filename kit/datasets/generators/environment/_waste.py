"""Hazardous-waste declarations and transfer manifests (危险废物申报与转移联单, EN06).

Part of :mod:`kit.datasets.generators.environment`. Each producing enterprise declares, per year
and waste code, the tonnes produced and the stock stored on site at the end of the year, and
ships its waste in batches of 1-15 t to licensed handlers under manifests. For a year Y the
balance is ``produced + stock(Y-1) - stock(Y) - licensed transfers in Y``; ordinary enterprises
stay within ``TOLERANCE`` (weighing differences) and grow their stock by at most ``STOCK_GROWTH``
a year, so that the plain rule (production minus licensed transfers of 3 t or more) flags only
planted enterprise-years. Shipments are drawn first; the declared production follows from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.environment._world import INDUSTRIES

YEARS = (2022, 2023, 2024)
#: Scenario of an enterprise-year -> count per 150 enterprises.
SCENARIOS = {
    "untransferred_gap": 15,
    "transferred_to_unlicensed": 11,
    "declared_on_site_storage": 9,
    "transferred_next_january": 9,
}


def _batches(rng: np.random.Generator, total: float) -> list[float]:
    out, left = [], total
    while left > 0.05:
        b = min(left, round(float(rng.uniform(1.0, 15.0)), 3))
        out.append(round(b, 3))
        left = round(left - b, 3)
    return out


#: Largest growth of an ordinary enterprise's declared stock in a year, tonnes (all codes).
STOCK_GROWTH = 2.0
#: Weighing differences of an ordinary enterprise-year stay within this, tonnes (all codes).
TOLERANCE = 0.3


def _declare(
    prev: float, growth: float, scenario: str, n: int, gap: float, n_codes: int
) -> tuple[float, float]:
    """Declared production beyond the shipments, and the declared year-end stock, of one code.

    Ordinary enterprises let their stock grow by at most ``STOCK_GROWTH`` tonnes a year and
    weigh within ``TOLERANCE`` tonnes over all codes; the planted scenarios keep their gap
    (``untransferred_gap``) or stock growth (``declared_on_site_storage``) in full.
    """
    planted = n == 0 and scenario != "normal"
    if not (planted and scenario == "untransferred_gap"):
        gap = gap * TOLERANCE / 0.4 / n_codes
    if planted and scenario == "declared_on_site_storage":
        stored = prev + growth
    elif planted and scenario == "transferred_next_january":
        stored = 0.0
    else:
        stored = max(min(prev + growth, prev + STOCK_GROWTH / n_codes), 0.0)
    return stored - prev + gap, stored


def make_waste(
    rng: np.random.Generator, ent: pd.DataFrame, chunk: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Declarations, manifests and the planted scenario of each ``uscc|year``."""
    ind = ent["industry"].to_numpy()
    producers = [i for i in range(len(ent)) if ind[i] in INDUSTRIES and INDUSTRIES[ind[i]].waste]
    licensed = ent["uscc"].to_numpy()[ind == "hazardous_waste_disposal"]
    unlicensed = ent["uscc"].to_numpy()[ind == "scrap_recycling"]
    units = [(i, y) for i in producers for y in YEARS]
    scale = len(ent) / 150
    order = rng.permutation(len(units))
    plan: dict[tuple[int, int], str] = {}
    k = 0
    for scenario, per150 in SCENARIOS.items():
        want = max(1, round(per150 * scale))
        while want and k < len(order):
            unit = units[int(order[k])]
            k += 1
            if scenario == "transferred_next_january" and unit[1] == 2024:
                continue
            if (unit[0], unit[1] - 1) in plan or (unit[0], unit[1] + 1) in plan:
                continue
            plan[unit] = scenario
            want -= 1
    decl, man = [], []
    for i in producers:
        u = ent["uscc"].iat[i]
        codes = INDUSTRIES[ind[i]].waste
        codes = [codes[0], *[c for c in codes[1:] if rng.random() < 0.6]]
        scale_t = np.exp(rng.normal(np.log(30), 0.9))
        drawn_stock = dict.fromkeys(codes, 0.0)  # the stock the shipments were drawn against
        stock = dict.fromkeys(codes, 0.0)  # the declared stock
        carry = dict.fromkeys(codes, 0.0)  # undeclared stock shipped next January
        for y in YEARS:
            scenario = plan.get((i, y), "normal")
            for n, code in enumerate(codes):
                produced = round(
                    float(
                        np.clip(scale_t * (1 if n == 0 else 0.1) * rng.uniform(0.8, 1.2), 0.3, 400)
                    ),
                    3,
                )
                end_stock = round(produced * rng.uniform(0, 0.15), 3) if rng.random() < 0.4 else 0.0
                gap = round(float(rng.uniform(-0.4, 0.4)), 3)
                unlic = 0.0
                january = 0.0
                if n == 0 and scenario == "untransferred_gap":
                    gap = round(float(rng.uniform(3.2, min(30, max(4, produced * 0.6)))), 3)
                    produced = max(produced, gap + 1)
                elif n == 0 and scenario == "transferred_to_unlicensed":
                    unlic = round(float(rng.uniform(3.2, 25)), 3)
                    produced = max(produced, unlic + 1)
                elif n == 0 and scenario == "declared_on_site_storage":
                    end_stock = round(drawn_stock[code] + float(rng.uniform(3.5, 20)), 3)
                    produced = max(produced, end_stock + 1)
                elif n == 0 and scenario == "transferred_next_january":
                    january, end_stock = round(float(rng.uniform(3.5, 12)), 3), 0.0
                    produced = max(produced, january + 1)
                shipped = produced + drawn_stock[code] - end_stock - gap - unlic - january
                shipped = max(round(shipped, 3), 0.0)
                declared, stored = _declare(
                    stock[code], end_stock - drawn_stock[code], scenario, n, gap, len(codes)
                )
                drawn_stock[code] = end_stock
                jan = [
                    (b, np.datetime64(f"{y}-01-03") + int(rng.integers(0, 28)),
                     str(rng.choice(licensed)))
                    for b in _batches(rng, carry[code])
                ]  # fmt: skip
                out = [
                    (b, np.datetime64(f"{y}-01-01") + int(rng.integers(0, 365)),
                     str(rng.choice(licensed)))
                    for b in _batches(rng, shipped)
                ]  # fmt: skip
                away = [
                    (b, np.datetime64(f"{y}-01-01") + int(rng.integers(0, 365)),
                     str(rng.choice(unlicensed)))
                    for b in _batches(rng, unlic)
                ]  # fmt: skip
                # declared production = what left + stock change + the scenario's gap
                produced = round(sum(b for b, _, _ in out + away) + january + declared, 3)
                decl.append((u, y, code, max(produced, 0.001), round(stored, 3)))
                man += [(u, code, b, r, True, when) for b, when, r in jan + out]
                man += [(u, code, b, r, False, when) for b, when, r in away]
                stock[code] = round(stored, 3)
                carry[code] = january
    d = pd.DataFrame(
        decl, columns=["uscc", "year", "waste_code", "tonnes_produced", "tonnes_stored_year_end"]
    )
    m = pd.DataFrame(
        man,
        columns=[
            "uscc",
            "waste_code",
            "tonnes",
            "receiver_uscc",
            "receiver_licensed",
            "transfer_date",
        ],
    )
    m["transfer_date"] = m["transfer_date"].astype("datetime64[s]")
    m = m.sort_values(["transfer_date", "uscc", "waste_code"], kind="stable").reset_index(drop=True)
    m.insert(
        0,
        "manifest_id",
        [
            f"{pd.Timestamp(t).year}34{chunk:03d}{k:06d}"
            for k, t in enumerate(m["transfer_date"], 1)
        ],
    )
    m = m.sort_values("manifest_id").reset_index(drop=True)
    d = d.sort_values(["uscc", "year", "waste_code"]).reset_index(drop=True)
    subjects = {f"{ent['uscc'].iat[i]}|{y}": s for (i, y), s in plan.items()}
    return d, m, subjects
