"""Truth rows of SS02-SS05 (pension during custody, increase during correction, allowance to
ineligible households, unemployment benefit while employed).

Part of :mod:`kit.datasets.generators.social_security`; the rows are decided from the generated
payments, spells and registers, so the truth describes the files as written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.social_security._custody import CustodyPlan
from kit.datasets.generators.social_security._pensions import Pensions
from kit.datasets.generators.social_security._people import N_MONTHS, month_index
from kit.datasets.generators.social_security._truth_more import day, frame, row, yuan

_WORDS = {"imprisonment": "imprisoned", "criminal_detention": "in criminal detention"}
_END = np.datetime64("2099-12-31")
_CC = "community_correction"


def _episodes(
    plan: CustodyPlan, pens: Pensions
) -> dict[int, tuple[str, str | None, np.datetime64, np.datetime64]]:
    index = {int(p): i for i, p in enumerate(pens.person)}
    out = {}
    for p, c, kind, s, e in zip(plan.person, plan.custody_type, plan.correction_kind, plan.start,
                                plan.end, strict=True):  # fmt: skip
        if p in index and index[p] in plan.kind:
            out[index[p]] = (c, kind, s, e)
    return out


def ss02_truth(
    pens: Pensions, ids: np.ndarray, plan: CustodyPlan, pay: pd.DataFrame
) -> pd.DataFrame:
    """SS02 pension_during_custody: pensioners with a custody record and pension paid in it."""
    p = "pension_during_custody"
    rows = []
    periodic = pay["payment_type"].isin(["monthly", "arrears"]).to_numpy()
    monthly = (pay["payment_type"] == "monthly").to_numpy()
    t, amount = pay["t"].to_numpy(), pay["amount"].to_numpy()
    episodes = sorted(_episodes(plan, pens).items())
    who = pay["who"].to_numpy()
    # each pensioner's monthly and arrears rows, in row order
    rows_of = _rows_by(who, np.flatnonzero(periodic & np.isin(who, [w for w, _ in episodes])))
    for w, (ctype, kind, s, e) in episodes:
        subject = str(ids[pens.person[w]])
        mine = rows_of.get(w, np.zeros(0, dtype=int))
        if ctype in ("imprisonment", "criminal_detention"):
            lo = int(month_index(np.array([s]))[0]) + 1
            hi = N_MONTHS - 1 if np.isnat(e) else int(month_index(np.array([e]))[0]) - 1
            inside = mine[(t[mine] >= lo) & (t[mine] <= hi)]
            if len(inside):
                n = int(monthly[inside].sum())
                rows.append(row(p, subject, "pension_paid_during_imprisonment",
                                amount[inside].sum(), ctype=_WORDS[ctype], start=day(s), n=n))  # fmt: skip
            else:
                rows.append(row(p, subject, "paid_only_for_partial_months", 0,
                                ctype=_WORDS[ctype], start=day(s)))  # fmt: skip
        elif ctype == "pretrial_detention":
            rows.append(row(p, subject, "pretrial_detention_released", 0, start=day(s)))
        else:
            rows.append(row(p, subject, "community_correction_keeps_basic_pension", 0,
                            kind=str(kind).replace("_", " "), start=day(s)))  # fmt: skip
    return frame(rows)


def _rows_by(key: np.ndarray, rows: np.ndarray) -> dict[int, np.ndarray]:
    """``rows`` grouped by ``key[rows]``, each group in the order given."""
    if not len(rows):
        return {}
    order = rows[np.argsort(key[rows], kind="stable")]
    keys, first = np.unique(key[order], return_index=True)
    return dict(zip(keys.tolist(), np.split(order, first[1:]), strict=True))


def _correction_spans(
    plan: CustodyPlan, pens: Pensions
) -> dict[int, list[tuple[np.datetime64, np.datetime64]]]:
    """Every community-correction episode of each pensioner (open ends at ``_END``)."""
    index = {int(p): i for i, p in enumerate(pens.person)}
    out: dict[int, list[tuple[np.datetime64, np.datetime64]]] = {}
    for p, c, s, e in zip(plan.person, plan.custody_type, plan.start, plan.end, strict=True):
        if c == _CC and p in index:
            out.setdefault(index[p], []).append((s, _END if np.isnat(e) else e))
    return out


def ss03_truth(
    pens: Pensions,
    ids: np.ndarray,
    plan: CustodyPlan,
    pay: pd.DataFrame,
    fair: np.ndarray,
    rec: pd.DataFrame,
    adjustments: pd.DataFrame,
) -> pd.DataFrame:
    """SS03 increase_during_correction: pensioners under correction with an increase granted.

    Decided from all of a pensioner's correction episodes: a granted increase whose effective
    date (1 January) falls in any episode is a case unless it was recovered.
    """
    from kit.datasets.generators.social_security._build import fair_amount

    p = "increase_during_correction"
    rows = []
    spans = sorted(_correction_spans(plan, pens).items())
    # only the rows of these pensioners: sums per pensioner do not depend on the others
    mine = pay[np.isin(pay["who"].to_numpy(), [w for w, _ in spans])]
    excess = mine["amount"].to_numpy() - fair_amount(pens, fair, mine)
    per_who = pd.Series(excess).groupby(mine["who"].to_numpy()).sum()
    recovered = rec[rec["reason"] == "deducted_from_pension"].groupby("who")["amount"].sum()
    subjects = {str(ids[pens.person[w]]) for w, _ in spans}
    years: dict[str, list[int]] = {}
    adj = adjustments[adjustments["id_number"].isin(subjects)]
    for subject, year in zip(adj["id_number"].tolist(), adj["year"].tolist(), strict=True):
        years.setdefault(subject, []).append(year)
    for w, episodes in spans:
        subject = str(ids[pens.person[w]])
        granted = sorted(years.get(subject, []))
        if not granted:
            continue
        jan1 = {y: np.datetime64(f"{y}-01-01") for y in granted}
        inside = [y for y in granted if any(s <= jan1[y] <= e for s, e in episodes)]
        amount = float(per_who.get(w, 0.0)) - float(recovered.get(w, 0.0))
        if inside and amount > 0.005:
            rows.append(row(p, subject, "increase_paid_during_correction", amount, year=inside[0]))
        elif inside:
            rows.append(row(p, subject, "increase_recovered", 0, year=inside[0]))
        else:
            after = [
                (s, y) for s, _ in episodes for y in granted
                if jan1[y] < s <= np.datetime64(f"{y}-12-31")
            ]  # fmt: skip
            if after:
                s, y = min(after)
                rows.append(row(p, subject, "correction_began_after_effective_month", 0,
                                start=day(s), year=y))  # fmt: skip
            else:
                e = max(e for _, e in episodes)
                later = [y for y in granted if jan1[y] > e]
                rows.append(row(p, subject, "correction_ended_before_effective_month", 0,
                                end=day(e), year=later[0] if later else granted[0]))  # fmt: skip
    return frame(rows)


_SS04 = {
    "vehicle": "car_above_threshold",
    "company": "company_owner",
    "payroll": "member_on_public_payroll",
    "deceased": "allowance_after_death",
    "stolen_identity": "company_registered_with_stolen_identity",
    "cheap_vehicle": "cheap_vehicle_below_threshold",
    "vehicle_sold": "vehicle_sold_before_allowance",
    "payroll_ended": "payroll_ended_before_allowance",
}


def ss04_truth(
    hh: pd.DataFrame,
    households: pd.DataFrame,
    evidence: dict[int, tuple[int, int]],
    death: np.ndarray,
    people: pd.DataFrame,
    vehicles: pd.DataFrame,
    companies: pd.DataFrame,
) -> pd.DataFrame:
    """SS04 allowance_ineligible: one row per planted household (subject: household_id)."""
    p = "allowance_ineligible"
    hid = dict(zip(hh["_h"], households.set_index("_h").loc[hh["_h"], "household_id"], strict=True))
    rows = []
    planted = hh[hh["_kind"] != "background"]
    # the last vehicle and the first company of each person, in table order
    last_vehicle = {int(o): i for i, o in enumerate(vehicles["_person"].to_numpy().tolist())}
    first_company: dict[int, int] = {}
    for i, rep in enumerate(companies["_rep"].to_numpy().tolist()):
        first_company.setdefault(int(rep), i)
    price = vehicles["purchase_price"].to_numpy()
    vtype = vehicles["vehicle_type"].to_numpy()
    gone = vehicles["transferred_date"].to_numpy()
    registered = companies["registered_date"].to_numpy()
    for h, kind, start, end, monthly in zip(
        planted["_h"], planted["_kind"], planted["_start"], planted["_end"],
        planted["monthly_amount"], strict=True,
    ):  # fmt: skip
        person, since = evidence[int(h)]
        lo, hi = max(since, start, 0), min(end, N_MONTHS - 1)
        amount = max(hi - lo + 1, 0) * float(monthly)
        v = last_vehicle.get(int(person))
        c = first_company.get(int(person))
        facts = {
            "price": yuan(float(price[v])) if v is not None else "",
            "vtype": str(vtype[v]) if v is not None else "",
            "gone": day(gone[v]) if v is not None else "",
            "reg": day(registered[c]) if c is not None else "",
            "start": f"{2022 + since // 12}-{since % 12 + 1:02d}",
            "end": f"{2022 + start // 12}-{start % 12 + 1:02d}",
            "month": day(death[person])[:7] if not np.isnat(death[person]) else "",
        }
        rows.append(row(p, str(hid[h]), _SS04[str(kind)], amount, **facts))
    return frame(rows)


def _covers(t: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Which months ``t`` fall in one of the spells ``start..end``."""
    return ((t[:, None] >= start[None, :]) & (t[:, None] <= end[None, :])).any(axis=1)


