"""A damaged snapshot gives a clear DataError naming the file and the fix, never a pyarrow traceback."""
from __future__ import annotations

import shutil

import pytest

import s3lib.data as d
from s3lib.data import _store
from s3lib.errors import DataError


@pytest.fixture
def snapshot_copy(tmp_path, monkeypatch):
    """A copy of the bundled snapshot (manifest, places and employment) that the test may damage."""
    source = _store.data_dir()
    for name in ("manifest.json", "employment.parquet", "places.csv", "regions.parquet"):
        shutil.copyfile(source / name, tmp_path / name)
    monkeypatch.setenv("S3LIB_DATA_DIR", str(tmp_path))
    _store.clear_cache()
    yield tmp_path
    _store.clear_cache()


def test_intact_copy_reads(snapshot_copy):
    assert len(d.employment(level=2, year=2014, nace="C")) > 200


def test_one_corrupted_byte(snapshot_copy):
    path = snapshot_copy / "employment.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DataError) as info:
        d.employment()
    message = str(info.value)
    assert "employment.parquet" in message and "make data" in message and "git checkout data/" in message


def test_truncated_file(snapshot_copy):
    path = snapshot_copy / "employment.parquet"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataError, match="employment.parquet.*make data"):
        d.employment()


def test_missing_file_and_missing_manifest(snapshot_copy):
    (snapshot_copy / "employment.parquet").unlink()
    with pytest.raises(DataError, match="employment.parquet is missing.*make data"):
        d.employment()
    (snapshot_copy / "manifest.json").unlink()
    _store.clear_cache()
    with pytest.raises(DataError, match="manifest.json.*make data"):
        d.employment()


def test_unreadable_file_matching_its_checksum(snapshot_copy):
    """Even a file whose checksum was (wrongly) updated gives a DataError, not a pyarrow error."""
    import json

    path = snapshot_copy / "employment.parquet"
    path.write_bytes(b"not a parquet file")
    manifest = json.loads((snapshot_copy / "manifest.json").read_text())
    for e in manifest["files"]:
        if e["file"] == "employment.parquet":
            e["sha256"] = _store.sha256(path)
    (snapshot_copy / "manifest.json").write_text(json.dumps(manifest))
    _store.clear_cache()
    with pytest.raises(DataError, match="cannot read data file employment.parquet"):
        d.employment()


def test_damaged_places_file(snapshot_copy):
    (snapshot_copy / "places.csv").write_text("key,name\natlantis,Atlantis\n")
    with pytest.raises(DataError, match="places.csv"):
        d.place("frankfurt")


def test_checksum_is_verified_once_per_process(snapshot_copy, monkeypatch):
    calls = []
    real = _store.sha256
    monkeypatch.setattr(_store, "sha256", lambda p: calls.append(p) or real(p))
    _store.verified_path("employment.parquet")
    _store.verified_path("employment.parquet")
    assert len(calls) == 1
