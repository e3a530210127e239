"""What a competition notebook may not do: reach the network, name absolute paths, show raw IDs.

Two layers:

- a **static scan** of the notebook's code and stored outputs (:func:`scan_notebook`), run
  before anything executes: imports of network libraries, shell commands that download or
  install, URLs in code, absolute or home-relative paths, and unmasked resident ID numbers,
  USCCs and (when given) full names in outputs (:func:`kit.docs.scan.raw_identifiers`);
- a **runtime network guard** (:data:`GUARD_SOURCE`), a ``sitecustomize.py`` put on the kernel's
  ``PYTHONPATH`` by :mod:`kit.compete.execute`: any socket connection or name lookup that leaves
  the machine raises ``NetworkAccessRefused`` and is logged, so it is reported even when the
  notebook catches the error. Loopback (the kernel's own channels) is allowed.

The guard is a safety net against honest mistakes, not a sandbox: run notebooks you do not trust
inside a container or virtual machine without a network (see ``competition/README.md``).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kit.compete.problems import CheckProblem
from kit.docs.scan import raw_identifiers
from kit.mask import mask_name

#: Python modules that talk to the network.
NETWORK_MODULES = (
    "socket", "_socket", "ssl", "requests", "urllib", "urllib3", "http", "httpx", "aiohttp", "ftplib",
    "smtplib", "telnetlib", "poplib", "imaplib", "paramiko", "websocket", "websockets", "pycurl",
    "xmlrpc", "asyncssh", "pysftp", "boto3", "botocore",
)  # fmt: skip
#: Modules of those packages that do not reach the network.
HARMLESS_MODULES = ("urllib.parse", "urllib.error")
#: Shell commands that download, upload or install.
NETWORK_COMMANDS = (
    "pip", "pip3", "conda", "mamba", "micromamba", "curl", "wget", "git", "ssh", "scp", "sftp",
    "ftp", "rsync", "nc", "ncat", "telnet", "apt", "apt-get", "yum", "dnf", "npm", "uv",
)  # fmt: skip
#: Tag papermill gives the cell it injects; that cell is the organiser's, not the team's.
INJECTED_TAG = "injected-parameters"

_MODULES = "|".join(NETWORK_MODULES)
_IMPORT = re.compile(rf"^\s*(?:import|from)\s+((?:{_MODULES})(?:\.\w+)*)\b", re.M)
_IMPORT_LIST = re.compile(rf"^\s*import\s+[\w., ]*?\b((?:{_MODULES})(?:\.\w+)*)\b", re.M)
_DYNAMIC = re.compile(rf"""(?:__import__|import_module)\(\s*['"]((?:{_MODULES})[\w.]*)['"]""")
_SHELL = re.compile(
    rf"^\s*(?:!|%{{1,2}}(?:system|sx)?\s*)\s*({'|'.join(NETWORK_COMMANDS)})\b", re.M
)
_SHELL_CELL = re.compile(r"^\s*%%(bash|sh|script|system|sx)\b")
_URL = re.compile(r"""['"](?:https?|ftp|s3|gs|hdfs)://[^'"\s]*""")
#: Names, not places: XML namespaces (an SVG's xmlns) are URLs that nothing downloads.
_NAMESPACE_URL = re.compile(r"""['"]https?://(?:www\.)?(?:w3\.org|purl\.org)/""")
#: Terminal colour codes (IPython tracebacks are full of them).
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FILE_URL = re.compile(r"file://[^\s'\"<>]+")
_POSIX_PATH = re.compile(
    r"(?<![\w.~/\\-])/(?:home|Users|root|tmp|mnt|media|Volumes|data|work|var|opt|srv|private"
    r"|etc|usr|scratch|nfs|proc|dev/shm)(?![\w.-])(?:/[^\s'\"<>,;:)\]]*)?"
)
_WINDOWS_PATH = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]:[\\/][^\s'\"<>,;)\]]*")
_HOME_PATH = re.compile(r"(?<![\w/.])~[/\\][^\s'\"<>,;)\]]*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff·]{3,}")
_MASKED_HINT = (
    "show identifiers masked: ds.preview(table), clues.to_frame(), or "
    "kit.mask.mask_frame(frame, {'id_number': 'id', 'name': 'name'}); then re-run the notebook."
)


def scan_notebook(
    nb: Any, *, outputs: str = "stored", names: Iterable[str] = ()
) -> list[CheckProblem]:
    """Network code, absolute paths and raw identifiers in a notebook, one problem per cell and kind.

    Parameters
    ----------
    nb : NotebookNode
        A version-4 notebook. Cells carrying ``metadata.kit_cell`` (set by the checker before
        a run) are numbered by it, so problems name cells of the submitted notebook.
    outputs : {"stored", "executed"}
        ``stored``: the team's own outputs, scanned whole. ``executed``: outputs of the
        organiser's run; standard error and tracebacks (library warnings naming the organiser's
        folders) are then left out of the path scan, and code is not scanned again.
    names : iterable of str
        Full names that must not appear in outputs (the data's name columns).

    Returns
    -------
    list of CheckProblem
        Network problems first, then paths, then identifiers, each in cell order.
    """
    wanted = frozenset(n for n in names if isinstance(n, str) and len(n) >= 3)
    network, paths, ids = [], [], []
    for position, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or INJECTED_TAG in cell.metadata.get("tags", []):
            continue
        number = int(cell.metadata.get("kit_cell", position))
        if outputs == "stored":
            network += _network(cell.source, number)
            paths += _paths(_code_only(cell.source), number, "code")
        texts = list(_output_texts(cell, include_errors=outputs == "stored"))
        paths += _paths(ANSI.sub("", "\n".join(texts)), number, "output")
        every = ANSI.sub("", "\n".join(_output_texts(cell, include_errors=True)))
        ids += _identifiers(every, number, wanted)
    return network + paths + ids


def _code_only(source: str) -> str:
    """Code without comments (a path or an import named in a comment is harmless).

    Python's tokenizer finds the comments (``#`` inside a string is not one); a cell it cannot
    read loses its whole-line comments only.
    """
    lines = source.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    for tok in reversed(tokens):
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            lines[row - 1] = lines[row - 1][:col]
    return "\n".join(lines)


def _network(source: str, cell: int) -> list[CheckProblem]:
    code = _code_only(source)
    modules = [m[1] for rx in (_IMPORT, _IMPORT_LIST) for m in rx.finditer(code)]
    found = [f"imports {name}" for name in modules if name not in HARMLESS_MODULES]
    found += [f"imports {m[1]} dynamically" for m in _DYNAMIC.finditer(code)]
    found += [f"runs the shell command '{m[1]}'" for m in _SHELL.finditer(code)]
    shell = _SHELL_CELL.match(source)
    if shell:
        found.append(f"is a %%{shell[1]} cell (shell commands can reach the network)")
    found += [
        f"names the URL {m[0][1:60]}" for m in _URL.finditer(code) if not _NAMESPACE_URL.match(m[0])
    ]
    if not found:
        return []
    return [
        CheckProblem(
            "network",
            f"network access is not allowed: the code {'; '.join(dict.fromkeys(found))}.",
            "remove it: read data only from data_dir with kit.datasets.load(data_dir); every "
            "package you need is already installed (the organiser runs notebooks offline).",
            cell=cell,
        )
    ]


def _paths(text: str, cell: int, where: str) -> list[CheckProblem]:
    text = ANSI.sub("", text)
    rxs = (_FILE_URL, _POSIX_PATH, _WINDOWS_PATH, _HOME_PATH)
    found = [m[0] for rx in rxs for m in rx.finditer(text)]
    if not found:
        return []
    shown = ", ".join(repr(p[:60]) for p in list(dict.fromkeys(found))[:3])
    if where == "code":
        fix = "use paths relative to the notebook, and data_dir / clues_path from the parameters cell."
    else:
        fix = (
            "do not print paths (print file names, e.g. Path(p).name), fix or silence warnings "
            "that name files, then re-run the notebook."
        )
    return [
        CheckProblem(
            "path",
            f"the {where} names {len(found)} absolute or home path(s): {shown}; they exist only "
            "on one computer and reveal its folders.",
            fix,
            cell=cell,
        )
    ]


def _identifiers(text: str, cell: int, names: frozenset[str]) -> list[CheckProblem]:
    found = [(f.kind, f.masked) for f in raw_identifiers(text)] + name_hits(text, names)
    if not found:
        return []
    kinds = ", ".join(dict.fromkeys(kind for kind, _ in found))
    shown = ", ".join(dict.fromkeys(masked for _, masked in found[:3]))
    return [
        CheckProblem(
            "identifier",
            f"the output shows {len(found)} unmasked identifier(s) ({kinds}), e.g. {shown} "
            "(shown masked here).",
            _MASKED_HINT,
            cell=cell,
        )
    ]


def name_hits(text: str, names: frozenset[str]) -> list[tuple[str, str]]:
    """``("name", masked)`` for each full name of ``names`` (three or more characters) in text.

    Runs of Chinese characters are cut into every substring of a name's length and looked up
    in the set, so a register of 10,000 names costs no more than a few.

    Examples
    --------
    >>> name_hits("死者张小明的养老金", frozenset({"张小明"}))
    [('name', '张*明')]
    """
    if not names:
        return []
    lengths = sorted({len(n) for n in names})
    hits = []
    for run in _CJK_RUN.finditer(text):
        word = run[0]
        for start in range(len(word)):
            for size in lengths:
                piece = word[start : start + size]
                if len(piece) == size and piece in names:
                    hits.append(("name", mask_name(piece)))
    return hits


def mask_names(text: str, names: frozenset[str]) -> str:
    """``text`` with every full name of ``names`` masked (see :func:`name_hits`).

    Examples
    --------
    >>> mask_names("死者张小明的养老金", frozenset({"张小明"}))
    '死者张*明的养老金'
    """
    if not names or not text:
        return text
    lengths = sorted({len(n) for n in names}, reverse=True)

    def one_run(match: re.Match[str]) -> str:
        word, out, start = match[0], [], 0
        while start < len(word):
            for size in lengths:
                piece = word[start : start + size]
                if len(piece) == size and piece in names:
                    out.append(mask_name(piece))
                    start += size
                    break
            else:
                out.append(word[start])
                start += 1
        return "".join(out)

    return _CJK_RUN.sub(one_run, text)


def _output_texts(cell: Any, *, include_errors: bool) -> Iterator[str]:
    """Text of a code cell's outputs (bitmap images skipped; SVG is text and is scanned)."""
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            if include_errors or out.get("name") != "stderr":
                yield _join(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith(("json", "+xml")):
                    yield _join(value) if not isinstance(value, dict) else str(value)
        elif kind == "error" and include_errors:
            yield "\n".join(
                [out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])]
            )


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


