"""Medical insurance generator: situations that only turn up in large worlds.

At 6 million persons (chunk 0 of the default seed) a person whose only death record says
2023-01-05 also had an imprisonment episode from 2024-09-05 in the social security custody roster
(background custody records do not know of deaths). The planted MI02 case put a stay inside that
episode, after the death: an unplanted MI01 case, which ``build_truth`` refuses. Here every person
with a prison or detention episode is given such a death record in a small chunk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators import medical_insurance as mi
from kit.datasets.generators import social_security as ss
from kit.datasets.generators.medical_insurance._population import LOCKED_UP

SEED, N = 20240511, 3_000
#: Deaths before most custody episodes begin, and in the middle of some.
DEATHS = ("2023-01-05", "2024-06-30")


def _chunk_with_deaths_of_prisoners() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    chunk = next(ss.iter_chunks(SEED, N, chunk_persons=N, identity_noise=0.05))
    custody, deaths, linkage = chunk["custody"], chunk["deaths"], chunk["linkage"]
    true_id = linkage[linkage["table"] == "custody"].set_index("record_id")["true_id_number"]
    ids = custody["record_id"].map(true_id).fillna(custody["id_number"])
    locked = ids[custody["custody_type"].isin(LOCKED_UP).to_numpy()].drop_duplicates()
    persons = chunk["persons"].set_index("id_number")
    died = {str(i): DEATHS[j % 2] for j, i in enumerate(locked) if i in persons.index}
    new = pd.DataFrame(
        {
            "record_id": [f"DX{j:06d}" for j in range(len(died))],
            "source": "public_security",
            "id_number": list(died),
            "name": persons.loc[list(died), "name"].to_numpy(),
            "death_date": pd.to_datetime(list(died.values())),
            "registered_date": pd.to_datetime(list(died.values())) + pd.Timedelta(days=5),
        }
    )
    new = new.astype({c: deaths[c].dtype for c in new.columns if c in deaths})
    chunk = dict(chunk, deaths=pd.concat([deaths, new], ignore_index=True))
    return chunk, died


def test_custody_case_stays_end_before_a_death_record() -> None:
    chunk, died = _chunk_with_deaths_of_prisoners()
    assert len(died) >= 10
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([SEED, mi.FIELD_CODE, 0])))
    # build_truth raises "unplanted MI01 case" if a stay of the MI02 case begins after the death
    out = mi._chunk(rng, 0, chunk, 0.05)

    truth, s = out["truth"], out["settlements"]
    link = out["linkage"]
    true_id = link[link["table"] == "settlements"].set_index("record_id")["true_id_number"]
    s = s.assign(person=s["settlement_id"].map(true_id).fillna(s["id_number"]))
    cases = truth[(truth["pattern"] == "inpatient_in_custody") & truth["is_case"]]
    dead_cases = [p for p in cases["subject_id"] if p in died]
    assert dead_cases, "no MI02 case on a person who dies during the custody episode"
    for p in dead_cases:
        death = pd.Timestamp(died[p])
        mine = s[s["person"] == p]
        assert (mine["admission_date"] < death).all(), p
        assert (mine["discharge_date"].fillna(mine["admission_date"]) < death).all(), p
    mi01 = truth[truth["pattern"] == "claims_after_death"]
    assert not mi01["subject_id"].isin(dead_cases).any()
