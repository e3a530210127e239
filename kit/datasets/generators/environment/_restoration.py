"""Ecological restoration and damage-compensation orders, instalments and payments (EN05).

Part of :mod:`kit.datasets.generators.environment`. Orders follow penalties (生态环境损害赔偿
磋商协议 or restoration orders); amounts are log-normal around 150,000 yuan (20,000-3,000,000).
Scenarios: paid on time, unpaid or partly paid past the due date (cases), an instalment
missed (case), paid late but in full (trap) and an approved instalment plan whose remaining
instalments are not yet due (trap).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.environment._world import END

#: Scenario -> orders per 150 enterprises.
SCENARIOS = {
    "unpaid": 14,
    "partly_paid": 9,
    "instalment_missed": 4,
    "paid_late": 9,
    "instalment_not_yet_due": 9,
    "paid_on_time": 20,
}


def make_orders(
    rng: np.random.Generator, penalties: pd.DataFrame, n_ent: int, chunk: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Orders, instalment plans and payments of one chunk."""
    eligible = penalties[(penalties["status"] == "effective")]
    eligible = eligible[eligible["decision_date"] <= np.datetime64("2024-06-30")]
    order_rows, inst_rows, pay_rows = [], [], []
    plan = [s for s, k in SCENARIOS.items() for _ in range(max(1, round(k * n_ent / 150)))]
    picks = rng.choice(len(eligible), size=min(len(plan), len(eligible)), replace=False)
    for n, (scenario, j) in enumerate(zip(plan, picks, strict=False), start=1):
        pen = eligible.iloc[int(j)]
        order_id = f"R{chunk:03d}{n:05d}"
        order_date = pen["decision_date"].to_datetime64().astype("datetime64[D]")
        order_date += int(rng.integers(20, 120))
        due = order_date + int(rng.integers(90, 181))
        if due > END - 30:  # every order's due date is past at the end of 2024
            order_date -= (due - (END - 30)).astype(int)
            due = END - 30
        amount = float(np.clip(round(np.exp(rng.normal(np.log(150_000), 0.9)), -2), 2e4, 3e6))
        order_rows.append(
            {
                "order_id": order_id,
                "uscc": pen["uscc"],
                "penalty_id": pen["penalty_id"],
                "kind": "restoration" if rng.random() < 0.6 else "damage_compensation",
                "order_date": order_date,
                "amount_due": amount,
                "due_date": due,
            }
        )
        pays: list[tuple[np.datetime64, float]] = []
        if scenario == "paid_on_time":
            pays.append((order_date + int(rng.integers(5, (due - order_date).astype(int))), amount))
        elif scenario == "partly_paid":
            pays.append(
                (order_date + int(rng.integers(5, 60)), round(amount * rng.uniform(0.2, 0.7), 2))
            )
        elif scenario == "paid_late":
            late = min(due + int(rng.integers(10, 200)), END - 1)
            pays.append((late, amount))
        elif scenario.startswith("instalment"):
            approved = due - int(rng.integers(5, 40))
            k = int(rng.integers(3, 7))
            each = round(amount / k, 2)
            parts = [each] * (k - 1) + [round(amount - each * (k - 1), 2)]
            last_due = END + int(rng.integers(20, 80))  # the plan runs into 2025
            dues = [last_due - 91 * (k - 1 - q) for q in range(k)]
            dues = [max(d, approved + 30) for d in dues]
            missed = scenario == "instalment_missed"
            skip = next((q for q, d in enumerate(dues) if d <= END), None)
            for q, (d, a) in enumerate(zip(dues, parts, strict=True), start=1):
                inst_rows.append(
                    {
                        "order_id": order_id,
                        "instalment_no": q,
                        "approved_date": approved,
                        "due_date": d,
                        "amount": a,
                    }
                )
                if d <= END and not (missed and q - 1 == skip):
                    pays.append((d - int(rng.integers(0, 10)), a))
        for d, a in pays:
            pay_rows.append({"order_id": order_id, "pay_date": d, "amount": a})
    orders = pd.DataFrame(order_rows)
    inst = pd.DataFrame(
        inst_rows, columns=["order_id", "instalment_no", "approved_date", "due_date", "amount"]
    )
    pays = pd.DataFrame(pay_rows, columns=["order_id", "pay_date", "amount"])
    pays = pays.sort_values(["pay_date", "order_id"], kind="stable").reset_index(drop=True)
    pays.insert(0, "payment_id", [f"RP{chunk:03d}{k:05d}" for k in range(1, len(pays) + 1)])
    for frame, cols in (
        (orders, ("order_date", "due_date")),
        (inst, ("approved_date", "due_date")),
        (pays, ("pay_date",)),
    ):
        for c in cols:
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[s]")
    return orders, inst.sort_values(["order_id", "instalment_no"]).reset_index(drop=True), pays
