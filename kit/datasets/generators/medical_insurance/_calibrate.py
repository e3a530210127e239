"""Generated magnitudes beside their references (``kit datasets calibrate medical_insurance``).

Part of :mod:`kit.datasets.generators.medical_insurance`. References: DOMAIN.md section 4
(inpatient cost about 10,300 yuan, tertiary about 12,900, secondary about 6,400, stay 8-9 days,
fund pays 60-75 %) and, where DOMAIN.md is silent, the kit's own assumptions (marked so).
"""

from __future__ import annotations

import pandas as pd

_DOMAIN = "DOMAIN.md section 4"


def calibrate(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Measures of the generated data with the range they should fall in.

    Refunds are left out. Columns: ``measure``, ``value``, ``low``, ``high``, ``unit``,
    ``reference``.

    Examples
    --------
    >>> from kit.datasets.generators.medical_insurance import generate
    >>> table = calibrate(generate(seed=3, n_persons=3_000))
    >>> bool(((table["low"] <= table["value"]) & (table["value"] <= table["high"])).all())
    True
    """
    s = tables["settlements"]
    s = s[~s["is_refund"]]
    level = tables["institutions"].set_index("institution_id")["level"]
    ip = s[s["kind"] == "inpatient"]
    lv = ip["institution_id"].map(level)
    stay = (ip["discharge_date"] - ip["admission_date"]).dt.days
    out = s[s["kind"] == "outpatient"]
    ph = s[s["kind"] == "pharmacy"]
    insured = tables["insured"]
    years = 2.0
    rows = [
        ("inpatient mean cost", ip["total_cost"].mean(), 8_000, 12_500, "yuan",
         f"{_DOMAIN}: about 10,300 (national)"),
        ("inpatient mean cost, tertiary hospitals", ip.loc[lv == 3, "total_cost"].mean(),
         10_500, 15_500, "yuan", f"{_DOMAIN}: about 12,900"),
        ("inpatient mean cost, secondary hospitals", ip.loc[lv == 2, "total_cost"].mean(),
         5_000, 8_000, "yuan", f"{_DOMAIN}: about 6,400"),
        ("inpatient mean cost, level-1 hospitals", ip.loc[lv == 1, "total_cost"].mean(),
         2_000, 4_500, "yuan", "kit assumption: township health centres about half of secondary"),
        ("mean length of stay", stay.mean(), 7.5, 10.0, "days", f"{_DOMAIN}: about 8-9"),
        ("fund share of inpatient cost", ip["fund_paid"].sum() / ip["total_cost"].sum(),
         0.60, 0.75, "share", f"{_DOMAIN}: roughly 60-75 %"),
        ("admissions per insured person a year", len(ip) / len(insured) / years, 0.14, 0.24,
         "per person-year", "national health statistics 2022-2023: about 17-21 per 100"),
        ("outpatient mean cost", out["total_cost"].mean(), 60, 300, "yuan",
         "kit assumption: village clinics tens of yuan, hospital outpatient a few hundred"),
        ("pharmacy purchase mean cost", ph["total_cost"].mean(), 40, 200, "yuan",
         "kit assumption: one or two packs of common medicines"),
        ("employee-scheme share of the insured",
         (insured["insurance_type"] == "employee").mean(), 0.12, 0.35, "share",
         "kit assumption: Anhui about one insured in five is in the employee scheme"),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["measure", "value", "low", "high", "unit", "reference"])
    frame["value"] = frame["value"].astype(float).round(4)
    return frame
