"""Offline reveal.js slides of the executed notebooks (``make slides PLACE=bordeaux``).

Presenting never touches ``notebooks/``: the slides are exported from the *executed copies* in
``reports/<place>/*.ipynb`` (written by ``s3lib run``) into ``reports/<place>/slides/``:

* nbconvert's reveal template, with the notebooks' own ``slideshow`` metadata, code hidden
  (inputs and prompts excluded), ``skip`` cells (parameters, setup) left out;
* nothing loaded from the network: reveal.js 6 (with its theme fonts inlined) comes from the
  ``pyreveal`` package and MathJax 2 from ``jupyter-server-mathjax``, both copied into
  ``slides/_static/``; the template's jQuery, RequireJS, Mermaid and widget-manager links are
  removed (:data:`_TEMPLATE`);
* a talk, not a document (:func:`prepare`): the title slide names the place and the year, long text and
  long or wide tables go to the speaker notes, every figure has a slide of its own; the right arrow and space
  reach every slide (linear navigation); nothing sits under the navigation arrows;
* every slide fits 1280 x 720: reveal.js lays slides out at that size and scales them to the
  window, and a small script shrinks a slide's figures (not below 450 px) then zooms its cells out
  until its content, fragments included, is no taller than the slide;
* a widget output (the explorer) cannot work in a static page: it is replaced by a short note
  pointing to the Voila app (``make present``); warnings (stderr) are left out of the slides.

Example (needs the place's executed notebooks in ``reports/``; ``tests/test_slides.py`` makes them)::

    from s3lib.outputs import slides
    slides.export("bordeaux")   # [PosixPath('reports/bordeaux/slides/01-cluster-structure.slides.html'), ...]
"""
from __future__ import annotations

import copy
import functools
import shutil
import tempfile
from pathlib import Path

from s3lib import config
from s3lib.atomic import atomic_write
from s3lib.errors import S3libError, UsageError

__all__ = ["WIDGET_NOTE", "export", "export_notebook", "main", "prepare"]

WIDTH, HEIGHT = 1280, 720
STATIC = "_static"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: What a slide shows instead of a live widget.
WIDGET_NOTE = ("<div class='s3lib-widget-note'><b>Live widget.</b> Interactive controls do not run in these "
               "static slides: open the explorer app with <code>make present</code> "
               "(http://127.0.0.1:8866/) to switch place, year and cluster scheme.</div>")

