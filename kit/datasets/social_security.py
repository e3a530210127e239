"""Seeded generator of the social security sample data (社保样例数据).

A fictional county-scale population in Lu'an (六安市), Anhui, with a pension roster, monthly
pension payments, recoveries and death records from three agencies, for the model "pension paid
after death" (SS01, 冒领养老金). Planted real cases and legitimate look-alikes (traps) are listed
in ``truth/truth.csv``. The same seed always gives byte-identical files.

Run ``python -m kit.datasets.social_security --out datasets/social_security --seed 20240511``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kit.datasets import _ss_deaths, _ss_pensions, _ss_people
from kit.datasets._ss_pensions import SCENARIOS, SCHEMES, Pensions
from kit.datasets._ss_schema import RESOURCES, TRUTH_RESOURCE, package
from kit.datasets._ss_truth import build_truth

__all__ = ["DEFAULT_SEED", "RESOURCES", "TRUTH_RESOURCE", "generate", "main", "write"]

DEFAULT_SEED = 20240511
_TYPE_ORDER = {"monthly": 0, "arrears": 1, "death_benefit": 2}


def _subset(pens: Pensions, keep: np.ndarray) -> Pensions:
    return Pensions(pens.person[keep], pens.scheme[keep], pens.start[keep], pens.rates[keep])


def _dates(values: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(values, dtype="datetime64[D]").astype("datetime64[s]"))


def _numbered(
    frame: pd.DataFrame, order: list[str], column: str, prefix: str, width: int
) -> pd.DataFrame:
    """Sort ``frame`` by ``order`` and number the rows (``P000001``, ...) in a new first column."""
    frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
    width = max(width, len(str(len(frame))))
    frame.insert(0, column, [f"{prefix}{i:0{width}d}" for i in range(1, len(frame) + 1)])
    return frame


def generate(seed: int = DEFAULT_SEED, n_persons: int = 10_000) -> dict[str, pd.DataFrame]:
    """Generate the social security sample.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator(PCG64(seed))`` that draws every value.
    n_persons : int
        Number of residents; planted cases and traps scale with it (30 cases per 10,000).

    Returns
    -------
    dict of str to DataFrame
        ``persons``, ``deaths``, ``pension_recipients``, ``pension_payments``,
        ``pension_recoveries`` and ``truth``, with the columns of the CSV files, dates as
        ``datetime64[s]``, money as ``float64`` (2 decimals), rows sorted by primary key.

    Examples
    --------
    >>> tables = generate(seed=1, n_persons=2_000)
    >>> sorted(tables)[:3]
    ['deaths', 'pension_payments', 'pension_recipients']
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    people = _ss_people.make_persons(rng, n_persons)
    pens = _ss_pensions.enrol(rng, people)
    frailty = np.ones(n_persons)
    frailty[pens.person] = _ss_pensions.PENSIONER_FRAILTY
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    death = _ss_people.simulate_deaths(rng, birth, people["male"].to_numpy(), frailty)
    died = death[pens.person]
    pens = _subset(pens, np.isnat(died) | (died >= pens.start))  # died before it began
    pens.death = death[pens.person]
    _ss_pensions.plant_scenarios(rng, pens, n_persons)
    assert pens.scenario is not None and pens.stop is not None

    kind = np.full(n_persons, "normal", dtype=object)
    kind[pens.person] = np.array(SCENARIOS)[pens.scenario]
    stop = np.full(n_persons, np.datetime64("NaT"), dtype="datetime64[D]")
    stop[pens.person] = pens.stop
    on_roster = np.zeros(n_persons, dtype=bool)
    on_roster[pens.person] = True
    living = pens.person[pens.scenario == SCENARIOS.index("living")]
    records, renamed = _ss_deaths.death_records(rng, people, death, kind, stop, on_roster, living)
    for p, name in renamed.items():
        people.loc[p, "name"] = name
    pay, benefit = _ss_pensions.payments(rng, pens)
    rec = _ss_pensions.recoveries(rng, pens, pay, benefit)

    ids = people["id_number"].to_numpy()
    truth = build_truth(pens, ids, records, pay, rec, renamed)
    return {
        "persons": _persons(people),
        "deaths": _deaths(records),
        "pension_recipients": _recipients(pens, people),
        "pension_payments": _payments(pens, ids, pay),
        "pension_recoveries": _recoveries(pens, ids, rec),
        "truth": truth,
    }


