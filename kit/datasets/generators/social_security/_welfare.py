"""Minimum living allowance (低保) households, members and vehicles, with SS04's plants.

Part of :mod:`kit.datasets.generators.social_security`. A household is ineligible when a member
owns a car bought for 50,000 yuan or more, runs or owns a company, is on the public payroll, or
(single-person households) has died. Traps: a company registered with a stolen identity (police
report in ``identity_theft_reports``), an old cheap vehicle, motorcycle or tricycle below the
local exclusion rule, a car sold before the allowance began, a payroll job that ended before it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.common import COUNTIES
from kit.datasets.generators.social_security._people import month_index, month_start
from kit.datasets.generators.social_security._sampling import Pool, choose_uniform, choose_weighted

N_HOUSEHOLDS = 150
N_VEHICLES = 1_400
PLANTED = {
    "vehicle": 9, "company": 8, "payroll": 7, "deceased": 6,
    "stolen_identity": 10, "cheap_vehicle": 10, "vehicle_sold": 10, "payroll_ended": 6,
}  # fmt: skip
CASE_KINDS = ("vehicle", "company", "payroll", "deceased")
VEHICLE_THRESHOLD = 50_000.0
_PLATE = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def households(
    rng: np.random.Generator, people: pd.DataFrame, death: np.ndarray, taken: np.ndarray,
    n_persons: int,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:  # fmt: skip
    """Households (``_start``/``_end`` window months, ``_kind``) and members (``_person``)."""
    counts = {k: round(v * n_persons / 10_000) for k, v in PLANTED.items()}
    n_bg = round(N_HOUSEHOLDS * n_persons / 10_000)
    kinds = ["background"] * n_bg + [k for k, v in counts.items() for _ in range(v)]
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64("2022-01-01") - birth).astype(int) / 365.25
    dm = np.where(np.isnat(death), 10_000, month_index(death))
    rural = people["hukou_type"].to_numpy() == "rural"
    free = ~taken & (dm >= 0)
    dying = np.flatnonzero(free & (dm >= 3) & (dm <= 28) & (age >= 40))
    used = np.zeros(len(people), dtype=bool)
    # heads: free adults alive at month 40, rural and older people more often; members: same area
    heads = Pool(free & (age >= 18) & (dm > 40), np.where(rural, 5, 3) * np.where(age > 55, 2, 1))
    same = {r: Pool(free & (dm > 40) & (rural == r)) for r in (False, True)}

    def head_weights(options: np.ndarray) -> np.ndarray:
        return np.where(rural[options], 1.0, 0.6) * np.where(age[options] > 55, 2.0, 1.0)

    def take(persons: list[int]) -> None:
        used[persons] = True
        for p in persons:
            heads.remove(p)
            same[bool(rural[p])].remove(p)

    rows, members = [], []
    for h, kind in enumerate(kinds):
        if kind == "deceased" and not (~used[dying]).any():
            kind = "background"  # too few deaths in a small chunk
        if kind == "deceased":
            options = dying[~used[dying]]
            head = int(rng.choice(options))
            size = 1
        else:
            head = choose_weighted(rng, heads, head_weights)
            size = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.3, 0.2, 0.15]))
        take([head])
        others = choose_uniform(rng, same[bool(rural[head])], size - 1)
        take(others)
        planted = kind != "background"
        start = int(rng.integers(-100, 12)) if planted else int(rng.integers(-110, 33))
        if kind in ("vehicle_sold", "payroll_ended"):
            start = int(rng.integers(3, 24))
        end = 10_000
        if not planted and rng.random() < 0.2 and start + 6 < 36:
            end = int(rng.integers(max(start + 6, 0), 36))
        if kind == "deceased":
            start = min(start, int(dm[head]) - 2)
        per = rng.normal(440, 70) if rural[head] else rng.normal(610, 80)
        rows.append((h, head, start, end, size, round(float(np.clip(per, 250, 850)) * size), kind))
        rel = ["head"] + list(rng.choice(["spouse", "child", "parent", "other"], size - 1,
                                         p=[0.4, 0.4, 0.15, 0.05]))  # fmt: skip
        members += [(h, int(p), r) for p, r in zip([head, *others], rel, strict=True)]
    hh = pd.DataFrame(rows, columns=["_h", "_head", "_start", "_end", "members",
                                     "monthly_amount", "_kind"])  # fmt: skip
    hh["monthly_amount"] = hh["monthly_amount"].astype(float)
    mem = pd.DataFrame(members, columns=["_h", "_person", "relation"])
    planted = {
        int(i): str(k) for i, k in zip(hh["_h"], hh["_kind"], strict=True) if k != "background"
    }
    return hh, mem, planted


def vehicles(
    rng: np.random.Generator, people: pd.DataFrame, exclude: np.ndarray, n_persons: int
) -> pd.DataFrame:
    """Background vehicle registrations (owners never allowance members)."""
    n = round(N_VEHICLES * n_persons / 10_000)
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64("2023-01-01") - birth).astype(int) / 365.25
    pool = np.flatnonzero(~exclude & (age >= 18) & (age <= 78))
    w = np.where(people["hukou_type"].to_numpy()[pool] == "urban", 2.0, 1.0)
    owner = rng.choice(pool, size=n, replace=True, p=w / w.sum())
    vtype = rng.choice(["car", "motorcycle", "tricycle", "truck"], n, p=[0.72, 0.14, 0.07, 0.07])
    reg = np.datetime64("2008-01-01") + rng.integers(0, 6200, n).astype("timedelta64[D]")
    sold = rng.random(n) < 0.12
    gone = reg + rng.integers(200, 3000, n).astype("timedelta64[D]")
    gone = np.where(sold & (gone <= np.datetime64("2024-12-31")), gone, np.datetime64("NaT"))
    return _vehicle_frame(rng, owner, vtype, reg, gone)


def _vehicle_frame(
    rng: np.random.Generator, owner: np.ndarray, vtype: np.ndarray, reg: np.ndarray,
    gone: np.ndarray, price: np.ndarray | None = None,
) -> pd.DataFrame:  # fmt: skip
    n = len(owner)
    if price is None:
        base = {"car": 115_000, "motorcycle": 6_000, "tricycle": 9_000, "truck": 160_000}
        price = np.array([base[v] for v in vtype]) * np.exp(rng.normal(0, 0.45, n))
        price = price.round(-2)
    chars = np.array(list(_PLATE))
    tail = ["".join(chars[rng.integers(0, len(chars), 5)]) for _ in range(n)]
    return pd.DataFrame(
        {
            "plate_number": [f"皖N{t}" for t in tail],
            "vehicle_type": vtype,
            "registered_date": np.asarray(reg, dtype="datetime64[D]"),
            "transferred_date": np.asarray(gone, dtype="datetime64[D]"),
            "purchase_price": np.asarray(price, dtype=float),
            "_person": np.asarray(owner, dtype=int),
        }
    )


def plant_evidence(
    rng: np.random.Generator,
    hh: pd.DataFrame,
    mem: pd.DataFrame,
    death: np.ndarray,
    companies: pd.DataFrame,
    shares: pd.DataFrame,
) -> tuple[pd.DataFrame, list[tuple[int, np.datetime64, np.datetime64]], pd.DataFrame, dict]:
    """Vehicles, payroll rows and theft reports for planted households; assigns companies.

    Returns planted vehicles, payroll entries ``(person, start, end)``, theft reports
    (``_person``, ``_company``, ``reported_date``) and, per household, the evidence person and
    the window month the ineligibility starts (``{h: (person, month)}``).
    """
    veh, pay, theft, evidence = [], [], [], {}
    active = np.flatnonzero(
        (companies["status"] == "active").to_numpy()
        & (companies["registered_date"].to_numpy() < np.datetime64("2021-06-01"))
    )
    active = list(rng.permutation(active))
    planted = hh[hh["_kind"] != "background"]
    persons = mem["_person"].to_numpy()
    members: dict[int, list[int]] = {}  # household -> members, in table order
    for i, h in enumerate(mem["_h"].to_numpy().tolist()):
        members.setdefault(h, []).append(i)
    first_share: dict[int, object] = {}  # company -> label of its first shareholder row
    for label, c in zip(shares.index, shares["_company"].to_numpy().tolist(), strict=True):
        first_share.setdefault(c, label)
    for h, kind, start in zip(planted["_h"], planted["_kind"], planted["_start"], strict=True):
        h, kind, start = int(h), str(kind), int(start)
        who = persons[members.get(h, [])]
        adults = who[:1] if len(who) == 1 else who[: max(1, len(who) - 1)]
        person = int(rng.choice(adults))
        begin = month_start(max(start, 0))
        if kind == "vehicle":
            reg = begin - np.timedelta64(int(rng.integers(-300, 1500)), "D")
            reg = min(reg, np.datetime64("2024-06-30"))
            price = float(rng.integers(60, 260)) * 1000
            veh.append((person, "car", reg, np.datetime64("NaT"), price))
            evidence[h] = (person, max(start, int(month_index(np.array([reg]))[0]) + 1))
        elif kind == "cheap_vehicle":
            vtype = str(rng.choice(["motorcycle", "tricycle", "car"], p=[0.35, 0.3, 0.35]))
            price = float(rng.integers(15, 45)) * 1000 if vtype == "car" else 5000.0
            reg = np.datetime64("2009-01-01") + np.timedelta64(int(rng.integers(0, 4000)), "D")
            veh.append((person, vtype, reg, np.datetime64("NaT"), price))
            evidence[h] = (person, start)
        elif kind == "vehicle_sold":
            reg = np.datetime64("2012-01-01") + np.timedelta64(int(rng.integers(0, 2000)), "D")
            gone = begin - np.timedelta64(int(rng.integers(20, 200)), "D")
            veh.append((person, "car", reg, gone, float(rng.integers(60, 200)) * 1000))
            evidence[h] = (person, start)
        elif kind in ("company", "stolen_identity"):
            if not active:  # a small chunk without enough old active companies
                hh.loc[hh["_h"] == h, "_kind"] = "background"
                continue
            c = int(active.pop())
            companies.loc[c, "_rep"] = person
            shares.loc[first_share[c], "_person"] = person
            if kind == "stolen_identity":
                reg = companies.loc[c, "registered_date"]
                theft.append((person, c, reg + np.timedelta64(int(rng.integers(200, 3000)), "D")))
            evidence[h] = (person, start)
        elif kind in ("payroll", "payroll_ended"):
            if kind == "payroll":
                s = begin - np.timedelta64(int(rng.integers(-200, 3000)), "D")
                pay.append((person, s, np.datetime64("NaT")))
                evidence[h] = (person, max(start, int(month_index(np.array([s]))[0])))
            else:
                e = begin - np.timedelta64(int(rng.integers(30, 600)), "D")
                pay.append((person, e - np.timedelta64(int(rng.integers(400, 4000)), "D"), e))
                evidence[h] = (person, start)
        else:  # deceased
            evidence[h] = (person, int(month_index(death[person : person + 1])[0]) + 1)
    pv = pd.DataFrame(veh, columns=["_person", "vehicle_type", "reg", "gone", "price"])
    vframe = _vehicle_frame(
        rng, pv["_person"].to_numpy(), pv["vehicle_type"].to_numpy(), pv["reg"].to_numpy(),
        pv["gone"].to_numpy(), pv["price"].to_numpy(),
    )  # fmt: skip
    tf = pd.DataFrame(theft, columns=["_person", "_company", "reported_date"])
    return vframe, pay, tf, evidence


def county_name(region: str) -> str:
    """Name of a county-level unit from its code."""
    return {c[0]: c[1] for c in COUNTIES}[region]
