"""The EU atlas, built for five regions (cards drawn in two processes), then browsed with headless
system Chromium on a localhost server: the search leads from "Munich" to DE21's page, every image
loads, and no request leaves 127.0.0.1. Failures: a region that fails is listed, not built, and
the others are; NUTS1 regions are refused before anything runs; a failed build keeps the old atlas."""
from __future__ import annotations

import html
import json

import pytest
from _browser import watched_page

from s3lib.cli import main
from s3lib.errors import UsageError
from s3lib.outputs import atlas, site

REGIONS = ["DE21", "FRI1", "PL12", "ES21", "ITC1"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "atlas"
    record = atlas.build(2014, out, REGIONS, jobs=2)
    return out, record


def test_layout_and_record(built):
    out, record = built
    assert record["regions"] == sorted(REGIONS) and record["failures"] == {}
    assert json.loads((out / "atlas.json").read_text())["regions"] == sorted(REGIONS)
    for code in REGIONS:
        assert (out / "cards" / f"{code}.png").stat().st_size > 20_000
        page = (out / "regions" / f"{code}.html").read_text(encoding="utf-8")
        for heading in ("Top clusters", "Variety and benefit", "New paths", "Cooperation pairs", "RIS3 fit",
                        "Data gaps and notes", "Data checks"):
            assert heading in page, (code, heading)
        assert "complexity rank" not in page   # the classic ECI fails the validity gate: it ranks nothing
    assert "coverage" in (out / "regions" / "ES21.html").read_text()  # a sourced RIS3 list: coverage and fit
    assert "Aerospace" in (out / "regions" / "FRI1.html").read_text()  # the place's caveat among the notes
    for path in out.rglob("*.html"):
        assert site.remote_loads(path.read_text(encoding="utf-8")) == [], path
    search = (out / "search.js").read_text(encoding="utf-8")
    assert search.startswith("window.S3LIB_ATLAS = ") and len(search) < 200_000
    data = json.loads(search[len("window.S3LIB_ATLAS = "):].rstrip().rstrip(";"))
    targets = {key: e[2] for e in data["entries"] for key in ";".join(e[1:2] + e[4:]).split(";")}
    assert targets["munich"] == "DE21" and targets["muenchen"] == "DE21" and targets["bordeaux"] == "FRI1"
    assert targets["pl91"] == "PL12" and targets["gironde"] == "FRI1" and targets["torino"] == "ITC1"
    assert set(data["regions"]) == set(REGIONS)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left


def _block(page: str) -> str:
    return page[page.index("<h2>Partners abroad</h2>"):page.index("<h2>RIS3 fit</h2>")]


def test_every_page_has_a_partners_abroad_block_for_its_leading_cluster(built):
    """Peers and complements with their reasons, the gate, the caveat; a partner with a page here is a link."""
    from s3lib.measures.partners import CAVEAT

    out, _ = built
    for code in REGIONS:
        block = _block((out / "regions" / f"{code}.html").read_text(encoding="utf-8"))
        assert "<h3>Peers</h3>" in block and "<h3>Complements</h3>" in block, code
        assert "at least 2 channels at the 90th percentile" in block and html.escape(CAVEAT) in block, code
        assert block.count("<tr>") >= 3, code   # a header and at least two peers
    bordeaux = _block((out / "regions" / "FRI1.html").read_text(encoding="utf-8"))
    assert "Wood Products" in bordeaux and "Latvija (LV00)" in bordeaux and "Wielkopolskie (PL41)" in bordeaux
    assert "Furniture" in bordeaux and "shared occupations (US) (pc 98)" in bordeaux   # the reason, channels named
    turin = _block((out / "regions" / "ITC1.html").read_text(encoding="utf-8"))
    assert '<a href="DE21.html">Oberbayern (DE21)</a>' in turin   # a peer with its own page here
    assert "Stuttgart (DE11)" in turin and '<a href="DE11.html">' not in turin   # not built: no dead link
    assert "passes the gate" in turin and "Footwear (input-output links (US) (pc 97))" in turin   # set apart


def test_partner_names_reach_the_page_escaped():
    """A hostile region or cluster name shows as text, in the tables, the notes and the heading."""
    from types import SimpleNamespace as NS

    import pandas as pd

    from s3lib.result import Result

    evil = '<img src=x onerror="alert(1)">&'
    row = {"region": "XX11", "name": evil, "country": "XX", "reason": f"strong in {evil}", "related": evil}
    partners = NS(cluster=evil, peers=Result(pd.DataFrame([row])), complements=Result(pd.DataFrame([row]), [evil]),
                  apart=pd.DataFrame({"flag": [evil]}))
    block = atlas._partners_html(partners, pages={"XX11"})
    assert "<img" not in block and "onerror=\"" not in block and html.escape(evil) in block
    assert block.count('<a href="XX11.html">') == 2
    assert atlas._partners_html(None).startswith("<p class=muted>No leading cluster")


def test_a_failing_region_is_listed_and_the_others_built(tmp_path, monkeypatch, capsys):
    real = atlas.render_card

    real, page = atlas.render_card, atlas._region_page

    def render(task):
        return real(task) if task.place != "ES21" else atlas.Outcome("card", "ES21", "failed", 0.0, "", error="boom")

    def region_page(view, fit, cities, *partners):
        if view.region == "ITC1":
            raise KeyError("lq")
        return page(view, fit, cities, *partners)

    monkeypatch.setattr(atlas, "render_card", render)
    monkeypatch.setattr(atlas, "_region_page", region_page)
    code = main(["atlas", "--regions", "ES21", "PL12", "ITC1", "--out", str(tmp_path / "a"), "--jobs", "1",
                 "--no-progress"])
    captured = capsys.readouterr()
    assert code == 1 and "1 regions in" in captured.out
    assert captured.err.strip().splitlines()[-2:] == ["  ES21: card: boom", "  ITC1: page: KeyError: 'lq'"]
    assert sorted(p.name for p in (tmp_path / "a" / "regions").iterdir()) == ["PL12.html"]
    assert sorted(p.name for p in (tmp_path / "a" / "cards").iterdir()) == ["PL12.png"]  # no card without its page
    index = (tmp_path / "a" / "index.html").read_text(encoding="utf-8")
    assert "Not built (2)" in index and "ES21" in index and "boom" in index and "ITC1" in index


def test_nuts1_and_unknown_regions_are_refused_before_anything_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(atlas, "_execute", lambda *a, **k: pytest.fail("nothing may run"))
    assert main(["atlas", "--regions", "DE7", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "DE71" in err and "DE73" in err and err.count("\n") == 1
    with pytest.raises(UsageError, match="atlantis"):
        atlas.build(2014, tmp_path / "a", ["DE21", "atlantis"])
    with pytest.raises(UsageError, match="jobs"):
        atlas.build(2014, tmp_path / "a", ["DE21"], jobs=0)
    assert not (tmp_path / "a").exists()


def test_failed_build_keeps_previous_atlas_and_foreign_folders(built, tmp_path, monkeypatch):
    out, _ = built
    before = (out / "index.html").read_text(encoding="utf-8")
    monkeypatch.setattr(atlas, "render_card", lambda task: atlas.Outcome("card", task.place, "ok", 0.0, task.target))
    monkeypatch.setattr(atlas, "_index_page", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        atlas.build(2014, out, ["DE21"], jobs=1)
    assert (out / "index.html").read_text(encoding="utf-8") == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(UsageError, match="not an atlas"):
        atlas.build(2014, foreign, ["DE21"])
    assert (foreign / "thesis.tex").read_text() == "keep me"


@pytest.mark.skipif(site.chromium_path() is None,
                    reason="no system chromium (apt-get install chromium chromium-driver; .ci/run does it)")
def test_search_and_images_in_headless_chromium(built):
    pytest.importorskip("playwright", reason="playwright is in the [site] extra")
    out, _ = built
    with site.serve(out) as base, site.browser() as context:
        page, log = watched_page(context, base, local=("data:",))
        outside, errors, bad = log.outside, log.errors, log.bad
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "index.html", wait_until="load")
        page.fill("#q", "Munich")
        page.wait_for_selector("#hits a", timeout=10_000)
        assert "DE21" in page.inner_text("#hits li:first-child")
        page.press("#q", "Enter")
        page.wait_for_url("**/regions/DE21.html", timeout=10_000)
        assert "Oberbayern" in page.inner_text("h1")
        resources = []
        for code in REGIONS:
            page.goto(f"{base}regions/{code}.html", wait_until="load")
            broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                                   ".map(i => i.src)")
            assert broken == [] and page.evaluate("document.images.length") == 1, (code, broken)
            resources += page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        page.goto(base + "index.html", wait_until="load")
        page.fill("#q", "Bordaux")  # a typo: nothing found, the closest names offered
        page.wait_for_selector("#hits a", timeout=10_000)
        assert "did you mean" in page.inner_text("#hits") and "FRI1" in page.inner_text("#hits li:nth-child(2)")
        page.fill("#q", "pl91")
        page.wait_for_selector("#hits a", timeout=10_000)
        assert page.get_attribute("#hits li:first-child a", "href") == "regions/PL12.html"
        resources += page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert outside == [] and errors == [] and bad == [], (outside, errors, bad)
    assert resources and all(url.startswith(base) for url in resources), resources
