"""Seeded generator of the environment and safe-production sample (生态环境和安全生产样例数据).

Enterprises of a fictional Lu'an (六安市) world with discharge permits, a year (2024) of hourly
online monitoring, administrative penalties and transfers to the police, restoration orders and
payments, hazardous-waste declarations and manifests, and special-operation certificates with
the official registry, for the models EN01-EN07. Legal representatives and workers are people of
the social security population of the same seed and chunk. Planted cases and traps are listed in
``truth/truth.csv``.

Write the committed sample with
``from kit.datasets.generators import write; write("environment", "datasets/environment")``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from kit.datasets.generators.common import concat_chunks
from kit.datasets.generators.environment import _truth
from kit.datasets.generators.environment._calibrate import calibrate
from kit.datasets.generators.environment._certificates import make_certificates
from kit.datasets.generators.environment._monitoring import make_monitoring
from kit.datasets.generators.environment._penalties import make_penalties
from kit.datasets.generators.environment._restoration import make_orders
from kit.datasets.generators.environment._schema import package
from kit.datasets.generators.environment._waste import make_waste
from kit.datasets.generators.environment._world import (
    INDUSTRIES,
    limit_map,
    make_enterprises,
    make_outlets,
    make_permits,
    n_enterprises,
)

__all__ = ["DEFAULT_SEED", "FIELD", "calibrate", "generate", "iter_chunks", "package"]

FIELD = "environment"
FIELD_CODE = 3
DEFAULT_SEED = 20240511


def _population(seed: int, n_persons: int, chunk_persons: int) -> Iterator[pd.DataFrame]:
    """Persons of each chunk of the social security world of the same seed.

    The social security generator draws chunk ``k``'s persons first from
    ``SeedSequence([seed, 1, k])``, so drawing them the same way gives the same people without
    generating pensions and the other agencies' tables.
    """
    from kit.datasets.generators.social_security import _people

    n_chunks = max(1, -(-n_persons // chunk_persons))
    for k in range(n_chunks):
        n = min(chunk_persons, n_persons - k * chunk_persons)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 1, k])))
        yield _people.make_persons(rng, n, (k, n_chunks))


def _dt(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[s]")


def _chunk(seed: int, k: int, persons: pd.DataFrame, identity_noise: float) -> dict:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, FIELD_CODE, k])))
    ent = make_enterprises(rng, n_enterprises(len(persons)), persons, k)
    outlets = make_outlets(ent)
    permits = make_permits(rng, ent, outlets)
    limits = limit_map(permits)
    monitoring, notices, roles = make_monitoring(rng, ent, outlets, limits)
    by_industry = {k2: {**v.water, **v.air} for k2, v in INDUSTRIES.items()}
    owner = dict(zip(outlets["outlet_id"], outlets["uscc"], strict=True))
    metal_roles = {owner[o] for o, r in roles.items() if r.startswith("metal_")}
    pen, transfers = make_penalties(rng, ent, by_industry, k, metal_roles)
    orders, inst, pays = make_orders(rng, pen, len(ent), k)
    decl, man, waste_plan = make_waste(rng, ent, k)
    certs, registry, cert_plan = make_certificates(rng, ent, persons, identity_noise)
    key = dict(zip(ent["uscc"], ent["key_discharger"], strict=True))
    truth = pd.concat(
        [
            _truth.en01(roles),
            _truth.en02(monitoring, outlets, limits, pen),
            _truth.en03(pen, transfers, key),
            _truth.en04(pen),
            _truth.en05(orders, inst, pays),
            _truth.en06(decl, man, waste_plan),
            _truth.en07(cert_plan),
        ],
        ignore_index=True,
    ).sort_values(["pattern", "subject_id"], kind="stable")
    notices = notices.sort_values(["start_ts", "outlet_id"], kind="stable").reset_index(drop=True)
    notices.insert(0, "notice_id", [f"N{k:03d}{i:05d}" for i in range(1, len(notices) + 1)])
    certs.insert(0, "record_id", [f"W{k:03d}{i:05d}" for i in range(1, len(certs) + 1)])
    ent["established_date"] = _dt(ent["established_date"])
    permits["valid_from"], permits["valid_to"] = (
        _dt(permits["valid_from"]),
        _dt(permits["valid_to"]),
    )
    for col in ("violation_date", "decision_date"):
        pen[col] = _dt(pen[col])
    transfers["transfer_date"] = _dt(transfers["transfer_date"])
    pen = pen[
        ["penalty_id", "uscc", "violation_date", "decision_date", "violation_type", "pollutant",
         "measured_value", "limit_value", "exceed_multiple", "hazardous_waste_tonnes",
         "fine_amount", "status", "facts"]
    ]  # fmt: skip
    for col in ("measured_value", "limit_value", "exceed_multiple", "hazardous_waste_tonnes"):
        pen[col] = pen[col].astype("float64")
    return {
        "enterprises": ent.sort_values("uscc").reset_index(drop=True),
        "outlets": outlets.sort_values("outlet_id").reset_index(drop=True),
        "permits": permits.sort_values(["permit_id", "outlet_id", "pollutant"]).reset_index(
            drop=True
        ),
        "monitoring": monitoring,
        "maintenance_notices": notices,
        "penalties": pen.reset_index(drop=True),
        "police_transfers": transfers,
        "restoration_orders": orders.sort_values("order_id").reset_index(drop=True),
        "restoration_instalments": inst,
        "restoration_payments": pays,
        "hw_declarations": decl,
        "hw_manifests": man,
        "worker_certificates": certs,
        "certificate_registry": registry,
        "truth": truth.reset_index(drop=True),
    }


def iter_chunks(
    seed: int,
    n_persons: int,
    *,
    chunk_persons: int = 250_000,
    identity_noise: float = 0.05,
) -> Iterator[dict[str, pd.DataFrame]]:
    """Generate the sample chunk by chunk (one chunk per chunk of people).

    Chunk ``k`` draws from ``SeedSequence([seed, 3, k])`` and uses the persons of the social
    security chunk ``k``; its enterprises number 1.5 per 100 persons.

    Parameters
    ----------
    seed : int
        Seed of the synthetic world.
    n_persons : int
        Persons in the world (county 10,000).
    chunk_persons : int
        Persons per chunk; ``n_persons <= chunk_persons`` gives one chunk.
    identity_noise : float
        Share of ordinary certificate numbers written untidily (spaces, lower-case ``t``,
        missing ``T``, full-width digits); also passed to the social security generator.

    Yields
    ------
    dict of str to DataFrame
        The tables of the chunk, including ``truth``.
    """
    people = _population(seed, n_persons, chunk_persons)
    for k, persons in enumerate(people):
        yield _chunk(seed, k, persons, identity_noise)


def generate(
    seed: int = DEFAULT_SEED, n_persons: int = 10_000, *, identity_noise: float = 0.05
) -> dict[str, pd.DataFrame]:
    """The whole sample as one dict of tables (the concatenation of :func:`iter_chunks`).

    Examples
    --------
    >>> tables = generate(n_persons=3_000)  # doctest: +SKIP
    >>> sorted(tables)[:2]  # doctest: +SKIP
    ['certificate_registry', 'enterprises']
    """
    return concat_chunks(iter_chunks(seed, n_persons, identity_noise=identity_noise))
