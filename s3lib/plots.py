"""Figure conventions: projector-readable, colour-blind safe, always sourced.

Every figure the suite writes goes through :func:`figure` and :func:`save`:

* :func:`figure` opens a 1280 x 720 px (16:9) figure with large fonts;
* :func:`annotate` sets a title that names the place, the NUTS level and the year,
  and a source line (dataset, level, year, known gaps) at the bottom;
* :func:`save` refuses a figure without title and source, and writes
  ``figures/<place>/<notebook>-<name>.png`` (and ``.svg``) atomically, with the
  title and source also stored in the PNG metadata so tests can check them.

Palettes: Okabe & Ito (2008) for categories, ``cividis``/``viridis`` for
sequential values and ``PuOr`` for diverging ones (all colour-blind safe).

Example
-------
>>> from s3lib import plots
>>> fig, ax = plots.figure()
>>> ax.bar(["C", "G"], [1.2, 0.8])  # doctest: +SKIP
>>> plots.annotate(fig, "Location quotients", place="Frankfurt am Main (DE71)",
...                level="NUTS2", year=2014, source=plots.SOURCE_SBS)  # doctest: +SKIP
>>> plots.save(fig, "frankfurt", "01", "lq")  # doctest: +SKIP
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from s3lib import config

__all__ = [
    "OKABE_ITO",
    "SEQUENTIAL",
    "DIVERGING",
    "SOURCE_SBS",
    "SOURCE_NAMA",
    "SOURCE_GISCO",
    "SOURCE_USCMP",
    "GAPS_SBS",
    "rc_params",
    "figure",
    "annotate",
    "save",
    "slug",
    "png_text",
    "read_png_metadata",
    # diversification and links charts
    "QUADRANT_COLOURS",
    "CHANGE_COLOURS",
    "short_name",
    "variety_scatter",
    "opportunity_chart",
    "change_bars",
    "entry_rate_bars",
    "network_layout",
    "network_chart",
    "betweenness_bars",
    # alignment charts
    "LQ_CLIP",
    "alignment_heatmap",
    "coverage_fit_bars",
    "candidate_board",
    "similarity_bars",
    "uncovered_bars",
    # maps, cluster portfolio and comparison charts
    "MAP_CRS",
    "EUROPE_EXTENT",
    "SECTOR_LABELS",
    "NO_DATA",
    "label_points",
    "extent_of",
    "region_map",
    "lq_norm",
    "lq_colorbar",
    "cluster_bars",
    "grouped_bars",
    "variety_places",
    "coverage_heatmap",
]

#: Okabe & Ito (2008) colour-blind-safe qualitative palette (black last).
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
SEQUENTIAL = "cividis"
DIVERGING = "PuOr"

GAPS_SBS = "no agriculture (A), finance (K) or public/personal services (O-U); confidential cells missing"
SOURCE_SBS = f"Source: Eurostat sbs_r_nuts06_r2, persons employed. Gaps: {GAPS_SBS}."
SOURCE_NAMA = "Source: Eurostat nama_10r_3empers (employment by A*10 sector). No French NUTS3."
SOURCE_GISCO = "Source of boundaries: GISCO NUTS 2021, 1:20M; (c) EuroGeographics for the administrative boundaries."
SOURCE_USCMP = "Clusters: US Cluster Mapping (Delgado, Porter & Stern 2016) carried to NACE Rev.2 by s3lib (derived)."

WIDTH_PX, HEIGHT_PX, DPI = 1280, 720, 100
#: Font size of the source lines, and the mean character width of DejaVu Sans in em
#: (measured on the source texts), used to wrap them to the figure width.
SOURCE_FONTSIZE, CHAR_EM = 10.5, 0.55


def rc_params() -> dict:
    """Matplotlib settings for a projector: large fonts, thick lines, Okabe-Ito cycle."""
    from cycler import cycler

    return {
        "figure.figsize": (WIDTH_PX / DPI, HEIGHT_PX / DPI),
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "font.size": 15,
        "axes.titlesize": 17,
        "axes.labelsize": 15,
        "xtick.labelsize": 13,
        "ytick.labelsize": 13,
        "legend.fontsize": 13,
        "figure.titlesize": 20,
        "axes.prop_cycle": cycler(color=OKABE_ITO),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "lines.linewidth": 2.5,
        "image.cmap": SEQUENTIAL,
        "svg.fonttype": "none",
        "svg.hashsalt": "s3lib",  # fixed ids in SVGs: a rerun writes the same bytes
        # FreeType's hinter costs ~30 % of the time of drawing text, which is most of the
        # time of saving a figure; at 13-20 px glyphs with anti-aliasing it changes no
        # legibility (matplotlib's own image tests render without hinting too).
        "text.hinting": "no_hinting",
    }


def figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """A 1280 x 720 px figure with projector settings; returns ``(fig, ax)``.

    Extra keyword arguments go to :func:`matplotlib.pyplot.subplots`.
    """
    import matplotlib.pyplot as plt

    plt.rcParams.update(rc_params())
    kwargs.setdefault("figsize", (WIDTH_PX / DPI, HEIGHT_PX / DPI))
    kwargs.setdefault("layout", "constrained")
    fig, ax = plt.subplots(nrows, ncols, **kwargs)
    return fig, ax


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
        The NUTS level the numbers come from ("NUTS2").
    year : int or str
        The year (or "2010-2014").
    source : str or list of str
        Dataset(s), with the known gaps; joined on separate lines.
    """
    if not str(level).upper().startswith(("NUTS", "EU", "MIXED")):
        raise ValueError(f"level must name the NUTS level (e.g. 'NUTS2'), got {level!r}")
    import textwrap

    title = f"{what}: {place}, {level}, {year}"
    lines = [source] if isinstance(source, str) else list(source)
    text = "\n".join(lines)
    # Wrapped here, at the characters that fit the figure width, not by matplotlib's
    # wrap=True, which measures the text word by word on every draw (a third of a save).
    width = max(40, int(fig.get_figwidth() * 72 * 0.97 / (SOURCE_FONTSIZE * CHAR_EM)))
    shown = [part for line in lines for part in textwrap.wrap(line, width, break_on_hyphens=False) or [""]]
    fig.suptitle(title, fontweight="bold", ha="left", x=0.01)
    fig.text(0.01, 0.005, "\n".join(shown), ha="left", va="bottom", fontsize=SOURCE_FONTSIZE, color="#333333")
    # the layout (suptitle included) fills the figure above the source lines (0.025 per line at 720 px)
    bottom = 0.02 + len(shown) * SOURCE_FONTSIZE * 1.25 / 72 / fig.get_figheight()
    fig.get_layout_engine() and fig.get_layout_engine().set(h_pad=0.1, rect=(0, bottom, 1, 1 - bottom))
    fig._s3lib_meta = {"Title": title, "Description": text, "Place": place, "Level": str(level), "Year": str(year)}


