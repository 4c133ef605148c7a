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


def _kernels(port: int) -> list[int]:
    """Resident bytes of every kernel the Voila server on ``port`` runs (read from /proc)."""
    from pathlib import Path

    server = None
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="ignore")
        except OSError:
            continue
        if "voila" in text and f"--port={port}" in text:
            server = int(cmdline.parent.name)
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == server and b"ipykernel" in (stat.parent / "cmdline").read_bytes():
                found.append(int((stat.parent / "statm").read_text().split()[1]) * 4096)
        except OSError:
            continue
    return found


FIRST_FIGURE = "document.querySelectorAll('.s3lib-explorer img[src^=\"blob:\"]').length === 3"


@pytest.mark.skipif(site.chromium_path() is None,
                    reason="no system chromium (apt-get install chromium chromium-driver; .ci/run does it)")
@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_voila_app_in_headless_chromium(tmp_path, width, height):
    """What a room sees: the place, its key numbers and the first figure on the first screen, type of 24 px and
    more, no developer timings; typing redraws only on Enter; after a bad choice the controls show what the
    figures show; reloads end their kernels (10 loads, one kernel); nothing leaves 127.0.0.1."""
    import re
    import sys

    pytest.importorskip("voila", reason="voila is in the [notebooks] extra")
    pytest.importorskip("playwright", reason="playwright is in the [site] extra")
    from s3lib.outputs.app import free_port

    port = free_port()
    with serve_app(port=port, log=(tmp_path / "voila.log").open("wb")) as base, site.browser(width, height) as context:
        page, log = watched_page(context, base)
        outside, errors, bad = log.outside, log.errors, log.bad
        page.on("websocket", lambda ws: None if ws.url.startswith(base.replace("http", "ws"))
                else outside.append(ws.url))
        page.goto(base, wait_until="load", timeout=90_000)
        page.wait_for_function(FIRST_FIGURE, timeout=90_000)
        time.sleep(0.5)
        page.screenshot(path=str(tmp_path / f"app-{width}.png"))
        first = page.locator(".s3lib-explorer img").first.bounding_box()
        assert first["y"] >= 0 and first["y"] + first["height"] <= height + 1, first  # no scrolling
        if width >= 1920:
            assert first["width"] >= 0.7 * width, first  # the figures use the width
        sizes = page.eval_on_selector_all(
            ".s3lib-explorer input, .s3lib-explorer select, .s3lib-numbers .widget-html-content, "
            ".s3lib-place .widget-html-content", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert len(sizes) >= 5 and min(sizes) >= 24, sizes
        header = page.inner_text(".s3lib-explorer")
        assert "(DE71)" in header and "contains Frankfurt am Main" in header
        assert not re.search(r"\d\.\d\d s\b", header), header  # no developer timings
        before = _images(page)
        box = page.locator(".s3lib-explorer input[list]")
        box.fill("Munich")  # typing alone does not redraw
        time.sleep(1.5)
        assert _images(page) == before
        box.press("Enter")
        page.wait_for_function("""before => {
            const src = Array.from(document.querySelectorAll('.s3lib-explorer img')).map(e => e.src);
            return src.length === 3 && src.every(s => s.startsWith('blob:') && !before.includes(s))
                && document.querySelector('.s3lib-place').innerText.includes('(DE21)');
        }""", arg=before, timeout=60_000)
        assert "Oberbayern (DE21), which contains Munich" in page.inner_text(".s3lib-place")
        box.fill("Frankfrut am Mian")  # an error: the figures stay, the box shows them again
        box.press("Enter")
        page.wait_for_function("document.querySelector('.s3lib-status').innerText.includes('Cannot show that')",
                               timeout=30_000)
        page.wait_for_function("document.querySelector('.s3lib-explorer input[list]').value === 'Munich'",
                               timeout=10_000)
        text = page.inner_text("body")
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.error")
        assert stderr.count() == 0, stderr.all_inner_texts()
        assert "Traceback" not in text
        if width == 1280 and sys.platform.startswith("linux"):  # reloads, as in a half-day workshop
            counts = []
            for _ in range(10):
                page.reload(wait_until="load", timeout=90_000)
                page.wait_for_function(FIRST_FIGURE, timeout=90_000)
                time.sleep(0.5)
                counts.append(len(_kernels(port)))
            assert counts == [1] * 10, counts  # each reload ended the previous page's kernel
            assert sum(_kernels(port)) < 1.5e9
    assert outside == [], outside
    assert errors == [], errors
    assert not [b for b in bad if "/voila/api/shutdown/" in b], bad  # the shutdown is no longer refused
    assert bad == [], bad
