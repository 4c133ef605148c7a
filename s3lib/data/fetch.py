"""The online path (``s3lib data fetch``): download the datasets and build the same tables.

Downloads Eurostat's SDMX 2.1 TSV bulk files of ``sbs_r_nuts06_r2``,
``nama_10r_3empers``, ``nama_10r_3gdp`` and ``demo_r_pjanaggr3`` and GISCO's
NUTS 2021 1:20M GeoJSON files into the user cache (:data:`s3lib.config.CACHE_DIR`),
records each download's URL, size and sha256, then builds the tables with the same
parsers as ``s3lib data build`` into ``<cache>/snapshot``. The classifications
(NUTS crosswalk and code versions, NACE, places, cluster tables) are copied from the
bundled snapshot: they are reference tables, not statistics. Use the result with
``S3LIB_DATA_DIR=<cache>/snapshot``.

Every request goes through :func:`transport`, which tests replace with a function
that returns small responses they write themselves; nothing here pretends a
download happened.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import shutil
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from s3lib import config
from s3lib.atomic import atomic_write
from s3lib.data import _store
from s3lib.errors import DataError

__all__ = ["DATASETS", "EUROSTAT_URL", "GISCO_URL", "download", "fetch", "transport"]

EUROSTAT_URL = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/{code}?format=TSV&compressed=true"
GISCO_URL = "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"
DATASETS = ("sbs_r_nuts06_r2", "nama_10r_3empers", "nama_10r_3gdp", "demo_r_pjanaggr3")
TIMEOUT = 60
#: Reference tables copied unchanged from the bundled snapshot.


def transport(url: str, timeout: float = TIMEOUT) -> bytes:
    """GET ``url`` and return the body (urllib; tests patch this function)."""
    request = urllib.request.Request(url, headers={"User-Agent": "s3lib (https://pypi.org/project/s3lib)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _get(url: str) -> bytes:
    host = url.split("/")[2]
    with answered(host, url):
        body = transport(url)
    if not body:
        raise DataError(f"{host} sent an empty answer for {url}")
    return body


@contextmanager
def answered(host: str, label: str):
    """Turn a network failure inside the block into one :class:`~s3lib.errors.DataError` line naming the host and
    what was asked (``label``): an HTTP error, or a host that cannot be reached (offline). Shared by every fetch."""
    try:
        yield
    except urllib.error.HTTPError as exc:
        raise DataError(f"{host} answered HTTP {exc.code} for {label}; the bundled snapshot in data/ "
                        "still works") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DataError(f"cannot reach {host} (offline?): {reason}; the bundled snapshot in data/ "
                        "still works") from None


def download(cache: Path) -> list[dict]:
    """Download every dataset and geometry file into ``cache/downloads``; return one record per file."""
    folder = cache / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    targets = [(EUROSTAT_URL.format(code=code), f"{code}.tsv.gz") for code in DATASETS]
    targets += [(GISCO_URL.format(level=level), f"NUTS_RG_20M_2021_4326_LEVL_{level}.geojson")
                for level in range(4)]
    records = []
    for url, name in targets:
        body = _get(url)
        path = folder / name
        with atomic_write(path) as tmp:
            tmp.write_bytes(body)
        records.append({"url": url, "path": str(path), "bytes": len(body),
                        "sha256": hashlib.sha256(body).hexdigest(),
                        "fetched_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()})
    return records


def _reference(bundled: Path):
    from s3lib.data.build import Reference

    regions = _store.read_table("regions.parquet", bundled)
    crosswalk = _store.read_table("nuts_crosswalk.parquet", bundled)
    versions = {c: tuple(int(v) for v in vs.split(",") if v) for c, vs in zip(regions["code"], regions["versions"])}
    return Reference(crosswalk, versions, set(regions["code"]))


def fetch(cache: Path | None = None, bundled: Path | None = None, command: str = "s3lib data fetch") -> dict:
    """Download the datasets, build the tables into ``<cache>/snapshot`` and return its manifest.

    Parameters
    ----------
    cache : the user cache (default :data:`s3lib.config.CACHE_DIR`).
    bundled : the snapshot whose reference tables are copied (default ``data/``).
    command : the command line recorded in the manifest.

    Raises
    ------
    DataError
        "cannot reach ... (offline?)" when a server cannot be reached.
    """
    from s3lib.atomic import check_output_dir
    from s3lib.data import nuts, regional, sbs
    from s3lib.data.build import (
        LICENCE_EUROSTAT,
        LICENCE_GISCO,
        TableOut,
        write_snapshot,
    )

    cache = Path(cache or config.CACHE_DIR)
    check_output_dir(cache, "--cache")  # a file or a read-only folder: one line before any download
    bundled = Path(bundled or _store.data_dir())
    ref = _reference(bundled)
    records = download(cache)
    files = {Path(r["path"]).name: Path(r["path"]) for r in records}
    url = {Path(r["path"]).name: r["url"] for r in records}
    day = records[0]["fetched_at"][:10]
    recode = ref.recoder(2021)  # the live files use the current NUTS version; older codes are recoded too

    employment = sbs.build_employment(files["sbs_r_nuts06_r2.tsv.gz"], None, recode, "sbs_r_nuts06_r2.tsv.gz", None)
    broad = regional.broad_sectors_from_tsv(files["nama_10r_3empers.tsv.gz"], recode, ref.known)
    gdp = regional.build_gdp(files["nama_10r_3gdp.tsv.gz"], recode, ref.known)
    population = regional.build_population(files["demo_r_pjanaggr3.tsv.gz"], recode, ref.known)
    geometries = nuts.read_geometries(cache / "downloads")

    def eurostat(name, frame, code, description):
        return TableOut(name, frame, code, f"downloaded {day}", url[f"{code}.tsv.gz"], LICENCE_EUROSTAT, description)

    tables = [
        eurostat("employment.parquet", employment, "sbs_r_nuts06_r2", "employment by region x NACE x year"),
        eurostat("broad_sectors.parquet", broad, "nama_10r_3empers", "employment by region x A*10 sector"),
        eurostat("gdp.parquet", gdp, "nama_10r_3gdp", "GDP by NUTS region"),
        eurostat("population.parquet", population, "demo_r_pjanaggr3", "population on 1 January"),
        TableOut("geometries.parquet", geometries, "NUTS_RG_20M_2021_4326", f"downloaded {day}",
                 GISCO_URL.format(level="{0..3}"), LICENCE_GISCO, "NUTS 2021 regions, 1:20M", geo=True),
    ]
    out = cache / "snapshot"
    out.mkdir(parents=True, exist_ok=True)
    bundled_entries = {e["file"]: e for e in _store.manifest(bundled)["files"]}
    copied = []
    downloaded = {t.name for t in tables}
    for name, e in bundled_entries.items():  # everything not downloaded comes from the bundled snapshot, checked
        if name not in downloaded:
            shutil.copyfile(_store.verified_path(name, bundled), out / name)
            copied.append({**e, "copied_from": str(bundled)})
    payload = write_snapshot(tables, out, command, "downloads (see `downloads`)", copied)
    payload.update({"downloads": records, "folder": str(out)})
    _store.write_manifest(out, payload)
    return payload
