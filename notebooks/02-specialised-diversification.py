# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: slideshow,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,s3lib
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
# # Specialised diversification
#
# How can a place diversify from what it already knows? This notebook places the region of a city
# among all European NUTS2 regions on four questions: how varied its economy is (related and
# unrelated variety), which new industries lie close to its capabilities and are complex enough to
# be worth the effort (the smart-specialisation opportunity frame), which specialisations it gained
# and lost since a base year, and whether, across Europe, regions do diversify into related
# industries (the principle of relatedness).
#
# Detailed industry data (Eurostat structural business statistics, NACE divisions) stop at NUTS2,
# so a city is represented by its NUTS2 region.

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
place: str = "frankfurt"  # case place key (frankfurt, bordeaux, bilbao, turin, bucharest, porto) or any NUTS code
year: int = 2014  # analysis year (2008-2015; 2014 is the best cross-section)
base_year: int = 2010  # base year for entries and exits (2010 is the earliest year with France)
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
import pandas as pd
from IPython.display import Image, Markdown, display

from s3lib import plots
from s3lib.study import Study

study = Study("sbs", level=2, year=year)  # the EU industry space shared by the suite, computed once
V = study.at(place)  # this place's NUTS2 region
P, region = V.place, V.region
where = V.label  # for titles
full = f"{P.name} ({P.code})" + (f", NUTS2 region {region} {V.region_name}" if P.code != region else "")
nace = study.space.names()
label = {c: f"{c} {plots.short_name(n)}" for c, n in nace.items()}
changes = V.changes(base_year)  # presence in both years over the regions observed in both
panel = changes.panel
notes = list(study.notes) + list(changes.notes)
M = study.presence
save = plots.saver(figures_dir, place, "02")
display(Markdown(
    f"**{full}**, {year} (base year {base_year}). {study.describe()}. {len(panel)} regions are observed with at "
    f"least {study.min_coverage:.0%} of the divisions in both {base_year} and {year}. {region} has "
    f"{V.summary.coverage:.0%} of its divisions observed in {year}" + (f" ({'; '.join(notes)})." if notes else ".")
))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Related and unrelated variety
#
# **Question.** Is the region's economy varied, and is its variety *related* (many industries inside
# the same broad sectors, which can share skills and knowledge) or *unrelated* (spread across
# sectors, a portfolio that spreads risk)?
#
# **Method** (Frenken, Van Oort & Verburg 2007). With $p_i$ the share of NACE division $i$ in the
# region's observed employment and $P_g = \sum_{i \in g} p_i$ the share of its section $g$:
# variety $E = \sum_i p_i \log_2 (1/p_i)$, unrelated variety $UV = \sum_g P_g \log_2 (1/P_g)$ and
# related variety $RV = \sum_g P_g H_g$ with $H_g = \sum_{i \in g} (p_i/P_g) \log_2 (P_g/p_i)$, so that
# $E = UV + RV$ exactly (the grey diagonals mark equal total variety). Shares are taken over the
# region's observed cells: a confidential cell is left out, not counted as zero.

# %% slideshow={"slide_type": "subslide"}
VAR = study.structure.loc[study.sample, ["variety", "related", "unrelated"]]  # the well-covered sample
pct = study.structure.loc[region, ["variety_pct", "related_pct", "unrelated_pct"]].set_axis(["variety", "related", "unrelated"])
peers = [r for r in VAR.index if r.startswith(P.country) and r != region]
fig, ax = plots.figure()
plots.variety_scatter(ax, VAR, region, peers, label=f"{region} {V.region_name}", group_label=f"other {P.country} regions")
plots.annotate(fig, "Related vs unrelated variety", place=where, level="NUTS2", year=year,
               source=[plots.SOURCE_SBS,
                       (f"Method: Frenken et al. (2007), NACE divisions within sections, shares of observed employment; "
                        f"{len(VAR)} NUTS2 regions with >= {study.min_coverage:.0%} of divisions observed.")])
Image(save(fig, "variety"))

