"""Planted item-level cases and traps: MI04, MI05 and MI08.

Part of :mod:`kit.datasets.generators.medical_insurance`. Counts are per 10,000 persons.
"""

from __future__ import annotations

from kit.datasets.generators.medical_insurance import _catalogue as cat
from kit.datasets.generators.medical_insurance._context import Context, D, day
from kit.datasets.generators.medical_insurance._plant_persons import _no_custody

_FOR_WOMEN = (("220700001", 1), ("270300001", 1), ("311201001", 1), ("XG03DAP021", 3))
_FOR_MEN = (("250403025", 1), ("220800001", 1), ("XG04CAT019", 2), ("XG04CBF020", 2))


def sex_inconsistent_items(ctx: Context) -> None:
    """MI04: items for the other sex; traps: sex coding errors, items without a sex limit."""
    rng, pop, pattern = ctx.rng, ctx.pop, "sex_inconsistent_items"
    adult = (pop.age(day("2024-01-01")) >= 25) & _no_custody(ctx)
    cands = ctx.candidates(adult)
    plan = ["case"] * ctx.count(28) + ["insured_sex"] * ctx.count(6) + \
        ["patient_sex"] * ctx.count(6) + ["no_limit"] * ctx.count(6)  # fmt: skip
    men, women = cands[pop.male[cands]], cands[~pop.male[cands]]
    im = iw = 0
    for step in plan:
        male = step in ("insured_sex", "no_limit") or (step == "case" and rng.random() < 0.5)
        if male:
            p, im = int(men[im]), im + 1
        else:
            p, iw = int(women[iw]), iw + 1
        ctx.used.add(p)
        when = ctx.random_day(pop.alive_from[p] + 5 * D, min(pop.alive_to[p], day("2024-12-28")))
        for _ in range(20):
            if ctx.free(p, when, when, margin=3):
                break
            when = ctx.random_day(
                pop.alive_from[p] + 5 * D, min(pop.alive_to[p], day("2024-12-28"))
            )
        where = ctx.hospital(p, levels=(1, 2, 3))
        base = [("110200001", 1), ("250101015", 1)]
        if step == "case":
            extra = list(_FOR_WOMEN if male else _FOR_MEN)
            extra = [extra[i] for i in sorted(rng.choice(len(extra), 2, replace=False))]
            key = ctx.visit(p, where, when, base + extra, dx_code=str(rng.choice(["K29.7", "I10"])))
            flagged = [(key, cat.item(c)) for c, _ in extra]
            ctx.add_truth(pattern, "settlement", ("settlement", key), True, "item_for_other_sex",
                          f"Items limited to {'women' if male else 'men'} were billed for a "
                          f"{'man' if male else 'woman'}.", ("items", flagged))  # fmt: skip
        elif step == "insured_sex":
            pop.sex_recorded[p] = "F"
            key = ctx.visit(p, where, when, base + list(_FOR_MEN[:2]), dx_code="N40")
            ctx.add_truth(pattern, "settlement", ("settlement", key), False,
                          "insured_sex_miscoded",
                          "The insured-person record has the wrong sex; the ID number shows a "
                          "man, and the prostate items fit.")  # fmt: skip
        elif step == "patient_sex":
            key = ctx.visit(p, where, when, base + list(_FOR_WOMEN[:2]), dx_code="N70.9", sex="M")
            ctx.add_truth(pattern, "settlement", ("settlement", key), False,
                          "patient_sex_miscoded_in_settlement",
                          "The hospital keyed the wrong sex on this settlement; the insured "
                          "woman's gynaecological items fit.")  # fmt: skip
        else:
            key = ctx.visit(p, where, when, base + [("220600001", 1)], dx_code="N62")
            ctx.add_truth(pattern, "settlement", ("settlement", key), False,
                          "item_without_sex_limit",
                          "Breast ultrasound for a man with gynaecomastia: the item has no sex "
                          "limit.")  # fmt: skip