def _persons(people: pd.DataFrame) -> pd.DataFrame:
    out = people.drop(columns=["male", "rural"]).copy()
    out["birth_date"] = _dates(out["birth_date"].to_numpy())
    return out.sort_values("id_number", kind="stable").reset_index(drop=True)


def _deaths(records: pd.DataFrame) -> pd.DataFrame:
    out = records.drop(columns=["_person", "_note"]).reset_index(drop=True)
    for col in ("death_date", "registered_date"):
        out[col] = _dates(out[col].to_numpy())
    return out


def _recipients(pens: Pensions, people: pd.DataFrame) -> pd.DataFrame:
    assert pens.stop is not None
    stopped = ~np.isnat(pens.stop)
    out = pd.DataFrame(
        {
            "id_number": people["id_number"].to_numpy()[pens.person],
            "name": people["name"].to_numpy()[pens.person],
            "scheme": np.array(SCHEMES)[pens.scheme],
            "start_date": _dates(pens.start),
            "monthly_amount": _ss_pensions.monthly_rate(
                pens, pens.first, np.arange(len(pens.person))
            ),
            "status": np.where(stopped, "stopped", "active"),
            "stop_date": _dates(pens.stop),
            "stop_reason": np.where(stopped, "death", ""),
        }
    )
    out["stop_reason"] = out["stop_reason"].replace("", None)
    return out.sort_values("id_number", kind="stable").reset_index(drop=True)


def _payments(pens: Pensions, ids: np.ndarray, pay: pd.DataFrame) -> pd.DataFrame:
    t = pay["t"].to_numpy()
    out = pd.DataFrame(
        {
            "id_number": ids[pens.person[pay["who"].to_numpy()]],
            "scheme": np.array(SCHEMES)[pens.scheme[pay["who"].to_numpy()]],
            "payment_type": pay["payment_type"].to_numpy(),
            "period": [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in t.tolist()],
            "pay_date": _dates(pay["pay_date"].to_numpy()),
            "amount": pay["amount"].to_numpy().round(2),
            "_order": pay["payment_type"].map(_TYPE_ORDER).to_numpy(),
        }
    )
    order = ["pay_date", "id_number", "_order", "period"]
    return _numbered(out, order, "payment_id", "P", 6).drop(columns="_order")


def _recoveries(pens: Pensions, ids: np.ndarray, rec: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "id_number": ids[pens.person[rec["who"].to_numpy(dtype=int)]],
            "amount": rec["amount"].to_numpy(dtype=float).round(2),
            "recovered_date": _dates(rec["recovered_date"].to_numpy()),
            "reason": rec["reason"].to_numpy(dtype=object),
        }
    )
    return _numbered(out, ["recovered_date", "id_number", "amount"], "recovery_id", "R", 5)


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = np.where(out[col], "true", "false")
    text = out.to_csv(index=False, lineterminator="\n", float_format="%.2f", date_format="%Y-%m-%d")
    path.write_bytes(text.encode("utf-8"))


def _to_json(descriptor: dict, path: Path) -> None:
    path.write_bytes((json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def write(out_dir: str | Path, seed: int = DEFAULT_SEED, n_persons: int = 10_000) -> None:
    """Generate the sample and write it as a Data Package.

    Writes one CSV per table and ``datapackage.json`` into ``out_dir``, and ``truth.csv`` with
    its own ``datapackage.json`` into ``out_dir/truth``. ``DATASHEET.md`` is not written.

    Parameters
    ----------
    out_dir : str or Path
        Target folder (created if missing; existing files are overwritten).
    seed, n_persons : int
        As for :func:`generate`.
    """
    out = Path(out_dir)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    tables = generate(seed=seed, n_persons=n_persons)
    for res in RESOURCES:
        _to_csv(tables[res["name"]], out / res["path"])
    _to_json(package(seed, n_persons), out / "datapackage.json")
    _to_csv(tables["truth"], out / "truth" / TRUTH_RESOURCE["path"])
    _to_json(package(seed, n_persons, truth=True), out / "truth" / "datapackage.json")


def main(argv: list[str] | None = None) -> int:
    """Command line: write the sample dataset into a folder."""
    parser = argparse.ArgumentParser(
        prog="python -m kit.datasets.social_security",
        description="Write the synthetic social security sample (社保样例数据) as a Data Package.",
    )
    parser.add_argument("--out", default="datasets/social_security", help="target folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--persons", type=int, default=10_000, help="number of residents")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    write(args.out, seed=args.seed, n_persons=args.persons)
    print(f"Wrote {args.out} (seed {args.seed}) in {time.perf_counter() - began:.1f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
