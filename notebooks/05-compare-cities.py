# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: s3lib
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   s3lib:
#     scope: suite
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 05 · The case places compared
#
# The same measures for every place, side by side, on the three pillars of the suite: cluster
# structure, specialised diversification, and intercluster links.

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
places: list = ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"]  # place keys or NUTS codes
year: int = 2014  # the common year of the comparison (2008-2015; 2014: the latest with local units for every country)
scheme: str = "uscmp"  # cluster scheme: "uscmp", "colocation" or a CSV/YAML mapping file
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
import math

from IPython.display import Image, Markdown, display

from s3lib import data, plots
from s3lib.config import SUITE_KEY
from s3lib.study import Study

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

study = Study("sbs", level=2, year=year, scheme=scheme)
VIEWS = [study.at(p) for p in places]
PLACES = [v.place for v in VIEWS]
T = study.table(PLACES)
WHO = f"{len(PLACES)} places"
SOURCES = [study.space.source, plots.SOURCE_USCMP if scheme == "uscmp" else f"Clusters: scheme {scheme}."]
NROWS = 1 if len(PLACES) <= 3 else 2
NCOLS = math.ceil(len(PLACES) / NROWS)
TITLE_WIDTH = 34 if NCOLS <= 3 else 22  # panel titles that fit beside each other
save = plots.saver(figures_dir, SUITE_KEY, "05")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary on the three pillars
#
# One row per place; every industry number is for the place's NUTS2 region (the business
# statistics stop there) in **one common year** (the `year` parameter, 2014 by default: the latest year
# with local units for every country), against all EU NUTS2 regions. The cards and the place notebooks show
# each place in its own latest full year (2015 where the country publishes local units for it), so a number
# here can differ from the card's; the year is in every title.
#
# - **Cluster structure**: business-economy employment (persons employed, observed divisions), the
#   leading cluster (most Cluster Observatory stars, then most employment, at least 0.5 % of the
#   region's employment) and its LQ, clusters with two or three stars, US CMP strong clusters.
# - **Specialised diversification**: Krugman specialisation coefficient
#   $\tfrac12\sum_i |s_{ri} - s_{EU,i}|$ (0 = EU structure), Herfindahl $\sum_i s_{ri}^2$ of the
#   divisions, related and unrelated variety (bits; EU percentile among the regions with at least half
#   of the divisions observed), and the rank on the **benefit axis** that passed the validity gate of
#   notebook 02 (the classic Economic Complexity Index fails it on these data and is not ranked here).
# - **Intercluster links**: how many of the related-cluster network's bridging clusters (top 10 %
#   by betweenness) the place hosts, and its most central present cluster.

# %% slideshow={"slide_type": "subslide"}
shown = T.assign(place=[v.label for v in VIEWS]).set_index("place")
columns = {"employment": "employment", "coverage": "divisions observed", "leading_cluster": "leading cluster",
           "leading_lq": "LQ", "n_starred": "2-3 stars", "n_strong": "strong", "krugman": "Krugman",
           "herfindahl": "Herfindahl", "related": "related var.", "related_pct": "pct", "unrelated": "unrelated var.",
           "unrelated_pct": "pct ", "benefit_rank": "benefit rank", "n_bridging": "bridging",
           "top_bridging": "most central present cluster"}
