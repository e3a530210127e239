"""The insured population of the medical insurance sample, taken from the social security world.

Part of :mod:`kit.datasets.generators.medical_insurance`. Medical insurance chunk ``k`` is built
from social security chunk ``k`` of the same seed, so the same people, deaths and custody records
appear in both fields. Death and custody records are copied unchanged (the medical insurance
bureau receives them by data sharing, 数据共享) and resolved to persons through the social
security linkage truth, as a perfect record linkage would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit import ids as kit_ids

WINDOW_START = np.datetime64("2023-01-01", "D")
WINDOW_END = np.datetime64("2024-12-31", "D")
#: Columns of the copied death and custody records (the social security tables).
DEATH_COLUMNS = ("record_id", "source", "id_number", "name", "death_date", "registered_date")
CUSTODY_COLUMNS = (
    "record_id",
    "source",
    "id_number",
    "name",
    "custody_type",
    "correction_kind",
    "start_date",
    "end_date",
    "institution",
)
LOCKED_UP = ("imprisonment", "criminal_detention", "pretrial_detention")


def ss_chunks(
    seed: int, n_persons: int, chunk_persons: int, identity_noise: float
) -> Iterator[dict[str, pd.DataFrame]]:
    """Social security chunks of the same world."""
    from kit.datasets.generators import social_security as ss

    yield from ss.iter_chunks(
        seed, n_persons, chunk_persons=chunk_persons, identity_noise=identity_noise
    )


def age_at(birth: np.ndarray, when: np.ndarray | np.datetime64) -> np.ndarray:
    """Age in completed years at ``when``."""
    b = pd.DatetimeIndex(birth)
    w = pd.DatetimeIndex(np.broadcast_to(np.asarray(when, dtype="datetime64[D]"), birth.shape))
    before = (w.month < b.month) | ((w.month == b.month) & (w.day < b.day))
    return np.asarray(w.year - b.year - before, dtype=int)


@dataclass
class Population:
    """Persons of one chunk and what the generator needs to know about them.

    Attributes
    ----------
    persons : DataFrame
        Social security persons (sorted by ID number); index = person number.
    insured : ndarray of bool
        Enrolled in basic medical insurance during the window.
    employee : ndarray of bool
        Employee scheme (职工医保) rather than resident scheme (居民医保).
    alive_from, alive_to : ndarray of datetime64[D]
        Days ordinary care may fall on (inside the window, alive, not locked up at the ends).
    death_first, death_last : ndarray of datetime64[D]
        Earliest and latest death date in any death record filed under the person (NaT if none).
    death_kind : ndarray of str
        ``''``, ``dead``, ``wrong_date`` (one record far too early) or ``not_theirs`` (a record
        of someone else's death filed under a living person's number).
    custody : DataFrame
        Custody episodes: ``person``, ``custody_type``, ``start``, ``end`` (NaT-free, clipped).
    """

    persons: pd.DataFrame
    insured: np.ndarray
    employee: np.ndarray
    chronic: np.ndarray
    enrolled: np.ndarray
    alive_from: np.ndarray
    alive_to: np.ndarray
    death_first: np.ndarray
    death_last: np.ndarray
    death_kind: np.ndarray
    custody: pd.DataFrame
    deaths: pd.DataFrame
    custody_records: pd.DataFrame
    linkage: pd.DataFrame
    sex_recorded: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    @property
    def n(self) -> int:
        """Number of persons."""
        return len(self.persons)

    @property
    def birth(self) -> np.ndarray:
        """Birth dates as ``datetime64[D]``."""
        return self.persons["birth_date"].to_numpy().astype("datetime64[D]")

    @property
    def male(self) -> np.ndarray:
        """True sex (from the ID number) is male."""
        return (self.persons["sex"] == "M").to_numpy()

    def age(self, when: Any) -> np.ndarray:
        """Age of every person at ``when``."""
        return age_at(self.birth, np.datetime64(when, "D"))


def _resolve(frame: pd.DataFrame, table: str, linkage: pd.DataFrame | None,
             index: dict[str, int]) -> np.ndarray:  # fmt: skip
    """Person number of each record (-1 if unresolved), using the linkage truth when given."""
    true_ids = frame["id_number"].astype(object).to_numpy().copy()
    if linkage is not None and len(linkage):
        link = linkage[linkage["table"] == table].set_index("record_id")["true_id_number"]
        known = frame["record_id"].map(link).to_numpy()
        true_ids = np.where(pd.isna(known), true_ids, known)
    out = np.full(len(frame), -1, dtype=np.int64)
    for i, value in enumerate(true_ids.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        text = str(value)
        if text not in index:
            try:
                text = kit_ids.to_18(text)
            except Exception:  # noqa: BLE001 - an unreadable number stays unresolved
                continue
        out[i] = index.get(text, -1)
    return out


def build(rng: np.random.Generator, ss: dict[str, pd.DataFrame]) -> Population:
    """Derive the insured population of one chunk from its social security tables."""
    persons = ss["persons"].sort_values("id_number", kind="stable").reset_index(drop=True)
    n = len(persons)
    index = {v: i for i, v in enumerate(persons["id_number"].tolist())}
    linkage = ss.get("linkage")
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]")
    urban = (persons["hukou_type"] == "urban").to_numpy()
    age = age_at(birth, np.datetime64("2024-01-01"))

    deaths = ss["deaths"].copy()
    custody_records = ss["custody"].copy()
    d_person = _resolve(deaths, "deaths", linkage, index)
    c_person = _resolve(custody_records, "custody", linkage, index)

    # Deaths: earliest and latest recorded date per person; SS traps tell which are not real.
    death_first = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    death_last = death_first.copy()
    dd = deaths["death_date"].to_numpy().astype("datetime64[D]")
    ok = d_person >= 0
    frame = pd.DataFrame({"p": d_person[ok], "d": dd[ok]}).groupby("p")["d"].agg(["min", "max"])
    death_first[frame.index.to_numpy()] = frame["min"].to_numpy().astype("datetime64[D]")
    death_last[frame.index.to_numpy()] = frame["max"].to_numpy().astype("datetime64[D]")
    death_kind = np.where(np.isnat(death_first), "", "dead").astype(object)
    truth = ss.get("truth")
    if truth is not None and len(truth):
        for reason, kind in (("living", "not_theirs"), ("wrong_death_date", "wrong_date")):
            subj = truth.loc[truth["reason"].str.contains(reason), "subject_id"]
            hit = [index[s] for s in subj if s in index]
            death_kind[hit] = kind

    # Insurance: almost everyone; employees among urban workers and retirees.
    p_emp = np.select([age < 18, age < 60], [0.0, np.where(urban, 0.55, 0.16)],
                      np.where(urban, 0.5, 0.08))  # fmt: skip
    employee = rng.random(n) < p_emp
    insured = rng.random(n) < 0.97
    died_before = (death_kind == "dead") & (death_last < WINDOW_START)
    insured &= ~died_before & (birth <= WINDOW_END - 31)  # newborns enrol within a month
    enrolled = np.maximum(birth + 30, WINDOW_START - rng.integers(30, 6000, n))
    chronic = np.full(n, None, dtype=object)
    u = rng.random(n)
    p_ht = np.clip((age - 35) * 0.004, 0, 0.16)
    p_dm = np.clip((age - 35) * 0.002, 0, 0.08)
    chronic[(u < p_ht) & (age >= 35)] = "I10"
    chronic[(u >= p_ht) & (u < p_ht + p_dm) & (age >= 35)] = "E11.9"

    alive_from = np.maximum(birth + 1, WINDOW_START)
    cutoff = np.where(death_kind == "wrong_date", death_last - 5, death_first - 1)
    alive_to = np.where(np.isnat(death_first) | (death_kind == "not_theirs"), WINDOW_END, cutoff)
    alive_to = np.minimum(alive_to.astype("datetime64[D]"), WINDOW_END)

    cus = pd.DataFrame(
        {
            "person": c_person,
            "custody_type": custody_records["custody_type"].to_numpy(),
            "start": custody_records["start_date"].to_numpy().astype("datetime64[D]"),
            "end": custody_records["end_date"].to_numpy().astype("datetime64[D]"),
            "record_id": custody_records["record_id"].to_numpy(),
        }
    )
    cus["end"] = cus["end"].fillna(pd.Timestamp(WINDOW_END + 400))
    cus = cus[cus["person"] >= 0].reset_index(drop=True)

    link = pd.DataFrame(columns=["table", "record_id", "true_id_number", "issue"])
    if linkage is not None and len(linkage):
        link = linkage[linkage["table"].isin(["deaths", "custody"])].copy()
    return Population(
        persons=persons,
        insured=insured,
        employee=employee & insured,
        chronic=np.where(insured, chronic, None),
        enrolled=enrolled,
        alive_from=alive_from,
        alive_to=alive_to,
        death_first=death_first,
        death_last=death_last,
        death_kind=death_kind,
        custody=cus,
        deaths=deaths,
        custody_records=custody_records,
        linkage=link.reset_index(drop=True),
        sex_recorded=persons["sex"].to_numpy().astype(object).copy(),
    )


def locked_up(pop: Population) -> pd.DataFrame:
    """Custody episodes during which a person cannot seek care freely (prison, detention)."""
    c = pop.custody
    return c[c["custody_type"].isin(LOCKED_UP)].reset_index(drop=True)
