"""Figure I/O: projector-sized figures, titles and source lines, atomic saving with metadata.

Every figure the suite writes goes through :func:`figure` and :func:`save`:

* :func:`figure` opens a 1280 x 720 px (16:9) figure with large fonts;
* :func:`annotate` sets a title that names the place, the NUTS level and the year,
  and a source line (dataset, level, year, known gaps) at the bottom;
* :func:`save` refuses a figure without title and source, and writes
  ``<directory>/<place>/<notebook>-<name>.png`` (and ``.svg``) atomically, with the
  title and source also stored in the PNG metadata so tests can check them;
  :func:`saver` binds the directory, place and notebook once (the notebooks' ``figures_dir``);
* :func:`write` is the one atomic writer of a figure file with its metadata (cards use it too),
  and :func:`png_text` reads the metadata back (the runner's HTML export uses it for alt texts).

No side effects: the projector style (:func:`rc_params`) is applied inside :func:`style`, a
``matplotlib.rc_context``, around every figure s3lib makes, draws or saves (:func:`styled`), so a
user's own figures and matplotlib's global ``rcParams`` are the same before and after. A figure's
title and source live in a registry keyed by the figure (:func:`metadata`), not in attributes set on it.

Example
-------
>>> import tempfile
>>> from s3lib import plots
>>> fig, ax = plots.figure()
>>> with plots.style():
...     bars = ax.bar(["C", "G"], [1.2, 0.8])
>>> plots.annotate(fig, "Location quotients", place="Frankfurt am Main (DE71)",
...                level="NUTS2", year=2014, source=plots.SOURCE_SBS)
>>> path = plots.save(fig, "frankfurt", "01", "lq", directory=tempfile.mkdtemp())
>>> path.name, plots.read_png_metadata(path)["Title"]
('01-lq.png', 'Location quotients: Frankfurt am Main (DE71), NUTS2, 2014')
"""
from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from pathlib import Path

from s3lib import config
from s3lib.plots.style import DPI, HEIGHT_PX, WIDTH_PX, rc_params, style, styled

__all__ = ["DPI", "HEIGHT_PX", "WIDTH_PX", "annotate", "figure", "metadata", "png_text", "rc_params",
           "read_png_metadata", "save", "saver", "set_metadata", "slug", "style", "styled", "write"]

#: Font size of the source lines, and the mean character width of DejaVu Sans in em
#: (measured on the source texts), used to wrap them to the figure width.
SOURCE_FONTSIZE, CHAR_EM = 10.5, 0.55


_META: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def set_metadata(fig, meta: dict) -> None:
    """Register a figure's title and source (``Title``, ``Description``, ``Place``, ``Level``, ``Year``)."""
    _META[fig] = dict(meta)


def metadata(fig) -> dict:
    """The metadata registered for a figure by :func:`annotate` or :func:`set_metadata` (empty if none)."""
    return dict(_META.get(fig, {}))


@styled
def figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """A 1280 x 720 px figure with projector settings; returns ``(fig, ax)``.

    Extra keyword arguments go to :func:`matplotlib.pyplot.subplots`.
    """
    import matplotlib.pyplot as plt

    kwargs.setdefault("figsize", (WIDTH_PX / DPI, HEIGHT_PX / DPI))
    kwargs.setdefault("layout", "constrained")
    fig, ax = plt.subplots(nrows, ncols, **kwargs)
    return fig, ax


@styled
def annotate(fig, what: str, *, place: str, level: str, year, source: str | Iterable[str]) -> None:
    """Title the figure ``"<what>: <place>, <level>, <year>"`` and add the source line.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    what : str
        What the figure shows ("Cluster portfolio").
    place : str
        The place as readers know it, with its code ("Frankfurt am Main (DE71)").
    level : str
        The NUTS level the numbers come from ("NUTS2"), or, below NUTS3, the local level ("EPCI", "LAU":
        French intercommunalities and communes in the URSSAF data).
    year : int or str
        The year (or "2010-2014").
    source : str or list of str
        Dataset(s), with the known gaps; joined on separate lines.
    """
    if not str(level).upper().startswith(("NUTS", "EU", "MIXED", "EPCI", "LAU")):
        raise ValueError(f"level must name the NUTS level (e.g. 'NUTS2') or a local level (EPCI, LAU), got {level!r}")
    import textwrap

    title = f"{what}: {place}, {level}, {year}"
    lines = [source] if isinstance(source, str) else list(source)
    text = "\n".join(lines)
    # Wrapped here, at the characters that fit the figure width, not by matplotlib's
    # wrap=True, which measures the text word by word on every draw (a third of a save).
    width = max(40, int(fig.get_figwidth() * 72 * 0.97 / (SOURCE_FONTSIZE * CHAR_EM)))
    shown = [part for line in lines for part in textwrap.wrap(line, width, break_on_hyphens=False) or [""]]
    import matplotlib as mpl

    # the title wrapped too: a long place label ("Aquitaine (FRI1), which contains Bordeaux") must not run off
    size = mpl.font_manager.FontProperties(size=mpl.rcParams["figure.titlesize"]).get_size_in_points()
    title_width = max(30, int(fig.get_figwidth() * 72 * 0.97 / (size * 0.62)))  # bold letters: ~0.62 em
    fig.suptitle("\n".join(textwrap.wrap(title, title_width, break_on_hyphens=False)), fontweight="bold", ha="left",
                 x=0.01)
    fig.text(0.01, 0.005, "\n".join(shown), ha="left", va="bottom", fontsize=SOURCE_FONTSIZE, color="#333333")
    # the layout (suptitle included) fills the figure above the source lines (0.025 per line at 720 px)
    bottom = 0.02 + len(shown) * SOURCE_FONTSIZE * 1.25 / 72 / fig.get_figheight()
    fig.get_layout_engine() and fig.get_layout_engine().set(h_pad=0.1, rect=(0, bottom, 1, 1 - bottom))
    set_metadata(fig, {"Title": title, "Description": text, "Place": place, "Level": str(level), "Year": str(year)})


