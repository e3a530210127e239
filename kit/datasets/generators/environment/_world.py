"""Enterprises, outlets and discharge permits of the environment sample (生态环境样例数据).

Part of :mod:`kit.datasets.generators.environment`. Industries, permit limits and detection
limits are modelled on the national discharge standards (values rounded; see DATASHEET.md):
electroplating GB 21900-2008, leather tanning GB 30486-2013, lead-acid batteries GB 30484-2013,
textile dyeing GB 4287-2012, pharmaceuticals GB 21904-2008, other chemicals GB 8978-1996 (class
1) and boilers GB 13271-2014, cement kilns GB 4915-2013, thermal power with ultra-low emission.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kit.datasets.generators import common

#: Data window of penalties, orders and waste records; monitoring covers 2024 only.
START = np.datetime64("2021-01-01", "D")
END = np.datetime64("2024-12-31", "D")
ENTERPRISES_PER_PERSON = 0.015  # 150 enterprises for a county sample of 10,000 persons


@dataclass(frozen=True)
class Industry:
    """One industry: Chinese word, weight, share of key dischargers, permit limits, waste."""

    zh: str
    weight: float
    key_share: float
    water: dict[str, float]
    air: dict[str, float]
    waste: tuple[str, ...]


#: Limits in mg/L (water) and mg/m3 (air). The first three water pollutants and the two air
#: pollutants are monitored online; the others appear in inspection samples (penalty facts).
INDUSTRIES: dict[str, Industry] = {
    "electroplating": Industry(
        "电镀", 0.10, 0.9,
        {"cod": 80, "nh3n": 15, "total_cr": 1.0, "nickel": 0.5, "copper": 0.5, "zinc": 1.5,
         "cadmium": 0.05}, {}, ("HW17", "HW08", "HW49")),
    "leather_tanning": Industry(
        "皮革", 0.06, 0.9, {"cod": 100, "nh3n": 25, "total_cr": 1.5}, {}, ("HW21", "HW08")),
    "lead_acid_battery": Industry(
        "蓄电池", 0.05, 1.0, {"cod": 70, "nh3n": 15, "lead": 0.5, "cadmium": 0.02}, {},
        ("HW31", "HW08", "HW49")),
    "chemicals": Industry(
        "化工", 0.11, 0.75, {"cod": 100, "nh3n": 15}, {"so2": 200, "nox": 200},
        ("HW11", "HW13", "HW08", "HW49")),
    "textile_dyeing": Industry(
        "印染", 0.09, 0.6, {"cod": 80, "nh3n": 10}, {}, ("HW12", "HW08")),
    "pharmaceuticals": Industry(
        "制药", 0.06, 0.75, {"cod": 120, "nh3n": 25}, {}, ("HW02", "HW08", "HW49")),
    "cement": Industry("水泥", 0.05, 1.0, {}, {"so2": 200, "nox": 400}, ("HW08",)),
    "thermal_power": Industry("热电", 0.025, 1.0, {}, {"so2": 35, "nox": 50}, ("HW08", "HW50")),
    "machinery": Industry("机械", 0.17, 0.0, {}, {}, ("HW08", "HW09", "HW12")),
    "food_processing": Industry("食品", 0.13, 0.0, {}, {}, ()),
    "furniture": Industry("家具", 0.07, 0.0, {}, {}, ("HW12", "HW49")),
}  # fmt: skip
#: Hazardous-waste receivers (one licensed handler or unlicensed recycler per ~40 enterprises).
HANDLERS = {"hazardous_waste_disposal": "环保科技", "scrap_recycling": "再生资源回收"}
ALL_INDUSTRIES = (*INDUSTRIES, *HANDLERS)
ONLINE = ("cod", "nh3n", "total_cr", "lead", "so2", "nox")
METALS_3X = ("total_cr", "lead", "cadmium", "mercury", "arsenic")
METALS_10X = ("nickel", "copper", "zinc")
POLLUTANT_ZH = {
    "cod": "化学需氧量", "nh3n": "氨氮", "total_cr": "总铬", "lead": "总铅", "so2": "二氧化硫",
    "nox": "氮氧化物", "nickel": "总镍", "copper": "总铜", "zinc": "总锌", "cadmium": "总镉",
}  # fmt: skip
#: Lower detection limits of the online analysers (reported instead of smaller values).
DETECTION = {"cod": 4.0, "nh3n": 0.025, "total_cr": 0.004, "lead": 0.01, "so2": 3.0, "nox": 3.0}
DECIMALS = {"cod": 1, "nh3n": 3, "total_cr": 3, "lead": 3, "so2": 1, "nox": 1}
_BRANDS = (
    "鑫源", "华泰", "恒达", "金鼎", "宏发", "瑞丰", "永盛", "中天", "皖西", "大别山", "淠河",
    "龙腾", "祥和", "安泰", "兴旺", "佳美", "天成", "荣昌", "汇通", "新亚", "长江", "金牛",
    "顺达", "富源", "正大", "博远", "聚力", "联创", "德润", "嘉禾", "明珠", "东方", "华星",
    "绿源", "万通", "盛达", "润泽", "锦绣", "凯旋", "宏图", "振兴", "腾飞", "广源", "金桥",
)  # fmt: skip
_SUFFIX = ("有限公司", "有限责任公司", "股份有限公司")


def n_enterprises(n_persons: int) -> int:
    """Enterprises in a chunk of ``n_persons`` residents (at least 40)."""
    return max(40, int(round(n_persons * ENTERPRISES_PER_PERSON)))


def make_enterprises(
    rng: np.random.Generator, n: int, persons: pd.DataFrame, chunk: int
) -> pd.DataFrame:
    """Draw ``n`` enterprises plus waste handlers, with legal representatives from ``persons``.

    Returns
    -------
    DataFrame
        ``uscc, name, industry, region_code, key_discharger, legal_representative_id,
        legal_representative_name, established_date`` in drawing order.
    """
    names = list(INDUSTRIES)
    weights = np.array([INDUSTRIES[k].weight for k in names])
    industry = np.array(names, dtype=object)[rng.choice(len(names), n, p=weights / weights.sum())]
    n_handler = max(2, n // 40)
    industry = np.concatenate(
        [industry, np.repeat(np.array(list(HANDLERS), dtype=object), n_handler)]
    )
    total = len(industry)
    key_share = np.array([INDUSTRIES[i].key_share if i in INDUSTRIES else 0.0 for i in industry])
    key = rng.random(total) < key_share
    cw = np.array([c[3] for c in common.COUNTIES])
    county = rng.choice(len(cw), total, p=cw / cw.sum())
    region = np.array([c[0] for c in common.COUNTIES], dtype=object)[county]
    uscc = common.make_uscc(rng, total, region, keys=chunk * 1_000_000 + np.arange(total))
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64("2024-01-01", "D") - birth).astype(int) / 365.25
    pool = np.flatnonzero((age >= 30) & (age < 66))
    rep = rng.choice(pool, total, replace=len(pool) < total)
    est = START - rng.integers(200, 9000, total).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "uscc": uscc,
            "name": _names(rng, industry, county),
            "industry": industry,
            "region_code": region,
            "key_discharger": key,
            "legal_representative_id": persons["id_number"].to_numpy()[rep],
            "legal_representative_name": persons["name"].to_numpy()[rep],
            "established_date": est,
        }
    )


def _names(rng: np.random.Generator, industry: np.ndarray, county: np.ndarray) -> np.ndarray:
    taken: set[str] = set()
    out = np.empty(len(industry), dtype=object)
    place = rng.random(len(industry))
    for i, ind in enumerate(industry):
        word = INDUSTRIES[ind].zh if ind in INDUSTRIES else HANDLERS[ind]
        head = "六安市" if place[i] < 0.35 else common.COUNTIES[county[i]][1]
        if place[i] > 0.9:
            head = "安徽"
        for _ in range(50):
            brand = _BRANDS[int(rng.integers(len(_BRANDS)))]
            name = f"{head}{brand}{word}{_SUFFIX[int(rng.integers(3))]}"
            if name not in taken:
                break
        taken.add(name)
        out[i] = name
    return out


def make_outlets(ent: pd.DataFrame) -> pd.DataFrame:
    """Discharge outlets: DW001 (wastewater) and DA001 (flue gas) per discharging enterprise.

    Key dischargers' outlets carry online monitoring (自动监测); others are sampled by inspectors.
    """
    rows = []
    for u, ind, key in ent[["uscc", "industry", "key_discharger"]].itertuples(index=False):
        if ind not in INDUSTRIES:
            continue
        spec = INDUSTRIES[ind]
        if spec.water:
            rows.append((f"{u}-DW001", u, "water", "废水总排放口", bool(key)))
        if spec.air:
            rows.append((f"{u}-DA001", u, "air", "废气排放口", bool(key)))
    cols = ["outlet_id", "uscc", "medium", "outlet_name", "monitored"]
    return pd.DataFrame(rows, columns=cols)


def make_permits(
    rng: np.random.Generator, ent: pd.DataFrame, outlets: pd.DataFrame
) -> pd.DataFrame:
    """One discharge permit (排污许可证) per discharging enterprise, valid through 2024.

    One row per permit, outlet and pollutant with the limit of the applicable standard.
    """
    industry = dict(zip(ent["uscc"], ent["industry"], strict=True))
    first = {u: np.datetime64("2020-07-01") + int(rng.integers(0, 1280)) for u in ent["uscc"]}
    rows = []
    for oid, u, medium in outlets[["outlet_id", "uscc", "medium"]].itertuples(index=False):
        spec = INDUSTRIES[industry[u]]
        limits = spec.water if medium == "water" else spec.air
        start = first[u].astype("datetime64[D]")
        end = (start.astype("datetime64[M]") + 60).astype("datetime64[D]") - 1
        for pol, lim in limits.items():
            unit = "mg/L" if medium == "water" else "mg/m3"
            rows.append((f"{u}001P", u, oid, pol, float(lim), unit, start, end))
    cols = ["permit_id", "uscc", "outlet_id", "pollutant", "limit_value", "unit"]
    return pd.DataFrame(rows, columns=[*cols, "valid_from", "valid_to"])


def limit_map(permits: pd.DataFrame) -> dict[tuple[str, str], float]:
    """``(outlet_id, pollutant) -> limit`` of the permits."""
    keys = zip(permits["outlet_id"], permits["pollutant"], strict=True)
    return dict(zip(keys, permits["limit_value"].astype(float), strict=True))
