"""Competences: occupations as the capabilities of a place (pure measures).

An occupation space (region x occupational group counts, e.g. German districts x KldB 2010 groups)
is read like an industry space, but it says what people *do*, not what their employer sells. This
module adds what the competence view needs on top of :mod:`~s3lib.measures.specialisation`,
:mod:`~s3lib.measures.relatedness` and :mod:`~s3lib.measures.complexity`:

* :func:`portfolio`: a place's occupations with employees, share, LQ, presence (and complexity);
* :func:`backbone` and :func:`competence_clusters`: communities of co-located occupations
  (Louvain on the proximity backbone, fixed seed), and :func:`cluster_profile` for a place;
* :func:`occupation_complexity`: PCI and ubiquity of occupations (:func:`~s3lib.measures.complexity.eci_pci`);
* :func:`compare_levels`: a district against the rest of its parent region and the country;
* :func:`cross_association`, :func:`association_links`, :func:`cluster_links`, :func:`bridging_competences`:
  an occupation -> industry-cluster bridge from co-location of the two presence matrices over the same
  regions (association strength, with a permutation test), and the occupations that link several of a
  place's industry clusters ("clusters of competences").

Missing cells (suppressed small counts) are missing, not zero, as everywhere in ``s3lib.measures``:
shares and LQs use the observed cells; presence is NaN there and counts as absent in co-location.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import UsageError
from s3lib.measures._util import binary as _binary
from s3lib.result import Result

__all__ = ["LOUVAIN_SEED", "adjusted_rand", "association_links", "backbone", "bridging_competences", "cluster_links",
           "cluster_profile", "compare_levels", "competence_clusters", "cross_association", "occupation_complexity",
           "portfolio"]

#: Seed of the Louvain community detection (results depend on it; the seed makes them reproducible).
LOUVAIN_SEED = 42


def portfolio(counts: pd.DataFrame, lq: pd.DataFrame, region: str, names=None, pci=None) -> pd.DataFrame:
    """A region's occupations: ``occupation, name, employees, share, lq, present`` (and ``pci``).

    ``share`` is of the region's observed employees; ``present`` is ``LQ >= 1`` (NaN where the cell is
    suppressed). Sorted by LQ (descending); suppressed cells come last with NaN values.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [3.0, 1.0], "b": [1.0, 3.0]}, index=["r1", "r2"])
    >>> from s3lib.measures.specialisation import location_quotient
    >>> portfolio(x, location_quotient(x), "r1")[["occupation", "lq"]].values.tolist()
    [['a', 1.5], ['b', 0.5]]
    """
    if region not in counts.index:
        raise UsageError(f"region {region!r} is not in the matrix")
    emp, q = counts.loc[region].astype(float), lq.loc[region].reindex(counts.columns).astype(float)
    out = pd.DataFrame({"occupation": counts.columns, "employees": emp.to_numpy(),
                        "share": (emp / emp.sum()).to_numpy(), "lq": q.to_numpy()})
    out["present"] = np.where(out["lq"].isna(), np.nan, (out["lq"] >= 1).astype(float))
    if names is not None:
        out.insert(1, "name", out["occupation"].map(pd.Series(names)))
    if pci is not None:
        out["pci"] = out["occupation"].map(pd.Series(pci))
    return out.sort_values("lq", ascending=False, na_position="last").reset_index(drop=True)


def backbone(proximity: pd.DataFrame, top: float = 0.05):
    """The proximity backbone: the maximum spanning tree plus the strongest ``top`` share of pairs.

    A complete weighted graph of co-location proximities has one giant community (on German districts:
    "urban" against "rural" occupations); the backbone keeps the structure (Hidalgo et al. 2007 draw
    the product space the same way). Nodes are added in sorted order, so the graph is reproducible.

    Returns
    -------
    networkx.Graph
        Nodes = activities, edge attribute ``weight`` = proximity; ``graph["method"]`` says how it was built.
    """
    import networkx as nx

    if not 0 < top < 1:
        raise UsageError("top must be a share between 0 and 1")
    codes = sorted(proximity.index)
    phi = proximity.reindex(index=codes, columns=codes).to_numpy(dtype=float)
    full = nx.Graph()
    full.add_nodes_from(codes)
    iu, ju = np.triu_indices(len(codes), 1)
    pairs = phi[iu, ju]
    full.add_weighted_edges_from((codes[i], codes[j], float(w)) for i, j, w in zip(iu, ju, pairs) if w > 0)
    graph = nx.Graph(nx.maximum_spanning_tree(full, weight="weight"))
    graph.add_nodes_from(codes)
    threshold = float(np.quantile(pairs, 1 - top)) if pairs.size else 0.0
    graph.add_weighted_edges_from((codes[i], codes[j], float(w)) for i, j, w in zip(iu, ju, pairs)
                                  if w >= threshold and w > 0)
    graph.graph["method"] = (f"maximum spanning tree of the co-location proximity plus the top {top:.0%} of pairs "
                             f"(phi >= {threshold:.3f}); {graph.number_of_edges()} links")
    graph.graph["threshold"] = threshold
    return graph


def _louvain(graph, resolution: float, seed: int, max_share: float) -> list[list]:
    """Louvain communities of ``graph``; a community holding more than ``max_share`` of the nodes is split by
    Louvain on its own subgraph, again and again, until none is larger or it no longer splits."""
    import networkx as nx

    cap = max_share * graph.number_of_nodes()
    todo = [set(c) for c in nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)]
    done = []
    while todo:
        community = todo.pop()
        if len(community) > cap:
            parts = nx.community.louvain_communities(graph.subgraph(community), weight="weight",
                                                     resolution=resolution, seed=seed)
            if len(parts) > 1:
                todo.extend(set(p) for p in parts)
                continue
        done.append(community)
    return sorted((sorted(c) for c in done), key=lambda c: (-len(c), c[0]))


def adjusted_rand(a: pd.Series, b: pd.Series) -> float:
    """Adjusted Rand index of two partitions of the same items (Hubert & Arabie 1985): 1 = identical,
    about 0 = as alike as chance.

    >>> adjusted_rand(pd.Series([1, 1, 2, 2]), pd.Series([5, 5, 7, 7]))
    1.0
    """
    from math import comb

    table = pd.crosstab(a.to_numpy(), b.to_numpy()).to_numpy()
    pairs = sum(comb(int(x), 2) for x in table.ravel())
    rows, cols = sum(comb(int(x), 2) for x in table.sum(axis=1)), sum(comb(int(x), 2) for x in table.sum(axis=0))
    total = comb(int(table.sum()), 2)
    expected = rows * cols / total if total else 0.0
    top = (rows + cols) / 2 - expected
    return float((pairs - expected) / top) if top else 1.0


def competence_clusters(proximity: pd.DataFrame, top: float = 0.05, resolution: float = 1.0,
                        seed: int = LOUVAIN_SEED, max_share: float = 0.25, stability_seeds: int = 10) -> Result:
    """Competence clusters: Louvain communities of the proximity :func:`backbone`, none larger than
    ``max_share`` of the activities.

    Louvain (Blondel et al. 2008, ``networkx.community.louvain_communities``) maximises the weighted
    modularity ``Q = (1/2W) sum_ij [w_ij - s_i s_j / 2W] delta(c_i, c_j)`` at ``resolution`` with a fixed
    ``seed``. On German districts a single pass leaves one community of a third of the occupations (finance,
    IT and airport skills together), so a community larger than ``max_share`` (a quarter) is split by Louvain
    on its own subgraph, recursively. Clusters are numbered 1, 2, ... by size (then by their smallest code).
    **Stability**: the same procedure with ``stability_seeds`` other seeds, compared with the reported
    partition by the adjusted Rand index (:func:`adjusted_rand`; 1 = identical).

    Returns
    -------
    Result
        ``table``: one row per activity with its ``cluster`` number; ``params``: ``method`` (a
        sentence), ``modularity``, ``n_clusters``, ``largest_share``, ``stability`` (mean adjusted Rand index
        over the other seeds), ``stability_min``, ``seed``, ``resolution``, ``top``, ``max_share``.

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]],
    ...                  index=list("wxyz"), columns=list("abcd"))
    >>> from s3lib.measures.relatedness import proximity
    >>> competence_clusters(proximity(m), top=0.2, max_share=0.5).table["cluster"].tolist()
    [1, 1, 2, 2]
    """
    import networkx as nx

    if not 0 < max_share <= 1:
        raise UsageError("max_share must be a share between 0 and 1")
    graph = backbone(proximity, top=top)
    nodes = sorted(graph.nodes)

    def labels(communities) -> pd.Series:
        return pd.Series({code: k for k, members in enumerate(communities, 1) for code in members}).reindex(nodes)

    communities = _louvain(graph, resolution, seed, max_share)
    out = labels(communities).rename("cluster")
    others = [adjusted_rand(out, labels(_louvain(graph, resolution, k, max_share)))
              for k in range(stability_seeds) if k != seed]
    out = out.reindex(proximity.index).astype(int)
    out.index.name = proximity.index.name
    modularity = float(nx.community.modularity(graph, communities, weight="weight", resolution=resolution))
    largest = max(len(c) for c in communities) / max(1, len(nodes))
    stability = float(np.mean(others)) if others else float("nan")
    method = (f"Louvain communities (networkx, resolution {resolution:g}, seed {seed}) of the {graph.graph['method']}, "
              f"a community above {max_share:.0%} of the activities split again on its own subgraph; "
              f"{len(communities)} clusters, the largest {largest:.0%} of the activities, modularity {modularity:.2f}; "
              f"stability over {len(others)} other seeds: adjusted Rand index {stability:.2f} on average"
              + (f" (lowest {min(others):.2f})" if others else ""))
    return Result(out.to_frame(), params={"n_clusters": len(communities), "modularity": modularity, "method": method,
                                          "largest_share": largest, "stability": stability,
                                          "stability_min": float(min(others)) if others else float("nan"),
                                          "seed": seed, "resolution": resolution, "top": top, "max_share": max_share})


def cluster_profile(counts: pd.DataFrame, clusters: pd.Series, region: str, names=None, top: int = 4) -> pd.DataFrame:
    """A region's employees, share and LQ in each competence cluster, with the cluster's largest occupations.

    ``E_rc = sum_{i in c} x_ri`` over observed cells (a lower bound when a cell is suppressed);
    ``LQ_rc = (E_rc / E_r.) / (E_.c / E_..)`` against all rows of ``counts``. ``label`` names the
    cluster by its ``top`` largest occupations in the reference (all rows), ``members`` lists them all.

    Returns
    -------
    DataFrame
        Index ``cluster``: ``label, n, employees, share, lq, members``, sorted by employees.
    """
    if region not in counts.index:
        raise UsageError(f"region {region!r} is not in the matrix")
    clusters = clusters.reindex(counts.columns)
    grouped = counts.T.groupby(clusters).sum(min_count=1).T  # region x cluster, observed cells only
    ref = grouped.sum(axis=0)
    own = grouped.loc[region]
    label_of = pd.Series(names) if names is not None else pd.Series(dict(zip(counts.columns, counts.columns)))
    size = counts.sum(axis=0)
    rows = {}
    for k, members in clusters.groupby(clusters).groups.items():
        ranked = size.reindex(members).sort_values(ascending=False).index
        rows[k] = {"label": "; ".join(str(label_of.get(c, c)) for c in ranked[:top]),
                   "n": len(members), "members": list(ranked)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["employees"] = own.reindex(out.index)
    out["share"] = out["employees"] / own.sum()
    out["lq"] = out["share"] / (ref / ref.sum()).reindex(out.index)
    out.index.name = "cluster"
    return out[["label", "n", "employees", "share", "lq", "members"]].sort_values("employees", ascending=False)


def occupation_complexity(presence: pd.DataFrame, orient: pd.Series | None = None) -> pd.DataFrame:
    """Occupation complexity: ``pci`` (:func:`s3lib.measures.complexity.eci_pci`, Stata standardisation),
    ``ubiquity`` (regions with ``LQ >= 1``) and ``rank`` (1 = most complex). ``orient`` as in ``eci_pci``."""
    from s3lib.measures.complexity import eci_pci

    _, pci = eci_pci(presence, orient=orient)
    out = pd.DataFrame({"pci": pci, "ubiquity": presence.fillna(0).sum(axis=0)})
    out["rank"] = out["pci"].rank(ascending=False, method="min")
    return out.sort_values("pci", ascending=False)


def compare_levels(counts: pd.DataFrame, region: str, parent: str) -> pd.DataFrame:
    """A region against the rest of its parent region and against all rows (the country).

    ``parent`` is a code prefix (``"DE71"``): the rest is the sum of the other rows starting with it.
    Shares are of each territory's observed employees; ``lq_rest = share / share_rest`` and
    ``lq_country = share / share_country`` (the country = all rows, the region included).

    Returns
    -------
    Result
        ``table``: index = activity: ``employees``, ``share``, ``employees_rest``, ``share_rest``,
        ``share_country``, ``lq_rest``, ``lq_country``; ``params``: ``n_rest`` (the other regions in
        ``parent``), ``parent``.
    """
    if region not in counts.index:
        raise UsageError(f"region {region!r} is not in the matrix")
    rest_rows = [r for r in counts.index if str(r).startswith(parent) and r != region]
    if not rest_rows:
        raise UsageError(f"no other region starts with {parent!r}: nothing to compare {region} with")
    own = counts.loc[region].astype(float)
    rest = counts.loc[rest_rows].sum(axis=0, min_count=1)
    country = counts.sum(axis=0, min_count=1)
    out = pd.DataFrame({"employees": own, "share": own / own.sum(), "employees_rest": rest,
                        "share_rest": rest / rest.sum(), "share_country": country / country.sum()})
    out["lq_rest"] = out["share"] / out["share_rest"]
    out["lq_country"] = out["share"] / out["share_country"]
    return Result(out, params={"n_rest": len(rest_rows), "parent": parent})


def cluster_links(cross: pd.DataFrame, weights: pd.DataFrame, size: pd.Series | None = None) -> pd.DataFrame:
    """Occupation x industry-cluster link: the weighted mean of an occupation x industry matrix over the cluster's
    industries, ``L_oc = sum_i w_ic s_i a_oi / sum_i w_ic s_i`` with ``w`` the scheme's industry x cluster weights
    and ``s_i`` the industry's size (1 when ``size`` is None)."""
    w = weights.reindex(index=cross.columns).fillna(0.0)
    if size is not None:
        w = w.mul(size.reindex(w.index).fillna(0.0), axis=0)
    total = w.sum(axis=0)
    w = w.loc[:, total > 0]
    values = cross.to_numpy(dtype=float) @ w.to_numpy() / w.sum(axis=0).to_numpy()
    return pd.DataFrame(values, index=cross.index, columns=w.columns)


