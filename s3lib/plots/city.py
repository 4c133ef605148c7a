"""Charts of a French city at its own scale (issue 21): cluster dynamics and the city against its region.

Drawn from the tables of :mod:`s3lib.study.city_clusters` and :mod:`s3lib.study.city_region`; every chart says
which LQ reference it shows (a point against the national URSSAF table, or a range against France's divisions
in the business statistics).
"""
from __future__ import annotations

from s3lib.plots.style import OKABE_ITO, done, halo, place_labels, short_name, styled

__all__ = ["city_region_bars", "cluster_dynamics"]


@styled
def cluster_dynamics(ax, table, n: int = 15, *, label_width: int = 24):
    """The cluster-dynamics chart: specialisation (LQ, y, log scale) against growth (x), bubble size = employees.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.study.city_clusters.clusters` table: ``employees``, ``growth`` and either ``lq`` (a point) or
        ``lq_low``/``lq_high`` (a range, drawn as a vertical bar through the geometric mean). The ``n`` largest
        clusters are drawn; those without an LQ (outside the reference's scope) sit on a strip below the axis.

    Returns
    -------
    Axes
    """
    import numpy as np

    top = table[table["employees"].fillna(0) > 0].sort_values("employees", ascending=False).head(n)
    top = top[top["growth"].notna()]
    ranged = "lq" not in top
    if ranged:
        low, high = top["lq_low"], top["lq_high"]
        mid = np.sqrt(low * high)
    else:
        mid = top["lq"]
    has = mid.notna() & (mid > 0)
    x = 100 * top["growth"]
    size = 1800 * top["employees"] / top["employees"].max()
    if has.any():
        lo = float(np.nanmin(low[has] if ranged else mid[has]))
        hi = float(np.nanmax(high[has] if ranged else mid[has]))
    else:
        lo, hi = 0.5, 2.0
    floor = min(lo, 0.5) / 1.8  # the strip of clusters without an LQ
    y = mid.where(has, floor)
    colours = np.where(has, OKABE_ITO[4], "#BBBBBB")
    if ranged and has.any():
        ax.vlines(x[has], low[has], high[has], color=OKABE_ITO[4], lw=2.2, alpha=0.6, zorder=2)
    ax.scatter(x, y, s=size, c=list(colours), alpha=0.55, edgecolor="black", lw=0.7, zorder=3)
    ax.set_yscale("log")
    ax.set_ylim(floor / 1.5, max(hi, 2.0) * 1.5)
    ax.axhline(1.0, color="#555555", lw=1, ls="--", zorder=1)
    ax.axvline(0.0, color="#555555", lw=1, ls="--", zorder=1)
    ax.axhspan(floor / 1.5, floor * 1.35, color="#F2F2F2", zorder=0)
    ax.text(0.01, floor * 1.2, "no LQ: outside the reference's scope", transform=ax.get_yaxis_transform(),
            fontsize=10.5, color="#666666", va="bottom", path_effects=halo())
    place_labels(ax, list(zip(x, y)), [short_name(c, label_width) for c in top.index], fontsize=11,
                 obstacles=list(zip(x, y)))
    ax.set_xlabel("Growth of private employees over the period (%)")
    ax.set_ylabel("LQ against France (log scale)")
    if ranged:
        ax.text(0.01, 0.98, "bars: LQ range (France known by division only, business statistics)",
                transform=ax.transAxes, fontsize=10.5, color="#444444", va="top", path_effects=halo())
    return done(ax)


@styled
def city_region_bars(ax, table, n: int = 12, *, label_width: int = 30):
    """Shares of the city's largest clusters (class level) beside its NUTS2 region's (division level).

    ``table``: :func:`s3lib.study.city_region.city_against_region` table (``city_share``, ``region_share``,
    ``seen``). A cluster the region's statistics cannot see is marked "city data only"; a fragment is hatched.
    """
    import numpy as np

    top = table[table["city_employees"].fillna(0) > 0].head(n).iloc[::-1]
    yy = np.arange(len(top))
    ax.barh(yy + 0.2, 100 * top["city_share"], height=0.4, color=OKABE_ITO[4], label="city (URSSAF, classes)")
    region = 100 * top["region_share"].fillna(0)
    bars = ax.barh(yy - 0.2, region, height=0.4, color=OKABE_ITO[1], label="NUTS2 region (business statistics)")
    for bar, seen in zip(bars, top["seen"]):
        if seen == "region fragment":
            bar.set_hatch("//")
            bar.set_facecolor("white")
            bar.set_edgecolor(OKABE_ITO[1])
    for y_, (share, seen) in enumerate(zip(region, top["seen"])):
        if seen == "city only":
            ax.text(share + 0.05, y_ - 0.2, "city data only", va="center", fontsize=10.5, color="#444444")
    ax.set_yticks(yy, [short_name(c, label_width) for c in top.index])
    ax.set_xlabel("Share of the area's employment (%)")
    handles, labels = ax.get_legend_handles_labels()
    if (top["seen"] == "region fragment").any():  # say what a hatched bar means
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor="white", edgecolor=OKABE_ITO[1], hatch="//"))
        labels.append("region: a fragment (under half of the cluster observed)")
    ax.legend(handles, labels, loc="lower right", frameon=True, framealpha=0.9)
    return done(ax)
