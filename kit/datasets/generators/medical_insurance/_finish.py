"""Turn the internal claims of one chunk into the published tables.

Part of :mod:`kit.datasets.generators.medical_insurance`: amounts and fund shares, drug
traceability codes, record numbers, identity noise of secondary records (``truth/linkage.csv``)
and the insured-person table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.common import degrade_ids, homophone
from kit.datasets.generators.medical_insurance import _catalogue as cat
from kit.datasets.generators.medical_insurance._claims import Claims
from kit.datasets.generators.medical_insurance._institutions import Institutions
from kit.datasets.generators.medical_insurance._population import Population

#: Inpatient policy by hospital level: (deductible, employee rate, resident rate).
INPATIENT_POLICY = {3: (800.0, 0.86, 0.72), 2: (600.0, 0.90, 0.82), 1: (300.0, 0.93, 0.88)}
#: Outpatient pooling rates (employee, resident) at hospitals and at primary care.
OUTPATIENT_RATE = {"hospital": (0.5, 0.5), "primary": (0.6, 0.6)}
#: Share of pack-drug rows with a traceability code, by settlement year (uploads grew).
TRACE_COVERAGE = {2023: 0.6, 2024: 0.85}
_CAT_ORDER = {c: i for i, c in enumerate(["bed", "nursing", "test", "treatment", "surgery",
                                           "material", "drug"])}  # fmt: skip


def money(
    rng: np.random.Generator, s: pd.DataFrame, total: np.ndarray, pop: Population,
    inst: Institutions,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Pooled-fund and personal-account payments of each settlement.

    Inpatient: (total minus self-paid items minus the deductible) times the scheme's rate for the
    hospital level. Outpatient: a flat pooling rate; employees pay the rest from their personal
    account. Pharmacy: employees pay from the personal account; residents (chronic-disease
    certificate holders) get 50 % from the pool.
    """
    emp = pop.employee[s["person"].to_numpy()]
    kind = s["kind"].to_numpy()
    where = s["inst"].to_numpy()
    level = np.maximum(inst.level[where], 1)
    primary = np.isin(inst.kind[where], ["clinic", "village_clinic"]) | (level == 1)
    selfpay = rng.uniform(0.03, 0.14, len(s))
    ded = np.vectorize(lambda lv: INPATIENT_POLICY[lv][0])(level)
    rate = np.where(emp, np.vectorize(lambda lv: INPATIENT_POLICY[lv][1])(level),
                    np.vectorize(lambda lv: INPATIENT_POLICY[lv][2])(level))  # fmt: skip
    inpatient = np.maximum(total * (1 - selfpay) - ded, 0) * rate
    out_rate = np.where(primary, OUTPATIENT_RATE["primary"][0], OUTPATIENT_RATE["hospital"][0])
    fund = np.select([kind == "inpatient", kind == "outpatient"],
                     [inpatient, total * out_rate], np.where(emp, 0.0, 0.5 * total))  # fmt: skip
    account = np.select([kind == "inpatient", kind == "outpatient"],
                        [0.0, np.where(emp, total - fund, 0.0)],
                        np.where(emp, total, 0.0))  # fmt: skip
    refund = s["refund_of"].to_numpy() >= 0
    fund = np.where(refund & (kind == "inpatient"), -np.abs(fund), fund)
    return np.round(fund, 2), np.round(account, 2)


