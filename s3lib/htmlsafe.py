"""Names from data or users never become markup: the outputs of executed notebooks, made safe for HTML.

A notebook's outputs carry names that came from data or from a user: a cluster of a user's scheme file, a
place label, a region name. They reach HTML through Markdown output (``display(Markdown(...))``, which
nbconvert renders with raw HTML passed through) and through tables (pandas' ``Styler`` does not escape
labels). Before a notebook is exported (the HTML report, the gallery, the slides), :func:`clean_notebook`
makes every output safe:

* ``text/markdown`` outputs are Markdown without HTML: ``<``, ``>`` and ``&`` are escaped
  (:func:`markdown_text`), so ``<script>`` is shown as text;
* ``text/html`` outputs keep the markup tables and styled tables need (an allow-list of tags and
  attributes, ``style`` blocks included) and show everything else as text (:func:`clean_html`): no
  script, no event handler attribute, no ``javascript:`` link, no remote image.

>>> markdown_text("**<script>alert(2)</script>** & co")
'**&lt;script&gt;alert(2)&lt;/script&gt;** &amp; co'
>>> clean_html('<td class="x" onclick="f()">R&amp;D <script>alert(1)</script></td>')
'<td class="x">R&amp;D &lt;script&gt;alert(1)&lt;/script&gt;</td>'
"""
from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser

__all__ = ["clean_html", "clean_notebook", "markdown_text"]

ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd div dl dt em h1 h2 h3 h4 h5 h6 hr i img li ol p pre "
    "small span strong style sub sup table tbody td tfoot th thead tr u ul".split())
ALLOWED_ATTRIBUTES = frozenset(
    "align alt border class colspan height href id rowspan scope src style title type valign width".split())
_VOID = frozenset({"br", "col", "hr", "img"})
_BAD_CSS = re.compile(r"url\s*\(|expression\s*\(|javascript:|@import", re.I)


def markdown_text(text: str) -> str:
    """Markdown with any HTML in it shown as text (``&``, ``<``, ``>`` escaped)."""
    return html.escape(str(text), quote=False)


def _safe_attribute(tag: str, name: str, value: str | None) -> bool:
    if name not in ALLOWED_ATTRIBUTES or value is None:
        return value is None and name in ALLOWED_ATTRIBUTES
    lowered = value.strip().lower()
    if name == "href":
        return not re.match(r"^[a-z][a-z0-9+.-]*:", lowered) or lowered.startswith(("http:", "https:", "mailto:"))
    if name == "src":
        return tag == "img" and lowered.startswith("data:image/")
    if name == "style":
        return not _BAD_CSS.search(value)
    return True


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.raw = 0  # inside an allowed <style> block: its CSS is kept as written

    def _tag(self, tag, attrs, close=False) -> str:
        kept = "".join(f' {name}="{html.escape(value, quote=True)}"' if value is not None else f" {name}"
                       for name, value in attrs if _safe_attribute(tag, name, value))
        return f"<{tag}{kept}{' /' if close else ''}>"

    def handle_starttag(self, tag, attrs):
        if tag in ALLOWED_TAGS:
            self.out.append(self._tag(tag, attrs))
            self.raw += tag == "style"
        else:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag, attrs):
        if tag in ALLOWED_TAGS:
            self.out.append(self._tag(tag, attrs, close=tag in _VOID))
        else:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}/>"))

    def handle_endtag(self, tag):
        if tag in ALLOWED_TAGS and tag not in _VOID:
            self.out.append(f"</{tag}>")
            if tag == "style":
                self.raw = max(0, self.raw - 1)
        elif tag not in ALLOWED_TAGS:
            self.out.append(html.escape(f"</{tag}>"))

    def handle_data(self, data):
        self.out.append(data.replace("<", "\\3c ") if self.raw else html.escape(data, quote=False))

    def handle_entityref(self, name):
        self.out.append(f"&{name};" if name.isalnum() else html.escape(f"&{name}"))

    def handle_charref(self, name):
        self.out.append(f"&#{name};" if re.fullmatch(r"x?[0-9a-fA-F]+", name) else html.escape(f"&#{name}"))

    def handle_comment(self, data):  # comments are dropped (conditional comments could hold markup)
        return

    def handle_decl(self, decl):
        return

    def unknown_decl(self, data):
        return


def clean_html(text: str) -> str:
    """HTML with only the allow-listed tags and attributes kept; every other tag shown as text."""
    cleaner = _Cleaner()
    cleaner.feed(str(text))
    cleaner.close()
    if cleaner.rawdata:  # an unfinished tag at the end: shown as text
        cleaner.out.append(html.escape(cleaner.rawdata))
    return "".join(cleaner.out)


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def clean_notebook(nb):
    """A copy of an nbformat notebook whose Markdown and HTML outputs are safe (see the module's text);
    the notebook's own Markdown cells (the repository's text) are left as written."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            data = out.get("data")
            if not data:
                continue
            if "text/markdown" in data:
                data["text/markdown"] = markdown_text(_joined(data["text/markdown"]))
            if "text/html" in data:
                data["text/html"] = clean_html(_joined(data["text/html"]))
    return nb
