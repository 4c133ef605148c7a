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

__all__ = ["CHANNEL_PERCENTILE", "CHANNEL_WORDS", "MAX_PAIRS_PER_CLUSTER", "MAX_SHARED_ACTIVITY",
           "MIN_COOPERATION_EMPLOYMENT", "MIN_COOPERATION_SHARE", "USCMP_MEASURES", "association_strength", "bridging",
           "cluster_phi", "colocation_network", "hub_normalised", "link_pairs", "pair_percentiles", "shared_activity",
           "uscmp_channels", "uscmp_network"]

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


#: Each cluster of a pair needs at least this many persons employed in the place ...
MIN_COOPERATION_EMPLOYMENT = 1000
#: ... and at least this share of the place's employment (the same floor as a leading cluster).
MIN_COOPERATION_SHARE = 0.005
#: A pair is related on a channel when its normalised strength is in this top percentile of all cluster pairs.
CHANNEL_PERCENTILE = 90
#: At most this many of a place's top pairs may share one cluster (unless the data leave no other).
MAX_PAIRS_PER_CLUSTER = 2
#: A pair whose clusters both draw this share of their employment from the same divisions restates those divisions.
MAX_SHARED_ACTIVITY = 0.5
#: The channels of relatedness, in the words a reader sees.
CHANNEL_WORDS = {"co-location": "co-located in EU regions", "value chain": "input-output links (US)",
                 "occupations": "shared occupations (US)"}


def association_strength(presence: pd.DataFrame) -> pd.DataFrame:
    """Co-location of activities (or clusters) across regions, normalised for how common each is.

    ``AS_ab = C_ab N / (U_a U_b)`` with ``C = M^T M`` the number of regions where both are present,
    ``U`` the ubiquities and ``N`` the regions: observed over expected co-occurrence (van Eck & Waltman
    2009; EconGeo's ``relatedness(method = "association")``). 1 = as often together as chance would have
    it; a cluster present everywhere is not related to everything. The diagonal is NaN.

    >>> m = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 1, 0, 0], "c": [1, 1, 1, 1]}, index=list("wxyz"))
    >>> association_strength(m).round(2).loc["a"].tolist()
    [nan, 2.0, 1.0]
    """
    m = presence.fillna(0).to_numpy(dtype=float)
    co = m.T @ m
    u = m.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = co * m.shape[0] / np.outer(u, u)
    out[~np.isfinite(out)] = np.nan
    np.fill_diagonal(out, np.nan)
    return pd.DataFrame(out, index=presence.columns, columns=presence.columns)


