"""The map of a place's partner regions for one cluster (:func:`s3lib.study.partners.partners`).

:func:`partner_map` draws the regions on a map (ETRS89-LAEA): the place's region in black, peers in blue,
complements in orange, regions whose sourced RIS3 priorities name the cluster outlined in bluish green, regions
set apart by the integrity rules (apportioning, estimates, breaks, a sibling cluster's division) hatched grey (not
those strong in a cluster below the relatedness gate); the first peers and
complements are numbered. :func:`partner_list` writes the same numbered regions with their reason in short, and
:func:`partners_figure` puts both on one projector-sized figure, titled with the place, the cluster, the level and
the year, with its source lines. Colours: Okabe & Ito (colour-blind safe), as every figure of the suite.
"""
from __future__ import annotations

from s3lib.data.sources import SOURCE_GISCO, SOURCE_SBS, SOURCE_USCMP
from s3lib.measures.partners import GATE_FLAG
from s3lib.plots.maps import EUROPE_EXTENT, MAP_CRS, _draw_regions, extent_of, label_points
from s3lib.plots.style import OKABE_ITO, halo, place_labels, short_name, styled

__all__ = ["PARTNER_COLOURS", "partner_list", "partner_map", "partners_figure"]

#: Fill (or outline) of each kind of region on the map.
PARTNER_COLOURS = {"place": "#000000", "peer": OKABE_ITO[0], "complement": OKABE_ITO[1],
                   "priority": OKABE_ITO[2], "apart": "#BDBDBD", "other": "#EDEDED"}


def _codes(partners, kind: str, n: int | None = None) -> list[str]:
    result = getattr(partners, kind)
    if result is None:
        return []
    codes = list(result.table["region"])
    return codes if n is None else codes[:n]


def _extent(geometries, codes):
    """Around ``codes`` (those inside mainland Europe's frame), never wider than the frame itself."""
    x0, x1, y0, y1 = EUROPE_EXTENT
    shown = geometries[geometries["code"].isin(codes)].to_crs(MAP_CRS)
    centre = shown.geometry.representative_point()
    inside = shown[(centre.x > x0) & (centre.x < x1) & (centre.y > y0) & (centre.y < y1)]
    if inside.empty:
        return EUROPE_EXTENT
    a0, a1, b0, b1 = extent_of(inside, aspect=1.25, pad=0.08)
    if a1 - a0 > x1 - x0 or b1 - b0 > y1 - y0:
        return EUROPE_EXTENT
    return (a0, a1, b0, b1)


@styled
def partner_map(ax, partners, geometries, *, n_labels: int = 5, extent=None, borders=None, legend_ax=None):
    """The place's region, its peers, complements, priority partners and the regions set apart, on a map.

    Parameters
    ----------
    ax : matplotlib Axes
    partners : :class:`s3lib.study.partners.Partners`
    geometries : GeoDataFrame
        ``code`` and ``geometry`` of every region of the level (:func:`s3lib.study.partners.region_geometries`,
        which includes the regions the data keep under an older code).
    n_labels : int
        Peers and complements numbered (``P1``, ``C1``: the rows of :func:`partner_list`).
    extent : tuple, optional
        ``(xmin, xmax, ymin, ymax)`` in EPSG:3035; default: around the place and the regions shown.
    borders : GeoDataFrame, optional
        Country outlines drawn on top in grey.
    legend_ax : Axes, optional
        Where the legend goes (default ``ax``, lower left).

    Returns
    -------
    Axes
        ``ax.collections``: one ``PathCollection`` per layer drawn; ``ax.texts``: the numbered labels.
    """
    from matplotlib.patches import Patch

    g = geometries.to_crs(MAP_CRS)
    peers, complements = _codes(partners, "peers"), _codes(partners, "complements")
    priority = _codes(partners, "priority")
    flagged = partners.apart[partners.apart["flag"] != GATE_FLAG]   # the integrity flags; a weak relation is no flag
    apart = [c for c in flagged["region"] if c not in set(peers) | set(complements)]
    extent = extent or _extent(geometries, [partners.region, *peers, *complements, *priority])
    layers = [("other", [c for c in g["code"] if c not in {partners.region, *peers, *complements, *apart}]),
              ("apart", apart), ("complement", [c for c in complements if c not in set(peers)]), ("peer", peers),
              ("place", [partners.region])]
    handles = []
    words = {"place": f"{partners.place.name} ({partners.region})", "peer": "peer", "complement": "complement",
             "apart": "set apart (flagged)"}
    for kind, codes in layers:
        shapes = g[g["code"].isin(codes)].geometry
        if not len(shapes):
            continue
        _draw_regions(ax, shapes, PARTNER_COLOURS[kind], edgecolor="white", linewidth=0.3,
                      hatch="///" if kind == "apart" else None, zorder={"other": 1, "apart": 1.5}.get(kind, 2))
        if kind != "other":
            handles.append(Patch(facecolor=PARTNER_COLOURS[kind], hatch="///" if kind == "apart" else None,
                                 edgecolor="#666666" if kind == "apart" else "none", label=words[kind]))
    shapes = g[g["code"].isin(priority)].geometry
    if len(shapes):
        _draw_regions(ax, shapes, "none", edgecolor=PARTNER_COLOURS["priority"], linewidth=2.6, zorder=3)
        handles.append(Patch(facecolor="none", edgecolor=PARTNER_COLOURS["priority"], linewidth=2.6,
                             label="RIS3 priority names it"))
    if borders is not None:
        _draw_regions(ax, borders.to_crs(MAP_CRS).geometry, "none", edgecolor="#8C8C8C", linewidth=0.7, zorder=2.5)
    xmin, xmax, ymin, ymax = extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    numbered = [(c, f"P{i + 1}") for i, c in enumerate(peers[:n_labels])]
    numbered += [(c, f"C{i + 1}") for i, c in enumerate(complements[:n_labels]) if c not in set(peers[:n_labels])]
    if numbered:
        points = label_points(geometries, [c for c, _ in numbered], [t for _, t in numbered])
        inside = points[(points.geometry.x > xmin) & (points.geometry.x < xmax) & (points.geometry.y > ymin)
                        & (points.geometry.y < ymax)]
        ax.scatter(inside.geometry.x, inside.geometry.y, s=36, color="white", edgecolor="black", lw=1.2, zorder=5)
        place_labels(ax, list(zip(inside.geometry.x, inside.geometry.y)), list(inside["label"]), fontsize=13,
                     fontweight="bold")
    (legend_ax or ax).legend(handles=handles[::-1], loc="lower left", frameon=True, framealpha=0.92, fontsize=12,
                             ncol=2 if legend_ax is not None else 1)
    return ax


