"""The online path for French cities (``s3lib data fetch urssaf --territory ...``).

Downloads URSSAF's commune x APE table (dataset ``etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last``)
for one French territory through the portal's export API (``/api/explore/v2.1/catalog/datasets/<id>/exports/csv``,
field identifiers as headers), and France's totals by APE code from the same table (the API sums every yearly field
over all communes: ``group_by=code_ape``), the national reference of every LQ. Each download is recorded with its
URL, size and sha256; the tables are built with the same reader as ``make data`` (:mod:`s3lib.data.build_urssaf`,
either header style) into a snapshot folder of its own, ``<cache>/urssaf/<kind>-<code>``: a copy of the bundled
snapshot whose URSSAF tables are the fetched territory's, plus ``urssaf_france.parquet``. Use it with
``S3LIB_DATA_DIR=<folder>``; a failed fetch leaves any previous folder as it was.

A territory is an EPCI name as the portal writes it ("Bordeaux Métropole"), an EPCI code (9 digits), a département
code ("33", "2A", "971") or name ("Gironde"), or a commune code or name (which reaches its EPCI, as offline).
Every request goes through :func:`transport`, which tests replace; nothing here pretends a download happened.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from s3lib import config
from s3lib.data import _store, build_urssaf
from s3lib.errors import DataError, UsageError

__all__ = ["EXPORT_URL", "TIMEOUT", "fetch", "national_url", "territory_url", "transport"]

EXPORT_URL = f"https://open.urssaf.fr/api/explore/v2.1/catalog/datasets/{build_urssaf.DATASET}/exports/csv"
TIMEOUT = 300
_HOST = "open.urssaf.fr"
#: How a typed territory is looked up on the portal, in order: (field, kind) for names, and codes by shape.
_NAME_FIELDS = (("epci", "epci"), ("departement", "departement"), ("commune", "commune"))
_CODE_FIELDS = ((r"\d{9}", "code_epci", "epci"), (r"\d{5}|2[AB]\d{3}", "code_commune", "commune"),
                (r"\d{2,3}|2[AB]", "code_departement", "departement"))


def transport(url: str, timeout: float = TIMEOUT, progress=None) -> bytes:
    """GET ``url`` and return the body, calling ``progress(bytes_so_far, total_or_0)`` per block (tests patch this)."""
    request = urllib.request.Request(url, headers={"User-Agent": "s3lib (https://pypi.org/project/s3lib)"})
    chunks, done = [], 0
    with urllib.request.urlopen(request, timeout=timeout) as response:
        total = int(response.headers.get("Content-Length") or 0)
        while True:
            block = response.read(1 << 16)
            if not block:
                break
            chunks.append(block)
            done += len(block)
            if progress is not None:
                progress(done, total)
    return b"".join(chunks)


class _Bar:
    """A one-line progress bar on stderr: ``label [#####.....] 1.2 of 3.4 MB`` (bytes only when the size is
    unknown). Drawn only on a terminal (``force`` draws it anywhere), so logs and pipes get the results alone."""

    def __init__(self, label: str, stream=None, force: bool = False):
        self.label, self.stream, self.shown = label, stream or sys.stderr, False
        self.active = force or bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if not self.active:
            return
        if total:
            filled = int(20 * min(done / total, 1.0))
            text = f"\r{self.label} [{'#' * filled}{'.' * (20 - filled)}] {done / 1e6:.1f} of {total / 1e6:.1f} MB"
        else:
            text = f"\r{self.label} {done / 1e6:.1f} MB"
        self.stream.write(text)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _get(url: str, label: str) -> bytes:
    from s3lib.data.fetch import answered

    bar = _Bar(label)
    try:
        with answered(_HOST, label):
            body = transport(url, TIMEOUT, bar)
    finally:
        bar.close()
    if not body:
        raise DataError(f"{_HOST} sent an empty answer for {label}")
    return body


def territory_url(field: str, value: str) -> str:
    """The export URL of every commune x APE row whose ``field`` equals ``value`` (semicolon-separated CSV)."""
    where = f'{field}="{value}"'
    return f"{EXPORT_URL}?{urllib.parse.urlencode({'where': where, 'delimiter': ';'})}"


def national_url(years) -> str:
    """The export URL of France's totals by APE code: every yearly field summed over all communes."""
    fields = [build_urssaf.YEARLY[m][1].format(year=y) for y in years for m in ("employees", "establishments")]
    select = "code_ape, " + ", ".join(f"sum({f}) as {f}" for f in fields)
    return f"{EXPORT_URL}?{urllib.parse.urlencode({'select': select, 'group_by': 'code_ape', 'delimiter': ';'})}"


