"""The generator writer: descriptor-driven CSV, gzip and Parquet, chunk by chunk, all or nothing."""

from __future__ import annotations

import json
import types
from collections.abc import Iterator

import pandas as pd
import pytest

import kit
from kit.datasets import generators
from kit.datasets.generators.writer import format_column
from kit.errors import KitError

FIELDS = [
    {
        "name": "k",
        "type": "string",
        "description": "key",
        "description_zh": "键",
        "personal": False,
    },
    {"name": "d", "type": "date", "description": "d", "description_zh": "日", "personal": False},
    {
        "name": "t",
        "type": "datetime",
        "description": "t",
        "description_zh": "时",
        "personal": False,
    },
    {
        "name": "x",
        "type": "number",
        "kit:decimals": 2,
        "description": "x",
        "description_zh": "数",
        "personal": False,
    },
    {"name": "n", "type": "integer", "description": "n", "description_zh": "整", "personal": False},
    {"name": "b", "type": "boolean", "description": "b", "description_zh": "布", "personal": False},
]


def _fake(n_chunks: int, fail_at: int | None = None, path: str = "rows.csv") -> types.ModuleType:
    mod = types.ModuleType("fake")
    mod.FIELD, mod.DEFAULT_SEED = "fake", 7

    def package(seed: int, n_persons: int) -> tuple[dict, dict]:
        res = {"name": "rows", "path": path, "schema": {"fields": FIELDS, "primaryKey": "k"}}
        truth_fields = [
            {"name": c, "type": t, "description": c, "description_zh": c, "personal": False}
            for c, t in [
                ("pattern", "string"),
                ("subject_id", "string"),
                ("is_case", "boolean"),
                ("amount_improper", "number"),
                ("reason", "string"),
            ]
        ]
        truth = {"name": "truth", "path": "truth.csv", "schema": {"fields": truth_fields}}
        return ({"name": "fake", "resources": [res]}, {"name": "fake-truth", "resources": [truth]})

    def iter_chunks(
        seed: int, n_persons: int, *, chunk_persons: int = 1, identity_noise: float = 0.05
    ) -> Iterator[dict]:
        for k in range(n_chunks):
            if k == fail_at:
                raise RuntimeError("generator broke")
            yield {
                "rows": pd.DataFrame(
                    {
                        "k": [f"K{k}a", f"K{k}b"],
                        "d": pd.to_datetime(["2024-01-02", None]).astype("datetime64[s]"),
                        "t": pd.to_datetime(["2024-01-02 03:04:05"] * 2).astype("datetime64[s]"),
                        "x": [1.005, 2.0 / 3],
                        "n": pd.array([k, None], dtype="Int64"),
                        "b": [True, False],
                    }
                ),
                "truth": pd.DataFrame(
                    {
                        "pattern": ["p"],
                        "subject_id": [f"K{k}a"],
                        "is_case": [k % 2 == 0],
                        "amount_improper": [10.0 * k],
                        "reason": ["case" if k % 2 == 0 else "trap"],
                    }
                ),
            }

    mod.package, mod.iter_chunks = package, iter_chunks
    return mod


@pytest.fixture
def use_fake(monkeypatch):
    def install(mod: types.ModuleType) -> None:
        monkeypatch.setattr(generators, "get", lambda field: mod)

    return install


def test_format_column_follows_the_descriptor():
    s = pd.Series([1.005, None, 2.5])
    assert format_column(s, {"type": "number", "kit:decimals": 2}).tolist() == ["1.00", "", "2.50"]
    b = pd.Series([True, False])
    assert format_column(b, {"type": "boolean"}).tolist() == ["true", "false"]
    t = pd.Series(pd.to_datetime(["2024-03-01 13:00:00"]))
    assert format_column(t, {"type": "datetime"}).tolist() == ["2024-03-01T13:00:00"]


