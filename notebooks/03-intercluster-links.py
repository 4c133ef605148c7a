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
# # Intercluster links
#
# Which of a place's clusters are related to each other, which clusters bridge otherwise distant
# parts of the economy ("clusters of competences"), and which pairs of the place's own clusters
# could cooperate? Clusters are groups of related industries; two clusters are *related* when
# their industries share workers' skills, buy from and sell to each other, or locate together.
#
# Detailed industry data (Eurostat structural business statistics, NACE divisions) stop at NUTS2,
# so a city is represented by its NUTS2 region.

# %% tags=["parameters"] slideshow={"slide_type": "skip"}
place: str = "frankfurt"  # case place key (frankfurt, bordeaux, bilbao, turin, bucharest, porto) or any NUTS code
year: int = 0  # analysis year (2008-2015); 0: the place's latest full year (as on its card)
scheme: str = "uscmp"  # cluster scheme: "uscmp" (US Cluster Mapping, 51 traded clusters), "colocation" or a CSV/YAML path
figures_dir: str = ""  # where figures are written (the runner sets it; empty: the project's figures/)
partner_cluster: str = ""  # cluster (or a segment the city declares) for the partners abroad; empty: the leading cluster

# %% slideshow={"slide_type": "skip"}
import networkx as nx
from IPython.display import Image, Markdown, display

from s3lib import data, plots
from s3lib.measures.partners import GATE_FLAG
from s3lib.plots.partners import partners_figure
from s3lib.study import Study, place_year
from s3lib.study.partners import region_geometries

plots.show_tables_for_people()  # every table below for people: plain headers, yes/no, thousands separators

year, year_note = place_year(place, year)  # one year per place: the card, the explorer and this notebook agree
study = Study("sbs", level=2, year=year, scheme=scheme)
V = study.at(place)
P, region, portfolio = V.place, V.region, V.portfolio
source = "uscmp" if study.scheme.name == "uscmp" else "colocation"
network = study.network
where = V.label
full = f"{P.name} ({P.code})" + (f", NUTS2 region {region}" if P.code != region else "")
emp = portfolio.set_index("cluster")["employment"]
lq = portfolio.set_index("cluster")["lq"]
specialised = lq[lq >= 1].index
partial = portfolio.loc[portfolio["partial"], "cluster"].tolist()
missing = sorted(set(network.nodes) - set(emp.index))
sources = [study.space.source, plots.SOURCE_USCMP if source == "uscmp" else
           f"Clusters: scheme {scheme}; links: EU co-location of NACE divisions, {year} (s3lib)."]
save = plots.saver(figures_dir, place, "03")
display(Markdown(
    f"**{full}**, {year_note}, cluster scheme `{scheme}`: {len(emp)} of {network.number_of_nodes()} clusters observed "
    f"in {region}, {len(specialised)} specialised (LQ >= 1 against all EU NUTS2 regions). "
    + (f"No observed industry at all: {', '.join(missing)}. " if missing else "")
    + (f"Fragments (under half of the cluster's industry weight observed): {', '.join(partial)}." if partial else "")
))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The related-cluster network and the place's clusters
#
# **Method.** With the US Cluster Mapping scheme, links are the *related clusters* of Delgado, Porter
# & Stern (2016): for each pair of the 51 traded clusters a combined relatedness `cr_all` (a z-score
# combination of co-location of employment and establishments, input-output links and occupational
# similarity, measured on US data); a pair is related when it is in the top decile
# (`rel_all_90_v3`, 128 links). For other schemes, links are the top decile of the mean EU co-location
# proximity $\varphi$ over industry pairs across two clusters. On the network, node area is the
# place's employment in the cluster, $E_{rc} = \sum_i w_{ic} x_{ri}$, and colour its location quotient
# $LQ_{rc} = (E_{rc}/T_r)/(E_{\cdot c}/T_{\cdot})$ against all EU NUTS2 regions (purple above 1,
# orange below; log scale centred at 1, from 0.25 to 4, the same for every place). Dark thick links join two of the place's own clusters:
# the cooperation pairs of section 3 that are also related pairs of this network (a pair can be related on
# one channel of section 3 without being in the network's top decile). The layout is a spring layout with a
# fixed seed, so every place gets the same map.

