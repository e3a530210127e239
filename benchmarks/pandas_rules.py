"""Benchmark: three heavy rules as a notebook user would write them in pandas, against the kit.

Usage (from the repository root)::

    .venv/bin/python benchmarks/pandas_rules.py --data /work/bench-data/province
    .venv/bin/python benchmarks/pandas_rules.py --data benchmarks/data/county --check

The rules: SS01 (pension paid after death: deaths, 104 million monthly payments, recoveries),
MI05 (hanging-bed stays: inpatient settlements, their claim items and the item catalogue) and
EN02 (exceedance at the criminal threshold: daily means of hourly monitoring against permits,
and penalty decisions). Each is the straightforward pandas code: ``read_parquet`` of the columns
it needs, ``merge``, filter, ``groupby``. Each side runs in a fresh process that reports its
peak resident memory (``ru_maxrss``) and seconds (reading included: the kit reads Parquet in place
as part of its run). The kit runs SS01 with ``use_linkage=false``, the same rule without record
linkage, which the pandas version does not do either.

pandas may need more memory than the machine can spare (other work runs beside it): its process
is capped with ``RLIMIT_AS`` (``--cap-gb``, default 16, the kit's DuckDB ``memory_limit``). When
a rule does not fit, ``--parts N`` runs both sides on the first N Parquet parts of every table (N
chunks of 250,000 persons: a smaller world with the same shape). ``--check`` compares the subjects
each side finds (they must be the same).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FIELD = {"SS01": "social_security", "MI05": "medical_insurance", "EN02": "environment"}


def _files(folder: Path, table: str) -> list[str]:
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for res in meta["resources"]:
        if res["name"] == table:
            paths = res["path"] if isinstance(res["path"], list) else [res["path"]]
            return [str(folder / p) for p in paths]
    raise KeyError(table)


def read(folder: Path, table: str, columns: list[str]) -> pd.DataFrame:
    """``pd.read_parquet`` of some columns of a table (every part of it)."""
    return pd.concat(
        [pd.read_parquet(f, columns=columns) for f in _files(folder, table)], ignore_index=True
    )


# --- the rules as a notebook would have them ------------------------------------------------


def ss01(folder: Path, grace_days: int = 60, agree_days: int = 7) -> set[str]:
    """Pension paid more than ``grace_days`` after the death date the sources agree on."""
    deaths = read(folder, "deaths", ["id_number", "source", "death_date"])
    deaths = deaths.dropna(subset=["id_number"]).drop_duplicates()
    deaths["death_date"] = pd.to_datetime(deaths["death_date"])
    # the date two sources agree on (the later one), else the latest date
    pairs = deaths.merge(deaths, on="id_number", suffixes=("", "_b"))
    close = (pairs["death_date"] - pairs["death_date_b"]).abs().dt.days <= agree_days
    support = pairs[close].groupby(["id_number", "death_date"])["source_b"].nunique().reset_index()
    support["agreed"] = support["death_date"].where(support["source_b"] >= 2)
    chosen = support.groupby("id_number").agg(
        agreed=("agreed", "max"), latest=("death_date", "max")
    )
    chosen["death_date"] = chosen["agreed"].fillna(chosen["latest"])
    death = chosen[["death_date"]].reset_index()

    pay = read(folder, "pension_payments", ["id_number", "payment_type", "period", "pay_date", "amount"])  # fmt: skip
    pay = pay[pay["payment_type"].isin(["monthly", "arrears"])]
    pay = pay.merge(death, on="id_number")
    pay = pay[pay["period"] > pay["death_date"].dt.strftime("%Y-%m")]
    pay["days_after"] = (pd.to_datetime(pay["pay_date"]) - pay["death_date"]).dt.days
    per = pay.groupby("id_number").agg(paid=("amount", "sum"), days=("days_after", "max"))

    rec = read(folder, "pension_recoveries", ["id_number", "amount", "recovered_date", "reason"])
    rec = rec[rec["reason"] != "deducted_from_pension"].merge(death, on="id_number")
    rec = rec[pd.to_datetime(rec["recovered_date"]) >= rec["death_date"]]
    per["recovered"] = rec.groupby("id_number")["amount"].sum()
    per["recovered"] = per["recovered"].fillna(0)
    recipients = read(folder, "pension_recipients", ["id_number"])
    per = per[per.index.isin(recipients["id_number"])]
    unrecovered = (per["paid"] - per["recovered"]).round(2)
    return set(per.index[(per["days"] > grace_days) & (unrecovered > 0)])


def mi05(folder: Path, max_days: int = 3, test_share: float = 0.8) -> set[str]:
    """Inpatient stays billed for bed, nursing and tests only, no drug, treatment or surgery."""
    observation = {"R07", "R55", "S06.0", "Z03"}
    s = read(
        folder,
        "settlements",
        ["settlement_id", "kind", "is_refund", "refund_of", "admission_date", "discharge_date",
         "diagnosis_icd10", "fund_paid", "account_paid"],
    )  # fmt: skip
    s = s[s["kind"] == "inpatient"]
    s["stay_id"] = s["refund_of"].fillna(s["settlement_id"])
    s["paid"] = s["fund_paid"].fillna(0) + s["account_paid"].fillna(0)
    items = read(folder, "claim_items", ["settlement_id", "item_code", "amount"])
    catalogue = read(folder, "item_catalogue", ["item_code", "category"])
    items = items.merge(s[["settlement_id", "stay_id"]], on="settlement_id")
    items = items.merge(catalogue, on="item_code")
    cat = items["category"]
    items["bed_nursing"] = items["amount"].where(cat.isin(["bed", "nursing"]), 0)
    items["tests"] = items["amount"].where(cat == "test", 0)
    items["active"] = items["amount"].where(cat.isin(["drug", "treatment", "surgery"]), 0)
    per = items.groupby("stay_id")[["amount", "bed_nursing", "tests", "active"]].sum()
    stays = s[~s["is_refund"].astype(bool)].set_index("settlement_id")
    stays = stays.join(per, how="inner")
    cost = stays["amount"].round(2)
    share = np.where(cost > 0, stays["tests"] / stays["amount"], 0)
    days = (pd.to_datetime(stays["discharge_date"]) - pd.to_datetime(stays["admission_date"])).dt.days  # fmt: skip
    diag = stays["diagnosis_icd10"]
    observed = (days <= max_days) & (diag.isin(observation) | diag.str[:3].isin(observation))
    bed_only = (stays["bed_nursing"].round(2) == cost) & (diag != "Z51.5")
    flagged = ~observed & (cost > 0) & (stays["active"].round(2) == 0)
    flagged &= bed_only | (share > test_share)
    return set(stays.index[flagged])


def en02(folder: Path, multiple: float = 3.0, ten_x: float = 10.0, min_hours: int = 16) -> set[str]:
    """Enterprises whose daily metal means or penalty decisions reach the criminal threshold."""
    m = read(folder, "monitoring", ["outlet_id", "ts", "status", "total_cr", "lead"])
    m = m[m["status"] == "N"]
    m["day"] = pd.to_datetime(m["ts"]).dt.normalize()
    daily = m.groupby(["outlet_id", "day"]).agg(
        total_cr=("total_cr", "mean"), n_total_cr=("total_cr", "count"),
        lead=("lead", "mean"), n_lead=("lead", "count"),
    ).reset_index()  # fmt: skip
    metal = pd.concat(
        [
            daily.rename(columns={p: "mean", f"n_{p}": "hours"})[
                ["outlet_id", "day", "mean", "hours"]
            ].assign(pollutant=p)  # noqa: E501
            for p in ("total_cr", "lead")
        ]
    )
    metal = metal[metal["hours"] >= min_hours]
    permits = read(folder, "permits", ["uscc", "outlet_id", "pollutant", "limit_value", "valid_from", "valid_to"])  # fmt: skip
    hit = metal.merge(permits, on=["outlet_id", "pollutant"])
    hit = hit[
        (hit["day"] >= pd.to_datetime(hit["valid_from"]))
        & (hit["day"] <= pd.to_datetime(hit["valid_to"]))
        & (hit["mean"] >= multiple * hit["limit_value"])
    ]
    pen = read(
        folder,
        "penalties",
        ["uscc", "status", "violation_type", "pollutant", "exceed_multiple", "measured_value",
         "limit_value"],
    )  # fmt: skip
    pen = pen[(pen["status"] == "effective") & (pen["violation_type"] == "exceedance")]
    times = pen["exceed_multiple"].fillna(pen["measured_value"] / pen["limit_value"])
    metals = ["lead", "mercury", "cadmium", "total_cr", "chromium", "hexavalent_cr", "arsenic",
              "thallium", "antimony"]  # fmt: skip
    others = ["nickel", "copper", "zinc", "silver", "vanadium", "manganese", "cobalt"]
    pen = pen[(pen["pollutant"].isin(metals) & (times >= multiple))
              | (pen["pollutant"].isin(others) & (times >= ten_x))]  # fmt: skip
    enterprises = read(folder, "enterprises", ["uscc"])
    found = set(hit["uscc"]) | set(pen["uscc"])
    return found & set(enterprises["uscc"])


RULES = {"SS01": ss01, "MI05": mi05, "EN02": en02}


# --- measuring ------------------------------------------------------------------------------


def _child(side: str, rule: str, folder: Path, cap_gb: float) -> None:
    import warnings

    warnings.simplefilter("ignore")
    if side == "pandas" and cap_gb:
        cap = int(cap_gb * 1e9)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    started = time.perf_counter()
    try:
        if side == "pandas":
            subjects = RULES[rule](folder)
        else:
            import kit
            from kit.engine.duckdb import DuckDBEngine

            params = {"use_linkage": False} if rule == "SS01" else {}
            engine = DuckDBEngine(memory_limit=f"{cap_gb:g}GB" if cap_gb else None)
            clues = kit.run(rule, kit.datasets.load(folder), params=params, engine=engine)
            subjects = set(clues.frame["subject_id"])
    except MemoryError:
        print("RESULT " + json.dumps({"error": f"MemoryError (capped at {cap_gb:g} GB)"}))
        return
    except Exception as exc:  # noqa: BLE001 - pyarrow reports a failed allocation in its own way
        error = f"{type(exc).__name__}: {str(exc)[:200]} (memory capped at {cap_gb:g} GB)"
        print("RESULT " + json.dumps({"error": error}))
        return
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"seconds": round(seconds, 2), "peak_mb": round(peak), "subjects": sorted(subjects)}
    print("RESULT " + json.dumps(out), flush=True)


def measure(side: str, rule: str, folder: Path, cap_gb: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", side, rule, str(folder), "--cap-gb", str(cap_gb)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


def subset(folder: Path, parts: int, out: Path) -> Path:
    """A Data Package with the first ``parts`` Parquet parts of every table (links to them)."""
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for res in meta["resources"]:
        paths = res["path"] if isinstance(res["path"], list) else [res["path"]]
        res["path"] = paths[:parts]
        for p in res["path"]:
            (out / p).parent.mkdir(parents=True, exist_ok=True)
            (out / p).symlink_to((folder / p).resolve())
    (out / "datapackage.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=False, default="benchmarks/data/province")
    parser.add_argument("--rules", nargs="*", default=list(RULES))
    parser.add_argument("--parts", type=int, default=None, help="first N parts of each table")
    parser.add_argument("--cap-gb", type=float, default=16.0, help="memory cap of each process")
    parser.add_argument("--check", action="store_true", help="require the same subjects")
    parser.add_argument("--out", default=None, help="JSON results")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        side, rule, folder = args.child
        _child(side, rule, Path(folder), args.cap_gb)
        return 0
    data = Path(args.data).resolve()
    results = []
    ok = True
    print(f"{'rule':<5} {'rows':>12} {'kit s':>7} {'kit MB':>7} {'pandas s':>9} {'pandas MB':>10} "
          f"{'time x':>7} {'memory x':>9} same")  # fmt: skip
    for rule in args.rules:
        folder = data / FIELD[rule]
        if args.parts:
            folder = subset(folder, args.parts, data / "subsets" / f"{FIELD[rule]}-{args.parts}")
        import kit

        ds = kit.datasets.load(folder)
        rows = sum(ds.rows(t) for t in kit.models.get(rule).sources)
        on_kit = measure("kit", rule, folder, args.cap_gb)
        on_pandas = measure("pandas", rule, folder, args.cap_gb)
        row: dict[str, Any] = {"rule": rule, "data": str(folder), "rows_read": rows,
                               "kit": on_kit, "pandas": on_pandas}  # fmt: skip
        if "error" in on_kit or "error" in on_pandas:
            print(f"{rule:<5} {rows:>12,} kit: {on_kit.get('error', 'ok')}; "
                  f"pandas: {on_pandas.get('error', 'ok')}")  # fmt: skip
            ok = False
        else:
            same = on_kit["subjects"] == on_pandas["subjects"]
            ok &= same or not args.check
            row.update(
                time_ratio=round(on_pandas["seconds"] / on_kit["seconds"], 1),
                memory_ratio=round(on_pandas["peak_mb"] / on_kit["peak_mb"], 1),
                same_subjects=same,
                subjects=len(on_kit["subjects"]),
            )
            print(
                f"{rule:<5} {rows:>12,} {on_kit['seconds']:>7.1f} {on_kit['peak_mb']:>7,} "
                f"{on_pandas['seconds']:>9.1f} {on_pandas['peak_mb']:>10,} "
                f"{row['time_ratio']:>7} {row['memory_ratio']:>9} {same} ({row['subjects']})",
                flush=True,
            )
        for side in ("kit", "pandas"):
            row[side].pop("subjects", None)
        results.append(row)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
