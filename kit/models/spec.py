"""ModelSpec: a supervision model (监督模型) declared in YAML and validated when loaded."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import textwrap
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
#: The ``step`` a ``rules:`` entry gives for the closing SELECT of the SQL (``SELECT`` instead
#: when the SQL has a step of its own called ``final``).
FINAL_STEP = "final"
#: Sections left out of the spec hash: documentation that does not change what a model computes.
#: A plain sentence per rule step (``rules:``) explains the SQL; rewording it must not give the
#: model a new hash, run ids or ledger version (ledgers register models by this hash).
UNHASHED = ("rules",)


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
class Rule:
    """The plain sentence that explains one step of a model's SQL (the ``rules:`` section).

    Attributes
    ----------
    step : str
        A step of the SQL: the name of a common table expression as written, or ``final`` for
        the closing SELECT (see :func:`final_step`).
    en, zh : str
        One plain sentence in English and in Chinese.
    """

    step: str
    en: str
    zh: str

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` (``en`` or ``zh``)."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class SqlStep:
    """One step of a rule's SQL: a common table expression, or the closing SELECT.

    Attributes
    ----------
    name : str
        The expression's name as written, or :func:`final_step` for the closing SELECT.
    sql : str
        The step's SQL: the body inside ``name AS ( ... )``, or the closing SELECT, dedented.
    comment : str
        The ``--`` comment lines that open the step, joined into one line ("" when none).
    final : bool
        True for the closing SELECT.
    """

    name: str
    sql: str
    comment: str = ""
    final: bool = False


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
    rules : tuple of Rule
        The optional ``rules:`` section: one plain sentence in English and Chinese per step of
        the SQL, ``{step: <CTE name, or "final" for the closing SELECT>, en: ..., zh: ...}``;
        the specification document shows it next to each step's SQL. It is documentation only
        and is left out of :attr:`hash` (see :data:`UNHASHED`).
    hash : str
        sha256 of the spec's sections as canonical JSON, without the ``rules:`` section: it
        names the model version in run ids and ledgers, and only what the model computes
        changes it.
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
    rules: tuple[Rule, ...] = ()
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
        rules = _rules(data.get("rules"), data["sql"], source)
        # The hash leaves out documentation-only sections (``rules:``): a better sentence for a
        # rule step does not change what the model computes, so it must not invalidate the
        # ledger version, the run ids or the stored outputs registered under the hash.
        hashed = {k: v for k, v in data.items() if k not in UNHASHED}
        canonical = json.dumps(hashed, sort_keys=True, ensure_ascii=False, default=str)
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
            rules=rules,
            path=path,
            hash=hashlib.sha256(canonical.encode()).hexdigest(),
            raw=copy.deepcopy(data),
        )

    def derive(self, **changes: Any) -> ModelSpec:
        """A new, validated spec with some sections replaced (e.g. ``id`` and ``sql``).

        With new ``sql`` and no ``rules``, a ``rules:`` entry is kept only when the new SQL has
        its step with the same SQL text (its sentence still describes it); the others are
        dropped, and the specification document then shows the step's SQL comment, marked as
        such. ``rules=`` given explicitly is validated like a file's section.

        Examples
        --------
        >>> from kit.models import get
        >>> naive = get("SS01").derive(id="SS01-naive", params={}, sql="SELECT 1 AS x")
        >>> naive.id, naive.hash == get("SS01").hash
        ('SS01-naive', False)
        >>> naive.rules
        ()
        """
        data = {**copy.deepcopy(self.raw), **changes}
        if "sql" in changes and "rules" not in changes and isinstance(data.get("rules"), list):
            old = {step.name: step.sql for step in self.steps()}
            new = {step.name: step.sql for step in split_sql(str(changes["sql"] or ""))}
            data["rules"] = [
                entry
                for entry in data["rules"]
                if isinstance(entry, dict)
                and entry.get("step") in new
                and new[entry["step"]] == old.get(entry["step"])
            ]
        return ModelSpec.from_dict(data, source=f"{data.get('id')} (derived from {self.id})")

    def rule(self, step: str) -> Rule | None:
        """The ``rules:`` entry of ``step`` (a CTE name or ``final``), or None."""
        return next((rule for rule in self.rules if rule.step == step), None)

    def steps(self) -> list[SqlStep]:
        """The steps of the SQL in order: each common table expression, then the closing
        SELECT (see :func:`split_sql`)."""
        return split_sql(self.sql)

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


_SQL_TOKEN = re.compile(
    r"""--[^\n]*|/\*.*?(?:\*/|\Z)|'(?:[^']|'')*(?:'|\Z)|"(?:[^"]|"")*(?:"|\Z)"""
    r"|[A-Za-z_][A-Za-z0-9_$]*|[()]|,|\S",
    re.DOTALL,
)


def final_step(sql: str) -> str:
    """The step name of the closing SELECT: ``final``, or ``SELECT`` when a CTE is called so.

    Examples
    --------
    >>> final_step("WITH a AS (SELECT 1) SELECT * FROM a"), final_step("SELECT 1")
    ('final', 'final')
    >>> final_step("WITH final AS (SELECT 1) SELECT * FROM final")
    'SELECT'
    """
    ctes = {step.name for step in split_sql(sql) if not step.final}
    return "SELECT" if FINAL_STEP in ctes else FINAL_STEP