def slug(text: str) -> str:
    """A file-name-safe lower-case slug (``"Frankfurt am Main" -> "frankfurt-am-main"``)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figure"


def save(fig, place: str, notebook: str, name: str, formats: tuple[str, ...] = ("png", "svg"),
         directory: Path | None = None) -> Path:
    """Write ``<directory>/<place>/<notebook>-<name>.<fmt>`` atomically; return the PNG path.

    ``directory`` defaults to :data:`s3lib.config.FIGURES_DIR` (or ``$S3LIB_FIGURES_DIR``).
    Raises ``ValueError`` if the figure was not :func:`annotate`-d: every figure
    must carry a title with place, level and year, and a source line.
    """
    import matplotlib.pyplot as plt

    meta = getattr(fig, "_s3lib_meta", None)
    if not meta:
        raise ValueError("figure has no title/source: call s3lib.plots.annotate(fig, ...) before save()")
    directory = Path(directory or os.environ.get("S3LIB_FIGURES_DIR") or config.FIGURES_DIR) / slug(place)
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{slug(notebook)}-{slug(name)}"
    engine = fig.get_layout_engine()
    if engine is not None:
        # Lay out once and fix the positions. While a figure has any layout engine, even
        # the "none" placeholder, savefig draws it an extra time before each format (a
        # draw with rendering disabled, for the layout): two of the four draws of a save.
        engine.execute(fig)
        fig.set_layout_engine("none")
        if hasattr(fig, "_layout_engine"):
            fig._layout_engine = None  # the placeholder only matters for later colorbars

    first = None
    for fmt in formats:
        target = directory / f"{stem}.{fmt}"
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".{fmt}", dir=directory)
        os.close(fd)
        try:
            if fmt == "png":  # zlib level 1: a third faster than the default 6, files ~4 % larger
                options = {"metadata": dict(meta), "pil_kwargs": {"compress_level": 1}}
            else:  # SVG and PDF take only the standard keys; no date, so that a rerun is byte-identical
                options = {"metadata": {"Title": meta["Title"], "Description": meta["Description"], "Date": None}}
            fig.savefig(tmp, format=fmt, **options)
            os.chmod(tmp, 0o644)  # mkstemp creates 0600; figures are for everyone to read
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        first = first or target
    plt.close(fig)
    return first


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


# --- diversification and links charts
# Charts of notebooks 02 (specialised diversification) and 03 (intercluster links). Each takes
# labelled pandas (or a networkx graph) and an ``ax``, draws, and returns the ``ax``.

#: Colours of the four opportunity quadrants (Okabe-Ito; the ideal target in blue).
QUADRANT_COLOURS = {
    "low risk, high benefit": OKABE_ITO[0],
    "high risk, high benefit": OKABE_ITO[3],
    "low risk, low benefit": OKABE_ITO[1],
    "high risk, low benefit": "#9A9A9A",
}
#: Colours of entries (0 -> 1) and exits (1 -> 0) of specialisations.
CHANGE_COLOURS = {"entry": OKABE_ITO[0], "exit": OKABE_ITO[5]}


def short_name(text: str, width: int = 26, first_part: bool = True) -> str:
    """A short chart label for an industry or cluster name.

    Drops ``"Manufacture of "``, anything after ``"; "`` or ``", except"`` and a trailing
    ``" n.e.c."``; if still longer than ``width`` and ``first_part``, keeps the part before the
    first ``", "`` or ``" and of "`` when that part is at least 12 characters (NACE names; pass
    ``first_part=False`` for cluster names); then cuts at a word boundary within ``width``
    characters (adding ``"…"``).

    Examples
    --------
    >>> short_name("Manufacture of machinery and equipment n.e.c.")
    'Machinery and equipment'
    >>> short_name("Manufacture of computer, electronic and optical products")
    'Computer, electronic and…'
    >>> short_name("Warehousing and support activities for transportation")
    'Warehousing and support…'
    >>> short_name("Activities of head offices; management consultancy activities", 12)
    'Activities…'
    """
    text = re.sub(r"^manufacture of ", "", str(text).strip(), flags=re.IGNORECASE)
    text = re.split(r"; |, except| except ", text)[0]
    text = re.sub(r",? n\.e\.c\.$", "", text).strip(" ,")
    text = text[:1].upper() + text[1:]
    if len(text) <= width:
        return text
    head = re.split(r", | and of ", text)[0] if first_part else text
    if 12 <= len(head) < len(text):
        text = head
        if len(text) <= width:
            return text
    cut = text[:width].rsplit(" ", 1)[0].rstrip(" ,;")
    return cut + "…"


def _halo(width: float = 3.0):
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=width, foreground="white")]


def _place_labels(ax, points, texts, fontsize: float = 12.5, pad: float = 4.0, obstacles=(), **kwargs) -> list:
    """Greedy label placement: try offsets around each point, keep the least crowded one.

    ``points`` and ``obstacles`` are data coordinates. A candidate position is penalised by its
    overlap with labels already placed, by the ``obstacles`` (e.g. all plotted points) it covers,
    and heavily when it leaves the axes. Returns the Text artists.
    """
    import numpy as np

    ax.autoscale_view()
    renderer = ax.figure.canvas.get_renderer()
    offsets = [(8, 6), (8, -14), (-8, 6), (-8, -14), (0, 12), (0, -20), (14, -4), (-14, -4),
               (10, 20), (-10, 20), (10, -28), (-10, -28),
               (40, 34), (-40, 34), (40, -44), (-40, -44), (60, 0), (-60, 0), (0, 46), (0, -54)]
    frame = ax.get_window_extent(renderer)
    dots = ax.transData.transform(np.asarray(obstacles, dtype=float).reshape(-1, 2)) if len(obstacles) else None
    placed, artists = [], []
    for (x, y), text in zip(points, texts):
        best, best_score = None, np.inf
        for dx, dy in offsets:
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            far = abs(dx) + abs(dy) > 40  # far positions get a leader line
            art = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                              fontsize=fontsize, path_effects=_halo(), zorder=6,
                              arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.8, "shrinkA": 2,
                                          "shrinkB": 4} if far else None, **kwargs)
            box = art.get_window_extent(renderer).padded(pad / 2)
            score = sum(_overlap(box, other) for other in placed)
            if dots is not None:
                inside = ((dots[:, 0] > box.x0) & (dots[:, 0] < box.x1) & (dots[:, 1] > box.y0) & (dots[:, 1] < box.y1))
                score += 150.0 * inside.sum()
            if not (frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)):
                score += 1e6
            if score < best_score:
                if best is not None:
                    best[0].remove()
                best, best_score = (art, box), score
            else:
                art.remove()
            if score == 0:
                break
        placed.append(best[1])
        artists.append(best[0])
    return artists


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _done(ax):
    """Leave the texts drawn inside the axes out of constrained layout (saves time at every save)."""
    for text in ax.texts:
        text.set_in_layout(False)
    return ax


def variety_scatter(ax, table, highlight: str, group=(), *, label: str | None = None,
                    group_label: str = "same country"):
    """Related (y) against unrelated (x) variety for all regions, one region highlighted.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        Index = region codes; columns ``related`` and ``unrelated`` (bits), e.g.
        :func:`s3lib.variety.decompose`. Diagonal guides mark equal total variety
        (``variety = related + unrelated``).
    highlight : str
        Region code drawn large and labelled.
    group : iterable of str
        Region codes marked in a second colour (e.g. the region's country).
    label : str, optional
        Label of the highlighted point (default: its code).
    group_label : str
        Legend entry of ``group``.

    Returns
    -------
    Axes
    """
    import numpy as np

    group = [g for g in group if g in table.index and g != highlight]
    rest = table.drop(index=[highlight, *group], errors="ignore")
    ax.scatter(rest["unrelated"], rest["related"], s=28, color="#B0B0B0", alpha=0.8, lw=0,
               label=f"other EU regions ({len(rest)})", zorder=2)
    if group:
        g = table.loc[group]
        ax.scatter(g["unrelated"], g["related"], s=55, color=OKABE_ITO[0], edgecolor="white", lw=0.6,
                   label=f"{group_label} ({len(group)})", zorder=3)
    h = table.loc[highlight]
    ax.scatter([h["unrelated"]], [h["related"]], s=260, color=OKABE_ITO[1], edgecolor="black", lw=1.5,
               marker="D", label=label or highlight, zorder=5)
    ax.annotate(label or highlight, (h["unrelated"], h["related"]), xytext=(12, 10), textcoords="offset points",
                fontsize=15, fontweight="bold", path_effects=_halo(4), zorder=6)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    total = table["related"] + table["unrelated"]
    for v in np.arange(np.floor(total.min() * 2) / 2, total.max() + 0.5, 0.5):
        xs = np.array([x0, x1])
        ax.plot(xs, v - xs, color="#DDDDDD", lw=1, zorder=1)
        xt = v - y1 + 0.02 * (y1 - y0)
        if x0 < xt < x1:
            ax.text(xt, y1 - 0.02 * (y1 - y0), f"{v:g} bits", color="#888888", fontsize=10.5, ha="left", va="top")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("Unrelated variety (bits, between NACE sections)")
    ax.set_ylabel("Related variety (bits, within sections)")
    ax.legend(loc="lower left", frameon=True, framealpha=0.9)
    return _done(ax)


def opportunity_chart(ax, table, present=None, labels=None):
    """The Balland et al. (2019) frame: candidates by relatedness density (x) and complexity (y).

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.opportunities.candidates`: index = industry; columns ``density``, ``pci``,
        ``quadrant``; ``attrs["density_median"]`` and ``attrs["pci_median"]`` are the quadrant
        splits (dashed lines).
    present : DataFrame, optional
        ``density`` and ``pci`` of the industries the region already has, drawn as grey crosses.
    labels : mapping, optional
        Industry -> label text for the points to label (e.g. the best candidates).

    Returns
    -------
    Axes
    """
    if present is not None and len(present):
        ax.scatter(present["density"], present["pci"], marker="x", s=45, color="#A0A0A0", lw=1.5,
                   label=f"already specialised ({len(present)})", zorder=2)
    for quadrant, colour in QUADRANT_COLOURS.items():
        part = table[table["quadrant"] == quadrant]
        if len(part):
            ax.scatter(part["density"], part["pci"], s=90 if quadrant == "low risk, high benefit" else 60,
                       color=colour, edgecolor="white", lw=0.6, label=f"{quadrant} ({len(part)})", zorder=3)
    d_med, p_med = table.attrs.get("density_median"), table.attrs.get("pci_median")
    if d_med is not None:
        ax.axvline(d_med, color="#555555", ls="--", lw=1.3, zorder=1)
        ax.annotate(f"median density {d_med:.2f}", (d_med, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", va="top", fontsize=11, color="#555555")
    if p_med is not None:
        ax.axhline(p_med, color="#555555", ls="--", lw=1.3, zorder=1)
        ax.annotate(f"median PCI {p_med:.2f}", (0, p_med), xycoords=("axes fraction", "data"),
                    xytext=(4, 4), textcoords="offset points", fontsize=11, color="#555555")
    ax.set_xlabel("Relatedness density (share of related industries already specialised, 0-1)")
    ax.set_ylabel("Industry complexity (PCI, standardised)")
    ax.margins(0.08)
    if labels:
        keep = [k for k in labels if k in table.index]
        dots = list(zip(table["density"], table["pci"]))
        if present is not None:
            dots += list(zip(present["density"], present["pci"]))
        _place_labels(ax, list(zip(table.loc[keep, "density"], table.loc[keep, "pci"])),
                      [labels[k] for k in keep], obstacles=dots)
    ax.legend(loc="best", frameon=True, framealpha=0.9, fontsize=11.5)
    return _done(ax)


def change_bars(ax, table, value: str = "change", status: str = "status", unit: str = "persons employed"):
    """Diverging horizontal bars of a change per item, coloured by status (entry / exit).

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        Index = bar labels; ``value`` = signed change (NaN drawn as an empty bar with "n/a");
        ``status`` in :data:`CHANGE_COLOURS` (``"entry"``, ``"exit"``).
    unit : str
        Unit of ``value`` for the axis label.

    Returns
    -------
    Axes
    """
    import numpy as np

    if not len(table):
        ax.text(0.5, 0.5, "no entries or exits between the two years", transform=ax.transAxes,
                ha="center", va="center", fontsize=16)
        ax.set_axis_off()
        return _done(ax)
    y = np.arange(len(table))[::-1]
    values = table[value].astype(float)
    colours = [CHANGE_COLOURS.get(s, "#999999") for s in table[status]]
    ax.barh(y, values.fillna(0.0), color=colours, height=0.7)
    span = np.nanmax(np.abs(values)) if values.notna().any() else 1.0
    for yi, v in zip(y, values):
        text = "n/a" if np.isnan(v) else f"{v:+,.0f}"
        ax.text((0 if np.isnan(v) else v) + (0.01 if (np.isnan(v) or v >= 0) else -0.01) * span, yi, text,
                va="center", ha="left" if (np.isnan(v) or v >= 0) else "right", fontsize=11.5)
    ax.set_yticks(y, table.index)
    ax.axvline(0, color="black", lw=1)
    ax.set_xlim(-span * 1.25 if (values < 0).any() else -span * 0.05, span * 1.25 if (values > 0).any() else span * 0.05)
    ax.set_xlabel(f"Change in {unit}")
    ax.xaxis.set_major_formatter("{x:,.0f}")
    from matplotlib.patches import Patch

    seen = [s for s in CHANGE_COLOURS if s in set(table[status])]
    ax.legend([Patch(color=CHANGE_COLOURS[s]) for s in seen], [f"{s} (0 → 1)" if s == "entry" else f"{s} (1 → 0)"
                                                               for s in seen], loc="best")
    return _done(ax)


def entry_rate_bars(ax, table, overall: float | None = None, highlight=None, highlight_label: str = "region"):
    """Entry rate by first-year relatedness-density bin (the principle of relatedness).

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.opportunities.principle_of_relatedness`: one row per bin with
        ``density_min``, ``density_max``, ``at_risk``, ``entries``, ``entry_rate``.
    overall : float, optional
        Overall entry rate, drawn as a dashed line.
    highlight : DataFrame, optional
        One region's cells per bin (same index as ``table``; ``at_risk``, ``entries``): its entry
        rate is drawn as a diamond labelled "entries/at risk".
    highlight_label : str
        Legend entry of ``highlight``.

    Returns
    -------
    Axes
    """
    import numpy as np

    x = np.arange(len(table))
    rates = table["entry_rate"].to_numpy(dtype=float) * 100
    ax.bar(x, rates, color=OKABE_ITO[0], width=0.7)
    for xi, r, e, n in zip(x, rates, table["entries"], table["at_risk"]):
        ax.text(xi, r, f"{r:.1f} %\n{int(e):,} of {int(n):,}", ha="center", va="bottom", fontsize=11.5)
    ax.set_xticks(x, [f"Q{b}\n{lo:.2f}-{hi:.2f}" for b, lo, hi in
                      zip(table.index, table["density_min"], table["density_max"])])
    if overall is not None:
        ax.axhline(overall * 100, color="#555555", ls="--", lw=1.3)
        ax.annotate(f"all cells {overall * 100:.1f} %", (0, overall * 100), xycoords=("axes fraction", "data"),
                    xytext=(2, 4), textcoords="offset points", fontsize=11, color="#555555")
    top = max(rates.max(), overall * 100 if overall else 0)
    if highlight is not None:
        h = highlight.reindex(table.index)
        risk = h["at_risk"].fillna(0).to_numpy(dtype=float)
        hit = h["entries"].fillna(0).to_numpy(dtype=float)
        ok = risk > 0
        hr = np.where(ok, hit / np.where(ok, risk, 1) * 100, np.nan)
        ax.scatter(x[ok] + 0.45, hr[ok], marker="D", s=110, color=OKABE_ITO[1], edgecolor="black", lw=1.2,
                   zorder=4, label=highlight_label)
        for xi, r, e, n in zip(x[ok], hr[ok], hit[ok], risk[ok]):
            ax.annotate(f"{int(e)}/{int(n)}", (xi + 0.45, r), xytext=(9, 0), textcoords="offset points",
                        va="center", fontsize=11, path_effects=_halo(), zorder=5)
        if ok.any():
            top = max(top, np.nanmax(hr))
        ax.legend(loc="upper left")
    ax.set_ylim(0, top * 1.3)
    ax.set_xlabel("Relatedness-density bin in the first year (range of density)")
    ax.set_ylabel("Entry rate (% of cells at risk)")
    return _done(ax)


def network_layout(graph, seed: int = 2014) -> dict:
    """Fixed-seed positions: linked nodes by a spring layout, isolated ones in rows below.

    A Fruchterman-Reingold spring layout (300 iterations, ``k = 2.5 / sqrt(n)``) seeded with
    ``seed``, so the same graph always gets the same map.

    Returns
    -------
    dict
        Node -> (x, y); linked nodes in [-1, 1] x [-1, 1], isolated ones (alphabetical) in rows of
        seven at y <= -1.3, x in [-1, 0.45] (the lower right corner is left free for a legend).
    """
    import networkx as nx
    import numpy as np

    linked = [n for n in graph.nodes if graph.degree(n) > 0]
    alone = sorted(n for n in graph.nodes if graph.degree(n) == 0)
    pos = {}
    if linked:
        sub = graph.subgraph(linked)
        pos = nx.spring_layout(sub, seed=seed, k=2.5 / np.sqrt(len(linked)), iterations=300)
        xy = np.array(list(pos.values()))
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pos = {n: tuple(2 * (np.asarray(p) - lo) / np.where(hi > lo, hi - lo, 1) - 1) for n, p in pos.items()}
    per_row = 7
    for k, n in enumerate(alone):
        row, col = divmod(k, per_row)
        pos[n] = (-1 + 1.45 * (col + 0.5) / per_row, -1.32 - 0.36 * row)
    return pos


def network_chart(ax, graph, size, colour, labels=None, pos=None, seed: int = 2014, highlight_edges=(),
                  colour_label: str = "Location quotient (log scale)", size_unit: str = "persons employed",
                  isolated_label: str = "not linked to any other cluster:", limit: float = 2.0):
    """A cluster network: node area ~ ``size``, node colour = ``colour`` on a diverging log scale centred at 1.

    Parameters
    ----------
    ax : matplotlib Axes
    graph : networkx.Graph
        E.g. :func:`s3lib.links.cluster_network`.
    size : Series
        Node -> size value (e.g. the place's cluster employment); NaN or absent = hollow dot.
    colour : Series
        Node -> value centred at 1 (e.g. LQ), drawn with :data:`DIVERGING` on a log2 scale.
    labels : mapping, optional
        Node -> label for the nodes to label.
    pos : dict, optional
        Positions (default :func:`network_layout` with ``seed``).
    highlight_edges : iterable of (node, node)
        Edges drawn dark and thick (e.g. cooperation candidates); the others light grey.
    colour_label, size_unit, isolated_label : str
        Colour bar label; unit of ``size`` in the size legend; caption of the row of isolated nodes.
    limit : float, default 2.0
        Colour range in log2 units, the same for every place so maps compare (2 = LQ 0.25 to 4;
        values beyond take the end colours).

    Returns
    -------
    Axes
    """
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt
    import numpy as np

    pos = pos or network_layout(graph, seed)
    nodes = list(graph.nodes)
    strong = {frozenset(e) for e in highlight_edges}
    for u, v in graph.edges:
        (x0, y0), (x1, y1) = pos[u], pos[v]
        hot = frozenset((u, v)) in strong
        ax.plot([x0, x1], [y0, y1], color="#444444" if hot else "#C8C8C8", lw=2.2 if hot else 1.0,
                zorder=1.5 if hot else 1)
    s = size.reindex(nodes).astype(float).to_numpy()
    c = colour.reindex(nodes).astype(float).to_numpy()
    top = np.nanmax(s) if np.isfinite(s).any() else 1.0
    def area(v):  # marker area (points^2) proportional to size
        return 40 + 1400 * v / top
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log2(np.where(c > 0, c, np.nan))
    norm = mcolors.Normalize(-limit, limit, clip=True)
    cmap = plt.get_cmap(DIVERGING)
    xy = np.array([pos[n] for n in nodes])
    known = np.isfinite(s) & np.isfinite(logc)
    ax.scatter(xy[~known, 0], xy[~known, 1], s=40, facecolor="white", edgecolor="#888888", lw=1.0, zorder=2)
    order = np.argsort(-np.nan_to_num(s[known]))  # big nodes first, small ones on top
    ax.scatter(xy[known, 0][order], xy[known, 1][order], s=area(s[known][order]), c=logc[known][order],
               cmap=cmap, norm=norm, edgecolor="#333333", lw=0.8, zorder=3)
    alone = [n for n in nodes if graph.degree(n) == 0]
    if labels:
        keep = [n for n in labels if n in pos and n not in alone]
        _place_labels(ax, [pos[n] for n in keep], [labels[n] for n in keep], fontsize=12,
                      obstacles=[pos[n] for n in nodes])
    if alone:  # every isolated node is named, small, under its dot
        import textwrap

        areas = dict(zip(nodes, np.where(known, area(np.nan_to_num(s)), 40.0)))
        for n in alone:
            ax.annotate(textwrap.fill(short_name(n, 26, first_part=False), 15, break_long_words=False), pos[n], xytext=(0, -np.sqrt(areas[n]) / 2 - 2),
                        textcoords="offset points", ha="center", va="top", fontsize=9.5, linespacing=0.95,
                        fontweight="bold" if labels and n in labels else "normal", zorder=6)
        ax.text(min(pos[n][0] for n in alone) - 0.1, max(pos[n][1] for n in alone) + 0.14, isolated_label,
                fontsize=11, color="#555555")
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = ax.figure.colorbar(sm, ax=ax, shrink=0.7, pad=0.01, extend="both")
    ticks = [t for t in (-3, -2, -1, 0, 1, 2, 3) if -limit <= t <= limit]
    bar.set_ticks(ticks, labels=[f"{2.0 ** t:g}" for t in ticks])
    bar.set_label(colour_label)
    if np.isfinite(s).any():
        refs = [v for v in _nice_sizes(top)]
        handles = [ax.scatter([], [], s=area(v), facecolor="#DDDDDD", edgecolor="#333333") for v in refs]
        ax.legend(handles, [f"{v:,.0f}" for v in refs], title=f"Node size: {size_unit}", loc="lower right",
                  labelspacing=1.3, borderpad=0.9, frameon=False, fontsize=11, title_fontsize=11, ncols=len(refs))
    ax.set_axis_off()
    ax.margins(0.06)
    return _done(ax)


def _nice_sizes(top: float) -> list[float]:
    """Two or three round reference values below ``top`` for a size legend."""
    import math

    if not top or top <= 0:
        return []
    p = 10 ** math.floor(math.log10(top))
    big = max(m * p for m in (1, 2, 5) if m * p <= top)
    return [v for v in (big / 10, big / 2, big) if v >= 1] if big >= 10 else [big]


def betweenness_bars(ax, table, n: int = 12, specialised=()):
    """Horizontal bars of the most central clusters; bridging ones coloured, the place's specialised ones marked.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.links.bridging`: ``cluster``, ``betweenness``, ``degree``, ``bridging``.
    n : int
        Number of clusters shown (highest betweenness first).
    specialised : iterable of str
        Clusters in which the place is specialised: their labels get a "●" and bold font.

    Returns
    -------
    Axes
    """
    import numpy as np
    from matplotlib.patches import Patch

    top = table.sort_values("betweenness", ascending=False).head(n)
    y = np.arange(len(top))[::-1]
    colours = [OKABE_ITO[0] if b else "#A8A8A8" for b in top["bridging"]]
    ax.barh(y, top["betweenness"], color=colours, height=0.7)
    spec = set(specialised)
    ax.set_yticks(y, [("● " if c in spec else "") + short_name(c, 34, first_part=False) for c in top["cluster"]])
    for tick, c in zip(ax.get_yticklabels(), top["cluster"]):
        if c in spec:
            tick.set_fontweight("bold")
    for yi, b, d in zip(y, top["betweenness"], top["degree"]):
        ax.text(b, yi, f" {b:.3f} ({int(d)} links)", va="center", fontsize=11)
    ax.set_xlim(0, top["betweenness"].max() * 1.3 if len(top) else 1)
    ax.set_xlabel("Betweenness centrality in the related-cluster network (share of shortest paths)")
    ax.legend([Patch(color=OKABE_ITO[0]), Patch(color="#A8A8A8")],
              ["bridging (top 10 %)", "other"] + [], loc="lower right",
              title="● = place specialised (LQ ≥ 1)" if spec else None, title_fontsize=11)
    return _done(ax)


# --- alignment charts
# Charts of notebook 04 (city-region alignment with RIS3 priorities). Each takes the labelled
# tables of :mod:`s3lib.alignment` and an ``ax``, draws, and returns the ``ax``.

#: LQ range of the alignment heatmap: colours saturate at LQ 1/4 and 4 (log2 scale, centred at 1).
LQ_CLIP = 4.0


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _thousands(value: float) -> str:
    """``134158 -> "134k"``, ``4191 -> "4k"``, ``659 -> "659"``: short enough for a heatmap cell."""
    import math

    if math.isnan(value):
        return ""
    if value >= 950:
        return f"{value / 1000:.0f}k"
    return f"{value:.0f}"


def alignment_heatmap(ax, match, *, clip: float = LQ_CLIP, colorbar: bool = True, label_width: int = 30):
    """The matching matrix: priorities (rows) x industries (columns), coloured by LQ.

    Colour: ``log2 LQ`` on the diverging ``PuOr`` palette centred at LQ = 1 (purple =
    specialised, orange = under-represented), saturating at ``1/clip`` and ``clip``. Each
    measured cell carries the place's persons employed (``"12k"``). Cells the statistics cannot
    give are grey: hatched ``"n/m"`` = not measurable (section not in the statistics),
    ``"–"`` = missing for this place (confidential). A dashed frame marks a priority that
    maps only part of the industry (its employment is an upper bound). Blank = the
    priority does not map to the industry.

    Parameters
    ----------
    ax : matplotlib Axes
    match : DataFrame
        :func:`s3lib.alignment.matching` (columns ``label``, ``industry``, ``lq``,
        ``employment``, ``status``, ``partial``).
    clip : float, default 4
    colorbar : bool, default True
    label_width : int
        Wrap priority labels at this many characters.

    Returns
    -------
    Axes
        ``ax.images``/``ax.collections`` hold the mesh; ``ax.texts`` the cell labels.
    """
    import matplotlib.colors as mcolors
    import numpy as np
    from matplotlib.patches import Rectangle

    from s3lib.alignment import MISSING, NOT_MEASURABLE, matching_matrix

    lq = matching_matrix(match, "lq")
    emp = matching_matrix(match, "employment")
    status = matching_matrix(match, "status")
    partial = matching_matrix(match.assign(partial=match["partial"].astype(float)), "partial")
    nrow, ncol = lq.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log2(lq.to_numpy(dtype=float))
    logs[np.isneginf(logs)] = -np.log2(clip)
    cmap = _colormap(DIVERGING)
    norm = mcolors.Normalize(vmin=-np.log2(clip), vmax=np.log2(clip))
    mesh = ax.pcolormesh(np.ma.masked_invalid(logs), cmap=cmap, norm=norm, edgecolors="#B0B0B0", linewidth=0.6)
    size = float(np.clip(300 / max(ncol, 1), 8, 13))
    for r in range(nrow):
        for c in range(ncol):
            state = status.iat[r, c]
            if state == NOT_MEASURABLE or state == MISSING:
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#E6E6E6", edgecolor="white", lw=1.0,
                                       hatch="///" if state == NOT_MEASURABLE else None, zorder=2))
                ax.text(c + 0.5, r + 0.5, "n/m" if state == NOT_MEASURABLE else "–", ha="center", va="center",
                        fontsize=size * 0.9, color="#444444", zorder=3, in_layout=False)
            elif not np.isnan(logs[r, c]):
                rgba = cmap(norm(logs[r, c]))
                light = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] > 0.55
                ax.text(c + 0.5, r + 0.5, _thousands(emp.iat[r, c]), ha="center", va="center", fontsize=size,
                        color="black" if light else "white", zorder=3, in_layout=False)
            if partial.iat[r, c] == 1.0:
                ax.add_patch(Rectangle((c + 0.06, r + 0.08), 0.88, 0.84, fill=False, edgecolor="#222222",
                                       lw=1.1, ls=(0, (2, 1.5)), zorder=4))
    ax.set_xlim(0, ncol)
    ax.set_ylim(nrow, 0)
    ax.set_xticks(np.arange(ncol) + 0.5, list(lq.columns), rotation=90, fontsize=min(13, size + 2))
    ax.set_yticks(np.arange(nrow) + 0.5, [_wrap(t, label_width) for t in lq.index], fontsize=13)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("Industry mapped by a priority (NACE division or broad sector)")
    if colorbar:
        ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8) if 1 / clip <= t <= clip]
        cb = ax.figure.colorbar(mesh, ax=ax, ticks=np.log2(ticks), fraction=0.035, pad=0.015, aspect=22,
                                shrink=0.85)
        cb.ax.set_yticklabels([f"{t:g}" for t in ticks])
        cb.set_label("LQ (log scale; > 1 = specialised)")
    return ax


def _colormap(name: str):
    """A registered matplotlib colormap by name."""
    import matplotlib

    return matplotlib.colormaps[name]


def coverage_fit_bars(ax, scores, label_width: int = 30, name_bars: bool = True, all_label: str = "ALL PRIORITIES"):
    """Coverage and fit per row (horizontal bar pairs, %), the all-priorities row on top.

    Bars are labelled directly (the top row says which bar is coverage and which fit), so
    no legend covers them. A NaN score (nothing measurable) is labelled ``"n/m"``.

    Parameters
    ----------
    ax : matplotlib Axes
    scores : DataFrame
        :func:`s3lib.alignment.scores` (columns ``label``, ``coverage``, ``fit``; a row
        indexed ``"all"`` is drawn first, in bold, above a rule), or any table with those columns.
    label_width : int
        Wrap row labels at this many characters.
    name_bars : bool, default True
        Write "coverage" and "fit" after the top row's values (False for a narrow panel
        next to one that already does).
    all_label : str
        Label of the ``"all"`` row.

    Returns
    -------
    Axes
        Two bar containers (coverage, fit), one bar per row of ``scores``.
    """
    import numpy as np

    order = [i for i in scores.index if i == "all"] + [i for i in scores.index if i != "all"]
    table = scores.loc[order]
    y = np.arange(len(table))
    h = 0.4
    for k, (column, colour) in enumerate((("coverage", OKABE_ITO[0]), ("fit", OKABE_ITO[1]))):
        values = 100 * table[column].astype(float)
        bars = ax.barh(y - h / 2 + k * h, values.fillna(0), height=h, color=colour, label=column)
        for row, (bar, v) in enumerate(zip(bars, values)):
            text = "n/m" if np.isnan(v) else f"{v:.0f}%"
            ax.annotate(f"{text} {column}" if row == 0 and name_bars else text,
                        (bar.get_width(), bar.get_y() + h / 2),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=12,
                        fontweight="bold" if row == 0 and table.index[0] == "all" else "normal")
    labels = [all_label if pid == "all" else _wrap(lab, label_width) for pid, lab in zip(table.index,
                                                                                                table["label"])]
    ax.set_yticks(y, labels, fontsize=12.5)
    for tick, pid in zip(ax.get_yticklabels(), table.index):
        if pid == "all":
            tick.set_fontweight("bold")
    if order and order[0] == "all" and len(order) > 1:
        ax.axhline(0.5, color="#777777", lw=1)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, 135 if name_bars else 118)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("% of employment")
    return ax


def candidate_board(ax, cands, names=None, n: int = 3, label_width: int = 28):
    """Related-diversification candidates next to each priority: a board of labelled tiles.

    Rows = priorities; up to ``n`` tiles per row, best first (``score``), each naming the
    industry, its relatedness density (RD) and complexity (PCI), coloured by opportunity
    quadrant (:data:`QUADRANT_COLOURS`). A priority without candidates says so.

    Parameters
    ----------
    ax : matplotlib Axes
    cands : DataFrame
        :func:`s3lib.alignment.candidates` (``priority_id``, ``label``, ``industry``,
        ``density``, ``pci``, ``quadrant``, ``score``), sorted within each priority.
    names : mapping, optional
        Industry code -> short name.
    n : int, default 3

    Returns
    -------
    Axes
        One rectangle patch per tile drawn.
    """
    from matplotlib.patches import FancyBboxPatch, Patch

    names = names or {}
    rows = list(dict.fromkeys(cands["label"])) if len(cands) else []
    if "priorities" in cands.attrs:
        rows = list(cands.attrs["priorities"])
    ax.set_xlim(0, n)
    ax.set_ylim(max(len(rows), 4), 0)  # at least four rows high, so a short list keeps compact tiles
    ax.axis("off")
    for r, label in enumerate(rows):
        part = cands[cands["label"] == label].head(n)
        ax.text(-0.03, r + 0.5, _wrap(label, label_width), ha="right", va="center", fontsize=12.5,
                transform=ax.transData)
        if part.empty:
            ax.text(0.05, r + 0.5, "no candidate: its measured industries are all specialised already",
                    va="center", fontsize=11.5, color="#555555", style="italic")
        for c, row in enumerate(part.itertuples()):
            colour = QUADRANT_COLOURS.get(row.quadrant, "#9A9A9A")
            ax.add_patch(FancyBboxPatch((c + 0.04, r + 0.1), 0.92, 0.8, boxstyle="round,pad=0,rounding_size=0.08",
                                        facecolor=colour, edgecolor="none", alpha=0.22, mutation_aspect=0.5))
            ax.add_patch(FancyBboxPatch((c + 0.04, r + 0.1), 0.02, 0.8, boxstyle="square,pad=0",
                                        facecolor=colour, edgecolor="none"))
            title = f"{row.industry} {short_name(names.get(row.industry, ''), 25)}".strip()
            ax.text(c + 0.1, r + 0.38, title, va="center", fontsize=12, fontweight="bold")
            ax.text(c + 0.1, r + 0.7, f"RD {row.density:.2f} · PCI {row.pci:+.1f} · LQ {row.lq:.2f}",
                    va="center", fontsize=11, color="#333333")
    handles = [Patch(color=c, alpha=0.6, label=q) for q, c in QUADRANT_COLOURS.items()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False, fontsize=11.5)
    return ax


def similarity_bars(ax, table):
    """Profile similarity of region pairs: cosine of LQ and of log LQ (grouped horizontal bars).

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.alignment.similarity` (``classification``, ``region_a``, ``region_b``,
        ``n_industries``, ``cosine_lq``, ``cosine_log_lq``).

    Returns
    -------
    Axes
        Two bar containers, one bar per pair each.
    """
    import numpy as np

    table = table.iloc[::-1]
    y = np.arange(len(table))
    h = 0.38
    for k, (column, text, colour) in enumerate((("cosine_lq", "cosine of LQ", "#A8A8A8"),
                                                 ("cosine_log_lq", "cosine of log LQ", OKABE_ITO[0]))):
        bars = ax.barh(y + (h / 2 if k == 0 else -h / 2), table[column], height=h, color=colour, label=text)
        for row, (bar, v) in enumerate(zip(bars, table[column])):
            top = row == len(table) - 1  # the first pair, drawn on top, names the measure
            ax.annotate(f"{v:+.2f} {text}" if top else f"{v:+.2f}", (max(v, 0), bar.get_y() + h / 2),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=12,
                        fontweight="bold" if top else "normal")
    labels = [f"{a} vs {b}\n{c.split(' ')[0]} {'sectors' if c.startswith('broad') else 'divisions'} ({n})"
              for a, b, c, n in zip(table["region_a"], table["region_b"], table["classification"],
                                    table["n_industries"])]
    ax.set_yticks(y, labels, fontsize=12.5)
    ax.axvline(0, color="#333333", lw=1)
    ax.set_xlim(min(-0.25, float(table["cosine_log_lq"].min()) - 0.1), 1.45)
    ax.set_xticks([t for t in (-1, -0.5, 0, 0.5, 1) if t >= ax.get_xlim()[0]])
    ax.set_xlabel("Similarity of specialisation profiles (1 = same, 0 = unrelated, -1 = opposite)")
    return ax


def uncovered_bars(ax, uncovered, names=None, n: int = 10):
    """Specialised industries no priority covers, by employment (horizontal bars, LQ labelled).

    Parameters
    ----------
    ax : matplotlib Axes
    uncovered : DataFrame
        :func:`s3lib.alignment.uncovered_strengths` (index = industry; ``employment``, ``lq``, ``share``).
    names : mapping, optional
        Industry code -> name (shortened with :func:`short_name`).
    n : int, default 10

    Returns
    -------
    Axes
        One bar per industry shown.
    """
    import numpy as np

    names = names or {}
    table = uncovered.head(n).iloc[::-1]
    y = np.arange(len(table))
    bars = ax.barh(y, table["employment"] / 1000, color=OKABE_ITO[3])
    for bar, (code, row) in zip(bars, table.iterrows()):
        ax.annotate(f"LQ {row['lq']:.2f} · {row['share']:.0%}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=11.5)
    ax.set_yticks(y, [f"{c} {short_name(names.get(c, ''), 34)}".strip() for c in table.index], fontsize=12.5)
    ax.set_xlabel("Persons employed (thousands); label: LQ · share of specialised employment")
    ax.margins(x=0.25)
    return ax


# --- maps, cluster portfolio and comparison charts
# Charts of notebooks 00 (data tour), 01 (cluster structure) and 05 (compare cities). Maps are
# drawn in EPSG:3035 (ETRS89-LAEA) and framed on mainland Europe, so overseas regions and the
# Canaries do not shrink the map.

#: Map projection (ETRS89 / LAEA Europe).
MAP_CRS = 3035
#: Mainland Europe in EPSG:3035: (xmin, xmax, ymin, ymax) in metres.
EUROPE_EXTENT = (2.5e6, 7.5e6, 1.3e6, 5.5e6)
#: Short labels of the A*10 broad sectors (Eurostat nama_10r_3empers) and their aggregates.
SECTOR_LABELS = {
    "A": "Agriculture", "B-E": "Industry", "C": "Manufacturing", "F": "Construction",
    "G-I": "Trade, transport, hospitality", "G-J": "Trade ... information", "J": "Information, communication",
    "K": "Finance, insurance", "K-N": "Finance ... business services", "L": "Real estate",
    "M-N": "Professional, support services", "O-Q": "Public admin, education, health",
    "O-U": "Public and other services", "R-U": "Arts, other services", "TOTAL": "Total",
    # NACE sections of the business statistics (fallback where the regional accounts have no rows)
    "B": "Mining", "D": "Energy", "E": "Water, waste", "G": "Trade", "H": "Transport, storage",
    "I": "Accommodation, food", "M": "Professional, scientific", "N": "Administrative, support",
}
#: Fill of regions without a value on a map.
NO_DATA = "#D9D9D9"


def label_points(geometries, codes, labels=None):
    """One label point per region (``representative_point``), projected to :data:`MAP_CRS`.

    Parameters
    ----------
    geometries : GeoDataFrame
        With ``code`` and ``geometry`` (e.g. :func:`s3lib.data.geometries`).
    codes : list of str
        Region codes, in the order wanted.
    labels : list of str, optional
        One label per code (default: the codes).

    Returns
    -------
    GeoDataFrame
        ``code``, ``label``, point ``geometry`` in EPSG:3035; codes without a geometry are left out.
    """
    g = geometries[geometries["code"].isin(codes)].set_index("code").reindex(
        [c for c in codes if c in set(geometries["code"])])
    labels = dict(zip(codes, labels or codes))
    out = g[["geometry"]].to_crs(MAP_CRS)
    out["geometry"] = out.representative_point()
    out["label"] = [labels[c] for c in out.index]
    return out.reset_index()


def extent_of(regions, codes=None, *, pad: float = 0.15, aspect: float | None = 16 / 9):
    """A map extent around some regions, in :data:`MAP_CRS`, padded and widened to an aspect ratio.

    Parameters
    ----------
    regions : GeoDataFrame
        ``code`` and ``geometry`` (any CRS).
    codes : iterable of str, optional
        Regions to frame (default: all).
    pad : float
        Margin as a share of the larger side.
    aspect : float or None
        Width / height of the result (the box is widened or heightened around its centre).

    Returns
    -------
    tuple
        ``(xmin, xmax, ymin, ymax)`` for :func:`region_map`.
    """
    g = regions if codes is None else regions[regions["code"].isin(list(codes))]
    x0, y0, x1, y1 = g.to_crs(MAP_CRS).total_bounds
    margin = pad * max(x1 - x0, y1 - y0, 1e5)
    x0, x1, y0, y1 = x0 - margin, x1 + margin, y0 - margin, y1 + margin
    if aspect:
        cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
        w, h = max(w, h * aspect), max(h, w / aspect)
        x0, x1, y0, y1 = cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2
    return (float(x0), float(x1), float(y0), float(y1))


def _draw_regions(ax, geometries, facecolor, *, edgecolor="white", linewidth=0.4, hatch=None, zorder=1):
    """Add polygons to ``ax`` as one ``PathCollection`` (no figure redraw, unlike GeoDataFrame.plot).

    ``facecolor`` is one colour or one per geometry; returns the collection (None if nothing to draw).
    """
    import numpy as np
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    paths = []
    for geom in geometries:
        if geom is None or geom.is_empty:
            continue
        parts = [Path(np.asarray(ring.coords)[:, :2], closed=True)
                 for poly in getattr(geom, "geoms", [geom]) if poly.geom_type == "Polygon"
                 for ring in (poly.exterior, *poly.interiors)]
        if parts:
            paths.append(Path.make_compound_path(*parts))
    if not paths:
        return None
    collection = PathCollection(paths, facecolors=facecolor, edgecolors=edgecolor, linewidths=linewidth,
                                hatch=hatch, zorder=zorder)
    ax.add_collection(collection, autolim=False)
    return collection


def region_map(ax, regions, column=None, *, cmap=SEQUENTIAL, norm=None, label=None, highlight=(),
               fills=None, points=None, extent=EUROPE_EXTENT, legend_loc="upper left", colorbar=True,
               context=None, borders=None):
    """A map of regions in EPSG:3035: optional choropleth, highlighted outlines, marked points.

    Parameters
    ----------
    ax : matplotlib Axes
    regions : GeoDataFrame
        ``code`` and ``geometry`` (any CRS, projected here); ``column`` if given.
    column : str, optional
        Values to colour by (NaN = grey, hatched, labelled "no data" in the legend).
    cmap, norm : colour map and normalisation (matplotlib) of ``column``.
    label : str, optional
        Colour-bar label (with units).
    highlight : iterable of str
        Region codes outlined in black (thick).
    fills : mapping, optional
        Region code -> colour, filled on top (e.g. the case regions).
    points : GeoDataFrame, optional
        :func:`label_points`: marked with a black-edged white circle and labelled (halo).
    extent : tuple
        ``(xmin, xmax, ymin, ymax)`` in EPSG:3035; default :data:`EUROPE_EXTENT`.
    colorbar : bool
        Add a colour bar for ``column``.
    context : GeoDataFrame, optional
        Regions drawn first in pale grey without a value or legend (e.g. countries outside the data).
    borders : GeoDataFrame, optional
        Polygons whose outlines are drawn in grey on top (e.g. countries, ``data.geometries(0)``).

    Returns
    -------
    Axes
        One ``PathCollection`` per layer in ``ax.collections``; ``ax.texts`` hold the point labels.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    xmin, xmax, ymin, ymax = extent
    margin = 0.2 * max(xmax - xmin, ymax - ymin)

    def visible(frame):
        return frame.to_crs(MAP_CRS).cx[xmin - margin:xmax + margin, ymin - margin:ymax + margin]

    g = visible(regions)
    handles = []
    if context is not None and len(context):
        _draw_regions(ax, visible(context).geometry, "#F2F2F2", zorder=0.5)
    if column is None:
        _draw_regions(ax, g.geometry, "#EDEDED")
    else:
        missing, valued = g[g[column].isna()], g[g[column].notna()]
        if len(missing):
            _draw_regions(ax, missing.geometry, NO_DATA, hatch="///")
            handles.append(Patch(facecolor=NO_DATA, hatch="///", edgecolor="#999999", label="no data"))
        cmap = plt.get_cmap(cmap)
        norm = norm or plt.Normalize(valued[column].min(), valued[column].max())
        _draw_regions(ax, valued.geometry, cmap(norm(valued[column].to_numpy(dtype=float))), linewidth=0.3)
        if colorbar:
            bar = ax.figure.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.8, pad=0.01)
            _log_ticks(bar, norm)
            if label:
                bar.set_label(label)
    for code, colour in (fills or {}).items():
        _draw_regions(ax, g.loc[g["code"] == code].geometry, colour, edgecolor="black", linewidth=1.2, zorder=2)
    if borders is not None:
        _draw_regions(ax, visible(borders).geometry, "none", edgecolor="#8C8C8C", linewidth=0.7, zorder=2.5)
    _draw_regions(ax, g.loc[g["code"].isin(list(highlight))].geometry, "none", edgecolor="black", linewidth=2.2,
                  zorder=3)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if points is not None and len(points):
        ax.scatter(points.geometry.x, points.geometry.y, s=70, color="white", edgecolor="black", lw=1.8, zorder=5)
        _place_labels(ax, list(zip(points.geometry.x, points.geometry.y)), list(points["label"]),
                      fontsize=13, fontweight="bold")
    if handles:
        ax.legend(handles=handles, loc=legend_loc, frameon=True, framealpha=0.9)
    return ax


def _log_ticks(bar, norm) -> None:
    """Plain tick labels (0.25, 0.5, 1, 2, 4) on a colour bar with a log norm; no minor labels."""
    import matplotlib.colors as mcolors
    import matplotlib.ticker as mticker

    if not isinstance(norm, mcolors.LogNorm):
        return
    ticks = [t for t in (0.125, 0.25, 0.5, 1, 2, 4, 8, 16) if norm.vmin <= t <= norm.vmax]
    bar.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    bar.ax.yaxis.set_minor_locator(mticker.NullLocator())


def lq_norm(lq_max: float = 4.0):
    """A log-scale colour normalisation for LQ centred at 1 (``1/lq_max`` .. ``lq_max``), for ``PuOr``."""
    import matplotlib.colors as mcolors

    return mcolors.LogNorm(vmin=1 / lq_max, vmax=lq_max)


def cluster_bars(ax, table, n: int = 12, *, value: str = "employment", lq_max: float = 4.0,
                 label_width: int = 34, colorbar: bool = True, fontsize: float = 12.5, wrap: bool = False):
    """Horizontal bars of clusters: length = ``value``, colour = LQ (log scale, centred at 1).

    Each bar is labelled with its LQ and Cluster Observatory stars (``LQ 2.53 ★★★``); a cluster
    flagged ``partial`` (less than half of its industries observed) is hatched and marked
    "(partial)".

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.clusters.portfolio` rows (``cluster``, ``employment``, ``lq``, ``stars``,
        ``partial``), in the order to show (first on top); the first ``n`` are drawn.
    n : int
    value : {"employment", "lq"}
        Bar length: persons employed (shown in thousands) or the LQ itself.
    lq_max : float
        LQ where the colours saturate (and ``1 / lq_max``).
    label_width : int
        Cluster names are shortened to this many characters (``wrap=False``) or wrapped at it.
    colorbar : bool
    wrap : bool
        Wrap long names over lines instead of shortening them (small multiples).

    Returns
    -------
    Axes
        One bar per cluster shown.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    top = table.head(n).iloc[::-1]
    y = np.arange(len(top))
    cmap, norm = plt.get_cmap(DIVERGING), lq_norm(lq_max)
    lq = top["lq"].clip(1 / lq_max, lq_max).fillna(1.0)
    length = top[value] / 1000 if value == "employment" else top[value]
    partial = top["partial"].fillna(False).astype(bool) if "partial" in top else np.zeros(len(top), bool)
    bars = ax.barh(y, length, color=cmap(norm(lq.to_numpy())), edgecolor="#333333", linewidth=0.6, height=0.72)
    for bar, is_partial in zip(bars, partial):
        if is_partial:
            bar.set_hatch("//")
    # Room on the right for the longest label: its width (~0.55 em a character, a star ~1 em)
    # as a share of the axes width, so that no label runs out of a narrow panel.
    axes_in = max(ax.get_position().width * ax.figure.get_figwidth(), 0.5)
    xmax = 0.0
    for bar, (_, row) in zip(bars, top.iterrows()):
        stars = int(row["stars"]) if "stars" in row and row["stars"] == row["stars"] else 0
        text = f" LQ {row['lq']:.2f} " + "★" * stars
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=fontsize - 1)
        share = (0.55 * (len(text) - stars) + stars) * (fontsize - 1) / 72 / axes_in
        xmax = max(xmax, bar.get_width() / max(0.35, 1 - share - 0.1))  # axes shrink in layout
    names = [(_wrap(c, label_width) if wrap else short_name(c, label_width)) + (" (partial)" if p else "")
             for c, p in zip(top["cluster"], partial)]
    ax.set_yticks(y, names, fontsize=fontsize)
    ax.set_xlim(0, max(xmax, float(length.max()) * 1.2) if len(top) else 1)
    ax.set_xlabel("Persons employed (thousands)" if value == "employment" else "Location quotient (EU NUTS2 = 1)")
    if value == "lq":
        ax.axvline(1, color="#333333", lw=1, ls="--")
    if colorbar:
        lq_colorbar(ax.figure, ax, norm)
    return ax


