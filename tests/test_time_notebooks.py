"""tools/time_notebooks.py: runs notebooks from their folder, reports, never writes them."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import time_notebooks  # noqa: E402

pytestmark = pytest.mark.slow


def _write(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def test_times_runs_from_the_folder_and_leaves_the_notebook_alone(tmp_path, capsys):
    (tmp_path / "here.txt").write_text("x", encoding="utf-8")
    ok = _write(
        tmp_path / "ok.ipynb",
        "import os; assert os.path.exists('here.txt')",
        "assert os.environ['PYTHONHASHSEED'] == '0'",
    )
    bad = _write(tmp_path / "bad.ipynb", "1 / 0")
    before = {p: p.read_bytes() for p in (ok, bad)}
    code = time_notebooks.main([str(ok), str(bad), "--limit", "120"])
    out = capsys.readouterr().out
    assert code == 1
    assert "load average before" in out and "load average after" in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and ".ipynb" in line]
    lines = {line.split("|")[1].strip(): line for line in rows}
    ok_line = next(v for k, v in lines.items() if k.endswith("ok.ipynb"))
    bad_line = next(v for k, v in lines.items() if k.endswith("bad.ipynb"))
    ok_cells = [c.strip() for c in ok_line.split("|")]
    bad_cells = [c.strip() for c in bad_line.split("|")]
    assert ok_cells[3:] == ["2", "yes", "ok"]
    assert bad_cells[4] == "NO" and "ZeroDivisionError" in bad_cells[5]
    assert {p: p.read_bytes() for p in (ok, bad)} == before


def test_over_the_limit_fails(tmp_path, capsys):
    slow = _write(tmp_path / "slow.ipynb", "import time; time.sleep(0.5)")
    assert time_notebooks.main([str(slow), "--limit", "0.1"]) == 1
    assert "1 failed or over 0.1 s" in capsys.readouterr().out


def test_missing_notebook_is_named(tmp_path, capsys):
    assert time_notebooks.main([str(tmp_path / "nope.ipynb")]) == 2
    assert "nope.ipynb" in capsys.readouterr().err
