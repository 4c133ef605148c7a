"""The static gallery: ``s3lib site`` turns the executed suite into ``site/``.

``s3lib site [--reports DIR] [--figures DIR] [--out DIR] [--screenshot PATH]``

Layout of the gallery (every path relative, so it opens from disk or any web server)::

    site/index.html                  the city cards, the comparison, a notebook x place table
    site/style.css                   the gallery's stylesheet (bundled, no web fonts)
    site/_static/mathjax/            MathJax 2 from ``jupyter-server-mathjax`` (offline formulas)
    site/cards/<place>.png|.pdf      the city cards (``figures/cards``)
    site/<place>/index.html          one page per place: its notebooks and figure thumbnails
    site/<place>/<NN-name>.html      one page per executed notebook (the runner's HTML export)
    site/<place>/<NN-name>.ipynb     the executed notebook itself
    site/<place>/figures/...         the place's figures (``figures/<place>``), PNG and SVG

Suite-level notebooks (``05`` compare) live under the place key ``compare``.

Nothing is loaded from the network: remote ``<script>`` and stylesheet tags are
dropped, MathJax is served from the gallery itself, and the build fails if any
page still loads an ``http(s)`` resource (plain ``<a href>`` links are fine).
The gallery is built in a temporary folder and swapped in at the end, so a
failed build leaves the previous gallery intact.

Example (needs the executed suite of ``make run``; ``tests/test_site.py`` builds one)::

    from s3lib.outputs import site
    site.build()            # PosixPath('.../site')
"""
from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path

from s3lib import config
from s3lib.atomic import check_output_dir, clean_leftovers, pid_tag, swap_dir
from s3lib.config import SUITE_KEY
from s3lib.errors import S3libError, UsageError

__all__ = ["add_parser", "browser", "build", "chromium_path", "main", "remote_loads", "screenshot", "serve"]

MARKER = ".s3lib-site"  # marks a folder as a gallery that `build` may replace
MATHJAX = "_static/mathjax"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_NOTEBOOK = re.compile(r"^\d\d-[^.]+$")

STYLE = """\
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #d0d4d9; --accent: #0072b2; --bad: #d55e00; }
body.s3lib { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 0 1.5rem 3rem; }
.s3lib h1 { font-size: 1.9rem; margin: 1.5rem 0 .25rem; }
.s3lib h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); }
.s3lib .lede, .s3lib .meta { color: var(--muted); }
.s3lib a { color: var(--accent); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1.25rem; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; background: #fff; }
.tile img { width: 100%; height: auto; display: block; border-radius: 3px; }
.tile h3 { font-size: 1.05rem; margin: .5rem 0 .25rem; }
.tile p { margin: .25rem 0; font-size: .92rem; }
.nocard { display: flex; align-items: center; justify-content: center; aspect-ratio: 16 / 9;
  background: #f3f4f6; color: var(--muted); border-radius: 3px; }
table.runs { border-collapse: collapse; font-size: .95rem; }
table.runs th, table.runs td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; }
table.runs .failed { color: var(--bad); }
nav.s3lib-nav { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  background: #f3f4f6; border-bottom: 1px solid var(--line); padding: .5rem 1rem; margin-bottom: 1rem; }
nav.s3lib-nav a { color: var(--accent); margin-right: .75rem; }
nav.s3lib-nav .here { font-weight: 600; margin-right: .75rem; }
"""

# MathJax 2 offline: STIX web fonts are the ones jupyter-server-mathjax ships. Its HTML-CSS output also declares a
# "MathJax_Blank" font at url('about:blank') (a font-detection trick): a request beyond the page, blocked and
# logged by the browser; the font is pointed at a local one instead.
MATHJAX_HTML_CSS = ('{availableFonts: [], webFont: "STIX-Web", imageFont: null, styles: {"@font-face": '
                    '{"font-family": "MathJax_Blank", src: "local(\'Arial\')"}}}')
_MATHJAX_TAGS = ('<script type="text/x-mathjax-config">MathJax.Hub.Config({"HTML-CSS": '
                 + MATHJAX_HTML_CSS + '});</script>\n'
                 '<script src="{root}' + MATHJAX + '/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"></script>\n')


