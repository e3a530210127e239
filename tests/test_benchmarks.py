"""``benchmarks/en01_passes.py`` on the environment sample: each pass counts what it says.

The script times passes at province scale; here it runs once on the committed sample, and its
counts are checked against the same figures computed with pandas, so a pass that silently
measured less work (a dropped filter, a pruned aggregate) would fail.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import kit
from kit.datasets import datasets_root

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "en01_passes.py"
POLLUTANTS = ["cod", "nh3n", "total_cr", "lead", "so2", "nox"]


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture(scope="module")
def lines() -> dict[str, list[str]]:
    proc = run_script("--data", str(datasets_root() / "environment"), "--repeat", "1")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0].startswith("EN01's passes on environment (")
    assert out[1].split() == ["pass", "seconds", "ratio", "counted"]
    return {line.split()[0]: line.split() for line in out[2:]}


def test_the_passes_count_what_they_say(lines: dict[str, list[str]]) -> None:
    assert list(lines) == ["floor", "group", "quiet", "order", "EN01"]
    assert lines["floor"][2] == "1.0"  # the floor is the unit of the ratios

    hours = kit.datasets.load("environment").frame("monitoring")
    normal = hours[hours["status"] == "N"].sort_values(["outlet_id", "ts"])
    start = pd.Timestamp("2024-01-01")
    block = ((normal["ts"] - start) // pd.Timedelta(hours=1)) // 12  # min_constant_hours 24
    blocks = normal.assign(block_no=block).groupby(["outlet_id", "block_no"])
    one_value = (blocks[POLLUTANTS].nunique(dropna=True) == 1) & (blocks[POLLUTANTS].count() > 0)
    previous = normal.groupby("outlet_id")[POLLUTANTS].shift()
    repeats = (normal[POLLUTANTS] == previous).any(axis=1)

    assert lines["group"][3:] == [f"{blocks.ngroups:,}", "blocks"]
    assert lines["quiet"][3:] == [f"{int(one_value.any(axis=1).sum()):,}", "quiet", "blocks"]
    assert lines["order"][3:] == [f"{int(repeats.sum()):,}", "hours", "with", "a", "repeat"]
    clues = kit.run("EN01", "environment")
    assert lines["EN01"][3:] == [f"{len(clues):,}", "clues"]


def test_a_repeat_below_one_is_refused() -> None:
    proc = run_script("--data", str(datasets_root() / "environment"), "--repeat", "0")
    assert proc.returncode == 2
    assert "--repeat must be at least 1" in proc.stderr
