"""ModelSpec: a supervision model (监督模型) declared in YAML and validated when loaded."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kit.errors import ParamError, SpecError
from kit.link.steps import LinkStep, parse_link_section

FIELDS = ("social_security", "medical_insurance", "environment", "judicial")
#: Whom or what a clue is about: the same vocabulary as ``subject_type`` in the truth tables.
SUBJECT_TYPES = (
    "person",
    "household",
    "settlement",
    "drug_trace_code",
    "institution",
    "institution_month",
    "institution_day",
    "enterprise",
    "enterprise_year",
    "outlet",
    "penalty",
    "order",
    "case",
)
PARAM_TYPES = {"integer": int, "number": float, "string": str, "date": dt.date, "boolean": bool}
REQUIRED = ("id", "version", "name", "field", "supervision_point", "legal_basis", "sources", "clue")
#: Floors a spec may promise under ``expected:`` (checked by ``kit run --all``).
EXPECTED = ("recall", "conversion")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Param:
    """One tunable parameter of a model.

    Attributes
    ----------
    name : str
    type : str
        ``integer``, ``number``, ``string``, ``date`` or ``boolean``.
    default : Any
    help : str
        What the parameter means, in plain words.
    minimum, maximum : float or None
        Allowed range for numbers.
    """

    name: str
    type: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None

    def coerce(self, value: Any, where: str) -> Any:
        """Convert ``value`` to this parameter's type, or raise ``ParamError`` saying why."""
        text = f"{where}: parameter {self.name} = {value!r}"
        try:
            if self.type == "boolean":
                if isinstance(value, str) and value.lower() in {"true", "false"}:
                    value = value.lower() == "true"
                if not isinstance(value, bool):
                    raise ValueError
            elif self.type == "integer":
                if isinstance(value, bool) or float(value) != int(float(value)):
                    raise ValueError
                value = int(float(value))
            elif self.type == "number":
                if isinstance(value, bool):
                    raise ValueError
                value = float(value)
            elif self.type == "date":
                if not isinstance(value, dt.date):
                    value = dt.date.fromisoformat(str(value))
            else:
                value = str(value)
        except (TypeError, ValueError):
            raise ParamError(f"{text} is not a valid {self.type}. Fix: {self.help}") from None
        if self.minimum is not None and value < self.minimum:
            raise ParamError(f"{text} is below the minimum {self.minimum}.")
        if self.maximum is not None and value > self.maximum:
            raise ParamError(f"{text} is above the maximum {self.maximum}.")
        return value

    def literal(self, value: Any) -> str:
        """``value`` written as a SQL literal (the same text on every engine)."""
        if self.type == "boolean":
            return "TRUE" if value else "FALSE"
        if self.type in {"integer", "number"}:
            return repr(value)
        if self.type == "date":
            return f"DATE '{value.isoformat()}'"
        return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class ModelSpec:
    """A supervision model: what it looks for, on which data, with which rule.

    Build it with :meth:`from_yaml` or :func:`kit.models.get`; it is validated when built.

    Attributes
    ----------
    id, version : str, int
        ``SS01`` and its version number.
    name : dict
        ``{"en": ..., "zh": ...}``.
    field : str
        Business field: social_security, medical_insurance, environment or judicial.
    supervision_point : dict
        What is supervised (监督点), ``{"en": ..., "zh": ...}``.
    legal_basis : tuple of str
    sources : tuple of str
        Tables the rule reads.
    params : dict of str to Param
    subject_type, pattern : str
        Whom a clue is about, and the truth pattern it targets.
    sql : str
        The rule in DuckDB SQL with ``$param`` placeholders.
    evidence : dict
        Templates of the evidence sentence (``en`` and optionally ``zh``), filled from clue columns.
    mask : dict
        How the model's own output columns are masked in displays and exports (column: kind of
        :data:`kit.mask.MASKERS`); text columns are scrubbed of ID numbers and company codes anyway.
    expected : dict
        Floors measured on the sample data that the model must keep meeting: ``recall`` and
        ``conversion`` (conversion rate), each a share between 0 and 1.
    """

    id: str
    version: int
    name: dict[str, str]
    field: str
    supervision_point: dict[str, str]
    legal_basis: tuple[str, ...]
    sources: tuple[str, ...]
    params: dict[str, Param]
    subject_type: str
    pattern: str
    sql: str
    evidence: dict[str, str] = field(default_factory=dict)
    dataset: str = ""
    description: str = ""
    limitations: tuple[str, ...] = ()
    expected: dict[str, float] = field(default_factory=dict)
    mask: dict[str, str] = field(default_factory=dict)
    link: tuple[LinkStep, ...] = ()
    path: Path | None = field(default=None, compare=False)
    hash: str = field(default="", compare=False)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_yaml(cls, path: str | Path) -> ModelSpec:
        """Load and validate a spec from a YAML file."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
        except (OSError, yaml.YAMLError) as exc:
            raise SpecError(f"{path.name}: cannot be read as YAML ({exc}).") from exc
        return cls.from_dict(data, source=path.name, path=path)

    @classmethod
    def from_dict(cls, data: Any, source: str = "spec", path: Path | None = None) -> ModelSpec:
        """Validate a spec given as a dictionary; errors start with the section at fault."""
        if not isinstance(data, dict):
            raise SpecError(f"{source}: a model spec must be a mapping of sections.")
        missing = [k for k in REQUIRED if k not in data]
        if "sql" not in data:
            missing.append("sql")
        if missing:
            raise SpecError(f"{source}: missing section(s) {', '.join(missing)}.")
        if data["field"] not in FIELDS:
            raise SpecError(f"{source}, section field: {data['field']!r} is not one of {FIELDS}.")
        clue = data["clue"] or {}
        if clue.get("subject_type") not in SUBJECT_TYPES or not clue.get("pattern"):
            raise SpecError(
                f"{source}, section clue: needs subject_type (one of {SUBJECT_TYPES}) and pattern."
            )
        params = {n: _param(n, p, source) for n, p in (data.get("params") or {}).items()}
        used = set(_PLACEHOLDER.findall(data["sql"]))
        if unknown := sorted(used - set(params)):
            raise SpecError(f"{source}, section sql: uses undeclared parameter(s) ${unknown[0]}.")
        for section in ("legal_basis", "sources", "limitations"):
            items = data.get(section) or []
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise SpecError(
                    f"{source}, section {section}: give a list of texts; an entry is not plain "
                    "text (a ': ' inside an unquoted YAML line makes a mapping - quote it or "
                    "use '>-')."
                )
        expected = _expected(data.get("expected"), source)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return cls(
            id=str(data["id"]),
            version=int(data["version"]),
            name=_bilingual(data["name"], "name", source),
            field=data["field"],
            supervision_point=_bilingual(data["supervision_point"], "supervision_point", source),
            legal_basis=tuple(data["legal_basis"]),
            sources=tuple(data["sources"]),
            params=params,
            subject_type=clue["subject_type"],
            pattern=clue["pattern"],
            sql=data["sql"],
            evidence=_bilingual(data.get("evidence") or {"en": ""}, "evidence", source),
            dataset=str(data.get("dataset", "")),
            description=str(data.get("description", "")).strip(),
            limitations=tuple(data.get("limitations") or ()),
            expected=expected,
            mask=_mask(data.get("mask"), source),
            link=parse_link_section(data.get("link"), source, params),
            path=path,
            hash=hashlib.sha256(canonical.encode()).hexdigest(),
            raw=copy.deepcopy(data),
        )

    def derive(self, **changes: Any) -> ModelSpec:
        """A new, validated spec with some sections replaced (e.g. ``id`` and ``sql``).

        Examples
        --------
        >>> from kit.models import get
        >>> naive = get("SS01").derive(id="SS01-naive", params={}, sql="SELECT 1 AS x")
        >>> naive.id, naive.hash == get("SS01").hash
        ('SS01-naive', False)
        """
        data = {**copy.deepcopy(self.raw), **changes}
        return ModelSpec.from_dict(data, source=f"{data.get('id')} (derived from {self.id})")

    def resolve_params(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated with ``overrides``, each checked and converted to its type."""
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(self.params))
        if unknown:
            known = ", ".join(self.params) or "none"
            raise ParamError(f"{self.id}: unknown parameter {unknown[0]!r}. Parameters: {known}.")
        return {n: p.coerce(overrides.get(n, p.default), self.id) for n, p in self.params.items()}

    def render_sql(self, values: dict[str, Any]) -> str:
        """The SQL with every ``$param`` replaced by its value as a literal."""
        return _PLACEHOLDER.sub(lambda m: self.params[m[1]].literal(values[m[1]]), self.sql)

    def _repr_markdown_(self) -> str:
        return f"**{self.id} v{self.version}: {self.name['en']} ({self.name.get('zh', '')})**"


