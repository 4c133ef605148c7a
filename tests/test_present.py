"""The explorer served as a Voila app (``make present``) and driven in headless system Chromium:
it renders its figures, a new place typed into the box redraws them on Enter (not while typing),
no error output appears and no request leaves 127.0.0.1. Plus the redrawer's figures themselves."""
from __future__ import annotations

import time

import pytest
from _browser import watched_page

from s3lib.outputs import site
from s3lib.outputs.app import FIGURES, Redrawer, serve_app

PNG = b"\x89PNG\r\n\x1a\n"


def test_redrawer_draws_every_figure_and_caches():
    r = Redrawer(cache=4)
    first = r.draw("porto")
    assert set(first) == {"data", *FIGURES}
    for name in FIGURES:
        assert first[name].png.startswith(PNG) and len(first[name].png) > 20_000, name
    assert "(PT11)" in r.figure("clusters").get_suptitle() and "(PT11)" in r.figure("map").get_suptitle()
    fig = r.figure("map")
    assert r.draw("bordeaux")["map"].figure is fig  # the same figure, redrawn
    assert "(FRI1)" in fig.get_suptitle()
    again = r.draw("porto")
    assert again["map"].png == first["map"].png and again["clusters"].png == first["clusters"].png


def _images(page) -> list[str]:
    return page.eval_on_selector_all(".s3lib-explorer img", "els => els.map(e => e.src)")


@pytest.mark.skipif(site.chromium_path() is None,
                    reason="no system chromium (apt-get install chromium chromium-driver; .ci/run does it)")
def test_voila_app_in_headless_chromium(tmp_path):
    pytest.importorskip("voila", reason="voila is in the [notebooks] extra")
    pytest.importorskip("playwright", reason="playwright is in the [site] extra")
    log = (tmp_path / "voila.log").open("wb")
    with serve_app(log=log) as base, site.browser(1280, 900) as context:
        page, log = watched_page(context, base)
        outside, errors, bad = log.outside, log.errors, log.bad
        page.on("websocket", lambda ws: None if ws.url.startswith(base.replace("http", "ws"))
                else outside.append(ws.url))
        page.goto(base, wait_until="load", timeout=60_000)
        page.wait_for_function("document.querySelectorAll('.s3lib-explorer img[src^=\"blob:\"]').length === 3",
                               timeout=60_000)
        before = _images(page)
        box = page.locator(".s3lib-explorer input[list]")
        box.fill("Munich")  # typing alone does not redraw
        time.sleep(1.5)
        assert _images(page) == before
        started = time.perf_counter()
        box.press("Enter")
        page.wait_for_function("src => document.querySelector('.s3lib-explorer img').src !== src", arg=before[0],
                               timeout=30_000)
        first = time.perf_counter() - started  # the first figure shows while the others are drawn
        page.wait_for_function("""before => {
            const src = Array.from(document.querySelectorAll('.s3lib-explorer img')).map(e => e.src);
            return src.length === 3 && src.every(s => s.startsWith('blob:') && !before.includes(s))
                && document.querySelector('.s3lib-explorer').innerText.includes('card ');
        }""", arg=before, timeout=30_000)
        seconds = time.perf_counter() - started
        assert "(DE21)" in page.inner_text(".s3lib-explorer")
        text = page.inner_text("body")
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.error")
        assert stderr.count() == 0, stderr.all_inner_texts()
        assert "Traceback" not in text and "Cannot show that" not in text and "Error" not in text
        assert len(set(_images(page))) == 3 and set(_images(page)).isdisjoint(before)
        page.screenshot(path=str(tmp_path / "app.png"))
    assert outside == [], outside
    assert errors == [], errors
    assert bad == [], bad
    assert first <= seconds < 15, (first, seconds)  # generous: a redraw takes about a second in the browser
