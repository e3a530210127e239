"""``Ledger``: the model ledger (模型台账) and the case ledger (案件台账) in one database.

Every write is one transaction that either happens completely or not at all, and leaves one
audit event per change (who, when, what, before, after). The database is SQLite (``ledger.db``)
by default and PostgreSQL when ``KIT_LEDGER_URL`` (or ``db=``) says so; :meth:`Ledger.init`
creates or upgrades the tables with the Alembic migrations shipped in ``kit/ledger/migrations``.

Examples
--------
>>> import datetime as dt, kit
>>> from kit.ledger import Ledger
>>> ledger = Ledger(":memory:", actor="doctest", clock=lambda: dt.datetime(2024, 5, 11, 9, 0)).init()
>>> ledger.register_model(kit.models.get("SS01"), unit="六安市人民检察院", builders=["王芳"])["version"]
1
>>> ds = kit.datasets.load("social_security")
>>> app = ledger.record_application("SS01", unit="霍邱县人民检察院", clues=kit.run("SS01", ds),
...                                 date="2024-02-01", verified=3, cases_formed=1)
>>> clue = ledger.table("application_clues")["clue_id"].iloc[0]
>>> ledger.record_case("皖霍检民公〔2024〕1号", unit="霍邱县人民检察院", model_id="SS01", clue_id=clue,
...                    received="2024-02-05", filed="2024-02-20", loss_recovered="12345.67")
1
>>> ledger.report("2024-01", "2024-04").figures["cases"]
1
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kit.errors import LedgerError
from kit.ledger import queries, rows
from kit.ledger import schema as s
from kit.ledger.db import describe, make_engine, read_transaction, resolve_url, write_transaction
from kit.ledger.promotion import Promotion, promotion_candidates
from kit.ledger.report import PeriodReport
from kit.ledger.values import FieldError, parse_period
from kit.ledger.writes import ACTOR_LENGTH, Writer

MIGRATIONS = Path(__file__).with_name("migrations")
#: Latest schema revision shipped with this version of the kit.
HEAD = "0001"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


class Ledger:
    """The two ledgers in a SQLite or PostgreSQL database.

    Parameters
    ----------
    db : str or path, optional
        A SQLite file path, ``":memory:"``, or a database URL (``postgresql://user@host/db``).
        Default: ``KIT_LEDGER_URL`` when set, else ``ledger.db`` in the current folder.
    actor : str, optional
        Who is writing, recorded in every audit event (default: the login name).
    clock : callable, optional
        Returns the current time (UTC, naive) for audit events; pass a fixed clock in tests.
    """

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        actor: str | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.url = resolve_url(db)
        self.engine = make_engine(self.url)
        self.actor = actor or _default_actor()
        if len(self.actor) > ACTOR_LENGTH:  # the same limit on SQLite and PostgreSQL
            raise LedgerError(
                f"Ledger actor {self.actor[:20] + '...'!r} is {len(self.actor)} characters long, "
                f"more than the {ACTOR_LENGTH} allowed for 操作人 (events.actor, "
                f"model_status_history.changed_by). Fix: give a name of {ACTOR_LENGTH} characters "
                "or fewer."
            )
        self.clock = clock or _utcnow
        self._checked = False

    def __repr__(self) -> str:
        return f"<Ledger {describe(self.url)}>"

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- schema ------------------------------------------------------------------------------
    def init(self) -> Ledger:
        """Create the tables, or upgrade them to the kit's schema; safe to call again. Returns self."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with write_transaction(self.engine) as conn:
            if conn.dialect.name == "postgresql":  # two processes initialising at once wait here
                conn.execute(text("SELECT pg_advisory_xact_lock(7411530)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        self._checked = True
        return self

    def _missing_file(self) -> Path | None:
        """The SQLite file of this ledger when it does not exist yet (else ``None``)."""
        url = make_url(self.url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        path = Path(url.database)
        return None if path.exists() else path

    def revision(self) -> str | None:
        """The schema revision of the database (``None`` before :meth:`init`).

        Asking never creates a missing SQLite file.
        """
        if self._missing_file() is not None:
            return None
        with read_transaction(self.engine) as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def _ready(self) -> None:
        if self._checked:
            return
        missing = self._missing_file()
        if missing is not None:  # connecting would create an empty file: say what to do instead
            raise LedgerError(
                f"The ledger file {missing} does not exist (nothing was created). "
                "Fix: run `kit ledger init` (with --db for another file) or Ledger(...).init() "
                "first, or give the path of an existing ledger."
            )
        found = self.revision()
        if found != HEAD:
            state = "has no ledger tables" if found is None else f"has schema revision {found}"
            raise LedgerError(
                f"The ledger at {describe(self.url)} {state}; this kit needs revision {HEAD}. "
                "Fix: run `kit ledger init` (or Ledger(...).init()) first."
            )
        self._checked = True

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        """One writing transaction as a :class:`~kit.ledger.writes.Writer`: all or nothing."""
        self._ready()
        with write_transaction(self.engine) as conn:
            w = Writer(conn, self.actor, self.clock())
            yield w
            w.flush()

    def _write(self, what: str, func: Callable[[Writer], Any]) -> Any:
        try:
            with self.writer() as w:
                return func(w)
        except FieldError as exc:
            raise LedgerError(f"{what}, {exc} Nothing was written.") from None
        except DBAPIError as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise LedgerError(
                f"{what}: the database refused the change ({reason}). Nothing was written. "
                "Fix: check the values against the ledger (a number used twice, a missing "
                "reference), or retry if another program held the ledger too long."
            ) from None

    # -- model ledger ------------------------------------------------------------------------
    def add_unit(
        self, name: str, level: str | None = None, region_code: str | None = None,
        parent: str | None = None,
    ) -> int:  # fmt: skip
        """Add a procuratorate (level ``province``/``city``/``county``, guessed from the name)."""
        return self._write(f"Unit {name!r}", lambda w: w.add_unit(name, level, region_code, parent))

    def register_model(
        self, spec: Any, *, unit: str, builders: list[str] | str = (), data_sources: str | None = None,
        status: str = "in_development",
    ) -> dict[str, Any]:  # fmt: skip
        """Register a model (from a ``ModelSpec``) and its version in the model ledger.

        Registering the same version again changes nothing; a changed rule under the same
        version number is refused (raise the version). Returns ``model_id``, ``version``,
        ``model_version_id`` and ``created`` (whether the version is new).
        """
        info = rows.model_info(spec, builders=builders, data_sources=data_sources, status=status)
        label = f"Model {info.get('model_id')!r}"
        return self._write(label, lambda w: w.register_model(info, unit))

    def set_status(self, model_id: str, status: str, note: str = "") -> bool:
        """Set a model's status / shelving level (in_development, own_unit, provincial,
        national, or the Chinese labels); the change is kept in ``model_status_history``."""
        return self._write(f"Model {model_id!r}", lambda w: w.set_status(model_id, status, note))

    def record_application(
        self, model_id: str, *, unit: str, clues: Any = None, date: Any, window: tuple[Any, Any] | None = None,
        verified: int = 0, cases_formed: int = 0, screened: int | None = None,
        run_id: str | None = None, version: int | None = None,
    ) -> int:  # fmt: skip
        """Record that ``unit`` applied a model on ``date``; returns the application id.

        With ``clues`` (a :class:`kit.models.Clues` from ``kit.run``) the version, run id, number
        of clues screened, data window and every clue id come from the run itself, and the run's
        spec hash must match the registered version. Without clues give ``screened``.
        """
        values: dict[str, Any] = {"model_id": model_id, "unit": unit, "applied_on": date,
                                  "clues_verified": verified, "cases_formed": cases_formed,
                                  "run_id": run_id, "version": version, "clues_screened": screened}  # fmt: skip
        clue_ids: list[str] = []
        if clues is not None:
            info = clues.info
            if info.get("model_id") != model_id:
                raise LedgerError(
                    f"Application of {model_id}: the clues come from model {info.get('model_id')!r}. "
                    "Fix: record them under that model."
                )
            clue_ids = clues.frame["clue_id"].astype(str).tolist()
            values.update(version=version or info.get("version"), run_id=run_id or clues.run_id,
                          clues_screened=len(clue_ids))  # fmt: skip
            if window is None and len(clues.frame):
                window = (clues.frame["period_start"].min(), clues.frame["period_end"].max())
        if window is not None:
            values.update(window_start=window[0], window_end=window[1])

        def _do(w: Writer) -> int:
            row = rows.application_row(w, values)
            if clues is not None:
                _check_hash(w, row["model_version_id"], clues.info)
            return w.add_application(row, clue_ids)

        return self._write(f"Application of {model_id} by {unit}", _do)

    # -- case ledger -------------------------------------------------------------------------
    def record_case(
        self, case_number: str, *, unit: str, model_id: str, received: Any, filed: Any = None,
        closed: Any = None, clue_id: str | None = None, application_id: int | None = None,
        version: int | None = None, category: str | None = None, field: str | None = None,
        status: str | None = None, loss_recovered: Any = 0, note: str = "",
    ) -> int:  # fmt: skip
        """Record a case handled with a model; returns its id.

        The case must cite a registered model and, when it came from a run, a ``clue_id`` among
        the clues of a recorded application (the unit's own latest one is preferred). Dates go
        clue received <= filed <= closed; ``loss_recovered`` is in yuan (fen allowed), not
        negative; ``category`` defaults from the model's field.
        """
        values = {"case_number": case_number, "unit": unit, "model_id": model_id,
                  "received_on": received, "filed_on": filed, "closed_on": closed,
                  "clue_id": clue_id, "application_id": application_id, "version": version,
                  "category": category, "field": field, "status": status,
                  "loss_recovered": loss_recovered, "note": note}  # fmt: skip
        return self._write(f"Case {case_number!r}", lambda w: w.add_case(rows.case_row(w, values)))

    def record_cases(self, records: list[Mapping[str, Any]]) -> list[int]:
        """Record many cases (keys as :meth:`record_case`'s) in one transaction: all or none."""
        names = {"received": "received_on", "filed": "filed_on", "closed": "closed_on"}

        def _do(w: Writer) -> list[int]:
            out = []
            for i, rec in enumerate(records, start=1):
                values = {names.get(k, k): v for k, v in rec.items()}
                try:
                    out.append(w.add_case(rows.case_row(w, values)))
                except FieldError as exc:
                    raise FieldError(f"record {i} ({rec.get('case_number')}) {exc.field}",
                                     exc.detail, exc.fix) from None  # fmt: skip
            return out

        return self._write("Cases", _do)

    def update_case(self, case_number: str, **changes: Any) -> dict[str, Any]:
        """Change a case's status, dates (``filed_on``, ``closed_on``), ``loss_recovered``
        (yuan), ``note`` or ``category``; returns the changed columns (before -> after is in the
        events). Setting a date without a status moves the status with it."""
        return self._write(
            f"Case {case_number!r}",
            lambda w: w.update_case(case_number, rows.case_changes(changes)),
        )

    def add_measure(
        self, case_number: str, kind: str, *, issued: Any, adopted: Any = None, note: str = ""
    ) -> int:
        """Add a measure to a case: ``recommendation`` (检察建议; ``adopted`` date when adopted),
        ``protest``, ``retrial_recommendation`` or ``police_referral``."""
        values = {"kind": kind, "issued_on": issued, "adopted_on": adopted, "note": note}
        return self._write(
            f"Measure on case {case_number!r}",
            lambda w: w.add_measure(case_number, rows.measure_row(values)),
        )

    # -- questions ---------------------------------------------------------------------------
    def report(self, start: Any, end: Any, min_units: int = 5) -> PeriodReport:
        """The period bulletin for ``start`` .. ``end`` (dates or months, e.g. ``2024-01``)."""
        try:
            first, last = parse_period(start, end)
        except FieldError as exc:
            raise LedgerError(f"Report period: {exc}") from None
        self._ready()
        with read_transaction(self.engine) as conn:
            figures = queries.period_figures(conn, first, last)
        promo = self.promotion_candidates(min_units, first, last)
        return PeriodReport(first, last, figures, promo)

    def promotion_candidates(
        self, min_units: int = 5, start: Any = None, end: Any = None
    ) -> Promotion:
        """Models applied by ``min_units`` or more distinct units (inclusive: 5家以上) whose
        applications screened clues and formed cases, with the evidence per unit."""
        period = (None, None)
        if start is not None or end is not None:
            period = parse_period(start or "1900-01-01", end or "9999-12-31")
        self._ready()
        with read_transaction(self.engine) as conn:
            per_unit = queries.unit_applications(conn, *period)
            models = queries.table_frame(conn, "models")
        return promotion_candidates(per_unit, min_units, models)

    def table(self, name: str) -> pd.DataFrame:
        """A whole ledger table as a DataFrame (ordered by primary key); amounts in fen."""
        if name not in s.metadata.tables:
            raise LedgerError(
                f"Table {name!r} is not a ledger table. Fix: use one of {', '.join(sorted(s.metadata.tables))}."
            )
        self._ready()
        with read_transaction(self.engine) as conn:
            return queries.table_frame(conn, name)

    def counts(self) -> dict[str, int]:
        """Rows per table, events included."""
        self._ready()
        with read_transaction(self.engine) as conn:
            w = Writer(conn, self.actor, self.clock())
            return {name: w.count(name) for name in (*s.RECORD_TABLES, "events")}

    def export_xlsx(
        self, path: str | os.PathLike[str], lang: str = "zh", masked: bool = True
    ) -> Path:
        """Write every ledger table to an Excel workbook; see :func:`kit.ledger.excel.export_xlsx`."""
        from kit.ledger.excel import export_xlsx

        return export_xlsx(self, path, lang=lang, masked=masked)

    def import_xlsx(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Add a workbook's rows, all or nothing; see :func:`kit.ledger.excel_import.import_xlsx`."""
        from kit.ledger.excel_import import import_xlsx

        return import_xlsx(self, path)


def _check_hash(w: Writer, mv_id: int, info: Mapping[str, Any]) -> None:
    registered = w.conn.execute(
        select(s.model_versions.c.spec_hash, s.model_versions.c.version).where(
            s.model_versions.c.id == mv_id
        )
    ).one()
    run_hash = str(info.get("spec_hash") or "")
    if registered[0] and run_hash and registered[0] != run_hash:
        raise FieldError(
            "clues",
            f"the run used spec hash {run_hash[:12]}..., but {info.get('model_id')} version "
            f"{registered[1]} is registered with {registered[0][:12]}...",
            "register the spec that made the run (raise its version if the rule changed).",
        )
