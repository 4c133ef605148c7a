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
#   s3lib:
#     countries:
#     - DE
#     scope: place
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 06 · Competences of a German city
#
# Which competences does the city itself hold, which of them cluster together, how did they change,
# does the city move into competences related to those it has, and which competences connect several
# of its industry clusters? The business statistics stop at NUTS2 and leave out finance and public
# services; the employment statistics of the Bundesagentur für Arbeit give every German district
# (NUTS3) by 140 occupational groups (KldB 2010, 3-digit), 2013-2025. They count what people **do**,
# not what their employer sells: **occupations, not industries; Germany only**.

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
place: str = "Frankfurt am Main"  # a German district (NUTS3): a name, a case place key or a code such as "DE712"
year: int = 2025  # analysis year (2013-2025)
base_year: int = 2013  # base year of the change and of the principle of relatedness (2013-2024)
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
from IPython.display import Image, Markdown, display

from s3lib import plots
from s3lib.analyses import competences as comp
from s3lib.plots import competences as cplots
from s3lib.study import Study

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

study = Study("occupations", level=3, year=year)  # all districts x 140 occupational groups, computed once
V = study.at(place)  # refuses a place outside the data's country, or a NUTS1/NUTS2 region, naming the districts
P, region, names = V.place, V.region, study.space.names()
WHERE = f"{P.name} ({region})"  # figure titles
SOURCE = [study.space.source]
save = plots.saver(figures_dir, P.key, "06")
total = float(study.space.totals(3, year)[region])  # published total, including "no occupation given"
observed = float(study.counts.loc[region].sum())
display(Markdown(
    f"**{P.name} ({P.code})**, district of {P.nuts2} {V.name_of(P.nuts2)}; year {year}, base year {base_year}. "
    f"{total:,.0f} employees subject to social insurance work in the district ({observed:,.0f} in the 140 "
    f"occupational groups; the rest have no occupation given; suppressed small cells make both lower bounds). "
    f"{study.describe()}.\n\n" + "\n".join(f"- {note}" for note in V.notes)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The competence portfolio
#
# **Question.** Which occupations is the city specialised in, and which carry its employment?
#
# **Method.** With $x_{ro}$ the employees of district $r$ in occupational group $o$, the location
# quotient against all 400 German districts is $LQ_{ro} = (x_{ro}/x_{r\cdot})/(x_{\cdot o}/x_{\cdot\cdot})$,
# each share taken over the observed (not suppressed) cells; the city holds the competence when
# $LQ_{ro} \ge 1$. Only groups with at least 1,000 employees in the city are listed (tiny groups give
# large but meaningless LQs). The complexity of an occupation (PCI) comes from the same presence matrix
# over all districts (Hidalgo and Hausmann 2009, Stata standardisation; sign oriented by GDP per head).

# %% slideshow={"slide_type": "subslide"}
pf = comp.occupation_portfolio(V)  # every occupational group of the district, by LQ
big = comp.competence_table(V)  # those with at least 1,000 employees
found = comp.competence_clusters(V)  # used in section 2; the cluster number is printed after each bar here
clusters = found.params["clusters"]
fig, ax = plots.figure()
cplots.occupation_bars(ax, big, n=15, clusters=clusters, reference=study.space.reference)
plots.annotate(fig, "Top occupations (KldB 3-digit) by LQ", place=WHERE, level="NUTS3", year=year,
               source=SOURCE)
display(Image(save(fig, "competences-occupations")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** the most specialised and the largest occupations.

# %% slideshow={"slide_type": "fragment"}
fmt = {"employees": "{:,.0f}", "share": "{:.1%}", "lq": "{:.2f}", "pci": "{:.2f}"}
by_size = big.sort_values("employees", ascending=False)
display(big.head(10).set_index("occupation")[["name", "employees", "share", "lq", "pci"]].style.format(fmt))
display(by_size.head(10).set_index("occupation")[["name", "employees", "share", "lq", "pci"]].style.format(fmt))
top = big.iloc[0]
n_present = int((pf["present"] == 1).sum())
n_known = int(pf["present"].notna().sum())
display(Markdown(
    f"{P.name} holds {n_present} of the {n_known} occupational groups with a value ($LQ \\ge 1$). Its most "
    f"specialised sizeable group is **{top['occupation']} {top['name']}** (LQ {top['lq']:.2f}, "
    f"{top['employees']:,.0f} employees); the largest is **{by_size.iloc[0]['occupation']} "
    f"{by_size.iloc[0]['name']}** ({by_size.iloc[0]['employees']:,.0f}, {by_size.iloc[0]['share']:.1%} of the "
    f"district's observed employees, LQ {by_size.iloc[0]['lq']:.2f}). The occupations' complexity (`pci`) "
    "describes how rare and how co-located an occupation is; it has not passed a validity gate for occupations, "
    "so no district is ranked on it here. Suppressed cells of the district (missing, not zero): "
    f"{', '.join(pf.loc[pf['lq'].isna(), 'occupation']) or 'none'}."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Competence clusters
#
# **Question.** Which occupations go together across Germany, and in which of these groups is the city
# strong?
#
# **Method.** Two occupations are related when the same districts specialise in both: the co-location
# proximity $\phi_{ij} = \min\{P(M_i = 1 \mid M_j = 1), P(M_j = 1 \mid M_i = 1)\}$ over all 400
# districts (Hidalgo et al. 2007). The complete weighted graph only splits "urban" from "rural"
# occupations, so we keep its backbone (the maximum spanning tree plus the strongest 5 % of pairs) and
# find communities by **Louvain** modularity maximisation (Blondel et al. 2008; networkx, resolution 1,
# fixed seed 42). One pass leaves a community of a third of the groups (finance, IT and airport skills
# together), so **no cluster may hold more than a quarter of the occupational groups**: a larger community
# is split by Louvain on its own subgraph, again until none is larger. **Stability**: the same procedure with
# ten other seeds, compared with the partition shown by the adjusted Rand index (Hubert & Arabie 1985;
# 1 = the same clusters, 0 = chance); the borders of the smaller clusters move, the large ones stay.
# A competence cluster's LQ sums its groups:
# $LQ_{rc} = (\sum_{o \in c} x_{ro}/x_{r\cdot}) / (\sum_{o \in c} x_{\cdot o}/x_{\cdot\cdot})$.

# %% slideshow={"slide_type": "subslide"}
profile = found.table  # the district in each competence cluster
fig, ax = plots.figure()
cplots.competence_clusters_chart(ax, profile, reference=study.space.reference)
plots.annotate(fig, "Competence clusters", place=WHERE, level="NUTS3",
               year=year, source=SOURCE + [found.params["method"] + "."])
display(Image(save(fig, "competences-clusters")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** its competence clusters, their size and specialisation.

# %% slideshow={"slide_type": "fragment"}
shown = profile.assign(largest=profile["members"].map(lambda m: ", ".join(m[:6])))
display(shown[["label", "n", "employees", "share", "lq", "largest"]].style.format(
    {"employees": "{:,.0f}", "share": "{:.1%}", "lq": "{:.2f}"}))
strong = profile[profile["lq"] >= 1]
display(Markdown(
    f"{found.params['method']}. {P.name} is specialised in {len(strong)} of the {len(profile)} competence "
    f"clusters: " + "; ".join(f"**C{k}** ({row['label']}: LQ {row['lq']:.2f}, {row['employees']:,.0f} employees)"
                              for k, row in strong.iterrows()) + ". "
    f"The largest cluster, C{profile.index[0]}, holds {profile['share'].iloc[0]:.0%} of the district's observed "
    "employees. The clusters describe Germany's occupation geography (which competences co-locate), not the city "
    f"alone; over ten other seeds the partition agrees with this one at an adjusted Rand index of "
    f"{found.params['stability']:.2f} on average (lowest {found.params['stability_min']:.2f})."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The city against its region and Germany: finance the business statistics cannot see
#
# **Question.** Is a competence a city speciality or a regional one? The business statistics have no
# finance (NACE K) and stop at NUTS2; occupations show the **KldB 72x** groups (721 insurance and
# financial services, 722 accounting, controlling and auditing, 723 tax consultancy) inside the city.
#
# **Method.** Shares of the observed employees of the city $s_{ro}$, of the other districts of its
# NUTS2 region together $s_{\text{rest},o}$, and of Germany $s_{DE,o}$; $LQ^{\text{rest}} = s_{ro}/s_{\text{rest},o}$.

# %% slideshow={"slide_type": "subslide"}
levels = comp.city_region(V)  # a city that is its own NUTS2 region is compared with the rest of the country
cmp, rest_label = levels.table, levels.params["rest_label"]
finance = [o for o in cmp.index if o.startswith("72")]
others = (cmp[(cmp["employees"] >= comp.MIN_EMPLOYEES) & ~cmp.index.isin(finance)]
          .sort_values("lq_rest", ascending=False).head(7).index.tolist())
rows = finance + others
frame = cmp.loc[rows, ["share", "share_rest", "share_country"]]
frame.index = [f"{o} {plots.short_name(names[o], 30)}" for o in rows]
frame.columns = [f"{P.name} ({region})", f"{rest_label} ({levels.params['n_rest']} districts)", P.country]
fig, ax = plots.figure()
plots.grouped_bars(ax, frame, colours=[plots.OKABE_ITO[1], plots.OKABE_ITO[0], "#7F7F7F"],
                   unit="% of observed employees", label_width=36)
plots.annotate(fig, "City, rest of region, Germany", place=WHERE, level="NUTS3", year=year,
               source=[*SOURCE, ("Finance groups KldB 721-723 first, then the city's most distinct occupations "
                                 f"against the {rest_label} (at least 1,000 employees).")])
display(Image(save(fig, "competences-city-region")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** how far the city differs from the districts around it.

# %% slideshow={"slide_type": "fragment"}
table = cmp.loc[rows, ["employees", "share", "share_rest", "share_country", "lq_rest", "lq_country"]]
table.insert(0, "name", [names[o] for o in rows])
display(table.style.format({"employees": "{:,.0f}", "share": "{:.2%}", "share_rest": "{:.2%}",
                            "share_country": "{:.2%}", "lq_rest": "{:.2f}", "lq_country": "{:.2f}"}))
f = cmp.loc[finance]
display(Markdown(
    f"The 72x finance groups employ {f['employees'].sum():,.0f} people in {P.name} "
    f"({f['employees'].sum() / cmp['employees'].sum():.1%} of its observed employees) against "
    f"{f['employees_rest'].sum():,.0f} ({f['employees_rest'].sum() / cmp['employees_rest'].sum():.1%}) in the "
    f"{rest_label} and {f['share_country'].sum():.1%} in Germany. Group 721 alone: {f.loc['721', 'employees']:,.0f} "
    f"employees, LQ {f.loc['721', 'lq_country']:.2f} against Germany and {f.loc['721', 'lq_rest']:.2f} against the "
    f"{rest_label}. None of this is visible in the business statistics (no section K)."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Change since the base year
#
# **Question.** Which competences did the city gain, lose or grow?
#
# **Method.** The LQ of both years over the districts observed in both (each year against that year's
# German total); an **entry** is $M = 0 \to 1$, an **exit** $1 \to 0$; growth is the change of employees.
# Dots are sized by employees in the end year; labelled are the entries and exits and the sizeable
# groups (at least 1,000 employees) that moved most in $\log LQ$.

# %% slideshow={"slide_type": "subslide"}
moves = comp.occupation_changes(V, base_year)  # every occupation in both years, over the districts observed in both
change = moves.table
fig, ax = plots.figure()
cplots.change_scatter(ax, change)
plots.annotate(fig, "Occupations: LQ then and now", place=WHERE, level="NUTS3",
               year=f"{base_year}-{year}", source=SOURCE)
display(Image(save(fig, "competences-change")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** entries, exits and the largest growth.

# %% slideshow={"slide_type": "fragment"}
t0 = moves.params["total0"]
counts_by = change["transition"].value_counts()
grew = change.sort_values("growth", ascending=False)
cols = ["name", "employees0", "employees1", "growth", "lq0", "lq1", "transition"]
display(grew.head(8).set_index("occupation")[cols].style.format(
    {"employees0": "{:,.0f}", "employees1": "{:,.0f}", "growth": "{:+,.0f}", "lq0": "{:.2f}", "lq1": "{:.2f}"}))
entries = change[change["transition"] == "entry"]
exits = change[change["transition"] == "exit"]
display(Markdown(
    f"Employees in {P.name}: {t0:,.0f} ({base_year}) -> {total:,.0f} ({year}), {total / t0 - 1:+.1%}. "
    f"{int(counts_by.get('entry', 0))} entries, {int(counts_by.get('exit', 0))} exits, "
    f"{int(counts_by.get('stay', 0))} kept specialisations. Entries: "
    + (", ".join(f"{o} {n} (LQ {a:.2f} -> {b:.2f})" for o, n, a, b in
                 entries[["occupation", "name", "lq0", "lq1"]].itertuples(index=False)) or "none")
    + ". Exits: " + (", ".join(f"{o} {n} (LQ {a:.2f} -> {b:.2f})" for o, n, a, b in
                               exits[["occupation", "name", "lq0", "lq1"]].itertuples(index=False)) or "none")
    + f". Largest growth: {grew.iloc[0]['occupation']} {grew.iloc[0]['name']} ({grew.iloc[0]['growth']:+,.0f})."
    + (f" Panel notes: {'; '.join(moves.notes)}." if moves.notes else "")))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Do districts move into related competences? The principle of relatedness
#
# **Question.** Across Germany, is a district more likely to gain a competence that is related to the
# competences it already holds?
#
# **Method.** For every district and occupation not held in the base year ($M = 0$, cells with a
# value in both years), the relatedness density in the base year is
# $RD_{ro} = \sum_{j \ne o} M_{rj}\phi_{oj} / \sum_{j \ne o}\phi_{oj}$. The cells at risk are split
# into density quintiles (of all German cells); the **entry rate** of a quintile is the share of its
# cells that become present ($LQ \ge 1$) in the end year (Hidalgo et al. 2018). The principle predicts
# rates rising with density. The diamonds are the city's own cells.

# %% slideshow={"slide_type": "subslide"}
entry = V.changes(base_year).entry_rates(region=region)  # all districts, and this district's own cells
rates = entry.table
fig, ax = plots.figure()
plots.entry_rate_bars(ax, rates, overall=entry.params["overall"], highlight_label=f"{region}: entries / cells at risk")
plots.annotate(fig, "Principle of relatedness", place=WHERE, level="NUTS3", year=f"{base_year}-{year}",
               source=[*SOURCE, (f"Bars: all {entry.params['panel']} German districts, cells not present in "
                                 f"{base_year}; entry = LQ >= 1 in {year}. Diamonds: {P.name} ({region}) alone.")])
display(Image(save(fig, "competences-relatedness")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place and for Germany:** the five quintiles with their counts.

# %% slideshow={"slide_type": "fragment"}
shown = rates.rename(columns=lambda c: c.replace("own_", f"{region}_"))
shown[f"{region}_entered"] = shown[f"{region}_entered"].map(lambda o: ", ".join(o))
display(shown.style.format({"density_min": "{:.3f}", "density_max": "{:.3f}", "mean_density": "{:.3f}",
                            "at_risk": "{:,.0f}", "entries": "{:,.0f}", "entry_rate": "{:.1%}",
                            f"{region}_entry_rate": "{:.1%}"}, na_rep="-"))
verdict = ("rises from each bin to the next: the principle of relatedness holds for these occupations"
           if entry.params["rising"] else "does not rise in every step: the evidence for the principle is mixed here")
display(Markdown(
    f"Of {entry.params['at_risk']:,} district-occupation cells not held in {base_year}, {entry.params['entries']:,} "
    f"({entry.params['overall']:.1%}) became present by {year}. The entry rate "
    + ", ".join(f"Q{k} {r['entry_rate']:.1%} ({int(r['entries'])} of {int(r['at_risk'])})" for k, r in rates.iterrows())
    + f" {verdict}. {P.name} itself had {int(rates['own_at_risk'].sum())} occupations at risk and "
    f"{int(rates['own_entries'].sum())} entries: too few cells for a rate of its own, so read the diamonds as anecdotes."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Clusters of competences: occupations that connect several industry clusters
#
# **Question.** The workshop asks for "clusters of competences": a competence that connects several
# value chains. Which of the city's competences connect several of its industry clusters?
#
# **The bridge.** An occupation-industry link needs a bridge, and the snapshot has **no occupation x
# industry table** (the BA publishes occupations by WZ 2008 industry, but not in these files), and the
# bundled industry statistics stop at NUTS2: the bridge **cannot be measured on the 400 districts**. We
# therefore estimate it from co-location over the German NUTS2 regions (the best year both sources share),
# and label it as our own estimate. An occupation and a NACE division are linked by their **association
# strength**, observed over expected co-presence, $AS_{oi} = C_{oi} N / (u_o u_i)$ with
# $C = M_{occ}^\top M_{ind}$, $u$ the ubiquities and $N$ the regions (van Eck & Waltman 2009; 1 = chance): unlike
# the conditional probability it does not favour occupations found everywhere. An occupation's link to an
# industry cluster is the employment- and scheme-weighted mean over the cluster's divisions,
# $L_{oc} = \sum_i w_{ic} x_i AS_{oi} / \sum_i w_{ic} x_i$. **Significance**: the regions of the industry
# matrix are shuffled 999 times (the industries keep their ubiquity and their co-location with each other),
# $p = (1 + \#\{L^{perm} \ge L\}) / 1000$, adjusted for the many pairs tested (Benjamini & Hochberg 1995);
# a pair is **linked** when $L_{oc} > 1$ and the adjusted $p < 0.05$. Industry clusters are the US Cluster
# Mapping clusters present in the city's NUTS2 region ($LQ \ge 1$ or a star, notebook 01); occupations
# are the city's present ones in the analysis year with at least 1,000 employees. A candidate cluster of
# competences is an occupation linked to at least two of them.

# %% slideshow={"slide_type": "subslide"}
industry = Study("sbs", level=2, year=comp.BRIDGE_YEAR).at(P)  # the district's NUTS2 region in the business statistics
bridge = comp.bridge(V, industry)  # occupations of the city linked to two or more of the region's industry clusters
bridges, links, linked = bridge.table, bridge.params["links"], bridge.params["linked"]
shown_rows = bridges["occupation"].head(14).tolist()
shown_cols = [c for c in links.columns if linked.loc[shown_rows, c].any()]
fig, ax = plots.figure()
cplots.bridge_heatmap(ax, links.loc[shown_rows, shown_cols], linked, names=names,
                      empty="no occupation of the city links two of its industry clusters")
plots.annotate(fig, "Competences linking clusters", place=WHERE,
               level="NUTS3", year=year,
               source=SOURCE + [f"Links: estimate, association strength of occupations and NACE divisions over "
                                f"{bridge.params['n_regions']} NUTS2 regions, {bridge.params['year']}; ● = above chance, "
                                f"{bridge.params['permutations']} permutations, BH 5 %. " + plots.SOURCE_SBS,
                                plots.SOURCE_USCMP])
display(Image(save(fig, "competences-bridges")))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **For this place:** the candidate clusters of competences.

# %% slideshow={"slide_type": "fragment"}
display(bridges.head(15).assign(clusters=bridges["clusters"].map(lambda c: "; ".join(c))).set_index("occupation")
        [["name", "employees", "lq", "competence_cluster", "n_clusters", "clusters", "mean_link"]]
        .style.format({"employees": "{:,.0f}", "lq": "{:.2f}", "mean_link": "{:.2f}"}))
hubs = bridges[bridges["n_clusters"] >= 3]
display(Markdown(
    f"{len(bridge.params['present_clusters'])} industry clusters are present in {industry.region} "
    f"{industry.region_name} ({bridge.params['year']}); {len(bridge.params['held'])} sizeable occupations are held by "
    f"{P.name} in {year}. {len(bridges)} of these occupations are "
    f"linked to at least two of the clusters, {len(hubs)} to three or more: "
    + (", ".join(f"**{o} {n}** ({k} clusters)" for o, n, k in hubs[["occupation", "name", "n_clusters"]]
                 .head(8).itertuples(index=False)) or "none")
    + ". " + " ".join(bridge.notes)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Caveats
#
# - **Occupations, not industries.** A KldB group counts what people do, whatever their employer sells:
#   a bank's IT staff count as IT, not as finance. The groups cover finance and public services, which the
#   business statistics lack.
# - **Germany only**, employees subject to social insurance at the place of work on 30 June: no civil
#   servants (Beamte, many teachers and officials), self-employed, soldiers or marginal part-time jobs.
#   A city with many in-commuters has high counts against its residents.
# - **Suppressed cells** are small counts, missing, not zero: LQs use the observed cells; district totals
#   are lower bounds; in the principle of relatedness suppressed cells are left out.
# - **Competence clusters** depend on the backbone (top 5 % of pairs), the quarter cap and the Louvain
#   seed; section 2 reports their stability over other seeds.
# - **The occupation -> industry bridge is our own estimate** from co-location over the country's NUTS2
#   regions in one year (section 6 says how many), tested against chance by permutation, not an employment
#   table of occupations by industry; the industry clusters are those of the
#   NUTS2 region from the business statistics (no finance, no public services), so Financial Services is a
#   fragment there. Read the candidate clusters of competences as hypotheses for the workshop.
# - GDP per head orients the complexity sign only; the regional accounts of the snapshot end before 2025.