# ----------------------------------------------------------------------------- collecting the suite
def _executed(reports_dir: Path) -> dict[str, dict[str, dict]]:
    """{place key: {notebook name: {"html": Path|None, "ipynb": Path|None, "failed": bool}}}."""
    found: dict[str, dict[str, dict]] = {}
    for folder in sorted(p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        entries: dict[str, dict] = {}
        for path in sorted(folder.iterdir()):
            stem = path.name.split(".", 1)[0]
            if not _NOTEBOOK.match(stem) or path.name.startswith("."):
                continue
            entry = entries.setdefault(stem, {"html": None, "ipynb": None, "failed": False})
            if path.name == f"{stem}.html":
                entry["html"] = path
            elif path.name == f"{stem}.ipynb":
                entry["ipynb"] = path
            elif path.name == f"{stem}.FAILED.ipynb":
                entry["failed"] = True
        entries = {k: v for k, v in entries.items() if v["html"] or v["failed"]}
        if entries:
            found[folder.name] = entries
    return found


def _place_names(keys) -> dict[str, str]:
    """Display names of place keys: the case places first, in the suite's order, then the rest sorted.

    Names come from the data API (``s3lib.data.places()``, ``s3lib.data.place(key)``);
    a key it does not know (or a snapshot that is not there) is shown as it is.
    """
    from s3lib import data

    try:
        case = data.places()["name"].to_dict()  # index: place keys
    except S3libError:
        case = {}

    def name(key: str) -> str:
        try:
            return case.get(key) or f"{data.place(key).name} ({key})"
        except S3libError:
            return key

    ordered = [k for k in case if k in keys] + sorted(k for k in keys if k not in case and k != SUITE_KEY)
    titles = {k: name(k) for k in ordered}
    if SUITE_KEY in keys:
        titles[SUITE_KEY] = "Comparison of the places"
    return titles


def _notebook_title(name: str) -> str:
    """``"01-cluster-structure"`` -> ``"01 Cluster structure"``."""
    number, _, rest = name.partition("-")
    return f"{number} {rest.replace('-', ' ').capitalize()}"


def _figure_caption(path: Path) -> str:
    if path.suffix == ".png":
        from s3lib import plots

        try:
            title = plots.read_png_metadata(path).get("Title")
        except (ValueError, OSError):
            title = None
        if title:
            return title
    return path.stem.replace("-", " ")


# ----------------------------------------------------------------------------- offline checks
class _LoadScanner(HTMLParser):
    """Collect URLs a browser would fetch (not follow): src, srcset, link href, CSS url(), JS import()."""

    _css_url = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])(https?:)?//""", re.IGNORECASE)
    _js_import = re.compile(r"""\bimport\s*\(\s*['"](https?:)?//""")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "data", "poster"):
            self._check(attrs.get(name), f"<{tag} {name}>")
        for part in (attrs.get("srcset") or "").split(","):
            self._check(part.strip().split(" ")[0], f"<{tag} srcset>")
        if tag == "link":
            self._check(attrs.get("href"), "<link href>")
        if attrs.get("style") and self._css_url.search(attrs["style"]):
            self.found.append(f"<{tag} style>: {attrs['style'][:80]}")
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        pattern = {"style": self._css_url, "script": self._js_import}.get(self._in)
        if pattern is not None:
            for m in pattern.finditer(data):
                self.found.append(f"<{self._in}>: {data[m.start():m.start() + 80]}")

    def _check(self, url, where):
        if url and re.match(r"^\s*(https?:)?//", url, re.IGNORECASE):
            self.found.append(f"{where}: {url}")


def remote_loads(page: str) -> list[str]:
    """The network resources an HTML page would load (empty for an offline page).

    Links (``<a href="https://...">``) are not loads and are allowed.

    >>> remote_loads('<a href="https://ec.europa.eu">source</a><img src="f.png">')
    []
    >>> remote_loads('<script src="https://cdn.example/x.js"></script>')
    ['<script src>: https://cdn.example/x.js']
    """
    scanner = _LoadScanner()
    scanner.feed(page)
    scanner.close()
    return scanner.found


def _offline(page: str) -> str:
    """Drop what nbconvert's template loads from CDNs: remote scripts and stylesheets, the mermaid loader."""
    page = re.sub(r"<script\b[^>]*\bsrc=[\"'](?:https?:)?//[^\"']*[\"'][^>]*>\s*</script>", "", page, flags=re.IGNORECASE)
    page = re.sub(r"<link\b[^>]*\bhref=[\"'](?:https?:)?//[^\"']*[\"'][^>]*>", "", page, flags=re.IGNORECASE)
    return re.sub(r"<script type=\"module\">(?:(?!</script>).)*?import\s*\(\s*[\"']https?://.*?</script>", "",
                  page, flags=re.DOTALL)


