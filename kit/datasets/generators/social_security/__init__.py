"""Seeded generator of the social security field (社保样例数据).

A fictional population in Lu'an (六安市), Anhui, 2022-01 to 2024-12: population register, pension
roster, payments, adjustments and recoveries, deaths from three agencies, custody and community
correction rosters, minimum-living-allowance households, vehicles, companies and shareholders,
public payroll, contribution spells and unemployment benefit, with planted cases and traps for
SS01-SS05 in ``truth`` and degraded identities of secondary sources in ``linkage``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from kit.datasets.generators.common import concat_chunks
from kit.datasets.generators.social_security._build import build_chunk
from kit.datasets.generators.social_security._calibrate import calibrate
from kit.datasets.generators.social_security._package import package

__all__ = ["DEFAULT_SEED", "FIELD", "calibrate", "generate", "iter_chunks", "package"]

FIELD = "social_security"
DEFAULT_SEED = 20240511


def iter_chunks(
    seed: int, n_persons: int, *, chunk_persons: int = 250_000, identity_noise: float = 0.05
) -> Iterator[dict[str, pd.DataFrame]]:
    """Generate the field chunk by chunk (one dict of tables per chunk of people).

    Chunk ``k`` draws every value from ``Generator(PCG64(SeedSequence([seed, 1, k])))``; its
    persons are disjoint from other chunks' (ID numbers never repeat) and planted cases scale
    with its size. Concatenated, the chunks give the whole dataset.

    Parameters
    ----------
    seed : int
    n_persons : int
        Persons in the world; ``n_persons <= chunk_persons`` gives one chunk.
    chunk_persons : int
        Persons per chunk.
    identity_noise : float
        Share of secondary-source records with a degraded identity (``truth/linkage.csv``).
    """
    n_chunks = max(1, -(-n_persons // chunk_persons))
    base, extra = divmod(n_persons, n_chunks)
    for k in range(n_chunks):
        yield build_chunk(seed, k, n_chunks, base + (k < extra), identity_noise)


def generate(
    seed: int = DEFAULT_SEED, n_persons: int = 10_000, *, identity_noise: float = 0.05
) -> dict[str, pd.DataFrame]:
    """The whole dataset in memory (the concatenation of :func:`iter_chunks`).

    Examples
    --------
    >>> tables = generate(seed=1, n_persons=2_000)
    >>> {"persons", "pension_payments", "custody", "truth", "linkage"} <= set(tables)
    True
    """
    return concat_chunks(iter_chunks(seed, n_persons, identity_noise=identity_noise))
