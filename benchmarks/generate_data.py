"""Benchmark: generate a field of the synthetic world at scale and report rows, time and memory.

Usage (from the repository root)::

    .venv/bin/python benchmarks/generate_data.py social_security --scale province
    .venv/bin/python benchmarks/generate_data.py social_security --persons 1000000 --keep out/ss

Writes Parquet chunk by chunk into a temporary folder (removed afterwards unless ``--keep``) and
prints the rows written per table, the seconds taken, the files' size and the peak resident memory
of the process, against the target of 8 GB. Peak memory is read from the operating system
(``ru_maxrss``), so it covers pandas, numpy and pyarrow alike.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import sys
import tempfile
from pathlib import Path

TARGET_GB = 8.0


def peak_rss_gb() -> float:
    """Peak resident set size of this process so far, in GB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("field", nargs="?", default="social_security")
    parser.add_argument("--scale", default="province", help="county, city or province")
    parser.add_argument("--persons", type=int, default=None, help="overrides --scale")
    parser.add_argument("--chunk", type=int, default=250_000, help="persons per chunk")
    parser.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    parser.add_argument("--keep", default=None, help="write here and keep the files")
    args = parser.parse_args(argv)

    from kit.datasets.generators import write

    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kit-bench-")) / "data"
    base_rss = peak_rss_gb()
    try:
        report = write(
            args.field,
            out,
            scale=args.scale,
            n_persons=args.persons,
            fmt=args.format,
            progress=sys.stderr.isatty(),
            chunk_persons=args.chunk,
        )
    finally:
        if not args.keep:
            shutil.rmtree(out.parent, ignore_errors=True)
    peak = peak_rss_gb()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(
        f"{args.field}: {report.n_persons:,} persons, seed {report.seed}, {report.format}, "
        f"chunks of {args.chunk:,} persons"
    )
    for table, rows in sorted(report.rows.items()):
        print(f"  {table:<26} {rows:>15,} rows")
    total = sum(report.rows.values())
    print(f"rows written: {total:,}")
    print(f"seconds: {report.seconds:,.1f} ({total / max(report.seconds, 1e-9):,.0f} rows/s)")
    print(f"size on disk: {report.bytes / 1e9:,.2f} GB")
    print(
        f"peak memory: {peak:,.2f} GB (interpreter and imports before the run: {base_rss:,.2f} GB)"
        f"; target {TARGET_GB:.0f} GB: {'met' if peak < TARGET_GB else 'NOT met'}"
    )
    return 0 if peak < TARGET_GB else 1


if __name__ == "__main__":
    raise SystemExit(main())
