"""Administrative penalties and transfers to the police (EN02 penalty facts, EN03, EN04).

Part of :mod:`kit.datasets.generators.environment`. Penalties are planted in groups: facts that
meet a criminal threshold of 法释〔2023〕7号 Art. 1 (not transferred, transferred promptly or
transferred late), look-alikes just below a threshold, repeat offenders and their look-alikes,
and ordinary single penalties. Fines follow the ranges of the Water and Air Pollution Laws, the
Solid Waste Law (2020) Art. 112 and the Regulation on Pollutant Discharge Permits Art. 33.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.environment._world import END, INDUSTRIES, POLLUTANT_ZH

DAY = np.timedelta64(1, "D")
#: Violation type -> (Chinese, fine low, fine high) in yuan.
VIOLATIONS = {
    "exceedance": ("超标排放污染物", 100_000, 1_000_000),
    "falsified_monitoring": ("篡改、伪造自动监测数据", 100_000, 1_000_000),
    "hw_dumping": ("非法倾倒、处置危险废物", 100_000, 1_000_000),
    "hw_storage": ("危险废物贮存不规范", 100_000, 1_000_000),
    "no_permit": ("未取得排污许可证排放污染物", 200_000, 1_000_000),
    "monitoring_not_operated": ("未保证自动监测设备正常运行", 20_000, 200_000),
}
_ORDINARY = ("exceedance", "hw_storage", "no_permit", "monitoring_not_operated")
_METAL_INDUSTRIES = ("electroplating", "leather_tanning", "lead_acid_battery")
#: Planted groups: name -> count per 150 enterprises.
GROUPS = {
    "threshold_not_transferred": 27,
    "threshold_transferred_promptly": 9,
    "threshold_transferred_late": 9,
    "metal_below_3x": 7,
    "ten_x_metal_below_10x": 4,
    "cod_not_heavy_metal": 5,
    "hazardous_waste_below_3t": 5,
    "repeat": 27,
    "repeat_outside_window": 8,
    "repeat_prior_revoked": 8,
    "repeat_two_only": 6,
    "single": 18,
}


def _date(rng: np.random.Generator, low: str, high: str) -> np.datetime64:
    a, b = np.datetime64(low, "D"), np.datetime64(high, "D")
    return a + int(rng.integers(0, (b - a).astype(int) + 1))


def _fine(rng: np.random.Generator, kind: str, severe: bool) -> float:
    _, low, high = VIOLATIONS[kind]
    x = low * np.exp(abs(rng.normal(0.9 if severe else 0.3, 0.6)))
    return float(np.clip(round(x, -3), low, high))


def _facts(p: dict, industry: str) -> str:
    kind, v = p["violation_type"], pd.Timestamp(p["violation_date"])
    when = f"{v.year}年{v.month}月{v.day}日"
    pol = POLLUTANT_ZH.get(p["pollutant"] or "", "")
    if kind == "exceedance":
        water = p["pollutant"] in INDUSTRIES[industry].water
        unit = "mg/L" if water else "mg/m3"
        law = (
            "《中华人民共和国水污染防治法》第十条"
            if water
            else "《中华人民共和国大气污染防治法》第十八条"
        )
        return (
            f"{when}，执法人员对该公司{'废水总排放口' if water else '废气排放口'}采样监测，"
            f"{pol}浓度为{p['measured_value']:g}{unit}，排放标准限值为{p['limit_value']:g}{unit}，"
            f"为限值的{p['exceed_multiple']:.2f}倍，违反{law}的规定。"
        )
    if kind == "falsified_monitoring":
        who = "该公司系重点排污单位，" if p["_key"] else "该公司"
        return (
            f"经查，{who}自{when}起篡改自动监测设备参数，致使{pol}监测数据失真，同期仍在排放{pol}。"
        )
    if kind == "hw_dumping":
        return (
            f"经查，该公司于{when}将{p['hazardous_waste_tonnes']:.2f}吨危险废物交由无危险废物"
            f"经营许可证的个人非法倾倒于农田沟渠。"
        )
    if kind == "hw_storage":
        return f"{when}现场检查发现，该公司危险废物贮存场所未设置识别标志，部分危险废物露天堆放。"
    if kind == "no_permit":
        return f"{when}现场检查发现，该公司未依法取得排污许可证，生产废水经管道排入外环境。"
    return f"{when}起，该公司自动监测设备多次停运，数据传输有效率低于规定要求。"


def _threshold_fields(rng: np.random.Generator, group: str, industry: str, key: bool) -> dict:
    """Violation type, pollutant, measured value and tonnes of one planted threshold penalty."""
    spec = INDUSTRIES[industry]
    out: dict = {
        "violation_type": "exceedance",
        "pollutant": None,
        "multiple": None,
        "tonnes": None,
    }
    metals3 = [p for p in spec.water if p in ("total_cr", "lead", "cadmium")]
    metals10 = [p for p in spec.water if p in ("nickel", "copper", "zinc")]
    if group.startswith("threshold"):
        u = rng.random()
        if metals3 and u < 0.8:
            if metals10 and rng.random() < 0.35:
                out.update(pollutant=str(rng.choice(metals10)), multiple=rng.uniform(10.2, 25))
            else:
                out.update(pollutant=str(rng.choice(metals3)), multiple=rng.uniform(3.05, 12))
        elif key and spec.water and u < 0.75:
            out.update(violation_type="falsified_monitoring", pollutant="cod")
        else:
            out.update(violation_type="hw_dumping", tonnes=rng.uniform(3.1, 40))
    elif group == "metal_below_3x":
        out.update(pollutant=str(rng.choice(metals3)), multiple=rng.uniform(2.5, 2.95))
    elif group == "ten_x_metal_below_10x":
        out.update(pollutant=str(rng.choice(metals10)), multiple=rng.uniform(3.2, 9.6))
    elif group == "cod_not_heavy_metal":
        out.update(pollutant="cod", multiple=rng.uniform(10.5, 18))
    else:
        out.update(violation_type="hw_dumping", tonnes=rng.uniform(1.2, 2.9))
    return out


def _pools(ent: pd.DataFrame) -> dict[str, np.ndarray]:
    ind = ent["industry"].to_numpy()
    key = ent["key_discharger"].to_numpy()
    water = np.array([i in INDUSTRIES and bool(INDUSTRIES[i].water) for i in ind])
    waste = np.array([i in INDUSTRIES and bool(INDUSTRIES[i].waste) for i in ind])
    metal = np.isin(ind, _METAL_INDUSTRIES)
    return {
        "threshold": np.flatnonzero(metal | (key & water) | waste),
        "metal_below_3x": np.flatnonzero(metal),
        "ten_x_metal_below_10x": np.flatnonzero(ind == "electroplating"),
        "cod_not_heavy_metal": np.flatnonzero(water & ~key),
        "hazardous_waste_below_3t": np.flatnonzero(waste),
        "other": np.flatnonzero(water | waste | np.isin(ind, list(INDUSTRIES))),
    }


def make_penalties(
    rng: np.random.Generator,
    ent: pd.DataFrame,
    limits_by_industry: dict,
    chunk: int,
    avoid: set[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Penalties and police transfers of one chunk (internal ``_group`` column kept).

    Threshold penalties go first to metal-industry enterprises not in ``avoid`` (those with
    planted metal exceedances in the monitoring data).
    """
    scale = len(ent) / 150
    pools = _pools(ent)
    fresh = ~ent["uscc"].isin(avoid).to_numpy()
    pools["threshold_metal"] = np.intersect1d(pools["metal_below_3x"], np.flatnonzero(fresh))
    used: set[int] = set()
    rows: list[dict] = []
    transfers: list[tuple[int, np.datetime64]] = []

    def pick(pool: np.ndarray) -> int | None:
        free = [i for i in pool.tolist() if i not in used]
        if not free:
            return None
        i = int(rng.choice(free))
        used.add(i)
        return i

    def add(i: int, group: str, kind: str, v: np.datetime64, **more) -> dict:
        row = {
            "_i": i, "_group": group, "violation_type": kind, "violation_date": v,
            "decision_date": min(v + int(rng.integers(20, 90)), END), "pollutant": None,
            "multiple": None, "tonnes": None, "status": "effective", **more,
        }  # fmt: skip
        rows.append(row)
        return row

    for group, per150 in GROUPS.items():
        for _ in range(max(1, int(round(per150 * scale)))):
            base = group if group in pools else ("threshold" if "threshold" in group else "other")
            i = None
            if base == "threshold" and rng.random() < 0.55:
                i = pick(pools["threshold_metal"])
            i = pick(pools[base]) if i is None else i
            if i is None:
                continue
            industry = ent["industry"].iat[i]
            key = bool(ent["key_discharger"].iat[i])
            if group.startswith("repeat") or group == "single":
                _repeat(rng, add, i, group)
                continue
            f = _threshold_fields(rng, group, industry, key)
            row = add(
                i, group, f.pop("violation_type"), _date(rng, "2021-02-01", "2024-09-30"), **f
            )
            if group == "threshold_transferred_promptly":
                transfers.append((len(rows) - 1, row["decision_date"] + int(rng.integers(3, 25))))
            elif group == "threshold_transferred_late":
                late = row["decision_date"] + int(rng.integers(120, 420))
                if late > END:
                    row["violation_date"] -= 420
                    row["decision_date"] -= 420
                    late -= 420
                transfers.append((len(rows) - 1, late))
    return _frame(rng, ent, rows, transfers, limits_by_industry, chunk)


