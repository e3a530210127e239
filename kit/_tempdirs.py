"""Temporary folders of one process (进程临时目录), removed when it exits, or after it died.

Record linkage and the Spark engine write working files at province scale (DuckDB's spilled
data, linked tables in Parquet, Spark's staged tables and checkpoints), often gigabytes. A
normal exit removes them (``atexit``); a process that is killed (out of memory, a Jupyter kernel
stopped, a test worker ended) cannot. So each folder is named after the machine and the process
that made it, and the next process that makes a folder of the same kind removes those whose
process on this machine is gone.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import socket
import tempfile
from pathlib import Path


def process_folder(prefix: str) -> Path:
    """A new folder ``<prefix><machine>-<pid>-<random>`` under the temporary folder.

    Removed at exit; folders of the same ``prefix`` left by dead processes of this machine are
    removed first (:func:`sweep`).

    Parameters
    ----------
    prefix : str
        What the folder is for, ending in ``-`` (``"kit-linked-"``).

    Examples
    --------
    >>> folder = process_folder("kit-doctest-")
    >>> folder.is_dir(), f"-{os.getpid()}-" in folder.name
    (True, True)
    """
    sweep(prefix)
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}{machine_tag()}-{os.getpid()}-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def sweep(prefix: str, root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Remove the folders ``prefix`` names under ``root`` whose process has ended.

    Only folders of this machine (:func:`machine_tag`) and of this user are looked at: on a
    temporary folder shared by several machines (a cluster's ``TMPDIR``) another machine's
    process ids mean nothing here. A folder whose process is alive, or whose name carries no
    process id, is left alone.

    Parameters
    ----------
    prefix : str
        The folders' prefix, as given to :func:`process_folder`.
    root : path, optional
        Where to look; by default the temporary folder (``TMPDIR``).

    Returns
    -------
    list of Path
        The folders removed.
    """
    if os.name != "posix":  # process ids and owners are checked the POSIX way only
        return []
    base = Path(tempfile.gettempdir() if root is None else root)
    mine = f"{prefix}{machine_tag()}-"
    removed = []
    for path in sorted(base.glob(f"{mine}*")):
        pid = path.name[len(mine) :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            if path.is_symlink() or not path.is_dir() or path.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def machine_tag() -> str:
    """Eight hex digits of a hash of this machine's name (the name itself is not written)."""
    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True
