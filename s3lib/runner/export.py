"""Self-contained HTML pages of executed notebooks: images inlined, no CDN scripts, accessible.

Used by the runner (:mod:`s3lib.runner.run`) after each notebook; one nbconvert exporter per process.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["export_html"]


def export_html(path: Path) -> str:
    """A self-contained HTML page of an executed notebook (images inlined, no CDN scripts, outputs made safe by
    :func:`s3lib.htmlsafe.clean_notebook`).

    nbconvert's ``HTMLExporter`` ends by parsing the whole page (about 1 MB, mostly inline
    CSS and images) with BeautifulSoup only to add image alt texts and ``tabindex``
    attributes: about half the export time. Here that pass is skipped and the same
    attributes are added by :func:`_accessible`, with each figure's title as its alt text.
    """
    import nbformat
    from nbconvert.exporters import html as nbconvert_html

    from s3lib.htmlsafe import clean_notebook

    nb = clean_notebook(nbformat.read(str(path), as_version=4))  # names from data or users never become markup
    parser = nbconvert_html.BeautifulSoup
    nbconvert_html.BeautifulSoup = _Unparsed
    try:
        body, _ = _html_exporter().from_notebook_node(nb)
    finally:
        nbconvert_html.BeautifulSoup = parser
    return _accessible(_strip_remote_scripts(body))


class _Unparsed:
    """Stands in for BeautifulSoup during the export: selects nothing, returns the page."""

    def __init__(self, html, features=None):
        self.html = html

    def select(self, selector):
        return []

    def __str__(self):
        return self.html


def _accessible(html: str) -> str:
    """Alt text on every image (a figure's PNG title, else a generic text, as nbconvert
    does) and ``tabindex="0"`` on cell inputs and outputs, so keyboards can reach them."""
    import base64
    import binascii
    import re

    from s3lib.plots import png_text

    def alt(match: re.Match) -> str:
        tag = match.group(0)
        if re.search(r"\balt=", tag):
            return tag
        title = "No description has been provided for this image"
        data = re.match(r'<img src="data:image/png;base64,([A-Za-z0-9+/=\s]{16,})', tag)
        if data:
            head = re.sub(r"\s", "", data.group(1))[:16384]
            try:
                title = png_text(base64.b64decode(head[: len(head) // 4 * 4])).get("Title", title)
            except (binascii.Error, ValueError, IndexError):
                pass
        escaped = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return f'<img alt="{escaped}" {tag[5:]}'

    html = re.sub(r"<img\b[^>]*>", alt, html)
    return re.sub(r'<div class="((?:[^"]*\s)?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?:\s[^"]*)?)"',
                  r'<div tabindex="0" class="\1"', html)


_EXPORTER = None


def _html_exporter():
    """One nbconvert HTML exporter per process (its templates load once, not per notebook).

    The lab template passes every code cell's pygments-highlighted source through bleach's
    ``clean_html``: a large part of the export time, for HTML that pygments has already
    escaped (the cells are the repository's notebooks plus papermill's parameters cell).
    That one filter is replaced by the identity; outputs are not sanitised either way
    (``sanitize_html`` is off, as in nbconvert's default).
    """
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="lab")
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.register_filter("clean_html", _escaped_already)
        exporter.filters["highlight_code"] = _RememberedHighlight(exporter)
        _EXPORTER = exporter
    return _EXPORTER


class _RememberedHighlight:
    """nbconvert's code highlighter, remembering its output per source: the same notebook's
    cells are highlighted again for every place (pygments: ~20 % of an export)."""

    def __init__(self, exporter):
        from nbconvert.filters.highlight import Highlight2HTML

        self.highlight = Highlight2HTML(pygments_lexer="ipython3", parent=exporter)
        self.seen: dict[tuple, str] = {}

    def __call__(self, source, language=None, metadata=None):
        key = (source, language, (metadata or {}).get("magics_language"))
        if key not in self.seen:
            if len(self.seen) > 2000:
                self.seen.clear()
            self.seen[key] = self.highlight(source, language, metadata)
        return self.seen[key]


def _escaped_already(html):
    return html.decode() if isinstance(html, bytes) else str(html)


def _strip_remote_scripts(html: str) -> str:
    """Drop ``<script src="http...">`` tags (MathJax, require.js) so pages work offline."""
    import re

    return re.sub(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", "", html)
