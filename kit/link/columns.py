"""Which column of a table holds which identity field (ID number, name, sex, birth date, region)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from kit.errors import DataError, Problem, SpecError

#: Identity roles and what each means, in the order they are listed in messages.
ROLES: dict[str, str] = {
    "id": "resident ID number (公民身份号码)",
    "name": "person's name (姓名)",
    "sex": "sex (性别), M or F",
    "birth_date": "birth date (出生日期)",
    "region": "6-digit region code (行政区划代码) of residence",
    "address": "address (地址), used for the region when there is no region code",
}


@dataclass(frozen=True)
class IdentityColumns:
    """Column names of the identity fields of one table; ``None`` for a field it lacks.

    ``id`` and ``name`` are required; the others are used when present. Defaults are the names
    of the sample master tables (``persons``, ``insured``) and of most secondary tables.

    Examples
    --------
    >>> IdentityColumns.of({"id": "owner_id_number", "name": "owner_name"}).name
    'owner_name'
    """

    id: str = "id_number"
    name: str = "name"
    sex: str | None = "sex"
    birth_date: str | None = "birth_date"
    region: str | None = "region_code"
    address: str | None = "address"

    @classmethod
    def of(cls, given: IdentityColumns | Mapping[str, Any] | None = None) -> IdentityColumns:
        """Build from a mapping of role -> column (unknown roles raise ``SpecError``)."""
        if given is None:
            return cls()
        if isinstance(given, IdentityColumns):
            return given
        unknown = sorted(set(given) - set(ROLES))
        if unknown:
            raise SpecError(
                f"Unknown identity field {unknown[0]!r}. Fix: use {', '.join(ROLES)} "
                "(each mapped to a column name)."
            )
        return replace(cls(), **{k: (None if v is None else str(v)) for k, v in given.items()})

    @classmethod
    def from_resource(cls, resource: Mapping[str, Any]) -> IdentityColumns:
        """Read the columns from a Data Package resource's ``kit:mask`` kinds.

        The ID number is the field masked as ``id``, the name the field masked as ``name``,
        the birth date a ``date`` field named ``*birth*``, the address a ``text`` field named
        ``*address*``; sex is the field named ``sex`` or ``*_sex``; the region is ``region_code``
        only beside ``id_number`` (``owner_region_code`` beside ``owner_id_number``), so a
        company's registered region is not taken for its legal representative's residence.
        Defaults stay where the descriptor says nothing.

        Examples
        --------
        >>> import kit
        >>> res = kit.datasets.load("social_security").resource("vehicles")
        >>> IdentityColumns.from_resource(res).id
        'owner_id_number'
        """
        found: dict[str, str] = {}
        for fld in resource.get("schema", {}).get("fields", []):
            name, kind = fld["name"], fld.get("kit:mask")
            if kind == "id":
                found.setdefault("id", name)
            elif kind == "name":
                found.setdefault("name", name)
            elif kind == "date" and "birth" in name:
                found.setdefault("birth_date", name)
            elif kind == "text" and "address" in name:
                found.setdefault("address", name)
            elif name == "sex" or name.endswith("_sex"):
                found.setdefault("sex", name)
        # the person's region, not e.g. a company's: region_code beside id_number, or
        # owner_region_code beside owner_id_number
        id_col = found.get("id", "id_number")
        prefix = id_col[: -len("id_number")] if id_col.endswith("id_number") else None
        names = {f["name"] for f in resource.get("schema", {}).get("fields", [])}
        region = f"{prefix}region_code" if prefix is not None else None
        found["region"] = region if region in names else None  # type: ignore[assignment]
        return cls.of(found)

    def to_dict(self) -> dict[str, str | None]:
        """Role -> column name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def present(self, frame: pd.DataFrame, table: str) -> IdentityColumns:
        """These columns with the optional ones that ``frame`` lacks set to ``None``.

        Raises
        ------
        DataError
            When the ID or name column is missing, naming the table, the column and the fix.
        """
        problems = []
        for role in ("id", "name"):
            col = getattr(self, role)
            if col not in frame.columns:
                problems.append(
                    Problem(
                        table,
                        None,
                        col,
                        f"record linkage needs the {ROLES[role]} in column {col!r}, which table "
                        f"{table!r} does not have (columns: {', '.join(map(str, frame.columns))}).",
                        f"name the column that holds it, e.g. columns: {{{role}: <column>}} in "
                        f"the link section for {table}, or link(..., columns={{{role!r}: ...}}).",
                    )
                )
        if problems:
            raise DataError(problems)
        optional = {
            role: None
            for role in ("sex", "birth_date", "region", "address")
            if getattr(self, role) not in frame.columns
        }
        return replace(self, **optional)
