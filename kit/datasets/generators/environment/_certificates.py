"""Special-operation certificates held by workers and the official registry (EN07).

Part of :mod:`kit.datasets.generators.environment`. A special-operation certificate (特种作业操作证)
is numbered ``T`` + the holder's ID number, one per operation type, valid six years and renewed
on review (复审). Employers' rosters record the number as written on the card; the registry
(the emergency-management department's query system) holds the current validity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators import common

#: Operation type -> (Chinese, weight).
OPERATIONS = {
    "electrician": ("电工作业", 0.35),
    "welding": ("焊接与热切割作业", 0.3),
    "working_at_height": ("高处作业", 0.15),
    "hazardous_chemicals": ("危险化学品安全作业", 0.12),
    "refrigeration": ("制冷与空调作业", 0.08),
}
RECORDS_PER_ENTERPRISE = 4
#: Planted scenario -> records per 600.
SCENARIOS = {
    "not_in_registry": 11,
    "registered_to_another_person": 10,
    "different_operation_type": 7,
    "expired_but_renewed": 10,
    "homophone_name": 8,
}
_FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _noisy(rng: np.random.Generator, cert: str) -> str:
    u = rng.random()
    if u < 0.3:
        return "t" + cert[1:]
    if u < 0.55:
        return f"{cert[:7]} {cert[7:15]} {cert[15:]}"
    if u < 0.8:
        return cert[1:]
    return "T" + cert[1:].translate(_FULL)


def make_certificates(
    rng: np.random.Generator, ent: pd.DataFrame, persons: pd.DataFrame, noise: float
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Worker certificate records, the registry and the scenario of each planted worker."""
    n = RECORDS_PER_ENTERPRISE * len(ent)
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]")
    age = (np.datetime64("2024-06-30", "D") - birth).astype(int) / 365.25
    pool = rng.permutation(np.flatnonzero((age >= 20) & (age < 59)))
    n_extra = n // 3
    if len(pool) < n + n_extra:
        n = len(pool) * 3 // 4
        n_extra = len(pool) - n
    workers, extra = pool[:n], pool[n : n + n_extra]
    ids = persons["id_number"].to_numpy()
    names = persons["name"].to_numpy()
    ops = list(OPERATIONS)
    w = np.array([OPERATIONS[o][1] for o in ops])
    op_w = np.array(ops, dtype=object)[rng.choice(len(ops), n, p=w / w.sum())]
    op_x = np.array(ops, dtype=object)[rng.choice(len(ops), n_extra, p=w / w.sum())]
    first = np.datetime64("2012-01-01", "D") + rng.integers(0, 4700, n + n_extra)
    first = first.astype("datetime64[D]")

    def current(start: np.datetime64) -> tuple[np.datetime64, np.datetime64]:
        while (start.astype("datetime64[M]") + 72).astype("datetime64[D]") <= np.datetime64(
            "2024-12-31"
        ):
            start = (start.astype("datetime64[M]") + 72).astype("datetime64[D]")
        return start, (start.astype("datetime64[M]") + 72).astype("datetime64[D]") - 1

    reg = []
    for j, p in enumerate(extra):
        a, b = current(first[n + j])
        reg.append(("T" + ids[p], op_x[j], ids[p], names[p], a, b))
    plan: dict[int, str] = {}
    order = rng.permutation(n)
    k = 0
    for scenario, per600 in SCENARIOS.items():
        for _ in range(max(1, round(per600 * n / 600))):
            plan[int(order[k])] = scenario
            k += 1
    employer = ent["uscc"].to_numpy()[rng.integers(0, len(ent), n)]
    rows = []
    for i, p in enumerate(workers):
        scenario = plan.get(i, "normal")
        a, b = current(first[i])
        cert, name, op = "T" + ids[p], names[p], op_w[i]
        held_from, held_to = a, b
        if scenario == "not_in_registry":
            held_from = np.datetime64("2019-01-01") + int(rng.integers(0, 1800))
            held_to = (held_from.astype("datetime64[M]") + 72).astype("datetime64[D]") - 1
        elif scenario == "registered_to_another_person":
            same = [r for r in reg if r[1] == op] or reg
            other = same[int(rng.integers(len(same)))]
            cert, held_from, held_to = other[0], other[4], other[5]
        elif scenario == "different_operation_type":
            real = ops[(ops.index(op) + 1 + int(rng.integers(len(ops) - 1))) % len(ops)]
            reg.append((cert, real, ids[p], names[p], a, b))
        else:
            reg_name = names[p]
            if scenario == "homophone_name":
                reg_name = common.homophone_of(names[p])
                if reg_name == names[p]:
                    reg_name = names[p][:-1] + "晓"
            if scenario == "expired_but_renewed":  # renewed 2021-2024, roster kept the old card
                a = np.datetime64("2021-01-01", "D") + int(rng.integers(0, 1400))
                b = (a.astype("datetime64[M]") + 72).astype("datetime64[D]") - 1
                held_from = (a.astype("datetime64[M]") - 72).astype("datetime64[D]")
                held_to = a - 1
            reg.append((cert, op, ids[p], reg_name, a, b))
        if scenario == "normal" and rng.random() < noise:
            cert = _noisy(rng, cert)
            scenario = "format_noise"
            plan[i] = scenario
        rows.append((employer[i], ids[p], name, op, cert, held_from, held_to))
    wc = pd.DataFrame(
        rows,
        columns=[
            "employer_uscc",
            "id_number",
            "name",
            "operation_type",
            "cert_no",
            "valid_from",
            "valid_to",
        ],
    )
    wc = wc.sort_values(["employer_uscc", "id_number", "operation_type"], kind="stable")
    subjects = {ids[workers[i]]: s for i, s in plan.items()}
    wc = wc.reset_index(drop=True)
    registry = pd.DataFrame(
        reg, columns=["cert_no", "operation_type", "id_number", "name", "valid_from", "valid_to"]
    )
    registry = (
        registry.drop_duplicates(["cert_no", "operation_type"])
        .sort_values(["cert_no", "operation_type"])
        .reset_index(drop=True)
    )
    registry.insert(4, "issuing_authority", "安徽省应急管理厅")
    for f in (wc, registry):
        for c in ("valid_from", "valid_to"):
            f[c] = pd.to_datetime(f[c]).astype("datetime64[s]")
    return wc, registry, subjects
