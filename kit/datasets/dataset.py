"""The Dataset: a validated Data Package of agency tables, its metadata and its ground truth."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from kit.datasets.tables import ParquetTable, Source, Tables, footer_digest
from kit.datasets.validate import read_resource
from kit.errors import DataError, KitError, Problem

DESCRIPTOR = "datapackage.json"
TRUTH_DIR = "truth"


def datasets_root() -> Path:
    """Folder holding the sample datasets.

    ``KIT_DATASETS`` overrides it; by default it is the ``datasets/`` folder of the repository
    that holds this package.
    """
    env = os.environ.get("KIT_DATASETS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "datasets"


@dataclass
class Dataset:
    """A loaded, validated dataset.

    Attributes
    ----------
    name : str
        Data Package name, e.g. ``social_security``.
    path : Path
        Folder the dataset was read from.
    meta : dict
        The Data Package descriptor (``datapackage.json``).
    tables : Tables
        One typed table per resource, by name: ``tables[name]`` is a DataFrame. Parquet tables
        are read in place by the engines and become a DataFrame only when asked for
        (:class:`~kit.datasets.tables.Tables`; :meth:`frame` reads some columns only). A plain
        dict of DataFrames may be given; it is wrapped.
    truth : DataFrame or None
        Ground truth of planted cases and traps (``truth/truth.csv``), ``None`` for hidden data.
    truth_tables : dict of str to DataFrame
        Every table in ``truth/`` (``truth`` and, where there is one, ``linkage``: the true
        identity of each record whose identifiers were degraded).
    fingerprint : str
        SHA-256 over the descriptor and every data file (not the truth), so runs can name the
        exact data they used; Parquet parts count by name, size and footer (row groups, column
        statistics) rather than by every byte.
    """

    name: str
    path: Path
    meta: dict[str, Any]
    tables: Tables
    truth: pd.DataFrame | None = None
    fingerprint: str = ""
    truth_meta: dict[str, Any] | None = field(default=None, repr=False)
    truth_tables: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tables, Tables):
            self.tables = Tables(self.tables)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}: {self.rows(k):,}" for k in self.tables)
        truth = "with truth" if self.truth is not None else "no truth"
        return f"<Dataset {self.name} ({sizes}; {truth})>"

    def resource(self, table: str) -> dict[str, Any]:
        """Descriptor of one table; raises ``KitError`` naming the tables there are."""
        for res in self.meta.get("resources", []):
            if res["name"] == table:
                return res
        known = ", ".join(self.tables)
        raise KitError(f"Dataset {self.name!r} has no table {table!r}. Tables: {known}.")

    def field(self, table: str, column: str) -> dict[str, Any]:
        """Descriptor of one column (type, unit, English and Chinese description, personal flag)."""
        for fld in self.resource(table)["schema"]["fields"]:
            if fld["name"] == column:
                return fld
        raise KitError(f"Table {table!r} of dataset {self.name!r} has no column {column!r}.")

    def mask_columns(self, table: str) -> dict[str, str]:
        """Columns of ``table`` holding personal data, mapped to how they are masked."""
        fields = self.resource(table)["schema"]["fields"]
        return {f["name"]: f["kit:mask"] for f in fields if f.get("kit:mask")}

    def source(self, table: str) -> Source:
        """A table as held, for engines: a DataFrame or a :class:`ParquetTable` (nothing read)."""
        if table not in self.tables:
            known = ", ".join(self.tables)
            raise KitError(f"Dataset {self.name!r} has no table {table!r}. Tables: {known}.")
        return self.tables.source(table)

    def rows(self, table: str) -> int:
        """Rows of a table (from the Parquet footers when it is not in memory)."""
        return len(self.source(table))

    def frame(self, table: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """A table, or some of its columns, as a typed DataFrame.

        For a Parquet table only ``columns`` are read, and the frame is not kept: the way to
        look at two columns of a hundred million payments. ``tables[table]`` reads every column
        once and keeps the frame.
        """
        self.source(table)
        return self.tables.frame(table, columns)

    def with_tables(self, **tables: pd.DataFrame) -> Dataset:
        """A copy with some tables replaced, under a fingerprint of its own.

        The fingerprint names the files a dataset was read from; a copy whose tables were
        edited in memory must not share it, or run ids and engine caches (Spark's staged
        Parquet) would take it for the original. The new fingerprint hashes the original's and
        the content of each replaced table. The original is not changed.

        Examples
        --------
        >>> import kit
        >>> ds = kit.datasets.load("social_security")
        >>> few = ds.with_tables(deaths=ds.tables["deaths"].head(3))
        >>> len(few.tables["deaths"]), few.fingerprint == ds.fingerprint
        (3, False)
        """
        unknown = sorted(set(tables) - set(self.tables))
        if unknown:
            known = ", ".join(self.tables)
            raise KitError(f"Dataset {self.name!r} has no table {unknown[0]!r}. Tables: {known}.")
        payload = json.dumps(
            [self.fingerprint, {name: table_hash(frame) for name, frame in tables.items()}],
            sort_keys=True,
        )
        return replace(
            self,
            tables=self.tables.replace(**tables),
            fingerprint=hashlib.sha256(payload.encode()).hexdigest(),
        )

    def preview(self, table: str, n: int = 5) -> pd.DataFrame:
        """First ``n`` rows of a table with identifiers and names masked (for display).

        A Parquet table is not loaded: only its first rows are read.
        """
        from kit.mask import mask_frame

        src = self.source(table)
        head = self.tables[table].head(n) if self.tables.is_loaded(table) else src.head(n)
        return mask_frame(head, self.mask_columns(table))

    def describe(self) -> pd.DataFrame:
        """One row per table: rows, columns and the English and Chinese titles."""
        rows = []
        for res in self.meta.get("resources", []):
            name = res["name"]
            rows.append(
                {
                    "table": name,
                    "title": res.get("title", ""),
                    "title_zh": res.get("title_zh", ""),
                    "rows": self.rows(name),
                    "columns": len(self.tables.columns(name)),
                }
            )
        return pd.DataFrame(rows)


def table_hash(frame: Source, columns: Sequence[str | None] | None = None) -> str:
    """SHA-256 of a table's content: its index, column names and the values of ``columns``.

    ``columns`` defaults to every column; ``None`` entries and columns the table lacks are
    skipped. Rows in another order give another hash. A :class:`ParquetTable` is hashed by its
    files' names, sizes and footers and the columns asked for, without reading its rows.

    Examples
    --------
    >>> a = pd.DataFrame({"id_number": ["1", "2"], "name": ["甲", "乙"]})
    >>> table_hash(a, ["id_number"]) == table_hash(a.iloc[::-1], ["id_number"])
    False
    """
    if isinstance(frame, ParquetTable):
        wanted = frame.columns if columns is None else columns
        cols = [c for c in dict.fromkeys(wanted) if c is not None and c in frame.columns]
        payload = json.dumps(["parquet", frame.fingerprint, cols])
        return hashlib.sha256(payload.encode()).hexdigest()
    wanted = frame.columns if columns is None else columns
    cols = [c for c in dict.fromkeys(wanted) if c is not None and c in frame.columns]
    part = frame[cols]
    digest = hashlib.sha256(json.dumps([len(part), [str(c) for c in cols]]).encode())
    digest.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def truth_summary(truth: pd.DataFrame) -> pd.DataFrame:
    """Per pattern: true cases, traps, the kinds of trap, and the improper amount of the cases.

    Examples
    --------
    >>> t = pd.DataFrame({"pattern": ["p", "p", "p"], "subject_id": ["a", "b", "c"],
    ...                   "is_case": [True, False, False], "amount_improper": [5.0, 0, 0],
    ...                   "reason": ["case", "trap_x", "trap_y"]})
    >>> truth_summary(t).iloc[0].to_dict()
    {'pattern': 'p', 'cases': 1, 'traps': 2, 'trap_kinds': 2, 'amount_improper': 5.0, 'trap_reasons': 'trap_x, trap_y'}
    """
    rows = []
    for pattern, group in truth.groupby("pattern", sort=True):
        cases = group[group["is_case"].astype(bool)]
        traps = group[~group["is_case"].astype(bool)]
        reasons = sorted(set(traps["reason"].astype(str)))
        rows.append(
            {
                "pattern": pattern,
                "cases": len(cases),
                "traps": len(traps),
                "trap_kinds": len(reasons),
                "amount_improper": round(float(cases["amount_improper"].sum()), 2),
                "trap_reasons": ", ".join(reasons),
            }
        )
    return pd.DataFrame(rows)


def resolve(name_or_path: str | os.PathLike[str]) -> Path:
    """Folder of a dataset given its name (``social_security``) or a path to its folder."""
    candidate = Path(name_or_path)
    if (candidate / DESCRIPTOR).is_file():
        return candidate
    named = datasets_root() / str(name_or_path)
    if (named / DESCRIPTOR).is_file():
        return named
    known = ", ".join(d["name"] for d in list_datasets()) or "none"
    raise KitError(
        f"No dataset {str(name_or_path)!r}: it is neither a known name (known: {known}) nor a "
        f"folder containing {DESCRIPTOR}. Fix: check the spelling, or give the dataset folder."
    )


def _read_descriptor(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problem = Problem(path.name, None, None, f"is not valid JSON ({exc}).", "restore the file")
        raise DataError([problem]) from exc


def _read_package(folder: Path) -> tuple[dict[str, Any], dict[str, Source], list[Problem]]:
    meta = _read_descriptor(folder / DESCRIPTOR)
    tables: dict[str, Source] = {}
    problems: list[Problem] = []
    for res in meta.get("resources", []):
        frame, found = read_resource(folder, res)
        tables[res["name"]] = frame
        problems.extend(found)
    return meta, tables, problems


def _fingerprint(folder: Path) -> str:
    """SHA-256 over every data and descriptor file under ``folder``, truth left out.

    Clues depend on the agency data only, so the same data with or without its ``truth/``
    folder (a hidden-data competition) has the same fingerprint, and so the same run ids.
    CSV and JSON files count byte for byte; a Parquet part by its name, size and footer
    (:func:`~kit.datasets.tables.footer_digest`), so a province's gigabytes are fingerprinted
    without being read.
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.relative_to(folder).parts[0] == TRUTH_DIR:
            continue
        if path.is_file() and path.suffix in {".csv", ".gz", ".json", ".parquet"}:
            digest.update(path.relative_to(folder).as_posix().encode())
            if path.suffix == ".parquet":
                digest.update(b"parquet-footer:" + footer_digest(path).encode())
            else:
                digest.update(path.read_bytes())
    return digest.hexdigest()


