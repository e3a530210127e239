"""Read-only questions to the ledgers: period figures, promotion candidates, whole tables.

Period membership: an application counts in the period of its ``applied_on`` date, a case in the
period of its filing date (立案), a measure in the period of its issue date, and a case's recovered
loss in the period the case was filed. A recommendation counts as adopted when it was issued in the
period and adopted by the period's last day (an adoption after the period is not yet known then).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, case, distinct, func, select

from kit.ledger import schema as s
from kit.ledger.vocab import CASE_CATEGORIES, MEASURE_KINDS


def period_figures(conn: Connection, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The bulletin's figures for ``start`` .. ``end`` (both included), as plain Python values."""
    apps, mv, c, m = s.model_applications, s.model_versions, s.cases, s.case_measures
    in_apps = apps.c.applied_on.between(start, end)
    row = conn.execute(
        select(
            func.count(distinct(mv.c.model_id)),
            func.count(apps.c.id),
            func.count(distinct(apps.c.unit_id)),
            func.coalesce(func.sum(apps.c.clues_screened), 0),
            func.coalesce(func.sum(apps.c.clues_verified), 0),
            func.coalesce(func.sum(apps.c.cases_formed), 0),
        )
        .select_from(apps.join(mv, mv.c.id == apps.c.model_version_id))
        .where(in_apps)
    ).one()
    by_category = dict.fromkeys(CASE_CATEGORIES, 0)
    filed = c.c.filed_on.between(start, end)
    for category, n in conn.execute(
        select(c.c.category, func.count()).where(filed).group_by(c.c.category)
    ):
        by_category[category] = int(n)
    loss = conn.execute(select(func.coalesce(func.sum(c.c.loss_recovered_fen), 0)).where(filed))
    closed = conn.execute(select(func.count()).where(c.c.closed_on.between(start, end)))
    measures = dict.fromkeys(MEASURE_KINDS, 0)
    issued = m.c.issued_on.between(start, end)
    for kind, n in conn.execute(select(m.c.kind, func.count()).where(issued).group_by(m.c.kind)):
        measures[kind] = int(n)
    adopted = conn.execute(
        select(func.count()).where(
            and_(issued, m.c.kind == "recommendation", m.c.adopted_on <= end)
        )
    )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "models_invested": int(row[0]),
        "applications": int(row[1]),
        "units_applying": int(row[2]),
        "clues_judged": int(row[3]),
        "clues_verified": int(row[4]),
        "cases_formed_reported": int(row[5]),
        "cases": sum(by_category.values()),
        "cases_by_category": by_category,
        "cases_closed": int(closed.scalar() or 0),
        "measures": measures,
        "recommendations": measures["recommendation"],
        "recommendations_adopted": int(adopted.scalar() or 0),
        "loss_recovered_fen": int(loss.scalar() or 0),
    }


def unit_applications(
    conn: Connection, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Per model and unit: applications, clues screened, cases formed (reported and in the ledger).

    Periods filter applications by ``applied_on`` and ledger cases by filing date.
    """
    apps, mv, u, c = s.model_applications, s.model_versions, s.units, s.cases
    query = (
        select(
            mv.c.model_id,
            u.c.name.label("unit"),
            func.count(apps.c.id).label("applications"),
            func.min(apps.c.applied_on).label("first_applied"),
            func.sum(apps.c.clues_screened).label("clues_screened"),
            func.sum(apps.c.clues_verified).label("clues_verified"),
            func.sum(apps.c.cases_formed).label("cases_formed"),
        )
        .select_from(
            apps.join(mv, mv.c.id == apps.c.model_version_id).join(u, u.c.id == apps.c.unit_id)
        )
        .group_by(mv.c.model_id, u.c.name)
    )
    if start is not None and end is not None:
        query = query.where(apps.c.applied_on.between(start, end))
    frame = pd.DataFrame(
        conn.execute(query).mappings().all(), columns=list(query.selected_columns.keys())
    )
    filed = c.c.filed_on.is_not(None)
    if start is not None and end is not None:
        filed = and_(filed, c.c.filed_on.between(start, end))
    ledger = select(
        mv.c.model_id,
        u.c.name.label("unit"),
        func.sum(case((filed, 1), else_=0)).label("ledger_cases"),
    ).select_from(c.join(mv, mv.c.id == c.c.model_version_id).join(u, u.c.id == c.c.unit_id))
    ledger = ledger.group_by(mv.c.model_id, u.c.name)
    cases = pd.DataFrame(
        conn.execute(ledger).mappings().all(), columns=["model_id", "unit", "ledger_cases"]
    )
    frame = frame.merge(cases, on=["model_id", "unit"], how="left")
    frame["ledger_cases"] = frame["ledger_cases"].fillna(0).astype(int)
    for col in ("applications", "clues_screened", "clues_verified", "cases_formed"):
        frame[col] = frame[col].astype(int)
    return frame.sort_values(["model_id", "unit"], ignore_index=True)


def table_frame(conn: Connection, name: str) -> pd.DataFrame:
    """A whole table as a DataFrame, ordered by its primary key."""
    table = s.metadata.tables[name]
    query = select(table).order_by(*table.primary_key.columns)
    return pd.DataFrame(
        conn.execute(query).mappings().all(), columns=[c.name for c in table.columns]
    )
