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


def test_prepare_makes_a_talk_of_a_document():
    """Long text and tables to the notes, a figure on a slide of its own, the subtitle on the title slide."""
    nb = nbformat.v4.new_notebook()
    title = nbformat.v4.new_markdown_cell("# 01 · Cluster structure\n\nWhich clusters?",
                                          metadata={"slideshow": {"slide_type": "slide"}})
    long = nbformat.v4.new_markdown_cell("## Method\n\n" + "The LQ compares shares. " + "word " * 120,
                                         metadata={"slideshow": {"slide_type": "slide"}})
    table = "<table>" + "<tr><td>x</td></tr>" * 30 + "</table>"
    figure = nbformat.v4.new_code_cell("show()", metadata={"slideshow": {"slide_type": "-"}})
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Image>"}),
                      nbformat.v4.new_output("display_data", data={"text/html": table}),
                      nbformat.v4.new_output("display_data", data={"text/markdown": "caveat " * 80})]
    nb.cells = [title, long, figure]
    out = slides.prepare(nb, subtitle="Aquitaine (FRI1), which contains Bordeaux · 2014")
    kinds = [c.metadata["slideshow"]["slide_type"] for c in out.cells]
    assert kinds == ["slide", "slide", "notes", "subslide", "notes"], kinds
    assert out.cells[0].source.endswith("### Aquitaine (FRI1), which contains Bordeaux · 2014")
    assert out.cells[1].source == "## Method\n\nThe LQ compares shares." and "word word" in out.cells[2].source
    shown = [o["data"] for o in out.cells[3].outputs]
    assert "image/png" in shown[0] and len(shown) == 2  # the figure's table went to the notes
    assert shown[1]["text/markdown"].count("caveat") == 30  # its first 30 words stay, the whole goes to the notes
    assert len(out.cells[4].outputs) == 2  # the table and the long caveat, in the notes
    alone = nbformat.v4.new_code_cell("table", metadata={"slideshow": {"slide_type": "slide"}})
    alone.outputs = [nbformat.v4.new_output("display_data", data={"text/html": table})]
    nb.cells = [alone]
    out = slides.prepare(nb)
    assert "speaker notes" in out.cells[0].outputs[0]["data"]["text/markdown"]  # a long table alone: a line says
    assert out.cells[1].metadata["slideshow"]["slide_type"] == "notes"


@pytest.mark.skipif(site.chromium_path() is None,
                    reason="no system chromium (apt-get install chromium chromium-driver; .ci/run does it)")
def test_right_arrow_walks_every_slide_readable_and_offline(deck, tmp_path):
    """What a room sees, walked with the right arrow only (as a clicker does): every slide and every figure slide
    reached, every figure inside the window and at least 450 px tall, nothing under the navigation arrows or the
    slide number, text of at least 20 px at the zoom the fitting applies, every stylesheet loaded, the title slide
    naming the place and the year, no request beyond 127.0.0.1 (about:blank included)."""
    pytest.importorskip("playwright", reason="playwright is in the [site] extra")
    with site.serve(deck.parent) as base, site.browser(W, H) as context:
        page, log = watched_page(context, base, local=("data:", "blob:"))
        outside, errors, bad = log.outside, log.errors, log.bad
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(base + deck.name, wait_until="load")
        page.wait_for_selector("body[data-s3lib-ready]", state="attached", timeout=30_000)
        total = page.evaluate("() => Reveal.getTotalSlides()")
        figure_slides = page.evaluate("() => Reveal.getSlides().filter(s => s.querySelector('img')).length")
        title = page.inner_text(".reveal .slides section")
        problems, seen, figures = [], set(), 0
        for step in range(400):
            page.wait_for_timeout(80)
            state = page.evaluate("""() => {
                const s = Reveal.getCurrentSlide(), i = Reveal.getIndices();
                const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
                const zoom = e => { let z = 1; for (let a = e; a && a !== s; a = a.parentElement)
                                       z *= parseFloat(a.style.zoom) || 1; return z; };
                const imgs = Array.from(s.querySelectorAll('img')).map(e =>
                    [...box(e), e.complete && e.naturalWidth > 0]);
                const texts = Array.from(s.querySelectorAll('p, li, h1, h2, h3, td, th')).filter(e =>
                    e.offsetParent !== null && e.textContent.trim() && !e.closest('aside'))
                    .map(e => [...box(e), parseFloat(getComputedStyle(e).fontSize) * zoom(e) * Reveal.getScale(),
                               e.textContent.trim().slice(0, 40)]);
                const chrome = Array.from(document.querySelectorAll('.reveal .controls button:not([disabled]), '
                    + '.reveal .slide-number')).filter(e => e.offsetParent !== null).map(box);
                return {id: i.h + '/' + i.v, imgs, texts, chrome, last: Reveal.isLastSlide()
                        && !Reveal.availableFragments().next};
            }""")
            seen.add(state["id"])
            overlaps = lambda a, b: a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]  # noqa: E731
            for *rect, loaded in state["imgs"]:
                figures += 1
                left, top, right, bottom = rect
                if not loaded or left < -1 or top < -1 or right > W + 1 or bottom > H + 1 or bottom - top < 440:
                    problems.append((state["id"], "figure", [round(v) for v in rect], loaded))
            for *rect, size, text in state["texts"]:
                if rect[1] < -1 or rect[3] > H + 1:
                    problems.append((state["id"], "text outside", text))
                if size < 18.5:  # "at least about 20 px"
                    problems.append((state["id"], f"text {size:.0f} px", text))
                if any(overlaps(rect, c) for c in state["chrome"]):
                    problems.append((state["id"], "under the controls", text))
            if any(overlaps(rect[:4], c) for rect in state["imgs"] for c in state["chrome"]):
                problems.append((state["id"], "figure under the controls"))
            if step < 40:
                page.screenshot(path=str(tmp_path / f"slide-{step:02d}.png"))
            if state["last"]:
                break
            page.keyboard.press("ArrowRight")
    assert outside == [], outside
    assert [u for u in requested if not u.startswith((base, "data:", "blob:"))] == [], requested
    assert errors == [], errors
    assert bad == [], bad  # every stylesheet (the theme included) and script loads
    assert problems == [], problems[:20]
    assert len(seen) == total, (len(seen), total)  # the right arrow reached every slide, figures included
    assert figures >= figure_slides >= 2, (figures, figure_slides)
    assert "Bordeaux" in title and "20" in title, title