def ss05_truth(ids: np.ndarray, spells: pd.DataFrame, benefits: pd.DataFrame) -> pd.DataFrame:
    """SS05 unemployment_while_employed: claimants with benefit months covered by a spell."""
    p = "unemployment_while_employed"
    rows = []
    claimant = benefits["_person"].to_numpy()
    worker = spells["_person"].to_numpy()
    spell_rows = _rows_by(worker, np.flatnonzero(np.isin(worker, claimant)))
    benefit_rows = _rows_by(claimant, np.arange(len(claimant)))
    t, amount = benefits["t"].to_numpy(), benefits["amount"].to_numpy()
    s_start, s_end = spells["start"].to_numpy(), spells["end"].to_numpy()
    regular = (spells["entry_type"] == "regular").to_numpy()
    back_payment = (spells["entry_type"] == "back_payment").to_numpy()
    declared_date = spells["declared_date"].to_numpy()
    for person, mine in sorted(benefit_rows.items()):
        s = spell_rows.get(person)
        if s is None:
            continue
        reg, back = s[regular[s]], s[back_payment[s]]
        months = t[mine]
        in_reg = _covers(months, s_start[reg], s_end[reg])
        in_back = _covers(months, s_start[back], s_end[back])
        subject = str(ids[int(person)])
        if in_reg.sum() >= 2:
            rows.append(row(p, subject, "benefit_paid_while_employed",
                            amount[mine][in_reg].sum(), n=int(in_reg.sum())))  # fmt: skip
        elif in_reg.sum() == 1:
            rows.append(row(p, subject, "one_month_overlap_at_reemployment", 0))
        elif in_back.any():
            rows.append(row(p, subject, "backdated_contribution_correction", 0,
                            declared=day(declared_date[back[0]])))  # fmt: skip
    return frame(rows)
