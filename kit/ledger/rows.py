"""From user values (API keywords, CLI flags, Excel cells) to checked ledger rows.

Each builder takes loosely typed values keyed by the ledger's column names, checks and converts
every one (raising :class:`~kit.ledger.values.FieldError` for the first bad field) and resolves
names to ids through a :class:`~kit.ledger.writes.Writer`. The API, the CLI and the Excel import
share them, so a value is accepted or refused the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.ledger.values import (
    FieldError,
    is_blank,
    parse_count,
    parse_date,
    parse_text,
    yuan_to_fen,
)
from kit.ledger.vocab import CATEGORY_BY_FIELD
from kit.ledger.writes import CLUE_ID_LENGTH, Writer, _code, case_status


def model_info(spec: Any, **extra: Any) -> dict[str, Any]:
    """Model ledger fields from a :class:`kit.models.ModelSpec` or a mapping of the same fields.

    Examples
    --------
    >>> from kit.models import get
    >>> info = model_info(get("SS01"), builders=["王芳", "李强"])
    >>> info["model_id"], info["version"], info["field"], info["builders"]
    ('SS01', 1, 'social_security', ['王芳', '李强'])
    """
    if isinstance(spec, Mapping):
        info = dict(spec)
    else:
        point = spec.supervision_point
        info = {
            "model_id": spec.id,
            "version": spec.version,
            "name_zh": spec.name.get("zh", ""),
            "name_en": spec.name.get("en", ""),
            "field": spec.field,
            "supervision_point": point.get("zh") or point.get("en", ""),
            "data_sources": ", ".join(spec.sources),
            "spec_hash": spec.hash,
        }
    info.update({k: v for k, v in extra.items() if v is not None})
    return info


def application_row(w: Writer, v: Mapping[str, Any]) -> dict[str, Any]:
    """A ``model_applications`` row from ``model_id, version, unit, applied_on, window_start,
    window_end, run_id, clues_screened, clues_verified, cases_formed``."""
    model_id = parse_text(v.get("model_id"), "model_id", required=True, max_length=40)
    mv_id, _ = w.version_id(model_id, v.get("version"))
    start = parse_date(v.get("window_start"), "window_start", required=False)
    end = parse_date(v.get("window_end"), "window_end", required=False)
    return {
        "model_version_id": mv_id,
        "unit_id": w.unit_id(v.get("unit")),
        "applied_on": parse_date(v.get("applied_on"), "applied_on"),
        "window_start": start,
        "window_end": end,
        "run_id": parse_text(v.get("run_id"), "run_id", max_length=64) or None,
        "clues_screened": parse_count(v.get("clues_screened"), "clues_screened"),
        "clues_verified": parse_count(v.get("clues_verified"), "clues_verified", default=0),
        "cases_formed": parse_count(v.get("cases_formed"), "cases_formed", default=0),
    }


def case_row(w: Writer, v: Mapping[str, Any]) -> dict[str, Any]:
    """A ``cases`` row from ``case_number, unit, model_id, version, application_id, clue_id,
    field, category, status, received_on, filed_on, closed_on, loss_recovered (yuan), note``.

    The model version comes from the cited clue's application when there is a clue, else from
    ``version`` (default: the model's latest). Field defaults to the model's, category to the
    field's, status to what the dates imply.
    """
    number = parse_text(v.get("case_number"), "case_number", required=True, max_length=64)
    model_id = parse_text(v.get("model_id"), "model_id", required=True, max_length=40)
    unit_id = w.unit_id(v.get("unit"))
    clue_id = parse_text(v.get("clue_id"), "clue_id", max_length=CLUE_ID_LENGTH) or None
    app_id = (
        None
        if is_blank(v.get("application_id"))
        else parse_count(v.get("application_id"), "application_id")
    )
    if clue_id and app_id is not None:
        mv_id = w.check_application_clue(app_id, clue_id)
    elif clue_id:
        app_id, mv_id = w.find_application(model_id, clue_id, unit_id)
    else:
        if app_id is not None:
            raise FieldError("clue_id", "is empty but an application is cited.",
                             "give the clue id of the application's clue that led to the case.")  # fmt: skip
        mv_id = None
    version = v.get("version")
    given_id, _ = w.version_id(model_id, version)
    if mv_id is not None and not is_blank(version) and mv_id != given_id:
        raise FieldError("version", f"{model_id} version {version} did not produce clue {clue_id}.",
                         "leave the version empty or give the version whose run produced the clue.")  # fmt: skip
    if mv_id is not None:
        _check_version_model(w, mv_id, model_id, clue_id)
    model = w._model(model_id)
    assert model is not None
    field = (
        _code("field", v.get("field"), "field") if not is_blank(v.get("field")) else model["field"]
    )
    category = (
        _code("case_category", v.get("category"), "category")
        if not is_blank(v.get("category"))
        else CATEGORY_BY_FIELD.get(field, "other")
    )
    row = {
        "case_number": number,
        "unit_id": unit_id,
        "model_version_id": mv_id if mv_id is not None else given_id,
        "application_id": app_id,
        "clue_id": clue_id,
        "field": field,
        "category": category,
        "received_on": parse_date(v.get("received_on"), "received_on"),
        "filed_on": parse_date(v.get("filed_on"), "filed_on", required=False),
        "closed_on": parse_date(v.get("closed_on"), "closed_on", required=False),
        "loss_recovered_fen": yuan_to_fen(v.get("loss_recovered"), "loss_recovered"),
        "note": parse_text(v.get("note"), "note"),
    }
    if app_id is not None:
        _check_received_after_applied(w, app_id, clue_id, row["received_on"])
    status = v.get("status")
    row["status"] = case_status(row) if is_blank(status) else _code("case_status", status, "status")
    return row


def _check_received_after_applied(w: Writer, app_id: int, clue_id: Any, received: Any) -> None:
    """A clue cannot be received before the application whose run produced it."""
    from sqlalchemy import select

    from kit.ledger.schema import model_applications as apps

    applied = w.conn.execute(select(apps.c.applied_on).where(apps.c.id == app_id)).scalar()
    if applied is not None and received < applied:
        raise FieldError(
            "received_on",
            f"{received} is before {applied}, when application {app_id} produced clue {clue_id!r}.",
            "give the date the clue was received (on or after the application date), or cite "
            "the right clue.",
        )


def _check_version_model(w: Writer, mv_id: int, model_id: str, clue_id: str | None) -> None:
    from sqlalchemy import select

    from kit.ledger.schema import model_versions as mv

    owner = w.conn.execute(select(mv.c.model_id).where(mv.c.id == mv_id)).scalar()
    if owner != model_id:
        raise FieldError("clue_id", f"clue {clue_id!r} comes from a run of {owner}, not {model_id}.",
                         "cite the model that produced the clue.")  # fmt: skip


CASE_UPDATABLE = ("status", "filed_on", "closed_on", "loss_recovered", "note", "category")


def case_changes(v: Mapping[str, Any]) -> dict[str, Any]:
    """Checked changes for ``update_case``: any of :data:`CASE_UPDATABLE` (blank dates clear)."""
    unknown = sorted(set(v) - set(CASE_UPDATABLE))
    if unknown:
        raise FieldError(unknown[0], "cannot be changed on a recorded case.",
                         f"change only {', '.join(CASE_UPDATABLE)}.")  # fmt: skip
    out: dict[str, Any] = {}
    for key, value in v.items():
        if key in ("filed_on", "closed_on"):
            out[key] = parse_date(value, key, required=False)
        elif key == "loss_recovered":
            out["loss_recovered_fen"] = yuan_to_fen(value, key)
        elif key == "status":
            out[key] = _code("case_status", value, key)
        elif key == "category":
            out[key] = _code("case_category", value, key)
        else:
            out[key] = parse_text(value, key)
    return out


def measure_row(v: Mapping[str, Any]) -> dict[str, Any]:
    """A ``case_measures`` row (without ``case_id``) from ``kind, issued_on, adopted_on, note``."""
    return {
        "kind": _code("measure_kind", v.get("kind"), "kind"),
        "issued_on": parse_date(v.get("issued_on"), "issued_on"),
        "adopted_on": parse_date(v.get("adopted_on"), "adopted_on", required=False),
        "note": parse_text(v.get("note"), "note"),
    }