def slug(text: str) -> str:
    """A file-name-safe lower-case slug (``"Frankfurt am Main" -> "frankfurt-am-main"``)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figure"


@styled
def save(fig, place: str, notebook: str, name: str, formats: tuple[str, ...] = ("png", "svg"),
         directory: Path | None = None) -> Path:
    """Write ``<directory>/<place>/<notebook>-<name>.<fmt>`` atomically; return the PNG path.

    ``directory`` defaults to :data:`s3lib.config.FIGURES_DIR`; the runner gives notebooks their own
    (``figures_dir``, :func:`saver`). Raises ``ValueError`` if the figure was not :func:`annotate`-d:
    every figure must carry a title with place, level and year, and a source line.
    """
    import matplotlib.pyplot as plt

    meta = metadata(fig)
    if not meta:
        raise ValueError("figure has no title/source: call s3lib.plots.annotate(fig, ...) before save()")
    directory = Path(directory or config.FIGURES_DIR) / slug(place)
    stem = f"{slug(notebook)}-{slug(name)}"
    if fig.get_layout_engine() is not None:
        # Lay out once and fix the positions: while a figure has a layout engine, savefig draws it an
        # extra time before each format (a draw with rendering disabled, for the layout).
        fig.get_layout_engine().execute(fig)
        fig.set_layout_engine(None)
    first = None
    for fmt in formats:
        target = write(fig, directory / f"{stem}.{fmt}", meta, fast=True)
        first = first or target
    plt.close(fig)
    return first


def saver(directory, place: str, notebook: str):
    """``save(fig, name)`` for one notebook: :func:`save` with the figures folder, place and notebook bound
    (``directory`` None or empty = :data:`s3lib.config.FIGURES_DIR`)."""

    def save_figure(fig, name: str, formats: tuple[str, ...] = ("png", "svg")) -> Path:
        return save(fig, place, notebook, name, formats=formats, directory=Path(directory) if directory else None)

    return save_figure


@styled
def write(fig, target: Path, meta: dict | None = None, *, fast: bool = False, **savefig) -> Path:
    """Save ``fig`` to ``target`` atomically (the format is the file suffix), with its metadata
    (``meta``, default the figure's registered :func:`metadata`).

    PNG keeps every key of ``meta`` as a text chunk (``Title``, ``Description``, ``Place``,
    ``Level``, ``Year``); SVG takes the title and description without a date, so that a rerun
    writes the same bytes; PDF takes the title, the description as subject and place, level and
    year as keywords. ``fast`` writes PNGs with zlib level 1 (a third faster than the default 6,
    files ~4 % larger). Extra keyword arguments go to ``savefig``.
    """
    from s3lib.atomic import atomic_write

    target = Path(target)
    meta = metadata(fig) if meta is None else meta
    if not meta:
        raise ValueError(f"no metadata for {target.name}: annotate the figure or pass meta")
    fmt = target.suffix.lstrip(".").lower()
    if fmt == "png":
        options = {"metadata": dict(meta)}
        if fast:
            options["pil_kwargs"] = {"compress_level": 1}
    elif fmt == "pdf":
        options = {"metadata": {"Title": meta["Title"], "Subject": meta["Description"],
                                "Keywords": f"{meta['Place']}; {meta['Level']}; {meta['Year']}"}}
    else:
        options = {"metadata": {"Title": meta["Title"], "Description": meta["Description"], "Date": None}}
    with atomic_write(target) as tmp:
        fig.savefig(tmp, format=fmt, **options, **savefig)
    return target


def read_png_metadata(path: Path) -> dict:
    """The text chunks of a PNG written by :func:`save` (Title, Description, Place, Level, Year)."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    return png_text(data)


def png_text(data: bytes) -> dict:
    """The text chunks (tEXt, zTXt, iTXt) of PNG bytes, read up to the image data.

    The bytes may be only the start of the file (matplotlib writes the text chunks before
    the pixels): a chunk cut short ends the reading. Not a PNG: ``{}``.
    """
    import struct
    import zlib

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return {}
    out, pos = {}, 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT" or pos + 8 + length > len(data):
            break
        body = data[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\x00")
            out[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            out[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\x00")
            flag, _method, rest = rest[0], rest[1], rest[2:]
            _lang, _, rest = rest.partition(b"\x00")
            _tkey, _, text = rest.partition(b"\x00")
            out[key.decode("latin-1")] = (zlib.decompress(text) if flag else text).decode("utf-8")
        pos += 12 + length
    return out