def _rows(body: bytes) -> int:
    return max(body.decode("utf-8-sig", errors="replace").strip().count("\n"), 0)


def _check_territory(territory: str) -> str:
    text = " ".join(str(territory or "").split())
    if not text:
        raise UsageError("give a territory: --territory \"Bordeaux Métropole\" (an EPCI name or code, a département "
                         "code or name, or a commune)")
    if '"' in text or len(text) > 120 or any(ord(c) < 32 for c in text):
        raise UsageError(f"--territory {text[:60]!r}: a name or a code, without quotes, at most 120 characters")
    return text


def _lookups(territory: str):
    """``(field, kind)`` pairs to try for a typed territory: a code by its shape, else the name fields."""
    for pattern, field, kind in _CODE_FIELDS:
        if re.fullmatch(pattern, territory.upper()):
            return [(field, kind)]
    return list(_NAME_FIELDS)


def _resolve(territory: str, records: list) -> tuple[bytes, str, str, str, str | None]:
    """Download the rows of the territory: ``(body, kind, code, name, note)``; a commune reaches its EPCI."""
    for field, kind in _lookups(territory):
        value = territory.upper() if field.startswith("code_") else territory
        url = territory_url(field, value)
        body = _get(url, f"URSSAF {field}={value}")
        records.append(_record(url, body))
        if _rows(body) == 0:
            continue
        frame, _ = build_urssaf.read_portal_csv(body, f"the portal's rows for {field}={value}")
        if kind != "commune":
            code = value if field.startswith("code_") else frame[f"code_{field}"].iloc[0]
            name = frame[kind].iloc[0] if not field.startswith("code_") or kind in frame else value
            return body, kind, str(code), str(name), None
        epci, epci_name = str(frame["code_epci"].iloc[0]), str(frame["epci"].iloc[0])
        note = (f"{territory!r} is the commune {frame['code_commune'].iloc[0]}: the data are for {epci_name} (EPCI "
                f"{epci}), the intercommunality it belongs to")
        url = territory_url("code_epci", epci)
        body = _get(url, f"URSSAF code_epci={epci}")
        records.append(_record(url, body))
        return body, "epci", epci, epci_name, note
    raise UsageError(f"no French territory {territory!r} on {_HOST}: give an EPCI name as the portal writes it "
                     f"(\"Bordeaux Métropole\"), an EPCI code (9 digits), a département code or name, or a commune")


