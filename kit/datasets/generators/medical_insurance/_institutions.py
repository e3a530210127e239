"""Designated medical institutions and pharmacies (定点医药机构) of the medical insurance sample.

Part of :mod:`kit.datasets.generators.medical_insurance`. Institution codes follow the shape of
the national codes: ``H`` (medical institution) or ``P`` (pharmacy), the 6-digit region code and
a 5-digit sequence. Counts grow with the square root of the population, so a 10,000-person
sample still has a county's variety of hospitals, clinics, village clinics and pharmacies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.datasets.generators.common import COUNTIES, make_uscc

#: Institutions per 10,000 persons (scaled by the square root of the population).
COUNTS = {"tertiary": 4, "secondary": 10, "level1": 28, "clinic": 28, "village": 70,
          "pharmacy": 126}  # fmt: skip
LEVEL_PRICE = {3: 1.0, 2: 0.9, 1: 0.8, 0: 0.8}
_CITY = ("341502", "341503")
_BRANDS = ("华润", "百姓缘", "国胜", "敬贤堂", "老百姓", "一心堂", "益丰", "安康", "仁和", "同仁")
_PRIVATE = ("仁和", "康复", "博爱", "仁济", "和平", "东方", "济民", "华夏", "明珠", "惠民")
_CLINIC = ("康宁", "济世", "仁心", "安泰", "德济", "永康", "惠康", "顺安")
_SURNAMES = "王李张刘陈杨吴周徐胡朱汪程"


@dataclass
class Institutions:
    """The institutions of one chunk.

    Attributes
    ----------
    table : DataFrame
        The ``institutions`` table, sorted by ``institution_id``; index = institution number.
    kind, level, region, private : ndarray
        Per institution: kind (``hospital`` ...), level (0 when not a hospital), region code,
        privately owned.
    """

    table: pd.DataFrame

    def __post_init__(self) -> None:
        t = self.table
        self.kind = t["kind"].to_numpy(dtype=object)
        self.level = t["level"].fillna(0).to_numpy().astype(int)
        self.region = t["region_code"].to_numpy(dtype=object)
        self.private = (t["ownership"] == "private").to_numpy()
        self.beds = t["registered_beds"].fillna(0).to_numpy().astype(int)

    def pick(self, rng: np.random.Generator, mask: np.ndarray, region: str | None = None) -> int:
        """One institution among ``mask``, preferring ``region`` (80 %) when it has any."""
        pool = np.flatnonzero(mask)
        if not len(pool):  # a small world may lack the kind asked for: any hospital will do
            pool = np.flatnonzero(self.kind == "hospital")
        if region is not None:
            local = pool[self.region[pool] == region]
            if len(local) and rng.random() < 0.8:
                pool = local
        return int(pool[rng.integers(0, len(pool))])


def _county(code: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    for c in COUNTIES:
        if c[0] == code:
            return c[1], c[4], c[5]
    raise KeyError(code)


def make(rng: np.random.Generator, chunk: int, n_persons: int) -> Institutions:
    """Draw the institutions serving ``n_persons`` people."""
    scale = max(0.45, float(np.sqrt(n_persons / 10_000)))
    counts = {k: max(1, int(round(v * scale))) for k, v in COUNTS.items()}
    codes = [c[0] for c in COUNTIES]
    weights = np.array([c[3] for c in COUNTIES])
    rows: list[dict] = []

    def region_of(kind: str, i: int) -> str:
        if kind == "tertiary":
            return _CITY[i % 2]
        if kind in ("secondary", "level1") and i < len(codes):
            return codes[i]  # every county has a county hospital and a township centre
        return str(rng.choice(codes, p=weights / weights.sum()))

    for kind, n in counts.items():
        for i in range(n):
            region = region_of(kind, i)
            cname, urban, rural = _county(region)
            town = str(rng.choice(rural))
            private = False
            if kind == "tertiary":
                level, beds = 3, int(rng.integers(8, 16)) * 100
                private = i >= 4
                name = ("六安市人民医院", "六安市第二人民医院", "六安市中医院",
                        "六安市妇幼保健院")[i % 4] if i < 4 else f"六安{_PRIVATE[i % 10]}医院"  # fmt: skip
            elif kind == "secondary":
                level = 2
                private = i >= len(codes)
                beds = (
                    int(rng.integers(2, 6)) * 100 if not private else int(rng.integers(8, 20)) * 10
                )
                name = (f"{cname}人民医院" if not private
                        else f"{cname}{_PRIVATE[i % 10]}医院")  # fmt: skip
            elif kind == "level1":
                level = 1
                private = rng.random() < 0.4 and i >= len(codes)
                beds = int(rng.integers(3, 12)) * 10
                name = f"{cname}{_PRIVATE[i % 10]}医院" if private else f"{cname}{town}卫生院"
            elif kind == "clinic":
                level, beds, private = 0, 0, True
                name = f"{cname}{_SURNAMES[i % len(_SURNAMES)]}氏{_CLINIC[i % len(_CLINIC)]}诊所"
            elif kind == "village":
                level, beds = 0, 0
                village = f"{_SURNAMES[int(rng.integers(0, len(_SURNAMES)))]}" + str(
                    rng.choice(["圩", "郢", "冲", "畈", "岗", "湾", "庄"])
                )
                name = f"{cname}{town}{village}村卫生室"
            else:
                level, beds, private = 0, 0, True
                street = str(rng.choice(urban + rural))
                name = f"{cname}{_BRANDS[i % len(_BRANDS)]}大药房{street}店"
            rows.append(
                {
                    "_kind": kind,
                    "kind": {
                        "tertiary": "hospital",
                        "secondary": "hospital",
                        "level1": "hospital",
                        "clinic": "clinic",
                        "village": "village_clinic",
                        "pharmacy": "pharmacy",
                    }[kind],
                    "name": name,
                    "level": level or None,
                    "ownership": "private" if private else "public",
                    "registered_beds": beds or None,
                    "region_code": region,
                }
            )
    frame = pd.DataFrame(rows)
    frame = frame.drop_duplicates("name").reset_index(drop=True)
    prefix = np.where(frame["kind"] == "pharmacy", "P", "H")
    seq = frame.groupby([prefix, frame["region_code"]]).cumcount().to_numpy() + 1
    frame["institution_id"] = [
        f"{p}{r}{chunk * 2000 + s:05d}" for p, r, s in zip(prefix, frame["region_code"], seq,
                                                           strict=True)
    ]  # fmt: skip
    org = np.where(frame["ownership"] == "public", "12", np.where(frame["kind"] == "pharmacy",
                                                                  "91", "52"))  # fmt: skip
    keys = chunk * 1_000_000 + np.arange(len(frame)) + 500_000
    uscc = [
        make_uscc(rng, 1, r, keys=[k], kind=o)[0]
        for r, k, o in zip(frame["region_code"], keys, org, strict=True)
    ]
    frame["uscc"] = uscc
    frame["level"] = frame["level"].astype("Int64")
    frame["registered_beds"] = frame["registered_beds"].astype("Int64")
    cols = ["institution_id", "uscc", "name", "kind", "level", "ownership", "registered_beds",
            "region_code", "_kind"]  # fmt: skip
    frame = frame[cols].sort_values("institution_id", kind="stable").reset_index(drop=True)
    return Institutions(frame)
