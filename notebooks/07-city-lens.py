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
# # 07 The city lens: the clusters a city declares, against what the data measure
#
# **Question.** A city presents its economy as a short list of clusters: world-class clusters, clusters of
# national scale and other sectors of excellence, or the key sectors of its development agency. Which of these clusters can the official statistics see, are they specialised, which measured
# strengths does the city not name, and how do the city's clusters line up with the region's RIS3 priorities?
#
# **Method in one line.** Each declared cluster is mapped to NACE codes (**our own mapping**, not the city's;
# `data/city_segmentations.csv`), read at NUTS2 in the Eurostat business statistics (NACE divisions), and
# compared with the US Cluster Mapping clusters the data find and with the RIS3 list that applies.

# %% slideshow={"slide_type": "skip"} tags=["parameters"]
place: str = "bordeaux"  # case city key (bordeaux, frankfurt, bilbao, turin, bucharest, porto)
year: int = 0  # analysis year (2008-2015); 0: the place's latest full year (as on its card)
segmentation: str = ""  # one declared list of the city (substring of its name); empty: every list on record
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)

# %% slideshow={"slide_type": "skip"}
import pandas as pd
from IPython.display import Image, Markdown, display

from s3lib import data, plots
from s3lib.plots import citylens as lens_plots
from s3lib.study import Study, place_year

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

year, year_note = place_year(place, year)  # one year per place: the card, the explorer and this notebook agree
V = Study("sbs", level=2, year=year).at(place)  # the city's NUTS2 region in the business statistics
L = V.lens(segmentation or None)  # declared clusters, undeclared strengths, RIS3 rows, urban character
P = L.place
save = plots.saver(figures_dir, place, "07")
D = L.declared
where = f"{P.name} ({L.region})"
SOURCE_SEG = ("Declared clusters: data/city_segmentations.csv (each row sourced; NACE mapping our own). "
              "Codes finer than a division are read through the whole division (upper bound).")
