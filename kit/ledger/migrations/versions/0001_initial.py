"""The two ledgers: units, models and versions, applications, cases, measures, events.

Revision ID: 0001
Revises:
Create Date: 2024-05-11

Written out in full (not taken from ``kit.ledger.schema``) so that later changes to the schema
module cannot change what this revision did. ``events`` gets triggers that reject UPDATE and
DELETE on SQLite and PostgreSQL, so the audit record is append-only in the database itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LEVELS = "'province', 'city', 'county'"
STATUSES = "'in_development', 'own_unit', 'provincial', 'national'"
FIELDS = "'social_security', 'medical_insurance', 'environment', 'judicial', 'other'"
CATEGORIES = "'judicial_litigation', 'social_security_medical', 'environment_safety', 'other'"
CASE_STATUSES = "'received', 'filed', 'closed'"
KINDS = "'recommendation', 'protest', 'retrial_recommendation', 'police_referral'"
APPEND_ONLY = "events is append-only: rows cannot be changed or deleted"


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _ck(table: str, name: str, text: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(text, name=f"ck_{table}_{name}")


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("region_code", sa.String(6)),
        sa.Column("parent_id", sa.Integer()),
        _pk("units"),
        sa.UniqueConstraint("name", name="uq_units_name"),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name="fk_units_parent_id_units"),
        _ck("units", "level", f"level IN ({LEVELS})"),
        _ck("units", "region_code", "length(region_code) = 6"),
    )
    op.create_table(
        "models",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False, server_default=""),
        sa.Column("name_en", sa.String(200), nullable=False, server_default=""),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("supervision_point", sa.Text(), nullable=False, server_default=""),
        sa.Column("builder_unit_id", sa.Integer(), nullable=False),
        sa.Column("builders", sa.Text(), nullable=False, server_default=""),
        sa.Column("data_sources", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _pk("models"),
        sa.ForeignKeyConstraint(
            ["builder_unit_id"], ["units.id"], name="fk_models_builder_unit_id_units"
        ),
        _ck("models", "field", f"field IN ({FIELDS})"),
        _ck("models", "status", f"status IN ({STATUSES})"),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        _pk("model_versions"),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name="fk_model_versions_model_id_models"
        ),
        sa.UniqueConstraint("model_id", "version", name="uq_model_versions_model_version"),
        _ck("model_versions", "version", "version >= 1"),
    )
    op.create_table(
        "model_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        _pk("model_status_history"),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name="fk_model_status_history_model_id_models"
        ),
        _ck("model_status_history", "status", f"status IN ({STATUSES})"),
    )
    op.create_table(
        "model_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Date()),
        sa.Column("window_end", sa.Date()),
        sa.Column("run_id", sa.String(64)),
        sa.Column("clues_screened", sa.Integer(), nullable=False),
        sa.Column("clues_verified", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("cases_formed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        _pk("model_applications"),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name="fk_model_applications_model_version_id_model_versions",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_model_applications_unit_id_units"
        ),
        sa.UniqueConstraint("unit_id", "run_id", name="uq_model_applications_unit_run"),
        _ck("model_applications", "screened", "clues_screened >= 0"),
        _ck(
            "model_applications",
            "verified",
            "clues_verified >= 0 AND clues_verified <= clues_screened",
        ),
        _ck("model_applications", "cases_formed", "cases_formed >= 0"),
        _ck("model_applications", "window", "window_start <= window_end"),
    )
    op.create_table(
        "application_clues",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("application_id", "clue_id", name="pk_application_clues"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["model_applications.id"],
            name="fk_application_clues_application_id_model_applications",
        ),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer()),
        sa.Column("clue_id", sa.String(64)),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("filed_on", sa.Date()),
        sa.Column("closed_on", sa.Date()),
        sa.Column("loss_recovered_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        _pk("cases"),
        sa.UniqueConstraint("case_number", name="uq_cases_case_number"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_cases_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name="fk_cases_model_version_id_model_versions",
        ),
        sa.ForeignKeyConstraint(
            ["application_id", "clue_id"],
            ["application_clues.application_id", "application_clues.clue_id"],
            name="fk_cases_clue_application_clues",
        ),
        _ck("cases", "clue_application", "clue_id IS NULL OR application_id IS NOT NULL"),
        _ck("cases", "field", f"field IN ({FIELDS})"),
        _ck("cases", "category", f"category IN ({CATEGORIES})"),
        _ck("cases", "status", f"status IN ({CASE_STATUSES})"),
        _ck("cases", "filed_after_received", "filed_on >= received_on"),
        _ck("cases", "closed_after_filed", "closed_on >= filed_on"),
        _ck(
            "cases",
            "status_dates",
            "(status = 'received' AND filed_on IS NULL AND closed_on IS NULL)"
            " OR (status = 'filed' AND filed_on IS NOT NULL AND closed_on IS NULL)"
            " OR (status = 'closed' AND filed_on IS NOT NULL AND closed_on IS NOT NULL)",
        ),
        _ck("cases", "loss_not_negative", "loss_recovered_fen >= 0"),
    )
    op.create_table(
        "case_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("adopted_on", sa.Date()),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        _pk("case_measures"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_measures_case_id_cases"),
        _ck("case_measures", "kind", f"kind IN ({KINDS})"),
        _ck("case_measures", "adopted_after_issued", "adopted_on >= issued_on"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("row_key", sa.String(100), nullable=False),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        _pk("events"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION kit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION kit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
            "FOR EACH STATEMENT EXECUTE FUNCTION kit_events_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS kit_events_append_only()")
    for table in (
        "events",
        "case_measures",
        "cases",
        "application_clues",
        "model_applications",
        "model_status_history",
        "model_versions",
        "models",
        "units",
    ):
        op.drop_table(table)