#: Source of the ``sitecustomize.py`` that guards the kernel's network (see the module docstring).
GUARD_SOURCE = '''\
"""Network guard of `kit compete check` (generated; do not edit).

Non-loopback socket connections and name lookups raise NetworkAccessRefused and are logged, with
the time, to $KIT_COMPETE_GUARD_LOG.
"""
import ipaddress as _ipaddress
import os as _os
import socket as _socket
import time as _time

_LOG = _os.environ.get("KIT_COMPETE_GUARD_LOG")


class NetworkAccessRefused(PermissionError):
    """Raised on any attempt to reach another computer from a competition notebook."""


_LOCAL_NAMES = {None, "", "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
try:
    _LOCAL_NAMES.add(_socket.gethostname())
except OSError:
    pass


def _is_local(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in _LOCAL_NAMES:
        return True
    try:
        return _ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what, host, port=None):
    target = f"{host}:{port}" if port is not None else str(host)
    message = (
        f"network access is not allowed in competition notebooks: {what} {target} was refused "
        "by kit compete check. Fix: read data only from data_dir; download nothing."
    )
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{_time.time():.3f}\\t{what} {target}\\n")
    raise NetworkAccessRefused(message)


def _guard_address(sock, address, what):
    if sock.family in (_socket.AF_INET, _socket.AF_INET6) and isinstance(address, tuple):
        if not _is_local(address[0]):
            _refuse(what, address[0], address[1] if len(address) > 1 else None)


_connect, _connect_ex, _sendto = _socket.socket.connect, _socket.socket.connect_ex, _socket.socket.sendto


def _guarded_connect(self, address):
    _guard_address(self, address, "connect to")
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    _guard_address(self, address, "connect to")
    return _connect_ex(self, address)


def _guarded_sendto(self, data, *args):
    _guard_address(self, args[-1] if args else None, "send to")
    return _sendto(self, data, *args)


def _is_address(host):
    try:
        _ipaddress.ip_address(str(host).split("%")[0])
        return True
    except ValueError:
        return False


def _guard_lookup(original, what):
    def lookup(host, *args, **kwargs):
        if not _is_local(host) and not _is_address(host):  # an address is refused at connect
            _refuse(what, host)
        return original(host, *args, **kwargs)

    return lookup


_socket.socket.connect = _guarded_connect
_socket.socket.connect_ex = _guarded_connect_ex
_socket.socket.sendto = _guarded_sendto
_socket.getaddrinfo = _guard_lookup(_socket.getaddrinfo, "look up")
_socket.gethostbyname = _guard_lookup(_socket.gethostbyname, "look up")
_socket.gethostbyname_ex = _guard_lookup(_socket.gethostbyname_ex, "look up")
'''


def write_guard(folder: str | Path) -> Path:
    """Write the guard's ``sitecustomize.py`` into ``folder`` (created); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(GUARD_SOURCE, encoding="utf-8")
    return folder
