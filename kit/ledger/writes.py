"""Checked writes to the ledgers inside one transaction, each recorded in the ``events`` table.

A :class:`Writer` wraps an open writing transaction. Its methods check a record completely
(raising :class:`~kit.ledger.values.FieldError` with the field at fault and the fix) before
inserting it, and queue one audit event per change (who, when, what, before, after); the events
are written at the end of the transaction. The :class:`~kit.ledger.api.Ledger` opens one Writer per
call; the Excel import and the seed loader use one Writer for a whole workbook or data set, so
they write everything or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from kit.ledger import schema as s
from kit.ledger.values import FieldError, check_length, is_blank, parse_count, parse_text
from kit.ledger.vocab import CATEGORY_BY_FIELD, level_from_name, to_code

#: Longest clue id and person's name (actor, changed_by): the schema's column lengths.
CLUE_ID_LENGTH = 64
ACTOR_LENGTH = 100


def _json(data: Mapping[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(dict(data), ensure_ascii=False, sort_keys=True, default=str)


def _code(vocabulary: str, value: Any, name: str) -> str:
    try:
        return to_code(vocabulary, value, name)
    except FieldError:
        raise
    except Exception as exc:  # LedgerError from to_code: re-raise with the field attached
        text = str(exc).split(": ", 1)[-1]
        message, _, fix = text.partition(" Fix: ")
        raise FieldError(name, message, fix) from None


def insert_new(conn: Connection, table: Table, row: Mapping[str, Any], keys: list[str]) -> Any:
    """Insert ``row`` unless a row with the same unique ``keys`` exists.

    Returns the new row's primary key, or ``None`` when the row was already there.
    ``INSERT ... ON CONFLICT (keys) DO NOTHING RETURNING pk`` on both databases: a concurrent
    writer that inserts the same key first makes this a no-op (PostgreSQL waits for it to commit)
    instead of a unique-key violation that would abort the whole transaction. This makes
    get-or-create race-safe: look the row up again after a ``None``.
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    (pk,) = table.primary_key.columns
    stmt = (
        dialect.insert(table).values(**row).on_conflict_do_nothing(index_elements=keys)
    ).returning(pk)
    return conn.execute(stmt).scalar()


def parse_version(value: Any, field: str = "version") -> int:
    """A model version number (1, 2, ...); ``"1.0"`` from a spreadsheet is 1."""
    number = parse_count(value, field)
    if number < 1:
        raise FieldError(field, f"{value!r} is below 1.", "versions count from 1.")
    return number