# %% slideshow={"slide_type": "subslide"}
coop = V.cooperation.table  # the top pairs of the place's own clusters (section 3)
development = V.development.table  # a held cluster with a related one the place does not have yet
pos = plots.network_layout(network, seed=2014)
shown = list(emp.nlargest(6).index) + list(lq[emp.reindex(lq.index) > 0].nlargest(8).index)
shown = list(dict.fromkeys(shown))[:12]
fig, ax = plots.figure()
plots.network_chart(ax, network, emp, lq, labels={c: plots.short_name(c, 30, first_part=False) for c in shown}, pos=pos,
                    highlight_edges=list(zip(coop["cluster_a"], coop["cluster_b"]))[:10],
                    isolated_label="no related cluster (not in any top-decile pair):")
plots.annotate(fig, "Related clusters" + (" (US CMP)" if source == "uscmp" else " (EU co-location)"), place=where,
               level="NUTS2", year=year,
               source=[*sources, ("Node area = persons employed in the cluster; colour = LQ vs all EU NUTS2 regions; "
                                  "dark links: the cooperation pairs of section 3 in this network.")])
Image(save(fig, "network"))

# %% slideshow={"slide_type": "fragment"}
whole = [c for c in specialised if c not in set(partial)]  # fragments are too little observed to count
sub = network.subgraph(whole)
groups = sorted(nx.connected_components(sub), key=len, reverse=True) if len(specialised) else []
biggest = groups[0] if groups else set()
display(Markdown(
    f"{region} is specialised in {len(specialised)} clusters ({len(whole)} not fragments); {sub.number_of_edges()} "
    "related links of this network join two of those. "
    + (f"The largest connected group of its specialised clusters has {len(biggest)} members: "
       f"{', '.join(sorted(biggest))}. " if len(biggest) > 1 else
       "None of its specialised clusters are related to each other in this network. ")
    + f"Its largest cluster by employment is {emp.idxmax()} ({emp.max():,.0f} persons, LQ {lq[emp.idxmax()]:.2f})."
))
unseen = V.unobserved
display(Markdown("\n".join(
    [f"- Barely observable here (under half of the cluster's industry weight observed): "
     f"{', '.join(unseen['cluster'].head(6)) or 'none'}."] + [f"- {c}" for c in V.caveats])))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* The US links are US evidence carried to Europe: European value chains and skill pools
# may differ. Cluster employment is mapped from NACE divisions through a derived NAICS-to-NACE
# correspondence, so a division split over several clusters is shared by weights. The business
# statistics have no finance and insurance (NACE K), agriculture (A) or public and personal services
# (O-U): clusters built on them are barely observable, and confidential cells make some clusters
# lower bounds. Local units are classified by their principal activity, so a cluster can be partly
# counted in the divisions of its suppliers (metalworking, electronics, machinery). The caveats
# particular to this place follow the figure's reading above.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Bridging clusters: clusters of competences
#
# **Method.** The betweenness centrality of a cluster is the share of shortest paths between two other
# clusters that run through it (computed on the unweighted network of related pairs, normalised as in
# networkx). A cluster with high betweenness links parts of the economy that are otherwise far apart:
# a candidate *cluster of competences*, whose skills or technologies cut across sectors. The top 10 %
# are flagged as bridging. This ranking is the same for every place; the bold labels (●) mark the
# clusters in which this place is specialised.

# %% slideshow={"slide_type": "subslide"}
bridges = study.bridging
fig, ax = plots.figure()
plots.betweenness_bars(ax, bridges, n=12, specialised=specialised)
plots.annotate(fig, "Bridging clusters (betweenness)", place=where, level="NUTS2", year=year,
               source=[*sources, ("Betweenness on the network of related pairs (networkx, normalised); "
                                  "top 10 % flagged as bridging; ● = LQ >= 1 in the place.")])