# %% slideshow={"slide_type": "fragment"}
v = VAR.loc[region]
display(Markdown(
    f"{region} has a variety of **{v['variety']:.2f} bits** (percentile {pct['variety']:.0f} of the "
    f"{len(VAR)} regions): related variety {v['related']:.2f} bits (percentile {pct['related']:.0f}) and "
    f"unrelated variety {v['unrelated']:.2f} bits (percentile {pct['unrelated']:.0f}). "
    + ("Its variety is more related than that of most European regions: many divisions inside the same sections."
       if pct["related"] > pct["unrelated"] else
       "Its variety leans to the unrelated side: employment is spread across sections more than within them.")
))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* The business statistics cover NACE B-N and S95 only: agriculture (A), finance and
# insurance (K) and public and personal services (O-U) are absent, so the variety of service
# metropoles such as Frankfurt (banking) is measured on part of their economy. Percentiles are
# among the regions shown; a region with many confidential cells looks less varied than it is.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Where to diversify: relatedness density and complexity
#
# **Question.** Which industries the region is *not* yet specialised in are both within reach and
# worth reaching?
#
# **Method** (Balland, Boschma, Crespo & Rigby 2019). Presence $M_{ri} = 1$ when the location quotient
# $LQ_{ri} = (x_{ri}/x_{r\cdot}) / (x_{\cdot i}/x_{\cdot\cdot}) \ge 1$ (reference: all regions of the sample).
# Two industries are related when regions specialise in both: proximity
# $\varphi_{ij} = \min\{P(M_i=1 \mid M_j=1), P(M_j=1 \mid M_i=1)\}$ (Hidalgo et al. 2007). The relatedness
# density $RD_{ri} = \sum_{j \ne i} M_{rj} \varphi_{ij} / \sum_{j \ne i} \varphi_{ij}$ is the share of
# industry $i$'s related industries that the region already has (feasibility, low risk). Complexity
# (PCI) comes from the eigenvector of the region-industry network (Hidalgo & Hausmann 2009): it is high
# for industries found in few, diverse regions (benefit). Only **traded** divisions are candidates and
# enter the complexity computation: a division is traded when most of its US Cluster Mapping weight goes
# to traded clusters (local services such as retail G47, food service I56, real estate L68, security N80
# and building services N81 serve the local market and are never smart specialisation targets; they are
# listed apart below). Candidates ($M_{ri} = 0$) are split into four quadrants at the **medians over the
# candidates of every region of the sample**, so "low risk, high benefit" means the same in every place.
# Confidential cells are estimated from their NUTS1 or national totals; a cell still missing counts as
# absent in proximity and density and is never a candidate.

# %% slideshow={"slide_type": "subslide"}
eci, pci = study.eci, study.pci
opportunities = V.opportunities  # a Result: the candidates' table, notes and the quadrant medians (params)
C = opportunities.table
have = M.loc[region] == 1
present = pd.DataFrame({"density": study.density.loc[region], "pci": pci})[have]
ideal = C[C["quadrant"] == "low risk, high benefit"]
best = ideal.nlargest(8, "score")  # score: mean percentile rank of density and PCI among the candidates
fig, ax = plots.figure()
plots.opportunity_chart(ax, C, present=present, labels={c: label[c] for c in best.index}, medians=opportunities.params)
plots.annotate(fig, "Diversification opportunities", place=where, level="NUTS2", year=year,
               source=[plots.SOURCE_SBS,
                       (f"Method: Balland et al. (2019); LQ >= 1 vs {len(study.counts)} NUTS2 regions; co-location "
                        "proximity; PCI (Hidalgo & Hausmann 2009) on traded divisions; quadrants at the sample's medians.")])