@dataclass
class Writer:
    """Checked inserts and updates on one open writing transaction ``conn``."""

    conn: Connection
    actor: str
    now: dt.datetime
    pending: list[dict[str, Any]] = field(default_factory=list)
    _units: dict[str, int] = field(default_factory=dict)
    _versions: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    # -- audit -------------------------------------------------------------------------------
    def event(self, action: str, table: str, key: Any, before: Any = None, after: Any = None):
        """Queue one audit event; :meth:`flush` writes the queue."""
        self.pending.append(
            {
                "at": self.now,
                "actor": self.actor,
                "action": action,
                "table_name": table,
                "row_key": str(key)[:100],
                "before": _json(before),
                "after": _json(after),
            }
        )

    def flush(self) -> None:
        """Write the queued events (called once, at the end of the transaction)."""
        if self.pending:
            self.conn.execute(insert(s.events), self.pending)
            self.pending = []

    # -- units -------------------------------------------------------------------------------
    def unit_id(self, name: Any, create: bool = True, column: str = "unit") -> int:
        """The id of a unit by name; an unknown procuratorate is added when ``create`` is true."""
        text = parse_text(name, column, required=True, max_length=100)
        if text in self._units:
            return self._units[text]
        found = self.conn.execute(select(s.units.c.id).where(s.units.c.name == text)).scalar()
        if found is not None:
            self._units[text] = int(found)
            return int(found)
        if not create or not text.endswith("检察院"):
            raise FieldError(
                column,
                f"unit {text!r} is not in the ledger.",
                "add it first (Ledger.add_unit, `kit ledger add-unit` or the 单位 sheet), "
                "or write the full name of a procuratorate, e.g. 六安市人民检察院.",
            )
        return self.add_unit(text)

    def add_unit(
        self, name: Any, level: Any = None, region_code: Any = None, parent: Any = None
    ) -> int:
        """Add a procuratorate (level guessed from the name when not given); return its id."""
        text = parse_text(name, "name", required=True, max_length=100)
        level_code = _code("unit_level", level, "level") if level else level_from_name(text)
        region = parse_text(region_code, "region_code") or None
        if region is not None and not (len(region) == 6 and region.isdigit()):
            raise FieldError(
                "region_code",
                f"{region!r} is not 6 digits.",
                "give the GB/T 2260 code, e.g. 341500.",
            )
        parent_id = self.unit_id(parent, create=False, column="parent") if parent else None
        row = {"name": text, "level": level_code, "region_code": region, "parent_id": parent_id}
        old = self._unit_row(text)
        new_id = None if old is not None else insert_new(self.conn, s.units, row, ["name"])
        if new_id is not None:
            self._units[text] = int(new_id)
            self.event("add unit", "units", text, after=row)
            return int(new_id)
        old = old or self._unit_row(text)  # another writer added it just now
        assert old is not None
        clash = [k for k in ("level", "region_code", "parent_id") if row[k] and old[k] != row[k]]
        if clash:
            raise FieldError(
                clash[0],
                f"unit {text!r} is already in the ledger with {clash[0]} {old[clash[0]]!r}, "
                f"not {row[clash[0]]!r}.",
                "keep the recorded value or correct the unit in the ledger.",
            )
        self._units[text] = int(old["id"])
        return int(old["id"])

    def _unit_row(self, name: str) -> Mapping[str, Any] | None:
        return self.conn.execute(select(s.units).where(s.units.c.name == name)).mappings().first()

    # -- models ------------------------------------------------------------------------------
    def register_model(
        self, info: Mapping[str, Any], unit: Any, history: bool = True
    ) -> dict[str, Any]:
        """Register a model and/or one of its versions from ``info`` (see ``Ledger.register_model``).

        ``info`` may carry ``created_at`` / ``registered_at`` (an import keeps them); with
        ``history=False`` the first status is not written to ``model_status_history`` (the
        caller writes the history it has).
        """
        model_id = parse_text(info.get("model_id"), "model_id", required=True, max_length=40)
        version = parse_version(1 if is_blank(info.get("version")) else info.get("version"))
        spec_hash = parse_text(info.get("spec_hash"), "spec_hash", max_length=64)
        model = self._model(model_id, required=False)
        created = model is None
        self._versions.clear()  # a new version changes which one is the latest
        if created:
            row = {
                "id": model_id,
                "name_zh": parse_text(info.get("name_zh"), "name_zh", max_length=200),
                "name_en": parse_text(info.get("name_en"), "name_en", max_length=200),
                "field": _code("field", info.get("field") or "other", "field"),
                "supervision_point": parse_text(info.get("supervision_point"), "supervision_point"),
                "builder_unit_id": self.unit_id(unit, column="builder_unit"),
                "builders": "; ".join(_names(info.get("builders"))),
                "data_sources": parse_text(info.get("data_sources"), "data_sources"),
                "status": _code("model_status", info.get("status") or "in_development", "status"),
                "created_at": info.get("created_at") or self.now,
            }
            # another writer may register the same model at the same moment: then it is theirs
            created = insert_new(self.conn, s.models, row, ["id"]) is not None
        if created:
            if history:
                self._history(model_id, row["status"], str(info.get("note") or "registered"))
            self.event("register model", "models", model_id, after=row)
        vrow = {"model_id": model_id, "version": version, "spec_hash": spec_hash,
                "registered_at": info.get("registered_at") or self.now}  # fmt: skip
        old = self._version_row(model_id, version)
        keys = ["model_id", "version"]
        new_id = None if old is not None else insert_new(self.conn, s.model_versions, vrow, keys)
        if new_id is not None:
            self.event("register version", "model_versions", f"{model_id} v{version}", after=vrow)
            return {"model_id": model_id, "version": version, "model_version_id": int(new_id),
                    "created": True}  # fmt: skip
        old = old or self._version_row(model_id, version)  # another writer registered it
        assert old is not None
        if spec_hash and old["spec_hash"] and old["spec_hash"] != spec_hash:
            raise FieldError(
                "version",
                f"{model_id} version {version} is registered with spec hash "
                f"{old['spec_hash'][:12]}..., but this spec's hash is {spec_hash[:12]}...",
                "raise `version` in the model's YAML whenever its rule changes.",
            )
        return {"model_id": model_id, "version": version, "model_version_id": int(old["id"]),
                "created": False}  # fmt: skip

    def _version_row(self, model_id: str, version: int) -> Mapping[str, Any] | None:
        mv = s.model_versions
        query = select(mv).where(mv.c.model_id == model_id, mv.c.version == version)
        return self.conn.execute(query).mappings().first()

    def _model(self, model_id: str, required: bool = True) -> Mapping[str, Any] | None:
        row = self.conn.execute(select(s.models).where(s.models.c.id == model_id)).mappings()
        found = row.first()
        if found is None and required:
            raise FieldError(
                "model_id",
                f"model {model_id!r} is not registered in the model ledger.",
                "register it first (Ledger.register_model or `kit ledger register-model`).",
            )
        return found

    def _history(self, model_id: str, status: str, note: str) -> None:
        self.conn.execute(
            insert(s.model_status_history).values(
                model_id=model_id,
                status=status,
                changed_at=self.now,
                changed_by=self.actor,
                note=note,
            )  # fmt: skip
        )

    def set_status(self, model_id: str, status: Any, note: str = "") -> bool:
        """Change a model's status / shelving level; False when it already had that status."""
        model = self._model(parse_text(model_id, "model_id", required=True))
        assert model is not None
        code = _code("model_status", status, "status")
        if model["status"] == code:
            return False
        self.conn.execute(update(s.models).where(s.models.c.id == model["id"]).values(status=code))
        self._history(model["id"], code, note)
        before, after = {"status": model["status"]}, {"status": code, "note": note}
        self.event("set status", "models", model["id"], before, after)
        return True

    def version_id(self, model_id: str, version: Any = None) -> tuple[int, int]:
        """``(model_version_id, version)``: the given version, or the model's latest."""
        key = (model_id, "" if version is None else str(version).strip())
        if key in self._versions:
            return self._versions[key]
        self._model(model_id)
        mv = s.model_versions
        query = select(mv.c.id, mv.c.version).where(mv.c.model_id == model_id)
        if version is None or str(version).strip() == "":
            found = self.conn.execute(query.order_by(mv.c.version.desc()).limit(1)).first()
        else:
            found = self.conn.execute(query.where(mv.c.version == parse_version(version))).first()
        if found is None:
            raise FieldError(
                "version",
                f"{model_id} version {version} is not registered.",
                "register that version (Ledger.register_model) or cite a registered one.",
            )
        self._versions[key] = (int(found[0]), int(found[1]))
        return self._versions[key]

    # -- applications ------------------------------------------------------------------------
    def add_application(self, row: Mapping[str, Any], clue_ids: Iterable[str] = ()) -> int:
        """Record one model application (fields as in ``model_applications``) and its clue ids."""
        ids = [str(c) for c in clue_ids]
        for clue in ids:
            check_length(clue, "clue_id", CLUE_ID_LENGTH)
        if len(set(ids)) != len(ids):
            raise FieldError("clue_id", "the clue list repeats clue ids.", "give each clue once.")
        screened = row["clues_screened"]
        if ids and screened != len(ids):
            raise FieldError(
                "clues_screened",
                f"{screened} differs from the {len(ids)} clue ids recorded with the application.",
                "give the number of clues the run produced.",
            )
        if row["clues_verified"] > screened:
            raise FieldError(
                "clues_verified",
                f"{row['clues_verified']} verified clues is more than the {screened} screened.",
                "verified clues are a subset of the clues screened.",
            )
        start, end = row.get("window_start"), row.get("window_end")
        if start and end and end < start:
            raise FieldError("window_end", f"{end} is before the window start {start}.",
                             "give the data window as start <= end.")  # fmt: skip
        apps = s.model_applications
        values = {**row, "recorded_at": row.get("recorded_at") or self.now}
        if row.get("run_id"):  # unique per unit: a concurrent writer's copy makes this a no-op
            new_id = insert_new(self.conn, apps, values, ["unit_id", "run_id"])
            if new_id is None:
                raise FieldError(
                    "run_id",
                    f"run {row['run_id']} is already recorded for this unit.",
                    "record each run once; a new data window gives a new run id.",
                )
            app_id = int(new_id)
        else:
            app_id = int(self.conn.execute(insert(apps).values(**values)).inserted_primary_key[0])
        if ids:
            self.conn.execute(
                insert(s.application_clues), [{"application_id": app_id, "clue_id": c} for c in ids]
            )
        self.event("record application", "model_applications", app_id,
                   after={**values, "clue_ids": len(ids)})  # fmt: skip
        return app_id

    def find_application(self, model_id: str, clue_id: str, unit_id: int | None) -> tuple[int, int]:
        """``(application_id, model_version_id)`` of the latest application holding ``clue_id``."""
        apps, mv, ac = s.model_applications, s.model_versions, s.application_clues
        query = (
            select(apps.c.id, apps.c.model_version_id)
            .join(ac, ac.c.application_id == apps.c.id)
            .join(mv, mv.c.id == apps.c.model_version_id)
            .where(mv.c.model_id == model_id, ac.c.clue_id == clue_id)
        )
        rows = self.conn.execute(query.order_by(apps.c.applied_on, apps.c.id)).all()
        if not rows:
            raise FieldError(
                "clue_id",
                f"clue {clue_id!r} is not among the clues of any recorded application of "
                f"{model_id}.",
                "record the model run first (Ledger.record_application / `kit ledger apply`), "
                "or check the clue id.",
            )
        own = [r for r in rows if unit_id is not None and self._app_unit(r[0]) == unit_id]
        best = (own or rows)[-1]
        return int(best[0]), int(best[1])

    def _app_unit(self, app_id: int) -> int:
        apps = s.model_applications
        return int(self.conn.execute(select(apps.c.unit_id).where(apps.c.id == app_id)).scalar())

    def check_application_clue(self, app_id: int, clue_id: str) -> int:
        """The model version of application ``app_id``, after checking it holds ``clue_id``."""
        ac = s.application_clues
        hit = select(ac.c.clue_id).where(ac.c.application_id == app_id, ac.c.clue_id == clue_id)
        if self.conn.execute(hit).first() is None:
            raise FieldError(
                "clue_id",
                f"clue {clue_id!r} is not among the clues of application {app_id}.",
                "cite a clue of that application, or leave the application empty to look it up.",
            )
        apps = s.model_applications
        query = select(apps.c.model_version_id).where(apps.c.id == app_id)
        return int(self.conn.execute(query).scalar())

    # -- cases -------------------------------------------------------------------------------
    def add_case(self, row: dict[str, Any]) -> int:
        """Insert a checked case row (``cases`` columns); returns its id."""
        number = row["case_number"]
        if self.case(number, required=False) is not None:
            raise FieldError(
                "case_number",
                f"case {number!r} is already in the case ledger.",
                "give a new case number, or change the case with update_case / "
                "`kit ledger update-case`.",
            )
        check_case_dates(row)
        if not row.get("category"):
            row["category"] = CATEGORY_BY_FIELD.get(row["field"], "other")
        new_id = insert_new(self.conn, s.cases, row, ["case_number"])
        if new_id is None:  # another writer recorded it between the check and now
            raise FieldError(
                "case_number",
                f"case {number!r} was recorded by another writer a moment ago.",
                "give a new case number, or change the case with update_case.",
            )
        case_id = int(new_id)
        self.event("record case", "cases", number, after=row)
        return case_id

    def case(self, number: Any, required: bool = True) -> Mapping[str, Any] | None:
        """The case row by case number (or None when absent and not ``required``)."""
        text = parse_text(number, "case_number", required=True, max_length=64)
        found = self.conn.execute(select(s.cases).where(s.cases.c.case_number == text))
        row = found.mappings().first()
        if row is None and required:
            raise FieldError(
                "case_number",
                f"case {text!r} is not in the case ledger.",
                "check the number, or record the case first (Ledger.record_case).",
            )
        return row

    def update_case(self, number: Any, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply checked ``changes`` (``cases`` columns) to a case; returns the changed fields."""
        old = self.case(number)
        assert old is not None
        new = {**old, **changes}
        if "status" not in changes and ({"filed_on", "closed_on"} & set(changes)):
            new["status"] = case_status(new)
        check_case_dates(new)
        diff = {k: new[k] for k in new if k != "id" and new[k] != old[k]}
        if diff:
            self.conn.execute(update(s.cases).where(s.cases.c.id == old["id"]).values(**diff))
            before = {k: old[k] for k in diff}
            self.event("update case", "cases", old["case_number"], before, diff)
        return diff

    def add_measure(self, number: Any, row: dict[str, Any]) -> int:
        """Add a measure (``case_measures`` columns but ``case_id``) to a case; returns its id."""
        case = self.case(number)
        assert case is not None
        if row["issued_on"] < case["received_on"]:
            raise FieldError(
                "issued_on",
                f"{row['issued_on']} is before the case's clue was received ({case['received_on']}).",
                "check the dates.",
            )
        if row.get("adopted_on") and row["adopted_on"] < row["issued_on"]:
            raise FieldError("adopted_on", f"{row['adopted_on']} is before the issue date "
                             f"{row['issued_on']}.", "adoption comes after issue.")  # fmt: skip
        values = {**row, "case_id": case["id"]}
        new_id = self.conn.execute(insert(s.case_measures).values(**values)).inserted_primary_key
        self.event("add measure", "case_measures", case["case_number"], after=values)
        return int(new_id[0])

    def count(self, table: str) -> int:
        """Rows in a table (used by tests and the import summary)."""
        return int(
            self.conn.execute(select(func.count()).select_from(s.metadata.tables[table])).scalar()
        )


def case_status(row: Mapping[str, Any]) -> str:
    """The status the dates imply: closed when closed, filed when filed, else received."""
    if row.get("closed_on"):
        return "closed"
    return "filed" if row.get("filed_on") else "received"


def check_case_dates(row: Mapping[str, Any]) -> None:
    """Check clue received <= filed <= closed, the status against the dates, and the amount."""
    received, filed, closed = row.get("received_on"), row.get("filed_on"), row.get("closed_on")
    if filed and received and filed < received:
        raise FieldError("filed_on", f"{filed} is before the clue was received ({received}).",
                         "dates go clue received <= filed <= closed.")  # fmt: skip
    if closed and not filed:
        raise FieldError("filed_on", "is empty but the case is closed.",
                         "give the filing date of a closed case.")  # fmt: skip
    if closed and filed and closed < filed:
        raise FieldError("closed_on", f"{closed} is before the case was filed ({filed}).",
                         "dates go clue received <= filed <= closed.")  # fmt: skip
    implied = case_status(row)
    if row.get("status") != implied:
        raise FieldError(
            "status",
            f"{row.get('status')!r} does not match the dates (they say {implied!r}).",
            "a received case has no filing date, a filed case has one, a closed case has both "
            "a filing and a closing date.",
        )
    if int(row.get("loss_recovered_fen") or 0) < 0:
        raise FieldError("loss_recovered", "is negative.", "amounts recovered are 0 or more.")


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("；", ";").replace("、", ";").replace(",", ";").split(";")
    return [str(v).strip() for v in value if str(v).strip()]
