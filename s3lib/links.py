"""Links between clusters: related-cluster networks, bridging clusters, cooperation candidates.

Two sources of cluster-to-cluster relatedness:

* ``"uscmp"``: the US Cluster Mapping related clusters (Delgado, Porter & Stern 2016;
  clustermapping.us ``relatedClusters.json``): for the 51 traded clusters, ``cr_all`` (combined
  relatedness), its components ``cr_lc`` (co-location of employment and establishments),
  ``cr_io`` (input-output links: the value-chain channel) and ``cr_occ`` (occupational
  similarity: the competence channel), their percentiles ``*_pc``, and the related flag
  ``rel_all_90_v3`` (256 ordered pairs = 128 undirected links).
* ``"colocation"``: EU industry co-location (``phi`` between NACE divisions over all EU NUTS2
  regions, :func:`s3lib.relatedness.proximity`) averaged over the industry pairs across two
  clusters of any :class:`~s3lib.clusters.ClusterScheme`.

Examples
--------
>>> g = cluster_network("uscmp")                                     # doctest: +SKIP
>>> g.edges["Automotive", "Metalworking Technology"]["cr_all"]       # doctest: +SKIP
0.979082
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError

__all__ = ["CHANNELS", "SOURCES", "bridging", "cluster_network", "cooperation_candidates"]

#: Sources accepted by :func:`cluster_network`.
SOURCES = ("uscmp", "colocation")
#: The US CMP relatedness components and the plain-language channel each stands for.
CHANNELS = {"cr_occ": "occupations", "cr_io": "value chain", "cr_lc": "co-location"}
_USCMP_ATTRS = ["cr_all", "cr_lc", "cr_io", "cr_occ", "cr_all_pc", "cr_lc_pc", "cr_io_pc", "cr_occ_pc"]


def cluster_network(source: str = "uscmp", related_only: bool = True, year: int = 2014,
                    scheme="colocation", top: float = 0.10):
    """Undirected network of clusters with relatedness on the edges.

    Parameters
    ----------
    source : {"uscmp", "colocation"}
        ``"uscmp"``: the 51 US CMP traded clusters; edge attributes ``cr_all``, ``cr_lc``,
        ``cr_io``, ``cr_occ``, their percentiles ``*_pc`` and ``related`` (``rel_all_90_v3``).
        Values agree in both directions of a pair except a few percentiles (28 ``cr_all_pc``, 12
        ``cr_io_pc`` of 2,550 ordered pairs differ by a point); the edge keeps the larger.
        ``"colocation"``: clusters of ``scheme`` linked by EU co-location in ``year``; edge attributes
        ``phi`` = unweighted mean of ``w_iA w_jB phi_ij`` / mean of ``w_iA w_jB`` over industry pairs
        i in A, j in B, i != j, ``phi_emp`` = the same with each pair also weighted by EU employment
        ``x_.i x_.j``, and ``related`` = ``phi`` in the top ``top`` share of cluster pairs.
    related_only : bool, default True
        Keep only related pairs (otherwise every pair, with ``related`` as an attribute).
    year : int
        Year of the EU co-location data (``"colocation"`` only).
    scheme : str or ClusterScheme, default "colocation"
        Cluster scheme whose clusters are linked (``"colocation"`` source only).
    top : float, default 0.10
        Share of cluster pairs flagged related for ``"colocation"`` (mirrors the US CMP top decile).

    Returns
    -------
    networkx.Graph
        Nodes are cluster names; ``graph.graph`` records source, year and method.

    References
    ----------
    Delgado, Porter & Stern (2016), Defining clusters of related industries, J. Econ. Geogr. 16(1).
    """
    if source == "uscmp":
        return _uscmp_network(related_only)
    if source == "colocation":
        return _colocation_network(related_only, year, scheme, top)
    raise UnknownChoiceError("link source", source, SOURCES)


def _uscmp_network(related_only: bool):
    import networkx as nx

    from s3lib.data import _store

    pairs = _store.read_table("uscmp_related.parquet")
    pairs = pairs[pairs["cluster_a"] != pairs["cluster_b"]].copy()
    pairs["u"] = pairs[["name_a", "name_b"]].min(axis=1)
    pairs["v"] = pairs[["name_a", "name_b"]].max(axis=1)
    edges = pairs.groupby(["u", "v"]).agg({**{c: "max" for c in _USCMP_ATTRS}, "related": "max"}).reset_index()
    graph = nx.Graph(source="uscmp", method="US CMP related clusters (rel_all_90_v3), clustermapping.us")
    graph.add_nodes_from(sorted(set(pairs["name_a"])))
    if related_only:
        edges = edges[edges["related"]]
    for row in edges.itertuples(index=False):
        attrs = {c: float(getattr(row, c)) for c in _USCMP_ATTRS}
        graph.add_edge(row.u, row.v, **attrs, related=bool(row.related))
    return graph


def _colocation_network(related_only: bool, year: int, scheme, top: float):
    import networkx as nx

    from s3lib import data
    from s3lib.clusters import _eu_proximity, get_scheme

    sch = get_scheme(scheme, year=year)
    x = data.eu_matrix(2, year)
    phi = _eu_proximity(x)
    link = _cluster_phi(phi, sch.weight_matrix(), x.sum(axis=0))
    clusters = list(link["phi"].index)
    values = [link["phi"].iloc[a, b] for a in range(len(clusters)) for b in range(a + 1, len(clusters))]
    cut = np.nanquantile(values, 1 - top) if values else np.nan
    graph = nx.Graph(source="colocation", year=year, scheme=sch.name,
                     method=f"mean EU co-location phi over industry pairs across clusters, {year}; "
                            f"related = top {top:.0%} of cluster pairs by phi")
    graph.add_nodes_from(clusters)
    for a in range(len(clusters)):
        for b in range(a + 1, len(clusters)):
            p = link["phi"].iloc[a, b]
            if np.isnan(p) or (related_only and p < cut):
                continue
            graph.add_edge(clusters[a], clusters[b], phi=float(p), phi_emp=float(link["phi_emp"].iloc[a, b]),
                           related=bool(p >= cut))
    return graph


def _cluster_phi(phi: pd.DataFrame, weights: pd.DataFrame, size: pd.Series) -> dict[str, pd.DataFrame]:
    """Weighted mean of industry proximity across two clusters, unweighted and employment-weighted.

    ``phi_AB = sum_{i != j} a_i b_j phi_ij / sum_{i != j} a_i b_j`` with ``a_i = w_iA`` (and
    ``a_i = w_iA x_.i`` for the employment-weighted variant); industries outside the proximity
    matrix (absent from the data) are left out.
    """
    common = [i for i in weights.index if i in phi.index]
    w = weights.loc[common]
    p = phi.loc[common, common].to_numpy()
    off = 1.0 - np.eye(len(common))
    out = {}
    for name, a in (("phi", w.to_numpy()), ("phi_emp", w.to_numpy() * size.reindex(common).fillna(0).to_numpy()[:, None])):
        num = a.T @ p @ a
        den = a.T @ off @ a
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = pd.DataFrame(np.where(den > 0, num / den, np.nan), index=w.columns, columns=w.columns)
    return out


def bridging(graph, top: float = 0.10) -> pd.DataFrame:
    """Betweenness centrality of each cluster; the top share flags bridging clusters.

    A cluster on many shortest paths between otherwise distant clusters bridges them: a
    candidate "cluster of competences" (cross-cutting skills or technologies). Betweenness is
    computed on the unweighted graph (an edge = a related pair), normalised as in networkx.

    Parameters
    ----------
    graph : networkx.Graph
        From :func:`cluster_network` (related pairs only).
    top : float, default 0.10
        Share of clusters flagged as bridging (betweenness >= the (1 - top) quantile, and > 0).

    Returns
    -------
    DataFrame
        Columns ``cluster``, ``betweenness``, ``degree``, ``bridging``; sorted by betweenness.
    """
    import networkx as nx

    between = pd.Series(nx.betweenness_centrality(graph), name="betweenness")
    degree = pd.Series(dict(graph.degree()), name="degree")
    out = pd.concat([between, degree], axis=1).rename_axis("cluster").reset_index()
    cut = np.quantile(out["betweenness"], 1 - top) if len(out) else np.nan
    out["bridging"] = (out["betweenness"] >= cut) & (out["betweenness"] > 0)
    return out.sort_values(["betweenness", "degree"], ascending=False).reset_index(drop=True)


def cooperation_candidates(place, year: int = 2014, scheme="uscmp", min_stars: int = 1) -> pd.DataFrame:
    """Pairs of clusters present in a place that are related: candidates for cooperation.

    A cluster is present when ``LQ >= 1`` or it has at least ``min_stars`` Cluster Observatory
    stars (:func:`s3lib.clusters.portfolio`, the place's NUTS2 region). Pairs are related in the
    US CMP network (``scheme="uscmp"``) or, for other schemes, in the EU co-location network of
    that scheme. Ranked first by how many of the two are specialised (``LQ >= 1``: 2, 1, 0), then
    by ``cr_all`` (US CMP) or ``phi``.

    Returns
    -------
    DataFrame
        ``cluster_a``, ``cluster_b``, ``lq_a``, ``lq_b``, ``stars_a``, ``stars_b``, ``specialised``
        (0-2), ``strength``
        (cr_all or phi), the edge's measures, ``reason`` (plain text), ``region``, ``level``,
        ``year``; empty when no pair qualifies.

    Examples
    --------
    >>> cooperation_candidates("frankfurt", 2014).iloc[0]["reason"]      # doctest: +SKIP
    'both specialised (LQ 1.8, 1.3); related through occupations (cr_occ pc 95) and ...'
    """
    from s3lib.clusters import portfolio

    table = portfolio(place, year=year, scheme=scheme)
    present = table[(table["lq"] >= 1) | (table["stars"] >= min_stars)].set_index("cluster")
    source = "uscmp" if str(getattr(scheme, "name", scheme)).lower() == "uscmp" else "colocation"
    graph = cluster_network(source, related_only=True, year=year, scheme=scheme)
    rows = []
    names = list(present.index)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if not graph.has_edge(a, b):
                continue
            edge = graph.edges[a, b]
            pa, pb = present.loc[a], present.loc[b]
            rows.append({"cluster_a": a, "cluster_b": b, "lq_a": pa["lq"], "lq_b": pb["lq"],
                         "stars_a": pa["stars"], "stars_b": pb["stars"],
                         "specialised": int(pa["lq"] >= 1) + int(pb["lq"] >= 1),
                         "strength": edge.get("cr_all", edge.get("phi")),
                         **{k: v for k, v in edge.items() if k != "related"},
                         "reason": _reason(pa, pb, edge)})
    columns = ["cluster_a", "cluster_b", "lq_a", "lq_b", "stars_a", "stars_b", "specialised", "strength", "reason"]
    out = pd.DataFrame(rows, columns=None if rows else columns)
    if rows:
        out = out.sort_values(["specialised", "strength"], ascending=False).reset_index(drop=True)
    return out.assign(region=table["region"].iloc[0] if len(table) else None,
                      level=table["level"].iloc[0] if len(table) else None, year=year)


def _presence_text(a: pd.Series, b: pd.Series) -> str:
    if a["lq"] >= 1 and b["lq"] >= 1:
        return f"both specialised (LQ {a['lq']:.2f}, {b['lq']:.2f})"
    return (f"both present (LQ {a['lq']:.2f}, {b['lq']:.2f}; "
            f"stars {int(a['stars'])}, {int(b['stars'])})")


def _reason(a: pd.Series, b: pd.Series, edge: dict) -> str:
    """Plain-language reason: presence of both clusters, then the channels that relate them.

    US CMP: the components at or above their 90th percentile are named (else the strongest one).
    """
    head = _presence_text(a, b)
    if "cr_all" not in edge:
        return f"{head}; co-located in EU regions (mean phi {edge['phi']:.2f})"
    pcs = {c: edge[f"{c}_pc"] for c in CHANNELS}
    strong = [c for c in sorted(pcs, key=pcs.get, reverse=True) if pcs[c] >= 90] or [max(pcs, key=pcs.get)]
    short = {"cr_occ": "cr_occ", "cr_io": "io", "cr_lc": "lc"}
    parts = [f"{CHANNELS[c]} ({short[c]} pc {pcs[c]:.0f})" for c in strong]
    channels = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{head}; related through {channels}"
