"""Working folders of killed processes are removed by the next process; live ones are kept."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kit._tempdirs import machine_tag, process_folder, sweep

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process ids are checked on POSIX")


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(proc.stdout)


def test_sweep_removes_only_this_machines_folders_of_ended_processes(tmp_path: Path) -> None:
    tag, dead = machine_tag(), _dead_pid()
    gone = tmp_path / f"kit-linked-{tag}-{dead}-abc"
    (gone / "sub").mkdir(parents=True)
    (gone / "sub" / "table.parquet").write_bytes(b"x" * 100)
    kept = {
        "live parent": tmp_path / f"kit-linked-{tag}-{os.getppid()}-def",
        "this process": tmp_path / f"kit-linked-{tag}-{os.getpid()}-ghi",
        "other machine": tmp_path / f"kit-linked-0123abcd-{dead}-jkl",
        "other kind": tmp_path / f"kit-link-duckdb-{tag}-{dead}-mno",
        "old name, no pid": tmp_path / "kit-linked-x1y2z3",
    }
    for path in kept.values():
        path.mkdir()
    assert sweep("kit-linked-", tmp_path) == [gone]
    assert not gone.exists()
    assert all(path.is_dir() for path in kept.values()), kept


def test_a_killed_process_leaves_its_folder_and_the_next_one_removes_it(tmp_path, monkeypatch):
    """End to end: a process killed with SIGKILL cannot clean up (no atexit); the next process
    making a folder of the same kind removes the leftover, with what it held."""
    code = (
        "import os, signal\n"
        "from kit._tempdirs import process_folder\n"
        "folder = process_folder('kit-link-duckdb-')\n"
        "(folder / 'spill.tmp').write_bytes(b'x' * 1000)\n"
        "print(folder, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    left = Path(proc.stdout.strip())
    assert left.parent == tmp_path and (left / "spill.tmp").exists()

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    mine = process_folder("kit-link-duckdb-")
    assert not left.exists()
    assert mine.is_dir() and mine.parent == tmp_path
    assert mine.name.startswith(f"kit-link-duckdb-{machine_tag()}-{os.getpid()}-")


def test_a_normal_exit_removes_the_folder(tmp_path: Path) -> None:
    code = "from kit._tempdirs import process_folder; print(process_folder('kit-linked-'))"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert Path(out.strip()).parent == tmp_path
    assert not Path(out.strip()).exists()
    assert list(tmp_path.iterdir()) == []
