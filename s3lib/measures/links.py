"""Links between clusters: related-cluster networks, bridging clusters, cooperation candidates.

Two kinds of cluster-to-cluster relatedness, each built from a table (loading is done by
:mod:`s3lib.study.schemes` and :class:`s3lib.study.Study`):

* :func:`uscmp_network`: the US Cluster Mapping related clusters (Delgado, Porter & Stern 2016;
  clustermapping.us ``relatedClusters.json``): for the 51 traded clusters, ``cr_all`` (combined
  relatedness), its components ``cr_lc`` (co-location of employment and establishments),
  ``cr_io`` (input-output links: the value-chain channel) and ``cr_occ`` (occupational
  similarity: the competence channel), their percentiles ``*_pc``, and the related flag
  ``rel_all_90_v3`` (256 ordered pairs = 128 undirected links).
* :func:`colocation_network`: industry co-location ``phi`` (:func:`s3lib.measures.relatedness.proximity`)
  averaged over the industry pairs across two clusters of any scheme.

Examples
--------
>>> import pandas as pd
>>> phi = pd.DataFrame([[0, .8, .1], [.8, 0, .2], [.1, .2, 0]], index=list("abc"), columns=list("abc"))
>>> w = pd.DataFrame({"K": [1.0, 0.0, 0.0], "L": [0.0, 1.0, 0.0], "M": [0.0, 0.0, 1.0]}, index=list("abc"))
>>> g = colocation_network(phi, w, pd.Series(1.0, index=list("abc")), top=0.34)
>>> sorted(g.edges)
[('K', 'L')]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CHANNELS", "MIN_COOPERATION_EMPLOYMENT", "MIN_COOPERATION_SHARE", "USCMP_MEASURES", "bridging", "cluster_phi", "colocation_network",
           "cooperation_candidates", "uscmp_network"]

#: The US CMP relatedness components and the plain-language channel each stands for.
CHANNELS = {"cr_occ": "occupations", "cr_io": "value chain", "cr_lc": "co-location"}
#: Edge attributes of :func:`uscmp_network`.
USCMP_MEASURES = ["cr_all", "cr_lc", "cr_io", "cr_occ", "cr_all_pc", "cr_lc_pc", "cr_io_pc", "cr_occ_pc"]


def uscmp_network(pairs: pd.DataFrame, related_only: bool = True):
    """Undirected network of the US CMP traded clusters from the related-cluster pairs.

    Parameters
    ----------
    pairs : DataFrame
        One row per ordered pair (``uscmp_related.parquet``): ``cluster_a``, ``cluster_b`` (codes),
        ``name_a``, ``name_b``, the measures of :data:`USCMP_MEASURES` and ``related``.
    related_only : bool, default True
        Keep only related pairs (otherwise every pair, with ``related`` as an attribute).

    Returns
    -------
    networkx.Graph
        Nodes are cluster names. Values agree in both directions of a pair except a few
        percentiles (28 ``cr_all_pc``, 12 ``cr_io_pc`` of 2,550 ordered pairs differ by a point);
        the edge keeps the larger.
    """
    import networkx as nx

    pairs = pairs[pairs["cluster_a"] != pairs["cluster_b"]].copy()
    pairs["u"] = pairs[["name_a", "name_b"]].min(axis=1)
    pairs["v"] = pairs[["name_a", "name_b"]].max(axis=1)
    edges = pairs.groupby(["u", "v"]).agg({**{c: "max" for c in USCMP_MEASURES}, "related": "max"}).reset_index()
    graph = nx.Graph(source="uscmp", method="US CMP related clusters (rel_all_90_v3), clustermapping.us")
    graph.add_nodes_from(sorted(set(pairs["name_a"])))
    if related_only:
        edges = edges[edges["related"]]
    for row in edges.itertuples(index=False):
        graph.add_edge(row.u, row.v, **{c: float(getattr(row, c)) for c in USCMP_MEASURES}, related=bool(row.related))
    return graph


def cluster_phi(phi: pd.DataFrame, weights: pd.DataFrame, size: pd.Series) -> dict[str, pd.DataFrame]:
    """Weighted mean of industry proximity across two clusters, unweighted and employment-weighted.

    ``phi_AB = sum_{i != j} a_i b_j phi_ij / sum_{i != j} a_i b_j`` with ``a_i = w_iA`` (and
    ``a_i = w_iA x_.i`` for the employment-weighted variant ``phi_emp``); industries outside the
    proximity matrix (absent from the data) are left out.

    Parameters
    ----------
    phi : DataFrame
        Industry x industry proximity.
    weights : DataFrame
        Industry x cluster weights (:meth:`s3lib.measures.clusters.ClusterScheme.weight_matrix`).
    size : Series
        Industry employment (for ``phi_emp``).
    """
    common = [i for i in weights.index if i in phi.index]
    w = weights.loc[common]
    p = phi.loc[common, common].to_numpy()
    off = 1.0 - np.eye(len(common))
    out = {}
    for name, a in (("phi", w.to_numpy()),
                    ("phi_emp", w.to_numpy() * size.reindex(common).fillna(0).to_numpy()[:, None])):
        num = a.T @ p @ a
        den = a.T @ off @ a
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = pd.DataFrame(np.where(den > 0, num / den, np.nan), index=w.columns, columns=w.columns)
    return out


def colocation_network(phi: pd.DataFrame, weights: pd.DataFrame, size: pd.Series, top: float = 0.10,
                       related_only: bool = True, **attrs):
    """Network of clusters linked by industry co-location.

    Edge attributes: ``phi`` and ``phi_emp`` (:func:`cluster_phi`) and ``related`` = ``phi`` in the
    top ``top`` share of cluster pairs (mirrors the US CMP top decile). Extra keyword arguments
    are stored on ``graph.graph`` (source, year, method...).
    """
    import networkx as nx

    link = cluster_phi(phi, weights, size)
    clusters = list(link["phi"].index)
    values = [link["phi"].iloc[a, b] for a in range(len(clusters)) for b in range(a + 1, len(clusters))]
    cut = np.nanquantile(values, 1 - top) if values else np.nan
    graph = nx.Graph(source="colocation", **attrs)
    graph.add_nodes_from(clusters)
    for a in range(len(clusters)):
        for b in range(a + 1, len(clusters)):
            p = link["phi"].iloc[a, b]
            if np.isnan(p) or (related_only and p < cut):
                continue
            graph.add_edge(clusters[a], clusters[b], phi=float(p), phi_emp=float(link["phi_emp"].iloc[a, b]),
                           related=bool(p >= cut))
    return graph


def bridging(graph, top: float = 0.10) -> pd.DataFrame:
    """Betweenness centrality of each cluster; the top share flags bridging clusters.

    A cluster on many shortest paths between otherwise distant clusters bridges them: a
    candidate "cluster of competences" (cross-cutting skills or technologies). Betweenness is
    computed on the unweighted graph (an edge = a related pair), normalised as in networkx.

    Parameters
    ----------
    graph : networkx.Graph
        Related pairs only (:func:`uscmp_network`, :func:`colocation_network`).
    top : float, default 0.10
        Share of clusters flagged as bridging (betweenness >= the (1 - top) quantile, and > 0).

    Returns
    -------
    DataFrame
        Columns ``cluster``, ``betweenness``, ``degree``, ``bridging``; sorted by betweenness.

    Examples
    --------
    >>> import networkx as nx
    >>> bridging(nx.path_graph(["a", "b", "c"]))["cluster"].iloc[0]
    'b'
    """
    import networkx as nx

    between = pd.Series(nx.betweenness_centrality(graph), name="betweenness")
    degree = pd.Series(dict(graph.degree()), name="degree")
    out = pd.concat([between, degree], axis=1).rename_axis("cluster").reset_index()
    cut = np.quantile(out["betweenness"], 1 - top) if len(out) else np.nan
    out["bridging"] = (out["betweenness"] >= cut) & (out["betweenness"] > 0)
    return out.sort_values(["betweenness", "degree"], ascending=False).reset_index(drop=True)


#: Each cluster of a cooperation candidate needs at least this many persons employed in the place ...
MIN_COOPERATION_EMPLOYMENT = 1000
#: ... and at least this share of the place's employment (the same floor as a leading cluster).
MIN_COOPERATION_SHARE = 0.005


def cooperation_candidates(portfolio: pd.DataFrame, graph, min_stars: int = 1,
                           min_employment: float = MIN_COOPERATION_EMPLOYMENT,
                           min_share: float = MIN_COOPERATION_SHARE) -> pd.DataFrame:
    """Pairs of clusters present in a place that are related: candidates for cooperation.

    A cluster qualifies when it is present (``LQ >= 1`` or at least ``min_stars`` Cluster
    Observatory stars) **and** employs at least ``min_employment`` persons (default 1,000) and
    ``min_share`` of the place's employment (default 0.5 %, column ``share`` when the portfolio has
    it): a pair of clusters of a few hundred jobs each is not a cooperation a policy can build on. Pairs must be linked in ``graph``; the edge's components are kept as columns (US CMP:
    ``cr_lc`` co-location, ``cr_io`` input-output, ``cr_occ`` occupations, with percentiles
    ``*_pc``; co-location networks: ``phi``). Ranked first by how many of the two are specialised
    (``LQ >= 1``: 2, 1, 0), then by ``cr_all`` (US CMP) or ``phi``.

    Parameters
    ----------
    portfolio : DataFrame
        The place's portfolio (columns ``cluster``, ``lq``, ``stars``, ``employment``).
    graph : networkx.Graph
        Related clusters.
    min_stars : int, default 1
    min_employment : float, default :data:`MIN_COOPERATION_EMPLOYMENT`
    min_share : float, default :data:`MIN_COOPERATION_SHARE`

    Returns
    -------
    DataFrame
        ``cluster_a``, ``cluster_b``, ``lq_a``, ``lq_b``, ``stars_a``, ``stars_b``, ``specialised``
        (0-2), ``strength`` (cr_all or phi), the edge's measures and ``reason`` (plain text);
        empty when no pair qualifies.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph(); g.add_edge("A", "B", phi=0.5)
    >>> pf = pd.DataFrame({"cluster": ["A", "B"], "lq": [1.5, 1.2], "stars": [0.0, 1.0], "employment": [2e3, 5e3]})
    >>> cooperation_candidates(pf, g)["reason"].iloc[0]
    'both specialised (LQ 1.50, 1.20); co-located in EU regions (mean phi 0.50)'
    """
    big = portfolio["employment"] >= min_employment
    if "share" in portfolio.columns:
        big &= portfolio["share"] >= min_share
    present = portfolio[((portfolio["lq"] >= 1) | (portfolio["stars"] >= min_stars)) & big].set_index("cluster")
    rows = []
    names = list(present.index)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if not graph.has_edge(a, b):
                continue
            edge = graph.edges[a, b]
            pa, pb = present.loc[a], present.loc[b]
            rows.append({"cluster_a": a, "cluster_b": b, "employment_a": pa["employment"],
                         "employment_b": pb["employment"], "lq_a": pa["lq"], "lq_b": pb["lq"],
                         "stars_a": pa["stars"], "stars_b": pb["stars"],
                         "specialised": int(pa["lq"] >= 1) + int(pb["lq"] >= 1),
                         "strength": edge.get("cr_all", edge.get("phi")),
                         **{k: v for k, v in edge.items() if k != "related"},
                         "reason": _reason(pa, pb, edge)})
    columns = ["cluster_a", "cluster_b", "employment_a", "employment_b", "lq_a", "lq_b", "stars_a", "stars_b",
               "specialised", "strength", "reason"]
    out = pd.DataFrame(rows, columns=None if rows else columns)
    if rows:
        out = out.sort_values(["specialised", "strength"], ascending=False).reset_index(drop=True)
    return out


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