def _record(url: str, body: bytes) -> dict:
    return {"url": url, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(), "rows": _rows(body),
            "fetched_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()}


def fetch(territory: str, cache: Path | None = None, bundled: Path | None = None,
          command: str = "s3lib data fetch urssaf") -> dict:
    """Download one territory and France's totals by APE code, build their snapshot, return its manifest.

    Parameters
    ----------
    territory : an EPCI name or code, a département code or name, a commune code or name.
    cache : the user cache (default :data:`s3lib.config.CACHE_DIR`); the snapshot goes to
        ``<cache>/urssaf/<kind>-<code>``, the downloads to ``<cache>/downloads``.
    bundled : the snapshot copied around the fetched tables (default ``data/``).

    Raises
    ------
    UsageError
        An empty or malformed territory, or none of that name or code on the portal (exit code 2).
    DataError
        "cannot reach open.urssaf.fr (offline?)", an HTTP error, or an answer that is not the portal's table.
    """
    from s3lib.atomic import check_output_dir

    territory = _check_territory(territory)
    cache = Path(cache or config.CACHE_DIR)
    check_output_dir(cache, "--cache")  # a file or a read-only folder: one line before any download
    bundled = Path(bundled or _store.data_dir())
    regions = _store.read_table("regions.parquet", bundled)
    nace = _store.read_table("nace.parquet", bundled)
    records: list[dict] = []
    body, kind, code, name, note = _resolve(territory, records)
    frame, style = build_urssaf.read_portal_csv(body, f"the portal's rows of {name}")
    years = build_urssaf._years(frame.columns, "employees")
    url = national_url(years)
    national_body = _get(url, "URSSAF France by APE code")
    records.append(_record(url, national_body))
    national = build_urssaf.national_table(national_body, "the portal's totals by APE code")
    day = records[-1]["fetched_at"][:10]
    why = f"fetched whole from {_HOST} on {day} ({kind} {code})"
    coverage = {(kind, code): ("yes", why)}
    coverage.update({("commune", c): ("yes", f"every APE row of the commune, {why}")
                     for c in frame["code_commune"].astype(str).str.strip().unique()})
    if kind == "departement":
        coverage.update({("nuts3", c): ("yes", why) for c in _nuts3_of(frame, regions)})
    tables = build_urssaf.build_tables(frame, regions, nace, coverage, f"the portal's rows of {name}")
    key = f"{kind}-{code}".lower()
    _save_downloads(cache, key, body, national_body, records)
    out = cache / "urssaf" / key
    payload = _write_snapshot(out, bundled, tables, national, records, command, style,
                              {"kind": kind, "code": code, "name": name, "asked": territory, "note": note})
    return payload


def _nuts3_of(frame, regions) -> set:
    from s3lib.data.registry import normalise

    fr3 = regions[(regions["level"] == 3) & (regions["country"] == "FR")]
    by_name = {normalise(n): c for c, n in zip(fr3["code"], fr3["name"])}
    return {by_name[normalise(n)] for n in frame["departement"].unique() if normalise(n) in by_name}


def _save_downloads(cache: Path, key: str, body: bytes, national: bytes, records: list) -> None:
    from s3lib.atomic import atomic_write

    folder = cache / "downloads"
    for name, data, record in ((f"urssaf-{key}.csv", body, records[-2]), ("urssaf-france-by-ape.csv", national,
                                                                          records[-1])):
        with atomic_write(folder / name) as tmp:
            tmp.write_bytes(data)
        record["path"] = str(folder / name)


def _write_snapshot(out: Path, bundled: Path, tables: dict, national, records: list, command: str, style: str,
                    territory: dict) -> dict:
    """A copy of the bundled snapshot with the fetched URSSAF tables, built next to ``out`` and swapped in whole."""
    import tempfile

    from s3lib.atomic import swap_dir

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        day = records[-1]["fetched_at"][:10]
        vintage = f"downloaded {day} from the portal's export API ({style} headers)"
        entries = build_urssaf.write(tables, work, vintage=vintage, source=records[-2]["url"], command=command,
                                     extra={"sha256_download": records[-2]["sha256"]})
        entries.append(build_urssaf.write_national(national, work, vintage=vintage, source=records[-1]["url"],
                                                   command=command))
        fetched = {e["file"] for e in entries}
        for e in _store.manifest(bundled)["files"]:
            if e["file"] not in fetched:
                shutil.copyfile(_store.verified_path(e["file"], bundled), work / e["file"])
                entries.append({**e, "copied_from": str(bundled)})
        payload = {**_store.manifest(bundled), "command": command, "files": sorted(entries, key=lambda e: e["file"]),
                   "built_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
                   "raw": "downloads (see `downloads`)", "downloads": records, "territory": territory,
                   "folder": str(out)}
        _store.write_manifest(work, payload)
        work.chmod(0o755)
        swap_dir(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _store.clear_cache()
    return payload
