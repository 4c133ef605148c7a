"""Charts of intercluster links (notebook 03): the related-cluster network and bridging clusters.
Each takes a networkx graph or labelled pandas and an ``ax``, draws, and returns the ``ax``."""
from __future__ import annotations

from s3lib.plots.style import (
    DIVERGING,
    OKABE_ITO,
    done,
    place_labels,
    short_name,
    styled,
)

__all__ = ["betweenness_bars", "network_chart", "network_layout"]


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


@styled
def network_chart(ax, graph, size, colour, labels=None, pos=None, seed: int = 2014, highlight_edges=(),
                  colour_label: str = "Location quotient (log scale)", size_unit: str = "persons employed",
                  isolated_label: str = "not linked to any other cluster:", limit: float = 2.0):
    """A cluster network: node area ~ ``size``, node colour = ``colour`` on a diverging log scale centred at 1.

    Parameters
    ----------
    ax : matplotlib Axes
    graph : networkx.Graph
        E.g. :func:`s3lib.study.Study.network`.
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
        place_labels(ax, [pos[n] for n in keep], [labels[n] for n in keep], fontsize=12,
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
    return done(ax)


def _nice_sizes(top: float) -> list[float]:
    """Two or three round reference values below ``top`` for a size legend."""
    import math

    if not top or top <= 0:
        return []
    p = 10 ** math.floor(math.log10(top))
    big = max(m * p for m in (1, 2, 5) if m * p <= top)
    return [v for v in (big / 10, big / 2, big) if v >= 1] if big >= 10 else [big]


@styled
def betweenness_bars(ax, table, n: int = 12, specialised=()):
    """Horizontal bars of the most central clusters; bridging ones coloured, the place's specialised ones marked.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.measures.links.bridging`: ``cluster``, ``betweenness``, ``degree``, ``bridging``.
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
    return done(ax)