# Extends nbconvert's reveal template: local reveal.js and MathJax, no CDN script or stylesheet.
_TEMPLATE = r"""{%- extends 'reveal/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], webFont: "STIX-Web",
  imageFont: null, styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('Arial')"}}}, tex2jax: {inlineMath: [['$','$'], ['\\(','\\)']], displayMath: [['$$','$$'], ['\\[','\\]']],
  processEscapes: true}});</script>
<script src="_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"></script>
{%- endblock html_head_js_mathjax -%}
{% block notebook_css %}
{{ super() }}
<style type="text/css">
.reveal .slides { text-align: left; }
.reveal section { font-size: 28px; line-height: 1.35; }
/* nothing under the navigation arrows and the slide number (bottom right) */
.reveal .slides > section, .reveal .slides > section > section { padding: 0 96px 16px 0 !important;
  box-sizing: border-box; }
.reveal aside.notes { display: none; }
.reveal h1 { font-size: 1.9em; } .reveal h2 { font-size: 1.5em; } .reveal h3 { font-size: 1.2em; }
.reveal .jp-OutputArea-output img { display: block; margin: 0 auto; max-width: 100%; height: auto; }
.reveal h1, .reveal h2, .reveal h3 { text-transform: none !important; }
.reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon li { font-size: 26px; line-height: 1.35; }
.reveal .jp-RenderedHTMLCommon table, .reveal .jp-RenderedHTMLCommon td,
.reveal .jp-RenderedHTMLCommon th { font-size: 22px !important; }
.reveal .jp-Cell { padding: 0; }
.s3lib-widget-note { border-left: 6px solid #0072B2; background: #EEF4F9; padding: .6em 1em; margin: .5em 0; }
</style>
{% endblock notebook_css %}
{% block footer_js %}
<script src="_static/reveal/dist/reveal.js"></script>
<script>
(function () {
  var W = {{ width }}, H = {{ height }};
  // Shrink the figures of a slide, then zoom its cells out, until its content (fragments
  // included: they keep their place while hidden) is no taller than the slide.
  function fit(section) {
    if (!section) return;
    var tall = function () { return section.scrollHeight > H + 1; };
    var imgs = Array.prototype.slice.call(section.querySelectorAll("img"));
    var floor = Math.max(450, 0.45 * H / Math.max(imgs.length, 1));  // a figure stays readable
    for (var i = 0; i < 12 && tall() && imgs.length; i++) {
      var extra = section.scrollHeight - H;
      imgs.forEach(function (img) {
        var h = img.getBoundingClientRect().height / (Reveal.getScale() || 1);
        img.style.maxHeight = Math.max(floor, h - extra / imgs.length - 2) + "px";
        img.style.width = "auto";
      });
    }
    // then zoom the cells out; each keeps its width on screen, so its text does not reflow
    for (var j = 0; j < 4 && tall(); j++) {
      var zoom = (H - 2) / section.scrollHeight;
      Array.prototype.forEach.call(section.children, function (child) {
        var z = zoom * (parseFloat(child.style.zoom) || 1);
        child.style.zoom = z;
        child.style.width = (W / z) + "px";
      });
    }
  }
  function fitCurrent() {
    fit(Reveal.getCurrentSlide());
    Reveal.layout();
  }
  window.addEventListener("load", function () { if (Reveal.isReady()) fitCurrent(); });
  Reveal.initialize({
    width: W, height: H, margin: 0.02, minScale: 0.1, maxScale: 2.0, center: false,
    controls: true, progress: true, history: true, hash: true, slideNumber: "c/t",
    navigationMode: "linear",  // the right arrow and space reach every slide, sub-slides included
    transition: "none", backgroundTransition: "none"
  }).then(function () {
    var done = function () { fitCurrent(); document.body.dataset.s3libReady = "1"; };
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(done); } else { done(); }
  });
  Reveal.on("slidechanged", function () {
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(fitCurrent); } else { fitCurrent(); }
  });
})();
</script>
{% endblock footer_js %}
"""


@functools.lru_cache(maxsize=1)
def _template_dir() -> Path:
    """A private folder with the ``s3lib_slides`` nbconvert template, made once per process (``mkdtemp``: created
    exclusively, readable by its owner only; never a fixed shared path another user could plant)."""
    import atexit
    import json

    root = Path(tempfile.mkdtemp(prefix="s3lib-nbconvert-"))
    atexit.register(shutil.rmtree, root, True)
    folder = root / "s3lib_slides"
    folder.mkdir()
    conf = json.dumps({"base_template": "reveal", "mimetypes": {"text/html": True}, "preprocessors": {
        "100-pygments": {"type": "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor", "enabled": True},
        "500-reveal": {"type": "nbconvert.exporters.slides._RevealMetadataPreprocessor", "enabled": True}}})
    text = _TEMPLATE.replace("{{ width }}", str(WIDTH)).replace("{{ height }}", str(HEIGHT))
    for name, content in {"index.html.j2": text, "conf.json": conf}.items():
        (folder / name).write_text(content, encoding="utf-8")
    return root


def _reveal_dir() -> Path:
    try:
        import pyreveal
    except ImportError:
        raise S3libError("offline slides need reveal.js from the pyreveal package: pip install -e '.[site]'") from None
    folder = Path(pyreveal.__file__).parent / "revealjs"
    if not (folder / "dist" / "reveal.js").is_file():
        raise S3libError(f"no reveal.js in {folder}: reinstall pyreveal")
    return folder


