"""Company registrations, shareholders and public-employee payroll.

Part of :mod:`kit.datasets.generators.social_security`. Companies (USCC, legal representative,
shareholders) and the payroll of government organs and public institutions are the registers
the minimum living allowance is checked against (SS04); contributions and unemployment benefit
are in :mod:`._jobs`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.common import COUNTIES, make_uscc

#: Per 10,000 persons.
N_COMPANIES = 260
N_PUBLIC = 300
_TRADES = ("农业科技", "建材", "商贸", "物流", "食品", "电子", "纺织", "建筑工程", "餐饮管理",
           "茶业", "机械制造", "医药连锁", "汽车服务", "家政服务", "新能源")  # fmt: skip
_WORDS = "宏达鑫源盛泰华瑞恒通金皖丰佳联创兴隆顺安嘉禾润德信诚天成富康"
_ORGANS = ("教育局", "卫生健康委员会", "人民医院", "第一中学", "财政局", "自然资源局",
           "公安局", "人力资源和社会保障局", "农业农村局", "城市管理局")  # fmt: skip


def companies(
    rng: np.random.Generator, people: pd.DataFrame, n_persons: int, chunk: int,
    exclude: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Company registrations and shareholders (helper column ``_rep`` = legal representative)."""
    n = round(N_COMPANIES * n_persons / 10_000)
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64("2023-01-01") - birth).astype(int) / 365.25
    pool = np.flatnonzero(~exclude & (age >= 25) & (age <= 68))
    rep = rng.choice(pool, size=n, replace=False)
    region = people["region_code"].to_numpy()[rep]
    county = {c[0]: c[1] for c in COUNTIES}
    words = np.array(list(_WORDS))
    w1, w2 = rng.integers(0, len(words), (2, n))
    trade = np.array(_TRADES)[rng.integers(0, len(_TRADES), n)]
    names = [
        f"六安市{county[r]}{a}{b}{t}有限公司"
        for r, a, b, t in zip(region, words[w1], words[w2], trade, strict=True)
    ]
    reg = np.datetime64("2005-01-01") + rng.integers(0, 7000, n).astype("timedelta64[D]")
    capital = (np.exp(rng.normal(np.log(1_000_000), 1.0, n)) // 10_000 * 10_000).clip(30_000)
    status = rng.choice(["active", "cancelled", "revoked"], size=n, p=[0.86, 0.09, 0.05])
    gone = reg + rng.integers(400, 4000, n).astype("timedelta64[D]")
    closed = (status != "active") & (gone < np.datetime64("2024-12-31"))
    gone = np.where(closed, gone, np.datetime64("NaT"))
    status = np.where(closed, status, "active")
    keys = chunk * 10_000_000 + np.arange(n)
    frame = pd.DataFrame(
        {
            "uscc": make_uscc(rng, n, region, keys=keys),
            "name": names,
            "region_code": region,
            "registered_date": reg,
            "registered_capital": capital.astype(float),
            "status": status,
            "closed_date": gone.astype("datetime64[D]"),
            "_rep": rep,
        }
    )
    holders = []
    for i in range(n):
        k = int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15]))
        others = rng.choice(pool, size=k - 1, replace=False)
        shares = np.sort(rng.dirichlet(np.ones(k)))[::-1] * 100
        for j, who in enumerate([rep[i], *others]):
            holders.append((i, int(who), round(float(shares[j]), 2)))
    share = pd.DataFrame(holders, columns=["_company", "_person", "share_pct"])
    share["since_date"] = frame["registered_date"].to_numpy()[share["_company"]]
    return frame, share


def public_employees(
    rng: np.random.Generator, people: pd.DataFrame, n_persons: int, exclude: np.ndarray
) -> pd.DataFrame:
    """Payroll roster of government organs and public institutions (财政供养人员)."""
    n = round(N_PUBLIC * n_persons / 10_000)
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64("2023-01-01") - birth).astype(int) / 365.25
    urban = people["hukou_type"].to_numpy() == "urban"
    pool = np.flatnonzero(~exclude & (age >= 24) & (age <= 58))
    w = np.where(urban[pool], 3.0, 1.0)
    who = np.sort(rng.choice(pool, size=n, replace=False, p=w / w.sum()))
    start = np.maximum(
        birth[who] + np.timedelta64(8400, "D") + rng.integers(0, 3000, n).astype("timedelta64[D]"),
        np.datetime64("1995-08-01"),
    )
    left = rng.random(n) < 0.06
    end = np.where(
        left, np.datetime64("2022-01-01") + rng.integers(0, 1090, n).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )  # fmt: skip
    return payroll(rng, people, who, start, end)


def payroll(
    rng: np.random.Generator, people: pd.DataFrame, who: np.ndarray, start: np.ndarray,
    end: np.ndarray,
) -> pd.DataFrame:  # fmt: skip
    county = {c[0]: c[1] for c in COUNTIES}
    region = people["region_code"].to_numpy()[who]
    organ = np.array(_ORGANS)[rng.integers(0, len(_ORGANS), len(who))]
    return pd.DataFrame(
        {
            "id_number": people["id_number"].to_numpy()[who],
            "name": people["name"].to_numpy()[who],
            "employer": [f"{county[r]}{o}" for r, o in zip(region, organ, strict=True)],
            "staff_type": rng.choice(
                ["civil_servant", "institution_staff"], len(who), p=[0.4, 0.6]
            ),
            "start_date": np.asarray(start, dtype="datetime64[D]"),
            "end_date": np.asarray(end, dtype="datetime64[D]"),
            "_person": who,
        }
    )
