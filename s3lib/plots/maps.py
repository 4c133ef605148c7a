"""Maps of NUTS regions (ETRS89-LAEA, EPSG:3035): choropleths, highlighted places, labelled points."""
from __future__ import annotations

from s3lib.plots.style import NO_DATA, SEQUENTIAL, log_ticks, place_labels, styled

__all__ = ["EUROPE_EXTENT", "MAP_CRS", "cluster_map", "extent_of", "geometry_path", "label_points", "region_map"]

#: Map projection (ETRS89 / LAEA Europe).
MAP_CRS = 3035
#: Mainland Europe in EPSG:3035: (xmin, xmax, ymin, ymax) in metres.
EUROPE_EXTENT = (2.5e6, 7.5e6, 1.3e6, 5.5e6)


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


def geometry_path(geom):
    """A (multi)polygon as one matplotlib compound ``Path`` (holes included), or None when empty."""
    import numpy as np
    from matplotlib.path import Path

    if geom is None or geom.is_empty:
        return None
    parts = [Path(np.asarray(ring.coords)[:, :2], closed=True)
             for poly in getattr(geom, "geoms", [geom]) if poly.geom_type == "Polygon"
             for ring in (poly.exterior, *poly.interiors)]
    return Path.make_compound_path(*parts) if parts else None


def _draw_regions(ax, geometries, facecolor, *, edgecolor="white", linewidth=0.4, hatch=None, zorder=1):
    """Add polygons to ``ax`` as one ``PathCollection`` (no figure redraw, unlike GeoDataFrame.plot).

    ``facecolor`` is one colour or one per geometry; returns the collection (None if nothing to draw).
    """
    from matplotlib.collections import PathCollection

    paths = [p for p in map(geometry_path, geometries) if p is not None]
    if not paths:
        return None
    collection = PathCollection(paths, facecolors=facecolor, edgecolors=edgecolor, linewidths=linewidth,
                                hatch=hatch, zorder=zorder)
    ax.add_collection(collection, autolim=False)
    return collection


@styled
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
            log_ticks(bar, norm)
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
        place_labels(ax, list(zip(points.geometry.x, points.geometry.y)), list(points["label"]),
                      fontsize=13, fontweight="bold")
    if handles:
        ax.legend(handles=handles, loc=legend_loc, frameon=True, framealpha=0.9)
    return ax


@styled
def cluster_map(ax, geometries, lq, *, highlight=(), points=None, label=None, colorbar=True, extent=EUROPE_EXTENT):
    """The LQ of one cluster in every region: diverging colours on a log scale centred at 1 (0.25-4).

    Regions of countries with no value at all are drawn pale grey as context (outside the
    statistics); regions of covered countries without a value are hatched ("no data").

    Parameters
    ----------
    ax : matplotlib Axes
    geometries : GeoDataFrame
        Regions (``code``, ``country``, ``geometry``), e.g. ``s3lib.data.geometries(2)``.
    lq : Series
        LQ by region code (e.g. a column of :attr:`s3lib.study.Study.cluster_lq`).
    highlight, points, label, colorbar, extent
        As in :func:`region_map`.
    """
    from s3lib.plots.style import DIVERGING, lq_norm

    frame = geometries.merge(lq.rename("lq"), left_on="code", right_index=True, how="left")
    in_data = frame["country"].isin(set(frame.loc[frame["lq"].notna(), "country"]))  # countries in the statistics
    return region_map(ax, frame[in_data], "lq", cmap=DIVERGING, norm=lq_norm(4), label=label, highlight=highlight,
                      points=points, colorbar=colorbar, context=frame[~in_data], extent=extent)