# ----------------------------------------------------------------------------- pages
def _page(title: str, body: str, root: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{html.escape(title)}</title>\n<link rel="stylesheet" href="{root}style.css">\n</head>\n'
            f'<body class="s3lib">\n{body}\n</body>\n</html>\n')


def _nav(root: str, links: list[tuple[str, str]], here: str) -> str:
    parts = [f'<a href="{root}index.html">Gallery</a>']
    parts += [f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in links]
    parts.append(f'<span class="here">{html.escape(here)}</span>')
    return f'<nav class="s3lib-nav">{" ".join(parts)}</nav>'


def _notebook_page(source: Path, place_title: str, name: str, siblings: list[str], ipynb: bool) -> str:
    page = _offline(source.read_text(encoding="utf-8"))
    links = [(place_title, "index.html"), *((_notebook_title(s), f"{s}.html") for s in siblings if s != name)]
    if ipynb:
        links.append(("notebook (.ipynb)", f"{name}.ipynb"))
    nav = _nav("../", links, f"{place_title}: {_notebook_title(name)}")
    style = '<link rel="stylesheet" href="../style.css">\n'
    title = html.escape(f"{place_title}: {_notebook_title(name)} | s3lib gallery")
    page = re.sub(r"<title>.*?</title>", lambda m: f"<title>{title}</title>", page, count=1, flags=re.S)
    page = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + "\n" + nav, page, count=1)
    page = page.replace("</head>", style + "</head>", 1)
    if "text/x-mathjax-config" in page:  # after nbconvert's config block, as MathJax 2 requires
        page = page.replace("</body>", _MATHJAX_TAGS.replace("{root}", "../") + "</body>", 1)
    return page


def _thumbs(figures: list[Path], href_prefix: str) -> str:
    tiles = []
    for png in figures:
        caption = html.escape(_figure_caption(png))
        href = html.escape(f"{href_prefix}{png.name}")
        svg = png.with_suffix(".svg")
        extra = f' · <a href="{html.escape(href_prefix + svg.name)}">SVG</a>' if svg.exists() else ""
        tiles.append(f'<div class="tile"><a href="{href}"><img src="{href}" alt="{caption}"></a>'
                     f'<p>{caption}{extra}</p></div>')
    return f'<div class="grid">{"".join(tiles)}</div>' if tiles else '<p class="meta">No figures.</p>'


def _place_page(key: str, title: str, notebooks: dict[str, dict], figures: list[Path], card: Path | None) -> str:
    items = []
    for name, entry in notebooks.items():
        if entry["html"]:
            items.append(f'<li><a href="{name}.html">{html.escape(_notebook_title(name))}</a></li>')
        else:
            items.append(f'<li class="failed">{html.escape(_notebook_title(name))}: failed, see reports/</li>')
    body = [_nav("../", [], title), f"<h1>{html.escape(title)}</h1>"]
    if card:
        body.append(f'<p><a href="../cards/{html.escape(card.name)}"><img src="../cards/{html.escape(card.name)}" '
                    f'alt="City card: {html.escape(title)}" style="max-width:100%"></a></p>')
    body.append(f"<h2>Notebooks</h2><ul>{''.join(items)}</ul>")
    for name in notebooks:
        mine = [f for f in figures if f.name.split("-", 1)[0] == name.split("-", 1)[0]]  # "01-..." of "01-name"
        if mine:
            body.append(f"<h2>Figures: {html.escape(_notebook_title(name))}</h2>" + _thumbs(mine, "figures/"))
    return _page(f"{title} | s3lib gallery", "\n".join(body), root="../")