def _no_priority(partners) -> str:
    if partners.priority.params.get("naming"):
        return "only lists outside the search name it"
    return "no sourced list on record names it"


@styled
def partner_list(ax, partners, *, n: int = 5, width: int = 44, bottom: float = 0.0):
    """The numbered peers (``P1``...), complements (``C1``...) and priority partners of :func:`partner_map`, as
    text on an empty axes, from the top down to ``bottom`` (axes fraction): a line per peer (name, country, LQ,
    stars, persons employed), two per complement (the region, then the related cluster it is strong in)."""
    ax.set_axis_off()
    lines = []

    def block(title, rows, colour):
        lines.append((title, colour, True))
        lines.extend((row, "#222222", False) for row in rows)
        lines.append(("", "#222222", False))

    def name(r, w=22):
        return f"{short_name(r['name'], w, first_part=False)} ({r['country']})"

    if partners.peers is not None:
        t = partners.peers.table.head(n)
        block("Peers (same cluster)", [f"P{i + 1} {name(r)}: LQ {r['lq']:.1f}, {int(r['stars'])}★, {r['employment']:,.0f}"
                                       for i, (_, r) in enumerate(t.iterrows())] or ["none within the options"],
              PARTNER_COLOURS["peer"])
    if partners.complements is not None:
        t = partners.complements.table.head(n)
        rows = []
        for i, (_, r) in enumerate(t.iterrows()):
            rows += [f"C{i + 1} {name(r)}: LQ {r['lq']:.1f}, {int(r['stars'])}★",
                     f"      in {short_name(r['related'], width - 8, first_part=False)}"]
        block("Complements (related on two channels)", rows or ["none passes the relatedness gate"],
              PARTNER_COLOURS["complement"])
    if partners.priority is not None:
        t = partners.priority.table.head(2)
        block("RIS3 priority names it", [f"{name(r, 18)}: {short_name(r['priority'], width - 24, first_part=False)}"
                                         for _, r in t.iterrows()] or [_no_priority(partners)],
              "#00664F")
    step = min(0.05, (0.99 - bottom) / max(1, len(lines) - 1))
    y = 0.99
    for text, colour, bold in lines:
        ax.text(0.0, y, text, transform=ax.transAxes, ha="left", va="top", fontsize=13 if bold else 12,
                fontweight="bold" if bold else "normal", color=colour, path_effects=halo(2.0))
        y -= step if text else step / 2
    return ax


@styled
def partners_figure(partners, geometries, *, borders=None, n: int = 5, label: str | None = None):
    """A 1280 x 720 px figure: :func:`partner_map` beside :func:`partner_list`, titled
    ``"Partners abroad for <cluster>: <label>, NUTS<level>, <year>"`` (``label``: the view's ``label``, as every
    figure of a notebook; default ``"<place> (<region>)"``) with its source lines (statistics find candidates, not
    agreements). Returns the figure (save it with :func:`s3lib.plots.save`)."""
    from s3lib.plots.io import annotate, figure

    fig, (left, right) = figure(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    partner_map(left, partners, geometries, n_labels=n, borders=borders, legend_ax=right)
    partner_list(right, partners, n=n, bottom=0.17)
    abroad = " abroad" if partners.params.get("other_countries") else ""
    annotate(fig, f"Partners{abroad} for {partners.cluster}", place=label or f"{partners.place.name} ({partners.region})",
             level=f"NUTS{partners.level}", year=partners.year,
             source=[SOURCE_SBS, SOURCE_USCMP, "RIS3 priorities: data/ris3_priorities.csv (sourced lists only; NACE "
                     "mapping our own). " + SOURCE_GISCO,
                     "Peers and complements: LQ >= 1 and enough persons on clean cells; complements: related on two "
                     "channels at the 90th percentile; statistics find candidates, not agreements."])
    if len(fig._suptitle.get_text()) > 66:  # a long cluster name: the whole title stays on the figure
        fig._suptitle.set_fontsize(16)
    return fig
