"""Where a ledger lives: SQLite file by default, PostgreSQL through ``KIT_LEDGER_URL``.

A ledger location is a file path (``ledger.db``, SQLite) or a database URL
(``postgresql://user@host/db``, ``sqlite:///path``). SQLite connections run in WAL mode with
foreign keys on and a busy timeout, and every writing transaction starts with ``BEGIN IMMEDIATE``,
so several processes can write at once without losing anything: they wait their turn.
PostgreSQL uses psycopg 3, imported only when asked for.

Examples
--------
>>> resolve_url("ledgers/demo.db").startswith("sqlite:///")
True
>>> resolve_url("postgresql://kit@127.0.0.1:5432/ledger")
'postgresql+psycopg://kit@127.0.0.1:5432/ledger'
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from kit.errors import LedgerError

#: Environment variable naming the ledger database when none is given.
ENV_URL = "KIT_LEDGER_URL"
#: Default ledger file (SQLite) in the current folder.
DEFAULT_PATH = "ledger.db"
#: Milliseconds a SQLite writer waits for another writer before giving up.
BUSY_TIMEOUT_MS = 60_000
POSTGRES_HINT = "pip install 'supervision-kit[postgres]'"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for a ledger location.

    Parameters
    ----------
    db : str or path, optional
        A file path (SQLite), ``":memory:"``, or a URL. ``None`` uses ``KIT_LEDGER_URL`` when set,
        else ``ledger.db`` in the current folder. ``postgresql://`` and ``postgres://`` URLs get
        the psycopg 3 driver.
    """
    text = str(db) if db is not None else os.environ.get(ENV_URL, "") or DEFAULT_PATH
    if text == ":memory:":
        return "sqlite://"
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return text


def describe(url: str) -> str:
    """The location without a password, for messages (``postgresql+psycopg://kit@host/db``)."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(db: str | os.PathLike[str] | None = None) -> Engine:
    """A SQLAlchemy engine for the ledger location ``db`` (see :func:`resolve_url`).

    Raises
    ------
    LedgerError
        If the URL is malformed, the database kind is not supported, or psycopg is missing.
    """
    url = resolve_url(db)
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy.exc.ArgumentError
        raise LedgerError(
            f"Ledger location {url!r} is not a database URL ({exc}). Fix: give a file path such "
            "as ledger.db or a URL such as postgresql://user@host:5432/dbname."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2"):
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(False)
        if importlib.util.find_spec("psycopg") is None:
            raise LedgerError(
                f"The ledger at {describe(url)} is a PostgreSQL database, but the psycopg driver "
                f"is not installed. Fix: {POSTGRES_HINT}"
            )
        return create_engine(url, pool_pre_ping=True)
    if backend != "sqlite":
        raise LedgerError(
            f"Ledger database kind {backend!r} ({describe(url)}) is not supported. "
            "Fix: use a SQLite file path or a postgresql:// URL."
        )
    return _sqlite_engine(url, parsed.database or "")


def _sqlite_engine(url: str, database: str) -> Engine:
    memory = database in ("", ":memory:")
    if not memory:
        folder = Path(database).parent
        if not folder.is_dir():
            raise LedgerError(
                f"Ledger file {database}: the folder {folder} does not exist. "
                "Fix: create the folder or give another path."
            )
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver stays out; "begin" below starts transactions
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not memory:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("kit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One writing transaction: committed when the block ends, rolled back on any error.

    On SQLite it takes the write lock at the start (``BEGIN IMMEDIATE``) and waits up to
    :data:`BUSY_TIMEOUT_MS` for other writers; on PostgreSQL it is an ordinary transaction.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(kit_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One reading transaction (a consistent snapshot on both databases)."""
    with engine.connect() as conn, conn.begin():
        yield conn