def split_sql(sql: str) -> list[SqlStep]:
    """The steps of a rule: each common table expression of a leading ``WITH``, in order, then
    the closing SELECT.

    Comments and quoted text are skipped when brackets are matched, so a step may be written on
    one line or many. SQL that cannot be read as ``WITH name AS (...), ... SELECT ...`` is one
    closing step.

    Examples
    --------
    >>> steps = split_sql("WITH a AS (\\n  -- people alive\\n  SELECT 1\\n)\\nSELECT * FROM a")
    >>> [(s.name, s.comment, s.sql) for s in steps]
    [('a', 'people alive', '-- people alive\\nSELECT 1'), ('final', '', 'SELECT * FROM a')]
    """
    tokens = [
        (m[0], m.start(), m.end())
        for m in _SQL_TOKEN.finditer(sql)
        if not m[0].startswith(("--", "/*"))
    ]
    ctes: list[tuple[str, str]] = []
    rest = sql
    words = [text.upper() for text, _, _ in tokens]
    i = 0
    if words[:1] == ["WITH"]:
        i = 2 if words[1:2] == ["RECURSIVE"] else 1
        while i < len(tokens):
            name = tokens[i][0]
            if name.startswith('"'):
                name = name[1:-1].replace('""', '"')
            elif not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", name):
                return [_final_step(sql, [])]
            i += 1
            if words[i : i + 1] == ["("]:  # a column list
                i = _closing(words, i) + 1
            if words[i : i + 1] != ["AS"]:
                return [_final_step(sql, [])]
            i += 1
            if words[i : i + 2] == ["NOT", "MATERIALIZED"]:
                i += 2
            elif words[i : i + 1] == ["MATERIALIZED"]:
                i += 1
            if words[i : i + 1] != ["("]:
                return [_final_step(sql, [])]
            end = _closing(words, i)
            if end >= len(tokens):
                return [_final_step(sql, [])]
            ctes.append((name, sql[tokens[i][2] : tokens[end][1]]))
            i = end + 1
            if words[i : i + 1] != [","]:
                rest = sql[tokens[end][2] :]  # with any comment that opens the closing SELECT
                break
            i += 1
        else:
            rest = ""
    steps = [SqlStep(name, _dedent(body), _opening_comment(body)) for name, body in ctes]
    return [*steps, _final_step(rest, [name for name, _ in ctes])]


def _closing(words: list[str], start: int) -> int:
    """Index of the bracket that closes the one at ``start`` (len(words) when none does)."""
    depth = 0
    for j in range(start, len(words)):
        depth += {"(": 1, ")": -1}.get(words[j], 0)
        if depth == 0:
            return j
    return len(words)


def _final_step(sql: str, ctes: list[str]) -> SqlStep:
    name = "SELECT" if FINAL_STEP in ctes else FINAL_STEP
    return SqlStep(name, _dedent(sql), _opening_comment(sql), final=True)


def _dedent(text: str) -> str:
    return textwrap.dedent(text.strip("\n")).strip()


def _opening_comment(body: str) -> str:
    comment = []
    for line in body.strip().splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        comment.append(stripped.lstrip("-").strip())
    return " ".join(comment)


def _rules(value: Any, sql: str, source: str) -> tuple[Rule, ...]:
    """The ``rules:`` section: ``{step, en, zh}`` per step of the SQL, each step at most once."""
    if value is None:
        return ()
    where = f"{source}, section rules"
    if not isinstance(value, list):
        raise SpecError(
            f"{where}: give a list of entries, one per step of the SQL, each "
            "{step: <CTE name or final>, en: <sentence>, zh: <sentence>}."
        )
    steps = [step.name for step in split_sql(sql)]
    rules: list[Rule] = []
    for n, entry in enumerate(value, 1):
        if not isinstance(entry, dict):
            raise SpecError(f"{where}: entry {n} is not a mapping; give step, en and zh.")
        step = entry.get("step")
        if not isinstance(step, str) or not step.strip():
            raise SpecError(f"{where}: entry {n} gives no step (a CTE name of the SQL or final).")
        step = step.strip()
        at = f"{where}, step {step}"
        if step not in steps:
            raise SpecError(
                f"{at}: not a step of the SQL; steps are {', '.join(steps)} "
                f"({steps[-1]} is the closing SELECT)."
            )
        if unknown := sorted(set(entry) - {"step", "en", "zh"}):
            raise SpecError(f"{at}: unknown key(s) {', '.join(map(str, unknown))}; use en and zh.")
        if any(rule.step == step for rule in rules):
            raise SpecError(f"{at}: explained twice; give one entry per step.")
        texts = {}
        for lang in ("en", "zh"):
            text = entry.get(lang)
            if text is None or (isinstance(text, str) and not text.strip()):
                raise SpecError(f"{at}: give an 'en' and a 'zh' sentence; {lang} is missing.")
            if not isinstance(text, str):
                raise SpecError(
                    f"{at}: {lang} is not plain text (a ': ' inside an unquoted YAML line makes "
                    "a mapping - quote it or use '>-')."
                )
            texts[lang] = " ".join(text.split())
        rules.append(Rule(step, texts["en"], texts["zh"]))
    return tuple(rules)


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
