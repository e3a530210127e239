"""Output tables of one chunk: the agency tables with the columns of ``datapackage.json``.

Part of :mod:`kit.datasets.generators.social_security`. Internal frames carry helper columns
(``_person``, ``who``, ...); these functions turn them into the published tables and collect
the rows of ``truth/linkage.csv`` for every degraded identity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kit.datasets.generators.social_security._jobs import ym
from kit.datasets.generators.social_security._pensions import SCHEMES, Pensions, monthly_rate
from kit.datasets.generators.social_security._welfare import county_name

_TYPE_ORDER = {"monthly": 0, "arrears": 1, "death_benefit": 2}
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default ``str``


def _months(t: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """``'YYYY-MM'`` of window months ``t``: the distinct labels and the index into them."""
    lo = int(t.min()) if len(t) else 0
    return pa.array(ym(np.arange(lo, int(t.max()) + 1) if len(t) else []), pa.string()), t - lo


def dates(values: np.ndarray) -> pd.Series:
    """``datetime64[s]`` series from day dates."""
    return pd.Series(np.asarray(values, dtype="datetime64[D]").astype("datetime64[s]"))


def numbered(frame: pd.DataFrame, order: list[str], column: str, prefix: str) -> pd.DataFrame:
    """Sort ``frame`` by ``order`` and number the rows in a new first column."""
    frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
    frame.insert(0, column, serials(prefix, len(frame)) if len(frame) else [])
    return frame


def serials(prefix: str, n: int, min_width: int = 5) -> pd.Series:
    """``prefix`` followed by 1..n, zero-padded to at least ``min_width`` digits (``U00001``)."""
    width = max(min_width, len(str(n)))
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    size = len(head) + width
    chars = np.empty((n, size), dtype=np.uint8)  # the strings, back to back
    chars[:, : len(head)] = head
    number = np.arange(1, n + 1, dtype=np.int64)
    for j in range(size - 1, len(head) - 1, -1):
        chars[:, j] = ord("0") + number % 10
        number //= 10
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int64)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(chars)]
    return text(pa.Array.from_buffers(pa.large_string(), n, buffers))


def text(values: pa.Array | pa.ChunkedArray, index: np.ndarray | None = None) -> pd.Series:
    """A ``str`` series from an Arrow string array, optionally taking the rows ``index``.

    Building string columns in Arrow avoids one Python object per cell.
    """
    if index is not None:
        values = values.take(pa.array(index))
    return pd.Series(values, dtype=_STR)


def sort_order(keys: list[np.ndarray]) -> np.ndarray:
    """Stable order by several integer keys, the first the most significant.

    The same order as ``DataFrame.sort_values`` on columns sorting like these keys.
    """
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    key = np.zeros(len(keys[0]), dtype=np.int64)
    span = 1
    for k in keys:
        lo, width = int(k.min()), int(k.max()) - int(k.min()) + 1
        span *= width
        if span >= 2**62:  # too wide to pack into one integer
            return np.lexsort(keys[::-1])
        key = key * width + (k - lo)
    return np.argsort(key, kind="stable")


def _links(table: str, frame: pd.DataFrame, record: str, issue: np.ndarray, true_id) -> list:
    hit = np.asarray(issue) != ""
    return [
        (table, r, t, i)
        for r, t, i in zip(
            frame[record].to_numpy()[hit], np.asarray(true_id)[hit], np.asarray(issue)[hit],
            strict=True,
        )
    ]  # fmt: skip


def pension_tables(
    people: pd.DataFrame, pens: Pensions, records: pd.DataFrame, pay: pd.DataFrame,
    rec: pd.DataFrame, pre: str,
) -> tuple[dict[str, pd.DataFrame], list]:  # fmt: skip
    """persons, deaths, pension_recipients, pension_payments, pension_recoveries, adjustments."""
    assert pens.stop is not None and pens.death is not None
    ids = people["id_number"].to_numpy()
    out = {}
    persons = people.drop(columns=["male", "rural"]).copy()
    persons["birth_date"] = dates(persons["birth_date"].to_numpy())
    out["persons"] = persons.sort_values("id_number", kind="stable").reset_index(drop=True)
    deaths = records.drop(columns=["_person", "_note", "_issue", "_clean"]).reset_index(drop=True)
    for col in ("death_date", "registered_date", "birth_date"):
        deaths[col] = dates(deaths[col].to_numpy())
    deaths["address"] = deaths["address"].astype("str")
    deaths.loc[deaths["address"].isin(["None", "nan"]), "address"] = None
    out["deaths"] = deaths
    links = _links("deaths", records, "record_id", records["_issue"].to_numpy(),
                   records["_clean"].to_numpy())  # fmt: skip
    stopped = ~np.isnat(pens.stop)
    first_rate = monthly_rate(pens, pens.first, np.arange(len(pens.person)))
    out["pension_recipients"] = (
        pd.DataFrame(
            {
                "id_number": ids[pens.person],
                "name": people["name"].to_numpy()[pens.person],
                "scheme": np.array(SCHEMES)[pens.scheme],
                "start_date": dates(pens.start),
                "monthly_amount": first_rate,
                "status": np.where(stopped, "stopped", "active"),
                "stop_date": dates(pens.stop),
                "stop_reason": pd.Series(np.where(stopped, "death", None), dtype="str"),
            }
        )
        .sort_values("id_number", kind="stable")
        .reset_index(drop=True)
    )
    who = pay["who"].to_numpy()
    person = pens.person[who]
    pay_date = pay["pay_date"].to_numpy().astype("datetime64[D]")
    kind = pay["payment_type"]
    t = pay["t"].to_numpy()
    rank = np.empty(len(ids), dtype=np.int64)  # ID numbers sort like their rank
    rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(ids))
    type_order = np.zeros(len(pay), dtype=np.int64)
    for name, position in _TYPE_ORDER.items():
        type_order[(kind == name).to_numpy()] = position
    # as sort_values(["pay_date", "id_number", "_order", "period"]); periods sort like months
    perm = sort_order([pay_date.astype(np.int64), rank[person], type_order, t])
    out["pension_payments"] = pd.DataFrame(
        {
            # the descriptor asks for six digits or more (^P[0-9]{6,}$), also in a small world
            "payment_id": serials("P" + pre, len(perm), min_width=6),
            "id_number": text(pa.array(ids, type=pa.string()), person[perm]),
            "scheme": text(pa.array(SCHEMES), pens.scheme[who][perm]),
            "payment_type": text(pa.array(kind.array), perm),
            "period": text(*_months(t[perm])),
            "pay_date": dates(pay_date[perm]),
            "amount": pay["amount"].to_numpy().round(2)[perm],
        }
    )
    recs = pd.DataFrame(
        {
            "id_number": ids[pens.person[rec["who"].to_numpy(dtype=int)]],
            "amount": rec["amount"].to_numpy(dtype=float).round(2),
            "recovered_date": dates(rec["recovered_date"].to_numpy()),
            "reason": rec["reason"].to_numpy(dtype=object),
        }
    )
    order = ["recovered_date", "id_number", "amount"]
    out["pension_recoveries"] = numbered(recs, order, "recovery_id", "R" + pre)
    out["pension_adjustments"] = adjustments(pens, ids)
    return out, links


def adjustments(pens: Pensions, ids: np.ndarray) -> pd.DataFrame:
    """One row per pensioner and year with an annual increase granted (调待记录)."""
    dm = pens.death_month
    start = (pens.start.astype("datetime64[M]") - np.datetime64("2022-01", "M")).astype(int)
    parts = []
    for y in range(3):
        diff = (pens.rates[:, y + 1] - pens.rates[:, y]).round(2)
        ok = (start < 12 * y) & (dm >= 12 * y) & (diff > 0)
        sel = np.flatnonzero(ok)
        parts.append(
            pd.DataFrame(
                {
                    "id_number": ids[pens.person[sel]],
                    "year": 2022 + y,
                    "increase_monthly": diff[sel],
                    "effective_month": f"{2022 + y}-01",
                    "paid_from_month": f"{2022 + y}-07",
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["id_number", "year"], kind="stable").reset_index(drop=True)


def welfare_tables(
    people: pd.DataFrame, hh: pd.DataFrame, mem: pd.DataFrame, veh: pd.DataFrame,
    comp: pd.DataFrame, shares: pd.DataFrame, public: pd.DataFrame, theft: pd.DataFrame,
    noisy: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], pre: str,
) -> tuple[dict[str, pd.DataFrame], list]:  # fmt: skip
    """Allowance, vehicle, company, shareholder, payroll and identity-theft tables."""
    ids = people["id_number"].to_numpy()
    names = people["name"].to_numpy()
    region = people["region_code"].to_numpy()
    out, links = {}, []
    hh = hh.copy()
    width = max(5, len(str(len(hh))))
    hh["household_id"] = [f"H{pre}{i + 1:0{width}d}" for i in hh["_h"]]
    head = hh["_head"].to_numpy()
    out["allowance_households"] = pd.DataFrame(
        {
            "household_id": hh["household_id"],
            "head_id_number": ids[head],
            "head_name": names[head],
            "region_code": region[head],
            "area": people["hukou_type"].to_numpy()[head],
            "members": hh["members"].astype("int64"),
            "start_month": ym(hh["_start"].to_numpy()),
            "end_month": pd.Series(
                np.where(hh["_end"] < 10_000, ym(np.minimum(hh["_end"], 9_999)), None), dtype="str"
            ),
            "monthly_amount": hh["monthly_amount"].astype(float),
            "_h": hh["_h"],
        }
    )
    m = mem.merge(hh[["_h", "household_id"]], on="_h")
    out["allowance_members"] = (
        pd.DataFrame(
            {
                "household_id": m["household_id"],
                "id_number": ids[m["_person"]],
                "name": names[m["_person"]],
                "relation": m["relation"],
            }
        )
        .sort_values(["household_id", "id_number"], kind="stable")
        .reset_index(drop=True)
    )
    vid, vname, vissue = noisy["vehicles"]
    v = veh.assign(owner_id_number=vid, owner_name=vname, _issue=vissue, _clean=ids[veh["_person"]])
    v = numbered(v, ["registered_date", "plate_number"], "record_id", "V" + pre)
    links += _links("vehicles", v, "record_id", v["_issue"], v["_clean"])
    cols = ["record_id", "plate_number", "owner_id_number", "owner_name", "vehicle_type",
            "registered_date", "transferred_date", "purchase_price"]  # fmt: skip
    out["vehicles"] = v[cols].assign(
        registered_date=lambda f: dates(f["registered_date"].to_numpy()),
        transferred_date=lambda f: dates(f["transferred_date"].to_numpy()),
    )
    cid, cname, cissue = noisy["companies"]
    c = comp.assign(legal_rep_id_number=cid, legal_rep_name=cname)
    links += _links("companies", c, "uscc", cissue, ids[comp["_rep"]])
    cols = ["uscc", "name", "legal_rep_id_number", "legal_rep_name", "region_code",
            "registered_date", "registered_capital", "status", "closed_date"]  # fmt: skip
    out["companies"] = (
        c[cols]
        .assign(
            registered_date=lambda f: dates(f["registered_date"].to_numpy()),
            closed_date=lambda f: dates(f["closed_date"].to_numpy()),
        )
        .sort_values("uscc", kind="stable")
        .reset_index(drop=True)
    )
    sid, sname, sissue = noisy["company_shareholders"]
    s = shares.assign(
        uscc=comp["uscc"].to_numpy()[shares["_company"]],
        shareholder_id_number=sid,
        shareholder_name=sname,
        _issue=sissue,
        _clean=ids[shares["_person"]],
    )
    s = numbered(s, ["uscc", "_person"], "record_id", "S" + pre)
    links += _links("company_shareholders", s, "record_id", s["_issue"], s["_clean"])
    out["company_shareholders"] = s[
        [
            "record_id",
            "uscc",
            "shareholder_id_number",
            "shareholder_name",
            "share_pct",
            "since_date",
        ]
    ].assign(since_date=lambda f: dates(f["since_date"].to_numpy()))
    out["public_employees"] = (
        public.drop(columns="_person")
        .assign(
            start_date=lambda f: dates(f["start_date"].to_numpy()),
            end_date=lambda f: dates(f["end_date"].to_numpy()),
        )
        .sort_values(["id_number", "start_date"], kind="stable")
        .reset_index(drop=True)
    )
    t = theft.copy()
    person = t["_person"].to_numpy(dtype=int)
    t = pd.DataFrame(
        {
            "id_number": ids[person],
            "name": names[person],
            "uscc": comp["uscc"].to_numpy()[t["_company"].to_numpy(dtype=int)],
            "reported_date": dates(t["reported_date"].to_numpy()),
            "authority": [f"{county_name(r)}公安局" for r in region[person]],
            "report_type": "identity_used_without_consent",
        }
    )
    out["identity_theft_reports"] = numbered(t, ["reported_date", "id_number"], "report_id",
                                             "T" + pre)  # fmt: skip
    return out, links


def job_tables(
    people: pd.DataFrame, spells: pd.DataFrame, benefits: pd.DataFrame, pre: str
) -> dict[str, pd.DataFrame]:
    """contributions (spells) and unemployment_payments."""
    ids = people["id_number"].to_numpy()
    end = spells["end"].to_numpy()
    contrib = pd.DataFrame(
        {
            "id_number": ids[spells["_person"].to_numpy()],
            "employer_uscc": spells["employer_uscc"].to_numpy(),
            "start_month": ym(spells["start"].to_numpy()),
            "end_month": pd.Series(
                np.where(end < 10_000, ym(np.minimum(end, 9_999)), None), dtype="str"
            ),  # fmt: skip
            "monthly_base": spells["monthly_base"].astype(float).to_numpy(),
            "declared_date": dates(spells["declared_date"].to_numpy()),
            "entry_type": spells["entry_type"].to_numpy(),
        }
    )
    contrib = contrib.drop_duplicates(["id_number", "employer_uscc", "start_month"])
    contrib = contrib.sort_values(["id_number", "employer_uscc", "start_month"], kind="stable")
    pay = pd.DataFrame(
        {
            "id_number": ids[benefits["_person"].to_numpy()],
            "period": ym(benefits["t"].to_numpy()),
            "pay_date": dates(benefits["pay_date"].to_numpy()),
            "amount": benefits["amount"].astype(float).to_numpy(),
        }
    )
    return {
        "contributions": contrib.reset_index(drop=True),
        "unemployment_payments": numbered(
            pay, ["pay_date", "id_number", "period"], "payment_id", "U" + pre
        ),  # fmt: skip
    }