#: A Markdown cell or output longer than this many words (about three lines on a slide) keeps its headings and first
#: sentence on the slide and goes whole to the speaker notes: a room reads a few lines.
NOTE_WORDS = 45
#: A table with more rows than this goes to the speaker notes (the full table is in the HTML report too).
TABLE_ROWS = 12
#: ... or more cells than this (a wide table shrinks as much as a long one).
TABLE_CELLS = 48
#: ... or more columns than this (it only fits shrunk to unreadable type).
TABLE_COLUMNS = 6
#: ... of which the slide keeps the header and the first rows (not of a table too wide).
HEAD_ROWS = 4


def _big_table(html: str) -> bool:
    """A table a room cannot read on one slide: more than :data:`TABLE_ROWS` rows, :data:`TABLE_CELLS` cells or
    :data:`TABLE_COLUMNS` columns."""
    return html.count("<tr") > TABLE_ROWS + 1 or html.count("<td") > TABLE_CELLS or _columns(html) > TABLE_COLUMNS


def _columns(html: str) -> int:
    import re

    widest = 0
    for row in re.findall(r"<tr\b.*?</tr>", html, flags=re.S):
        widest = max(widest, len(re.findall(r"<t[dh]\b", row)))
    return widest


def _head_rows(table: str, n: int) -> tuple[str | None, int]:
    """(the table's header and first ``n`` body rows, or None when it is not a plain one-table HTML, its body
    row count)."""
    import re

    body = table.find("<tbody")
    rows = [m.start() for m in re.finditer(r"<tr\b", table[body:])] if body >= 0 else []
    if body < 0 or table.count("<table") != 1:
        return None, max(table.count("<tr") - 1, 0)
    if len(rows) <= n:
        return table, len(rows)
    cut = body + rows[n]
    return table[:cut] + "</tbody></table>" + table[table.find("</table>") + len("</table>"):], len(rows)


def _has_table(cell) -> bool:
    return any("<table" in "".join(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))


def _has_figure(cell) -> bool:
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def _words(text) -> int:
    return len(("".join(text) if isinstance(text, list) else str(text)).split())


def _split_markdown(source: str) -> tuple[str, str]:
    """(what the slide shows, what goes to the notes): the headings and the first sentence of the first paragraph
    (at most 30 words) stay on the slide; the whole rest goes to the notes."""
    import re

    lines = source.strip().splitlines()
    heads = []
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        heads.append(lines.pop(0))
    body = "\n".join(lines).strip()
    first = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0] if body else ""
    words = first.split()
    shown = " ".join(words[:30]) + (" …" if len(words) > 30 else "")
    visible = "\n".join(h for h in heads if h.strip())
    if shown and not shown.lstrip().startswith(("-", "*", "|", "1.")):
        visible = f"{visible}\n\n{shown}".strip()
    return visible, source


def _first_line(text: str) -> str:
    """The first line of a list or paragraph, shortened: what a slide that opens on a list shows."""
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    words = line.split()
    return " ".join(words[:30]) + (" …" if len(words) > 30 else "")


def _notes_cell(outputs=None, markdown: str | None = None):
    import nbformat

    cell = (nbformat.v4.new_markdown_cell(markdown) if markdown is not None
            else nbformat.v4.new_code_cell("", outputs=outputs or []))
    cell.metadata["slideshow"] = {"slide_type": "notes"}
    return cell


