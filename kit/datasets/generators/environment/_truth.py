"""Ground truth of the environment sample: planted cases and traps of EN01-EN07.

Part of :mod:`kit.datasets.generators.environment`. Where a rule can be stated exactly (EN02-EN06)
the truth is decided from the generated tables, so it always describes the files as written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.environment._world import END, METALS_3X, METALS_10X

PATTERNS = {
    "EN01": "falsified_monitoring",
    "EN02": "criminal_exceedance",
    "EN03": "fine_instead_of_prosecution",
    "EN04": "repeat_offender",
    "EN05": "unpaid_restoration",
    "EN06": "hazardous_waste_gap",
    "EN07": "forged_certificates",
}
#: Reason -> (is_case, note).
REASONS = {
    "constant_values": (True, "A concentration stays at one value for days while the flow varies."),
    "zero_flow_with_readings": (True, "Flow is zero for days while concentrations keep changing and no halt was announced."),
    "faults_on_exceedances": (True, "Most hours above the limit are flagged as device faults."),
    "detection_limit_readings": (False, "Clean effluent reads at the analyser's detection limit for long runs."),
    "announced_maintenance": (False, "Maintenance hours with standard-solution readings fall in announced windows."),
    "announced_production_halt": (False, "Zero flow falls in an announced production halt."),
    "metal_3x_monitoring": (True, "A daily mean of a heavy metal reached three times the permit limit."),
    "metal_3x_penalty": (True, "Penalty facts show a heavy metal at three times the standard or more."),
    "metal_10x_penalty": (True, "Penalty facts show nickel, copper or zinc at ten times the standard or more."),
    "metal_below_3x_monitoring": (False, "Heavy-metal daily means peaked just under three times the limit."),
    "metal_below_3x_penalty": (False, "Penalty facts show a heavy metal just under three times the standard."),
    "ten_x_metal_below_10x": (False, "Nickel, copper or zinc exceeded three but not ten times the standard."),
    "cod_not_heavy_metal": (False, "A large COD exceedance by a non-key discharger is no heavy-metal threshold."),
    "not_transferred": (True, "Facts meet a criminal threshold and the case was never transferred to the police."),
    "transferred_promptly": (False, "Facts meet a criminal threshold and the case was transferred within weeks."),
    "transferred_late": (False, "Facts meet a criminal threshold and the case was transferred months later."),
    "hazardous_waste_below_3t": (False, "Less than three tonnes of hazardous waste were dumped."),
    "metal_below_3x": (False, "The metal concentration was just under three times the standard."),
    "two_penalties_then_violation": (True, "Two penalties within two years were followed by another violation."),
    "outside_two_year_window": (False, "The earlier of the two prior penalties was decided more than two years before."),
    "prior_penalty_revoked": (False, "One of the prior penalties was revoked."),
    "two_penalties_only": (False, "Two penalties within two years with no further violation."),
    "unpaid_past_due": (True, "Money ordered for restoration or compensation is unpaid after the due date."),
    "instalment_overdue": (True, "An instalment of an approved plan is unpaid after its due date."),
    "paid_late": (False, "The order was paid in full after its due date."),
    "instalment_not_yet_due": (False, "An approved instalment plan runs into 2025 and is paid to date."),
    "untransferred_gap": (True, "Three tonnes or more of declared hazardous waste have no manifest."),
    "transferred_to_unlicensed": (True, "Three tonnes or more of hazardous waste went to an unlicensed receiver."),
    "declared_on_site_storage": (False, "The waste not shipped is declared as stored on site."),
    "transferred_next_january": (False, "The waste not shipped by December was shipped in January."),
    "not_in_registry": (True, "The certificate number is not in the official registry."),
    "registered_to_another_person": (True, "The certificate number is registered to another person."),
    "different_operation_type": (True, "The holder is registered for another operation type only."),
    "format_noise": (False, "The certificate number is written untidily but is registered to the holder."),
    "expired_but_renewed": (False, "The roster holds an expired card that the registry shows renewed."),
    "homophone_name": (False, "The registry writes the holder's name with a homophone."),
}  # fmt: skip
DAYS_2Y = 730


def _rows(pattern: str, stype: str, items: dict, amounts: dict | None = None) -> pd.DataFrame:
    amounts = amounts or {}
    return pd.DataFrame(
        {
            "pattern": PATTERNS[pattern],
            "subject_type": stype,
            "subject_id": list(items),
            "is_case": [REASONS[r][0] for r in items.values()],
            "amount_improper": [round(float(amounts.get(k, 0.0)), 2) for k in items],
            "reason": list(items.values()),
            "note": [REASONS[r][1] for r in items.values()],
        }
    )


EN01_REASONS = (
    "constant_values", "zero_flow_with_readings", "faults_on_exceedances",
    "detection_limit_readings", "announced_maintenance", "announced_production_halt",
)  # fmt: skip


def en01(roles: dict[str, str]) -> pd.DataFrame:
    return _rows("EN01", "outlet", {o: r for o, r in sorted(roles.items()) if r in EN01_REASONS})


def _metal_days(mon: pd.DataFrame, outlets: pd.DataFrame, limits: dict) -> dict[str, float]:
    """Enterprise -> highest daily mean multiple of a 3x metal over normal hours."""
    out: dict[str, float] = {}
    owner = dict(zip(outlets["outlet_id"], outlets["uscc"], strict=True))
    for metal in ("total_cr", "lead"):
        part = mon.loc[(mon["status"] == "N") & mon[metal].notna(), ["outlet_id", "ts", metal]]
        if part.empty:
            continue
        daily = part.groupby(["outlet_id", part["ts"].dt.floor("D")])[metal].mean()
        for oid, v in daily.groupby(level=0).max().items():
            m = v / limits[(oid, metal)]
            out[owner[oid]] = max(out.get(owner[oid], 0.0), m)
    return out


def threshold_met(pen: pd.DataFrame, key: dict[str, bool]) -> pd.Series:
    """Penalties whose facts meet an Art. 1 threshold of 法释〔2023〕7号 (as modelled)."""
    mult = pen["exceed_multiple"].astype(float)
    metal3 = pen["pollutant"].isin(METALS_3X) & (mult >= 3)
    metal10 = pen["pollutant"].isin(METALS_10X) & (mult >= 10)
    waste = pen["hazardous_waste_tonnes"].astype(float) >= 3
    fake = (pen["violation_type"] == "falsified_monitoring") & pen["uscc"].map(key).astype(bool)
    return (metal3 | metal10 | waste.fillna(False) | fake) & (pen["status"] == "effective")


def en02(mon, outlets, limits, pen) -> pd.DataFrame:
    days = _metal_days(mon, outlets, limits)
    items: dict[str, str] = {}
    p = pen[pen["status"] == "effective"]
    mult = p["exceed_multiple"].astype(float)
    m3, m10 = p["pollutant"].isin(METALS_3X), p["pollutant"].isin(METALS_10X)
    for u, m in days.items():
        if m >= 3:
            items[u] = "metal_3x_monitoring"
    for u in p.loc[m3 & (mult >= 3), "uscc"]:
        items.setdefault(u, "metal_3x_penalty")
    for u in p.loc[m10 & (mult >= 10), "uscc"]:
        items.setdefault(u, "metal_10x_penalty")
    for u, m in days.items():
        if 2.5 <= m < 3:
            items.setdefault(u, "metal_below_3x_monitoring")
    for u in p.loc[m3 & (mult >= 2.5) & (mult < 3), "uscc"]:
        items.setdefault(u, "metal_below_3x_penalty")
    for u in p.loc[m10 & (mult >= 3) & (mult < 10), "uscc"]:
        items.setdefault(u, "ten_x_metal_below_10x")
    for u in p.loc[(p["pollutant"] == "cod") & (mult >= 10), "uscc"]:
        items.setdefault(u, "cod_not_heavy_metal")
    return _rows("EN02", "enterprise", dict(sorted(items.items())))


def en03(pen: pd.DataFrame, transfers: pd.DataFrame, key: dict[str, bool]) -> pd.DataFrame:
    met = threshold_met(pen, key)
    when = dict(zip(transfers["penalty_id"], transfers["transfer_date"], strict=True))
    items: dict[str, str] = {}
    for pid, ok, dec, grp in zip(
        pen["penalty_id"], met, pen["decision_date"], pen["_group"], strict=True
    ):
        if ok:
            t = when.get(pid)
            if t is None:
                items[pid] = "not_transferred"
            else:
                items[pid] = "transferred_promptly" if (t - dec).days <= 30 else "transferred_late"
        elif grp in (
            "metal_below_3x",
            "ten_x_metal_below_10x",
            "cod_not_heavy_metal",
            "hazardous_waste_below_3t",
        ):
            items[pid] = grp
    return _rows("EN03", "penalty", items)


def en04(pen: pd.DataFrame) -> pd.DataFrame:
    items: dict[str, str] = {}
    for u, g in pen.groupby("uscc"):
        eff = g[g["status"] == "effective"]
        dec_all = g["decision_date"].to_numpy()
        dec = eff["decision_date"].to_numpy()
        reason = None
        for v in eff["violation_date"].to_numpy():
            lo = v - np.timedelta64(DAYS_2Y, "D")
            if ((dec >= lo) & (dec < v)).sum() >= 2:
                reason = "two_penalties_then_violation"
                break
            if ((dec >= v - np.timedelta64(800, "D")) & (dec < v)).sum() >= 2:
                reason = reason or "outside_two_year_window"
            if ((dec_all >= lo) & (dec_all < v)).sum() >= 2:
                reason = reason or "prior_penalty_revoked"
        if (
            reason is None
            and len(dec) == 2
            and abs((dec[1] - dec[0]).astype("timedelta64[D]").astype(int)) <= DAYS_2Y
        ):
            reason = "two_penalties_only"
        if reason:
            items[str(u)] = reason
    return _rows("EN04", "enterprise", items)


def en05(orders: pd.DataFrame, inst: pd.DataFrame, pays: pd.DataFrame) -> pd.DataFrame:
    cutoff = pd.Timestamp(END)
    paid = pays.groupby("order_id")["amount"].sum()
    last = pays.groupby("order_id")["pay_date"].max()
    items, amounts = {}, {}
    for o in orders.itertuples(index=False):
        plan = inst[inst["order_id"] == o.order_id]
        got = float(paid.get(o.order_id, 0.0))
        due_now = (
            plan.loc[plan["due_date"] <= cutoff, "amount"].sum() if len(plan) else o.amount_due
        )
        overdue = round(due_now - got, 2)
        if overdue > 0.005:
            items[o.order_id] = "instalment_overdue" if len(plan) else "unpaid_past_due"
            amounts[o.order_id] = overdue
        elif len(plan) and got < o.amount_due - 0.005:
            items[o.order_id] = "instalment_not_yet_due"
        elif not len(plan) and o.order_id in last and last[o.order_id] > o.due_date:
            items[o.order_id] = "paid_late"
    return _rows("EN05", "order", items, amounts)


def en06(decl: pd.DataFrame, man: pd.DataFrame, planned: dict[str, str]) -> pd.DataFrame:
    d = decl.groupby(["uscc", "year"])[["tonnes_produced", "tonnes_stored_year_end"]].sum()
    lic = man[man["receiver_licensed"]]
    t = lic.groupby(["uscc", lic["transfer_date"].dt.year])["tonnes"].sum()
    unlic = set(
        man.loc[~man["receiver_licensed"], "uscc"]
        + "|"
        + man.loc[~man["receiver_licensed"], "transfer_date"].dt.year.astype(str)
    )
    gap: dict[tuple[str, int], float] = {}
    for (u, y), row in d.iterrows():
        prev = d["tonnes_stored_year_end"].get((u, y - 1), 0.0)
        gap[(u, y)] = (
            row["tonnes_produced"] + prev - row["tonnes_stored_year_end"] - t.get((u, y), 0.0)
        )
    items: dict[str, str] = {}
    for (u, y), row in d.iterrows():
        g = gap[(u, y)]
        naive = row["tonnes_produced"] - t.get((u, y), 0.0)
        key = f"{u}|{y}"
        if g >= 3 and g + min(gap.get((u, y + 1), 0.0), 0.0) >= 3:
            items[key] = "transferred_to_unlicensed" if key in unlic else "untransferred_gap"
        elif g >= 3:
            items[key] = "transferred_next_january"
        elif naive >= 3 and planned.get(key) == "declared_on_site_storage":
            items[key] = "declared_on_site_storage"
    return _rows("EN06", "enterprise_year", items)


def en07(subjects: dict[str, str]) -> pd.DataFrame:
    return _rows("EN07", "person", {k: v for k, v in sorted(subjects.items()) if v in REASONS})
