"""The static gallery, built from a tiny suite that the runner executes here, then
browsed with headless system Chromium: every page and image loads, no local link
is broken, nothing is fetched from outside 127.0.0.1, formulas render offline."""
from __future__ import annotations

import argparse
import subprocess
import sys
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import nbformat
import pytest
from _browser import watched_page

from s3lib.errors import S3libError, UsageError
from s3lib.outputs import site
from s3lib.runner import run as runner

FIGURE_CODE = """\
import os, pathlib
import matplotlib.pyplot as plt
out = pathlib.Path(figures_dir) / {folder}
out.mkdir(parents=True, exist_ok=True)
fig, ax = plt.subplots(figsize=(4, 2.25))
ax.bar(["C", "G", "M"], [1.4, 0.8, 1.1])
ax.set_title("Location quotients, " + str({folder}))
for ext in ("png", "svg"):
    fig.savefig(out / f"{name}-bars.{{ext}}", metadata={{"Title": "LQ bars for " + str({folder})}})
plt.show()
"""


def _notebook(path: Path, parameters: str, cells: list, scope: str | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if scope:
        nb.metadata["s3lib"] = {"scope": scope}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """reports/ and figures/ of two places and the comparison, executed by the runner, plus one card."""
    root = tmp_path_factory.mktemp("suite")
    nbdir, reports, figures = root / "notebooks", root / "reports", root / "figures"
    nbdir.mkdir()
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    one = _notebook(nbdir / "01-structure.ipynb", 'place = "frankfurt"  # place key\nfigures_dir = ""', [
        md("# Cluster structure\nThe location quotient $LQ_{ri} = \\frac{e_{ri}/e_r}{e_i/e}$ compares shares.\n\n"
           "$$\\sum_i e_{ri} = e_r$$\n\nSource: [Eurostat SBS](https://ec.europa.eu/eurostat)."),
        code(FIGURE_CODE.format(folder="place", name="01")),
    ])
    five = _notebook(nbdir / "05-compare.ipynb", 'places = ["frankfurt"]  # place keys\nfigures_dir = ""', [
        md("# Comparison"), code(FIGURE_CODE.format(folder='"compare"', name="05")),
    ], scope="suite")
    tasks = [runner.Task(str(one), key, {"place": key, "figures_dir": str(figures)}, str(reports), str(figures))
             for key in ("frankfurt", "porto")]
    tasks.append(runner.Task(str(five), runner.SUITE_KEY, {"places": ["frankfurt", "porto"], "figures_dir": str(figures)},
                             str(reports), str(figures)))
    results = [runner.execute_task(task) for task in tasks]
    assert [r.status for r in results] == ["ok"] * 3, [r.error for r in results]

    import matplotlib.pyplot as plt

    (figures / "cards").mkdir()
    fig, ax = plt.subplots(figsize=(3.2, 1.8), dpi=50)
    ax.text(0.5, 0.5, "Frankfurt card", ha="center")
    fig.savefig(figures / "cards" / "frankfurt.png")
    fig.savefig(figures / "cards" / "frankfurt.pdf")
    plt.close(fig)
    return reports, figures


@pytest.fixture(scope="module")
def gallery(executed, tmp_path_factory):
    reports, figures = executed
    return site.build(reports, figures, tmp_path_factory.mktemp("gallery") / "site")


def test_layout(gallery):
    for rel in ["index.html", "style.css", "cards/frankfurt.png", "cards/frankfurt.pdf", "frankfurt/index.html",
                "frankfurt/01-structure.html", "frankfurt/01-structure.ipynb", "frankfurt/figures/01-bars.png",
                "frankfurt/figures/01-bars.svg", "porto/01-structure.html", "compare/05-compare.html",
                "compare/figures/05-bars.png", "_static/mathjax/MathJax.js"]:
        assert (gallery / rel).is_file(), rel
    index = (gallery / "index.html").read_text(encoding="utf-8")
    assert 'src="cards/frankfurt.png"' in index and 'href="cards/frankfurt.pdf"' in index and 'href="compare/05-compare.html"' in index
    assert "LQ bars for compare" in index  # the comparison's figure, captioned from its PNG title
    place = (gallery / "frankfurt" / "index.html").read_text(encoding="utf-8")
    assert 'src="figures/01-bars.png"' in place and 'href="01-structure.html"' in place
    page = (gallery / "frankfurt" / "01-structure.html").read_text(encoding="utf-8")
    assert 'class="s3lib-nav"' in page and "../_static/mathjax/MathJax.js" in page
    assert 'src="data:image/png;base64,' in page  # the figure shown inline by the kernel
    import re

    title = re.search(r"<title>(.*?)</title>", page, flags=re.S).group(1)
    assert title != "Notebook" and "Frankfurt" in title and "s3lib gallery" in title  # a tab a reader can find
    assert page.count("<title>") == 1
    for path in gallery.rglob("*.html"):
        if "_static" not in path.parts:
            assert site.remote_loads(path.read_text(encoding="utf-8")) == [], path


def test_remote_loads_are_found_and_links_allowed():
    assert site.remote_loads('<a href="https://ec.europa.eu">Eurostat</a><img src="x.png">') == []
    page = ('<link rel="stylesheet" href="https://cdn.x/a.css"><img srcset="//cdn.x/i.png 2x">'
            '<style>@import "https://fonts.x/f.css";</style><script type="module">await import("https://cdn.x/m.js")'
            '</script><div style="background: url(http://x/b.png)"></div>')
    assert len(site.remote_loads(page)) == 5


def test_empty_reports_and_foreign_out_are_refused(tmp_path, executed):
    (tmp_path / "reports").mkdir()
    with pytest.raises(UsageError, match="make run"):
        site.build(tmp_path / "reports", tmp_path / "figures", tmp_path / "site")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(UsageError, match="not a gallery"):
        site.build(executed[0], executed[1], foreign)
    assert (foreign / "thesis.tex").read_text() == "keep me"
    assert not (tmp_path / "site").exists()


def test_cli_without_reports_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "s3lib", "site", "--reports", str(tmp_path / "none"),
                           "--out", str(tmp_path / "site")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "make run" in proc.stderr
    assert not (tmp_path / "site").exists()


def test_failed_build_keeps_previous_gallery(executed, tmp_path):
    reports, figures = executed
    out = site.build(reports, figures, tmp_path / "site")
    before = (out / "index.html").read_text(encoding="utf-8")
    bad = tmp_path / "bad-reports"
    (bad / "porto").mkdir(parents=True)
    (bad / "porto" / "01-structure.html").write_text('<html><body><img src="https://tracker.example/p.gif">'
                                                     "</body></html>")
    with pytest.raises(S3libError, match="tracker.example"):
        site.build(bad, figures, out)
    assert (out / "index.html").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad-reports", "site"]  # no temporary folder left


def test_main_prints_summary(executed, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    site.add_parser(parser.add_subparsers())
    args = parser.parse_args(["site", "--reports", str(executed[0]), "--figures", str(executed[1]),
                              "--out", str(tmp_path / "s")])
    assert args.func(args) == 0
    assert "gallery: 7 pages" in capsys.readouterr().out


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.skipif(site.chromium_path() is None,
                    reason="no system chromium (apt-get install chromium chromium-driver; .ci/run does it)")
def test_gallery_in_headless_chromium(gallery, tmp_path):
    pytest.importorskip("playwright", reason="playwright is in the [site] extra")
    with site.serve(gallery) as base, site.browser() as context:
        page, log = watched_page(context, base, local=("data:",))
        outside, errors, bad_responses = log.outside, log.errors, log.bad

        queue, seen, links = deque([base + "index.html"]), set(), set()
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            response = page.goto(url, wait_until="load")
            assert response is not None and response.status == 200, url
            broken_images = page.evaluate(
                "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
            assert broken_images == [], (url, broken_images)
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
                target = urldefrag(urljoin(url, href)).url
                if target.startswith(base):
                    links.add(target)
                    if target.endswith(".html"):
                        queue.append(target)
                else:
                    assert target.startswith(("https://", "http://")), (url, href)  # a source link, not loaded
            if url.endswith("01-structure.html"):  # the formulas are typeset by the bundled MathJax
                page.wait_for_selector(".MathJax, .MathJax_Display", state="attached", timeout=20_000)
        page.goto(base + "index.html", wait_until="load")
        assert page.evaluate("document.images.length") >= 2  # the card and the comparison figure
        shot = page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
        broken_links = [link for link in sorted(links) if _status(link) != 200]

    assert outside == [], outside
    assert errors == [], errors
    assert bad_responses == [], bad_responses
    assert broken_links == [] and len(links) > 10
    pages = {p.relative_to(gallery).as_posix() for p in gallery.rglob("*.html") if "_static" not in p.parts}
    assert {u[len(base):] for u in seen} == pages  # every page is reachable from the index
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "index.png").stat().st_size > 10_000

