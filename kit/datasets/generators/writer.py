"""Write a generated field to disk as a Data Package, chunk by chunk.

CSV cells are formatted from the descriptor (ISO dates, ``kit:decimals`` for numbers,
``true``/``false``), so the same seed always gives byte-identical files; ``.csv.gz`` files carry no
timestamp. Parquet output writes one part file per chunk, so a province-scale world never has to
fit in memory. The dataset is built in a temporary folder next to the target and moved into place
at the end: a failed run leaves the previous dataset untouched.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from kit.errors import KitError

TRUTH_DIR = "truth"


@dataclass
class WriteReport:
    """What :func:`write` wrote: rows per table, seconds, bytes on disk."""

    field: str
    path: Path
    seed: int
    n_persons: int
    format: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for ``--json``."""
        return {
            "field": self.field,
            "path": str(self.path),
            "seed": self.seed,
            "n_persons": self.n_persons,
            "format": self.format,
            "rows": dict(self.rows),
            "seconds": round(self.seconds, 2),
            "bytes": self.bytes,
        }


def format_column(values: pd.Series, spec: dict[str, Any]) -> pd.Series:
    """Text of one column as it goes into a CSV cell, following its field descriptor."""
    kind = spec.get("type", "string")
    missing = values.isna()
    if kind == "date":
        text = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
    elif kind == "datetime":
        text = pd.to_datetime(values).dt.strftime("%Y-%m-%dT%H:%M:%S")
    elif kind == "boolean":
        text = values.map({True: "true", False: "false"})
    elif kind == "number":
        decimals = spec.get("kit:decimals")
        numbers = values.astype("float64")
        if decimals is None:
            text = numbers.map(repr)
        else:
            text = pd.Series(
                np.char.mod(
                    f"%.{int(decimals)}f", np.round(numbers.fillna(0).to_numpy(), decimals)
                ),
                index=values.index,
            )
    elif kind == "integer":
        text = values.astype("Int64").astype(str)
    else:
        text = values.astype(str)
    return text.where(~missing, "").astype(object)


