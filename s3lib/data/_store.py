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
    "clear_cache",
    "data_dir",
    "entry",
    "manifest",
    "manifest_sha",
    "on_clear",
    "remember",
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


def _stamp(path: Path) -> tuple:
    """What changes when a file is rewritten: its inode, size and modification time (ns)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return (None,)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@cache
def _manifest_at(folder: Path, stamp: tuple) -> tuple[dict, str]:
    path = folder / MANIFEST
    if stamp == (None,) or not path.exists():
        raise DataError(f"no {MANIFEST} in {folder}: the data snapshot is missing; {FIX}")
    raw = path.read_bytes()
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not valid JSON ({exc}); {FIX}") from None
    return payload, hashlib.sha256(raw).hexdigest()


def _manifest(folder: Path) -> tuple[dict, str]:
    """The parsed manifest of ``folder`` and its sha256, read again whenever the file changes, so a
    snapshot rebuilt while a process runs gets a new key (nothing computed from the old one is reused)."""
    return _manifest_at(folder, _stamp(folder / MANIFEST))


def manifest(folder: Path | None = None) -> dict:
    """The parsed manifest of the snapshot (``files`` is a list of entries, one per file)."""
    return _manifest(folder or data_dir())[0]


def manifest_sha(folder: Path | None = None) -> str:
    """sha256 of the snapshot's ``manifest.json``: it changes whenever any file of the snapshot
    changes, so results computed from the snapshot are cached under it (checked at every call)."""
    return _manifest(folder or data_dir())[1]


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


def write_manifest(folder: Path, payload: dict) -> Path:
    """Write ``folder/manifest.json`` atomically and forget cached manifests and checksums."""
    from s3lib.atomic import atomic_write

    final = folder / MANIFEST
    with atomic_write(final) as tmp:
        tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    clear_cache()
    return final


_TABLES: dict[tuple, object] = {}


def _sha_of(folder: Path, name: str) -> str | None:
    for e in manifest(folder)["files"]:
        if e["file"] == name:
            return e["sha256"]
    return None


def table(name: str, folder: Path | None = None):
    """A verified table of the snapshot (:func:`cached_table`), as a shallow copy: with pandas' copy-on-write,
    changing it never changes what the next caller gets."""
    return cached_table(name, folder).copy(deep=False)


def cached_table(name: str, folder: Path | None = None):
    """The cached table itself, read once per process and per version of the file, for the loaders of
    :mod:`s3lib.data` that only select rows from it (:func:`selection` hands those out as copies); never hand
    it out as it is.

    Parquet files are read with pandas (GeoParquet with geopandas), ``.csv`` files as strings
    with empty cells kept as empty strings (the curated tables). The cache key holds the file's
    sha256 from the manifest, so a rebuilt snapshot is read again."""
    folder = folder or data_dir()
    key = (folder, name, _sha_of(folder, name))
    if key not in _TABLES:
        if name == "geometries.parquet":
            _TABLES[key] = read_geotable(name, folder)
        elif name.endswith(".csv"):
            _TABLES[key] = read_csv(name, folder)
        else:
            _TABLES[key] = read_table(name, folder)
    return _TABLES[key]


def remember(key: tuple, compute, folder: Path | None = None):
    """``compute()``, kept under ``key`` for the current snapshot of ``folder`` (the one cache of
    values derived from snapshot files: place registries, gazetteer indexes). Forgotten by
    :func:`clear_cache` and whenever the manifest changes."""
    folder = folder or data_dir()
    full = ("remember", folder, manifest_sha(folder), *key)
    if full not in _TABLES:
        _TABLES[full] = compute()
    return _TABLES[full]


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
    _manifest_at.cache_clear()
    _verify.cache_clear()
    _TABLES.clear()
    _SELECTIONS.clear()
    for callback in _ON_CLEAR:
        callback()
