"""Planted person-level cases and traps: MI01, MI02, MI03 and MI07.

Part of :mod:`kit.datasets.generators.medical_insurance`. Counts are per 10,000 persons.
"""

from __future__ import annotations

import numpy as np

from kit.datasets.generators.medical_insurance._context import Context, D, day
from kit.datasets.generators.medical_insurance._population import LOCKED_UP

_CHRONIC_DX = ("I63.9", "I10", "I25.1", "J44.1", "E11.9", "M51.2", "K29.7", "M17.9", "I50.9")
_PHARM_BASKETS = (("XC09DXS010", 2), ("XA10AEG008", 3), ("ZA16AAA013", 1), ("XA10BKD009", 2),
                  ("XB01AFR011", 2), ("XC10AAA005", 4))  # fmt: skip


def _no_custody(ctx: Context) -> np.ndarray:
    mask = np.ones(ctx.pop.n, dtype=bool)
    mask[ctx.pop.custody["person"].to_numpy()] = False
    return mask


def _basket(ctx: Context) -> list[tuple[str, float]]:
    code, q = _PHARM_BASKETS[int(ctx.rng.integers(0, len(_PHARM_BASKETS)))]
    return [(code, 1.0)] * int(q)


def claims_after_death(ctx: Context) -> None:
    """MI01: cards used after death; traps: death in hospital, refund after death, bad records."""
    pop, rng = ctx.pop, ctx.rng
    first, last, kind = pop.death_first, pop.death_last, pop.death_kind
    clean = (kind == "dead") & (first == last) & _no_custody(ctx)
    pattern = "claims_after_death"

    # cases
    mask = clean & (first >= day("2023-02-01")) & (first <= day("2024-10-31"))
    for p in ctx.candidates(mask)[: ctx.count(28)]:
        ctx.used.add(int(p))
        death = first[p]
        u = rng.random()
        keys = []
        if u < 0.55:
            shop = ctx.of_kind(p, "pharmacy")
            for _ in range(int(rng.integers(1, 6))):
                when = ctx.random_day(death + 7, min(death + 300, day("2024-12-31")))
                keys.append(ctx.visit(p, shop, when, _basket(ctx)))
            story = "Pharmacy purchases were settled on the card of a person who had died."
        elif u < 0.8:
            clinic = ctx.of_kind(p, "village_clinic" if rng.random() < 0.5 else "clinic")
            for _ in range(int(rng.integers(1, 4))):
                when = ctx.random_day(death + 7, min(death + 200, day("2024-12-31")))
                keys.append(
                    ctx.visit(
                        p,
                        clinic,
                        when,
                        [("110200001", 1), ("120400006", 3), ("XB05BBN001", 3)],
                        dx_code="J06.9",
                    )
                )
            story = "Outpatient visits were billed under a person who had died."
        else:
            where = ctx.hospital(p, private=True, levels=(1, 2))
            adm = ctx.random_day(death + 10, min(death + 200, day("2024-12-15")))
            keys.append(ctx.stay(p, where, adm, int(rng.integers(5, 12)), "I69.3", book=False))
            story = "An inpatient stay was fabricated for a person who had already died."
        ctx.add_truth(pattern, "person", ctx.id_of(p), True, "settlements_after_death", story,
                      ("fund", keys))  # fmt: skip

    # trap: died during the stay, settled after the death
    mask = clean & (first >= day("2023-01-20")) & (first <= day("2024-12-20"))
    for p in ctx.candidates(mask)[: ctx.count(10)]:
        death = first[p]
        los = int(rng.integers(2, 15))
        if not ctx.free(p, death - los * D, death - D, alive=False):
            continue
        ctx.used.add(int(p))
        where = ctx.hospital(p, levels=(2, 3))
        ctx.stay(p, where, death - los * D, los, str(rng.choice(["I63.9", "C34.9", "I50.9"])),
                 way="death", lag=int(rng.integers(1, 9)), factor=1.5)  # fmt: skip
        ctx.add_truth(pattern, "person", ctx.id_of(p), False, "died_during_stay",
                      "The patient died in hospital; the stay began before the death and was "
                      "settled a few days after it.")  # fmt: skip

    # trap: refund after death of a visit before death
    for p in ctx.candidates(mask)[: ctx.count(6)]:
        death = first[p]
        when = death - int(rng.integers(5, 40)) * D
        if when < day("2023-01-01"):
            continue
        ctx.used.add(int(p))
        where = ctx.hospital(p, levels=(2, 3))
        items = [("110200001", 1), ("210300002", 1), ("250101015", 1)]
        key = ctx.visit(p, where, when, items, dx_code="G45.9")
        back = min(death + int(rng.integers(3, 30)) * D, day("2024-12-31"))
        ctx.visit(p, where, back, [(c, -q) for c, q in items], dx_code="G45.9", refund_of=key)
        ctx.add_truth(
            pattern,
            "person",
            ctx.id_of(p),
            False,
            "refund_after_death",
            "A test ordered before the death was refunded to the fund after it.",
        )

    # traps: death records that are not the person's, or far too early in one source
    for label, reason, note in (
        ("not_theirs", "death_record_not_theirs",
         "A death record of someone else was filed under this living person's ID number."),
        ("wrong_date", "wrong_death_date_in_one_source",
         "One source recorded the death months too early; care before the real death is genuine."),
    ):  # fmt: skip
        for p in ctx.candidates(kind == label):
            lo = max(first[p] + 5 * D, day("2023-01-01"))
            hi = min(pop.alive_to[p], day("2024-12-31"))
            if hi <= lo + 3 * D:
                continue
            ctx.used.add(int(p))
            when = ctx.random_day(lo, hi)
            ctx.visit(p, ctx.of_kind(p, "clinic"), when, [("110200001", 1), ("XC08CAA006", 1)],
                      dx_code="I10")  # fmt: skip
            ctx.add_truth(pattern, "person", ctx.id_of(p), False, reason, note)