Image(save(fig, "opportunities"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The best candidates of the ideal quadrant (high density, high complexity), ranked by the sum of
# their percentile ranks on both axes, with the region's current employment and location quotient
# (how far each is from a specialisation):

# %% slideshow={"slide_type": "-"}
LQ = study.lq
table = pd.DataFrame({
    "industry": [label[c] for c in best.index],
    "relatedness density": best["density"].round(3),
    "PCI": best["pci"].round(2),
    f"employment {year}": study.counts.loc[region, best.index].round(0),
    "LQ": LQ.loc[region, best.index].round(2),
}, index=best.index).rename_axis("NACE")
display(table.style.format(precision=3, thousands=",").format({f"employment {year}": "{:,.0f}", "LQ": "{:.2f}", "PCI": "{:.2f}"}))

# %% slideshow={"slide_type": "fragment"}
rank = int(eci.rank(ascending=False).loc[region])
counts = C["quadrant"].value_counts()
top3 = ", ".join(label[c] for c in best.index[:3]) or "none"
display(Markdown(
    f"{region} is specialised (LQ >= 1) in {int(have.sum())} of {int(M.loc[region].notna().sum())} observed divisions "
    f"and has {len(C)} candidates: {counts.get('low risk, high benefit', 0)} in the ideal quadrant (density >= "
    f"{opportunities.params['density_median']:.2f}, PCI >= {opportunities.params['pci_median']:.2f}), led by {top3}. "
    f"Its economic complexity index is **ECI = {eci[region]:.2f}**, rank **{rank} of {int(eci.notna().sum())}** "
    f"NUTS2 regions."
))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* Complexity is computed on the industries the business statistics cover (no finance,
# public or personal services). On European regions and NACE divisions the second eigenvector
# separates manufacturing-intensive regions from service-intensive ones. Its sign is arbitrary: the
# usual rule (ECI positively correlated with diversity) makes apparel, leather and coal mining the
# most complex divisions here and ranks service metropoles last, because the data lack the
# finance and public services in which rich regions specialise. s3lib therefore orients the sign by
# log GDP per head (PPS) of the same year (see `s3lib.study`): knowledge-intensive services such as
# J59, M70, H51 and J62 then come out as complex. The ranking along the eigenvector is the same
# either way; read a division's position as evidence to discuss, not a verdict (the validity table below
# reports how the ranking behaves, whatever it shows). Relatedness here is
# co-location in Europe in one year. Local units are classified by their principal activity, so a
# cluster that spans divisions shows up in pieces (the place's own caveats, in the first cell, name them).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How far to trust the complexity ranking
#
# The ECI should rise with income and, by construction, with diversity. The table reports, over the
# sample, the correlation of the ECI with log GDP per head and with the number of divisions a region
# is specialised in, and where telling divisions rank by PCI (1 = most complex): knowledge-intensive
# manufacturing (C20, C21, C26-C30) against routine services (N77-N79, N82, H50, I55) and building
# services N81 (`data/validity_markers.csv`), once on the traded divisions (used in this notebook) and
# once on all divisions.

# %% slideshow={"slide_type": "fragment"}
validity = study.validity()
display(validity.style.format(precision=2, na_rep="not ranked (local)"))
display(Markdown(
    f"On the {int(validity.loc['traded', 'activities'])} traded divisions the ECI correlates "
    f"{validity.loc['traded', 'corr_gdp']:.2f} with log GDP per head and {validity.loc['traded', 'corr_diversity']:.2f} "
    f"with diversity; C21 ranks {validity.loc['traded', 'rank_C21']:.0f}, C26 {validity.loc['traded', 'rank_C26']:.0f}, "
    f"C29 {validity.loc['traded', 'rank_C29']:.0f} and C30 {validity.loc['traded', 'rank_C30']:.0f}. On all divisions "
    f"N81 (building services) would rank {validity.loc['all', 'rank_N81']:.0f}."))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Local services, shown apart
#
# These divisions serve the local market (US Cluster Mapping local clusters). They matter for jobs,
# but they are not smart specialisation targets, so they are never listed as opportunities.

# %% slideshow={"slide_type": "fragment"}
local = study.local_services(region).head(8)
display(local.set_index("activity").style.format({"employment": "{:,.0f}", "lq": "{:.2f}", "density": "{:.2f}"},
                                                 na_rep="-"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Entries and exits since the base year
#
# **Question.** Which specialisations did the region gain (entry: $M$ from 0 to 1) and lose (exit:
# 1 to 0) between the base year and the analysis year, and how much employment moved with them?
#
# **Method.** Presence as above in each year, with each year's location quotient taken against the
# regions observed (>= 50 % of divisions) in both years. A cell missing in either year (confidential or
# not published) is neither an entry nor an exit: it is counted as unknown and listed below.

# %% slideshow={"slide_type": "subslide"}
in_base = region in panel
if in_base:
    moves = changes.table(region)  # every division: status, LQ and employment in both years, change
    T = moves.table
    changed = T[T["status"].isin(["entry", "exit"])]
    shown = changed.rename(index=lambda c: f"{c} {plots.short_name(nace[c], 40)}")
    unknown = [label[c] for c in moves.params["unknown"]]
    fig, ax = plots.figure()
    plots.change_bars(ax, shown, value="change", status="status")
    plots.annotate(fig, "Specialisation entries and exits", place=where, level="NUTS2",
                   year=f"{base_year}-{year}",
                   source=[plots.SOURCE_SBS,
                           (f"Presence LQ >= 1 against the {len(panel)} NUTS2 regions observed in both years; "
                            f"bars = change in persons employed; {len(unknown)} divisions missing in a year left out.")])
    display(Image(save(fig, "entries-exits")))
else:
    changed, unknown = pd.DataFrame(), []
    display(Markdown(f"**No business statistics for {region} in {base_year}**: entries and exits cannot be "
                     f"computed (choose a later base year; France starts in 2010)."))

# %% slideshow={"slide_type": "subslide"}
if in_base:
    display(Markdown(
        f"Between {base_year} and {year}, {region} entered **{moves.params['entries']}** and left "
        f"**{moves.params['exits']}** specialisations ({moves.params['stays']} kept). {len(moves.params['marginal'])} "
        "of these moves are marginal (LQ within 0.1 of 1 in both years): threshold crossings rather than structural "
        "change. " + (f"Unknown (a cell missing in either year): {', '.join(unknown)}." if unknown else
                      "No division was missing in either year.")
    ))
    display(changed.rename(columns={"lq0": f"LQ {base_year}", "lq1": f"LQ {year}", "employment0": f"employment {base_year}",
                                    "employment1": f"employment {year}"})
            .style.format({f"employment {base_year}": "{:,.0f}", f"employment {year}": "{:,.0f}", "change": "{:+,.0f}",
                           f"LQ {base_year}": "{:.2f}", f"LQ {year}": "{:.2f}"}))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* Employment changes mix real change with revisions and breaks in the Eurostat series
# (flags b, d); a change of LQ can come from the rest of Europe as much as from the region.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Does relatedness predict diversification? The principle of relatedness in Europe
#
# **Question.** Across all European regions, are industries with a higher relatedness density more
# likely to become specialisations (Hidalgo et al. 2018)? If not, the opportunity chart above has
# little predictive value here.
#
# **Method.** Cells at risk are region-division pairs with $M = 0$ in the base year and a known
# presence in the analysis year, in the regions observed in both years. They are split into five
# quantile bins (quintiles) of base-year relatedness density; the entry rate of a bin is the share
# of its cells with $M = 1$ in the analysis year.

# %% slideshow={"slide_type": "subslide"}
rates = changes.entry_rates(region=region if in_base else None)  # all regions, and this region's own cells
por, overall = rates.table, rates.params["overall"]
fig, ax = plots.figure()
plots.entry_rate_bars(ax, por, overall=overall, highlight_label=f"{region}: entries / cells at risk")
plots.annotate(fig, "Principle of relatedness, EU", place=where, level="NUTS2",
               year=f"{base_year}-{year}",
               source=[plots.SOURCE_SBS,
                       (f"{len(panel)} NUTS2 regions observed in both years; entry = LQ < 1 in {base_year} and LQ >= 1 "
                        f"in {year}; bins = quantiles of {base_year} relatedness density.")])
Image(save(fig, "principle-of-relatedness"))

# %% slideshow={"slide_type": "fragment"}
low, high = por["entry_rate"].iloc[0], por["entry_rate"].iloc[-1]
n_bins = rates.params["bins"]
top_two = por.index[-2:]
display(Markdown(
    f"Of {rates.params['at_risk']:,} cells at risk, {rates.params['entries']:,} entered ({overall:.1%}). The entry rate "
    f"is {low:.1%} in the lowest of the {n_bins} density bins and {high:.1%} in the highest ({high / low:.1f} times as "
    "high); it " + ("rises in every step: the principle of relatedness holds in these data." if rates.params["rising"] else
                    "does not rise in every step: the evidence for the principle of relatedness is mixed here.")
    + " This is a correlation across regions, not a forecast for one region."
    + (f" In {region} itself, {int(por['own_entries'].sum())} of {int(por['own_at_risk'].sum())} cells at risk entered, "
       f"{int(por.loc[top_two, 'own_entries'].sum())} of them in the two highest density bins."
       if "own_at_risk" in por and por["own_at_risk"].sum() else "")
))
display(por.drop(columns=[c for c in por if c == "own_entered"]).style.format(
    {"density_min": "{:.3f}", "density_max": "{:.3f}", "mean_density": "{:.3f}", "at_risk": "{:,}", "entries": "{:,}",
     "entry_rate": "{:.1%}", "own_at_risk": "{:,}", "own_entries": "{:,}", "own_entry_rate": "{:.1%}"}, na_rep="-"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* Four or five years is short for structural change; threshold crossings near LQ = 1 add
# noise in both directions; regions whose NUTS code changed between the two years are not in the
# panel.
