"""Fixtures of the ledger tests: one ledger per test on SQLite and, when a server is given, on
PostgreSQL. Loaded by the ledger test modules with ``pytest_plugins``.

``KIT_TEST_POSTGRES_URL`` (set by ``tools/with_postgres.sh``) names a server where the tests may
create and drop databases; each test gets a fresh database there. Without it the PostgreSQL half
is skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import kit
from kit.ledger import Ledger

PG_ENV = "KIT_TEST_POSTGRES_URL"
#: The fixed clock of every test ledger (audit timestamps are asserted).
NOW = dt.datetime(2024, 5, 11, 9, 30)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
LU_AN = "六安市人民检察院"
HUOQIU = "霍邱县人民检察院"


def clock() -> dt.datetime:
    """The fixed test clock."""
    return NOW


def new_database_url(backend: str, folder: os.PathLike[str] | str) -> Iterator[str]:
    """A fresh, empty database: a SQLite file under ``folder`` or a new PostgreSQL database."""
    if backend == "sqlite":
        yield str(os.path.join(folder, "ledger.db"))
        return
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.skip(f"{PG_ENV} is not set; run through tools/with_postgres.sh for PostgreSQL")
    name = f"kit_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def ledger_url(request, tmp_path) -> Iterator[str]:
    """URL or path of an empty database, once per backend."""
    yield from new_database_url(request.param, tmp_path)


@pytest.fixture
def other_ledger_url(request, ledger_url, tmp_path) -> Iterator[str]:
    """A second empty database on the same backend as ``ledger_url``."""
    folder = tmp_path / "other"
    folder.mkdir()
    yield from new_database_url(request.node.callspec.params["ledger_url"], folder)


@pytest.fixture
def ledger(ledger_url) -> Iterator[Ledger]:
    """An initialised, empty ledger with a fixed clock and actor."""
    led = Ledger(ledger_url, actor="tester", clock=clock).init()
    yield led
    led.close()


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory) -> Iterator[Ledger]:
    """A ledger loaded with the seed's January-April 2024 figures (once per module and backend)."""
    from kit.ledger import seed_example

    gen = new_database_url(request.param, tmp_path_factory.mktemp("seed"))
    led = Ledger(next(gen), actor="loader", clock=clock).init()
    seed_example.load(led)
    yield led
    led.close()
    gen.close()


@pytest.fixture(scope="session")
def ss01_run():
    """SS01's clues on the sample dataset and their evaluation."""
    ds = kit.datasets.load("social_security")
    clues = kit.run("SS01", ds)
    return clues, kit.evaluate(clues, ds.truth)


@pytest.fixture
def applied(ledger, ss01_run) -> tuple[Ledger, int, list[str]]:
    """SS01 registered (built by Lu'an) and applied once by Huoqiu: (ledger, app id, clue ids)."""
    clues, _ = ss01_run
    ledger.register_model(kit.models.get("SS01"), unit=LU_AN, builders=["王芳", "李强"])
    app = ledger.record_application(
        "SS01", unit=HUOQIU, clues=clues, date="2024-02-01", verified=5, cases_formed=2
    )
    return ledger, app, clues.frame["clue_id"].tolist()