def _index_page(suite: dict, titles: dict[str, str], cards: dict[str, Path], compare_figures: list[Path]) -> str:
    places = [k for k in titles if k != SUITE_KEY]
    tiles = []
    for key in places + sorted(k for k in cards if k not in titles):
        title = html.escape(titles.get(key, key))
        picture = (f'<img src="cards/{html.escape(cards[key].name)}" alt="City card: {title}">' if key in cards
                   else f'<div class="nocard">{title}</div>')
        pdf = key in cards and cards[key].with_suffix(".pdf").exists()
        href = html.escape(key)
        extra = f'<p><a href="cards/{href}.pdf">City card (PDF)</a></p>' if pdf else ""
        if key in suite:
            tiles.append(f'<div class="tile"><a href="{href}/index.html">{picture}</a><h3>'
                         f'<a href="{href}/index.html">{title}</a></h3>{extra}</div>')
        else:
            tiles.append(f'<div class="tile">{picture}<h3>{title}</h3>{extra}</div>')
    body = ["<h1>s3lib gallery</h1>",
            ('<p class="lede">Cluster structure, specialised diversification, intercluster links and RIS3 '
             "alignment of European cities and regions, from Eurostat data. Every page works offline.</p>"),
            "<h2>Places</h2>", f'<div class="grid">{"".join(tiles)}</div>']
    if SUITE_KEY in suite:
        links = " · ".join(f'<a href="{SUITE_KEY}/{n}.html">{html.escape(_notebook_title(n))}</a>'
                           for n, e in suite[SUITE_KEY].items() if e["html"])
        body += ["<h2>Comparison</h2>", f"<p>{links}</p>", _thumbs(compare_figures, f"{SUITE_KEY}/figures/")]
    names = sorted({n for k in places for n in suite.get(k, {})})
    if names:
        head = "".join(f"<th>{html.escape(_notebook_title(n))}</th>" for n in names)
        rows = []
        for key in places:
            cells = []
            for n in names:
                entry = suite.get(key, {}).get(n)
                if entry and entry["html"]:
                    cells.append(f'<td><a href="{html.escape(key)}/{html.escape(n)}.html">open</a></td>')
                else:
                    cells.append('<td class="failed">failed</td>' if entry else "<td>-</td>")
            rows.append(f'<tr><th><a href="{html.escape(key)}/index.html">{html.escape(titles[key])}</a></th>'
                        f'{"".join(cells)}</tr>')
        body += ["<h2>All notebooks</h2>", f'<table class="runs"><tr><th>place</th>{head}</tr>{"".join(rows)}</table>']
    return _page("s3lib gallery", "\n".join(body))


# ----------------------------------------------------------------------------- build
def _mathjax_dir() -> Path:
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise S3libError("the gallery needs jupyter-server-mathjax (offline formulas): "
                         "pip install -e '.[site]'") from None
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _refuse_links(roots: list[Path], suite: dict) -> None:
    """Refuse (one line, before any work) a symbolic link among what the gallery reads or copies: the place
    folders of the reports and figures, their files, the cards; a link would pull a file from outside the
    project into ``site/``."""
    reports_dir, figures_dir, cards_dir = roots
    for key in suite:
        for folder in (reports_dir / key, figures_dir / key):
            for path in [folder, *(folder.iterdir() if folder.is_dir() and not folder.is_symlink() else [])]:
                if path.is_symlink():
                    raise UsageError(f"refusing to copy through the symbolic link {path}: remove it and build again")
    for path in [cards_dir, *(cards_dir.iterdir() if cards_dir.is_dir() and not cards_dir.is_symlink() else [])]:
        if path.is_symlink():
            raise UsageError(f"refusing to copy through the symbolic link {path}: remove it and build again")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(reports_dir: Path | None = None, figures_dir: Path | None = None, out: Path | None = None) -> Path:
    """Build the gallery from the executed suite and return its folder.

    Raises :class:`~s3lib.errors.UsageError` when ``reports_dir`` holds no executed
    notebook, or when ``out`` exists and is not a gallery (it would be replaced);
    :class:`~s3lib.errors.S3libError` when a page would load something from the network.
    """
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    cards_dir = Path(figures_dir) / "cards" if figures_dir else config.CARDS_DIR
    figures_dir = Path(figures_dir or config.FIGURES_DIR)
    out = Path(out or config.SITE_DIR).resolve()
    suite = _executed(reports_dir) if reports_dir.is_dir() else {}
    if not suite:
        raise UsageError(f"no executed notebooks in {reports_dir}; run `make run` (or `s3lib run`) first")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UsageError(f"{out} exists and is not a gallery built by `s3lib site`; choose another --out")

    titles = _place_names(set(suite))
    cards = {p.stem: p for p in sorted(cards_dir.glob("*.png"))} if cards_dir.is_dir() else {}
    _refuse_links([reports_dir, figures_dir, cards_dir], suite)
    check_output_dir(out, "--out")
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out.parent, f".{out.name}.building-pid*-*")  # what a killed build left
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{pid_tag()}", dir=out.parent))
    try:
        (tmp / MARKER).write_text("built by s3lib site\n", encoding="utf-8")
        _write(tmp / "style.css", STYLE)
        shutil.copytree(_mathjax_dir(), tmp / MATHJAX)
        for key, path in cards.items():
            (tmp / "cards").mkdir(exist_ok=True)
            for card in path.parent.glob(f"{key}.*"):
                if card.suffix in (".png", ".pdf"):
                    shutil.copy2(card, tmp / "cards" / card.name)
        compare_figures: list[Path] = []
        for key, notebooks in suite.items():
            figures = sorted(f for f in (figures_dir / key).glob("[0-9][0-9]-*") if f.suffix in (".png", ".svg"))
            for f in figures:
                (tmp / key / "figures").mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, tmp / key / "figures" / f.name)
            done = [n for n, e in notebooks.items() if e["html"]]
            for name in done:
                _write(tmp / key / f"{name}.html", _notebook_page(notebooks[name]["html"], titles[key], name, done,
                                                                  ipynb=bool(notebooks[name]["ipynb"])))
                if notebooks[name]["ipynb"]:
                    shutil.copy2(notebooks[name]["ipynb"], tmp / key / f"{name}.ipynb")
            copied = [tmp / key / "figures" / f.name for f in figures if f.suffix == ".png"]
            _write(tmp / key / "index.html", _place_page(key, titles[key], notebooks, copied, cards.get(key)))
            if key == SUITE_KEY:
                compare_figures = copied
        _write(tmp / "index.html", _index_page(suite, titles, cards, compare_figures))
        problems = [f"{page.relative_to(tmp)}: {hit}" for page in sorted(tmp.rglob("*.html"))
                    if MATHJAX not in page.as_posix() for hit in remote_loads(page.read_text(encoding="utf-8"))]
        if problems:
            raise S3libError("the gallery would load from the network: " + "; ".join(problems[:5]))
        swap_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


