"""Charts of specialised diversification (notebook 02 and the comparison): variety, opportunities,
entries and exits, the principle of relatedness. Each takes labelled pandas and an ``ax``, draws,
and returns the ``ax``."""
from __future__ import annotations

from s3lib.plots.style import (
    CHANGE_COLOURS,
    OKABE_ITO,
    QUADRANT_COLOURS,
    done,
    halo,
    place_labels,
    styled,
)

__all__ = ["change_bars", "entry_rate_bars", "opportunity_chart", "variety_places", "variety_scatter"]


@styled
def variety_scatter(ax, table, highlight: str, group=(), *, label: str | None = None,
                    group_label: str = "same country"):
    """Related (y) against unrelated (x) variety for all regions, one region highlighted.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        Index = region codes; columns ``related`` and ``unrelated`` (bits), e.g.
        :func:`s3lib.measures.variety.decompose`. Diagonal guides mark equal total variety
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
                fontsize=15, fontweight="bold", path_effects=halo(4), zorder=6)
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
    return done(ax)


@styled
def opportunity_chart(ax, table, present=None, labels=None, medians: dict | None = None,
                      benefit_label: str = "benefit"):
    """The Balland et al. (2019) frame: candidates by relatedness density (x) and a benefit score (y).

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        The new paths of :meth:`s3lib.study.Study.candidates`: index = industry; columns ``density``,
        ``benefit``, ``quadrant``.
    present : DataFrame, optional
        ``density`` and ``benefit`` of the industries the region already has, drawn as grey crosses.
    labels : mapping, optional
        Industry -> label text for the points to label (e.g. the best candidates).
    medians : dict, optional
        The quadrant splits (dashed lines): ``density_median`` and ``benefit_median`` (the ``params`` of the
        candidates' result).
    benefit_label : str
        What the y axis is (the chosen benefit axis, e.g. "wage level (log, z)").

    Returns
    -------
    Axes
    """
    if present is not None and len(present):
        ax.scatter(present["density"], present["benefit"], marker="x", s=45, color="#A0A0A0", lw=1.5,
                   label=f"already specialised ({len(present)})", zorder=2)
    for quadrant, colour in QUADRANT_COLOURS.items():
        part = table[table["quadrant"] == quadrant]
        if len(part):
            ax.scatter(part["density"], part["benefit"], s=90 if quadrant == "low risk, high benefit" else 60,
                       color=colour, edgecolor="white", lw=0.6, label=f"{quadrant} ({len(part)})", zorder=3)
    d_med, b_med = (medians or {}).get("density_median"), (medians or {}).get("benefit_median")
    if d_med is not None:
        ax.axvline(d_med, color="#555555", ls="--", lw=1.3, zorder=1)
        ax.annotate(f"median density {d_med:.2f}", (d_med, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", va="top", fontsize=11, color="#555555")
    if b_med is not None and b_med == b_med:
        ax.axhline(b_med, color="#555555", ls="--", lw=1.3, zorder=1)
        ax.annotate(f"median {b_med:.2f}", (0, b_med), xycoords=("axes fraction", "data"),
                    xytext=(4, 4), textcoords="offset points", fontsize=11, color="#555555")
    ax.set_xlabel("Relatedness density (share of related industries already specialised, 0-1)")
    ax.set_ylabel(benefit_label[:1].upper() + benefit_label[1:])
    ax.margins(0.08)
    if labels:
        keep = [k for k in labels if k in table.index]
        dots = list(zip(table["density"], table["benefit"]))
        if present is not None:
            dots += list(zip(present["density"], present["benefit"]))
        place_labels(ax, list(zip(table.loc[keep, "density"], table.loc[keep, "benefit"])),
                      [labels[k] for k in keep], obstacles=dots)
    ax.legend(loc="best", frameon=True, framealpha=0.9, fontsize=11.5)
    return done(ax)


@styled
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
        return done(ax)
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
    return done(ax)


@styled
def entry_rate_bars(ax, table, overall: float | None = None, highlight_label: str | None = None):
    """Entry rate by first-year relatedness-density bin (the principle of relatedness).

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        The table of :func:`s3lib.measures.opportunities.entry_rates`: one row per bin with
        ``density_min``, ``density_max``, ``at_risk``, ``entries``, ``entry_rate``, and, for one region,
        ``own_at_risk`` and ``own_entries``: its entry rate is drawn as a diamond labelled "entries/at risk".
    overall : float, optional
        Overall entry rate, drawn as a dashed line.
    highlight_label : str, optional
        Legend entry of the region's diamonds (default "region").

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
    if "own_at_risk" in table.columns:
        risk = table["own_at_risk"].fillna(0).to_numpy(dtype=float)
        hit = table["own_entries"].fillna(0).to_numpy(dtype=float)
        ok = risk > 0
        hr = np.where(ok, hit / np.where(ok, risk, 1) * 100, np.nan)
        ax.scatter(x[ok] + 0.45, hr[ok], marker="D", s=110, color=OKABE_ITO[1], edgecolor="black", lw=1.2,
                   zorder=4, label=highlight_label or "region")
        for xi, r, e, n in zip(x[ok], hr[ok], hit[ok], risk[ok]):
            ax.annotate(f"{int(e)}/{int(n)}", (xi + 0.45, r), xytext=(9, 0), textcoords="offset points",
                        va="center", fontsize=11, path_effects=halo(), zorder=5)
        if ok.any():
            top = max(top, np.nanmax(hr))
        ax.legend(loc="upper left")
    ax.set_ylim(0, top * 1.3)
    ax.set_xlabel("Relatedness-density bin in the first year (range of density)")
    ax.set_ylabel("Entry rate (% of cells at risk)")
    return done(ax)


@styled
def variety_places(ax, table, places):
    """Related (y) against unrelated (x) variety of all regions, several places marked and labelled.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        Index = region codes; ``related``, ``unrelated`` (bits, :func:`s3lib.measures.variety.decompose`).
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
    place_labels(ax, [(table.loc[c, "unrelated"], table.loc[c, "related"]) for c in marked],
                  [places[c] for c in marked], fontsize=13, fontweight="bold")
    ax.set_xlabel("Unrelated variety (bits, between NACE sections)")
    ax.set_ylabel("Related variety (bits, within sections)")
    ax.legend(loc="lower left", frameon=True, framealpha=0.9, fontsize=11.5)
    return ax
