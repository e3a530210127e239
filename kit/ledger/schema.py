"""The tables of the two ledgers (模型台账 and 案件台账) as SQLAlchemy Core metadata.

The model ledger is ``units``, ``models``, ``model_versions``, ``model_status_history``,
``model_applications`` and ``application_clues``; the case ledger is ``cases`` and
``case_measures``; ``events`` is the append-only audit record. Money is stored as whole fen
(分, 1/100 yuan) in integer columns, so amounts are exact on every database. Timestamps are UTC.

This module is the reference the Alembic migrations in ``kit/ledger/migrations`` must produce;
a test compares the migrated database with it.

Examples
--------
>>> sorted(metadata.tables)[:3]
['application_clues', 'case_measures', 'cases']
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kit.ledger.vocab import (
    CASE_CATEGORIES,
    CASE_STATUSES,
    FIELDS,
    MEASURE_KINDS,
    MODEL_STATUSES,
    UNIT_LEVELS,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def _in(column: str, vocab: dict[str, tuple[str, str]]) -> str:
    return f"{column} IN ({', '.join(repr(c) for c in vocab)})"


units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("level", String(16), nullable=False),
    Column("region_code", String(6)),
    Column("parent_id", Integer, ForeignKey("units.id")),
    CheckConstraint(_in("level", UNIT_LEVELS), name="level"),
    CheckConstraint("length(region_code) = 6", name="region_code"),
)

models = Table(
    "models",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name_zh", String(200), nullable=False, server_default=""),
    Column("name_en", String(200), nullable=False, server_default=""),
    Column("field", String(32), nullable=False),
    Column("supervision_point", Text, nullable=False, server_default=""),
    Column("builder_unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("builders", Text, nullable=False, server_default=""),
    Column("data_sources", Text, nullable=False, server_default=""),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint(_in("field", FIELDS), name="field"),
    CheckConstraint(_in("status", MODEL_STATUSES), name="status"),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", String(40), ForeignKey("models.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("spec_hash", String(64), nullable=False, server_default=""),
    Column("registered_at", DateTime, nullable=False),
    UniqueConstraint("model_id", "version", name="uq_model_versions_model_version"),
    CheckConstraint("version >= 1", name="version"),
)

model_status_history = Table(
    "model_status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", String(40), ForeignKey("models.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("changed_by", String(100), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    CheckConstraint(_in("status", MODEL_STATUSES), name="status"),
)

model_applications = Table(
    "model_applications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_version_id", Integer, ForeignKey("model_versions.id"), nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("window_start", Date),
    Column("window_end", Date),
    Column("run_id", String(64)),
    Column("clues_screened", Integer, nullable=False),
    Column("clues_verified", Integer, nullable=False, server_default="0"),
    Column("cases_formed", Integer, nullable=False, server_default="0"),
    Column("recorded_at", DateTime, nullable=False),
    UniqueConstraint("unit_id", "run_id", name="uq_model_applications_unit_run"),
    CheckConstraint("clues_screened >= 0", name="screened"),
    CheckConstraint("clues_verified >= 0 AND clues_verified <= clues_screened", name="verified"),
    CheckConstraint("cases_formed >= 0", name="cases_formed"),
    CheckConstraint("window_start <= window_end", name="window"),
)

application_clues = Table(
    "application_clues",
    metadata,
    Column("application_id", Integer, ForeignKey("model_applications.id"), primary_key=True),
    Column("clue_id", String(64), primary_key=True),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_number", String(64), nullable=False, unique=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("model_version_id", Integer, ForeignKey("model_versions.id"), nullable=False),
    Column("application_id", Integer),
    Column("clue_id", String(64)),
    Column("field", String(32), nullable=False),
    Column("category", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("filed_on", Date),
    Column("closed_on", Date),
    Column("loss_recovered_fen", BigInteger, nullable=False, server_default="0"),
    Column("note", Text, nullable=False, server_default=""),
    ForeignKeyConstraint(
        ["application_id", "clue_id"],
        ["application_clues.application_id", "application_clues.clue_id"],
        name="fk_cases_clue_application_clues",
    ),
    CheckConstraint("clue_id IS NULL OR application_id IS NOT NULL", name="clue_application"),
    CheckConstraint(_in("field", FIELDS), name="field"),
    CheckConstraint(_in("category", CASE_CATEGORIES), name="category"),
    CheckConstraint(_in("status", CASE_STATUSES), name="status"),
    CheckConstraint("filed_on >= received_on", name="filed_after_received"),
    CheckConstraint("closed_on >= filed_on", name="closed_after_filed"),
    CheckConstraint(
        "(status = 'received' AND filed_on IS NULL AND closed_on IS NULL)"
        " OR (status = 'filed' AND filed_on IS NOT NULL AND closed_on IS NULL)"
        " OR (status = 'closed' AND filed_on IS NOT NULL AND closed_on IS NOT NULL)",
        name="status_dates",
    ),
    CheckConstraint("loss_recovered_fen >= 0", name="loss_not_negative"),
)

case_measures = Table(
    "case_measures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("adopted_on", Date),
    Column("note", Text, nullable=False, server_default=""),
    CheckConstraint(_in("kind", MEASURE_KINDS), name="kind"),
    CheckConstraint("adopted_on >= issued_on", name="adopted_after_issued"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("table_name", String(40), nullable=False),
    Column("row_key", String(100), nullable=False),
    Column("before", Text),
    Column("after", Text),
)

#: Tables whose rows are business records (everything but the audit trail), in insert order.
RECORD_TABLES = (
    "units",
    "models",
    "model_versions",
    "model_status_history",
    "model_applications",
    "application_clues",
    "cases",
    "case_measures",
)