class _TableWriter:
    """Appends chunks of one table to a CSV, gzipped CSV or a folder of Parquet parts."""

    def __init__(self, base: Path, resource: dict[str, Any], fmt: str) -> None:
        self.resource = resource
        self.fields = resource["schema"]["fields"]
        self.columns = [f["name"] for f in self.fields]
        self.fmt = fmt
        self.rows = 0
        self.parts: list[str] = []
        self.base = base
        self.handle: IO[str] | None = None
        if fmt == "csv":
            path = base / resource["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            raw = open(path, "wb")  # noqa: SIM115 - closed in close()
            if resource["path"].endswith(".gz"):
                raw = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
            self.handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")

    def append(self, frame: pd.DataFrame) -> None:
        missing = [c for c in self.columns if c not in frame.columns]
        extra = [c for c in frame.columns if c not in self.columns]
        if missing or extra:
            raise KitError(
                f"Generator output for table {self.resource['name']!r} does not match its "
                f"descriptor: missing {missing}, undescribed {extra}."
            )
        frame = frame[self.columns]
        if self.fmt == "csv":
            text = pd.DataFrame(
                {f["name"]: format_column(frame[f["name"]], f) for f in self.fields},
                index=frame.index,
            )
            text.to_csv(self.handle, index=False, header=self.rows == 0, lineterminator="\n")
        else:
            self._append_parquet(frame)
        self.rows += len(frame)

    def _append_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        for f in self.fields:
            if f.get("type") == "date":
                i = table.schema.get_field_index(f["name"])
                table = table.set_column(i, f["name"], table.column(i).cast(pa.date32()))
        name = self.resource["name"]
        rel = f"{name}/part-{len(self.parts):05d}.parquet"
        (self.base / name).mkdir(parents=True, exist_ok=True)
        pq.write_table(table, self.base / rel)
        self.parts.append(rel)

    def close(self) -> dict[str, Any]:
        """Finish the file(s); returns the resource descriptor as written."""
        resource = dict(self.resource)
        if self.handle is not None:
            if self.rows == 0:
                self.handle.write(",".join(self.columns) + "\n")
            self.handle.close()
        if self.fmt == "parquet":
            resource.update(path=self.parts, format="parquet", mediatype="application/parquet")
            resource.pop("encoding", None)
        return resource


def write(
    field: str,
    out_dir: str | os.PathLike[str],
    *,
    scale: str = "county",
    n_persons: int | None = None,
    seed: int | None = None,
    fmt: str = "csv",
    progress: bool = False,
    chunk_persons: int = 250_000,
    identity_noise: float = 0.05,
) -> WriteReport:
    """Generate a field and write it as a Data Package into ``out_dir``.

    Parameters
    ----------
    field : str
        ``social_security``, ``medical_insurance`` or ``environment``.
    out_dir : path-like
        Target folder; replaced as a whole when the run succeeds, untouched when it fails.
    scale : str
        ``county`` (10,000 persons), ``city`` (500,000) or ``province`` (10 million).
    n_persons : int, optional
        Overrides the persons of ``scale``.
    seed : int, optional
        The world's seed (default: the field's ``DEFAULT_SEED``, as committed).
    fmt : str
        ``csv`` (paths as the descriptor gives, ``.csv`` or ``.csv.gz``) or ``parquet``.
    progress : bool
        Show a progress bar (tqdm) on standard error.
    chunk_persons : int
        Persons generated at a time; bounds memory.
    identity_noise : float
        Share of records in secondary sources whose identity is degraded (typos, old 15-digit
        numbers, missing IDs, homophone names), each listed in ``truth/linkage.csv``.

    Returns
    -------
    WriteReport
    """
    from kit.datasets.generators import SCALES, get

    if not 0.0 <= identity_noise <= 0.5:
        raise KitError(f"identity_noise={identity_noise}: give a share between 0 and 0.5.")
    if fmt not in {"csv", "parquet"}:
        raise KitError(f"format {fmt!r}: use csv or parquet.")
    if n_persons is None:
        if scale not in SCALES:
            raise KitError(f"scale {scale!r}: use one of {', '.join(SCALES)}.")
        n_persons = SCALES[scale]
    gen = get(field)
    seed = gen.DEFAULT_SEED if seed is None else int(seed)
    meta, truth_meta = gen.package(seed, n_persons)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.perf_counter()
    try:
        chunks = gen.iter_chunks(
            seed, n_persons, chunk_persons=chunk_persons, identity_noise=identity_noise
        )
        total = math.ceil(n_persons / chunk_persons)
        rows = _write_chunks(gen, chunks, total, tmp, meta, truth_meta, fmt, progress)
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return WriteReport(field, out, seed, n_persons, fmt, rows, time.perf_counter() - started, size)


def _write_chunks(
    gen: Any,
    chunks: Any,
    total: int,
    tmp: Path,
    meta: dict[str, Any],
    truth_meta: dict[str, Any],
    fmt: str,
    progress: bool,
) -> dict[str, int]:
    targets = {r["name"]: (tmp, r) for r in meta["resources"]}
    targets |= {r["name"]: (tmp / TRUTH_DIR, r) for r in truth_meta["resources"]}
    writers: dict[str, _TableWriter] = {}
    bar = None
    if progress:  # tqdm only when asked: in a notebook tqdm.auto warns when ipywidgets is missing
        from tqdm.auto import tqdm

        bar = tqdm(chunks, total=total, desc=f"{gen.FIELD}", unit="chunk")
    for chunk in bar if bar is not None else chunks:
        for name, frame in chunk.items():
            if name not in targets:
                raise KitError(f"Generator {gen.FIELD} made table {name!r} with no descriptor.")
            if name not in writers:
                base, resource = targets[name]
                writers[name] = _TableWriter(base, resource, fmt)
            writers[name].append(frame)
        if bar is not None:
            bar.set_postfix(rows=f"{sum(w.rows for w in writers.values()):,}")
        chunk = frame = None  # free this chunk's tables before the next chunk is generated
    for name, (base, resource) in targets.items():
        if name not in writers:  # a table no chunk produced still gets its header
            writers[name] = _TableWriter(base, resource, fmt)
    written = {name: w.close() for name, w in writers.items()}
    for base, descriptor in ((tmp, meta), (tmp / TRUTH_DIR, truth_meta)):
        descriptor = {
            **descriptor,
            "resources": [written[r["name"]] for r in descriptor["resources"]],
        }
        base.mkdir(parents=True, exist_ok=True)
        text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
        (base / "datapackage.json").write_text(text, encoding="utf-8")
    return {name: w.rows for name, w in writers.items()}


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Replace ``out`` with ``tmp``, keeping files in ``out`` that the generator does not write."""
    keep = ["DATASHEET.md"]
    if out.exists():
        for name in keep:
            if (out / name).is_file() and not (tmp / name).exists():
                shutil.copy2(out / name, tmp / name)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
