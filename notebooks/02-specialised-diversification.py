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
# unrelated variety), which new industries lie close to its capabilities and are worth the effort
# (the smart-specialisation opportunity frame, with a benefit axis that must pass a validity gate), which specialisations it gained
# and lost since a base year, and whether, across Europe, regions do diversify into related
# industries (the principle of relatedness).
#
# Detailed industry data (Eurostat structural business statistics, NACE divisions) stop at NUTS2,
# so a city is represented by its NUTS2 region.

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
place: str = "frankfurt"  # case place key (frankfurt, bordeaux, bilbao, turin, bucharest, porto) or any NUTS code
year: int = 0  # analysis year (2008-2015); 0: the place's latest full year (as on its card)
base_year: int = 2010  # base year for entries and exits (2010 is the earliest year with France)
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
import pandas as pd
from IPython.display import Image, Markdown, display

from s3lib import data, plots
from s3lib.study import Study, place_year

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

year, year_note = place_year(place, year)  # one year per place: the card, the explorer and this notebook agree
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
    f"**{full}**, {year_note} (base year {base_year}). {study.describe()}. {len(panel)} regions are observed with at "
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
# metropoles (banking centres above all) is measured on part of their economy. Percentiles are
# among the regions shown; a region with many confidential cells looks less varied than it is.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Where to diversify: new paths, related and worth it
#
# **Question.** Which industries the region is *not* yet specialised in are both within reach and
# worth reaching, and which of them are genuinely new paths rather than old strengths crossing the threshold?
#
# **Method** (Balland, Boschma, Crespo & Rigby 2019). Presence $M_{ri} = 1$ when the location quotient
# $LQ_{ri} = (x_{ri}/x_{r\cdot}) / (x_{\cdot i}/x_{\cdot\cdot}) \ge 1$ (reference: all regions of the sample).
# Two industries are related when regions specialise in both: proximity
# $\varphi_{ij} = \min\{P(M_i=1 \mid M_j=1), P(M_j=1 \mid M_i=1)\}$ (Hidalgo et al. 2007). The relatedness
# density $RD_{ri} = \sum_{j \ne i} M_{rj} \varphi_{ij} / \sum_{j \ne i} \varphi_{ij}$ is the share of
# industry $i$'s related industries that the region already has (feasibility, low risk). The second axis is
# the **benefit** of an industry, chosen by the validity gate below: the classic product complexity (PCI,
# Hidalgo & Hausmann 2009) is one candidate, fitness-complexity (Tacchella et al. 2012), complexity on
# traded manufacturing and KIBS only, and the **industry wage** (the EU wages and salaries per person employed
# in the industry, Eurostat SBS, log, standardised; a region's index is the wage its mix of industries would pay
# at EU wages, not the wages paid there) are the others; the first that passes is used.
#
# A candidate is shown as a **new path** only if it passes, in order (`s3lib.study.paths`):
# 1. **traded and not location-bound**: the division's employment lies in US Cluster Mapping traded clusters.
#    Where its classes split between traded and local clusters and no employment weighting can decide (more
#    than 10 % on each side: temporary agency work N78, rental N77, office support N82), it is **mixed**, shown
#    apart and never offered as a target; nor is a division that follows deposits, coasts, hubs or networks
#    (mining, water supply, water and air transport: `data/cluster_roles.csv`);
# 2. **not a latent strength**: $LQ < 1$ in each of the previous five years with data, and $LQ < 0.9$ now
#    and in each of those years; otherwise the division crosses back and forth over the threshold, or sits just
#    below it, and is listed apart as a latent strength;
# 3. **no break in the series, no estimate**: no cell break (the cell and its parent region moving together by
#    50 % or more in one year, a reclassification) in the study year or the five before, and the region's cell
#    is published, not an estimate of a confidential value;
# 4. **large enough**: at least 0.2 % of EU employment, and at least 1,000 persons in the region at $LQ = 1$.
#
# New paths are split into four quadrants at the **medians over the candidates of every region of the
# sample** (high = above the median), so "low risk, high benefit" means the same in every place. The density range over the study
# year and the five before shows how stable each candidate's relatedness is.

# %% slideshow={"slide_type": "subslide"}
axis = study.benefit  # the benefit axis that passed the validity gate (None: no axis passes)
opportunities = V.opportunities  # a Result: the new paths, their notes and the quadrant medians (params)
review = V.candidate_review.table  # every division the region is not specialised in, with its status and why
C = opportunities.table
have = M.loc[region] == 1
benefit = axis.activity if axis is not None else pd.Series(dtype=float)
present = pd.DataFrame({"density": study.density.loc[region], "benefit": benefit}).loc[have[have].index].dropna()
ideal = C[C["quadrant"] == "low risk, high benefit"]
best = (ideal if len(ideal) else C).nlargest(8, "score")  # score: mean percentile of density and benefit
fig, ax = plots.figure()
plots.opportunity_chart(ax, C, present=present, labels={c: label[c] for c in best.index[:5]},
                        medians=opportunities.params, benefit_label=axis.short if axis is not None else "no benefit axis")