def cross_association(presence_a: pd.DataFrame, presence_b: pd.DataFrame) -> pd.DataFrame:
    """Association strength between two activity sets over the same regions: observed over expected
    co-presence, ``AS_ab = C_ab N / (u_a u_b)`` (van Eck & Waltman 2009), 1 = as often together as chance;
    unlike the conditional-probability proximity it does not favour activities present everywhere.
    NaN presence counts as absent; an activity present nowhere gets NaN.

    >>> a = pd.DataFrame({"o1": [1, 1, 0, 0]}, index=list("wxyz"))
    >>> b = pd.DataFrame({"i1": [1, 1, 0, 0], "i2": [1, 1, 1, 1]}, index=list("wxyz"))
    >>> cross_association(a, b).loc["o1"].tolist()
    [2.0, 1.0]
    """
    common = presence_a.index.intersection(presence_b.index, sort=False)
    if len(common) < 2:
        raise UsageError("the two presence matrices share fewer than 2 regions")
    ma, mb = _binary(presence_a.loc[common]), _binary(presence_b.loc[common])
    return pd.DataFrame(_association(ma, mb), index=presence_a.columns, columns=presence_b.columns)


def _association(ma: np.ndarray, mb: np.ndarray) -> np.ndarray:
    ua, ub = ma.sum(axis=0), mb.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (ma.T @ mb) * ma.shape[0] / np.outer(ua, ub)
    out[~np.isfinite(out)] = np.nan
    return out


