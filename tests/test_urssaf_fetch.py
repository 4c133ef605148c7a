"""``s3lib data fetch urssaf`` (issue 21, step 4) on responses shaped like the portal's, never the network.

The territory responses are the shared extract's own rows with the API's field identifiers as headers (and, in
one test, the file export's labels); the national response is the extract summed by APE code, as the API's
``group_by=code_ape`` export would sum France (a stand-in: the tests check the mechanics, not France). Tests
that read the shared extract are marked ``shared``; the refusals need no data and always run.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import urllib.error
from pathlib import Path

import pandas as pd
import pytest
from conftest import needs_raw

import s3lib.data as d
from s3lib.cli import main
from s3lib.config import RAW_DIR
from s3lib.data import _store, fetch_urssaf
from s3lib.errors import DataError, UsageError

RAW = RAW_DIR / "urssaf-commune-ape" / "effectifs-commune-ape-rouen-area.csv"
METROPOLE = "200023414"


def _ident(label: str) -> str:
    special = {"Commune": "intitule_commune", "Nom commune": "commune"}
    if label in special:
        return special[label]
    plain = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "_", plain.lower()).strip("_")


def _raw() -> pd.DataFrame:
    return pd.read_csv(RAW, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _csv(rows: pd.DataFrame, labels: bool = False) -> bytes:
    out = rows if labels else rows.rename(columns=_ident)
    text = out.to_csv(sep=";", index=False, lineterminator="\n")
    return (("\ufeff" if labels else "") + text).encode("utf-8")


def _national(rows: pd.DataFrame) -> bytes:
    years = [c for c in rows.columns if re.fullmatch(r"(Effectifs salariés|Nombre d'établissements) \d{4}", c)]
    values = rows[years].replace("", None).apply(pd.to_numeric)
    sums = values.groupby(rows["Code APE"]).sum(min_count=1)
    sums.columns = [_ident(c) for c in sums.columns]
    return sums.rename_axis("code_ape").reset_index().to_csv(sep=";", index=False, float_format="%.0f").encode()


@pytest.fixture
def portal(monkeypatch):
    """Serve the extract as the portal would: URL -> body; any other territory query gets a header-only CSV."""
    raw = _raw()
    metro = raw[raw["Code EPCI"] == METROPOLE]
    years = sorted({int(c[-4:]) for c in raw.columns if c[-4:].isdigit()})
    served = {
        fetch_urssaf.territory_url("epci", "Métropole Rouen Normandie"): _csv(metro),
        fetch_urssaf.territory_url("code_epci", METROPOLE): _csv(metro),
        fetch_urssaf.territory_url("commune", "Rouen"): _csv(raw[raw["Code commune"] == "76540"]),
        fetch_urssaf.national_url(years): _national(raw),
    }
    empty = _csv(raw.iloc[:0])
    asked = []

    def transport(url, timeout=fetch_urssaf.TIMEOUT, progress=None):
        asked.append(url)
        body = served.get(url, empty)
        if progress is not None:
            progress(len(body) // 2, len(body))
            progress(len(body), len(body))
        return body

    monkeypatch.setattr(fetch_urssaf, "transport", transport)
    return served, asked


@pytest.fixture
def restore_cache():
    yield
    _store.clear_cache()


@pytest.mark.shared
@needs_raw
def test_fetch_an_epci_by_name_records_and_builds(tmp_path, portal, monkeypatch, restore_cache, capsys):
    served, asked = portal
    m = fetch_urssaf.fetch("Métropole Rouen Normandie", cache=tmp_path)
    assert asked == [fetch_urssaf.territory_url("epci", "Métropole Rouen Normandie"), *[u for u in served
                     if "group_by" in u]]
    for record in m["downloads"]:
        body = served[record["url"]]
        assert record["sha256"] == hashlib.sha256(body).hexdigest() and record["bytes"] == len(body)
        assert Path(record["path"]).read_bytes() == body
    assert capsys.readouterr().err == ""  # no progress bar when stderr is not a terminal
    out = tmp_path / "urssaf" / f"epci-{METROPOLE}"
    assert m["folder"] == str(out) and m["territory"]["name"] == "Métropole Rouen Normandie"
    on_disk = json.loads((out / "manifest.json").read_text())
    files = {e["file"]: e for e in on_disk["files"]}
    assert files["urssaf_employment.parquet"]["source"] == fetch_urssaf.territory_url("epci",
                                                                                      "Métropole Rouen Normandie")
    assert files["urssaf_france.parquet"]["vintage"].startswith("downloaded ")
    assert "copied_from" in files["employment.parquet"]  # the rest of the snapshot comes along

    monkeypatch.setenv("S3LIB_DATA_DIR", str(out))
    _store.clear_cache()
    from s3lib.study.city import REFERENCE_NATIONAL, city

    t = d.urssaf_territory("Rouen")
    assert (t.kind, t.code, t.complete, len(t.communes)) == ("epci", METROPOLE, "yes", 71)
    v = city("Rouen")
    assert (v.total(2006), v.total(2014), v.total(2022)) == (163_164, 152_021, 163_452)
    classes = v.activities("class").table
    published = classes["employees"] > 0
    assert classes.loc[published, "lq"].notna().all() and classes["lq_reference"].str.startswith(REFERENCE_NATIONAL).all()
    assert not pd.isna(v.clusters().table.loc["Insurance Services", "lq"])


@pytest.mark.shared
@needs_raw
def test_a_commune_name_reaches_its_epci(tmp_path, portal, restore_cache):
    served, asked = portal
    m = fetch_urssaf.fetch("Rouen", cache=tmp_path)
    assert asked[:4] == [fetch_urssaf.territory_url("epci", "Rouen"), fetch_urssaf.territory_url("departement", "Rouen"),
                         fetch_urssaf.territory_url("commune", "Rouen"), fetch_urssaf.territory_url("code_epci",
                                                                                                    METROPOLE)]
    assert (m["territory"]["kind"], m["territory"]["code"]) == ("epci", METROPOLE)
    assert "commune 76540" in m["territory"]["note"]


@pytest.mark.shared
@needs_raw
def test_both_header_styles_build_the_same_snapshot(tmp_path, portal, restore_cache):
    served, _ = portal
    fetch_urssaf.fetch(METROPOLE, cache=tmp_path / "ids")
    raw = _raw()
    served[fetch_urssaf.territory_url("code_epci", METROPOLE)] = _csv(raw[raw["Code EPCI"] == METROPOLE], labels=True)
    fetch_urssaf.fetch(METROPOLE, cache=tmp_path / "labels")
    for name in ("urssaf_employment.parquet", "urssaf_communes.parquet", "urssaf_territories.parquet",
                 "naf.parquet", "urssaf_france.parquet"):
        a = pd.read_parquet(tmp_path / "ids" / "urssaf" / f"epci-{METROPOLE}" / name)
        b = pd.read_parquet(tmp_path / "labels" / "urssaf" / f"epci-{METROPOLE}" / name)
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.shared
@needs_raw
def test_cli_fetch_urssaf(tmp_path, portal, capsys, restore_cache):
    assert main(["data", "fetch", "urssaf", "--territory", METROPOLE, "--cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "downloaded https://open.urssaf.fr/api/explore/v2.1/catalog/datasets/" in out
    assert "URSSAF data for Métropole Rouen Normandie (epci 200023414)" in out
    assert f"S3LIB_DATA_DIR={tmp_path / 'urssaf' / ('epci-' + METROPOLE)}" in out
    recorded = json.loads((tmp_path / "urssaf" / f"epci-{METROPOLE}" / "manifest.json").read_text())["command"]
    assert recorded == f"s3lib data fetch urssaf --territory {METROPOLE} --cache {tmp_path}"


@pytest.mark.shared
@needs_raw
def test_unknown_territory_on_the_portal(tmp_path, portal, capsys):
    assert main(["data", "fetch", "urssaf", "--territory", "Atlantis", "--cache", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("s3lib: error: no French territory 'Atlantis' on open.urssaf.fr") and "\n" not in err
    assert not (tmp_path / "urssaf").exists()


# --------------------------------------------------------------------------- refusals: no data needed
@pytest.mark.parametrize("error, expected", [
    (urllib.error.URLError("Name or service not known"), "cannot reach open.urssaf.fr (offline?)"),
    (TimeoutError("timed out"), "cannot reach open.urssaf.fr (offline?)"),
    (urllib.error.HTTPError("u", 503, "Unavailable", {}, None), "HTTP 503"),
])
def test_offline_or_refused(tmp_path, monkeypatch, error, expected):
    def transport(url, timeout=fetch_urssaf.TIMEOUT, progress=None):
        raise error

    monkeypatch.setattr(fetch_urssaf, "transport", transport)
    with pytest.raises(DataError) as info:
        fetch_urssaf.fetch("Bordeaux Métropole", cache=tmp_path)
    assert expected in str(info.value) and "bundled snapshot in data/ still works" in str(info.value)
    assert not (tmp_path / "urssaf").exists()


def test_cli_offline_is_one_line_exit_1(tmp_path, monkeypatch, capsys):
    def transport(url, timeout=fetch_urssaf.TIMEOUT, progress=None):
        raise urllib.error.URLError("Network is unreachable")

    monkeypatch.setattr(fetch_urssaf, "transport", transport)
    assert main(["data", "fetch", "urssaf", "--territory", "Bordeaux Métropole", "--cache", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("s3lib: error: cannot reach open.urssaf.fr (offline?)")


def test_answers_that_are_not_the_table(tmp_path, monkeypatch):
    def transport(url, timeout=fetch_urssaf.TIMEOUT, progress=None):
        return b"<html><body>maintenance</body></html>\n<p>back soon</p>\n"

    monkeypatch.setattr(fetch_urssaf, "transport", transport)
    with pytest.raises(DataError, match="not the URSSAF commune x APE table"):
        fetch_urssaf.fetch("Bordeaux Métropole", cache=tmp_path)


@pytest.mark.parametrize("argv, expected", [
    (["data", "fetch", "urssaf"], "needs --territory"),
    (["data", "fetch", "urssaf", "--territory", ""], "give a territory"),
    (["data", "fetch", "urssaf", "--territory", 'Bordeaux" OR 1=1'], "without quotes"),
    (["data", "fetch", "--territory", "Bordeaux Métropole"], "--territory is for `s3lib data fetch urssaf`"),
    (["data", "fetch", "insee"], "invalid choice"),
])
def test_bad_input_exit_2_before_any_request(tmp_path, monkeypatch, capsys, argv, expected):
    def transport(url, timeout=fetch_urssaf.TIMEOUT, progress=None):
        raise AssertionError("no request for bad input")

    monkeypatch.setattr(fetch_urssaf, "transport", transport)
    assert main([*argv, "--cache", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and err.count("\n") == 0


def test_cache_that_is_a_file_is_refused_before_any_request(tmp_path, monkeypatch, capsys):
    def transport(url, timeout=fetch_urssaf.TIMEOUT, progress=None):
        raise AssertionError("no request")

    monkeypatch.setattr(fetch_urssaf, "transport", transport)
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    assert main(["data", "fetch", "urssaf", "--territory", "33", "--cache", str(cache)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_territory_lookups_by_shape():
    assert fetch_urssaf._lookups("243300316") == [("code_epci", "epci")]
    assert fetch_urssaf._lookups("33063") == [("code_commune", "commune")]
    assert fetch_urssaf._lookups("2a") == [("code_departement", "departement")]
    assert fetch_urssaf._lookups("971") == [("code_departement", "departement")]
    assert [f for f, _ in fetch_urssaf._lookups("Gironde")] == ["epci", "departement", "commune"]
    url = fetch_urssaf.territory_url("epci", "Bordeaux Métropole")
    assert url.startswith(fetch_urssaf.EXPORT_URL + "?where=epci%3D%22Bordeaux+M%C3%A9tropole%22")
    assert "group_by=code_ape" in fetch_urssaf.national_url([2022])
    assert "sum%28effectifs_salaries_2022%29+as+effectifs_salaries_2022" in fetch_urssaf.national_url([2022])


def test_progress_bar():
    import io

    stream = io.StringIO()
    bar = fetch_urssaf._Bar("URSSAF France", stream, force=True)
    bar(1_000_000, 4_000_000)
    bar(4_000_000, 4_000_000)
    bar.close()
    assert stream.getvalue() == ("\rURSSAF France [#####...............] 1.0 of 4.0 MB"
                                 "\rURSSAF France [####################] 4.0 of 4.0 MB\n")
    unknown = io.StringIO()
    bar = fetch_urssaf._Bar("x", unknown, force=True)
    bar(2_500_000, 0)
    assert unknown.getvalue() == "\rx 2.5 MB"
    quiet = io.StringIO()
    bar = fetch_urssaf._Bar("x", quiet)  # not a terminal
    bar(1, 2)
    bar.close()
    assert quiet.getvalue() == ""


def test_usage_errors_are_usage_errors():
    with pytest.raises(UsageError):
        fetch_urssaf._check_territory("   ")