def inpatient_in_custody(ctx: Context) -> None:
    """MI02: stays billed while the person was in prison or detention."""
    rng, pattern = ctx.rng, "inpatient_in_custody"
    cus = ctx.pop.custody
    order = rng.permutation(len(cus))
    n_case = ctx.count(28)
    n_cc = ctx.count(8)
    n_before = ctx.count(8)
    for i in order:
        p = int(cus["person"].iat[i])
        if p in ctx.used or not ctx.pop.insured[p]:
            continue
        ctype = str(cus["custody_type"].iat[i])
        start, end = day(cus["start"].iat[i]), day(cus["end"].iat[i])
        lo, hi = max(start + 3 * D, day("2023-01-01")), min(end - 12 * D, day("2024-12-15"))
        # The case stay (at most 10 days) ends while the person is alive: custody records do
        # not know of deaths, so an episode can outlast, or even begin after, a death record,
        # and a stay after the death would be an unplanted MI01 case.
        hi_case = min(hi, day(ctx.pop.alive_to[p]) - 9 * D)
        if ctype in LOCKED_UP and n_case > 0 and hi_case > lo:
            adm = ctx.random_day(lo, hi_case)
            los = int(rng.integers(4, 11))
            where = ctx.hospital(p, private=True, levels=(1, 2))
            key = ctx.stay(p, where, adm, los, str(rng.choice(_CHRONIC_DX)))
            ctx.used.add(p)
            n_case -= 1
            ctx.add_truth(pattern, "person", ctx.id_of(p), True, "stay_during_custody",
                          f"An inpatient stay was billed while the person was in {_WORDS[ctype]}.",
                          ("fund", [key]))  # fmt: skip
        elif ctype == "community_correction" and n_cc > 0 and hi > lo:
            adm = ctx.random_day(lo, hi)
            if not ctx.free(p, adm, adm + 12 * D):
                continue
            ctx.stay(
                p, ctx.hospital(p), adm, int(rng.integers(4, 11)), str(rng.choice(_CHRONIC_DX))
            )
            ctx.used.add(p)
            n_cc -= 1
            ctx.add_truth(
                pattern,
                "person",
                ctx.id_of(p),
                False,
                "community_correction_free",
                "Under community correction the person lives at home and may seek care.",
            )
        elif ctype in LOCKED_UP and n_before > 0 and start >= day("2023-02-01"):
            los = int(rng.integers(4, 10))
            adm = start - los * D
            if not ctx.free(p, adm, start, margin=30):
                continue
            where = ctx.hospital(p, levels=(2, 3))
            ctx.stay(p, where, adm, los, "S82.2", lag=int(rng.integers(1, 6)), factor=1.2)
            ctx.used.add(p)
            n_before -= 1
            ctx.add_truth(pattern, "person", ctx.id_of(p), False, "stay_before_custody",
                          "The stay began before custody; the person was taken into custody on "
                          "discharge and the stay was settled afterwards.")  # fmt: skip


_WORDS = {"imprisonment": "prison", "criminal_detention": "criminal detention",
          "pretrial_detention": "pretrial detention"}  # fmt: skip