def _repeat(rng: np.random.Generator, add, i: int, group: str) -> None:
    """Planted penalty histories of one enterprise (EN04 cases and look-alikes, singles)."""
    kinds = list(_ORDINARY)
    v3 = _date(rng, "2022-12-01", "2024-10-15")
    if group == "single":
        add(i, group, str(rng.choice(kinds)), _date(rng, "2021-01-15", "2024-10-15"))
        return
    if group == "repeat":
        d1, d2 = v3 - int(rng.integers(420, 700)), v3 - int(rng.integers(60, 400))
    elif group == "repeat_outside_window":
        d1, d2 = v3 - int(rng.integers(745, 790)), v3 - int(rng.integers(60, 400))
    elif group == "repeat_prior_revoked":
        d1, d2 = v3 - int(rng.integers(420, 700)), v3 - int(rng.integers(60, 400))
    else:
        d1, d2 = v3 - int(rng.integers(420, 700)), v3 - int(rng.integers(60, 400))
    for n, d in enumerate((d1, d2)):
        row = add(i, group, str(rng.choice(kinds)), d - 45)
        row["decision_date"] = d
        if group == "repeat_prior_revoked" and n == 1:
            row["status"] = "revoked"
    if group != "repeat_two_only":
        add(i, group, str(rng.choice(kinds)), v3)


