"""Shared style of every figure: colour-blind safe palettes, LQ colours, labels that do not collide.

Palettes: Okabe & Ito (2008) for categories, ``cividis`` for sequential values and ``PuOr`` for
diverging ones (all colour-blind safe). The helpers below are used by the topic modules
(:mod:`~s3lib.plots.structure`, :mod:`~s3lib.plots.diversification`, :mod:`~s3lib.plots.links`,
:mod:`~s3lib.plots.alignment`, :mod:`~s3lib.plots.maps`).
"""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager

__all__ = ["CHANGE_COLOURS", "DIVERGING", "DPI", "HEIGHT_PX", "LQ_CLIP", "NO_DATA", "OKABE_ITO", "QUADRANT_COLOURS",
           "SECTOR_LABELS", "SEQUENTIAL", "WIDTH_PX", "colormap", "done", "halo", "log_ticks", "lq_colorbar", "lq_norm",
           "overlap", "place_labels", "rc_params", "short_name", "style", "styled", "thousands", "wrap_text"]

#: Size of a suite figure: 1280 x 720 px (16:9), at 100 dpi.
WIDTH_PX, HEIGHT_PX, DPI = 1280, 720, 100


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

#: Colours of the four opportunity quadrants (Okabe-Ito; the ideal target in blue).
QUADRANT_COLOURS = {
    "low risk, high benefit": OKABE_ITO[0],
    "high risk, high benefit": OKABE_ITO[3],
    "low risk, low benefit": OKABE_ITO[1],
    "high risk, low benefit": "#9A9A9A",
}
#: Colours of entries (0 -> 1) and exits (1 -> 0) of specialisations.
CHANGE_COLOURS = {"entry": OKABE_ITO[0], "exit": OKABE_ITO[5]}

#: LQ range of the alignment heatmap: colours saturate at LQ 1/4 and 4 (log2 scale, centred at 1).
LQ_CLIP = 4.0
#: Fill of regions without a value on a map.
NO_DATA = "#D9D9D9"
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
        # a figure whose layout engine is removed after its one layout stays without one
        "figure.autolayout": False,
        "figure.constrained_layout.use": False,
    }


@contextmanager
def style():
    """The projector style (:func:`rc_params`) inside a ``matplotlib.rc_context``: matplotlib's
    settings are restored when the block ends. Draw a notebook's own extra artists inside it."""
    import matplotlib

    with matplotlib.rc_context(rc_params()):
        yield


def styled(function):
    """Run a drawing function inside :func:`style` (every public plotting function of s3lib is styled)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with style():
            return function(*args, **kwargs)

    return wrapper


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


def halo(width: float = 3.0):
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=width, foreground="white")]


@styled
def place_labels(ax, points, texts, fontsize: float = 12.5, pad: float = 4.0, obstacles=(), **kwargs) -> list:
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
                              fontsize=fontsize, path_effects=halo(), zorder=6,
                              arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.8, "shrinkA": 2,
                                          "shrinkB": 4} if far else None, **kwargs)
            box = art.get_window_extent(renderer).padded(pad / 2)
            score = sum(overlap(box, other) for other in placed)
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


def overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def done(ax):
    """Leave the texts drawn inside the axes out of constrained layout (saves time at every save)."""
    for text in ax.texts:
        text.set_in_layout(False)
    return ax


def wrap_text(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def thousands(value: float) -> str:
    """``134158 -> "134k"``, ``4191 -> "4k"``, ``659 -> "659"``: short enough for a heatmap cell."""
    import math

    if math.isnan(value):
        return ""
    if value >= 950:
        return f"{value / 1000:.0f}k"
    return f"{value:.0f}"


def colormap(name: str):
    """A registered matplotlib colormap by name."""
    import matplotlib

    return matplotlib.colormaps[name]


@styled
def log_ticks(bar, norm) -> None:
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


@styled
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
    log_ticks(bar, norm)
    return bar