def lq_colorbar(fig, axes, norm, label: str = "LQ (log scale; 1 = EU average)", cmap=DIVERGING):
    """One colour bar for LQ colours (``norm`` from :func:`lq_norm`) beside ``axes`` (an Axes or an array of them).

    Returns
    -------
    Colorbar
        Ticks at 0.25, 0.5, 1, 2, 4 within the norm's range, no minor labels.
    """
    import matplotlib.pyplot as plt

    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.8, pad=0.01)
    bar.set_label(label)
    _log_ticks(bar, norm)
    return bar


def grouped_bars(ax, frame, *, colours=None, unit: str = "% of employment", label_width: int = 24,
                 percent: bool = True):
    """Grouped horizontal bars: one group per row of ``frame`` (top to bottom), one bar per column.

    Parameters
    ----------
    ax : matplotlib Axes
    frame : DataFrame
        Index = categories (e.g. sectors, labelled with :data:`SECTOR_LABELS` when known),
        columns = series (e.g. regions, first drawn on top within a group); NaN bars are left out.
    colours : list, optional
        One colour per column (default Okabe-Ito).
    unit : str
        x-axis label.
    percent : bool
        Values are shares (0-1) drawn as percentages.

    Returns
    -------
    Axes
        ``len(frame) * len(frame.columns)`` bars (NaN ones of length 0).
    """
    import numpy as np

    colours = colours or OKABE_ITO
    k = len(frame.columns)
    height = 0.82 / max(k, 1)
    y = np.arange(len(frame))[::-1]
    values = frame.to_numpy(dtype=float) * (100 if percent else 1)
    for j, column in enumerate(frame.columns):
        ax.barh(y + 0.41 - height * (j + 0.5), np.nan_to_num(values[:, j]), height=height * 0.92,
                color=colours[j % len(colours)], label=str(column))
    labels = [_wrap(f"{c} {SECTOR_LABELS[c]}" if c in SECTOR_LABELS else str(c), label_width) for c in frame.index]
    ax.set_yticks(y, labels, fontsize=12)
    ax.set_xlabel(unit)
    ax.grid(axis="x", color="#E5E5E5", lw=0.8)
    ax.set_axisbelow(True)
    ax.legend(frameon=True, framealpha=0.95, loc="lower right")
    return ax


