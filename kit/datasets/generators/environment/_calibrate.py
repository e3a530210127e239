"""Generated distributions of the environment sample beside their references.

Part of :mod:`kit.datasets.generators.environment`.
"""

from __future__ import annotations

import pandas as pd

from kit.datasets.generators.environment._world import ONLINE


def _ratio_to_limit(tables: dict[str, pd.DataFrame]) -> pd.Series:
    mon, permits = tables["monitoring"], tables["permits"]
    normal = mon[mon["status"] == "N"]
    lim = permits.set_index(["outlet_id", "pollutant"])["limit_value"]
    parts = []
    for p in ONLINE:
        s = normal[["outlet_id", p]].dropna()
        if s.empty:
            continue
        limits = lim.reindex(pd.MultiIndex.from_arrays([s["outlet_id"], [p] * len(s)])).to_numpy()
        parts.append(pd.Series(s[p].to_numpy() / limits))
    return pd.concat(parts, ignore_index=True)


def calibrate(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Measures of the generated tables with the range each should fall in.

    Returns
    -------
    DataFrame
        ``measure, value, low, high, unit, reference``.
    """
    mon = tables["monitoring"]
    ratio = _ratio_to_limit(tables)
    fines = tables["penalties"]["fine_amount"]
    decl = tables["hw_declarations"]
    per_ent_year = decl.groupby(["uscc", "year"])["tonnes_produced"].sum()
    rows = [
        ("share of monitoring hours flagged F (device fault)", (mon["status"] == "F").mean(),
         0.001, 0.03, "share", "HJ 355-2019 / HJ 75-2017: valid-data capture of 90 % or more; faults are a small share"),
        ("share of monitoring hours not flagged N", (mon["status"] != "N").mean(),
         0.01, 0.10, "share", "weekly calibration, monthly maintenance and faults (HJ 355-2019, HJ 75-2017)"),
        ("median hourly concentration / permit limit (normal hours)", ratio.median(),
         0.2, 0.6, "ratio", "compliant plants usually run well below their limits (assumption, section 4 of DATASHEET.md)"),
        ("share of normal hours above the permit limit", (ratio > 1).mean(),
         0.0005, 0.03, "share", "exceedances are occasional at compliant plants (assumption)"),
        ("median fine", fines.median(), 100_000, 300_000, "yuan",
         "Water Pollution Law Art. 83, Air Pollution Law Art. 99, Solid Waste Law Art. 112: 100,000-1,000,000 yuan"),
        ("largest fine", fines.max(), 200_000, 1_000_000, "yuan", "statutory maximum 1,000,000 yuan for these violations"),
        ("smallest fine", fines.min(), 20_000, 100_000, "yuan", "Water Pollution Law Art. 82: monitoring not operated, from 20,000 yuan"),
        ("median hazardous waste produced per enterprise and year", per_ent_year.median(), 5, 100, "t",
         "small and medium industrial producers: tens of tonnes a year (assumption)"),
        ("median tonnes per manifest", tables["hw_manifests"]["tonnes"].median(), 1, 15, "t",
         "one truckload per manifest"),
        ("median restoration or compensation order", tables["restoration_orders"]["amount_due"].median(),
         50_000, 500_000, "yuan", "county-level ecological damage compensation: tens to hundreds of thousands of yuan (assumption)"),
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=["measure", "value", "low", "high", "unit", "reference"])
    out["value"] = out["value"].astype(float).round(4)
    return out
