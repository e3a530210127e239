"""Ordinary care of the insured: inpatient stays, outpatient visits and pharmacy purchases.

Part of :mod:`kit.datasets.generators.medical_insurance`. Admission rates rise with age (about
18 % of the insured a year); diagnoses depend on age and sex; costs and stays depend on the
diagnosis and the hospital level (DOMAIN.md section 4). A person's ordinary stays are at least
30 days apart, and no ordinary care falls after a death record, in prison or detention, or (for
outpatient care) during the person's own inpatient stay, so every clue in the data is a planted
case or trap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.medical_insurance import _catalogue as cat
from kit.datasets.generators.medical_insurance._claims import (
    Claims,
    inpatient_items,
    outpatient_items,
    pharmacy_items,
)
from kit.datasets.generators.medical_insurance._institutions import Institutions
from kit.datasets.generators.medical_insurance._population import (
    WINDOW_END,
    Population,
    age_at,
    locked_up,
)

#: Mean inpatient cost by hospital level before the diagnosis factor (yuan).
BASE_COST = {3: 12_800.0, 2: 7_000.0, 1: 3_400.0}
LOS_FACTOR = {3: 1.15, 2: 1.1, 1: 1.0}
_NT = len(cat.DIAGNOSES)


def _rate(age: np.ndarray, male: np.ndarray) -> np.ndarray:
    r = np.select([age < 5, age < 15, age < 45, age < 60, age < 70, age < 80],
                  [0.18, 0.07, 0.09, 0.14, 0.25, 0.36], 0.45)  # fmt: skip
    return r + np.where(~male & (age >= 20) & (age < 40), 0.06, 0.0)


def _draw_dx(rng: np.random.Generator, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    w = np.array([d[8] for d in cat.DIAGNOSES], dtype=float)  # (n_dx, 3)
    group = np.select([age < 15, age < 60], [0, 1], 2)
    p = w[:, group].T.copy()
    sex = np.array([d[3] for d in cat.DIAGNOSES])
    lo = np.array([d[4] for d in cat.DIAGNOSES])
    hi = np.array([d[5] for d in cat.DIAGNOSES])
    p[(sex[None, :] == "M") & ~male[:, None]] = 0
    p[(sex[None, :] == "F") & male[:, None]] = 0
    p[(age[:, None] < lo[None, :]) | (age[:, None] > hi[None, :])] = 0
    p[p.sum(axis=1) == 0, cat.dx("J18.9")] = 1
    cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cum < rng.random(len(age))[:, None]).sum(axis=1), _NT - 1)


def _choose_inst(
    rng: np.random.Generator, inst: Institutions, levels: np.ndarray, region: np.ndarray,
    kind: str = "hospital",
) -> np.ndarray:  # fmt: skip
    """One institution of the given level (and kind) per row, local with probability 0.8."""
    out = np.zeros(len(levels), dtype=np.int64)
    ik, il, ir = inst.kind, inst.level, inst.region
    for lv in np.unique(levels):
        for reg in np.unique(region):
            sel = np.flatnonzero((levels == lv) & (region == reg))
            if not len(sel):
                continue
            pool = np.flatnonzero((ik == kind) & ((il == lv) | (kind != "hospital")))
            local = pool[ir[pool] == reg]
            use_local = (rng.random(len(sel)) < 0.8) & (len(local) > 0)
            a = local[rng.integers(0, max(len(local), 1), len(sel))] if len(local) else pool[:1]
            b = pool[rng.integers(0, len(pool), len(sel))]
            out[sel] = np.where(use_local, a, b)
    return out


def _space_out(person: np.ndarray, start: np.ndarray, end: np.ndarray, gap: int) -> np.ndarray:
    """Keep stays (sorted by person, start) that begin ``gap`` days after the previous kept one."""
    keep = np.ones(len(person), dtype=bool)
    last_p, last_end = -1, np.datetime64("1900-01-01")
    for i in range(len(person)):
        if person[i] == last_p and start[i] < last_end + gap:
            keep[i] = False
            continue
        last_p, last_end = person[i], end[i]
    return keep


def _outside(person: np.ndarray, day: np.ndarray, spans: pd.DataFrame) -> np.ndarray:
    """True where ``day`` is outside every span (``person``, ``start``, ``end``) of the person."""
    ok = np.ones(len(person), dtype=bool)
    if not len(spans):
        return ok
    rows = pd.DataFrame({"i": np.arange(len(person)), "person": person, "day": day})
    hit = rows.merge(spans, on="person")
    bad = hit.loc[(hit["day"] >= hit["start"]) & (hit["day"] <= hit["end"]), "i"].to_numpy()
    ok[bad] = False
    return ok


def inpatient(rng: np.random.Generator, pop: Population, inst: Institutions,
              claims: Claims) -> pd.DataFrame:  # fmt: skip
    """Ordinary stays; returns their spans (``person``, ``start``, ``end``, ``inst``, ``dx``)."""
    birth, male = pop.birth, pop.male
    years = np.maximum((pop.alive_to - pop.alive_from).astype(int), 0) / 365.25
    years = np.where(pop.insured, years, 0)
    age0 = age_at(birth, np.datetime64("2024-01-01"))
    count = rng.poisson(_rate(age0, male) * years)
    person = np.repeat(np.arange(pop.n), count)
    span = (pop.alive_to - pop.alive_from).astype(int)[person]
    adm = pop.alive_from[person] + np.floor(rng.random(len(person)) * span).astype("timedelta64[D]")
    age = age_at(birth[person], adm)
    dx = _draw_dx(rng, age, male[person])
    prof = cat.DX_PROFILE[dx]
    u = rng.random(len(person))
    level = np.select(
        [
            np.isin(prof, ["chemo", "oncology", "dialysis"]),
            np.isin(prof, ["delivery", "caesarean"]),
        ],
        [np.where(u < 0.7, 3, 2), np.where(u < 0.4, 3, np.where(u < 0.9, 2, 1))],
        np.where(u < 0.58, 3, np.where(u < 0.88, 2, 1)),
    )
    los_mean = np.array([d[6] for d in cat.DIAGNOSES])[dx] * np.vectorize(LOS_FACTOR.get)(level)
    los = np.maximum(1, np.round(rng.gamma(4.0, los_mean / 4.0))).astype(int)
    dis = adm + los.astype("timedelta64[D]")
    order = np.lexsort((adm, person))
    person, adm, dis, dx, level, los = (a[order] for a in (person, adm, dis, dx, level, los))
    keep = _space_out(person, adm, dis, 30) & (dis <= np.minimum(pop.alive_to[person],
                                                                  WINDOW_END - 3))  # fmt: skip
    lk = locked_up(pop)
    spans = lk.rename(columns={"start": "start", "end": "end"})[["person", "start", "end"]]
    keep &= _outside(person, adm, spans) & _outside(person, dis, spans)
    person, adm, dis, dx, level, los = (a[keep] for a in (person, adm, dis, dx, level, los))
    region = pop.persons["region_code"].to_numpy()[person]
    where = _choose_inst(rng, inst, level, region)
    factor = np.array([d[7] for d in cat.DIAGNOSES])[dx]
    los_ratio = los / np.array([d[6] for d in cat.DIAGNOSES])[dx]
    target = (np.vectorize(BASE_COST.get)(level) * factor * los_ratio**0.6
              * rng.lognormal(-0.06, 0.35, len(person)))  # fmt: skip
    lag = np.where(rng.random(len(person)) < 0.85, 0, rng.integers(1, 8, len(person)))
    keys = claims.add(person=person, inst=where, kind="inpatient", admission=adm, discharge=dis,
                      way=np.where(rng.random(len(person)) < 0.97, "routine", "against_advice"),
                      dx=dx, settle=dis + lag.astype("timedelta64[D]"))  # fmt: skip
    claims.add_items(inpatient_items(rng, keys, dx, los, level, target))
    return pd.DataFrame({"person": person, "start": adm, "end": dis, "inst": where, "dx": dx})


def ambulatory(rng: np.random.Generator, pop: Population, inst: Institutions, claims: Claims,
               stays: pd.DataFrame) -> None:  # fmt: skip
    """Ordinary outpatient visits and pharmacy purchases (volumes scaled down, see DATASHEET)."""
    birth = pop.birth
    years = np.where(pop.insured, np.maximum((pop.alive_to - pop.alive_from).astype(int), 0), 0)
    years = years / 365.25
    age0 = age_at(birth, np.datetime64("2024-01-01"))
    chronic = pop.chronic
    has_chronic = pd.notna(chronic) & (chronic != None)  # noqa: E711
    region_all = pop.persons["region_code"].to_numpy()
    rural = (pop.persons["hukou_type"] == "rural").to_numpy()
    spans = pd.concat([stays[["person", "start", "end"]],
                       locked_up(pop)[["person", "start", "end"]]])  # fmt: skip

    def dates(count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        person = np.repeat(np.arange(pop.n), count)
        span = (pop.alive_to - pop.alive_from).astype(int)[person]
        day = pop.alive_from[person] + np.floor(rng.random(len(person)) * span).astype(
            "timedelta64[D]"
        )
        keep = _outside(person, day, spans) & (day <= WINDOW_END)
        return person[keep], day[keep]

    # outpatient visits
    person, day = dates(rng.poisson((0.3 + 0.009 * age0 + 0.4 * has_chronic) * years))
    n = len(person)
    u = rng.random(n)
    where_kind = np.where(u < np.where(rural[person], 0.5, 0.1), 2, np.where(u < 0.65, 1, 0))
    out_inst = np.zeros(n, dtype=np.int64)
    for code, kind in ((2, "village_clinic"), (1, "clinic")):
        sel = where_kind == code
        out_inst[sel] = _choose_inst(rng, inst, np.zeros(sel.sum(), int), region_all[person][sel],
                                     kind)  # fmt: skip
    sel = where_kind == 0
    lv = np.where(rng.random(sel.sum()) < 0.4, 3, np.where(rng.random(sel.sum()) < 0.6, 2, 1))
    out_inst[sel] = _choose_inst(rng, inst, lv, region_all[person][sel])
    codes = np.array([c for c, _ in cat.OUTPATIENT_DX], dtype=object)
    w = np.array([x for _, x in cat.OUTPATIENT_DX], dtype=float)
    dx_code = codes[rng.choice(len(w), size=n, p=w / w.sum())]
    own = chronic[person]
    dx_code = np.where(pd.notna(own) & (rng.random(n) < 0.6), own, dx_code)
    dx = np.array([cat.dx(str(c)) for c in dx_code])
    keys = claims.add(person=person, inst=out_inst, kind="outpatient", admission=day, dx=dx,
                      settle=day)  # fmt: skip
    village = inst.kind[out_inst] == "village_clinic"
    claims.add_items(outpatient_items(rng, keys, dx, inst.level[out_inst], village))

    # pharmacy purchases: employees (personal account) and residents with a chronic certificate
    rate = np.where(pop.employee, 2.5, 0.0) + np.where(has_chronic, 5.0, 0.0)
    person, day = dates(rng.poisson(rate * years))
    pharm = np.flatnonzero(inst.kind == "pharmacy")
    home = _choose_inst(rng, inst, np.zeros(pop.n, int), region_all, "pharmacy")
    other = pharm[rng.integers(0, len(pharm), len(person))]
    where = np.where(rng.random(len(person)) < 0.7, home[person], other)
    keys = claims.add(person=person, inst=where, kind="pharmacy", admission=day, settle=day)
    claims.add_items(pharmacy_items(rng, keys, chronic[person]))


def keep_out_of_stays(pop: Population, claims: Claims) -> None:
    """Move ordinary outpatient visits and pharmacy purchases out of the person's stays.

    Planted stays are placed after ordinary care was drawn, so an ordinary visit or purchase can
    fall inside one; it is moved to the first free day of the week after discharge (or, near
    the end of the window or of life, of the week before admission). Deterministic: no draws.
    """
    s, _ = claims.frames()
    stays = s[(s["kind"] == "inpatient") & (s["refund_of"] < 0)]
    spans = pd.concat([
        pd.DataFrame({"person": stays["person"].to_numpy(), "start": stays["admission"].to_numpy(),
                      "end": stays["discharge"].to_numpy()}),
        locked_up(pop)[["person", "start", "end"]],
    ], ignore_index=True)  # fmt: skip
    spans["start"] = spans["start"].to_numpy().astype("datetime64[D]")
    spans["end"] = spans["end"].to_numpy().astype("datetime64[D]")
    refunded = set(s.loc[s["refund_of"] >= 0, "refund_of"].tolist())
    for frame in claims.settlements:
        amb = (frame["kind"] != "inpatient").to_numpy() & ~frame["planted"].to_numpy(dtype=bool)
        amb &= ~frame["_s"].isin(refunded).to_numpy()
        idx = np.flatnonzero(amb)
        person = frame["person"].to_numpy()[idx].astype(int)
        day = frame["admission"].to_numpy().astype("datetime64[D]")[idx]
        inside = ~_outside(person, day, spans)
        for i, p in zip(idx[inside], person[inside], strict=True):
            mine = spans[spans["person"] == p]
            d0 = frame["admission"].to_numpy().astype("datetime64[D]")[i]
            stay = mine[(mine["start"] <= d0) & (mine["end"] >= d0)].iloc[0]
            tries = [stay["end"] + np.timedelta64(k, "D") for k in range(1, 8)]
            tries += [stay["start"] - np.timedelta64(k, "D") for k in range(1, 8)]
            for new in tries:
                ok = pop.alive_from[p] <= new <= min(pop.alive_to[p], WINDOW_END)
                if ok and _outside(np.array([p]), np.array([new]), mine).all():
                    frame.loc[i, ["admission", "settle"]] = new
                    break
