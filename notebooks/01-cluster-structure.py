# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 01 · Cluster structure
#
# Which traded clusters does the place host, how large and how specialised are they against the
# EU, and how does the city's economy compare with its region, its NUTS1 and its country?

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
place: str = "frankfurt"  # case place key, or any NUTS2/NUTS3 code or region name
year: int = 0  # analysis year (2008-2015); 0: the place's latest full year (as on its card)
scheme: str = "uscmp"  # cluster scheme: "uscmp", "colocation" or a CSV/YAML mapping file
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
from IPython.display import Image, Markdown, display

from s3lib import data, plots
from s3lib.analyses import sectors
from s3lib.study import Study, place_year

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

year, year_note = place_year(place, year)  # one year per place: the card, the explorer and this notebook agree
study = Study("sbs", level=2, year=year, scheme=scheme)  # the EU-wide state, computed once
V = study.at(place)  # this place: its NUTS2 region's clusters, structure and notes
P, summary = V.place, V.summary
LABEL = V.label  # industry figures are for the NUTS2 region
SOURCES = [study.space.source, plots.SOURCE_USCMP if summary.scheme == "uscmp" else f"Clusters: scheme {summary.scheme}."]
save = plots.saver(figures_dir, place, "01")
display(Markdown(f"**{P.name} ({P.code})**, NUTS2 region {V.region} {V.region_name}, NUTS1 {P.nuts1} "
                 f"{V.name_of(P.nuts1)}; {year_note}; cluster scheme `{summary.scheme}`.\n\n"
                 + "\n".join(f"- {note}" for note in V.notes)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The cluster portfolio
#
# Employment by NACE division $x_{ri}$ (persons employed, business statistics) is carried to
# clusters with the scheme's weights, $E_{rc} = \sum_i w_{ic} x_{ri}$. The location quotient
# compares the cluster's share of the region's employment with its share in all EU NUTS2 regions,
# $LQ_{rc} = (E_{rc}/T_r)/(E_{\cdot c}/T_{\cdot\cdot})$. The European Cluster Observatory gives up
# to three **stars**: size (top 10 % of regions by cluster employment), specialisation
# ($LQ \ge 2$) and focus (top 10 % by the cluster's share of regional employment). A US Cluster
# Mapping **strong** cluster has an LQ in the top quartile, $LQ \ge 1$, and employment and
# establishments above the lower quartile. `coverage` is the observed share of the cluster's
# industries; below 50 % the row is **partial** (a fragment: e.g. Financial Services, whose core
# NACE K is not in the business statistics).
#
# Two things the data force on every number here. (1) The statistics stop at NACE divisions while
# the clusters are defined on finer codes, so a division shared by several clusters is
# **apportioned** by its classes ($w_{ic}$ = share of the division's classes in the cluster). Each
# cluster therefore gets a **lower** value (apportioned) and an **upper** one (every division it
# touches, whole); a cluster whose apportioned value is below half of its whole-division value is
# flagged `rests_on_apportioning`. (2) **Confidential cells are estimated** from the NUTS1 or
# national value of the same division (the residual shared by each region's unexplained employment
# in the section); `estimated` is the share of the cluster's employment that comes from such
# estimates. Where local units are not published for the country and year (France, Italy and
# Romania in 2015), `strong` is *unknown*, not "no".

# %% slideshow={"slide_type": "subslide"}
pf = V.portfolio
shown = pf[["cluster", "employment", "lower", "upper", "rests_on_apportioning", "estimated", "share", "lq", "stars",
            "strong", "coverage", "partial"]].head(15)
display(shown.set_index("cluster").style.format({"employment": "{:,.0f}", "lower": "{:,.0f}", "upper": "{:,.0f}",
                                                  "estimated": "{:.0%}", "share": "{:.1%}", "lq": "{:.2f}",
                                                  "stars": "{:.0f}", "coverage": "{:.0%}"}, na_rep="unknown"))
lead = summary.leading_cluster
flagged = pf[pf["rests_on_apportioning"]]
strong_text = ("strong clusters are unknown this year (no local units published)" if summary.n_strong is None
               else f"{summary.n_strong} are strong clusters")
display(Markdown(
    f"{V.region_name} ({V.region}) has employment observed in {summary.n_clusters} traded clusters in {year}; "
    f"{summary.n_starred} have two or three stars and {strong_text}. The largest is "
    f"**{pf['cluster'].iloc[0]}** ({pf['employment'].iloc[0]:,.0f} persons employed, LQ {pf['lq'].iloc[0]:.2f}); "
    f"the leading cluster (most stars, then most employment, at least 0.5 % of the region's employment and not "
    f"partial) is **{lead}** (LQ {summary.leading_lq:.2f}). Rows marked partial are fragments: "
    f"{', '.join(pf.loc[pf['partial'], 'cluster'].head(5)) or 'none'}. {len(flagged)} of the {len(pf)} clusters "
    f"rest mostly on apportioning, e.g. "
    + "; ".join(f"{r.cluster} {r.lower:,.0f} to {r.upper:,.0f}" for r in flagged.head(3).itertuples())
    + f". {summary.n_estimated} of the region's divisions are estimated confidential cells."))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What these statistics cannot see
#
# A cluster whose industries lie mostly outside the business statistics (finance and insurance K,
# health and social services Q, culture R, public administration O) cannot be measured here, however
# large it is in the city: `outside` is the share of its industry weight on codes the statistics do
# not cover, `missing_here` the share on cells that are confidential or unpublished in this region.

# %% slideshow={"slide_type": "fragment"}
unseen = V.unobserved
display(unseen.set_index("cluster").style.format({"unobserved": "{:.0%}", "outside": "{:.0%}",
                                                   "missing_here": "{:.0%}", "employment": "{:,.0f}"}, na_rep="-"))
display(Markdown(f"{len(unseen)} clusters are at least half unobserved in {V.region_name}: "
                 + ", ".join(unseen["cluster"].head(8)) + "."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Top specialisations by industry
#
# The same LQ for single NACE divisions, $LQ_{ri} = (x_{ri}/x_{r\cdot})/(x_{\cdot i}/x_{\cdot\cdot})$
# against all EU NUTS2 regions, listing only divisions with at least 1,000 persons employed in
# the region (tiny divisions produce large but meaningless LQs).

# %% slideshow={"slide_type": "subslide"}
spec = V.specialisations.head(10)
display(spec.set_index("nace").style.format({"employment": "{:,.0f}", "share": "{:.1%}", "lq": "{:.2f}"}))
top = spec.iloc[0]
display(Markdown(
    f"The most specialised division with meaningful employment is {top['nace']} {top['name']} "
    f"(LQ {top['lq']:.2f}, {top['employment']:,.0f} persons employed); {int((V.specialisations['lq'] >= 2).sum())} "
    f"divisions have an LQ of 2 or more."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The largest clusters
#
# Bars give cluster employment (thousands of persons employed); the colour is the LQ on a log
# scale centred at the EU average (purple = specialised, orange = under-represented); stars are
# printed after the LQ. Hatched bars are partial clusters.

# %% slideshow={"slide_type": "subslide"}
fig, ax = plots.figure()
plots.cluster_bars(ax, pf, n=12, label_width=42)
plots.annotate(fig, "Largest traded clusters", place=LABEL, level="NUTS2", year=year, source=SOURCES)
display(Image(save(fig, "cluster-bars")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** how much of the region's employment the largest clusters hold.

# %% slideshow={"slide_type": "fragment"}
top12 = pf.head(12)
display(Markdown(
    f"Of the 12 largest clusters, {int((top12['lq'] >= 1).sum())} are more concentrated in {V.region_name} than in "
    f"the EU (LQ ≥ 1). Together they employ {top12['employment'].sum():,.0f} people, "
    f"{top12['employment'].sum() / summary.employment:.0%} of the region's observed business-economy employment."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The leading cluster across Europe
#
# Where else is the leading cluster concentrated? The map colours every EU NUTS2 region by its LQ
# in that cluster (log scale, centred at 1); the place's NUTS2 region is outlined in black and the
# city marked. Grey hatched regions have none of the cluster's industries observed.

# %% slideshow={"slide_type": "subslide"}
lead_lq = study.cluster_lq[lead]
city = plots.label_points(data.geometries(3), [P.code], [P.name]) if P.level == 3 else None
fig, ax = plots.figure()
plots.cluster_map(ax, data.geometries(2), lead_lq, label=f"LQ of {plots.short_name(lead, 34)} (log scale)",
                  highlight=[V.region], points=city)
plots.annotate(fig, f"LQ of {plots.short_name(lead, 34)}", place=LABEL, level="NUTS2", year=year,
               source=SOURCES + [plots.SOURCE_GISCO])
display(Image(save(fig, "leading-cluster-map")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** where the region stands among all EU NUTS2 regions in its leading cluster.

# %% slideshow={"slide_type": "fragment"}
ranked = lead_lq.dropna().sort_values(ascending=False)
rank = int((ranked > ranked[V.region]).sum()) + 1
peers = ", ".join(f"{code} {V.name_of(code)} ({value:.1f})" for code, value in ranked.head(3).items())
display(Markdown(f"{V.region_name} ranks {rank} of {len(ranked)} NUTS2 regions by LQ in {lead}; the highest LQs "
                 f"are {peers}."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The city against its region, NUTS1 and country
#
# The business statistics stop at NUTS2 and leave out finance. The regional accounts
# (`nama_10r_3empers`) give employment in ten broad sectors (A*10), including finance (K), down
# to NUTS3 for some regions. The chart compares the sector shares $x_{rk}/x_{r,\text{TOTAL}}$ of
# the city (NUTS3), its NUTS2 and NUTS1 regions and the country; where the city has only the
# coarse sectors (G-J, K-N, O-U) a second panel compares all levels on those.

# %% slideshow={"slide_type": "subslide"}
shares = V.sectors()  # broad sectors of the city, its NUTS2, NUTS1 and country
panels = sectors.panels(shares)
regions = shares.params["regions"]
fig, axes = plots.figure(1, len(panels), width_ratios=[len(p) for p in panels], squeeze=False)
colours = {"NUTS3": plots.OKABE_ITO[1], "NUTS2": plots.OKABE_ITO[0], "NUTS1": plots.OKABE_ITO[2],
           "country": "#7F7F7F"}
for ax, panel in zip(axes[0], panels):
    pretty = panel.rename(columns=lambda c: f"{c} {plots.short_name(V.name_of(c) or '', 18)} ({regions[c]})")
    plots.grouped_bars(ax, pretty, colours=[colours[regions[c]] for c in panel.columns],
                       unit="% of employment" if shares.params["source"] == "nama" else "% of business-economy employment",
                       label_width=22, legend={"fontsize": 11.5, "loc": "best"})
source = plots.SOURCE_NAMA if shares.params["source"] == "nama" else plots.SOURCE_SBS
levels_shown = "NUTS" + "/".join(lvl.replace("country", "NUTS0")[-1] for lvl in dict.fromkeys(regions.values()))
plots.annotate(fig, "Employment by broad sector", place=f"{P.name} ({next(iter(regions))})",
               level=levels_shown, year=year, source=[source])
display(Image(save(fig, "sectors-city-region")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** the largest differences from the country, and what the data leave out.

# %% slideshow={"slide_type": "fragment"}
notes = [f"- {n}" for n in shares.notes]
first = panels[0]
own = first.columns[0]
country = P.country if P.country in first.columns else first.columns[-1]
gap = (first[own] - first[country]).sort_values()
text = (f"Compared with {country}, {own} ({regions[own]}) has its largest surplus share in "
        f"{gap.index[-1]} {plots.SECTOR_LABELS.get(gap.index[-1], '')} ({gap.iloc[-1] * 100:+.1f} points) and its largest "
        f"deficit in {gap.index[0]} {plots.SECTOR_LABELS.get(gap.index[0], '')} ({gap.iloc[0] * 100:+.1f} points).")
if "K" in first.index:
    text += f" Finance and insurance (K): {first.loc['K', own]:.1%} of employment against {first.loc['K', country]:.1%} nationally."
if len(panels) > 1 and P.code in panels[1].columns and "K-N" in panels[1].index:
    coarse = panels[1]
    text += (f" The city itself ({P.code}, NUTS3) has {coarse.loc['K-N', P.code]:.1%} of its employment in K-N "
             f"(finance to business services) against {coarse.loc['K-N', P.nuts2]:.1%} in {P.nuts2} and "
             f"{coarse.loc['K-N', P.country]:.1%} nationally.")
display(Markdown(text + "\n\n" + "\n".join(notes)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The city at its own scale: class-level clusters from the city's own data
#
# Everything above is the NUTS2 region, by NACE division, up to 2015. For a French city whose private employment
# by commune and activity class is in the snapshot (URSSAF; the bundled data hold the Métropole Rouen Normandie,
# `s3lib data fetch urssaf --territory ...` adds any other), the clusters are read on NACE classes for the
# intercommunality the city belongs to: no division is apportioned, so a cluster is a point wherever the US CMP
# carry-over does not itself split its classes. Its LQ is taken against France, never against the data's own
# territory: against France's private employees by APE code when that national table is fetched (a point),
# otherwise against France's persons employed by division in the business statistics (a range, and none for a
# cluster partly outside them). The two sources differ in concept (private employees against persons employed),
# year and territory: compare shares, LQs and what each can see, not sizes. Other places skip this section.

# %% slideshow={"slide_type": "subslide"}
from s3lib.data.urssaf import COUNTRY as CITY_DATA_COUNTRY
from s3lib.errors import UsageError
from s3lib.plots.city import city_region_bars, cluster_dynamics
from s3lib.study.city import city
from s3lib.study.city_region import city_against_region, revealed

C = None
if P.country != CITY_DATA_COUNTRY:
    display(Markdown(f"No city-level industry data for {P.name}: the city data of the snapshot (URSSAF) are French."))
else:
    try:
        C = city(P.city or P.name)  # a commune's name reaches its intercommunality, with a note
    except UsageError as err:
        display(Markdown(f"No city-level industry data for {P.name} in this snapshot: {err}"))
if C is not None:
    against = city_against_region(place, year=year, city_view=C, region_view=V)
    fig, ax = plots.figure()
    city_region_bars(ax, against.table)
    plots.annotate(fig, "The city against its region", place=f"{C.territory.name} and {V.region_name} ({V.region})",
                   level="MIXED (EPCI and NUTS2)", year=f"{C.year} and {year}", source=[C.source, study.space.source])
    display(Image(save(fig, "city-against-region")))
    columns = {"city_employees": "{:,.0f}", "city_share": "{:.1%}", "city_growth": "{:+.0%}",
               "region_employees": "{:,.0f}", "region_share": "{:.1%}", "region_lq": "{:.2f}"}
    display(against.table.head(15)[[*columns, "seen"]].style.format(columns, na_rep="–"))
    display(Markdown("\n".join(f"- {n}" for n in against.notes)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What only the city data reveal.** The business statistics have no division in finance and insurance (K),
# health and social work (Q), education (P) or the other services (O-U but S95); the city data do. The largest
# classes of the city outside them, with their growth:

# %% slideshow={"slide_type": "-"}
if C is not None:
    R = revealed(C)
    shown = R.table.rename(columns={"lq_reference": "LQ reference"})
    display(shown[["name", "employees", "share", "growth", "LQ reference"]].style.format(
        {"employees": "{:,.0f}", "share": "{:.1%}", "growth": "{:+.0%}"}, na_rep="–"))
    only = against.table.index[against.table["seen"] == "city only"].tolist()
    top = R.table.head(3)
    display(Markdown(
        f"**For {C.territory.name}:** {R.params['share_outside']:.0%} of the private employees of {C.year} work in "
        f"classes the business statistics do not cover; the largest are "
        + ", ".join(f"{row.name} ({row.employees:,.0f}, {row.growth:+.0%} since {C.base_year})"
                    for row in top.itertuples())
        + (f". Clusters only the city data see: {', '.join(only)}." if only else ".")
        + "\n\n" + "\n".join(f"- {n}" for n in R.notes)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Cluster dynamics.** The chart practitioners expect: each cluster's specialisation (LQ against France, y, log
# scale) against its growth over the period (x), bubble size its employment. Above the dashed line the city is
# specialised; right of it the cluster grew. A vertical bar is the LQ range where France is known by division only.

# %% slideshow={"slide_type": "-"}
if C is not None:
    CL = C.clusters()
    fig, ax = plots.figure()
    cluster_dynamics(ax, CL.table)
    plots.annotate(fig, "Cluster dynamics: specialisation against growth", place=C.territory.label, level="EPCI",
                   year=f"{C.base_year}-{C.year}",
                   source=[C.source, "Clusters: US Cluster Mapping carried to NACE classes by s3lib (derived). "
                           + CL.params["reference"] + "."])
    display(Image(save(fig, "city-cluster-dynamics")))
    lq_columns = [c for c in ("lq", "lq_low", "lq_high") if c in CL.table]
    formats = {"employees": "{:,.0f}", "share": "{:.1%}", "growth": "{:+.0%}", **{c: "{:.2f}" for c in lq_columns}}
    star = CL.table["specialisation_star"].map({True: "yes", False: "no"}).fillna("unknown")
    display(CL.table.assign(specialisation_star=star).head(12)[["employees", "point", "share", "growth", *lq_columns,
                                                                 "specialisation_star"]].style.format(formats, na_rep="–"))
    display(Markdown("\n".join(f"- {n}" for n in CL.notes[2:])))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Caveats
#
# - Finance (K), agriculture (A) and public and personal services (O-U) are not in the business
#   statistics; only the broad-sector chart shows them.
# - Missing cells are confidential or unpublished, not zero: a cluster's employment is a lower
#   bound when one of its industries is missing (see `coverage`).
# - Local units are classified by their principal activity, so a cluster whose firms machine parts,
#   make electronics or repair equipment for it is partly counted in other divisions.
# - The NACE to cluster weights of the US Cluster Mapping scheme are derived by s3lib through
#   NAICS 2017, not an official EU table.
#
# **For this place:**

# %% slideshow={"slide_type": "fragment"}
display(Markdown("\n".join([f"- Every cluster and industry figure is for {V.region_name} ({V.region}), the NUTS2 region "
                             f"that contains {P.name}: it stands for the city and its surroundings."]
                            + [f"- {c}" for c in V.caveats])))