def shared_activity(weights: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """Cluster x cluster: how much of both clusters' employment lies in activities both draw on, the smaller of
    the two directions, ``min(S_ab, S_ba)`` with ``S_ab = sum_{i: w_ib > 0} w_ia x_i / sum_i w_ia x_i``
    (``weights``: activity x cluster, ``totals``: employment by activity, e.g. of the reference economy).
    Two clusters carved out mostly of the same division (footwear and leather from C15) are related by
    construction: their LQs and co-location restate that division. A cluster that takes a sliver of a big
    division (aerospace from C26) is not. Diagonal NaN.

    >>> w = pd.DataFrame({"A": [1.0, 0.5, 0.0], "B": [0.0, 0.5, 1.0]}, index=["x", "y", "z"])
    >>> round(float(shared_activity(w, pd.Series({"x": 10.0, "y": 40.0, "z": 30.0})).loc["A", "B"]), 3)   # min(20/30, 20/50)
    0.4
    """
    w = weights.reindex(totals.index).fillna(0.0)
    employment = w.mul(totals, axis=0)
    own = employment.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (employment.T @ (w > 0).astype(float)).div(own, axis=0)
    out = np.fmin(share.to_numpy(dtype=float), share.to_numpy(dtype=float).T)
    np.fill_diagonal(out, np.nan)
    return pd.DataFrame(out, index=w.columns, columns=w.columns)


def hub_normalised(strength: pd.DataFrame) -> pd.DataFrame:
    """A relatedness matrix divided by the geometric mean of the two clusters' average relatedness.

    ``s_ab = r_ab / sqrt(m_a m_b)`` with ``r`` clipped at 0 and ``m_a`` the mean of ``r_a.`` over the
    other clusters (a cosine-style normalisation): a hub related a little to everything (distribution,
    business services) no longer outranks a pair related strongly to each other. Diagonal NaN.

    >>> r = pd.DataFrame([[0, .5, .5, .5], [.5, 0, .9, .1], [.5, .9, 0, .1], [.5, .1, .1, 0]],
    ...                  index=list("habc"), columns=list("habc"))
    >>> s = hub_normalised(r)
    >>> bool(s.loc["a", "b"] > s.loc["h", "a"])   # the pair beats the hub
    True
    """
    r = strength.clip(lower=0).to_numpy(dtype=float).copy()
    np.fill_diagonal(r, np.nan)
    mean = np.nanmean(r, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = r / np.sqrt(np.outer(mean, mean))
    out[~np.isfinite(out)] = np.nan
    return pd.DataFrame(out, index=strength.index, columns=strength.columns)


def pair_percentiles(strength: pd.DataFrame) -> pd.DataFrame:
    """Percentile (0-100) of each off-diagonal value among all unordered pairs of the matrix (ties average).

    >>> s = pd.DataFrame([[np.nan, 1, 2], [1, np.nan, 3], [2, 3, np.nan]], index=list("abc"), columns=list("abc"))
    >>> pair_percentiles(s).loc["a"].round(1).tolist()
    [nan, 33.3, 66.7]
    """
    values = strength.to_numpy(dtype=float)
    iu = np.triu_indices(len(values), 1)
    upper = pd.Series(values[iu]).rank(pct=True) * 100
    out = np.full(values.shape, np.nan)
    out[iu] = upper.to_numpy()
    out.T[iu] = upper.to_numpy()
    return pd.DataFrame(out, index=strength.index, columns=strength.columns)


def uscmp_channels(pairs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The two US CMP relatedness channels that are not co-location, as cluster x cluster matrices by name:
    ``value chain`` (``cr_io``, input-output links) and ``occupations`` (``cr_occ``, occupational similarity);
    each pair's larger value where the two directions differ."""
    out = {}
    for channel, column in (("value chain", "cr_io"), ("occupations", "cr_occ")):
        table = pairs.pivot_table(index="name_a", columns="name_b", values=column, aggfunc="max")
        table = np.fmax(table, table.T)
        out[channel] = table
    return out


def _select(rows: list[dict], n: int, max_shared: int) -> tuple[list[dict], bool]:
    """The first ``n`` rows, skipping a row whose clusters already appear in ``max_shared`` chosen rows;
    skipped rows fill the list when too few others remain (returned flag True)."""
    chosen, skipped, uses = [], [], {}
    for row in rows:
        if len(chosen) == n:
            break
        a, b = row["cluster_a"], row["cluster_b"]
        if uses.get(a, 0) >= max_shared or uses.get(b, 0) >= max_shared:
            skipped.append(row)
            continue
        chosen.append(row)
        uses[a], uses[b] = uses.get(a, 0) + 1, uses.get(b, 0) + 1
    filled = False
    while len(chosen) < n and skipped:
        chosen.append(skipped.pop(0))
        filled = True
    return chosen, filled


def link_pairs(portfolio: pd.DataFrame, channels: dict[str, pd.DataFrame], *, development: bool = False,
               n: int = 5, threshold: float = CHANNEL_PERCENTILE, max_shared: int = MAX_PAIRS_PER_CLUSTER,
               min_employment: float = MIN_COOPERATION_EMPLOYMENT, min_share: float = MIN_COOPERATION_SHARE,
               targets=None, overlap: pd.DataFrame | None = None, max_overlap: float = MAX_SHARED_ACTIVITY):
    """Pairs of a place's clusters related on at least one channel: cooperation pairs, or development pairs.

    A cluster of the place *holds* when it is specialised (``LQ >= 1``; a size star alone only says the
    region is big), not a fragment (``partial``), and employs at least ``min_employment`` persons and
    ``min_share`` of the place (a cluster whose size rests on divisions shared with other clusters is sized
    on its upper bound, the whole divisions, and a pair with such a cluster is flagged ``apportioned``).
    **Cooperation pairs** join two such clusters; **development pairs** join one with a related cluster the
    place does not have yet (``LQ < 1``, no star, observed: not ``partial``): the workshop's photonics with
    aerospace. A pair is related on a channel when its value there (a percentile among all cluster pairs of
    a hub-normalised strength, see :func:`hub_normalised` and :func:`association_strength`) is at least
    ``threshold``; each channel is judged on its own. Pairs are ranked by the number of channels, then
    by their mean percentile over every channel measured, then (cooperation) by the LQ of the weaker cluster; the top ``n``
    keep at most ``max_shared`` pairs per cluster. ``targets`` (a boolean Series by cluster) keeps only the
    development targets that can be a path. ``overlap`` (:func:`shared_activity`): where two clusters both draw
    ``max_overlap`` or more of their employment from the same activities, their co-location restates one
    division and is not counted (``shared_divisions``; the US value-chain and occupation channels, measured on
    finer industries, still are), and such a development target is dropped: it is the other half of
    divisions the place already holds (both counted in ``params["same_activity"]``).

    Parameters
    ----------
    portfolio : DataFrame
        The place's clusters: ``cluster``, ``lq``, ``stars``, ``employment``, ``share``, ``partial``.
    channels : dict
        Channel name -> cluster x cluster percentile matrix (0-100).

    Returns
    -------
    Result
        ``table``: the top ``n`` pairs: ``cluster_a`` (held), ``cluster_b``, ``lq_a``, ``lq_b``,
        ``employment_a``, ``employment_b``, ``apportioned`` (a held cluster rests on apportioning), ``channels``
        (names, strongest first), ``n_channels``, ``strength`` (best percentile), one ``<channel>`` column per
        channel and ``reason``; ``params``:
        ``candidates`` (all related pairs before the cut), ``filled`` (True when the per-cluster cap had
        to be lifted because the data leave no other pairs), the thresholds.

    Examples
    --------
    >>> pf = pd.DataFrame({"cluster": ["A", "B", "C"], "lq": [1.5, 1.2, 0.4], "stars": [1, 0, 0],
    ...                    "employment": [5e3, 4e3, 900.0], "share": [.05, .04, .009], "partial": [False] * 3})
    >>> ch = {"co-location": pd.DataFrame([[np.nan, 95, 20], [95, np.nan, 99], [20, 99, np.nan]],
    ...                                   index=list("ABC"), columns=list("ABC"))}
    >>> link_pairs(pf, ch).table[["cluster_a", "cluster_b"]].values.tolist()
    [['A', 'B']]
    >>> link_pairs(pf, ch, development=True).table[["cluster_a", "cluster_b"]].values.tolist()
    [['B', 'C']]
    """
    from s3lib.result import Result

    pf = portfolio.set_index("cluster")
    present = pf["lq"] >= 1
    split = pf.get("rests_on_apportioning", pd.Series(False, index=pf.index)).fillna(False).astype(bool)
    # size on the apportioned value; for a cluster resting on apportioning, on its upper bound (flagged)
    size = pf["employment"].where(~split, pf.get("upper", pf["employment"]))
    share = pf.get("share", pd.Series(1.0, index=pf.index)) * size / pf["employment"].where(pf["employment"] > 0)
    big = (size >= min_employment) & (share.fillna(0.0) >= min_share)
    whole = ~pf.get("partial", pd.Series(False, index=pf.index)).fillna(False).astype(bool)
    held = list(pf.index[present & big & whole])
    if development:
        ok = pd.Series(True, index=pf.index) if targets is None else targets.reindex(pf.index).fillna(False)
        others = list(pf.index[~present & whole & ok.astype(bool)])
    rows, same = [], 0
    for i, a in enumerate(held):
        for b in (others if development else held[i + 1:]):
            shares = (overlap is not None and a in overlap.index and b in overlap.columns
                      and overlap.at[a, b] >= max_overlap)
            if shares and development:  # the target is the other half of divisions the place holds: not a new path
                same += 1
                continue
            values = {c: float(m.at[a, b]) if a in m.index and b in m.columns else np.nan for c, m in channels.items()}
            if shares and "co-location" in values:  # co-located by construction: only the other channels count
                same += 1
                values["co-location"] = np.nan
            strong = sorted((c for c, v in values.items() if v >= threshold), key=lambda c: -values[c])
            if not strong:
                continue
            rows.append({"cluster_a": a, "cluster_b": b, "lq_a": pf.at[a, "lq"], "lq_b": pf.at[b, "lq"],
                         "employment_a": pf.at[a, "employment"], "employment_b": pf.at[b, "employment"],
                         "apportioned": bool(split[a] or (not development and split[b])), "shared_divisions": bool(shares),
                         "channels": ", ".join(strong), "n_channels": len(strong),
                         "strength": max(values[c] for c in strong),
                         "mean_percentile": float(np.nanmean([v for v in values.values()])), **values,
                         "reason": _pair_reason(a, b, pf, values, strong, development)})
    # more channels first, then the mean percentile over every channel measured (evidence on all of them beats one
    # extreme), ties to the pair whose weaker cluster is the more specialised
    rows.sort(key=lambda r: (-r["n_channels"], -round(r["mean_percentile"], 1),
                             0.0 if development else -min(r["lq_a"], r["lq_b"]), r["cluster_a"], r["cluster_b"]))
    chosen, filled = _select(rows, n, max_shared)
    columns = ["cluster_a", "cluster_b", "lq_a", "lq_b", "employment_a", "employment_b", "apportioned",
               "shared_divisions", "channels", "n_channels", "strength", "mean_percentile", *channels, "reason"]
    notes = []
    if filled:
        notes.append(f"Fewer than {n} pairs without repeating a cluster more than {max_shared} times: the list is "
                     "filled with the next pairs.")
    return Result(pd.DataFrame(chosen, columns=columns),
                  notes, {"candidates": len(rows), "filled": filled, "threshold": threshold, "max_shared": max_shared,
                          "same_activity": same, "max_overlap": max_overlap,
                          "kind": "development" if development else "cooperation"})


def _pair_reason(a: str, b: str, pf: pd.DataFrame, values: dict, strong: list, development: bool) -> str:
    head = (f"{a} present (LQ {pf.at[a, 'lq']:.2f}), {b} not yet (LQ {pf.at[b, 'lq']:.2f})" if development else
            f"both specialised (LQ {pf.at[a, 'lq']:.2f}, {pf.at[b, 'lq']:.2f})")
    parts = [f"{CHANNEL_WORDS.get(c, c)} (pc {values[c]:.0f})" for c in strong]
    split = [c for c in ((a,) if development else (a, b)) if bool(pf.at[c, "rests_on_apportioning"])] \
        if "rests_on_apportioning" in pf else []
    tail = "".join(f"; {c} rests on apportioned divisions ({pf.at[c, 'lower']:,.0f}-{pf.at[c, 'upper']:,.0f})"
                   for c in split)
    if "co-location" in values and np.isnan(values["co-location"]):
        tail += "; they share most of their divisions, so their co-location is not counted"
    return (f"{head}; related through " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1])
            + tail)