def prepare(nb, subtitle: str | None = None):
    """A copy of an executed notebook ready to present: widget outputs become :data:`WIDGET_NOTE`, stderr streams
    (warnings) are dropped, code cells that show nothing open no slide; and a talk rather than a document:

    * the title slide (the notebook's first cell) gets ``subtitle`` (the place and the year);
    * a Markdown cell or output longer than :data:`NOTE_WORDS` words keeps its headings and first sentence on the
      slide; the text goes to the speaker notes (``S`` in reveal.js), as does a table longer than
      :data:`TABLE_ROWS` rows or wider than :data:`TABLE_CELLS` cells (a line on the slide says where it went);
    * every figure opens a slide of its own, so it is shown large (the fitting script keeps it at least 450 px tall);
      a table on a figure's slide goes to the notes, a second table on a slide opens a slide of its own.
    """
    import nbformat

    nb = copy.deepcopy(nb)
    cells = []
    figure = table = False  # the current slide shows a figure (a table on it goes to the notes) or a table
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.setdefault("slideshow", {})
        kind = meta.get("slide_type", "-")
        if kind in ("slide", "subslide"):
            figure = table = False
        if cell.cell_type == "markdown":
            full = None
            if kind not in ("skip", "notes") and _words(cell.source) > NOTE_WORDS:
                shown, full = _split_markdown(cell.source)
                if not shown and kind not in ("slide", "subslide"):  # a list or table only: the notes take it whole
                    cells.append(_notes_cell(markdown=full))
                    continue
                cell.source = shown or _first_line(full)
            if index == 0 and subtitle:
                cell.source = f"{cell.source.rstrip()}\n\n### {subtitle}"
            cells.extend([cell] if full is None else [cell, _notes_cell(markdown=full)])
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        outputs, notes = [], []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            data = out.get("data", {})
            if WIDGET_MIME in data:
                out = nbformat.v4.new_output("display_data", data={"text/html": WIDGET_NOTE})
            elif "text/markdown" in data and _words(data["text/markdown"]) > NOTE_WORDS:
                notes.append(out)
                shown = _split_markdown("".join(data["text/markdown"]))[0] or _first_line("".join(data["text/markdown"]))
                out = nbformat.v4.new_output("display_data", data={"text/markdown": shown})
            elif "text/html" in data and "<table" in "".join(data["text/html"]) and (figure or _has_figure(cell)):
                notes.append(out)  # the figure is the slide's message; its table is for the presenter
                continue
            elif "text/html" in data and _big_table("".join(data["text/html"])):
                table = "".join(data["text/html"])
                notes.append(out)
                head, rows = _head_rows(table, HEAD_ROWS) if _columns(table) <= TABLE_COLUMNS else (None, 0)
                rows = rows or max(table.count("<tr") - 1, 0)
                if head:
                    outputs.append(nbformat.v4.new_output("display_data", data={"text/html": head}))
                out = nbformat.v4.new_output("display_data", data={"text/markdown": (
                    f"*{'The first ' + str(HEAD_ROWS) + ' of ' if head else 'A table of '}{rows} rows; all of them "
                    "in the speaker notes (S) and the HTML report.*")})
            outputs.append(out)
        cell.outputs = outputs
        if not outputs and kind in ("slide", "subslide", "fragment"):
            meta["slide_type"] = "skip"  # a code cell with nothing to show opens no empty slide
        elif (_has_figure(cell) or (_has_table(cell) and (figure or table))) and kind in ("-", "fragment"):
            meta["slide_type"] = "subslide"  # a figure, or a second table, gets a slide of its own
            figure = table = False
        figure, table = figure or _has_figure(cell), table or _has_table(cell)
        cells.append(cell)
        if notes:
            cells.append(_notes_cell(outputs=notes))
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


def _subtitle(nb) -> str | None:
    """"Aquitaine (FRI1), which contains Bordeaux · 2014" from the parameters papermill recorded (the region the
    figures are for, as their titles say), or None."""
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    try:
        if params.get("place"):
            from s3lib.study import Study, place_year

            year = place_year(params["place"], params.get("year") or None)[0]
            return f"{Study('sbs', 2, year).at(params['place']).label} · {year}"
        if params.get("places"):
            return f"{len(params['places'])} places · {params.get('year', '')}".rstrip(" ·")
    except Exception:  # noqa: BLE001 - a subtitle is a courtesy: a place the data cannot show keeps the title alone
        return None
    return None


