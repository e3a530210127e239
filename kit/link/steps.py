"""The ``link:`` section of a model spec: which tables get linked identities before the SQL runs.

A spec such as::

    params:
      use_linkage: {type: boolean, default: true, help: ...}
    link:
      deaths: {to: persons}
      vehicles: {to: persons, threshold: 0.95}

means: when ``use_linkage`` is true, the ID number column of ``deaths`` (and of ``vehicles``) is
replaced by the linked master identity of ``persons`` before the model's SQL runs, so the SQL is
unchanged and every engine sees the same linked table. Records that link to nobody keep their
cleaned ID number (or none). A spec that declares no ``use_linkage`` parameter always links.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kit.errors import KitError, SpecError
from kit.link.columns import IdentityColumns
from kit.link.linker import DEFAULT_THRESHOLD

#: The boolean parameter that switches linkage on and off, unless a step names another.
SWITCH = "use_linkage"
_KEYS = ("to", "columns", "master_columns", "threshold", "switch")


@dataclass(frozen=True)
class LinkStep:
    """Link one table's identities to a master register before a model runs.

    Attributes
    ----------
    table : str
        Table whose ID number column is replaced (``deaths``).
    to : str
        Master register (``persons``, ``insured``).
    columns, master_columns : dict or None
        Identity columns (role -> column) when the descriptor's ``kit:mask`` kinds do not say.
    threshold : float
        Match probability a probabilistic link needs.
    switch : str
        Boolean parameter that turns the step on (default ``use_linkage``).
    """

    table: str
    to: str
    columns: tuple[tuple[str, str | None], ...] = ()
    master_columns: tuple[tuple[str, str | None], ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    switch: str = SWITCH

    def to_dict(self) -> dict[str, Any]:
        """The step as written in YAML."""
        out: dict[str, Any] = {"to": self.to, "threshold": self.threshold}
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.master_columns:
            out["master_columns"] = dict(self.master_columns)
        if self.switch != SWITCH:
            out["switch"] = self.switch
        return out


def parse_link_section(
    section: Any, source: str = "spec", params: Mapping[str, Any] | None = None
) -> tuple[LinkStep, ...]:
    """Validate a spec's ``link:`` section; errors start with the section at fault.

    Parameters
    ----------
    section : dict or None
        ``{table: {to: master, columns: {...}, master_columns: {...}, threshold: p}}``.
    source : str
        Spec file name, for messages.
    params : mapping of str to Param, optional
        The spec's parameters. A step's switch (``use_linkage`` unless the step names another
        with ``switch:``) must be a ``boolean`` parameter when declared; without it the step
        always applies. A switch named explicitly must be declared.

    Returns
    -------
    tuple of LinkStep
        Empty when the section is absent.

    Examples
    --------
    >>> from kit.models.spec import Param
    >>> p = {"use_linkage": Param("use_linkage", "boolean", True, "link deaths")}
    >>> parse_link_section({"deaths": {"to": "persons"}}, "SS01.yaml", p)[0].to
    'persons'
    """
    if section is None:
        return ()
    if not isinstance(section, Mapping):
        raise SpecError(f"{source}, section link: give a mapping of table -> {{to: master}}.")
    params = params or {}
    steps = []
    for table, body in section.items():
        where = f"{source}, section link.{table}"
        if not isinstance(body, Mapping) or not body.get("to"):
            raise SpecError(f"{where}: say which master register to link to, e.g. {{to: persons}}.")
        unknown = sorted(set(body) - set(_KEYS))
        if unknown:
            raise SpecError(f"{where}: unknown key {unknown[0]!r}. Keys: {', '.join(_KEYS)}.")
        threshold = body.get("threshold", DEFAULT_THRESHOLD)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise SpecError(f"{where}.threshold: {threshold!r} is not a number between 0 and 1.")
        if not 0 < float(threshold) < 1:
            raise SpecError(f"{where}.threshold: {threshold!r} is not between 0 and 1.")
        switch = str(body.get("switch", SWITCH))
        param = params.get(switch)
        named = "switch" in body
        if (param is None and named) or (param is not None and param.type != "boolean"):
            raise SpecError(
                f"{where}: needs a boolean parameter {switch!r} that turns linkage on and off. "
                f"Fix: add params.{switch}: {{type: boolean, default: true, help: ...}}."
            )
        cols = _columns(body.get("columns"), f"{where}.columns")
        master_cols = _columns(body.get("master_columns"), f"{where}.master_columns")
        steps.append(
            LinkStep(str(table), str(body["to"]), cols, master_cols, float(threshold), switch)
        )
    return tuple(steps)


def _columns(value: Any, where: str) -> tuple[tuple[str, str | None], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise SpecError(f"{where}: give a mapping of identity field -> column, e.g. {{name: x}}.")
    try:
        IdentityColumns.of(value)
    except KitError as exc:
        raise SpecError(f"{where}: {exc}") from None
    return tuple(sorted((str(k), None if v is None else str(v)) for k, v in value.items()))