def finish(
    rng: np.random.Generator,
    chunk: int,
    pop: Population,
    inst: Institutions,
    claims: Claims,
    noise: float,
) -> dict[str, pd.DataFrame]:
    """Settlements, claim items, insured persons and settlement linkage rows.

    Also returns ``_keys`` (internal settlement key -> settlement_id, fund, account, total) for
    the truth table.
    """
    s, it = claims.frames()
    s = s.sort_values(["settle", "inst", "person", "_s"], kind="stable").reset_index(drop=True)
    s["settlement_id"] = [f"S{chunk:02d}{i:08d}" for i in range(1, len(s) + 1)]
    sid = pd.Series(s["settlement_id"].to_numpy(), index=s["_s"].to_numpy())

    # traceability codes for pack drugs sold without a planted code
    it = it.merge(s[["_s", "settle"]], on="_s", how="left")
    year = pd.DatetimeIndex(it["settle"]).year.to_numpy()
    cover = np.vectorize(TRACE_COVERAGE.get)(year)
    need = it["pack"].to_numpy(bool) & it["trace"].isna().to_numpy() & (rng.random(len(it)) < cover)
    planted_refund = it["quantity"].to_numpy() < 0
    need &= ~planted_refund
    codes = it["trace"].to_numpy(dtype=object).copy()
    codes[need] = claims.trace_codes(it["item"].to_numpy()[need])
    it["trace"] = codes
    it["amount"] = np.round(it["quantity"].to_numpy() * it["unit_price"].to_numpy(), 2)
    total = it.groupby("_s")["amount"].sum().reindex(s["_s"]).fillna(0).to_numpy().round(2)
    fund, account = money(rng, s, total, pop, inst)

    # identity as recorded by the institution
    person = s["person"].to_numpy()
    persons = pop.persons
    ids = persons["id_number"].to_numpy()[person]
    birth = pop.birth[person]
    names = persons["name"].to_numpy()[person]
    village = inst.kind[s["inst"].to_numpy()] == "village_clinic"
    planted = s["planted"].to_numpy(bool)
    share = np.select([village, s["kind"].to_numpy() == "inpatient"],
                      [min(1.0, 4 * noise), noise / 5], noise / 2)  # fmt: skip
    share = np.where(planted, 0.0, share)
    hit = rng.random(len(s)) < share
    noisy = ids.astype(object).copy()
    issue = np.full(len(s), "", dtype=object)
    if hit.any():
        noisy[hit], issue[hit] = degrade_ids(rng, ids[hit], birth[hit], 1.0)
    calm = ~hit & ~planted & (rng.random(len(s)) < np.where(village, noise, noise / 10))
    named = names.astype(object).copy()
    if calm.any():
        named[calm], changed = homophone(rng, names[calm], 1.0)
        sub = np.flatnonzero(calm)[changed]
        issue[sub] = "homophone_name"
    sex = np.where(pop.male[person], "M", "F").astype(object)
    override = s["sex_override"].to_numpy(dtype=object)
    sex = np.where(pd.notna(override), override, sex)
    address = np.where(village | (issue == "missing_id"), persons["address"].to_numpy()[person],
                       None)  # fmt: skip
    dx = s["dx"].to_numpy()
    refund_of = s["refund_of"].to_numpy()
    settlements = pd.DataFrame(
        {
            "settlement_id": s["settlement_id"].to_numpy(),
            "institution_id": inst.table["institution_id"].to_numpy()[s["inst"].to_numpy()],
            "id_number": noisy,
            "patient_name": named,
            "patient_sex": sex,
            "patient_birth_date": birth.astype("datetime64[s]"),
            "patient_address": address,
            "insurance_type": np.where(pop.employee[person], "employee", "resident"),
            "kind": s["kind"].to_numpy(),
            "admission_date": s["admission"].to_numpy().astype("datetime64[s]"),
            "discharge_date": s["discharge"].to_numpy().astype("datetime64[s]"),
            "discharge_way": s["way"].to_numpy(dtype=object),
            "diagnosis_icd10": np.where(dx >= 0, cat.DX_CODE[np.maximum(dx, 0)], None),
            "diagnosis_name": np.where(dx >= 0, cat.DX_NAME[np.maximum(dx, 0)], None),
            "total_cost": total,
            "fund_paid": fund,
            "account_paid": account,
            "settle_date": s["settle"].to_numpy().astype("datetime64[s]"),
            "is_refund": refund_of >= 0,
            "refund_of": np.where(refund_of >= 0, sid.reindex(refund_of).to_numpy(), None),
        }
    )
    for col in ("id_number", "patient_address", "discharge_way", "diagnosis_icd10",
                "diagnosis_name", "refund_of"):  # fmt: skip
        settlements[col] = settlements[col].astype("str").where(settlements[col].notna())
    link = pd.DataFrame(
        {
            "table": "settlements",
            "record_id": settlements["settlement_id"].to_numpy()[issue != ""],
            "true_id_number": ids[issue != ""],
            "issue": issue[issue != ""],
        }
    )

    # claim items
    it["settlement_id"] = sid.reindex(it["_s"].to_numpy()).to_numpy()
    it["_cat"] = pd.Series(cat.CATEGORY[it["item"].to_numpy()]).map(_CAT_ORDER).to_numpy()
    it["item_code"] = cat.CODES[it["item"].to_numpy()]
    it = it.sort_values(["settlement_id", "_cat", "item_code"], kind="stable").reset_index(
        drop=True
    )
    items = pd.DataFrame(
        {
            "item_id": [f"I{chunk:02d}{i:09d}" for i in range(1, len(it) + 1)],
            "settlement_id": it["settlement_id"].to_numpy(),
            "item_code": it["item_code"].to_numpy(),
            "quantity": it["quantity"].to_numpy().round(2),
            "unit_price": it["unit_price"].to_numpy().round(2),
            "amount": it["amount"].to_numpy(),
            "trace_code": it["trace"].astype("str").where(it["trace"].notna()),
        }
    )

    keys = pd.DataFrame(
        {"settlement_id": s["settlement_id"].to_numpy(), "total": total, "fund": fund,
         "account": account}, index=s["_s"].to_numpy(),
    )  # fmt: skip
    return {"settlements": settlements, "claim_items": items, "_link": link, "_keys": keys,
            "_items": it, "_person": person}  # fmt: skip


def insured_table(pop: Population) -> pd.DataFrame:
    """The insured-person roster (参保人员), valid ID numbers, sorted by ID number."""
    keep = pop.insured
    p = pop.persons[keep]
    out = pd.DataFrame(
        {
            "id_number": p["id_number"].to_numpy(),
            "name": p["name"].to_numpy(),
            "sex": pop.sex_recorded[keep],
            "birth_date": p["birth_date"].to_numpy().astype("datetime64[s]"),
            "region_code": p["region_code"].to_numpy(),
            "insurance_type": np.where(pop.employee[keep], "employee", "resident"),
            "enrolled_date": pop.enrolled[keep].astype("datetime64[s]"),
            "chronic_condition": pop.chronic[keep],
        }
    )
    out["sex"] = out["sex"].astype("str")
    out["chronic_condition"] = (
        out["chronic_condition"].astype("str").where(pd.notna(pop.chronic[keep]))
    )
    return out.reset_index(drop=True)
