"""The builder: a rebuild from the raw files reproduces the committed snapshot; a failed build leaves no trace."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import needs_raw

from s3lib.data import _store, build
from s3lib.errors import DataError

OWN_TABLES = ["employment.parquet", "broad_sectors.parquet", "gdp.parquet", "population.parquet",
              "regions.parquet", "geometries.parquet", "nace.parquet", "nuts_crosswalk.parquet"]


@needs_raw
def test_rebuild_reproduces_the_committed_snapshot(tmp_path):
    manifest = build.build(out=tmp_path, command="s3lib data build --out TMP")
    assert manifest["command"] == "s3lib data build --out TMP"
    written = {e["file"]: e for e in manifest["files"]}
    bundled = {e["file"]: e for e in _store.manifest()["files"]}
    for name in OWN_TABLES:
        assert written[name]["rows"] == bundled[name]["rows"], name
        new = pq.read_table(tmp_path / name)  # arrow comparison: pandas' assert_frame_equal is slow here
        old = pq.read_table(_store.data_dir() / name)
        assert new.schema.equals(old.schema) and new.equals(old), name
        assert _store.sha256(tmp_path / name) == written[name]["sha256"]
    assert {"places.csv"} <= set(written)  # curated files come along
    assert not list(tmp_path.glob(".*.tmp-*"))


def _table(name, frame):
    return build.TableOut(name, frame, "test", "test", "test", "test licence", "a test table")


def test_write_snapshot_is_atomic(tmp_path):
    good = pd.DataFrame({"year": [2014], "value": [1.0]})
    build.write_snapshot([_table("a.parquet", good)], tmp_path, "first", "raw")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    class Broken(pd.DataFrame):
        def to_parquet(self, *args, **kwargs):
            raise OSError("disk full")

    changed = pd.DataFrame({"year": [2015], "value": [2.0]})
    with pytest.raises(OSError, match="disk full"):
        build.write_snapshot([_table("a.parquet", changed), _table("b.parquet", Broken(good))],
                             tmp_path, "second", "raw")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # old table and manifest untouched, no temporary file left
    assert json.loads((tmp_path / "manifest.json").read_text())["command"] == "first"


def test_manifest_entry_fields(tmp_path):
    frame = pd.DataFrame({"year": [2010, 2014], "level": pd.Series([2, 3], dtype="int8"), "value": [1.0, 2.0]})
    m = build.write_snapshot([_table("t.parquet", frame)], tmp_path, "s3lib data build", "raw")
    (entry,) = [e for e in m["files"] if e["file"] == "t.parquet"]
    assert entry["rows"] == 2 and entry["years"] == [2010, 2014] and entry["levels"] == [2, 3]
    assert entry["sha256"] == _store.sha256(tmp_path / "t.parquet")
    assert {"dataset", "vintage", "source", "licence", "bytes", "columns"} <= set(entry)
    assert any("EuroGeographics" in line for line in m["licence"])
    assert m["built_at"].endswith("+00:00")


def test_missing_raw_folder(tmp_path):
    with pytest.raises(DataError, match="not found"):
        build.build(raw=tmp_path / "nowhere", out=tmp_path / "out")
    with pytest.raises(DataError, match="--raw"):
        build.build(raw=tmp_path, out=tmp_path / "out")  # a folder without the raw files
    assert not (tmp_path / "out" / "manifest.json").exists()