# ----------------------------------------------------------------------------- serving and a browser
@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on ``http://127.0.0.1:<free port>/`` in a thread; yields the base URL."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str | None:
    """The system Chromium (``$S3LIB_CHROMIUM`` or ``chromium`` on the PATH); never a downloaded one."""
    return os.environ.get("S3LIB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def browser(width: int = 1280, height: int = 800):
    """A headless system Chromium (Playwright) with a fresh profile; yields a browser context."""
    executable = chromium_path()
    if not executable:
        raise S3libError("no chromium found: apt-get install chromium (or set S3LIB_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise S3libError("the browser needs playwright: pip install -e '.[site]' "
                         "(it drives the system chromium; never run `playwright install`)") from None
    with tempfile.TemporaryDirectory(prefix="s3lib-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": width, "height": height}, service_workers="block")
        try:
            yield context
        finally:
            context.close()


def screenshot(site_dir: Path, path: Path, width: int = 1280, height: int = 800) -> Path:
    """Save a PNG of the gallery's index page as a browser shows it (for the README)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with serve(site_dir) as url, browser(width, height) as context:
        page = context.new_page()
        page.goto(url + "index.html", wait_until="load")
        page.screenshot(path=str(path))
    return path


# ----------------------------------------------------------------------------- command line
def add_parser(subparsers) -> None:
    """Register ``s3lib site`` on an argparse sub-parser collection."""
    p = subparsers.add_parser("site", help="build the static gallery (site/) from the executed suite",
                              description="Build an offline HTML gallery from reports/ and figures/.")
    p.add_argument("--reports", type=Path, metavar="DIR", help=f"executed notebooks (default {config.REPORTS_DIR})")
    p.add_argument("--figures", type=Path, metavar="DIR", help=f"figures and cards (default {config.FIGURES_DIR})")
    p.add_argument("--out", type=Path, metavar="DIR", help=f"gallery folder, replaced as a whole (default {config.SITE_DIR})")
    p.add_argument("--screenshot", type=Path, metavar="PATH.png",
                   help="also save a screenshot of the index taken with headless chromium")
    p.set_defaults(func=main)


def main(args) -> int:
    out = build(args.reports, args.figures, args.out)
    pages = sorted(out.rglob("*.html"))
    pages = [p for p in pages if MATHJAX not in p.relative_to(out).as_posix()]
    print(f"gallery: {len(pages)} pages in {out} (open {out / 'index.html'})")
    if args.screenshot:
        print(f"screenshot: {screenshot(out, args.screenshot)}")
    return 0