def association_links(presence_o: pd.DataFrame, presence_i: pd.DataFrame, weights: pd.DataFrame,
                      size: pd.Series | None = None, permutations: int = 999, seed: int = 0,
                      alpha: float = 0.05) -> Result:
    """Occupation x industry-cluster links from co-location, with a permutation test.

    The link is :func:`cluster_links` of the :func:`cross_association` (a normalised measure: 1 = chance).
    Its significance: the regions of the industry matrix are shuffled ``permutations`` times (the industries
    keep their ubiquity and their co-location with each other, only the match with the occupations is
    broken), ``p = (1 + #{L_perm >= L}) / (1 + permutations)``; the p-values of all occupation x cluster
    pairs are adjusted for multiple testing (Benjamini & Hochberg 1995). A pair is **linked** when its
    link is above 1 and its adjusted p-value below ``alpha``.

    Returns
    -------
    Result
        ``table``: the link matrix (occupations x clusters); ``params``: ``p`` and ``q`` (raw and adjusted
        p-values, same shape), ``linked`` (boolean, same shape), ``permutations``, ``alpha``, ``n_regions``.
    """
    common = presence_o.index.intersection(presence_i.index, sort=False)
    if len(common) < 2:
        raise UsageError("the two presence matrices share fewer than 2 regions")
    mo, mi = _binary(presence_o.loc[common]), _binary(presence_i.loc[common])
    w = weights.reindex(index=presence_i.columns).fillna(0.0)
    if size is not None:
        w = w.mul(size.reindex(w.index).fillna(0.0), axis=0)
    w = w.loc[:, w.sum(axis=0) > 0]
    wn = (w / w.sum(axis=0)).to_numpy()

    def link(mi_rows: np.ndarray) -> np.ndarray:
        return np.nan_to_num(_association(mo, mi_rows)) @ wn

    observed = link(mi)
    rng = np.random.default_rng(seed)
    exceed = np.zeros_like(observed)
    for _ in range(permutations):
        exceed += link(mi[rng.permutation(len(common))]) >= observed - 1e-12
    p = (1 + exceed) / (1 + permutations)
    q = _bh(p)
    frame = pd.DataFrame(observed, index=presence_o.columns, columns=w.columns)

    def like(values) -> pd.DataFrame:
        return pd.DataFrame(values, index=frame.index, columns=frame.columns)

    return Result(frame, params={"p": like(p), "q": like(q), "linked": like((q < alpha) & (observed > 1)),
                                 "permutations": permutations, "alpha": alpha, "n_regions": len(common)})


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of an array (any shape)."""
    flat = p.ravel()
    order = np.argsort(flat)
    ranked = flat[order] * len(flat) / np.arange(1, len(flat) + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    out = np.empty_like(flat)
    out[order] = adjusted
    return out.reshape(p.shape)


def bridging_competences(links: pd.DataFrame, linked: pd.DataFrame, occupations, clusters,
                         min_clusters: int = 2) -> Result:
    """Occupations that link several of a place's industry clusters: candidate clusters of competences.

    Among ``occupations`` (e.g. the place's present ones) and ``clusters`` (the place's present clusters),
    those ``linked`` (a boolean occupation x cluster frame, e.g. the significant links of
    :func:`association_links`) to at least ``min_clusters`` are returned.

    Returns
    -------
    Result
        ``table``: ``occupation, n_clusters, clusters`` (a list, strongest link first), ``mean_link``;
        sorted by ``n_clusters`` then ``mean_link``.
    """
    occ = [o for o in occupations if o in links.index]
    cl = [c for c in clusters if c in links.columns]
    rows = []
    for o in occ:
        row = links.loc[o, cl]
        hit = row[linked.loc[o, cl].to_numpy(dtype=bool)].sort_values(ascending=False)
        if len(hit) >= min_clusters:
            rows.append({"occupation": o, "n_clusters": len(hit), "clusters": list(hit.index),
                         "mean_link": float(hit.mean())})
    out = pd.DataFrame(rows, columns=["occupation", "n_clusters", "clusters", "mean_link"])
    return Result(out.sort_values(["n_clusters", "mean_link"], ascending=False).reset_index(drop=True))
