"""A dataset's tables: pandas DataFrames, or Parquet files read in place until a frame is asked for.

A province's payment table has a hundred million rows. Loading it into pandas to hand it to
DuckDB, which reads Parquet in place and out of core, would cost tens of gigabytes for nothing.
So a Parquet resource is loaded as a :class:`ParquetTable` (its files, schema and row count from
the Parquet footers) and the engines read those files directly; ``dataset.tables[name]`` still
gives a typed DataFrame, read on first access and kept, so every pandas caller works unchanged.

Examples
--------
>>> import pandas as pd
>>> tables = Tables({"t": pd.DataFrame({"a": [1, 2]})})
>>> len(tables["t"]), tables.rows("t"), tables.is_loaded("t")
(2, 2, True)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

_DATE_TYPES = {"date", "datetime"}


def footer_digest(path: Path) -> str:
    """SHA-256 of a Parquet file's size and footer (schema, row groups, column statistics).

    Reads the last bytes of the file only, so a 1 GB part is fingerprinted in microseconds. A
    rewrite that changes any value changes the footer in practice (sizes, offsets, min/max
    statistics); one that kept every one of them equal would go unnoticed.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size < 12:
            return hashlib.sha256(fh.read()).hexdigest()
        fh.seek(size - 8)
        tail = fh.read(8)
        length = int.from_bytes(tail[:4], "little")
        fh.seek(max(0, size - 8 - length))
        footer = fh.read(length + 8)
    digest = hashlib.sha256(str(size).encode())
    digest.update(footer)
    return digest.hexdigest()


@dataclass(frozen=True)
class ParquetTable:
    """One table of a dataset held in Parquet parts, read where it lies.

    Attributes
    ----------
    name : str
        Table name (the resource's ``name``).
    files : tuple of Path
        The Parquet parts, in the descriptor's order.
    fields : tuple of dict
        The descriptor's fields (name, type ...), used to type frames read from the files.
    """

    name: str
    files: tuple[Path, ...]
    fields: tuple[dict[str, Any], ...] = ()

    def __repr__(self) -> str:
        return f"<ParquetTable {self.name}: {self.num_rows:,} rows in {len(self.files)} file(s)>"

    def __len__(self) -> int:
        return self.num_rows

    @cached_property
    def _metadata(self) -> list[Any]:
        import pyarrow.parquet as pq

        return [pq.read_metadata(f) for f in self.files]

    @property
    def num_rows(self) -> int:
        """Rows over every part, from the Parquet footers (no data is read)."""
        return sum(m.num_rows for m in self._metadata)

    @cached_property
    def schema(self) -> Any:
        """The Arrow schema of the first part."""
        import pyarrow.parquet as pq

        return pq.read_schema(self.files[0])

    @property
    def columns(self) -> list[str]:
        """Column names, in the files' order."""
        return list(self.schema.names)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 over each part's name, size and footer (see :func:`footer_digest`)."""
        parts = [[f.name, footer_digest(f)] for f in self.files]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The table (or some of its columns) as a typed DataFrame; dates as ``datetime64[s]``."""
        import pyarrow.parquet as pq

        cols = None if columns is None else list(columns)
        frames = [pq.read_table(f, columns=cols).to_pandas() for f in self.files]
        return self._typed(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])

    def head(self, n: int = 5) -> pd.DataFrame:
        """The first ``n`` rows, reading only the first batches of the first parts."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        batches: list[Any] = []
        left = n
        for f in self.files:
            if left <= 0:
                break
            for batch in pq.ParquetFile(f).iter_batches(batch_size=max(left, 1)):
                batches.append(batch.slice(0, left))
                left -= min(left, batch.num_rows)
                break
        if not batches:
            return self._typed(self.schema.empty_table().to_pandas())
        return self._typed(pa.Table.from_batches(batches).to_pandas())

    def _typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        for fld in self.fields:
            if fld.get("type") in _DATE_TYPES and fld["name"] in frame.columns:
                frame[fld["name"]] = pd.to_datetime(frame[fld["name"]]).astype("datetime64[s]")
        return frame


Source = pd.DataFrame | ParquetTable


class Tables(MutableMapping[str, pd.DataFrame]):
    """A dataset's tables by name: ``tables[name]`` is always a DataFrame.

    Parquet tables stay on disk until a DataFrame is asked for; then they are read once and
    kept. Engines ask for :meth:`source` instead, which never reads the rows.
    """

    def __init__(self, tables: Mapping[str, Source] | None = None) -> None:
        if isinstance(tables, Tables):
            self._sources: dict[str, Source] = dict(tables._sources)
            self._frames: dict[str, pd.DataFrame] = dict(tables._frames)
        else:
            self._sources = dict(tables or {})
            self._frames = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        src = self._sources[name]
        if not isinstance(src, ParquetTable):
            return src
        if name not in self._frames:
            self._frames[name] = src.read()
        return self._frames[name]

    def __setitem__(self, name: str, frame: Source) -> None:
        self._sources[name] = frame
        self._frames.pop(name, None)

    def __delitem__(self, name: str) -> None:
        del self._sources[name]
        self._frames.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __contains__(self, name: object) -> bool:
        return name in self._sources

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{k}: {'Parquet' if isinstance(v, ParquetTable) else 'DataFrame'}"
            for k, v in self._sources.items()
        )
        return f"Tables({parts})"

    def source(self, name: str) -> Source:
        """The table as held: a DataFrame, or a :class:`ParquetTable` (nothing is read)."""
        return self._sources[name]

    def is_lazy(self, name: str) -> bool:
        """Whether the table is held in Parquet files."""
        return isinstance(self._sources[name], ParquetTable)

    def is_loaded(self, name: str) -> bool:
        """Whether the table is in memory as a DataFrame (always true for non-Parquet tables)."""
        return not self.is_lazy(name) or name in self._frames

    def rows(self, name: str) -> int:
        """Rows of a table, from the Parquet footers when it is not in memory."""
        return len(self._sources[name])

    def columns(self, name: str) -> list[str]:
        """Column names of a table without reading its rows."""
        src = self._sources[name]
        return src.columns if isinstance(src, ParquetTable) else list(src.columns)

    def frame(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """A table, or only ``columns`` of it, as a DataFrame (reads just those columns).

        Unlike ``tables[name]`` the frame is not kept, so reading two columns of a 100-million
        row table costs two columns.
        """
        src = self._sources[name]
        if isinstance(src, ParquetTable) and name not in self._frames:
            return src.read(columns)
        frame = self[name]
        return frame if columns is None else frame[list(columns)]

    def replace(self, **frames: Source) -> Tables:
        """A copy with some tables replaced; other tables (and frames already read) are shared."""
        out = Tables(self)
        for name, frame in frames.items():
            out[name] = frame
        return out