Image(save(fig, "bridging"))

# %% slideshow={"slide_type": "fragment"}
flagged = bridges.loc[bridges["bridging"], "cluster"].tolist()
own = [c for c in flagged if c in specialised]
display(Markdown(
    f"Bridging clusters: {', '.join(flagged)}. "
    + (f"{region} is specialised in {len(own)} of them ({', '.join(own)}): competences it can build on to link its "
       "other clusters." if own else
       f"{region} is specialised in none of them: its clusters are not connected through a local bridging cluster.")
    + (f" Specialised in {region} but without any related cluster in the network (zero betweenness): "
       f"{', '.join(isolated)}." if (isolated := [c for c in specialised if c in network and network.degree(c) == 0])
       else "")
))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* Betweenness is a property of the network, not of the place: with US links it ranks the
# US value chains and skill pools. A cluster with no related cluster in the top decile gets zero
# betweenness even where it is a regional strength (the reading above names such clusters of the place).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Cooperation pairs and development pairs
#
# **Question.** Which two of the place's clusters could gain most from working together, and which cluster
# the place does not have yet could grow from one it has (the workshop's photonics with aerospace)?
#
# **Method.** Three channels of relatedness are judged **each on its own**, so a strong link on one channel
# is not diluted by the others: **co-location** in Europe, the association strength of two clusters' presence
# ($LQ \ge 1$) across the sample's NUTS2 regions, $AS_{ab} = C_{ab} N / (U_a U_b)$ with $C_{ab}$ the regions where
# both are present, $U$ the ubiquities and $N$ the regions: observed over expected co-occurrence (van Eck &
# Waltman 2009; EconGeo's `relatedness(method = "association")`); the **value chain** (input-output links) and
# **occupations** (shared skills: the competence channel) of the US Cluster Mapping related clusters (Delgado,
# Porter & Stern 2016), each divided by the geometric mean of the two clusters' average relatedness,
# $s_{ab} = r_{ab} / \sqrt{\bar r_a \bar r_b}$, so that a hub related a little to everything (distribution,
# business services) no longer outranks a pair related strongly to each other. Each channel is turned into a
# percentile among all pairs of clusters; a pair is related on a channel at the **90th percentile** or above.
# Where two clusters both draw half or more of their employment from the same divisions (footwear and leather
# from C15), their co-location restates those divisions and is not counted (`shared_divisions`); only the US
# channels, measured on finer industries, can relate them.
#
# A **cooperation pair** joins two clusters the place holds: specialised ($LQ \ge 1$), not a fragment, and at
# least 1,000 persons and 0.5 % of the region's employment (a cluster resting on divisions it shares with
# other clusters is sized on the whole divisions and flagged `apportioned`). A **development pair** joins a
# held cluster with a related cluster the place does not have yet ($LQ < 1$), large enough to be a path and
# not bound to a location (mining, fishing: `data/cluster_roles.csv`), not a latent strength ($LQ < 0.9$ now,
# $< 1$ in the five years before, the rule of notebook 02) and not the other half of divisions the held
# cluster draws on. Pairs are ranked by the number of channels, then by the mean percentile over every channel
# measured (evidence on all of them beats one extreme), then by the LQ of the weaker cluster; **at most two of
# the five pairs may share one cluster**, unless the data leave no other pair (said below).

# %% slideshow={"slide_type": "subslide"}
def pair_table(pairs):
    """The pairs as a table a room can read: the two clusters, their LQs, the channels that relate them, notes."""
    notes = [", ".join(w for w, flag in (("apportioned", r.apportioned), ("shares divisions", r.shared_divisions))
                       if flag) for r in pairs.itertuples()]
    shown = pairs[["cluster_a", "cluster_b", "lq_a", "lq_b", "channels"]].assign(note=notes)
    return shown.rename(columns={"cluster_a": "cluster", "cluster_b": "with", "lq_a": "LQ", "lq_b": "LQ with"}).style \
        .format({"LQ": "{:.2f}", "LQ with": "{:.2f}"}).hide(axis="index")


