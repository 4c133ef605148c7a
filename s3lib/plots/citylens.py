"""Charts of the city lens (notebook 07): declared clusters against measured, the three-way match, urban
character. Each takes a table of :mod:`s3lib.analyses.citylens` and an ``ax``, draws, and returns the ``ax``."""
from __future__ import annotations

import numpy as np

from s3lib.plots.style import OKABE_ITO, short_name, styled, thousands

__all__ = ["VERDICT_COLOURS", "declared_bars", "three_way_grid", "urban_bars"]

VERDICT_COLOURS = {
    "visible and specialised": OKABE_ITO[2],
    "visible, not specialised": OKABE_ITO[1],
    "not measurable at this resolution": "#bbbbbb",
    "not measurable in these statistics": "#eeeeee",
}


@styled
def declared_bars(ax, declared, *, label_width: int = 34):
    """One bar per declared cluster: its LQ at NUTS2 (log scale, line at 1), coloured by verdict.

    A cluster the statistics cannot measure (outside them, or finer than its divisions) has no bar and no
    number, only its verdict. Each bar carries the employment.
    """
    d = declared.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(d))
    lq = d["lq"].astype(float)
    finite = lq[np.isfinite(lq) & (lq > 0)]
    lo = min(0.1, float(finite.min()) * 0.8) if len(finite) else 0.1
    hi = max(4.0, float(finite.max()) * 1.3) if len(finite) else 4.0
    for i, r in d.iterrows():
        colour = VERDICT_COLOURS.get(r["verdict"], "#cccccc")
        if np.isfinite(r["lq"]) and r["lq"] > 0:
            ax.barh(i, r["lq"] - lo, left=lo, color=colour, edgecolor="#555555")
            ax.text(max(r["lq"], lo) * 1.05, i, thousands(r["employment"]) + " jobs", va="center", fontsize=11)
        else:
            ax.text(lo * 1.1, i, str(r["verdict"]), va="center", fontsize=11, style="italic")
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8) if lo <= t <= hi]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.axvline(1, color="#333333", lw=1.2, ls="--")
    labels = [short_name(f"{r['cluster']}" + (f" [{r['tier']}]" if r.get("tier") else ""), label_width, first_part=False)
              for _, r in d.iterrows()]
    ax.set_yticks(y, labels)
    ax.set_xlabel("location quotient of the cluster's divisions (log scale; 1 = EU average)")
    from matplotlib.patches import Patch

    present = set(d["verdict"])
    handles = [Patch(facecolor=c, edgecolor="#555555", label=v) for v, c in VERDICT_COLOURS.items() if v in present]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10, frameon=False)
    return ax


@styled
def three_way_grid(ax, three_way, *, label_width: int = 30):
    """Declared clusters (rows) x RIS3 rows (columns): filled = they share a measurable division, open = they
    share only divisions outside the statistics; a last column marks clusters with no RIS3 home, a last row
    the priorities with no city cluster."""
    t = three_way
    clusters = list(dict.fromkeys(t["cluster"].dropna()))
    prios = list(dict.fromkeys(t["priority"].dropna()))
    cols = prios + ["no RIS3 home"]
    rows = clusters + ["no city cluster"]
    for r in t.itertuples():
        if r.match.startswith("both"):
            x, y = cols.index(r.priority), rows.index(r.cluster)
            filled = r.match == "both, measurable"
            ax.scatter(x, y, s=260, color=OKABE_ITO[0] if filled else "white", edgecolor=OKABE_ITO[0], lw=2)
            if filled and np.isfinite(r.lq):
                ax.text(x + 0.18, y, f"LQ {r.lq:.2f}", va="center", fontsize=10)
        elif r.match == "cluster without RIS3 home":
            ax.scatter(len(cols) - 1, rows.index(r.cluster), marker="x", s=200, color=OKABE_ITO[5])
        else:
            ax.scatter(cols.index(r.priority), len(rows) - 1, marker="x", s=200, color=OKABE_ITO[5])
    ax.set_xticks(range(len(cols)), [short_name(c, 22) for c in cols], fontsize=11, rotation=35, ha="right")
    ax.set_yticks(range(len(rows)), [short_name(r, label_width, first_part=False) for r in rows], fontsize=11)
    ax.set_xlim(-0.5, len(cols) - 0.3)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(True, color="#dddddd", lw=0.8)
    ax.set_axisbelow(True)
    return ax


@styled
def urban_bars(ax, urban):
    """Urban character per broad sector (line at 1 = as concentrated in the city as all the region's jobs)."""
    u = urban.reset_index(drop=True)
    ax.bar(u["sector"], u["urban_character"], color=OKABE_ITO[0])
    for i, r in u.iterrows():
        ax.text(i, r["urban_character"] * 1.02, f"{r['urban_character']:.2f}\n{r['city_share']:.0%} of region",
                ha="center", va="bottom", fontsize=11)
    ax.axhline(1, color="#333333", lw=1.2, ls="--")
    ax.set_ylabel("city share of the sector / city share of all jobs")
    ax.set_ylim(0, max(2.0, float(u["urban_character"].max()) * 1.3))
    return ax
