"""Death records of the social security sample, as three agencies hold them.

Part of :mod:`kit.datasets.generators.social_security`. Sources: public security household cancellation
(``public_security``, 公安户籍注销), civil-affairs cremation (``civil_affairs``, 民政火化) and
health death certificates (``health``, 卫健死亡医学证明). Each source misses some deaths, may
record the date a day or two apart, registers with its own delay, and sometimes writes the ID
number in a degraded form (typo, old 15-digit number, missing, untidy format) or the name with a
homophone (同音字); every such record is listed in ``truth/linkage.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.common import degrade_ids, homophone
from kit.datasets.generators.social_security._people import WINDOW_END

SOURCES = ("public_security", "civil_affairs", "health")
#: Probability that each source recorded a death: ordinary deaths, concealed deaths (cases,
#: where the household registration was often not cancelled), and late-notified deaths.
COVERAGE = {
    "normal": (0.90, 0.70, 0.60),
    "case": (0.35, 0.70, 0.60),
    "late": (0.60, 0.45, 0.45),
}


def death_records(
    rng: np.random.Generator,
    persons: pd.DataFrame,
    death: np.ndarray,
    kind: np.ndarray,
    stop: np.ndarray,
    pensioner: np.ndarray,
    living: np.ndarray,
    *,
    noise: float = 0.05,
    linkage_only: np.ndarray | None = None,
    prefix: str = "",
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Build ``deaths.csv``.

    Parameters
    ----------
    persons : DataFrame
        The drawn persons (``id_number``, ``name``, ``male``, ``birth_date``).
    death : ndarray of datetime64
        True death date per person (NaT for the living).
    kind : ndarray of str
        Scenario per person (``normal``, ``case``, ``recovered``, ``lag``, ``wrong_date``, ...).
    stop : ndarray of datetime64
        Date the person's pension was stopped (NaT if none).
    pensioner : ndarray of bool
        Whether the person is on the pension roster.
    living : ndarray of int
        Persons (pensioners alive to the end) who get a death record that is not theirs.
    noise : float
        Share of records whose identity is degraded (see :func:`~kit.datasets.generators.common.degrade_ids`).
    linkage_only : ndarray of int, optional
        Persons all of whose records get a degraded ID number (found only by record linkage).
    prefix : str
        Chunk part of the record numbers (``''`` for a single chunk).

    Returns
    -------
    records : DataFrame
        Columns of ``deaths.csv`` plus ``_person`` (index of the person the record is filed
        under), ``_note`` (``wrong_date`` or ``not_theirs`` for planted oddities, else ``''``),
        ``_issue`` (linkage issue code or ``''``) and ``_clean`` (true ID number), sorted by
        ``record_id``.
    renamed : dict of int to str
        Living pensioners who get the name of the dead namesake whose record was filed under
        their number.
    """
    linkage_only = np.zeros(0, dtype=int) if linkage_only is None else linkage_only
    dead = np.flatnonzero(~np.isnat(death))
    k = len(dead)
    group = np.where(np.isin(kind[dead], ["recovered", "lag"]), "late", kind[dead])
    group = np.where(group == "case", "case", np.where(group == "late", "late", "normal"))
    probs = np.array([COVERAGE[g] for g in group])
    has = rng.random((k, 3)) < probs
    fallback = probs.cumsum(axis=1) / probs.sum(axis=1, keepdims=True) > rng.random(k)[:, None]
    first_pick = fallback.argmax(axis=1)
    none = ~has.any(axis=1)
    has[none, first_pick[none]] = True
    wrong = kind[dead] == "wrong_date"
    single = wrong & (has.sum(axis=1) == 1)
    add = (has.argmax(axis=1) + 1 + rng.integers(0, 2, size=k)) % 3
    has[single, add[single]] = True

    who, src = np.nonzero(has)
    person = dead[who]
    n = len(person)
    true = death[person]
    offset = rng.choice([0, -1, 1, -2, 2], size=n, p=[0.8, 0.07, 0.08, 0.02, 0.03])
    lag = np.select(
        [src == 0, src == 1],
        [np.minimum(1 + np.floor(rng.exponential(10, n)), 90), rng.integers(1, 5, n)],
        rng.integers(0, 3, n),
    ).astype(int)
    late = np.isin(kind[person], ["recovered", "lag"]) & (src == 0) & ~np.isnat(stop[person])
    late_lag = (stop[person] - true).astype("int64") - rng.integers(1, 8, n)
    lag = np.where(late, np.maximum(late_lag, 1), lag)
    recorded = true + offset.astype("timedelta64[D]")
    registered = true + (lag + np.maximum(offset, 0)).astype("timedelta64[D]")
    note = np.full(n, "", dtype=object)
    for p in np.flatnonzero(wrong):
        rows = np.flatnonzero(person == dead[p])
        r = rows[rng.integers(0, len(rows))]
        if rng.random() < 0.4:  # a year typed one too low
            recorded[r] = (pd.Timestamp(recorded[r]) - pd.DateOffset(years=1)).to_datetime64()
        else:
            recorded[r] = recorded[r] - int(rng.integers(100, 401))
        note[r] = "wrong_date"
    keep = registered <= WINDOW_END
    frame = pd.DataFrame(
        {
            "_person": person[keep],
            "_src": src[keep],
            "death_date": recorded[keep],
            "registered_date": registered[keep],
            "_note": note[keep],
        }
    )
    frame["_owner"] = frame["_person"]

    renamed: dict[int, str] = {}
    per_person = frame.groupby("_person").size()
    other_source = frame[frame["_src"] > 0].groupby("_person").size()  # not public security
    male = persons["male"].to_numpy()
    used: set[int] = set()
    filed = frame["_person"].to_numpy().copy()
    src = frame["_src"].to_numpy()
    notes = frame["_note"].to_numpy(dtype=object).copy()
    dead_ones = per_person.index.to_numpy()
    namesakes = (
        ~pensioner[dead_ones]
        & (death[dead_ones] <= np.datetime64("2024-08-31"))
        & (per_person.to_numpy() >= 2)
        & (other_source.reindex(per_person.index, fill_value=0).to_numpy() > 0)
    )
    for lp in living:
        ok = namesakes & (male[dead_ones] == male[lp])
        options = [int(p) for p in dead_ones[ok] if int(p) not in used]
        if not options:
            continue
        d = options[int(rng.integers(0, len(options)))]
        used.add(d)
        rows = np.flatnonzero((filed == d) & (src > 0))
        r = rows[int(rng.integers(0, len(rows)))]
        filed[r], notes[r] = int(lp), "not_theirs"
        if rng.random() < 0.5:
            renamed[int(lp)] = str(persons["name"].iat[d])
    frame["_person"] = filed
    frame["_note"] = notes

    ids = persons["id_number"].to_numpy()
    names = persons["name"].to_numpy()
    frame["source"] = np.array(SOURCES)[frame["_src"].to_numpy()]
    frame["id_number"] = ids[frame["_person"].to_numpy()]
    frame["name"] = names[frame["_owner"].to_numpy()]
    clean_id = frame["id_number"].copy()
    # identity noise: pensioners keep one clean record, except the few "linkage only" cases
    first_row = ~frame["_person"].duplicated().to_numpy()
    who = frame["_person"].to_numpy()
    on_roster = pensioner[who]
    hidden = np.isin(who, linkage_only)
    ok = (frame["_note"] != "not_theirs").to_numpy() & (~on_roster | ~first_row)
    ok &= ~np.isin(who, living) & (kind[who] != "wrong_date")  # keep planted traps readable
    share = min(1.0, noise / max(ok.mean(), 1e-9)) if len(frame) else 0.0
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]")
    noisy, issue = degrade_ids(rng, clean_id.to_numpy(), birth[who], share)
    noisy, issue = np.where(ok, noisy, clean_id.to_numpy()), np.where(ok, issue, "")
    for r in np.flatnonzero(hidden & (frame["_note"] != "not_theirs").to_numpy()):
        one, code = degrade_ids(rng, clean_id.to_numpy()[r : r + 1], birth[who[r : r + 1]], 1.0)
        noisy[r], issue[r] = one[0], code[0]
    frame["id_number"] = noisy
    named, changed = homophone(rng, frame["name"].to_numpy(), 0.4 * noise)
    changed &= (issue == "") & (frame["_note"] != "not_theirs").to_numpy()
    frame["name"] = np.where(changed, named, frame["name"].to_numpy())
    issue = np.where(changed, "homophone_name", issue)
    missing = issue == "missing_id"
    frame["birth_date"] = np.where(missing, birth[who], np.datetime64("NaT"))
    frame["address"] = np.where(missing, persons["address"].to_numpy()[who], None)
    frame["_issue"] = issue
    frame["_clean"] = clean_id
    frame = frame.sort_values(
        ["registered_date", "_src", "death_date", "_clean"], kind="stable"
    ).reset_index(drop=True)
    width = max(6, len(str(len(frame))))
    frame.insert(0, "record_id", [f"D{prefix}{i:0{width}d}" for i in range(1, len(frame) + 1)])
    cols = ["record_id", "source", "id_number", "name", "death_date", "registered_date"]
    cols += ["birth_date", "address"]
    return frame[[*cols, "_person", "_note", "_issue", "_clean"]], renamed
