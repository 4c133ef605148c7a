"""Reading and writing the snapshot in ``data/``: checksums, the manifest, atomic writes.

Every loader goes through :func:`read_table`, which checks the file's sha256
against ``data/manifest.json`` the first time the file is read in a process
(the result is cached), so a corrupted or truncated file gives a
:class:`~s3lib.errors.DataError` that names the file and the fix instead of a
traceback from pyarrow.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from s3lib import config
from s3lib.errors import DataError

__all__ = [
    "FIX",
    "MANIFEST",
    "atomic_path",
    "clear_cache",
    "data_dir",
    "entry",
    "manifest",
    "manifest_sha",
    "on_clear",
    "read_csv",
    "read_geotable",
    "read_table",
    "sha256",
    "table",
    "verified_path",
    "write_manifest",
]

MANIFEST = "manifest.json"
FIX = "rebuild it with `make data` or restore it with `git checkout data/`"


def data_dir() -> Path:
    """The snapshot folder: ``S3LIB_DATA_DIR`` when set at call time, else :data:`s3lib.config.DATA_DIR`."""
    value = os.environ.get("S3LIB_DATA_DIR")
    return Path(value).expanduser().resolve() if value else config.DATA_DIR


def sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        raise DataError(f"no {MANIFEST} in {folder}: the data snapshot is missing; {FIX}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not valid JSON ({exc}); {FIX}") from None


def manifest(folder: Path | None = None) -> dict:
    """The parsed manifest of the snapshot (``files`` is a list of entries, one per file)."""
    return _manifest(folder or data_dir())


@cache
def _manifest_sha(folder: Path) -> str:
    _manifest(folder)  # a missing or broken manifest raises its DataError first
    return sha256(folder / MANIFEST)


def manifest_sha(folder: Path | None = None) -> str:
    """sha256 of the snapshot's ``manifest.json``: it changes whenever any file of the snapshot
    changes, so results computed from the snapshot are cached under it."""
    return _manifest_sha(folder or data_dir())


def entry(folder: Path, name: str, rows: int, *, dataset: str, vintage: str, source: str,
          licence: str, kind: str = "table", path: Path | None = None, **extra) -> dict:
    """A manifest entry for ``folder/name``: sha256, bytes, rows and provenance.

    ``path`` is the file to hash when it is not yet in place (a temporary file).
    """
    path = path or folder / name
    return {"file": name, "kind": kind, "sha256": sha256(path), "bytes": path.stat().st_size,
            "rows": int(rows), "dataset": dataset, "vintage": vintage, "source": source,
            "licence": licence, **extra}


@cache
def _verify(path: Path, expected: str) -> None:
    if sha256(path) != expected:
        raise DataError(
            f"data file {path.name} is corrupt or truncated (its sha256 does not match "
            f"{MANIFEST}); {FIX}")


def verified_path(name: str, folder: Path | None = None) -> Path:
    """Path of snapshot file ``name`` after checking it against the manifest (once per process)."""
    folder = folder or data_dir()
    files = {e["file"]: e for e in manifest(folder)["files"]}
    path = folder / name
    if name not in files:
        raise DataError(f"data file {name} is not listed in {folder / MANIFEST}; {FIX}")
    if not path.exists():
        raise DataError(f"data file {name} is missing from {folder}; {FIX}")
    _verify(path, files[name]["sha256"])
    return path


def read_table(name: str, folder: Path | None = None, **kwargs):
    """Read a verified Parquet file of the snapshot into a pandas DataFrame."""
    import pandas as pd

    path = verified_path(name, folder)
    try:
        return pd.read_parquet(path, **kwargs)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a damaged file
        raise DataError(f"cannot read data file {name} ({type(exc).__name__}); {FIX}") from None


def read_geotable(name: str, folder: Path | None = None, **kwargs):
    """Read a verified GeoParquet file of the snapshot into a GeoDataFrame."""
    import geopandas as gpd

    path = verified_path(name, folder)
    try:
        return gpd.read_parquet(path, **kwargs)
    except Exception as exc:  # noqa: BLE001 - as above
        raise DataError(f"cannot read data file {name} ({type(exc).__name__}); {FIX}") from None


def atomic_path(final: Path) -> Path:
    """A temporary sibling of ``final`` to write into before :func:`os.replace` moves it in place."""
    return final.with_name(f".{final.name}.tmp-{os.getpid()}")


def write_manifest(folder: Path, payload: dict) -> Path:
    """Write ``folder/manifest.json`` atomically and forget cached manifests and checksums."""
    final = folder / MANIFEST
    tmp = atomic_path(final)
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, final)
    clear_cache()
    return final


_TABLES: dict[tuple[Path, str], object] = {}


def table(name: str, folder: Path | None = None):
    """A verified table of the snapshot, read once per process (callers must not modify it).

    Parquet files are read with pandas (GeoParquet with geopandas), ``.csv`` files as strings
    with empty cells kept as empty strings (the curated tables)."""
    folder = folder or data_dir()
    key = (folder, name)
    if key not in _TABLES:
        if name == "geometries.parquet":
            _TABLES[key] = read_geotable(name, folder)
        elif name.endswith(".csv"):
            _TABLES[key] = read_csv(name, folder)
        else:
            _TABLES[key] = read_table(name, folder)
    return _TABLES[key]


def read_csv(name: str, folder: Path | None = None):
    """Read a verified curated CSV of the snapshot (all columns as strings, empty cells as ``""``)."""
    import pandas as pd

    path = verified_path(name, folder)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read data file {name} ({type(exc).__name__}); {FIX}") from None


def selection(df, key: tuple, compute):
    """``compute()``, remembered under ``key`` when ``df`` is one of the cached tables (the
    rows a loader selects from it are then a pure function of ``key``). Callers get a
    shallow copy: with pandas' copy-on-write, changing it never changes the cached one."""
    if not any(df is cached for cached in _TABLES.values()):
        return compute()
    key = (id(df), key)
    if key not in _SELECTIONS:
        _SELECTIONS[key] = compute()
    return _SELECTIONS[key].copy(deep=False)


_SELECTIONS: dict[tuple, object] = {}


_ON_CLEAR: list = []


def on_clear(callback) -> None:
    """Call ``callback()`` whenever :func:`clear_cache` runs (caches of results derived from the
    snapshot register here, so that one call forgets everything)."""
    if callback not in _ON_CLEAR:
        _ON_CLEAR.append(callback)


def clear_cache() -> None:
    """Forget the cached manifest, checksums, tables and selections, and every cache registered
    with :func:`on_clear` (after a rebuild, after switching ``S3LIB_DATA_DIR``, or in tests)."""
    _manifest.cache_clear()
    _manifest_sha.cache_clear()
    _verify.cache_clear()
    _TABLES.clear()
    _SELECTIONS.clear()
    for callback in _ON_CLEAR:
        callback()