def variety_places(ax, table, places):
    """Related (y) against unrelated (x) variety of all regions, several places marked and labelled.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        Index = region codes; ``related``, ``unrelated`` (bits, :func:`s3lib.variety.decompose`).
    places : mapping
        Region code -> label of the regions to mark (one Okabe-Ito colour each).

    Returns
    -------
    Axes
        One scatter collection for the other regions plus one per place.
    """
    import numpy as np

    marked = [c for c in places if c in table.index]
    rest = table.drop(index=marked)
    ax.scatter(rest["unrelated"], rest["related"], s=26, color="#B8B8B8", lw=0, alpha=0.9,
               label=f"other EU NUTS2 regions ({len(rest)})", zorder=2)
    for i, code in enumerate(marked):
        row = table.loc[code]
        ax.scatter([row["unrelated"]], [row["related"]], s=200, marker="D", color=OKABE_ITO[i % 7],
                   edgecolor="black", lw=1.2, zorder=4, label=places[code])
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    total = table["related"] + table["unrelated"]
    for v in np.arange(np.floor(total.min() * 2) / 2, total.max() + 0.5, 0.5):
        ax.plot([x0, x1], [v - x0, v - x1], color="#E2E2E2", lw=1, zorder=1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    _place_labels(ax, [(table.loc[c, "unrelated"], table.loc[c, "related"]) for c in marked],
                  [places[c] for c in marked], fontsize=13, fontweight="bold")
    ax.set_xlabel("Unrelated variety (bits, between NACE sections)")
    ax.set_ylabel("Related variety (bits, within sections)")
    ax.legend(loc="lower left", frameon=True, framealpha=0.9, fontsize=11.5)
    return ax


def coverage_heatmap(ax, frame, *, highlight=(), label: str = "share of the 68 divisions with a value",
                     vmin: float = 0.5):
    """Rows x years heatmap of a 0-1 coverage share (cividis, saturating below ``vmin``), highlighted rows in bold.

    Parameters
    ----------
    ax : matplotlib Axes
    frame : DataFrame
        Index = row labels (e.g. countries), columns = years, values in [0, 1] (NaN = no row).
    highlight : iterable of str
        Row labels shown in bold with a marker.

    Returns
    -------
    Axes
        ``ax.images[0]`` is the heatmap.
    """
    import numpy as np

    image = ax.imshow(frame.to_numpy(dtype=float), aspect="auto", cmap=SEQUENTIAL, vmin=vmin, vmax=1,
                      interpolation="nearest")
    ax.set_xticks(np.arange(frame.shape[1]), [str(c) for c in frame.columns])
    marks = set(highlight)
    ax.set_yticks(np.arange(frame.shape[0]), [f"▶ {r}" if r in marks else str(r) for r in frame.index],
                  fontsize=10.5)
    for tick, r in zip(ax.get_yticklabels(), frame.index):
        if r in marks:
            tick.set_fontweight("bold")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8, pad=0.01, extend="min" if vmin > 0 else "neither")
    bar.set_label(label)
    bar.ax.yaxis.set_major_formatter("{x:.0%}")
    return ax