if len(coop):
    display(Markdown(f"**Cooperation pairs in {region}**, {year}:"))
    display(pair_table(coop))
else:
    display(Markdown(f"No two clusters held in {region} are related on any channel at the 90th percentile."))

# %% slideshow={"slide_type": "subslide"}
if len(development):
    display(Markdown(f"**Development pairs in {region}**, {year}: a cluster held here and a related cluster not yet held"))
    display(pair_table(development))
else:
    display(Markdown(f"No cluster held in {region} has a related cluster that could be a path."))
display(Markdown("Each channel's percentile among all pairs of clusters (co-location, value chain, occupations) is "
                 "in the tables `V.cooperation.table` and `V.development.table`; *apportioned*: a cluster rests on "
                 "divisions shared among clusters; *shares divisions*: the two clusters draw most of their jobs from "
                 "the same divisions, so their co-location is not counted."))

# %% slideshow={"slide_type": "fragment"}
lines = []
if len(coop):
    top = coop.iloc[0]
    uses = coop[["cluster_a", "cluster_b"]].stack().value_counts()
    lines.append(f"{V.cooperation.params['candidates']} pairs of held clusters are related on at least one channel; the "
                 f"five shown involve {len(uses)} different clusters. The first: **{top['cluster_a']} with "
                 f"{top['cluster_b']}** ({top['reason']}).")
if len(development):
    first = development.iloc[0]
    lines.append(f"The first development pair: **{first['cluster_a']} towards {first['cluster_b']}** ({first['reason']}).")
lines += [note for result in (V.cooperation, V.development) for note in result.notes]
display(Markdown(" ".join(lines) or f"No pair for {region}."))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* A pair is worth a conversation, not evidence of existing cooperation: the data say that the
# two clusters are related elsewhere and held here, not that local firms already work together. The value
# chain and occupation channels are US evidence; co-location is European. A development pair names a
# direction, not a forecast: the target cluster still has to pass the new-path rules of notebook 02 at the
# level of its industries.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Partners abroad
#
# **Question.** Cooperation within the city is one half of intercluster work; the other is internationalisation.
# Which regions abroad should the managers of one of the place's clusters, or the city's international office,
# approach, and why: to benchmark and brand together, to complete a value chain, or to join a shared strategy?
#
# **Method.** For the place's leading cluster (or the cluster or declared segment named in the parameters; a
# declared segment is read as the cluster whose employment it overlaps most, $O / \sqrt{E_{segment} E_{cluster}}$),
# every other EU NUTS2 region is judged in three ways, each row with its reason in words and numbers:
#
# * **Peers** are strong in the same cluster: specialised ($LQ_{rc} \ge 1$) with at least 1,000 persons employed,
#   ranked by Cluster Observatory stars (size, specialisation, focus), then by the mean percentile of their
#   employment and LQ among all regions with the cluster. They are the regions to benchmark against, brand with
#   and promote abroad with.
# * **Complements** are strong (same test) in a cluster related to it that the place lacks or has weakly
#   ($LQ < 1$), at most two regions per related cluster; clusters bound to a location (mining, fishing, forestry:
#   `data/cluster_roles.csv`) are not sought. They are the value-chain and cross-innovation partners, so the
#   relation must pass a **gate**: the two clusters are related on **at least two of the three channels** of
#   section 3 at the 90th percentile (EU co-location, US value chain, US shared occupations; co-location not
#   counted for clusters cut from the same divisions). Delgado, Porter & Stern (2016) relate clusters on a
#   combination of linkage types because each type alone captures one partial reason for two industries to go
#   together; Neffke & Henning (2013) show that skill links and value-chain links are distinct, and that a
#   value-chain link alone says little about shared capabilities. One channel alone at the 90th percentile admits
#   17.5 % of all pairs of the 51 clusters, the generic ones among them: electricity bought by steelworks, drivers
#   shared by logistics and waste collection, craft occupations shared by jewellery and car parts; two channels
#   admit 6.3 %. Regions strong in a cluster related on one channel only are **set apart** with the flag *below the
#   relatedness gate* and the channel named, never ranked; the place's clusters that pass the gate but are held at
#   home are cooperation within the place (section 3), not partners abroad.
# * **Priority partners** are regions whose *sourced* RIS3 priorities name the cluster's activities (the priority's
#   NACE codes, our own mapping, cover at least half of the cluster's employment). Sourced lists exist for a few
#   regions only; a region without one is never a priority partner, and the notes below say so.
#
# The integrity rules of every advice table apply. A partner must pass on **clean cells** (published, not an
# estimate of a confidential cell, no cell break in the study year or the five before); on the **apportioned**
# value of a cluster whose divisions are shared among clusters, not only with whole divisions; and its value
# must not be mostly a **division another cluster claims** (the division goes mostly, by class count, to a
# sibling cluster that the region holds on divisions of its own: C30 is a quarter ships and an eighth aircraft,
# so a coast that holds water transport reads its C30 as shipbuilding). Such regions are **set apart**, with the
# flag, never ranked. By default the place's own country is left out (partners *abroad*); distances are great-circle
# km between the centroids of the NUTS regions.