def test_csv_chunks_share_one_header_and_load_back(tmp_path, use_fake):
    use_fake(_fake(3))
    report = generators.write("fake", tmp_path / "out", n_persons=3, chunk_persons=1)
    assert report.rows == {"rows": 6, "truth": 3}
    text = (tmp_path / "out" / "rows.csv").read_text(encoding="utf-8")
    assert text.splitlines()[:3] == [
        "k,d,t,x,n,b",
        "K0a,2024-01-02,2024-01-02T03:04:05,1.00,0,true",
        "K0b,,2024-01-02T03:04:05,0.67,,false",
    ]
    ds = kit.datasets.load(tmp_path / "out")
    assert len(ds.tables["rows"]) == 6 and ds.tables["rows"]["t"].dtype == "datetime64[s]"
    assert ds.truth["is_case"].tolist() == [True, False, True]
    summary = kit.datasets.truth_summary(ds.truth)
    assert summary[["cases", "traps", "trap_kinds"]].iloc[0].tolist() == [2, 1, 1]


def test_gzip_output_is_byte_identical_across_runs(tmp_path, use_fake):
    use_fake(_fake(2, path="rows.csv.gz"))
    generators.write("fake", tmp_path / "a", n_persons=2, chunk_persons=1)
    generators.write("fake", tmp_path / "b", n_persons=2, chunk_persons=1)
    a, b = (
        (tmp_path / "a" / "rows.csv.gz").read_bytes(),
        (tmp_path / "b" / "rows.csv.gz").read_bytes(),
    )
    assert a == b and a[:2] == b"\x1f\x8b"
    assert len(kit.datasets.load(tmp_path / "a").tables["rows"]) == 4


def test_parquet_parts_per_chunk(tmp_path, use_fake):
    use_fake(_fake(3))
    generators.write("fake", tmp_path / "pq", n_persons=3, chunk_persons=1, fmt="parquet")
    meta = json.loads((tmp_path / "pq" / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["resources"][0]["path"] == [f"rows/part-0000{i}.parquet" for i in range(3)]
    assert meta["resources"][0]["format"] == "parquet"
    rows = kit.datasets.load(tmp_path / "pq").tables["rows"]
    assert rows["k"].tolist() == ["K0a", "K0b", "K1a", "K1b", "K2a", "K2b"]
    assert rows["d"].dtype == "datetime64[s]"


def test_failed_run_leaves_the_old_dataset_untouched(tmp_path, use_fake):
    use_fake(_fake(2))
    out = tmp_path / "out"
    generators.write("fake", out, n_persons=2, chunk_persons=1)
    (out / "DATASHEET.md").write_text("kept", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    use_fake(_fake(5, fail_at=3))
    with pytest.raises(RuntimeError, match="generator broke"):
        generators.write("fake", out, n_persons=5, chunk_persons=1)
    after = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no partial folder left


def test_datasheet_survives_regeneration(tmp_path, use_fake):
    use_fake(_fake(1))
    out = tmp_path / "out"
    generators.write("fake", out, n_persons=1)
    (out / "DATASHEET.md").write_text("hand-written", encoding="utf-8")
    generators.write("fake", out, n_persons=1)
    assert (out / "DATASHEET.md").read_text(encoding="utf-8") == "hand-written"


def test_undescribed_columns_are_refused(tmp_path, use_fake):
    mod = _fake(1)
    original = mod.iter_chunks

    def extra(seed, n_persons, *, chunk_persons=1, identity_noise=0.05):
        for chunk in original(seed, n_persons, chunk_persons=chunk_persons):
            chunk["rows"]["surprise"] = 1
            yield chunk

    mod.iter_chunks = extra
    use_fake(mod)
    with pytest.raises(KitError, match="undescribed \\['surprise'\\]"):
        generators.write("fake", tmp_path / "x", n_persons=1)


def test_unknown_field_scale_and_format():
    with pytest.raises(KitError, match="No generator for field 'weather'"):
        generators.get("weather")
    with pytest.raises(KitError, match="scale 'planet'"):
        generators.write("social_security", "unused", scale="planet")
    with pytest.raises(KitError, match="format 'xlsx'"):
        generators.write("social_security", "unused", fmt="xlsx")
    with pytest.raises(KitError, match="identity_noise=0.9"):
        generators.write("social_security", "unused", identity_noise=0.9)


def test_identity_noise_reaches_the_generator(tmp_path):
    clean = generators.write(
        "social_security", tmp_path / "clean", n_persons=3_000, identity_noise=0.0
    )
    noisy = generators.write(
        "social_security", tmp_path / "noisy", n_persons=3_000, identity_noise=0.2
    )
    assert clean.rows["linkage"] == 0
    assert noisy.rows["linkage"] > 50