pd.set_option("display.max_colwidth", 90)
display(Markdown(f"**{P.name} ({P.code})**, NUTS2 region {L.region} {V.region_name}; {year_note}; declared "
                 f"*{L.segmentation or 'none on record'}*; RIS3 list matched: {L.ris3_kind}."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. What the city declares
#
# The table below gathers **every list** the city (or its development agency, its cluster organisations, the
# workshop) declares: annual reports' key sectors, cluster initiatives, innovation poles. A cluster named in
# several lists with the same NACE codes is one row; `n_lists` says how many lists name it, `lists` which.
# Rows marked `not found` are claims of the 2016 workshop that no source confirmed; they stay in the table so
# that the claim is still tested. (Reading only the first list made Turin's automotive "not declared", though
# the city's own sectors of excellence name it.)

# %% slideshow={"slide_type": "subslide"}
if L.segmentation:
    lists = data.city_segmentations(P.key)["segmentation"].unique()
    display(Markdown(f"**{P.name}**: {L.segmentation}, {len(D)} distinct clusters. Lists on record for this "
                     "city: " + "; ".join(f"*{s}*" for s in lists) + "."))
    display(D[["cluster", "n_lists", "tier", "nace_detail", "mapping", "status"]].style.hide(axis="index"))
else:
    display(Markdown(f"**{L.notes[0]}** The sections below show only what the data measure."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Declared against measured
#
# **Method.** Each NACE code of a declared cluster is resolved to the NACE divisions the business statistics
# publish: a division is read as it is; a group or class only through its whole division (`C30.12` pleasure
# boats is one of eight classes of `C30`), which makes the division's figure an **upper bound**; codes in
# agriculture (A), finance (K) and public and personal services (O-U) cannot be read at all. With `x_rd` the
# employment of region `r` in division `d` and `D_c` the measurable divisions of cluster `c`:
#
# $$E_{rc} = \sum_{d \in D_c} x_{rd}, \qquad LQ_{rc} = \frac{E_{rc} / T_r}{E_{\cdot c} / T_{\cdot}}$$
#
# over all NUTS2 regions of the business statistics, plus the European Cluster Observatory stars and the US
# CMP strong rule on the same cluster totals. The verdict: **visible and specialised** (`LQ >= 1`), **visible,
# not specialised**, **not measurable at this resolution** (less than half of the measured employment lies in
# divisions the city's codes name whole: the figure is the divisions', not the cluster's), or **not measurable
# in these statistics** (no division the statistics cover, or at least as many of its divisions outside the
# statistics as inside: FinTech read as all of IT services J62-J63 would be IT services, not FinTech), each with
# its reason. **A cluster that is not measurable shows no employment, LQ, stars or strong flag**, only why: the
# figure of a whole division is not the cluster's (Bordeaux's aerospace `C30.3` is one of eight classes of `C30`).

# %% slideshow={"slide_type": "subslide"}
cols = ["cluster", "tier", "employment", "lq", "stars", "strong", "coverage", "verdict"]
display(D[cols].style.format({"employment": "{:,.0f}", "lq": "{:.2f}", "stars": "{:.0f}", "coverage": "{:.0%}"},
                             na_rep="n/m").hide(axis="index"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The clusters the data can measure as bars: the LQ of the cluster's divisions (log scale, 1 = EU average),
# coloured by verdict; the clusters that are not measurable are in the table above, with why.

# %% slideshow={"slide_type": "-"}
measured = D[D["lq"].notna()]  # a cluster the data cannot measure gets no bar: the table above says why
if len(measured):
    fig, ax = plots.figure()
    lens_plots.declared_bars(ax, measured)
    plots.annotate(fig, "Declared clusters measured", place=where, level="NUTS2", year=year,
                   source=[plots.SOURCE_SBS + " Not visible: A, K, O-U (finance, health, culture, agriculture).",
                           SOURCE_SEG])
    display(Image(save(fig, "city-lens-declared")))

# %% slideshow={"slide_type": "subslide"}
lines = []
for r in D.itertuples():
    value = "" if pd.isna(r.employment) else f" ({r.employment:,.0f} employed, LQ {r.lq:.2f})"
    lines.append(f"- **{r.cluster}**{' [' + r.tier + ']' if r.tier else ''}: *{r.verdict}*{value}. {r.reason}.")
display(Markdown("**What it shows for " + P.name + ".**\n\n" + ("\n".join(lines) or "No declared clusters.")))
claims = [f"- **{r.cluster}**: {r.note}" for r in D.itertuples() if any(w in r.note for w in ("jobs", "employ"))]
if claims:
    display(Markdown("**What the sources say about size** (not comparable one to one with division employment):\n\n"
                     + "\n".join(claims)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Caveats.** Local units are classified by their principal activity, so an aerospace supplier that mainly
# machines metal parts sits in `C25`, not `C30`; a cluster organisation's member count or a city's "jobs in the
# sector" (the figures the sources give are listed below) therefore cannot be compared one to one with division
# employment. The figures are for the NUTS2 region, not the city: the business statistics stop at NUTS2.
# Missing cells are confidential, not zero (`coverage`); estimated cells are flagged (`estimated_share`).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Measured strengths the city does not declare
#
# **Method.** The US Cluster Mapping clusters (51 traded clusters carried to NACE divisions) that are
# **strong** (US CMP rule: LQ in the top quarter of regions, LQ >= 1, employment and establishments above the
# lower quartile) or have at least two Cluster Observatory stars in the region. A cluster counts as declared
# when at least half of its employment in the region (or half of its industry weight, for a cluster whose core
# the statistics cannot see) lies in divisions that one of the declared clusters names. A **fragment** (less
# than half of the cluster's industry weight observed in the region, `partial`) shows no size, LQ or stars: its
# stars would be those of the fragment. A cluster whose employment is mostly an apportioned share of divisions
# it shares with other clusters is marked an estimate in `why`.

# %% slideshow={"slide_type": "subslide"}
U = L.undeclared
display(U.style.format({"employment": "{:,.0f}", "lq": "{:.2f}", "stars": "{:.0f}", "share_declared": "{:.0%}",
                        "weight_declared": "{:.0%}"}, na_rep="n/m").hide(axis="index"))
missing = U[~U["declared"] & ~U["partial"]]
display(Markdown(
    f"**{len(missing)} strong or starred clusters with good coverage are not in the declared list**: "
    + ", ".join(f"{r.cluster} ({r.employment:,.0f}, LQ {r.lq:.2f})" for r in missing.itertuples())
    + ". Fragments (`partial`: less than half of the cluster's industries observed) are listed but not counted."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Three ways: declared clusters, RIS3 priorities, data
#
# **Method.** A declared cluster and a RIS3 row *match* when their NACE mappings share a division (both
# mappings are ours). Each pair is **both, measurable** (a shared division the statistics cover),
# **both, not measurable** (they share only divisions outside the statistics); a declared cluster with no
# matching row has **no RIS3 home**, a RIS3 row with no declared cluster has **no city cluster**. Which RIS3
# list applies follows notebook 04: the region's own sourced list, else national fallback domains, else sourced
# regional strengths that are **not** an S3 list (where no S3 priority list was found).

# %% slideshow={"slide_type": "subslide"}
T = L.three_way
kind = {"regional": "the region's own RIS3 list", "national fallback": "national fallback domains",
        "strengths only": "sourced regional strengths (NOT an S3 list: the priority list was not found)",
        "none": "no RIS3 list on record"}[L.ris3_kind]
display(Markdown(f"RIS3 rows matched: **{kind}**, {len(L.priorities)} rows."))
display(T.style.format({"lq": "{:.2f}"}, na_rep="").hide(axis="index"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The match as a grid: declared clusters against RIS3 rows; a filled cell shares a division the data
# measure, an open cell shares only codes outside the business statistics.

# %% slideshow={"slide_type": "-"}
if len(L.priorities) and len(D):
    fig, ax = plots.figure()
    lens_plots.three_way_grid(ax, T)
    plots.annotate(fig, "Declared clusters x RIS3 rows", place=where, level="NUTS2", year=year,
                   source=[plots.SOURCE_SBS, SOURCE_SEG,
                           (f"RIS3 rows: data/ris3_priorities.csv, {kind}; NACE mappings our own. Filled = shares a "
                            "measurable division (LQ of the declared cluster); open = only divisions outside SBS.")])
    display(Image(save(fig, "city-lens-three-way")))

# %% slideshow={"slide_type": "subslide"}
counts = T["match"].value_counts()
homeless = T.loc[T["match"] == "cluster without RIS3 home", "cluster"].tolist()
orphans = T.loc[T["match"] == "priority without city cluster", "priority"].tolist()
both = T[T["match"] == "both, measurable"]
specialised = both[both["verdict"] == "visible and specialised"]
display(Markdown(
    f"**What it shows.** {counts.get('both, measurable', 0)} cluster-priority pairs share a measurable division, "
    f"{counts.get('both, not measurable', 0)} share only divisions outside the statistics. "
    f"Declared clusters with no RIS3 home: {', '.join(homeless) or 'none'}. "
    f"RIS3 rows with no declared cluster: {', '.join(orphans) or 'none'}. "
    f"Pairs where the data also show a specialised cluster: "
    f"{', '.join(sorted(set(specialised['cluster']))) or 'none'}."
    + (" The RIS3 rows here are regional strengths, not priorities: the match is for orientation only."
       if L.ris3_kind == "strengths only" else "")))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Emerging urban industries
#
# The workshop singles out clusters with a special link to urban space: knowledge-intensive business services
# (KIBS, with FinTech), the creative economy, digital and smart-city clusters. `data/emerging_industries.csv`
# gives them as NACE lists: the Eurostat knowledge-intensive services (KIS) and the OECD ICT sector are official;
# KIBS, the cultural and creative industries and the digital / smart-city cluster are **our own** mappings
# (the official KIBS, ESSnet-Culture and Cluster Observatory lists could not be read: status rows). They are
# measured like the declared clusters, and the share of their codes the business statistics cannot see is
# shown next to each.

# %% slideshow={"slide_type": "subslide"}
emerging = V.emerging()  # every list (kind "list") and its clusters (kind "cluster"), measured like declared clusters
ET = emerging.table[emerging.table["kind"] == "list"]
EM = emerging.table[emerging.table["kind"] == "cluster"]
fmt = {"outside": "{:.0%}", "employment": "{:,.0f}", "lq": "{:.2f}", "stars": "{:.0f}"}
display(ET[["cluster", "mapping", "outside", "employment", "lq", "stars", "verdict"]].style.format(fmt, na_rep="n/m")
        .hide(axis="index"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The emerging industries as bars: LQ of their divisions in the region; a list whose codes are mostly finer
# than divisions (OECD ICT, creative, digital) or outside the statistics (FinTech) has no bar, only its verdict.

# %% slideshow={"slide_type": "-"}
fig, ax = plots.figure()
lens_plots.declared_bars(ax, ET.assign(tier=""), label_width=30)
plots.annotate(fig, "Emerging urban industries measured", place=where, level="NUTS2", year=year,
               source=[plots.SOURCE_SBS + (" Not visible: finance K (FinTech, financial KIS), O-U (public, health, "
                                           "culture R: much of the creative economy)."),
                       ("Lists: data/emerging_industries.csv; KIS (Eurostat) and ICT (OECD) official, (ours) = our own "
                        "mapping. No bar: not measurable (codes finer than divisions or outside the statistics).")])
display(Image(save(fig, "city-lens-emerging")))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each list broken down into its clusters (e.g. the KIBS list's legal, consulting and R&D parts), measured
# the same way; `outside` is the share of a cluster's codes the business statistics cannot see:

# %% slideshow={"slide_type": "-"}
display(EM[["cluster", "mapping", "outside", "employment", "lq", "stars", "verdict"]].style.format(fmt, na_rep="n/m")
        .hide(axis="index"))
visible = ET[ET["verdict"] == "visible and specialised"]["cluster"].tolist()
display(Markdown(
    f"**What it shows.** Visible and specialised in {L.region}: {', '.join(visible) or 'none'}. The OECD ICT, "
    "creative and digital lists are mostly NACE classes, which division statistics cannot isolate (ICT trade "
    "would be all of wholesale G46); FinTech is partial codes of J62/J63 and K64/K66 (K invisible): these print "
    "no figures. The same lists are built-in cluster schemes: `Study(scheme=\"kibs\")`, "
    "`\"kis\"`, `\"ict_oecd\"`, `\"cci_own\"`, `\"digital_smart\"` give their portfolio, stars and strong "
    "clusters like notebook 01."))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Urban character at NUTS3.** The business statistics stop at NUTS2; the regional accounts give the city's
# NUTS3 region in broad sectors (J information and communication, K finance, M-N professional and support
# services, R-U arts and other services; only the coarser G-J, K-N, O-U for German and Spanish NUTS3 regions).
# With `x` the employment of the city's NUTS3 region `c` and its NUTS2 region `R` in sector `s`:
#
# $$U_s = \frac{x_{cs} / x_{Rs}}{x_{c,total} / x_{R,total}}$$
#
# Above 1, the sector is more concentrated in the city than the region's jobs as a whole.

# %% slideshow={"slide_type": "subslide"}
if L.urban is None:
    display(Markdown(f"**Not available for {P.name}:** {L.urban_note}."))
else:
    display(L.urban.style.format({"city": "{:,.0f}", "region": "{:,.0f}", "city_share": "{:.0%}",
                                  "urban_character": "{:.2f}"}).hide(axis="index"))
    fig, ax = plots.figure()
    lens_plots.urban_bars(ax, L.urban)
    plots.annotate(fig, "Urban character", place=f"{P.name} ({P.nuts3})",
                   level="NUTS3", year=year,
                   source=[plots.SOURCE_NAMA + " All employment, finance and public services included.",
                           L.urban_note])
    display(Image(save(fig, "city-lens-urban")))
    top = L.urban.sort_values("urban_character", ascending=False).iloc[0]
    display(Markdown(f"**What it shows.** {P.name} holds {top.city_share:.0%} of its region's jobs in sector "
                     f"{top.sector}, {top.urban_character:.2f} times its share of all the region's jobs."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Beyond the division data: external benchmarks and the city's own data
#
# Some declared clusters cannot be reached by division statistics at all: an aerospace filière spans C25-C28, C30,
# C33 and services, so no split of C30 can count it. `data/benchmarks.csv` holds published external figures for
# such clusters (INSEE's counts of the aerospace filière around Bordeaux), each with its territory, scope and
# source: they are shown **beside** the cluster's NUTS2 bounds, never used as inputs. For a French city with city
# data (URSSAF), its declared clusters and the emerging lists are then read on NACE classes, for the city itself.

# %% slideshow={"slide_type": "subslide"}
from s3lib.data.urssaf import COUNTRY as CITY_DATA_COUNTRY
from s3lib.errors import UsageError
from s3lib.study.city import city
from s3lib.study.city_region import benchmarks

B = benchmarks(V)
if len(B.table):
    display(B.table[["cluster", "territory", "measure", "value", "reference", "nuts2_lower", "nuts2_upper"]]
            .style.format({"value": "{:,.0f}", "nuts2_lower": "{:,.0f}", "nuts2_upper": "{:,.0f}"}, na_rep="–")
            .hide(axis="index"))
    display(Markdown("Sources: " + "; ".join(sorted(set(B.table["source"]))) + "."))
    first = B.table.dropna(subset=["nuts2_upper"]).head(1)
    if len(first):
        b = first.iloc[0]
        display(Markdown(f"**What it shows.** {b['cluster']}: the business statistics give {V.region_name} "
                         f"{b['nuts2_lower']:,.0f} to {b['nuts2_upper']:,.0f} persons employed in {year}, against about "
                         f"{b['value']:,.0f} {b['measure']} in the {b['territory']} ({b['reference']}): the external "
                         f"figure counts a filière with its supply chain and services, which division data cannot reach."))
display(Markdown("\n".join(f"- {n}" for n in B.notes)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The city's own data.** Where the snapshot holds the city's private employment by activity class (URSSAF), its
# declared clusters and the KIBS list are read on the classes they name, for the intercommunality the city belongs
# to, with their growth; a cluster's LQ is a range against France's divisions offline and a point against France's
# private employees by class once the national table is fetched. Other places say why they have none.

# %% slideshow={"slide_type": "-"}
C = None
if P.country == CITY_DATA_COUNTRY:
    try:
        C = city(P.city or P.name)
    except UsageError as err:
        display(Markdown(f"No city-level industry data for {P.name} in this snapshot: {err}"))
else:
    display(Markdown(f"No city-level industry data for {P.name}: the city data of the snapshot (URSSAF) are French."))
if C is not None:
    DC = C.declared()  # the declared lists of the case city the territory stands for, if any
    if len(DC.table):
        display(DC.table[["cluster", "tier", "codes", "employees", "growth", "share"]].style.format(
            {"employees": "{:,.0f}", "growth": "{:+.0%}", "share": "{:.1%}"}, na_rep="–").hide(axis="index"))
    KB = C.clusters("kibs").table
    lq_columns = [c for c in ("lq", "lq_low", "lq_high") if c in KB]
    display(KB[["employees", "share", "growth", *lq_columns]].style.format(
        {"employees": "{:,.0f}", "share": "{:.1%}", "growth": "{:+.0%}", **{c: "{:.2f}" for c in lq_columns}},
        na_rep="–"))
    display(Markdown(f"**{C.territory.name} at class level ({C.year}).** Declared clusters and the KIBS list read on "
                     "NACE classes, with growth since " + str(C.base_year) + ".\n\n"
                     + "\n".join(f"- {n}" for n in [*DC.notes, *C.clusters('kibs').notes[5:6]])))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Caveats
#
# - The NACE mapping of every declared cluster and of KIBS, the creative industries and the digital cluster is
#   ours; the sources name clusters, not codes.
# - Finance (K), health (Q86), culture (R) and agriculture (A, e.g. vineyards) are outside the business
#   statistics: clusters built on them are understated or invisible at NUTS2.
# - Industry figures are for the NUTS2 region, not the city.

# %% slideshow={"slide_type": "skip"}
display(Markdown("\n".join(f"- {n}" for n in L.notes if n)))
