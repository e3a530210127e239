"""One chunk of the social security world: draw people and every agency's table.

Part of :mod:`kit.datasets.generators.social_security`. Chunk ``k`` of ``K`` draws from
``Generator(PCG64(SeedSequence([seed, 1, k])))``; its record numbers carry the chunk number
(3 digits after the letter) when ``K > 1``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.common import degrade_ids, homophone
from kit.datasets.generators.social_security import (
    _custody,
    _deaths,
    _frames,
    _jobs,
    _pensions,
    _people,
    _welfare,
    _work,
)
from kit.datasets.generators.social_security._pensions import SCENARIOS, Pensions
from kit.datasets.generators.social_security._truth_ss01 import build_truth
from kit.datasets.generators.social_security._truths import (
    ss02_truth,
    ss03_truth,
    ss04_truth,
    ss05_truth,
)

FIELD_CODE = 1
_NO_MISSING = {"typo": 0.45, "legacy_15": 0.25, "format": 0.3}  # tables without birth/address


def _noisy(
    rng: np.random.Generator, people: pd.DataFrame, person: np.ndarray, noise: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ID numbers, names and issue codes of a secondary source without birth date or address."""
    ids = people["id_number"].to_numpy()[person]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")[person]
    noisy, issue = degrade_ids(rng, ids, birth, noise, weights=_NO_MISSING)
    named, changed = homophone(rng, people["name"].to_numpy()[person], 0.4 * noise)
    changed &= issue == ""
    return noisy, named, np.where(changed, "homophone_name", issue)


def _links(table: str, record: np.ndarray, true_id: np.ndarray, issue: np.ndarray) -> list:
    hit = np.asarray(issue) != ""
    return list(
        zip(
            [table] * int(hit.sum()),
            np.asarray(record)[hit],
            np.asarray(true_id)[hit],
            np.asarray(issue)[hit],
            strict=True,
        )
    )


def build_chunk(seed: int, k: int, n_chunks: int, n: int, noise: float) -> dict[str, pd.DataFrame]:
    """All tables of chunk ``k`` (``n`` persons), including ``truth`` and ``linkage``."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, FIELD_CODE, k])))
    pre = "" if n_chunks == 1 else f"{k:03d}"
    people = _people.make_persons(rng, n, (k, n_chunks))
    pens = _pensions.enrol(rng, people)
    frailty = np.ones(n)
    frailty[pens.person] = _pensions.PENSIONER_FRAILTY
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    death = _people.simulate_deaths(rng, birth, people["male"].to_numpy(), frailty)
    died = death[pens.person]
    keep = np.isnat(died) | (died >= pens.start)
    pens = Pensions(pens.person[keep], pens.scheme[keep], pens.start[keep], pens.rates[keep])
    pens.death = death[pens.person]
    _pensions.plant_scenarios(rng, pens, n)
    assert pens.scenario is not None and pens.stop is not None

    # SS02 / SS03: custody episodes change the rates and suspend months
    plan, blocked = _custody.plan_custody(rng, people, pens, n)
    initial = _pensions.initial_rate(pens)
    start_year = np.maximum(pd.DatetimeIndex(pens.start).year.to_numpy(), 2021)
    pens.rates = _pensions.grow_rates(initial, pens.scheme, start_year, blocked)
    covered = _covered(plan, pens)
    fair = _pensions.grow_rates(initial, pens.scheme, start_year, covered)

    kind = np.full(n, "normal", dtype=object)
    kind[pens.person] = np.array(SCENARIOS)[pens.scenario]
    stop = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    stop[pens.person] = pens.stop
    on_roster = np.zeros(n, dtype=bool)
    on_roster[pens.person] = True
    living = pens.person[pens.scenario == SCENARIOS.index("living")]
    cases = pens.person[pens.scenario == SCENARIOS.index("case")]
    hidden = rng.choice(cases, size=round(0.034 * len(cases)), replace=False)
    records, renamed = _deaths.death_records(
        rng, people, death, kind, stop, on_roster, living,
        noise=noise, linkage_only=hidden, prefix=pre,
    )  # fmt: skip
    for p, name in renamed.items():
        people.loc[p, "name"] = name
    pay, benefit = _pensions.payments(rng, pens)
    rec = _pensions.recoveries(rng, pens, pay, benefit)
    rec = pd.concat([rec, _recover_increases(pens, fair, pay, plan)], ignore_index=True)
    ids = people["id_number"].to_numpy()
    custody = _custody.custody_records(rng, people, plan, noise, pre)

    # SS04 / SS05
    hh, mem, planted_hh = _welfare.households(rng, people, death, on_roster, n)
    member = np.zeros(n, dtype=bool)
    member[mem["_person"].to_numpy()] = True
    comp, shares = _work.companies(rng, people, n, k, member)
    public = _work.public_employees(rng, people, n, member)
    veh = _welfare.vehicles(rng, people, member, n)
    pveh, ppay, theft, evidence = _welfare.plant_evidence(rng, hh, mem, death, comp, shares)
    veh = pd.concat([veh, pveh], ignore_index=True)
    if ppay:
        who, s, e = (np.array(x) for x in zip(*ppay, strict=True))
        public = pd.concat([public, _work.payroll(rng, people, who, s, e)], ignore_index=True)
    busy = on_roster | member | ~np.isnat(death)
    spells, benefits, planted_ue = _jobs.contributions_and_benefits(
        rng, people, comp["uscc"].to_numpy(), n, busy
    )

    tables, links = _frames.pension_tables(people, pens, records, pay, rec, pre)
    noisy = {
        "vehicles": _noisy(rng, people, veh["_person"].to_numpy(), noise),
        "companies": _noisy(rng, people, comp["_rep"].to_numpy(dtype=int), noise),
        "company_shareholders": _noisy(rng, people, shares["_person"].to_numpy(), noise),
    }
    more, more_links = _frames.welfare_tables(
        people, hh, mem, veh, comp, shares, public, theft, noisy, pre
    )
    tables.update(more)
    tables.update(_frames.job_tables(people, spells, benefits, pre))
    cust = custody.drop(columns=["_person", "_issue", "_clean"])
    for col in ("start_date", "end_date", "birth_date"):
        cust[col] = _frames.dates(cust[col].to_numpy())
    tables["custody"] = cust
    links += _links("custody", custody["record_id"], custody["_clean"], custody["_issue"])
    links += more_links
    truth = pd.concat(
        [
            build_truth(pens, ids, records, pay, rec, renamed),
            ss02_truth(pens, ids, plan, pay),
            ss03_truth(pens, ids, plan, pay, fair, rec, tables["pension_adjustments"]),
            ss04_truth(hh, tables["allowance_households"], evidence, death, people, veh, comp),
            ss05_truth(ids, spells, benefits),
        ],
        ignore_index=True,
    )
    truth["is_case"] = truth["is_case"].astype(bool)
    tables["allowance_households"] = tables["allowance_households"].drop(columns="_h")
    tables["truth"] = truth.sort_values(["pattern", "subject_id"], kind="stable").reset_index(
        drop=True
    )
    link = pd.DataFrame(links, columns=["table", "record_id", "true_id_number", "issue"])
    tables["linkage"] = link.sort_values(["table", "record_id"], kind="stable").reset_index(
        drop=True
    )
    return tables


def _covered(plan: _custody.CustodyPlan, pens: Pensions) -> np.ndarray:
    """Years 2022..2024 whose 1 January falls in a pensioner's community correction."""
    index = pd.Series(np.arange(len(pens.person)), index=pens.person)
    out = np.zeros((len(pens.person), 3), dtype=bool)
    end_cap = np.datetime64("2099-12-31")
    for p, ctype, s, e in zip(plan.person, plan.custody_type, plan.start, plan.end, strict=True):
        if ctype != "community_correction" or p not in index.index:
            continue
        e = end_cap if np.isnat(e) else e
        for y in range(3):
            jan1 = np.datetime64(f"{2022 + y}-01-01")
            out[index[p], y] |= bool(s <= jan1 <= e)
    return out


