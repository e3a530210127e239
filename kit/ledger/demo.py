"""The demo ledger: about 20 procuratorates applying the library models, with simulated review.

:func:`build` registers every model of the demo run, lets 20 units of Anhui apply it in January-
April 2024 and simulates what reviewers found from the evaluation's truth (``Evaluation.detail``):
a real case is verified with probability 0.95 and becomes a filed case with probability 0.85;
look-alikes (traps) are not verified. Seven county units of Lu'an get the clues of their own
region code; the other units, whose data the sample does not hold, review a seeded sample of the
same clues. The generator is seeded, so the same runs give the same ledger and report.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit._files import write_text_atomic
from kit.ledger.api import Ledger
from kit.models.clues import Clues

#: (name, level, region code) of the demo units: the province, five cities, fourteen counties.
UNITS = [
    ("安徽省人民检察院", "province", "340000"),
    ("合肥市人民检察院", "city", "340100"),
    ("芜湖市人民检察院", "city", "340200"),
    ("滁州市人民检察院", "city", "341100"),
    ("阜阳市人民检察院", "city", "341200"),
    ("六安市人民检察院", "city", "341500"),
    ("六安市金安区人民检察院", "county", "341502"),
    ("六安市裕安区人民检察院", "county", "341503"),
    ("六安市叶集区人民检察院", "county", "341504"),
    ("霍邱县人民检察院", "county", "341522"),
    ("舒城县人民检察院", "county", "341523"),
    ("金寨县人民检察院", "county", "341524"),
    ("霍山县人民检察院", "county", "341525"),
    ("芜湖市弋江区人民检察院", "county", "340203"),
    ("凤阳县人民检察院", "county", "341126"),
    ("定远县人民检察院", "county", "341125"),
    ("肥西县人民检察院", "county", "340123"),
    ("庐江县人民检察院", "county", "340124"),
    ("临泉县人民检察院", "county", "341221"),
    ("界首市人民检察院", "county", "341282"),
]
BUILDER = "六安市人民检察院"
DEMO_CLOCK = dt.datetime(2024, 5, 10, 18, 0)
PERIOD = ("2024-01", "2024-04")
END = dt.date(2024, 4, 30)


def build(out_dir: str | os.PathLike[str], results: list[Any], seed: int = 2024) -> Path:
    """Fill ``out_dir/ledger/ledger.db`` from the demo runs and write its period report.

    Parameters
    ----------
    out_dir : str or path
        The demo report folder (``reports``).
    results : list of kit.docs.report.DemoResult
        Each model's spec, clues and evaluation.
    seed : int
        Seed of the simulated review outcomes.

    Returns
    -------
    Path
        ``out_dir/ledger/period_report.html``.
    """
    folder = Path(out_dir) / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".ledger-", dir=folder))
    try:
        ledger = Ledger(work / "ledger.db", actor="kit demo", clock=lambda: DEMO_CLOCK).init()
        fill(ledger, results, seed)
        report = ledger.report(*PERIOD)
        ledger.close()
        conn = sqlite3.connect(work / "ledger.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no WAL beside it
        conn.close()
        os.replace(work / "ledger.db", folder / "ledger.db")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    title = "Demo ledger: period report, January-April 2024 (演示台账：2024年1-4月通报)"
    html = report.to_html(title=title).replace(
        "</h1>",
        "</h1>\n<p><i>Synthetic demo: 20 units apply the library models to the sample data; "
        "review outcomes are simulated from the planted truth (模拟数据).</i></p>",
        1,
    )
    return write_text_atomic(folder / "period_report.html", html)


def fill(ledger: Ledger, results: list[Any], seed: int = 2024) -> None:
    """Add the demo units, models, applications, cases and measures to an empty ledger."""
    rng = np.random.default_rng(seed)
    for name, level, region in UNITS:
        ledger.add_unit(name, level, region)
    number = 0
    for r in results:
        spec, clues, ev = r.spec, r.clues, r.evaluation
        ledger.register_model(spec, unit=BUILDER, builders=["示例建模员甲", "示例建模员乙"])
        ledger.set_status(spec.id, "own_unit", note="本院试用")
        ledger.set_status(spec.id, "provincial", note="省级平台上架")
        detail = ev.detail.set_index("clue_id")
        for k, (unit, _, region) in enumerate(UNITS[1:], start=1):
            frame = _unit_clues(clues.frame, region, rng)
            if frame.empty:
                continue
            outcome = detail.loc[frame["clue_id"]]
            verified = outcome["is_case"].to_numpy() & (rng.random(len(frame)) < 0.95)
            formed = verified & (rng.random(len(frame)) < 0.85)
            applied = dt.date(2024, 1, 8) + dt.timedelta(days=4 * k + int(rng.integers(0, 4)))
            ledger.record_application(spec.id, unit=unit, clues=Clues(frame, dict(clues.info)),
                                      date=applied, verified=int(verified.sum()),
                                      cases_formed=int(formed.sum()))  # fmt: skip
            for clue_id, amount in zip(frame["clue_id"][formed], frame["amount_involved"][formed],
                                       strict=True):  # fmt: skip
                number += 1
                _case(ledger, rng, number, unit, spec.id, clue_id, float(amount), applied)


def _unit_clues(frame: pd.DataFrame, region: str, rng: np.random.Generator) -> pd.DataFrame:
    own = frame[frame["region_code"].astype(str) == region]
    if len(own) or region in set(frame["region_code"].astype(str)):
        return own
    if region.endswith("00") or rng.random() < 0.15:  # cities supervise; a few counties skip
        return own
    share = rng.uniform(0.1, 0.3)
    return frame[rng.random(len(frame)) < share]


def _case(ledger: Ledger, rng: np.random.Generator, number: int, unit: str, model_id: str,
          clue_id: str, amount: float, applied: dt.date) -> None:  # fmt: skip
    received = applied + dt.timedelta(days=int(rng.integers(2, 10)))
    filed = received + dt.timedelta(days=int(rng.integers(5, 21)))
    if filed > END:
        filed = None
    closed = filed + dt.timedelta(days=int(rng.integers(20, 60))) if filed else None
    if closed and closed > END:
        closed = None
    recovered = round(amount * float(rng.uniform(0.6, 1.0)), 2) if closed else 0
    case_number = f"皖检数〔2024〕{number:03d}号"
    ledger.record_case(case_number, unit=unit, model_id=model_id, clue_id=clue_id,
                       received=received, filed=filed, closed=closed,
                       loss_recovered=f"{recovered:.2f}", note="演示案件（模拟）")  # fmt: skip
    if filed and rng.random() < 0.4:
        issued = filed + dt.timedelta(days=int(rng.integers(3, 15)))
        adopted = issued + dt.timedelta(days=30) if rng.random() < 0.5 else None
        ledger.add_measure(case_number, "recommendation", issued=issued, adopted=adopted)
