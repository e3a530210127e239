"""A ledger holding the seed bulletin's January-April 2024 figures, built deterministically.

The seed (a provincial procuratorate's report of 11 May 2024) says that in January-April 2024 the
province invested 303 supervision models in case handling, studied and judged more than 17,000
clues, handled 1,642 cases with models (523 judicial-litigation supervision, 351 social security
and medical insurance, 225 ecological environment and safe production, the rest other), issued 76
procuratorial recommendations and recovered more than 18.3 million yuan of state losses.
:func:`load` writes synthetic units, models, applications, cases and measures whose counts are
exactly those figures (plus a few records outside the period, which the report must leave out).
The models and cases are invented; only the totals come from the seed.

Examples
--------
>>> SEED_FIGURES["cases_by_category"]["other"]
543
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from kit.ledger.writes import Writer

#: The seed's figures for 2024-01-01 .. 2024-04-30 (clues and losses as loaded, not rounded).
SEED_FIGURES: dict[str, Any] = {
    "models_invested": 303,
    "clues_judged": 17_236,
    "cases": 1_642,
    "cases_by_category": {
        "judicial_litigation": 523,
        "social_security_medical": 351,
        "environment_safety": 225,
        "other": 543,
    },
    "recommendations": 76,
    "loss_recovered_fen": 1_834_217_356,  # 18,342,173.56 yuan
}
CITIES = ["合肥", "芜湖", "蚌埠", "淮南", "马鞍山", "淮北", "铜陵", "安庆", "黄山", "滁州", "阜阳",
          "宿州", "六安", "亳州", "池州", "宣城"]  # fmt: skip
COUNTIES = [("滁州", "凤阳县"), ("芜湖", "弋江区"), ("六安", "霍邱县"), ("六安", "金寨县"),
            ("六安", "舒城县"), ("六安", "霍山县"), ("阜阳", "临泉县"), ("宿州", "砀山县"),
            ("安庆", "桐城市"), ("合肥", "肥西县"), ("亳州", "蒙城县"), ("黄山", "歙县")]  # fmt: skip
#: Models per field; judicial, social security + medical insurance, environment, other.
FIELD_MODELS = {"judicial": 95, "social_security": 52, "medical_insurance": 38, "environment": 49,
                "other": 69}  # fmt: skip
CATEGORY_FIELDS = {"judicial_litigation": ("judicial",),
                   "social_security_medical": ("social_security", "medical_insurance"),
                   "environment_safety": ("environment",), "other": ("other",)}  # fmt: skip
START = dt.date(2024, 1, 1)
END = dt.date(2024, 4, 30)


def unit_names() -> list[str]:
    """The province, its 16 cities and 12 counties or districts (procuratorate names)."""
    names = ["安徽省人民检察院"] + [f"{c}市人民检察院" for c in CITIES]
    return names + [f"{c}市{county}人民检察院" if county.endswith("区") else f"{county}人民检察院"
                    for c, county in COUNTIES]  # fmt: skip


def load(ledger: Any, seed: int = 20240511) -> dict[str, int]:
    """Fill an initialised, empty ``ledger`` with the seed's January-April 2024 figures.

    Everything is written in one transaction, so a failure leaves the ledger empty. The same
    seed always gives the same ledger.

    Returns
    -------
    dict
        Rows written per table.
    """
    rng = np.random.default_rng(seed)
    units = unit_names()
    with ledger.writer() as w:
        w.add_unit(units[0], "province", "340000")
        for name in units[1:]:
            w.add_unit(name)
        models = _models(w, units)
        apps = _applications(w, rng, units, models)
        case_ids = _cases(w, rng, apps)
        _measures(w, rng, case_ids)
        _outside_period(w, units, models)
        counts = {t: w.count(t) for t in ("units", "models", "model_applications", "cases",
                                          "case_measures")}  # fmt: skip
    return counts


def _models(w: Writer, units: list[str]) -> list[dict[str, Any]]:
    out = []
    n = 0
    for field, count in FIELD_MODELS.items():
        for _ in range(count):
            n += 1
            model_id = f"AH{n:03d}"
            builder = units[1 + n % (len(units) - 1)]
            info = {"model_id": model_id, "version": 1, "name_zh": f"示例监督模型{n:03d}",
                    "name_en": f"Example supervision model {n:03d}", "field": field,
                    "status": "provincial" if n % 4 == 0 else "own_unit",
                    "builders": [f"建模人{n % 37:02d}"], "data_sources": "synthetic"}  # fmt: skip
            w.register_model(info, builder)
            out.append({"model_id": model_id, "field": field, "builder": builder, "n": n})
    return out


def _applications(
    w: Writer, rng: np.random.Generator, units: list[str], models: list[dict[str, Any]]
):
    """One application per model by its builder, a second by another unit for every third."""
    apps = []
    for m in models:
        users = [m["builder"]]
        if m["n"] % 3 == 0:
            users.append(units[1 + (m["n"] * 7) % (len(units) - 1)])
        for unit in dict.fromkeys(users):
            day = START + dt.timedelta(days=int(rng.integers(1, 75)))
            apps.append({**m, "unit": unit, "applied_on": day})
    # cases per application, category by category, so each category total is exact
    for category, fields in CATEGORY_FIELDS.items():
        members = [a for a in apps if a["field"] in fields]
        total = _seed_cases(category)
        counts = rng.multinomial(total, np.full(len(members), 1 / len(members)))
        for a, k in zip(members, counts, strict=True):
            a["cases"] = int(k)
    base = [2 * a["cases"] + 3 for a in apps]
    extra = rng.multinomial(17_236 - sum(base), np.full(len(apps), 1 / len(apps)))
    for a, b, e in zip(apps, base, extra, strict=True):
        screened = int(b + e)
        a["screened"] = screened
        row = {"model_version_id": w.version_id(a["model_id"])[0], "unit_id": w.unit_id(a["unit"]),
               "applied_on": a["applied_on"], "window_start": dt.date(2023, 1, 1),
               "window_end": dt.date(2023, 12, 31), "run_id": f"{a['model_id']}-seed-{a['n']:03d}",
               "clues_screened": screened, "clues_verified": a["cases"] + (screened - a["cases"]) // 4,
               "cases_formed": a["cases"]}  # fmt: skip
        a["id"] = w.add_application(row)
    return apps


def _seed_cases(category: str) -> int:
    return int(SEED_FIGURES["cases_by_category"][category])


def _cases(w: Writer, rng: np.random.Generator, apps: list[dict[str, Any]]) -> list[str]:
    from kit.ledger.vocab import CATEGORY_BY_FIELD

    cases = [a for a in apps for _ in range(a["cases"])]
    losses = rng.multinomial(
        SEED_FIGURES["loss_recovered_fen"], np.full(len(cases), 1 / len(cases))
    )
    numbers = []
    for i, (a, loss) in enumerate(zip(cases, losses, strict=True), start=1):
        received = a["applied_on"] + dt.timedelta(days=int(rng.integers(1, 40)))
        filed = min(received + dt.timedelta(days=int(rng.integers(0, 20))), END)
        closed = filed + dt.timedelta(days=int(rng.integers(15, 90))) if i % 2 else None
        number = f"皖检数〔2024〕{i:04d}号"
        w.add_case({"case_number": number, "unit_id": w.unit_id(a["unit"]),
                    "model_version_id": w.version_id(a["model_id"])[0], "application_id": None,
                    "clue_id": None, "field": a["field"],
                    "category": CATEGORY_BY_FIELD[a["field"]], "received_on": received,
                    "filed_on": filed, "closed_on": closed,
                    "status": "closed" if closed else "filed", "loss_recovered_fen": int(loss),
                    "note": ""})  # fmt: skip
        numbers.append(number)
    return numbers


def _measures(w: Writer, rng: np.random.Generator, numbers: list[str]) -> None:
    chosen = sorted(rng.choice(len(numbers), size=SEED_FIGURES["recommendations"], replace=False))
    for k, i in enumerate(chosen):
        case = w.case(numbers[int(i)])
        assert case is not None
        issued = min(case["filed_on"] + dt.timedelta(days=int(rng.integers(0, 10))), END)
        adopted = issued + dt.timedelta(days=30) if k % 3 else None
        w.add_measure(numbers[int(i)], {"kind": "recommendation", "issued_on": issued,
                                        "adopted_on": adopted, "note": ""})  # fmt: skip
    for i in range(0, len(numbers), 97):  # a few protests: not recommendations
        case = w.case(numbers[i])
        assert case is not None
        w.add_measure(numbers[i], {"kind": "protest", "issued_on": case["filed_on"],
                                   "adopted_on": None, "note": ""})  # fmt: skip


def _outside_period(w: Writer, units: list[str], models: list[dict[str, Any]]) -> None:
    """Records before and after the period: the January-April report must not count them."""
    for j, m in enumerate(models[:5]):
        row = {"model_version_id": w.version_id(m["model_id"])[0], "unit_id": w.unit_id(units[-1]),
               "applied_on": dt.date(2023, 12, 10 + j), "window_start": None, "window_end": None,
               "run_id": f"{m['model_id']}-2023", "clues_screened": 40, "clues_verified": 5,
               "cases_formed": 1}  # fmt: skip
        w.add_application(row)
    for j in range(20):
        m = models[j * 7]
        w.add_case({"case_number": f"皖检数〔2024〕{9000 + j}号", "unit_id": w.unit_id(units[-1]),
                    "model_version_id": w.version_id(m["model_id"])[0], "application_id": None,
                    "clue_id": None, "field": m["field"], "category": "other",
                    "received_on": dt.date(2024, 4, 20), "filed_on": dt.date(2024, 5, 6),
                    "closed_on": None, "status": "filed", "loss_recovered_fen": 100_000,
                    "note": "filed after the period"})  # fmt: skip
        if j < 4:
            w.add_measure(f"皖检数〔2024〕{9000 + j}号", {"kind": "recommendation",
                          "issued_on": dt.date(2024, 5, 8), "adopted_on": None, "note": ""})  # fmt: skip