def fair_amount(pens: Pensions, fair: np.ndarray, pay: pd.DataFrame) -> np.ndarray:
    """What each monthly or arrears row would be without the increases withheld by correction."""
    who, t = pay["who"].to_numpy(), pay["t"].to_numpy()
    cf = Pensions(pens.person, pens.scheme, pens.start, fair)
    monthly = _pensions.monthly_rate(cf, t, who)
    y = np.clip(t // 12, 0, 2)
    arrears = (fair[who, y + 1] - fair[who, y]).round(2)
    kind = pay["payment_type"].to_numpy()
    return np.select([kind == "monthly", kind == "arrears"], [monthly, arrears], pay["amount"])


def _recover_increases(
    pens: Pensions, fair: np.ndarray, pay: pd.DataFrame, plan: _custody.CustodyPlan
) -> pd.DataFrame:
    """Stop and recover an increase paid during correction (changes ``pay`` in place)."""
    rows = []
    who, t = pay["who"].to_numpy(), pay["t"].to_numpy()
    amount = pay["amount"].to_numpy(copy=True)
    periodic = pay["payment_type"].isin(["monthly", "arrears"]).to_numpy()
    candidates = np.flatnonzero(periodic & np.isin(who, list(plan.recover_from)))
    cf = np.zeros(len(pay))  # fair amounts, row by row: only the candidates' are needed
    cf[candidates] = fair_amount(pens, fair, pay.iloc[candidates])
    for w, month in plan.recover_from.items():
        mine = candidates[who[candidates] == w]  # row order, as a boolean mask would give
        before = mine[t[mine] < month]
        after = mine[t[mine] >= month]
        amount[after] = cf[after]
        excess = round(float((amount[before] - cf[before]).sum()), 2)
        if excess > 0:
            day = _pensions.PAYDAY[pens.scheme[w], min(month, _people.N_MONTHS - 1)]
            rows.append((w, excess, day, "deducted_from_pension"))
    pay["amount"] = amount
    return pd.DataFrame(rows, columns=["who", "amount", "recovered_date", "reason"])
