"""Seeded generator of the medical insurance sample (医保基金样例数据).

The insured are the people of the social security world of the same seed (chunk ``k`` of this
field is built from social security chunk ``k``), with the same death and custody records. Tables:
insured persons, designated institutions with registered beds and a daily inpatient census,
settlements (inpatient, outpatient, pharmacy) with ICD-10 diagnoses, claim items with drug
traceability codes, and the item catalogue. Planted cases and traps of MI01-MI10 are listed in
``truth/truth.csv``; degraded identities of secondary records in ``truth/linkage.csv``.

Write the committed sample with
``kit.datasets.generators.write("medical_insurance", "datasets/medical_insurance")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from kit.datasets.generators.common import concat_chunks
from kit.datasets.generators.medical_insurance import (
    _baseline,
    _beds,
    _context,
    _institutions,
    _plant_groups,
    _plant_items,
    _plant_persons,
    _population,
)
from kit.datasets.generators.medical_insurance._calibrate import calibrate
from kit.datasets.generators.medical_insurance._catalogue import item_catalogue
from kit.datasets.generators.medical_insurance._claims import Claims
from kit.datasets.generators.medical_insurance._finish import finish, insured_table
from kit.datasets.generators.medical_insurance._schema import package
from kit.datasets.generators.medical_insurance._truth import PATTERNS, REASONS, build_truth

__all__ = [
    "DEFAULT_SEED",
    "FIELD",
    "PATTERNS",
    "REASONS",
    "calibrate",
    "generate",
    "iter_chunks",
    "package",
]

FIELD = "medical_insurance"
FIELD_CODE = 2
DEFAULT_SEED = 20240511
#: Tables in the order of ``datapackage.json`` (then ``truth`` and ``linkage`` in ``truth/``).
TABLES = ("insured", "deaths", "custody", "institutions", "bed_registrations",
          "inpatient_census", "item_catalogue", "settlements", "claim_items")  # fmt: skip


def _chunk(rng: np.random.Generator, k: int, ss: dict[str, pd.DataFrame],
           identity_noise: float) -> dict[str, pd.DataFrame]:  # fmt: skip
    pop = _population.build(rng, ss)
    inst = _institutions.make(rng, k, pop.n)
    scale = pop.n / 10_000
    claims = Claims(chunk=k)
    stays = _baseline.inpatient(rng, pop, inst, claims)
    _baseline.ambulatory(rng, pop, inst, claims, stays)
    ctx = _context.Context(rng, pop, inst, claims, scale)
    _context.book_spans(ctx, stays)
    _plant_persons.inpatient_in_custody(ctx)
    _plant_persons.claims_after_death(ctx)
    _plant_persons.overlapping_stays(ctx, stays)
    _plant_persons.split_stays(ctx)
    _plant_items.sex_inconsistent_items(ctx)
    _plant_items.hanging_bed(ctx)
    _plant_items.resold_drugs(ctx)
    _plant_groups.group_admissions(ctx)
    _plant_groups.pharmacy_card_swiping(ctx)
    _baseline.keep_out_of_stays(pop, claims)
    n_hosp = int((inst.kind == "hospital").sum())
    bed_plan = {
        "mi06_hospitals": max(1, int(round(n_hosp * 0.14))),
        "mi06_peak": max(1, int(round(n_hosp * 0.05))),
        "mi06_expanded": max(1, int(round(n_hosp * 0.05))),
    }
    registrations, census, mi06 = _beds.census(rng, inst, bed_plan)

    out = finish(rng, k, pop, inst, claims, identity_noise)
    truth = build_truth(ctx.truth, mi06, pop, out["settlements"], out["_person"], out["_keys"],
                        out["_items"])  # fmt: skip
    linkage = pd.concat([pop.linkage, out["_link"]], ignore_index=True)
    linkage = linkage.sort_values(["table", "record_id"], kind="stable").reset_index(drop=True)
    institutions = inst.table.drop(columns="_kind")
    return {
        "insured": insured_table(pop),
        "deaths": pop.deaths.reset_index(drop=True),
        "custody": pop.custody_records.reset_index(drop=True),
        "institutions": institutions,
        "bed_registrations": registrations,
        "inpatient_census": census,
        "item_catalogue": item_catalogue() if k == 0 else item_catalogue().iloc[:0],
        "settlements": out["settlements"],
        "claim_items": out["claim_items"],
        "truth": truth,
        "linkage": linkage,
    }


def iter_chunks(
    seed: int,
    n_persons: int,
    *,
    chunk_persons: int = 250_000,
    identity_noise: float = 0.05,
) -> Iterator[dict[str, pd.DataFrame]]:
    """Generate the sample chunk by chunk (one chunk per social security chunk).

    Parameters
    ----------
    seed : int
        The world's seed; chunk ``k`` draws from ``PCG64(SeedSequence([seed, 2, k]))``.
    n_persons : int
        Persons in the world.
    chunk_persons : int
        Persons per chunk (the social security generator's chunks).
    identity_noise : float
        Share of degraded identities in secondary records (see ``truth/linkage.csv``).

    Yields
    ------
    dict of str to DataFrame
        The tables of one chunk, keys as in :data:`TABLES` plus ``truth`` and ``linkage``.
        The item catalogue comes with the first chunk only.
    """
    ss_chunks = _population.ss_chunks(seed, n_persons, chunk_persons, identity_noise)
    for k, ss in enumerate(ss_chunks):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, FIELD_CODE, k])))
        yield _chunk(rng, k, ss, identity_noise)


def generate(
    seed: int = DEFAULT_SEED, n_persons: int = 10_000, *, identity_noise: float = 0.05
) -> dict[str, pd.DataFrame]:
    """Generate the whole sample in memory (the concatenation of :func:`iter_chunks`).

    Examples
    --------
    >>> tables = generate(seed=1, n_persons=2_000)
    >>> sorted(tables["settlements"]["kind"].unique())
    ['inpatient', 'outpatient', 'pharmacy']
    """
    return concat_chunks(iter_chunks(seed, n_persons, identity_noise=identity_noise))


def describe(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Rows per table and truth rows per (pattern, reason)."""
    truth = tables["truth"]
    return {
        "rows": {k: len(v) for k, v in tables.items()},
        "truth": truth.groupby(["pattern", "reason", "is_case"]).size().to_dict(),
    }
