"""Competences of a place: its occupations, competence clusters, change, and the occupations that
connect its industry clusters.

Every function takes the view of a place in a study of an occupation space (``Study("occupations",
3, year).at("Frankfurt am Main")``) and returns labelled tables; notebook 06 and the card ask them,
none recomputes them. The pure measures are :mod:`s3lib.measures.competences`. Occupations say what
people *do*, not what their employer sells; the data cover one country (the space's ``country``).
"""
from __future__ import annotations

import pandas as pd

from s3lib.errors import UsageError
from s3lib.measures import competences as cm
from s3lib.result import Result

__all__ = ["BRIDGE_YEAR", "MIN_EMPLOYEES", "bridge", "city_region", "competence_clusters", "competence_table",
           "occupation_changes", "occupation_portfolio"]

#: Occupations listed in a portfolio need at least this many employees in the place (tiny groups give
#: large but meaningless LQs).
MIN_EMPLOYEES = 1000
#: Year of the industry statistics the occupation -> industry bridge is estimated on (the best year both
#: sources share).
BRIDGE_YEAR = 2014


def _check(view) -> None:
    if view.study.space.kind != "occupations":
        raise UsageError(f"competences need a view of an occupation space, not {view.study.space.key!r} "
                         f"({view.study.space.kind})")


def occupation_portfolio(view) -> pd.DataFrame:
    """Every occupation of the place: ``occupation, name, employees, share, lq, present, pci``, by LQ
    (:func:`s3lib.measures.competences.portfolio`; suppressed cells last, missing)."""
    _check(view)
    s = view.study
    return cm.portfolio(s.counts, s.lq, view.region, s.space.names(), s.pci)


def competence_table(view, min_employees: int = MIN_EMPLOYEES) -> pd.DataFrame:
    """The place's occupations with at least ``min_employees`` employees, by LQ (the card's panel, the
    notebook's bars)."""
    table = occupation_portfolio(view)
    return table[table["employees"] >= min_employees].reset_index(drop=True)


def competence_clusters(view) -> Result:
    """Competence clusters of the study (Louvain communities of the co-location backbone over all the
    space's districts, :func:`s3lib.measures.competences.competence_clusters`) with the place's profile.

    ``table``: the place's employees, share and LQ in each cluster (:func:`s3lib.measures.competences.cluster_profile`,
    index ``cluster``: ``label, n, employees, share, lq, members``); ``params``: ``clusters`` (the cluster
    number of every occupation, a Series), ``method``, ``modularity``, ``n_clusters``.
    """
    _check(view)
    s = view.study
    clusters = cm.competence_clusters(s.proximity)
    membership = clusters.table["cluster"]
    profile = cm.cluster_profile(s.counts, membership, view.region, s.space.names(), top=3)
    return Result(profile, (), {**clusters.params, "clusters": membership})


def city_region(view) -> Result:
    """The place against the other districts of its NUTS2 region and against the country
    (:func:`s3lib.measures.competences.compare_levels`); a place that is its own NUTS2 region (Berlin,
    Hamburg) is compared with the rest of the country. ``params``: ``parent``, ``rest_label``, ``n_rest``."""
    _check(view)
    s, p = view.study, view.place
    counts = s.counts
    others = counts.index.str.startswith(p.nuts2) & (counts.index != view.region)
    parent = p.nuts2 if others.any() else p.country
    result = cm.compare_levels(counts, view.region, parent)
    rest = f"rest of {parent}" if parent != p.country else f"rest of {p.country}"
    return result.replace(params={"rest_label": rest})


def occupation_changes(view, base_year: int) -> Result:
    """Every occupation of the place in ``base_year`` and the study's year: ``occupation, name, employees0,
    employees1, lq0, lq1, transition, growth`` (:meth:`s3lib.study.changes.Changes.table`); ``params`` adds
    ``total0`` and ``total1``, the published district totals (with "no occupation given")."""
    _check(view)
    s = view.study
    changes = view.changes(base_year).table(view.region)
    t = changes.table
    out = pd.DataFrame({"occupation": t.index, "name": t["name"].to_numpy(), "employees0": t["employment0"].to_numpy(),
                        "employees1": t["employment1"].to_numpy(), "lq0": t["lq0"].to_numpy(),
                        "lq1": t["lq1"].to_numpy(), "transition": t["status"].to_numpy()})
    out["growth"] = out["employees1"] - out["employees0"]
    out = out.set_index("occupation").reindex(s.counts.columns).rename_axis("occupation").reset_index()
    totals = {"total0": float(s.space.totals(s.level, base_year)[view.region]),
              "total1": float(s.space.totals(s.level, s.year)[view.region])}
    return Result(out, changes.notes, {**changes.params, **totals})


