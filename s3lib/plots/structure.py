"""Charts of cluster structure (notebooks 00, 01, 05): cluster bars, sector shares, coverage."""
from __future__ import annotations

from s3lib.plots.style import (
    DIVERGING,
    OKABE_ITO,
    SECTOR_LABELS,
    SEQUENTIAL,
    lq_colorbar,
    lq_norm,
    short_name,
    styled,
    wrap_text,
)

__all__ = ["cluster_bars", "count_bars", "coverage_heatmap", "grouped_bars"]


@styled
def cluster_bars(ax, table, n: int = 12, *, value: str = "employment", lq_max: float = 4.0,
                 label_width: int = 34, colorbar: bool = True, fontsize: float = 12.5, wrap: bool = False,
                 title: str | None = None, xlabel: str | None = None):
    """Horizontal bars of clusters: length = ``value``, colour = LQ (log scale, centred at 1).

    Each bar is labelled with its LQ and Cluster Observatory stars (``LQ 2.53 ★★★``); a cluster
    flagged ``partial`` (less than half of its industries observed) is hatched and marked
    "(partial)".

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :attr:`s3lib.study.view.PlaceView.portfolio` rows (``cluster``, ``employment``, ``lq``, ``stars``,
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
    title, xlabel : str, optional
        A panel title (bold, left) and an x-axis label replacing the default (small multiples).

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
    names = [(wrap_text(c, label_width) if wrap else short_name(c, label_width)) + (" (partial)" if p else "")
             for c, p in zip(top["cluster"], partial)]
    ax.set_yticks(y, names, fontsize=fontsize)
    ax.set_xlim(0, max(xmax, float(length.max()) * 1.2) if len(top) else 1)
    ax.set_xlabel(xlabel or ("Persons employed (thousands)" if value == "employment" else
                             "Location quotient (EU NUTS2 = 1)"), **({"fontsize": fontsize} if xlabel else {}))
    if title:
        ax.set_title(title, fontsize=fontsize + 1.5, loc="left", fontweight="bold")
    if value == "lq":
        ax.axvline(1, color="#333333", lw=1, ls="--")
    if colorbar:
        lq_colorbar(ax.figure, ax, norm)
    return ax


@styled
def grouped_bars(ax, frame, *, colours=None, unit: str = "% of employment", label_width: int = 24,
                 percent: bool = True, legend: dict | None = None):
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
    legend : dict, optional
        Keyword arguments of the legend (default: framed, lower right).

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
    labels = [wrap_text(f"{c} {SECTOR_LABELS[c]}" if c in SECTOR_LABELS else str(c), label_width) for c in frame.index]
    ax.set_yticks(y, labels, fontsize=12)
    ax.set_xlabel(unit)
    ax.grid(axis="x", color="#E5E5E5", lw=0.8)
    ax.set_axisbelow(True)
    ax.legend(**{"frameon": True, "framealpha": 0.95, "loc": "lower right", **(legend or {})})
    return ax


@styled
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


@styled
def count_bars(ax, counts, *, ylabel: str, title: str | None = None):
    """Vertical bars of counts by category (e.g. well-covered regions by year), each labelled with its value.

    ``counts`` is a Series (index = categories in order, values = counts).
    """
    import numpy as np

    x = np.arange(len(counts))
    values = counts.to_numpy()
    ax.bar([str(c) for c in counts.index], values, color=OKABE_ITO[0])
    for i, v in zip(x, values):
        ax.text(i, v, f"{v}", ha="center", va="bottom", fontsize=12)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=14, loc="left")
    ax.tick_params(axis="x", rotation=90)
    return ax