def export_notebook(source: Path, out_dir: Path) -> Path:
    """Write ``<out_dir>/<name>.slides.html`` from one executed notebook; returns its path."""
    import nbformat
    from nbconvert import SlidesExporter

    source = Path(source)
    from s3lib.htmlsafe import clean_notebook

    nb = nbformat.read(str(source), as_version=4)
    nb = clean_notebook(prepare(nb, subtitle=_subtitle(nb)))
    exporter = SlidesExporter(template_name="s3lib_slides", extra_template_basedirs=[str(_template_dir())],
                              exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                              reveal_theme="white")  # the theme shipped in _static (its fonts inlined)
    exporter.reveal_url_prefix = STATIC + "/reveal"
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": source.stem}})
    out = Path(out_dir) / f"{source.stem}.slides.html"
    with atomic_write(out) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return out


def _static(out_dir: Path) -> None:
    """Copy reveal.js (dist only) and MathJax into ``<out_dir>/_static`` unless already there."""
    from s3lib.outputs.site import _mathjax_dir

    static = Path(out_dir) / STATIC
    if not (static / "reveal" / "dist" / "reveal.js").is_file():
        dist = static / "reveal" / "dist"
        (dist / "theme").mkdir(parents=True, exist_ok=True)
        for name in ("reveal.js", "reveal.css", "reset.css", "theme/white.css"):  # fonts inlined; no @import
            shutil.copyfile(_reveal_dir() / "dist" / name, dist / name)
    if not (static / "mathjax" / "MathJax.js").is_file():
        shutil.copytree(_mathjax_dir(), static / "mathjax", dirs_exist_ok=True)


def export(place: str, reports_dir: Path | None = None, out_dir: Path | None = None) -> list[Path]:
    """Slides of every executed notebook of ``place`` (``reports/<place>/*.ipynb``) into
    ``reports/<place>/slides/`` (or ``out_dir``), with ``index.html`` listing them."""
    import html

    root = Path(reports_dir or config.REPORTS_DIR)
    if not (root / place).is_dir():  # a name or code: reports/ uses the place key
        from s3lib import data

        place = data.place(place).key
    folder = root / place
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.endswith(".FAILED.ipynb"))
    if not notebooks:
        raise UsageError(f"no executed notebooks in {folder}: run `s3lib run --places {place}` (or `make slides`, "
                         "which does)")
    out = Path(out_dir or folder / "slides")
    _static(out)
    pages = [export_notebook(nb, out) for nb in notebooks]
    items = "\n".join(f'<li><a href="{p.name}">{html.escape(p.name.removesuffix(".slides.html"))}</a></li>'
                      for p in pages)
    index = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(place)} "
             f"slides</title></head><body style='font-family:sans-serif'><h1>Slides: "
             f"{html.escape(place)}</h1><ul>{items}</ul><p>Right arrow or space: the next slide (every slide, "
             "figures included); S: speaker notes (methods, caveats, full tables); Esc: an overview; F: full screen. "
             "The live explorer: "
             "<code>make present</code>.</p></body></html>")
    with atomic_write(out / "index.html") as tmp:
        tmp.write_text(index, encoding="utf-8")
    return pages


def main(argv=None) -> int:
    """``python -m s3lib.outputs.slides PLACE [--serve]``: export the place's slides, optionally serve them."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m s3lib.outputs.slides", description=main.__doc__)
    parser.add_argument("place", help="place key, name or code (reports/<key>/, e.g. bordeaux)")
    parser.add_argument("--reports", type=Path, default=None, help="default reports/")
    parser.add_argument("--out", type=Path, default=None, help="default reports/<place>/slides/")
    parser.add_argument("--serve", action="store_true", help="serve the slides on 127.0.0.1 until Ctrl-C")
    parser.add_argument("--port", type=int, default=8866)
    args = parser.parse_args(argv)
    try:
        pages = export(args.place, args.reports, args.out)
    except S3libError as exc:
        parser.exit(2, f"s3lib slides: {exc}\n")
    folder = pages[0].parent
    print(f"slides: {len(pages)} notebooks in {folder}")
    if args.serve:
        from functools import partial
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        server = ThreadingHTTPServer(("127.0.0.1", args.port), partial(SimpleHTTPRequestHandler, directory=str(folder)))
        print(f"serving on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
