"""Offline slides of an executed notebook (``make slides``): code hidden, widgets replaced by a
note, and in headless system Chromium at 1280 x 720 every figure of every slide (fragments shown)
lies inside the window, no slide's content overflows it and nothing is fetched beyond 127.0.0.1."""
from __future__ import annotations

import nbformat
import pytest
from _browser import watched_page

from s3lib import config
from s3lib.outputs import site, slides
from s3lib.runner import run as runner

W, H = slides.WIDTH, slides.HEIGHT


def _templates() -> dict:
    """sha256 of every committed notebook template and its paired script."""
    from s3lib.data._store import sha256

    return {p.name: sha256(p) for p in sorted(config.NOTEBOOKS_DIR.glob("*")) if p.suffix in {".ipynb", ".py"}}


@pytest.fixture(scope="session", params=["01-cluster-structure", "02-specialised-diversification", "07-city-lens"])
def deck(tmp_path_factory, request):
    """A notebook executed once for bordeaux by the runner, exported to slides (01, and the two densest:
    02 with its entries-and-exits table, 07 with its long tables)."""
    root = tmp_path_factory.mktemp("slides")
    before = _templates()
    task = runner.Task(str(config.NOTEBOOKS_DIR / f"{request.param}.ipynb"), "bordeaux", {"place": "bordeaux"},
                       str(root / "reports"), str(root / "figures"))
    result = runner.execute_task(task)
    assert result.status == "ok", result.error
    pages = slides.export("bordeaux", root / "reports", root / "slides")
    assert _templates() == before, "executing and exporting for slides must not touch notebooks/"
    return pages[0]


def test_prepare_replaces_widgets_and_warnings():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("app.widget", metadata={"slideshow": {"slide_type": "slide"}})
    cell.outputs = [nbformat.v4.new_output("display_data", data={
                        slides.WIDGET_MIME: {"model_id": "abc", "version_major": 2}, "text/plain": "VBox(children=...)"}),
                    nbformat.v4.new_output("stream", name="stderr", text="UserWarning: x")]
    quiet = nbformat.v4.new_code_cell("x = 1", metadata={"slideshow": {"slide_type": "subslide"}})
    nb.cells = [cell, quiet]
    out = slides.prepare(nb)
    assert [o["data"] for o in out.cells[0].outputs] == [{"text/html": slides.WIDGET_NOTE}]
    assert out.cells[1].metadata["slideshow"]["slide_type"] == "skip"
    assert nb.cells[0].outputs[0]["data"]["text/plain"].startswith("VBox")  # the notebook itself is untouched


def test_deck_is_offline_and_hides_code(deck):
    page = deck.read_text(encoding="utf-8")
    assert site.remote_loads(page) == []
    assert 'class="highlight' not in page and 'class="jp-InputPrompt' not in page  # no code, no prompts
    assert (deck.parent / "_static/reveal/dist/reveal.js").is_file()
    assert (deck.parent / "_static/mathjax/MathJax.js").is_file()
    assert page.count("<section") >= 5 and 'src="data:image/png;base64,' in page


@pytest.mark.skipif(site.chromium_path() is None,
                    reason="no system chromium (apt-get install chromium chromium-driver; .ci/run does it)")
def test_every_slide_fits_1280x720_offline(deck, tmp_path):
    pytest.importorskip("playwright", reason="playwright is in the [site] extra")
    with site.serve(deck.parent) as base, site.browser(W, H) as context:
        page, log = watched_page(context, base)
        outside, errors = log.outside, log.errors
        page.goto(base + deck.name, wait_until="load")
        page.wait_for_selector("body[data-s3lib-ready]", state="attached", timeout=30_000)
        problems, seen, figures = [], set(), 0
        for step in range(200):
            state = page.evaluate("""() => {
                const s = Reveal.getCurrentSlide(), i = Reveal.getIndices();
                const imgs = Array.from(s.querySelectorAll('img')).map(e => {
                    const r = e.getBoundingClientRect();
                    return [r.left, r.top, r.right, r.bottom, e.complete && e.naturalWidth > 0]; });
                const texts = Array.from(s.querySelectorAll('p, li, h1, h2, h3, td')).map(e => {
                    const r = e.getBoundingClientRect(); return [r.top, r.bottom, e.textContent.slice(0, 40)]; });
                return {id: i.h + '/' + i.v, imgs, texts, over: s.scrollHeight - s.clientHeight,
                        widgetRepr: /\\b[HV]Box\\(children=/.test(s.textContent),
                        last: Reveal.isLastSlide() && !Reveal.availableFragments().next};
            }""")
            seen.add(state["id"])
            for left, top, right, bottom, loaded in state["imgs"]:
                figures += 1
                if not loaded or left < -1 or top < -1 or right > W + 1 or bottom > H + 1:
                    problems.append((state["id"], "figure", [round(v) for v in (left, top, right, bottom)], loaded))
            for top, bottom, text in state["texts"]:
                if top < -1 or bottom > H + 1:
                    problems.append((state["id"], "text", round(top), round(bottom), text))
            if state["widgetRepr"]:
                problems.append((state["id"], "widget repr"))
            if step < 40:
                page.screenshot(path=str(tmp_path / f"slide-{step:02d}.png"))
            if state["last"]:
                break
            page.evaluate("Reveal.next()")
            page.wait_for_timeout(60)
    assert outside == [], outside
    assert errors == [], errors
    assert problems == [], problems
    assert len(seen) >= 5 and figures >= 3, (seen, figures)
