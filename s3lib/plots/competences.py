"""Charts of competences (notebook 06 and the card of a German place): occupations by LQ, competence
clusters, change over time and occupation -> industry-cluster links. Each takes labelled pandas and an
``ax``, draws, and returns the ``ax``.

Occupations are what people do, not what their employer sells: every figure drawn from the
occupation space should carry :data:`SOURCE_OCCUPATIONS` (one country only). The tables come from
:mod:`s3lib.analyses.competences`.
"""
from __future__ import annotations

from s3lib.data.sources import SOURCE_BA
from s3lib.plots.style import (
    DIVERGING,
    OKABE_ITO,
    done,
    halo,
    lq_colorbar,
    lq_norm,
    short_name,
    styled,
)

__all__ = ["SOURCE_OCCUPATIONS", "bridge_heatmap", "change_scatter", "competence_clusters_chart", "occupation_bars"]

#: The source line of every occupation figure (the activity space's own line).
SOURCE_OCCUPATIONS = SOURCE_BA
#: Occupations labelled in a change chart need at least this many employees in the place.
MIN_EMPLOYEES = 1000


@styled
def occupation_bars(ax, table, n: int = 15, *, clusters=None, lq_max: float = 8.0, label_width: int = 40,
                    fontsize: float = 12.5, colorbar: bool = True, reference: str = "all districts"):
    """Horizontal bars of occupations: length = LQ (log scale), colour = LQ, label = employees.

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        ``occupation``, ``lq``, ``employees`` (and ``name``), in the order to show (first on top), e.g.
        :func:`s3lib.analyses.competences.competence_table`; the first ``n`` rows are drawn.
    clusters : Series, optional
        Competence cluster by occupation: its number is printed after the employees (``C1``).
    lq_max : float
        LQ where the colours saturate.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt
    import numpy as np

    top = table.head(n).iloc[::-1]
    y = np.arange(len(top))
    cmap, norm = plt.get_cmap(DIVERGING), lq_norm(lq_max)
    lq = top["lq"].astype(float)
    ax.barh(y, lq, color=cmap(norm(lq.clip(1 / lq_max, lq_max).to_numpy())), edgecolor="#333333", lw=0.6,
            height=0.72)
    ax.set_xscale("log")
    for yi, (_, row) in zip(y, top.iterrows()):
        tag = f"  {row['employees']:,.0f}"
        if clusters is not None and row["occupation"] in clusters.index:
            tag += f" · C{int(clusters[row['occupation']])}"
        ax.text(row["lq"], yi, tag, va="center", fontsize=fontsize - 1.5)
    labels = [f"{o} {short_name(str(nm), label_width)}" for o, nm in
              zip(top["occupation"], top["name"] if "name" in top else top["occupation"])]
    ax.set_yticks(y, labels, fontsize=fontsize)
    ax.axvline(1, color="#333333", lw=1, ls="--")
    ax.set_xlim(min(0.8, float(lq.min()) * 0.9), float(lq.max()) * 4)
    ax.set_xlabel(f"Location quotient (log scale; {reference} = 1); label: employees"
                  + (" · competence cluster" if clusters is not None else ""))
    if colorbar:
        lq_colorbar(ax.figure, ax, norm, label=f"LQ (log scale; {reference} = 1)")
    return done(ax)


@styled
def competence_clusters_chart(ax, profile, *, lq_max: float = 4.0, label_width: int = 58,
                              reference: str = "all districts"):
    """Competence clusters of a place: bars = employees (thousands), colour = LQ, label = LQ and size.

    ``profile`` is :func:`s3lib.measures.competences.cluster_profile` (index = cluster number;
    ``label, n, employees, lq``), drawn in its order (first on top).
    """
    import matplotlib.pyplot as plt
    import numpy as np

    top = profile.iloc[::-1]
    y = np.arange(len(top))
    cmap, norm = plt.get_cmap(DIVERGING), lq_norm(lq_max)
    values = top["employees"].astype(float) / 1000
    ax.barh(y, values, color=cmap(norm(top["lq"].clip(1 / lq_max, lq_max).to_numpy())), edgecolor="#333333",
            lw=0.6, height=0.72)
    for yi, v, (_, row) in zip(y, values, top.iterrows()):
        ax.text(v, yi, f"  LQ {row['lq']:.2f} · {int(row['n'])} occupations", va="center", fontsize=11.5)
    labels = [f"C{k} " + short_name(" · ".join(str(lbl).split("; ")[:2]), label_width, first_part=False)
              for k, lbl in zip(top.index, top["label"])]
    ax.set_yticks(y, labels, fontsize=11.5)
    ax.set_xlim(0, float(values.max()) * 1.6)
    ax.set_xlabel("Employees (thousands)")
    lq_colorbar(ax.figure, ax, norm, label=f"LQ (log scale; {reference} = 1)")
    return done(ax)


@styled
def change_scatter(ax, table, *, label: int = 6, min_employees: float = MIN_EMPLOYEES):
    """LQ in the base year (x) against the end year (y), log-log, one dot per occupation.

    ``table`` has ``lq0``, ``lq1``, ``employees1`` (dot size) and ``transition`` (``entry``, ``exit``,
    ``stay``, ``absent``; colours: entries blue, exits vermillion), with ``occupation`` (and ``name``);
    the ``label`` occupations with at least ``min_employees`` in the end year and the largest absolute
    change of log LQ are labelled, and every entry and exit.
    """
    import numpy as np

    from s3lib.plots.style import CHANGE_COLOURS, place_labels

    t = table.dropna(subset=["lq0", "lq1"])
    t = t[(t["lq0"] > 0) & (t["lq1"] > 0)]
    colour = t["transition"].map({**CHANGE_COLOURS, "stay": "#555555"}).fillna("#B0B0B0")
    size = 20 + 400 * np.sqrt(t["employees1"].fillna(0) / max(float(t["employees1"].max()), 1.0))
    ax.scatter(t["lq0"], t["lq1"], s=size, c=colour.to_list(), alpha=0.75, edgecolor="white", lw=0.5, zorder=3)
    lo, hi = float(min(t["lq0"].min(), t["lq1"].min())) * 0.8, float(max(t["lq0"].max(), t["lq1"].max())) * 1.25
    ax.plot([lo, hi], [lo, hi], color="#777777", lw=1, ls=":")
    ax.axvline(1, color="#BBBBBB", lw=1)
    ax.axhline(1, color="#BBBBBB", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    sizeable = t[t["employees1"] >= min_employees]
    moved = (np.log(sizeable["lq1"]) - np.log(sizeable["lq0"])).abs().sort_values(ascending=False).index[:label]
    moved = moved.union(t.index[t["transition"].isin(["entry", "exit"])], sort=False)
    names = t["name"] if "name" in t else t["occupation"]
    place_labels(ax, list(zip(t.loc[moved, "lq0"], t.loc[moved, "lq1"])),
                 [f"{o} {short_name(str(nm), 22)}" for o, nm in zip(t.loc[moved, "occupation"], names[moved])],
                 fontsize=11)
    for kind, c in (("entry", CHANGE_COLOURS["entry"]), ("exit", CHANGE_COLOURS["exit"]), ("stay", "#555555"),
                    ("absent", "#B0B0B0")):
        ax.scatter([], [], color=c, s=60, label=f"{kind} ({int((t['transition'] == kind).sum())})")
    ax.legend(loc="upper left", fontsize=11.5)
    ax.set_xlabel("LQ in the base year (log)")
    ax.set_ylabel("LQ in the end year (log)")
    return done(ax)


@styled
def bridge_heatmap(ax, links, linked, *, names=None, label_width: int = 34, empty: str = "nothing to show"):
    """Occupation (rows) x industry cluster (columns) link values; significant links (``linked``, a boolean
    frame of the same shape) marked ●.

    ``links`` is a slice of :func:`s3lib.measures.competences.association_links` (the place's bridging
    occupations x its present clusters); an empty slice draws ``empty`` instead.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if links.empty:
        ax.text(0.5, 0.5, empty, ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    values = links.to_numpy(dtype=float)
    im = ax.imshow(values, cmap="cividis", aspect="auto", vmin=np.nanmin(values), vmax=np.nanmax(values))
    marks = linked.reindex(index=links.index, columns=links.columns).fillna(False).to_numpy(dtype=bool)
    for i, j in zip(*np.nonzero(marks)):
        ax.text(j, i, "●", ha="center", va="center", fontsize=11, color=OKABE_ITO[1], path_effects=halo(2))
    rows = [f"{o} {short_name(str(names.get(o, o)) if names is not None else o, label_width)}" for o in links.index]
    ax.set_yticks(range(len(rows)), rows, fontsize=11)
    ax.set_xticks(range(links.shape[1]), [short_name(str(c), 24) for c in links.columns], rotation=35,
                  ha="right", fontsize=11)
    bar = plt.colorbar(im, ax=ax, shrink=0.8, pad=0.01)
    bar.set_label("association (1 = chance)")
    return done(ax)