def overlapping_stays(ctx: Context, stays: np.ndarray) -> None:
    """MI03: a second stay at another hospital during a genuine stay; traps: transfers."""
    rng, pattern = ctx.rng, "overlapping_stays"
    old = ctx.pop.age(day("2024-01-01")) >= 50
    mask = old & _no_custody(ctx)
    cands = ctx.candidates(mask)
    n_case, n_transfer, n_shop = ctx.count(28), ctx.count(10), ctx.count(7)
    for p in cands:
        if n_case + n_transfer + n_shop == 0:
            break
        adm = ctx.random_day("2023-01-10", "2024-11-20")
        los = int(rng.integers(8, 16))
        if not ctx.free(p, adm, adm + (los + 20) * D):
            continue
        dx_code = str(rng.choice(_CHRONIC_DX))
        ctx.used.add(int(p))
        if n_case > 0:
            a = ctx.hospital(p, levels=(2, 3), private=False)
            ctx.stay(p, a, adm, los, dx_code)
            b = ctx.hospital(p, private=True, levels=(1, 2), exclude=a)
            fake = ctx.stay(p, b, adm + int(rng.integers(1, los - 3)) * D, int(rng.integers(5, 10)),
                            str(rng.choice(["M51.2", "I69.3", "K29.7"])), book=False)  # fmt: skip
            n_case -= 1
            ctx.add_truth(pattern, "person", ctx.id_of(p), True, "concurrent_stay_elsewhere",
                          "A second stay was billed at another hospital while the person was "
                          "an inpatient.", ("fund", [fake]))  # fmt: skip
        elif n_transfer > 0:
            a = ctx.hospital(p, levels=(1, 2))
            ctx.stay(p, a, adm, 4, dx_code, way="transfer")
            b = ctx.hospital(p, levels=(3,), exclude=a)
            ctx.stay(p, b, adm + 4 * D, los, dx_code, factor=1.3)
            n_transfer -= 1
            ctx.add_truth(pattern, "person", ctx.id_of(p), False, "transfer_same_day",
                          "Transferred to a higher-level hospital: discharged and admitted on the "
                          "same day.")  # fmt: skip
        else:
            a = ctx.hospital(p, levels=(2, 3))
            ctx.stay(p, a, adm, los, dx_code)
            shop = ctx.of_kind(p, "pharmacy")
            ctx.visit(p, shop, adm + int(rng.integers(2, los - 1)) * D, [("XC08CAA006", 1)])
            n_shop -= 1
            ctx.add_truth(pattern, "person", ctx.id_of(p), False, "pharmacy_purchase_during_stay",
                          "A relative bought the patient's usual medicine at a pharmacy during the "
                          "stay; it is not a second stay.")  # fmt: skip


def split_stays(ctx: Context) -> None:
    """MI07: discharge and readmission for the same diagnosis; traps: chemotherapy, dialysis."""
    rng, pattern = ctx.rng, "split_stays"
    adult = ctx.pop.age(day("2024-01-01")) >= 40
    cands = ctx.candidates(adult & _no_custody(ctx))
    n_case, n_chemo, n_dial = ctx.count(28), ctx.count(6), ctx.count(3)
    for p in cands:
        if n_case + n_chemo + n_dial == 0:
            break
        adm = ctx.random_day("2023-01-10", "2024-09-30")
        if n_case > 0:
            los1, gap, los2 = (
                int(rng.integers(6, 12)),
                int(rng.integers(1, 12)),
                int(rng.integers(4, 9)),
            )
            end = adm + (los1 + gap + los2) * D
            if not ctx.free(p, adm, end):
                continue
            ctx.used.add(int(p))
            where = ctx.hospital(p, levels=(1, 2))
            dx_code = str(rng.choice(_CHRONIC_DX))
            ctx.stay(p, where, adm, los1, dx_code)
            second = ctx.stay(p, where, adm + (los1 + gap) * D, los2, dx_code)
            n_case -= 1
            ctx.add_truth(pattern, "settlement", ("settlement", second), True,
                          "readmitted_same_diagnosis",
                          f"Readmitted {gap} days after discharge for the same diagnosis at the "
                          "same hospital: one stay split in two.", ("fund", [second]))  # fmt: skip
            continue
        chemo = n_chemo > 0
        cycles = int(rng.integers(4, 7))
        los, period = (3, 14) if chemo else (3, int(rng.integers(9, 14)))
        end = adm + cycles * period * D
        if not ctx.free(p, adm, end):
            continue
        ctx.used.add(int(p))
        where = ctx.hospital(p, levels=(3,) if chemo else (2, 3))
        dx_code = "Z51.1" if chemo else "N18.5"
        for c in range(cycles):
            key = ctx.stay(p, where, adm + c * period * D, los + int(rng.integers(0, 2)), dx_code)
            if c == 0:
                continue
            reason = "planned_chemotherapy_cycle" if chemo else "dialysis_readmission"
            note = ("Planned chemotherapy cycle (Z51.1) two weeks after the previous one."
                    if chemo else "Repeated short stays for dialysis of end-stage kidney disease.")  # fmt: skip
            ctx.add_truth(pattern, "settlement", ("settlement", key), False, reason, note)
        if chemo:
            n_chemo -= 1
        else:
            n_dial -= 1
