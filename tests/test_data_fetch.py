"""The online path, on small responses written here (a patched transport; never the network)."""
from __future__ import annotations

import gzip
import hashlib
import json
import urllib.error
from pathlib import Path

import pytest

import s3lib.data as d
from s3lib.cli import main
from s3lib.data import _store, fetch
from s3lib.errors import DataError

TSV = {
    "sbs_r_nuts06_r2": "freq,nace_r2,indic_sb,geo\\TIME_PERIOD\t2015 \t2014 \n"
                       "A,C,V16110,DE71\t246149 \t244881 \n"
                       "A,C,V16110,FR61\t: \t99697 b\n"
                       "A,C20,V16110,DE71\t: c\t36512 \n"
                       "A,C,V11210,DE71\t5000 \t4990 \n"
                       "A,C,V91290,DE71\t1.5 \t1.2 \n",
    "nama_10r_3empers": "freq,unit,wstatus,nace_r2,geo\\TIME_PERIOD\t2017 \n"
                        "A,THS,EMP,TOTAL,DE712\t703.64 \n"
                        "A,THS,EMP,C,DE712\t50.1 \n"
                        "A,THS,SAL,C,DE712\t45.0 \n"
                        "A,PC,EMP,C,DE712\t7.1 \n",
    "nama_10r_3gdp": "freq,unit,geo\\TIME_PERIOD\t2020 \t2019 \n"
                     "A,MIO_EUR,DE712\t: \t73807.3 e\n"
                     "A,MIO_EUR,EU27_2020\t13400000 \t13900000 \n",
    "demo_r_pjanaggr3": "freq,unit,sex,age,geo\\TIME_PERIOD\t2021 \n"
                        "A,NR,T,TOTAL,DE712\t764104 \n"
                        "A,NR,F,TOTAL,DE712\t390000 \n",
}
SHAPES = {0: ("DE", "Deutschland"), 1: ("DE7", "Hessen"), 2: ("DE71", "Darmstadt"), 3: ("DE712", "Frankfurt am Main")}


def _geojson(level: int) -> bytes:
    code, name = SHAPES[level]
    square = [[[8.5, 50.0], [8.8, 50.0], [8.8, 50.2], [8.5, 50.2], [8.5, 50.0]]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": square},
               "properties": {"NUTS_ID": code, "LEVL_CODE": level, "CNTR_CODE": "DE", "NUTS_NAME": name,
                              "NAME_LATN": name}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def _responses() -> dict[str, bytes]:
    out = {fetch.EUROSTAT_URL.format(code=code): gzip.compress(text.encode()) for code, text in TSV.items()}
    out.update({fetch.GISCO_URL.format(level=level): _geojson(level) for level in range(4)})
    return out


@pytest.fixture
def served(monkeypatch):
    responses, asked = _responses(), []

    def transport(url, timeout=fetch.TIMEOUT):
        asked.append(url)
        return responses[url]

    monkeypatch.setattr(fetch, "transport", transport)
    return responses, asked


@pytest.fixture
def restore_cache():
    yield
    _store.clear_cache()


def test_fetch_downloads_records_and_builds(tmp_path, served, monkeypatch, restore_cache):
    responses, asked = served
    bundled = {e["file"] for e in _store.manifest(_store.data_dir())["files"]}
    m = fetch.fetch(cache=tmp_path)
    assert sorted(asked) == sorted(responses)
    for record in m["downloads"]:
        body = responses[record["url"]]
        assert record["sha256"] == hashlib.sha256(body).hexdigest() and record["bytes"] == len(body)
        assert Path(record["path"]).read_bytes() == body
    snapshot = tmp_path / "snapshot"
    assert m["folder"] == str(snapshot)
    on_disk = json.loads((snapshot / "manifest.json").read_text())
    assert on_disk["downloads"] == m["downloads"]
    emp_entry = next(e for e in on_disk["files"] if e["file"] == "employment.parquet")
    assert emp_entry["source"] == fetch.EUROSTAT_URL.format(code="sbs_r_nuts06_r2")
    assert emp_entry["vintage"].startswith("downloaded ")

    monkeypatch.setenv("S3LIB_DATA_DIR", str(snapshot))
    _store.clear_cache()
    e = d.employment(level=2, year=2014, nace="C").set_index("region")
    assert e.loc["DE71", "value"] == 244_881
    assert e.loc["FRI1", "region_orig"] == "FR61" and e.loc["FRI1", "flag"] == "b"
    confidential = d.employment(level=2, year=2015, nace="C20").iloc[0]
    assert confidential["flag"] == "c" and confidential["value"] != confidential["value"]  # NaN
    assert set(d.employment(level=2, year=2014, indicator="local_units", nace="C")["value"]) == {4990}
    b = d.broad_sectors(level=3).set_index("nace")
    assert b.loc["TOTAL", "value"] == pytest.approx(703_640) and b.loc["C", "value"] == pytest.approx(50_100)
    assert len(b) == 2  # SAL and PC rows ignored
    g = d.gdp(year=None)
    assert list(g["region"]) == ["DE712", "DE712"] and g.set_index("year").loc[2019, "value"] == 73_807.3
    assert d.population(year=2021)["value"].tolist() == [764_104]
    assert list(d.geometries(None)["code"]) == ["DE", "DE7", "DE71", "DE712"]
    assert d.place("frankfurt").nuts2 == "DE71"  # reference tables copied from the bundled snapshot
    # every table the bundled snapshot has that is not downloaded is copied (the card needs caveats.csv,
    # validity_markers.csv and benchmarks.csv; Rouen its URSSAF tables; city names the gazetteer)
    fetched = {e["file"] for e in on_disk["files"]}
    assert bundled <= fetched, bundled - fetched


@pytest.mark.parametrize("error, expected", [
    (urllib.error.URLError("Name or service not known"), "cannot reach ec.europa.eu (offline?)"),
    (TimeoutError("timed out"), "cannot reach ec.europa.eu (offline?)"),
    (urllib.error.HTTPError("u", 404, "Not Found", {}, None), "HTTP 404"),
])
def test_fetch_offline_or_refused(tmp_path, monkeypatch, error, expected):
    def transport(url, timeout=fetch.TIMEOUT):
        raise error

    monkeypatch.setattr(fetch, "transport", transport)
    with pytest.raises(DataError) as info:
        fetch.fetch(cache=tmp_path)
    assert expected in str(info.value) and "bundled snapshot in data/ still works" in str(info.value)
    assert not (tmp_path / "snapshot" / "manifest.json").exists()


def test_cli_fetch(tmp_path, served, capsys, restore_cache):
    assert main(["data", "fetch", "--cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "downloaded https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/sbs_r_nuts06_r2" in out
    assert "employment.parquet" in out and f"S3LIB_DATA_DIR={tmp_path / 'snapshot'}" in out
    recorded = json.loads((tmp_path / "snapshot" / "manifest.json").read_text())["command"]
    assert recorded == f"s3lib data fetch --cache {tmp_path}"


def test_cli_fetch_offline(tmp_path, monkeypatch, capsys):
    def transport(url, timeout=fetch.TIMEOUT):
        raise urllib.error.URLError("Network is unreachable")

    monkeypatch.setattr(fetch, "transport", transport)
    assert main(["data", "fetch", "--cache", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("s3lib: error: cannot reach ec.europa.eu (offline?)")
