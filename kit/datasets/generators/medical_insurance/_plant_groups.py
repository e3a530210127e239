"""Planted group and institution-level cases and traps: MI09 and MI10.

Part of :mod:`kit.datasets.generators.medical_insurance`. Counts are per 10,000 persons (MI09)
or a share of the pharmacies (MI10).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kit.datasets.generators.medical_insurance._context import Context, D, day
from kit.datasets.generators.medical_insurance._plant_persons import _no_custody

_TOWN = re.compile(r"^(.*?(?:镇|乡|街道))")
_GROUP_DX = ("I69.3", "M51.2", "I10", "K29.7", "M47.8", "I25.1", "M17.9")
_BASKETS = (("XC09DXS010", 3), ("ZA16AAA013", 1), ("XA10AEG008", 4), ("XA10BKD009", 4),
            ("XB01AFR011", 5), ("XJ05AFE012", 6))  # fmt: skip


def _town(address: str) -> str:
    m = _TOWN.match(address)
    return m.group(1) if m else address[:8]


def group_admissions(ctx: Context) -> None:
    """MI09: 8+ people admitted and discharged together; traps: outbreaks, health checks."""
    rng, pop, inst, pattern = ctx.rng, ctx.pop, ctx.inst, "group_admissions"
    towns = np.array([_town(a) for a in pop.persons["address"]], dtype=object)
    age = pop.age(day("2024-01-01"))
    base = _no_custody(ctx) & (pop.alive_to >= day("2024-12-31"))
    ids = inst.table["institution_id"].to_numpy()
    plan = ["case"] * ctx.count(26) + ["outbreak"] * ctx.count(5) + ["check"] * ctx.count(5)
    seen: set[str] = set()
    for step in plan:
        if step == "case":
            h = inst.pick(rng, (inst.kind == "hospital") & inst.private & (inst.level <= 2))
            size, los = int(rng.integers(8, 15)), int(rng.integers(6, 11))
            pool = base & (age >= 60)
        elif step == "outbreak":
            h = inst.pick(rng, (inst.kind == "hospital") & ~inst.private & (inst.level == 2))
            size, los = int(rng.integers(8, 16)), int(rng.integers(2, 4))
            pool = base & (age >= 6)
        else:
            h = inst.pick(rng, (inst.kind == "hospital") & ~inst.private & (inst.level == 1))
            size, los = int(rng.integers(10, 26)), 0
            pool = base & (age >= 60)
        adm = ctx.random_day("2023-01-10", "2024-12-10")
        subject = f"{ids[h]}|{adm}"
        if subject in seen:
            continue
        local = ctx.candidates(pool & (pop.persons["region_code"].to_numpy() == inst.region[h]))
        if not len(local):
            continue
        town = towns[local[0]]
        ordered = np.concatenate([local[towns[local] == town], local[towns[local] != town]])
        members: list[int] = []
        for p in ordered:
            if ctx.free(int(p), adm, adm + los * D):
                members.append(int(p))
                if len(members) == size:
                    break
        if len(members) < 8:
            continue
        seen.add(subject)
        keys = []
        food = str(rng.choice(["A05.9", "T62.9"]))
        for p in members:
            ctx.used.add(p)
            if step == "check":
                keys.append(
                    ctx.visit(
                        p,
                        h,
                        adm,
                        [
                            ("110200001", 1),
                            ("250101015", 1),
                            ("310701001", 1),
                            ("250305001", 1),
                            ("220201001", 1),
                        ],
                        dx_code="Z00.0",
                    )
                )
                continue
            dx_code = str(rng.choice(_GROUP_DX)) if step == "case" else food
            keys.append(ctx.stay(p, h, adm, los, dx_code, factor=0.9 if step == "case" else 0.35))
        if step == "case":
            ctx.add_truth(
                pattern,
                "institution_day",
                subject,
                True,
                "recruited_group_stay",
                f"{len(members)} elderly people from one township were admitted and "
                "discharged together with assorted chronic diagnoses.",
                ("fund", keys),
            )
        elif step == "outbreak":
            ctx.add_truth(pattern, "institution_day", subject, False, "food_poisoning_outbreak",
                          f"{len(members)} people from one township fell ill after a shared meal "
                          "and were treated together for the same diagnosis.")  # fmt: skip
        else:
            ctx.add_truth(pattern, "institution_day", subject, False, "health_check_outpatient",
                          f"{len(members)} elderly people came for the free annual health check; "
                          "these are outpatient visits, not stays.")  # fmt: skip


def pharmacy_card_swiping(ctx: Context) -> None:
    """MI10: pharmacies swiping cards for one fixed amount; traps: chronic-disease pharmacies."""
    rng, pop, inst, pattern = ctx.rng, ctx.pop, ctx.inst, "pharmacy_card_swiping"
    ids = inst.table["institution_id"].to_numpy()
    pharm = rng.permutation(np.flatnonzero(inst.kind == "pharmacy"))
    n_case = int(round(0.22 * len(pharm)))
    n_chronic = max(1, int(round(0.04 * len(pharm))))
    n_member = max(1, int(round(0.03 * len(pharm))))
    regions = pop.persons["region_code"].to_numpy()
    steady = pop.insured & _no_custody(ctx) & (pop.alive_to >= day("2024-12-31"))
    steady &= pop.alive_from <= day("2023-01-01")
    ctx_days = (
        pd.date_range("2023-01-01", "2024-12-31", freq="D").to_numpy().astype("datetime64[D]")
    )

    def busy_on(p: int, when: np.datetime64) -> bool:
        return not ctx.free(p, when, when, margin=0)

    # cases, in clusters of 2-3 colluding pharmacies sharing a pool of cards
    cases = pharm[:n_case]
    i = 0
    while i < len(cases):
        cluster = cases[i : i + int(rng.integers(2, 4))]
        i += len(cluster)
        pool = ctx.candidates(steady & pop.employee & (regions == inst.region[cluster[0]]))
        pool = pool[: int(rng.integers(15, 40))]
        if len(pool) < 8:
            pool = ctx.candidates(steady & pop.employee)[:25]
        ctx.used.update(int(p) for p in pool)
        for h in cluster:
            code, qty = _BASKETS[int(rng.integers(0, len(_BASKETS)))]
            m0, length = int(rng.integers(0, 19)), int(rng.integers(3, 8))
            keys = []
            for m in range(m0, min(24, m0 + length)):
                month = ctx_days[(ctx_days >= day(f"{2023 + m // 12}-{m % 12 + 1:02d}-01"))][:28]
                for when in rng.choice(month, int(rng.integers(1, 4)), replace=False):
                    holders = rng.choice(pool, min(len(pool), int(rng.integers(8, 15))),
                                         replace=False)  # fmt: skip
                    for p in holders:
                        if busy_on(int(p), when):
                            continue
                        traces = ({0: ctx.claims.trace_code(_item(code))}
                                  if rng.random() < 0.3 else None)  # fmt: skip
                        keys.append(ctx.visit(int(p), int(h), when, [(code, qty)], traces=traces))
            ctx.add_truth(pattern, "institution", str(ids[h]), True, "fixed_amount_card_swiping",
                          "Cards from a shared pool were swiped many times a day for one fixed "
                          "amount without real dispensing.", ("fund", keys))  # fmt: skip

    # trap: chronic-disease pharmacies, fixed monthly prescriptions on a clinic day
    for h in pharm[n_case : n_case + n_chronic]:
        chronic = pd.notna(pop.chronic) & (regions == inst.region[h])
        pool = ctx.candidates(steady & chronic)[: int(rng.integers(20, 40))]
        ctx.used.update(int(p) for p in pool)
        first = day("2023-01-03") + int(rng.integers(0, 7))
        phase = rng.integers(0, 4, len(pool))
        for p, ph in zip(pool, phase, strict=True):
            basket = ([("XA10BAM007", 2), ("XC08CAA006", 1)] if pop.chronic[p] == "E11.9"
                      else [("XC08CAA006", 2), ("XC10AAA005", 2)])  # fmt: skip
            for when in np.arange(first + int(ph) * 7 * D, day("2024-12-31"), 28 * D):
                if not busy_on(int(p), when):
                    ctx.visit(int(p), int(h), when, basket)
        ctx.add_truth(pattern, "institution", str(ids[h]), False, "chronic_disease_pharmacy",
                      "A designated chronic-disease pharmacy refills the same fixed prescriptions "
                      "for certified patients every four weeks on its clinic day.")  # fmt: skip

    # trap: member days with many purchases of varied amounts
    for h in pharm[n_case + n_chronic : n_case + n_chronic + n_member]:
        pool = ctx.candidates(steady & pop.employee & (regions == inst.region[h]))[:80]
        if len(pool) < 10:
            continue
        for when in ctx_days[pd.DatetimeIndex(ctx_days).day == 8]:
            for p in rng.choice(pool, min(len(pool), int(rng.integers(10, 20))), replace=False):
                if busy_on(int(p), when):
                    continue
                picks = rng.choice(len(_MEMBER_GOODS), int(rng.integers(1, 4)), replace=False)
                ctx.visit(int(p), int(h), when, [(_MEMBER_GOODS[j], 1) for j in picks])
        ctx.add_truth(pattern, "institution", str(ids[h]), False, "member_day_promotion",
                      "Monthly member-day discounts bring many customers on one day, each buying "
                      "a different basket.")  # fmt: skip


_MEMBER_GOODS = ("XN02BEP022", "XJ01CAA023", "XM01AEI024", "XA07DAL026", "XC10AAA005",
                 "XC08CAA006", "XA10BAM007", "XB01ACC004")  # fmt: skip


def _item(code: str) -> int:
    from kit.datasets.generators.medical_insurance import _catalogue as cat

    return cat.item(code)