summary = shown[list(columns)].rename(columns=columns)
display(summary.style.format({"employment": "{:,.0f}", "divisions observed": "{:.0%}", "LQ": "{:.2f}",
                              "Krugman": "{:.3f}", "Herfindahl": "{:.3f}", "related var.": "{:.2f}",
                              "unrelated var.": "{:.2f}", "pct": "{:.0f}", "pct ": "{:.0f}",
                              "benefit rank": "{:.0f}"}, na_rep="none"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Reading the table:** the extremes among the places, computed from it.

# %% slideshow={"slide_type": "fragment"}
n = int(T["n_regions"].iloc[0])
most_spec, most_rel = T["krugman"].idxmax(), T["related"].idxmax()
axis = study.benefit  # the benefit axis that passed the validity gate (None: none passes)
ranked = T["benefit_rank"].dropna()
name = {p.key: p.name for p in PLACES}
display(Markdown(
    f"Among these places, {name[most_spec]} has the most specialised structure (Krugman {T.loc[most_spec, 'krugman']:.3f}), "
    f"{name[most_rel]} the highest related variety ({T.loc[most_rel, 'related']:.2f} bits, EU percentile "
    f"{T.loc[most_rel, 'related_pct']:.0f})"
    + (f", and {name[ranked.idxmin()]} the highest {axis.word} (rank {int(ranked.min())} of {n} NUTS2 regions). The "
       f"benefit axis is {axis.label}, the one that passes the validity gate of notebook 02; computed on the "
       "business-statistics divisions (no finance or public services). Read it as one view of the region's "
       "economy, not a verdict." if axis is not None and len(ranked) else
       ". No benefit axis passes the validity gate in this year: no place is ranked.")))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Top specialised clusters, place by place
#
# For each place, the five clusters with the highest LQ among those holding at least 0.5 % of the
# region's employment and not partial (so that a 3-star niche of a few hundred jobs or a
# fragment does not dominate). Bars are LQ against all EU NUTS2 regions; colour is the same LQ;
# stars follow the LQ.

# %% slideshow={"slide_type": "subslide"}
fig, axes = plots.figure(NROWS, NCOLS, squeeze=False)
for ax, v in zip(axes.flat, VIEWS):
    plots.cluster_bars(ax, v.eligible, n=5, value="lq", colorbar=False,  # clusters that can lead, by LQ
                       label_width=22, fontsize=11, wrap=True, title=v.short_label, xlabel="LQ (EU NUTS2 = 1)")
for ax in list(axes.flat)[len(PLACES):]:
    ax.set_visible(False)
plots.annotate(fig, "Top five specialised clusters", place=WHO, level="NUTS2", year=year, source=SOURCES)
display(Image(save(fig, "top-clusters")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Reading the panels:** specialisations the places share.

# %% slideshow={"slide_type": "fragment"}
shared = {}
for v in VIEWS:
    for c in v.eligible.loc[v.eligible["lq"] >= 1, "cluster"]:
        shared.setdefault(c, []).append(name[v.place.key])
common = sorted(((c, k) for c, k in shared.items() if len(k) >= 3), key=lambda x: (-len(x[1]), x[0]))[:3]
display(Markdown(
    "Specialisations (LQ ≥ 1) shared by three or more places: "
    + ("; ".join(f"{c} ({', '.join(k)})" for c, k in common) if common else "none")
    + ". The US Cluster Mapping scheme is carried to NACE by s3lib (derived): a cluster spread over several "
      "divisions by the principal-activity rule appears only in part (the caveats below name such cases)."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Related and unrelated variety
#
# Frenken, Van Oort & Verburg (2007): with division shares $p_i$ and section shares $P_g$,
# unrelated variety $UV = \sum_g P_g \log_2(1/P_g)$ measures spread across sections, related variety
# $RV = \sum_g P_g H_g$ the spread within them ($H_g$ the entropy of the divisions of section $g$).
# Grey dots are all EU NUTS2 regions; grey diagonals mark equal total variety $UV + RV$.

# %% slideshow={"slide_type": "subslide"}
fig, ax = plots.figure()
plots.variety_places(ax, study.structure, {v.region: v.short_label for v in VIEWS})
plots.annotate(fig, "Related vs unrelated variety", place=WHO, level="NUTS2", year=year, source=[plots.SOURCE_SBS])
display(Image(save(fig, "variety")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Reading the chart:** the places ranked by related variety.

# %% slideshow={"slide_type": "fragment"}
rel = T.sort_values("related", ascending=False)
display(Markdown(
    "Related variety, highest first: " + ", ".join(f"{name[k]} {r.related:.2f} (pct {r.related_pct:.0f})"
                                                  for k, r in rel.iterrows())
    + ". Shares are over each region's observed divisions; finance and public services are not in the data, so "
      "service-heavy regions lose part of their variety."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The leading cluster of each place on the map
#
# Each panel shows the place's country (mainland NUTS2 regions) coloured by the LQ of the place's
# own leading cluster (log scale, centred at 1, same colours in every panel); the place's NUTS2
# region is outlined and the city marked. Hatched grey: none of the cluster's industries observed;
# pale grey: countries outside the business statistics.

# %% slideshow={"slide_type": "subslide"}
regions2 = data.geometries(2)
centres = plots.label_points(regions2, list(regions2["code"]))
x0, x1, y0, y1 = plots.EUROPE_EXTENT
mainland = set(centres.loc[centres.geometry.x.between(x0, x1) & centres.geometry.y.between(y0, y1), "code"])
cities = plots.label_points(data.geometries(3), [p.code for p in PLACES], [p.city or p.name for p in PLACES])
fig, axes = plots.figure(NROWS, NCOLS, squeeze=False)
for ax, v, (_, row) in zip(axes.flat, VIEWS, T.iterrows()):
    lead, p = row["leading_cluster"], v.place
    country = [c for c in regions2.loc[regions2["country"] == p.country, "code"] if c in mainland]
    plots.cluster_map(ax, regions2, study.cluster_lq[lead], highlight=[v.region],
                      points=cities[cities["code"] == p.code], colorbar=False,
                      extent=plots.extent_of(regions2, country, pad=0.05, aspect=1.3))
    if ax.get_legend():
        ax.get_legend().remove()
    ax.set_title(f"{v.short_label}\n{plots.short_name(lead, TITLE_WIDTH)}, LQ {row['leading_lq']:.1f}",
                 fontsize=12.5 if NCOLS <= 3 else 11, loc="left")
for ax in list(axes.flat)[len(PLACES):]:
    ax.set_visible(False)
plots.lq_colorbar(fig, axes, plots.lq_norm(4), label="LQ of the place's leading cluster (log scale)")
plots.annotate(fig, "Leading clusters by region", place=WHO, level="NUTS2", year=year,
               source=SOURCES + [plots.SOURCE_GISCO])
fig.get_layout_engine().set(rect=(0, 0.095, 1, 0.92))  # room for the two-line panel titles under the title
display(Image(save(fig, "leading-cluster-maps")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Reading the maps:** each region's rank in its own leading cluster within its country.

# %% slideshow={"slide_type": "fragment"}
ranks = []
for v, (_, row) in zip(VIEWS, T.iterrows()):
    p, col = v.place, study.cluster_lq[row["leading_cluster"]]
    same = col[[c for c in col.index if c.startswith(p.country)]].dropna()
    ranks.append(f"{p.name}: {row['leading_cluster']} ranks {int((same > same[v.region]).sum()) + 1} of {len(same)} "
                 f"{p.country} regions")
display(Markdown("; ".join(ranks) + "."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Caveats
#
# - The business statistics have no finance (K), agriculture (A) or public and personal services
#   (O-U): a financial centre is invisible here (see notebook 01's broad-sector chart).
# - Missing cells are confidential or unpublished, not zero; coverage differs between places
#   (notebook 00).

# %% slideshow={"slide_type": "fragment"}
display(Markdown("\n".join(
    ["- All industry figures are for NUTS2 regions, which are larger than the cities: "
     + "; ".join(f"{v.region_name} ({v.region}) for {v.place.name}" for v in VIEWS) + "."]
    + [f"- {v.place.name}: {c}" for v in VIEWS for c in v.caveats])))