def _bilingual(value: Any, section: str, source: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value.strip()}
    if not isinstance(value, dict) or "en" not in value:
        raise SpecError(f"{source}, section {section}: give an 'en' text (and a 'zh' one).")
    return {k: str(v).strip() for k, v in value.items()}


def _mask(value: Any, source: str) -> dict[str, str]:
    """The ``mask:`` section: how the model's own output columns are masked (column: kind)."""
    from kit.mask import MASKERS

    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(f"{source}, section mask: give column: kind pairs, e.g. {{name: name}}.")
    for column, kind in value.items():
        if kind not in MASKERS:
            raise SpecError(
                f"{source}, section mask: column {column!r} has kind {kind!r}; "
                f"use one of {', '.join(sorted(MASKERS))}."
            )
    return {str(k): str(v) for k, v in value.items()}


def _expected(value: Any, source: str) -> dict[str, float]:
    """The ``expected:`` floors: recall and conversion, each a share between 0 and 1."""
    if value is None:
        return {}
    where = f"{source}, section expected"
    if not isinstance(value, dict):
        raise SpecError(
            f"{where}: give floors as a mapping, e.g. {{recall: 0.9, conversion: 0.5}}."
        )
    floors = {}
    for key, floor in value.items():
        if key not in EXPECTED:
            raise SpecError(f"{where}: {key!r} is not one of {', '.join(EXPECTED)}.")
        if isinstance(floor, bool) or not isinstance(floor, int | float) or not 0 <= floor <= 1:
            raise SpecError(f"{where}: {key} = {floor!r} must be a share between 0 and 1.")
        floors[key] = float(floor)
    return floors


def _param(name: str, spec: Any, source: str) -> Param:
    where = f"{source}, section params.{name}"
    if not isinstance(spec, dict) or "default" not in spec or "help" not in spec:
        raise SpecError(f"{where}: give a default and a help text.")
    kind = spec.get("type") or _infer_type(spec["default"])
    if kind not in PARAM_TYPES:
        raise SpecError(f"{where}: type {kind!r} is not one of {', '.join(PARAM_TYPES)}.")
    param = Param(name, kind, spec["default"], str(spec["help"]), spec.get("min"), spec.get("max"))
    try:
        default = param.coerce(spec["default"], where)
    except ParamError as exc:
        raise SpecError(str(exc)) from None
    return Param(name, kind, default, param.help, param.minimum, param.maximum)


def _infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "string"