# %% slideshow={"slide_type": "subslide"}
P = V.partners(partner_cluster or None, n=5)
geometry = region_geometries(study.level, tuple(study.counts.index))
fig = partners_figure(P, geometry, borders=data.geometries(0), label=where)
Image(save(fig, "partners"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Reading the map.** The place's region is black; the first five peers (blue, `P1`...) and complements (orange,
# `C1`...) are numbered as in the list beside the map; regions whose sourced RIS3 priorities name the cluster are
# outlined in green; regions that would pass but are set apart by the integrity rules are hatched grey (regions
# below the relatedness gate are not drawn: they are not partners of this cluster). The table
# below gives the numbers each peer is ranked on; the reading after the tables names the first of each kind with
# its reason and every region set apart with its flag.

# %% slideshow={"slide_type": "fragment"}
display(Markdown(" ".join(P.notes)))


def partner_table(table, columns):
    """The rows a room reads: the region, its country and the numbers that rank it."""
    shown = table[list(columns)].rename(columns=columns)
    return shown.style.format({c: "{:,.0f}" for c in ("employed", "km")} | {c: "{:.2f}" for c in ("LQ", "covers")}
                              | {"stars": "{:.0f}"}, na_rep="-").hide(axis="index")


display(Markdown(f"**Peers abroad in {P.cluster}**, {year}:" if len(P.peers) else
                 f"No region abroad is specialised in {P.cluster} on clean cells within the options."))
if len(P.peers):
    display(partner_table(P.peers.table, {"name": "region", "country": "country", "employment": "employed",
                                          "lq": "LQ", "stars": "stars", "distance_km": "km"}))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Complements are listed with the related cluster they are strong in and the place's own LQ in it ("LQ here",
# below 1 by construction); priority partners with the priority that names the cluster and the share of the
# cluster's employment its NACE codes cover.

# %% slideshow={"slide_type": "fragment"}
display(Markdown(f"**Complements abroad**: strong in a cluster related to {P.cluster} on two channels that {region} "
                 "lacks" if len(P.complements) else "No complement abroad within the options passes the gate."))
if len(P.complements):
    display(partner_table(P.complements.table, {"name": "region", "country": "country", "related": "strong in",
                                                "lq": "LQ", "place_lq": "LQ here", "distance_km": "km"}))
display(Markdown(f"**Priority partners** (sourced RIS3 lists naming {P.cluster}):" if len(P.priority) else
                 "No priority partner: " + P.priority.notes[-1]))
if len(P.priority):
    display(partner_table(P.priority.table, {"name": "region", "country": "country", "priority": "priority",
                                             "covers": "covers", "distance_km": "km"}))

# %% slideshow={"slide_type": "fragment"}
home = V.partners(P.asked, kind="peers", countries=[P.place.country], other_countries=False, n=3).peers.table
lines = [f"- **{kind}: {result.table['name'].iloc[0]} ({result.table['country'].iloc[0]})**: "
         f"{result.table['reason'].iloc[0]}." for kind, result in (("First peer", P.peers),
                                                                  ("First complement", P.complements),
                                                                  ("First priority partner", P.priority))
         if len(result)]
if len(home):
    lines.append(f"- At home ({P.place.country}, left out above): " + ", ".join(home["name"]) + ".")
gate = P.apart["flag"] == GATE_FLAG
apart, below = P.apart[~gate], P.apart[gate]
if len(apart):
    lines.append("- Set apart, never ranked: " + "; ".join(f"{r['name']} ({r['country']}, {r['cluster']}): {r['why']}"
                                                        for _, r in apart.head(3).iterrows()) + ".")
if len(below):
    lines.append("- Below the relatedness gate, never ranked: " + "; ".join(
        f"{r['name']} ({r['country']}): {r['why']}" for _, r in below.head(3).iterrows()) + ".")
lines += [f"- {note}" for result in (P.peers, P.complements, P.priority) for note in result.notes]
display(Markdown("\n".join(lines)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* Statistics find candidates, not agreements: a region on these lists is strong or related in the
# data, not a partner that wants to cooperate; the next step is a conversation with its cluster organisation,
# development agency or RIS3 team. Strength is measured at NUTS2 in the business statistics of one year, so a
# peer is a region, not a city, and finance, agriculture and public services are invisible. A cluster built on a
# slice of shared divisions (aerospace is an eighth of C30 by class count) is ranked on that slice: the
# whole-division value is shown beside it, regions whose value rests on it alone are set apart, and rail and
# motorcycle makers inside C30 cannot be told from aircraft makers by any signal in these data. The related
# clusters are US evidence carried to Europe. Priority partners depend on which RIS3 lists were found and on our
# own NACE mapping of them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. For comparison: links from European co-location
#
# **Method.** The same clusters linked by European evidence: the mean co-location proximity $\varphi$
# of their NACE divisions over all EU NUTS2 regions in the analysis year, the top decile of cluster
# pairs counting as related. Co-location is only one of the three US channels and it is measured on
# coarse divisions, so agreement with the US links is partial by construction.

# %% slideshow={"slide_type": "subslide"}
eu = study.colocation_network
fig, ax = plots.figure()
plots.network_chart(ax, eu, emp, lq, labels={c: plots.short_name(c, 30, first_part=False) for c in shown},
                    pos=plots.network_layout(eu, seed=2014), isolated_label="no link in the top decile of EU co-location:")
plots.annotate(fig, "Related clusters (EU co-location)", place=where, level="NUTS2", year=year,
               source=[plots.SOURCE_SBS, (f"Links: top decile of mean EU co-location phi between the clusters' NACE "
                                          f"divisions, {year} (s3lib); node area = employment, colour = LQ.")])
Image(save(fig, "network-eu"))

# %% slideshow={"slide_type": "fragment"}
us_links = {frozenset(e) for e in network.edges} if source == "uscmp" else set()
eu_links = {frozenset(e) for e in eu.edges}
if us_links:
    common = us_links & eu_links
    display(Markdown(
        f"The EU co-location network has {len(eu_links)} links, the US network {len(us_links)}; {len(common)} are in "
        f"both (Jaccard {len(common) / len(us_links | eu_links):.2f}). Links found only in Europe are co-location "
        "patterns of the business statistics' divisions; links found only in the US come from value chains and skills."
    ))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *Caveats.* The EU links rest on the presence (LQ >= 1) of NACE divisions in one year: services found
# in every region (business services, distribution) co-locate with nothing in particular and end up
# without links, while resource-based clusters co-locate strongly. Use the two networks side by side:
# a pair linked in both is the firmest evidence of relatedness.