def load(name_or_path: str | os.PathLike[str] = "social_security") -> Dataset:
    """Load a dataset and check every file against its Data Package descriptor.

    Parameters
    ----------
    name_or_path : str or path-like
        A sample dataset's name (see :func:`list_datasets`) or a folder with ``datapackage.json``.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        Listing every problem found (file, row, column, bad value and fix); nothing is loaded.

    Examples
    --------
    >>> ds = load("social_security")
    >>> "persons" in ds.tables and ds.truth is not None
    True
    """
    folder = resolve(name_or_path)
    meta, tables, problems = _read_package(folder)
    truth = truth_meta = None
    truth_tables: dict[str, Source] = {}
    truth_dir = folder / TRUTH_DIR
    if (truth_dir / DESCRIPTOR).is_file():
        truth_meta, truth_tables, truth_problems = _read_package(truth_dir)
        problems += [
            Problem(f"{TRUTH_DIR}/{p.file}", p.row, p.column, p.message, p.fix)
            for p in truth_problems
        ]
    if problems:
        raise DataError(problems)
    # truth tables are small and read by pandas code (evaluation): always DataFrames
    truth_tables = {k: Tables(truth_tables)[k] for k in truth_tables}
    truth = truth_tables.get("truth")
    return Dataset(
        name=meta.get("name", folder.name),
        path=folder,
        meta=meta,
        tables=tables,
        truth=truth,
        fingerprint=_fingerprint(folder),
        truth_meta=truth_meta,
        truth_tables=truth_tables,
    )


def list_datasets() -> list[dict[str, Any]]:
    """The sample datasets shipped with the kit: name, titles, tables and whether truth is there."""
    root = datasets_root()
    found = []
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if (p / DESCRIPTOR).is_file()):
        meta = _read_descriptor(folder / DESCRIPTOR)
        found.append(
            {
                "name": meta.get("name", folder.name),
                "title": meta.get("title", ""),
                "title_zh": meta.get("title_zh", ""),
                "tables": [r["name"] for r in meta.get("resources", [])],
                "has_truth": (folder / TRUTH_DIR / DESCRIPTOR).is_file(),
            }
        )
    return found