plots.annotate(fig, "New paths", place=where, level="NUTS2", year=year,
               source=[plots.SOURCE_SBS,
                       (f"Method: Balland et al. (2019); LQ >= 1 vs {len(study.counts)} NUTS2 regions; co-location "
                        f"proximity; benefit: {axis.label if axis is not None else 'none passes the validity gate'}; "
                        "new paths only (traded, not specialised in the 5 years before, no break, >= 1,000 at LQ 1).")])
Image(save(fig, "opportunities"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The best new paths (of the ideal quadrant where there are any), ranked by the mean of their percentile
# ranks on both axes, with the region's current employment and location quotient (how far each is from a
# specialisation), the highest LQ of the five years before and the range of its relatedness density over
# those years:

# %% slideshow={"slide_type": "-"}
shown_cols = {"name": "industry", "density": "relatedness density", "density_min": "density low",
              "density_max": "density high", "benefit": axis.short if axis is not None else "benefit",
              "employment": f"employment {year}", "lq": "LQ", "max_lq_before": "highest LQ before", "quadrant": "quadrant"}
table = best[list(shown_cols)].rename(columns=shown_cols).rename_axis("NACE")
display(table.style.format({**{c: "{:.2f}" for c in table.columns if c not in ("industry", "quadrant")},
                            f"employment {year}": "{:,.0f}"}, na_rep="-"))

# %% slideshow={"slide_type": "fragment"}
counts = C["quadrant"].value_counts()
status = review["status"].value_counts()
top3 = ", ".join(label[c] for c in best.index[:3]) or "none"
word = axis.word if axis is not None else "benefit"
rank_text = (f"On the {axis.word} axis the region ranks **{V.summary.benefit_rank} of {V.summary.n_regions}** NUTS2 "
             "regions." if axis is not None and V.summary.benefit_rank else
             "No benefit axis passes the validity gate, so no ranking of regions is shown.")
display(Markdown(
    f"{region} is specialised (LQ >= 1) in {int(have.sum())} of {int(M.loc[region].notna().sum())} observed divisions. "
    f"Of the others, **{len(C)} are new paths**: {counts.get('low risk, high benefit', 0)} both related and high "
    f"{word} (density above {opportunities.params['density_median']:.2f}, {word} above "
    f"{opportunities.params['benefit_median']:.2f})" + (f", led by {top3}" if len(ideal) else
                                                        f"; the closest by both axes are {top3}") + ". "
    + "Listed apart: " + ", ".join(f"{int(status[s])} {s}" for s in status.index if s != "new path") + ". "
    + rank_text))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Latent strengths and the other divisions left out
#
# Divisions the region is not specialised in now but was in one of the five years before, or was close to
# ($LQ \ge 0.9$, now or then): strengths to keep rather than new paths to build. Below them, the divisions left out
# for a break in the series, for their size, or because they are not traded (each with its reason).

# %% slideshow={"slide_type": "-"}
apart = review[review["status"] != "new path"].sort_values(["status", "lq"], ascending=[True, False])
display(apart[["name", "status", "reason", "employment", "lq", "max_lq_before"]].style
        .format({"employment": "{:,.0f}", "lq": "{:.2f}", "max_lq_before": "{:.2f}"}, na_rep="-"))
if (V.data_checks.table["check"] == "series break").any():
    display(Markdown(f"**{region}'s series breaks in the window** ({V.data_checks.notes[0]}): its earlier LQs, which "
                     "decide latent strengths, come from the old series. Read them as indications."))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* The benefit axis is computed on the industries the business statistics cover (no finance,
# public or personal services). The industry wage is a benefit in earnings per job at EU wages, not a measure
# of knowledge and not the wages paid in the region (a low-wage country's regions rank low on it); it is the
# default only because it is the axis that passes the gate below. Knowledge-intensive business services are
# mostly *mixed* divisions (M69, M71, M74): the data cannot separate their traded part, so they are never
# offered as new paths here; the emerging-industry lists of notebook 07 measure them. Relatedness here is
# co-location in Europe in one year. Local units are classified by their principal activity, so a
# cluster that spans divisions shows up in pieces (the place's own caveats, in the first cell, name them).
# A new path is a hypothesis to discuss with the people who know the place, not a verdict.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The validity gate: which benefit axis may be shown as advice
#
# A ranking of industries is shown as advice only if its regional index behaves as the field expects,
# checked over the sample of regions (`s3lib.measures.validity`): (1) it correlates at least **0.5** with
# log GDP per head (PPS); (2) it does not fall with diversity (correlation with the number of divisions a
# region is specialised in at least **0**); (3) knowledge-intensive manufacturing (C20, C21, C26-C30) ranks
# above routine services (N77-N79, N82, H50, I55; `data/validity_markers.csv`) in at least **two of three**
# pairs (an AUC). The classic ECI/PCI on European NUTS2 regions and NACE divisions separates capital-region
# services from manufacturing: its sign follows income, but it falls with diversity and ranks travel agencies
# above machinery. The table shows every axis, whatever it shows, and which one is chosen.

# %% slideshow={"slide_type": "subslide"}
validity = study.validity()  # one row per axis: the three checks, whether it passes, which one is chosen
columns = {"activities": "activities scored", "corr_gdp": "corr. log GDP/head", "corr_diversity": "corr. diversity",
           "marker_auc": "manufacturing above routine services", "passes": "passes", "chosen": "chosen"}
display(validity[list(columns)].rename(columns=columns).style.format(
    lambda v: ("yes" if v else "no") if isinstance(v, bool) else f"{v:.2f}", na_rep="not testable"))
verdicts = [f"**{key}** ({row.label}) {'passes' if row.passes else 'fails: ' + row.failed}"
            for key, row in validity.iterrows()]
display(Markdown(f"In {year}:\n\n" + "\n".join(f"- {v}" for v in verdicts) + "\n\n" + (
    f"Chosen: **{axis.label}**." if axis is not None else "No axis passes: new paths are ranked by density alone.")))

# %% slideshow={"slide_type": "subslide"}
ranks = validity[[c for c in validity.columns if c.startswith("rank_")]].rename(columns=lambda c: c[5:])
display(Markdown("Rank of each marker division on each axis (1 = most beneficial; - = not scored, e.g. a mixed or "
                 "local division): knowledge-intensive manufacturing C20-C30 against routine services N77-I55."))
display(ranks.style.format("{:.0f}", na_rep="-"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Local and mixed services, shown apart
#
# These divisions serve the local market, or mix local and traded activities in a way the data cannot
# weigh (US Cluster Mapping classes). They matter for jobs, but they are not smart specialisation
# targets, so they are never listed as new paths.

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
# not published) is neither an entry nor an exit: it is counted as unknown and listed below. **Data
# integrity first**: a cell with a break between the two years gives no entry and no exit. A break is
# either a cell break (the cell and its parent NUTS1 region, or the country where the parent is the same
# territory, both move by 50 % or more in one year: $x_{r,t}/x_{r,t-1} \le 1/2$ or $\ge 3/2$, and the parent's
# ratio on the same side; a reclassification, not a change of the economy) or a series break flagged by
# Eurostat (flag `b`). Estimated cells are never zeros: a parent that is missing, or smaller than its
# published children, leaves the confidential cells missing.

# %% slideshow={"slide_type": "subslide"}
in_base = region in panel
if in_base:
    moves = changes.table(region)  # every division: status, LQ and employment in both years, change
    T = moves.table
    changed = T[T["status"].isin(["entry", "exit"])]
    shown = changed.rename(index=lambda c: f"{c} {plots.short_name(nace[c], 40)}")
    unknown = [label[c] for c in moves.params["unknown"]]
    in_base = len(moves.params["broken"]) < 0.9 * len(T)  # a whole-series break: nothing to draw (said below)
if in_base:
    fig, ax = plots.figure()
    plots.change_bars(ax, shown, value="change", status="status")
    plots.annotate(fig, "Specialisation entries and exits", place=where, level="NUTS2",
                   year=f"{base_year}-{year}",
                   source=[plots.SOURCE_SBS,
                           (f"Presence LQ >= 1 against the {len(panel)} NUTS2 regions observed in both years; "
                            f"bars = change in persons employed; {len(unknown)} divisions missing in a year left out.")])
    display(Image(save(fig, "entries-exits")))
elif region not in panel:
    changed, unknown = pd.DataFrame(), []
    covered = data.coverage(level=2)
    first = int(covered.loc[covered["region"] == region, "year"].min())
    display(Markdown(f"**No business statistics for {region} in {base_year}**: entries and exits cannot be "
                     f"computed (choose a base year from {first} on)."))

# %% slideshow={"slide_type": "subslide"}
if region in panel:
    broken = moves.params["broken"]
    if len(broken) >= 0.9 * len(T):
        display(Markdown(
            f"**The series of {region} breaks between {base_year} and {year}** ({len(broken)} of {len(T)} divisions): "
            "no entry or exit can be read across the break. Choose a pair of years on one side of it."))
    else:
        display(Markdown(
            f"Between {base_year} and {year}, {region} entered **{moves.params['entries']}** and left "
            f"**{moves.params['exits']}** specialisations ({moves.params['stays']} kept). {len(moves.params['marginal'])} "
            "of these moves are marginal (LQ within 0.1 of 1 in both years): threshold crossings rather than structural "
            "change. " + (f"Unknown (a cell missing in either year): {', '.join(unknown)}. " if unknown else
                          "No division was missing in either year. ")
            + (f"Left out for a break in the series or an estimated cell: {', '.join(broken)}." if broken else "")))
        display(changed.rename(columns={"lq0": f"LQ {base_year}", "lq1": f"LQ {year}", "employment0": f"employment {base_year}",
                                    "employment1": f"employment {year}"})
            .style.format({f"employment {base_year}": "{:,.0f}", f"employment {year}": "{:,.0f}", "change": "{:+,.0f}",
                           f"LQ {base_year}": "{:.2f}", f"LQ {year}": "{:.2f}"}))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* The break rule catches reclassifications that move a region and its parent together; a
# break in one region alone (a firm reclassified) looks like change. A change of LQ can come from the rest
# of Europe as much as from the region.

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