def bridge(view, industry_view, min_employees: int = MIN_EMPLOYEES, permutations: int = 999) -> Result:
    """Occupations of the place that link several of its industry clusters: candidate clusters of competences.

    The snapshot has no occupation x industry table, and industries only down to NUTS2: the bridge cannot be
    measured on the 400 districts, only on the NUTS2 regions both studies share (the occupation study at
    NUTS2 in the industry study's year). It is our own estimate from co-location: an occupation and an
    industry are related by their association strength ``AS_oi = C_oi N / (u_o u_i)`` (observed over expected
    co-presence, both LQs against the shared regions; :func:`s3lib.measures.competences.cross_association`); an
    occupation's link to an industry cluster is the employment- and scheme-weighted mean over the cluster's
    industries, tested by permuting the regions ``permutations`` times (Benjamini-Hochberg adjusted, 5 %;
    :func:`s3lib.measures.competences.association_links`). Industry clusters are those present in
    ``industry_view`` (``LQ >= 1`` or a star); occupations are the place's present ones with at least
    ``min_employees`` employees.

    Parameters
    ----------
    view : PlaceView
        The place in an occupation study.
    industry_view : PlaceView
        The same place in an industry study (its clusters and the year of the bridge), e.g.
        ``Study("sbs", 2, 2014).at(place)``.

    Returns
    -------
    Result
        ``table``: ``occupation, name, employees, lq, competence_cluster, n_clusters, clusters, mean_link``;
        ``params``: ``links`` (occupation x present-cluster association), ``linked`` (significant, same shape),
        ``n_regions``, ``year``, ``present_clusters``, ``held`` (the occupations considered), ``permutations``.
    """
    from s3lib.measures.specialisation import location_quotient, presence

    _check(view)
    industry = industry_view.study
    occupations = view.study.replace(level=industry.level, year=industry.year)
    shared = [r for r in industry.counts.index if r in occupations.counts.index]
    if len(shared) < 2:
        raise UsageError("the occupation and industry studies share fewer than 2 regions: no bridge")
    tested = cm.association_links(presence(location_quotient(occupations.counts.loc[shared])),
                                  presence(location_quotient(industry.counts.loc[shared])),
                                  industry.scheme.weight_matrix(), industry.counts.loc[shared].sum(),
                                  permutations=permutations)
    links, linked = tested.table, tested.params["linked"]
    pf = occupation_portfolio(view).set_index("occupation")
    held = pf.index[(pf["present"] == 1) & (pf["employees"] >= min_employees)].tolist()
    present = industry_view.present_clusters["cluster"].tolist()
    table = cm.bridging_competences(links, linked, held, present).table
    table.insert(1, "name", table["occupation"].map(view.study.space.names()))
    table.insert(2, "employees", table["occupation"].map(pf["employees"]))
    table.insert(3, "lq", table["occupation"].map(pf["lq"]))
    table.insert(4, "competence_cluster", table["occupation"].map(competence_clusters(view).params["clusters"]))
    columns = [c for c in present if c in links.columns]
    notes = [f"Estimate, not a count: co-location of occupations and {industry.space.activities} over the {len(shared)} "
             f"NUTS{industry.level} regions of {view.place.country} in {industry.year} (association strength, "
             f"{permutations} permutations of the regions, Benjamini-Hochberg 5 %); not an employment table of "
             "occupations by industry. A link says that regions specialised in the occupation tend to be specialised "
             "in the cluster's industries more often than chance, not that the occupation works in them.",
             f"Not measured on the {len(occupations.replace(level=3).counts)} districts: the bundled industry "
             "statistics stop at NUTS2, and the districts' own broad sectors (regional accounts) are too coarse "
             "for clusters."]
    return Result(table, notes, {"links": links.reindex(columns=columns), "linked": linked.reindex(columns=columns),
                                 "n_regions": len(shared), "year": industry.year, "present_clusters": present,
                                 "held": held, "permutations": permutations})