def _frame(
    rng, ent, rows, transfers, limits_by_industry, chunk
) -> tuple[pd.DataFrame, pd.DataFrame]:
    for r in rows:
        industry = ent["industry"].iat[r["_i"]]
        r["uscc"] = ent["uscc"].iat[r["_i"]]
        r["_key"] = bool(ent["key_discharger"].iat[r["_i"]])
        spec = INDUSTRIES[industry]
        if r["violation_type"] == "exceedance" and r["pollutant"] is None:
            options = [p for p in (*spec.water, *spec.air) if p in ("cod", "nh3n", "so2", "nox")]
            if not options:
                r["violation_type"] = "hw_storage"
            else:
                r["pollutant"] = str(rng.choice(options))
                r["multiple"] = rng.uniform(1.1, 2.2)
        if r["violation_type"] == "falsified_monitoring" and r["pollutant"] is None:
            r["pollutant"] = "cod"
        lim = limits_by_industry[industry].get(r["pollutant"]) if r["pollutant"] else None
        r["limit_value"] = float(lim) if lim is not None and r["multiple"] is not None else None
        if r["limit_value"] is not None:
            r["measured_value"] = float(np.round(r["limit_value"] * r["multiple"], 3))
            r["exceed_multiple"] = round(r["measured_value"] / r["limit_value"], 2)
        else:
            r["measured_value"] = r["exceed_multiple"] = None
        r["hazardous_waste_tonnes"] = None if r["tonnes"] is None else round(float(r["tonnes"]), 2)
        severe = r["_group"].startswith("threshold")
        r["fine_amount"] = _fine(rng, r["violation_type"], severe)
        r["facts"] = _facts(r, industry)
    frame = pd.DataFrame(rows)
    frame["_row"] = np.arange(len(frame))
    frame = frame.sort_values(["decision_date", "uscc", "_row"], kind="stable")
    frame["penalty_id"] = [
        f"P{chunk:03d}{pd.Timestamp(d).year}{k:05d}"
        for k, d in enumerate(frame["decision_date"], start=1)
    ]
    ids = dict(zip(frame["_row"], frame["penalty_id"], strict=True))
    frame = frame.sort_values("penalty_id").reset_index(drop=True)
    region = dict(zip(ent["uscc"], ent["region_code"], strict=True))
    tr = pd.DataFrame(
        {
            "penalty_id": [ids[k] for k, _ in transfers],
            "transfer_date": [d for _, d in transfers],
        }
    )
    tr["receiving_agency"] = [
        f"{_county(region[u])}公安局"
        for u in frame.set_index("penalty_id").loc[tr["penalty_id"], "uscc"]
    ]
    return frame, tr.sort_values("penalty_id").reset_index(drop=True)


def _county(code: str) -> str:
    from kit.datasets.generators.common import COUNTIES

    return next(c[1] for c in COUNTIES if c[0] == code)
