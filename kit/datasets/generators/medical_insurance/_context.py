"""Shared state of the planting steps: who is busy when, and helpers to add one stay or visit.

Part of :mod:`kit.datasets.generators.medical_insurance`. Planted cases and traps are added one by
one (they are few), each on a person who is free at that time, so that one person carries at most
one planted story and ordinary care never makes a clue by accident.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit.datasets.generators.medical_insurance import _catalogue as cat
from kit.datasets.generators.medical_insurance._baseline import BASE_COST
from kit.datasets.generators.medical_insurance._claims import Claims, fixed_items, inpatient_items
from kit.datasets.generators.medical_insurance._institutions import Institutions
from kit.datasets.generators.medical_insurance._population import (
    WINDOW_END,
    WINDOW_START,
    Population,
)

D = np.timedelta64(1, "D")


def day(x: Any) -> np.datetime64:
    """A ``datetime64[D]``."""
    return np.datetime64(x, "D")


@dataclass
class Context:
    """Everything a planting step needs.

    ``truth`` collects row specs: ``pattern``, ``subject_type``, ``subject`` (a string, or
    ``("settlement", key)`` resolved later), ``is_case``, ``reason``, ``note`` and ``amount``
    (``("fund", keys)`` for the fund and personal-account money of settlements, ``("items",
    [(key, item)])`` for that share of single items, or a number).
    """

    rng: np.random.Generator
    pop: Population
    inst: Institutions
    claims: Claims
    scale: float
    busy: dict[int, list[tuple[np.datetime64, np.datetime64]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    used: set[int] = field(default_factory=set)
    truth: list[dict[str, Any]] = field(default_factory=list)

    def count(self, per_10k: float) -> int:
        """Planted count for this chunk from a count per 10,000 persons."""
        return int(round(per_10k * self.scale))

    def id_of(self, person: int) -> str:
        return str(self.pop.persons["id_number"].iat[person])

    def region_of(self, person: int) -> str:
        return str(self.pop.persons["region_code"].iat[person])

    def book(self, person: int, start: np.datetime64, end: np.datetime64) -> None:
        self.busy[person].append((day(start), day(end)))

    def free(self, person: int, start: np.datetime64, end: np.datetime64, margin: int = 30,
             *, alive: bool = True) -> bool:  # fmt: skip
        """No booked span of the person within ``margin`` days; inside the window (and life)."""
        start, end = day(start), day(end)
        if start < WINDOW_START or end > WINDOW_END:
            return False
        if alive and (start < self.pop.alive_from[person] or end > self.pop.alive_to[person]):
            return False
        return all(end + margin * D < s or start - margin * D > e for s, e in self.busy[person])

    def outside_stays(self, person: int, when: np.datetime64) -> np.datetime64:
        """``when``, or the day after the booked span of the person that contains it."""
        when = day(when)
        for s, e in sorted(self.busy[person]):
            if s <= when <= e:
                when = e + D
        return when

    def candidates(self, mask: np.ndarray) -> np.ndarray:
        """Insured persons in ``mask`` not yet used by a planted story, in random order."""
        pop = self.pop
        ok = mask & pop.insured & (pop.alive_to - pop.alive_from > np.timedelta64(60, "D"))
        ok[list(self.used)] = False
        return self.rng.permutation(np.flatnonzero(ok))

    def random_day(self, lo: Any, hi: Any) -> np.datetime64:
        lo, hi = day(lo), day(hi)
        return lo + int(self.rng.integers(0, max(int((hi - lo) / D), 1)))

    def hospital(self, person: int, *, private: bool | None = None,
                 levels: tuple[int, ...] = (1, 2, 3), exclude: int = -1) -> int:  # fmt: skip
        mask = (self.inst.kind == "hospital") & np.isin(self.inst.level, levels)
        if private is not None:
            mask &= self.inst.private == private
        if exclude >= 0:
            mask[exclude] = False
        if not mask.any():
            mask = self.inst.kind == "hospital"
        return self.inst.pick(self.rng, mask, self.region_of(person))

    def of_kind(self, person: int, kind: str) -> int:
        return self.inst.pick(self.rng, self.inst.kind == kind, self.region_of(person))

    def stay(
        self,
        person: int,
        where: int,
        adm: np.datetime64,
        los: int,
        dx_code: str,
        *,
        way: str = "routine",
        lag: int = 0,
        items: list[tuple[str, float]] | None = None,
        factor: float = 1.0,
        sex: str | None = None,
        book: bool = True,
    ) -> int:
        """Add one inpatient stay (items from the diagnosis profile unless given)."""
        adm = day(adm)
        dis = adm + los * D
        d = cat.dx(dx_code)
        level = int(self.inst.level[where]) or 1
        key = self.claims.add_one(person=person, inst=where, kind="inpatient", admission=adm,
                                  discharge=dis, way=way, dx=d, settle=dis + lag * D,
                                  sex_override=sex, planted=True)  # fmt: skip
        if items is None:
            target = BASE_COST[level] * factor * self.rng.lognormal(-0.06, 0.3)
            frame = inpatient_items(self.rng, np.array([key]), np.array([d]), np.array([los]),
                                    np.array([level]), np.array([target]))  # fmt: skip
            self.claims.add_item_rows(
                [(key, int(i), float(q), float(u), None, False) for i, q, u in zip(
                    frame["item"], frame["quantity"], frame["unit_price"], strict=True)]
            )  # fmt: skip
        else:
            self.claims.add_item_rows(fixed_items(key, level, items))
        if book:
            self.book(person, adm, dis)
        return key

    def visit(
        self,
        person: int,
        where: int,
        when: np.datetime64,
        items: list[tuple[str, float]],
        *,
        kind: str | None = None,
        dx_code: str | None = None,
        lag: int = 0,
        refund_of: int = -1,
        traces: dict[int, str] | None = None,
        sex: str | None = None,
    ) -> int:
        """Add one outpatient visit or pharmacy purchase with the given items."""
        when = day(when)
        kind = kind or ("pharmacy" if self.inst.kind[where] == "pharmacy" else "outpatient")
        key = self.claims.add_one(person=person, inst=where, kind=kind, admission=when,
                                  dx=cat.dx(dx_code) if dx_code else -1, settle=when + lag * D,
                                  refund_of=refund_of, sex_override=sex, planted=True)  # fmt: skip
        self.claims.add_item_rows(fixed_items(key, int(self.inst.level[where]), items, traces))
        return key

    def add_truth(self, pattern: str, subject_type: str, subject: Any, is_case: bool,
                  reason: str, note: str, amount: Any = 0.0) -> None:  # fmt: skip
        self.truth.append(
            {"pattern": pattern, "subject_type": subject_type, "subject": subject,
             "is_case": is_case, "reason": reason, "note": note, "amount": amount}
        )  # fmt: skip


def book_spans(ctx: Context, spans: pd.DataFrame) -> None:
    """Book ordinary stays and custody episodes as busy."""
    for p, s, e in zip(spans["person"], spans["start"], spans["end"], strict=True):
        ctx.book(int(p), s, e)