def hanging_bed(ctx: Context) -> None:
    """MI05: stays with only bed and nursing, or only tests; traps: observation, palliative."""
    rng, pop, pattern = ctx.rng, ctx.pop, "hanging_bed"
    old = (pop.age(day("2024-01-01")) >= 45) & _no_custody(ctx)
    plan = ["bed_only"] * ctx.count(15) + ["tests_only"] * ctx.count(13) + \
        ["observation"] * ctx.count(10) + ["palliative"] * ctx.count(5)  # fmt: skip
    cands = iter(ctx.candidates(old))
    for step in plan:
        for p in cands:
            p = int(p)
            adm = ctx.random_day("2023-01-05", "2024-11-30")
            los = {"bed_only": int(rng.integers(7, 21)), "tests_only": int(rng.integers(4, 10)),
                   "observation": int(rng.integers(1, 3)),
                   "palliative": int(rng.integers(10, 25))}[step]  # fmt: skip
            if ctx.free(p, adm, adm + los * D):
                break
        else:
            return
        ctx.used.add(p)
        if step in ("bed_only", "palliative"):
            items = [("110900001", los), ("120100004", los)]
            private = step == "bed_only"
            where = ctx.hospital(p, private=private, levels=(1, 2) if private else (1,))
            dx_code = str(rng.choice(["I69.3", "M51.2", "I10"])) if private else "Z51.5"
        else:
            tests = ["250101015", "250102035", "250305001", "250307001", "210300002",
                     "210400001", "220302001", "220201001", "250203001", "250404001"]  # fmt: skip
            k = 4 if step == "observation" else int(rng.integers(6, 10))
            chosen = [tests[i] for i in sorted(rng.choice(len(tests), k, replace=False))]
            qty = dict.fromkeys(chosen, 1)
            bed = los * cat.PRICE[cat.item("110900001")]
            while sum(cat.PRICE[cat.item(c)] * q for c, q in qty.items()) <= 5.7 * bed:
                qty[chosen[int(rng.integers(0, len(chosen)))]] += 1  # repeated tests
            items = [("110900001", los)] + list(qty.items())
            private = step == "tests_only"
            where = ctx.hospital(p, private=True if private else None,
                                 levels=(1, 2) if private else (2, 3))  # fmt: skip
            dx_code = (str(rng.choice(["I69.3", "M47.8", "K29.7"])) if private
                       else str(rng.choice(["R07.4", "S06.0", "Z03.8"])))  # fmt: skip
        key = ctx.stay(p, where, adm, los, dx_code, items=items)
        if step == "bed_only":
            ctx.add_truth(pattern, "settlement", ("settlement", key), True, "bed_and_nursing_only",
                          f"A {los}-day stay billed nothing but bed and nursing fees.",
                          ("fund", [key]))  # fmt: skip
        elif step == "tests_only":
            ctx.add_truth(pattern, "settlement", ("settlement", key), True, "tests_without_treatment",
                          "Tests made up more than 80 % of the stay's cost and no treatment or "
                          "drug was given.", ("fund", [key]))  # fmt: skip
        elif step == "observation":
            ctx.add_truth(pattern, "settlement", ("settlement", key), False, "observation_stay",
                          "A short observation stay to rule out a serious condition: tests only, "
                          "as expected.")  # fmt: skip
        else:
            ctx.add_truth(pattern, "settlement", ("settlement", key), False, "palliative_care",
                          "Palliative care (Z51.5) at a township health centre: bed and nursing "
                          "are the care.")  # fmt: skip


def resold_drugs(ctx: Context) -> None:
    """MI08: one traceability code settled twice; traps: refund then resale, split packs."""
    rng, pop, pattern = ctx.rng, ctx.pop, "resold_drugs"
    buyers = ctx.candidates(pop.employee & _no_custody(ctx))
    plan = ["case"] * ctx.count(28) + ["refund"] * ctx.count(8) + ["split"] * ctx.count(6)
    pos = 0
    for step in plan:
        if pos + 2 > len(buyers):
            return
        a, b = int(buyers[pos]), int(buyers[pos + 1])
        pos += 2
        lo = max(pop.alive_from[a], pop.alive_from[b]) + 5 * D
        hi = min(pop.alive_to[a], pop.alive_to[b], day("2024-12-31")) - 100 * D
        if hi <= lo:
            continue
        ctx.used.update((a, b))
        drug = cat.CODES[cat.RESALE_DRUGS[int(rng.integers(0, len(cat.RESALE_DRUGS)))]]
        code = ctx.claims.trace_code(cat.item(drug))
        t1 = ctx.outside_stays(a, ctx.random_day(lo, hi))
        first_shop = ctx.of_kind(a, "pharmacy")
        if step == "case":
            k1 = ctx.visit(a, first_shop, t1, [(drug, 1)], traces={0: code})
            other = ctx.inst.pick(rng, (ctx.inst.kind == "pharmacy"), ctx.region_of(b))
            t2 = ctx.outside_stays(b, t1 + int(rng.integers(10, 90)) * D)
            k2 = ctx.visit(b, other, t2, [(drug, 1)], traces={0: code})
            ctx.add_truth(pattern, "drug_trace_code", code, True, "code_settled_twice",
                          "A pack bought on one card was bought back and settled again on "
                          "another card.", ("items", [(k2, cat.item(drug))]))  # fmt: skip
            del k1
        elif step == "refund":
            k1 = ctx.visit(a, first_shop, t1, [(drug, 1)], traces={0: code})
            ctx.visit(a, first_shop, t1 + int(rng.integers(1, 5)) * D, [(drug, -1)],
                      traces={0: code}, refund_of=k1)  # fmt: skip
            ctx.visit(b, first_shop, ctx.outside_stays(b, t1 + int(rng.integers(6, 30)) * D),
                      [(drug, 1)],
                      traces={0: code})  # fmt: skip
            ctx.add_truth(pattern, "drug_trace_code", code, False, "refund_then_resale",
                          "The first sale was refunded and the pack went back on the shelf "
                          "before it was sold again.")  # fmt: skip
        else:
            for person, dt in ((a, 0), (b, int(rng.integers(3, 25)))):
                when = ctx.outside_stays(person, t1 + dt * D)
                ctx.visit(person, first_shop, when, [(drug, 0.5)], traces={0: code})
            ctx.add_truth(pattern, "drug_trace_code", code, False, "split_pack_sale",
                          "One pack was split (拆零) and sold in halves at the same pharmacy; "
                          "each half carries the pack's code.")  # fmt: skip
