"""Settlements and claim items under construction, and the items a stay or visit bills.

Part of :mod:`kit.datasets.generators.medical_insurance`. :class:`Claims` collects settlements
(one row per inpatient stay, outpatient visit or pharmacy purchase, or refund of one) and their
claim items with internal integer keys; :mod:`._finish` turns them into the published tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kit.datasets.generators.medical_insurance import _catalogue as cat
from kit.datasets.generators.medical_insurance._institutions import LEVEL_PRICE

#: Columns of the internal settlement frames.
S_COLUMNS = ("_s", "person", "inst", "kind", "admission", "discharge", "way", "dx", "settle",
             "refund_of", "sex_override", "planted")  # fmt: skip
I_COLUMNS = ("_s", "item", "quantity", "unit_price", "trace", "pack")
#: Pack drugs prescribed for an outpatient diagnosis.
OUT_DRUGS = {
    "I10": ("XC08CAA006",), "E11.9": ("XA10BAM007", "XA10AEG008", "XA10BKD009"),
    "J06.9": ("XN02BEP022", "XJ01CAA023"), "J20.9": ("XJ01CAA023",), "N39.0": ("XJ01CAA023",),
    "K29.7": ("XA07DAL026",), "M54.5": ("XM01AEI024",), "M47.8": ("XM01AEI024",),
    "B18.1": ("XJ05AFE012",), "I25.1": ("XC10AAA005", "XB01ACC004"), "A09.0": ("XA07DAL026",),
    "Z00.0": (),
}  # fmt: skip


@dataclass
class Claims:
    """Settlements and items of one chunk, with internal keys ``_s``."""

    settlements: list[pd.DataFrame] = field(default_factory=list)
    items: list[pd.DataFrame] = field(default_factory=list)
    next_key: int = 0
    rows: list[dict] = field(default_factory=list)
    item_rows: list[tuple] = field(default_factory=list)
    chunk: int = 0
    traces_made: int = 0

    def trace_codes(self, item: np.ndarray) -> np.ndarray:
        """New drug traceability codes (药品追溯码), unique across chunks.

        20 digits: ``8``, a 6-digit product prefix and a 13-digit serial that is a bijection
        of a running number (so codes never collide by chance).
        """
        n = len(item)
        run = self.chunk * 10**10 + self.traces_made + np.arange(n, dtype=np.int64)
        self.traces_made += n
        serial = (run.astype(object) * 7_919_000_003) % 10**13
        return np.array(
            [
                f"8{100000 + 37 * int(i):06d}{int(s):013d}"
                for i, s in zip(item, serial, strict=True)
            ],
            dtype=object,
        )

    def trace_code(self, item: int) -> str:
        """One new traceability code for a pack of ``item``."""
        return str(self.trace_codes(np.array([item]))[0])

    def add(self, **columns: object) -> np.ndarray:
        """Append settlements given column arrays (missing columns get defaults); return keys."""
        n = max(len(np.atleast_1d(v)) for v in columns.values())
        keys = np.arange(self.next_key, self.next_key + n)
        self.next_key += n
        nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        defaults = {"discharge": nat, "way": None, "dx": -1, "refund_of": -1,
                    "sex_override": None, "planted": False}  # fmt: skip
        frame = pd.DataFrame({"_s": keys})
        for col in S_COLUMNS[1:]:
            value = columns.get(col, defaults.get(col))
            frame[col] = np.broadcast_to(np.asarray(value, dtype=object if col in (
                "kind", "way", "sex_override") else None), (n,)).copy()  # fmt: skip
        for col in ("admission", "discharge", "settle"):
            frame[col] = frame[col].to_numpy().astype("datetime64[D]")
        self.settlements.append(frame)
        return keys

    def add_one(self, **columns: object) -> int:
        """Append one settlement (fast path for planted records); return its key."""
        key = self.next_key
        self.next_key += 1
        row = {"_s": key, "discharge": np.datetime64("NaT"), "way": None, "dx": -1,
               "refund_of": -1, "sex_override": None, "planted": False}  # fmt: skip
        row.update(columns)
        self.rows.append(row)
        return key

    def add_item_rows(self, rows: list[tuple]) -> None:
        """Append items given as (key, item, quantity, unit_price, trace, pack) tuples."""
        self.item_rows.extend(rows)

    def add_items(self, frame: pd.DataFrame) -> None:
        """Append claim items (columns of :data:`I_COLUMNS`; ``trace``/``pack`` optional)."""
        frame = frame.copy()
        if "trace" not in frame:
            frame["trace"] = None
        if "pack" not in frame:
            frame["pack"] = False
        self.items.append(frame[list(I_COLUMNS)])

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """All settlements and items so far."""
        parts = list(self.settlements)
        if self.rows:
            one = pd.DataFrame(self.rows)[list(S_COLUMNS)]
            for col in ("admission", "discharge", "settle"):
                one[col] = pd.to_datetime(one[col]).to_numpy().astype("datetime64[D]")
            parts.append(one)
        s = pd.concat(parts, ignore_index=True)
        items = list(self.items)
        if self.item_rows:
            items.append(pd.DataFrame(self.item_rows, columns=list(I_COLUMNS)))
        i = pd.concat(items, ignore_index=True)
        for col in ("admission", "discharge", "settle"):
            s[col] = s[col].to_numpy().astype("datetime64[D]")
        s["planted"] = s["planted"].astype(bool)
        i["pack"] = i["pack"].astype(bool)
        return s, i


def _price(item: np.ndarray, level: np.ndarray) -> np.ndarray:
    factor = np.vectorize(LEVEL_PRICE.get)(level)
    return np.round(cat.PRICE[item] * factor, 2)


def _pick(rng: np.random.Generator, pool: tuple[str, ...], n: int, k_low: int, k_high: int
          ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """For ``n`` settlements, draw between ``k_low`` and ``k_high`` distinct items of ``pool``."""
    idx = cat.items(*pool)
    k = np.minimum(rng.integers(k_low, k_high + 1, n), len(idx))
    order = np.argsort(rng.random((n, len(idx))), axis=1)
    take = np.arange(len(idx))[None, :] < k[:, None]
    row, col = np.nonzero(take)
    return row, idx[order[row, col]]


def inpatient_items(
    rng: np.random.Generator,
    keys: np.ndarray,
    dx: np.ndarray,
    los: np.ndarray,
    level: np.ndarray,
    target: np.ndarray,
) -> pd.DataFrame:
    """Items of ordinary inpatient stays whose total is close to ``target``.

    Bed and nursing per day, 2-5 tests, 1-2 treatments, surgery and material for surgical
    profiles, and 2-4 drugs that fill the rest of the target (at least 15 % of it).
    """
    out: list[pd.DataFrame] = []
    profile = cat.DX_PROFILE[dx]
    for name in np.unique(profile):
        sel = np.flatnonzero(profile == name)
        spec = cat.PROFILES[str(name)]
        n = len(sel)
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (row, item, qty)
        days = los[sel].astype(float)
        parts.append((np.arange(n), np.full(n, cat.item("110900001")), days))
        u = rng.random(n)
        nursing = np.where(u < 0.2, cat.item("120100003"),
                           np.where(u < 0.9, cat.item("120100004"), cat.item("120100005")))  # fmt: skip
        if name == "newborn":
            nursing = np.full(n, cat.item("120100011"))
        parts.append((np.arange(n), nursing, days))
        row, it = _pick(rng, spec["test"], n, 2, 5)
        parts.append((row, it, rng.integers(1, 3, len(row)).astype(float)))
        row, it = _pick(rng, spec["treatment"], n, 1, 2)
        parts.append((row, it, np.maximum(1, np.round(days[row] * rng.uniform(0.4, 1, len(row))))))
        if "surgery" in spec:
            row, it = _pick(rng, spec["surgery"], n, 1, 1)
            parts.append((row, it, np.ones(len(row))))
            mat = cat.items(*spec["material"])
            pos = np.argmax(cat.items(*spec["surgery"])[None, :] == it[:, None], axis=1)
            pos = np.minimum(pos, len(mat) - 1)
            parts.append((row, mat[pos], np.ones(len(row))))
        elif "material" in spec:
            row, it = _pick(rng, spec["material"], n, 1, 1)
            parts.append((row, it, np.maximum(1, np.round(days[row] / 3))))
        rows = np.concatenate([p[0] for p in parts])
        item = np.concatenate([p[1] for p in parts])
        qty = np.concatenate([p[2] for p in parts])
        price = _price(item, level[sel][rows])
        # repeat tests and treatments towards their usual shares of the cost (about a quarter
        # and a fifth)
        for category, share in (("test", 0.26), ("treatment", 0.2)):
            mask = cat.CATEGORY[item] == category
            have = np.bincount(rows[mask], weights=(qty * price)[mask], minlength=n)
            want = share * target[sel] * rng.uniform(0.7, 1.3, n)
            ratio = np.clip(want / np.maximum(have, 1.0), 1.0, 3.0 * np.maximum(days, 1))
            qty[mask] = np.round(qty[mask] * ratio[rows[mask]])
        fixed = np.bincount(rows, weights=qty * price, minlength=n)
        rest = np.maximum(target[sel] - fixed, 0.15 * target[sel])
        drow, ditem = _pick(rng, spec["drug"], n, 2, 4)
        w = rng.gamma(1.0, 1.0, len(drow))
        w = w / np.bincount(drow, weights=w, minlength=n)[drow]
        dprice = _price(ditem, level[sel][drow])
        dqty = np.maximum(1, np.round(rest[drow] * w / dprice))
        out.append(
            pd.DataFrame(
                {
                    "_s": keys[sel][np.concatenate([rows, drow])],
                    "item": np.concatenate([item, ditem]),
                    "quantity": np.concatenate([qty, dqty]),
                    "unit_price": np.concatenate([price, dprice]),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def outpatient_items(
    rng: np.random.Generator, keys: np.ndarray, dx: np.ndarray, level: np.ndarray,
    village: np.ndarray,
) -> pd.DataFrame:  # fmt: skip
    """Items of ordinary outpatient visits: consultation, maybe a test, pack drugs."""
    n = len(keys)
    rows = [np.arange(n)]
    item = [np.full(n, cat.item("110200001"))]
    qty = [np.ones(n)]
    codes = cat.DX_CODE[dx]
    check = codes == "Z00.0"
    has_test = (rng.random(n) < 0.6) & ~village | check
    r, it = _pick(
        rng,
        (
            "250101015",
            "250102035",
            "250302001",
            "310701001",
            "250305001",
            "220201001",
            "210300001",
            "250403001",
        ),
        n,
        1,
        3,
    )
    keep = has_test[r]
    rows.append(r[keep])
    item.append(it[keep])
    qty.append(np.ones(keep.sum()))
    inf = village & (rng.random(n) < 0.3)
    rows.append(np.flatnonzero(inf))
    item.append(np.full(inf.sum(), cat.item("120400006")))
    qty.append(np.ones(inf.sum()))
    drow, ditem = [], []
    for code, drugs in OUT_DRUGS.items():
        sel = np.flatnonzero(codes == code)
        if not drugs or not len(sel):
            continue
        r, it = _pick(rng, drugs, len(sel), 1, 3)
        drow.append(sel[r])
        ditem.append(it)
    frame = pd.DataFrame(
        {
            "_s": keys[np.concatenate(rows)],
            "item": np.concatenate(item),
            "quantity": np.concatenate(qty),
        }
    )
    frame["unit_price"] = _price(frame["item"].to_numpy(), level[np.concatenate(rows)])
    if drow:
        dr = np.concatenate(drow)
        di = np.concatenate(ditem)
        two = ~village[dr] & (rng.random(len(dr)) < 0.5)  # a second pack, with its own code
        dr, di = np.concatenate([dr, dr[two]]), np.concatenate([di, di[two]])
        drugs = pd.DataFrame({"_s": keys[dr], "item": di, "quantity": 1.0,
                              "unit_price": _price(di, level[dr]), "pack": True})  # fmt: skip
        frame = pd.concat([frame, drugs], ignore_index=True)
    frame["pack"] = frame["pack"].fillna(False).astype(bool) if "pack" in frame else False
    return frame


def pharmacy_items(rng: np.random.Generator, keys: np.ndarray, chronic: np.ndarray) -> pd.DataFrame:
    """Items of pharmacy purchases: one or two packs, the chronic medicine for certified people."""
    n = len(keys)
    p = cat.PHARMACY_WEIGHTS / cat.PHARMACY_WEIGHTS.sum()
    first = cat.PHARMACY_DRUGS[rng.choice(len(p), size=n, p=p)]
    first = np.where(chronic == "I10", cat.item("XC08CAA006"), first)
    first = np.where(chronic == "E11.9", cat.item("XA10BAM007"), first)
    packs = rng.choice([1, 2, 3], size=n, p=[0.25, 0.4, 0.35])  # each pack its own row and code
    two = rng.random(n) < 0.5
    second = cat.PHARMACY_DRUGS[rng.choice(len(p), size=n, p=p)]
    rows = np.concatenate([np.repeat(np.arange(n), packs), np.flatnonzero(two)])
    item = np.concatenate([np.repeat(first, packs), second[two]])
    return pd.DataFrame({"_s": keys[rows], "item": item, "quantity": 1.0,
                         "unit_price": _price(item, np.zeros(len(item), dtype=int)),
                         "pack": True})  # fmt: skip


_PACK = set(cat.PACK_DRUGS.tolist())


def fixed_items(
    key: int, level: int, spec: list[tuple[str, float]], traces: dict[int, str] | None = None
) -> list[tuple]:
    """Item rows given explicitly as (item code, quantity) for one settlement."""
    factor = LEVEL_PRICE[level]
    traces = traces or {}
    out = []
    for j, (code, qty) in enumerate(spec):
        i = cat.item(code)
        price = round(float(cat.PRICE[i]) * factor, 2)
        out.append((key, i, float(qty), price, traces.get(j), i in _PACK))
    return out
