"""Cluster arithmetic: schemes, cluster employment, LQ, Cluster Observatory stars, the US CMP strong rule.

A *cluster scheme* maps industries (any activity codes, e.g. NACE divisions ``C29``) to clusters
with weights ``w_ic`` in (0, 1]; an industry split over several clusters has several rows, and
its weights sum to at most 1 (the remainder is activity outside every cluster of the scheme, e.g.
local services in the US CMP scheme). Schemes are built and loaded in :mod:`s3lib.study.schemes`; this
module only computes with them, on labelled matrices.

Missing cells
-------------
Employment cells that are missing (NaN: confidential or not published) are missing, not zero.
:func:`cluster_matrix` sums the observed cells only, so a cluster's employment is a lower bound
when one of its industries is hidden; it is NaN when none of its industries is observed.
:func:`cluster_coverage` gives, per region and cluster, the share of the cluster's weight that
is observed (1 = complete).

Examples
--------
>>> s = ClusterScheme("demo", pd.DataFrame({"nace": ["C29", "C28", "C28"],
...                                         "cluster": ["Auto", "Auto", "Machinery"],
...                                         "weight": [1.0, 0.5, 0.5]}))
>>> x = pd.DataFrame({"C28": [100.0], "C29": [50.0]}, index=["DE71"])
>>> cluster_matrix(x, s).loc["DE71"].tolist()
[100.0, 50.0]
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError

__all__ = [
    "APPORTIONED_FLAG",
    "PARTIAL_COVERAGE",
    "ClusterScheme",
    "cluster_bounds",
    "cluster_coverage",
    "cluster_lq",
    "cluster_matrix",
    "colocation_scheme",
    "observatory_stars",
    "portfolio_table",
    "strong_clusters",
]

#: Below this observed share of its industry weight a portfolio row is flagged ``partial``.
PARTIAL_COVERAGE = 0.5
#: A cluster is flagged ``rests_on_apportioning`` when its apportioned value is below this share of its
#: whole-division value (most of what the whole divisions would give it depends on the apportioning).
APPORTIONED_FLAG = 0.5


@dataclass(frozen=True, eq=False)
class ClusterScheme:
    """Industry -> cluster mapping with weights.

    Parameters
    ----------
    name : str
        Short name (``"uscmp"``, ``"colocation-2014"``, a file name).
    weights : DataFrame
        Long table with columns ``nace``, ``cluster``, ``weight`` (one row per industry-cluster
        link; ``0 < weight <= 1``; an industry's weights sum to <= 1).
    description : str
        How the scheme was made (shown in tables and notebooks).
    labels : dict, optional
        Longer label per cluster (e.g. the member divisions of a co-location cluster).
    related_pairs : DataFrame, optional
        The scheme's own related-cluster table (:func:`s3lib.measures.links.uscmp_network`'s input),
        where the scheme has one; :meth:`related` returns it.

    Examples
    --------
    >>> s = ClusterScheme("demo", pd.DataFrame({"nace": ["C29"], "cluster": ["Auto"], "weight": [1.0]}))
    >>> s.clusters
    ['Auto']
    """

    name: str
    weights: pd.DataFrame
    description: str = ""
    labels: dict = field(default_factory=dict)
    related_pairs: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self):
        w = self.weights
        missing = {"nace", "cluster", "weight"} - set(w.columns)
        if missing:
            raise UsageError(f"cluster scheme {self.name!r} lacks columns {sorted(missing)}")
        w = w[["nace", "cluster", "weight"]].astype({"nace": str, "cluster": str, "weight": float})
        bad = w[~((w["weight"] > 0) & (w["weight"] <= 1))]
        if not bad.empty:
            raise UsageError(f"cluster scheme {self.name!r}: weights must be in (0, 1]; "
                             f"bad rows: {bad.head(3).to_dict('records')}")
        total = w.groupby("nace")["weight"].sum()
        over = total[total > 1 + 1e-9]
        if not over.empty:
            raise UsageError(f"cluster scheme {self.name!r}: the weights of an industry must sum to <= 1; "
                             f"they sum to more for {', '.join(f'{k} ({v:g})' for k, v in over.head(5).items())}")
        dup = w[w.duplicated(["nace", "cluster"])]
        if not dup.empty:
            raise UsageError(f"cluster scheme {self.name!r}: repeated industry-cluster rows "
                             f"{dup[['nace', 'cluster']].head(3).to_dict('records')}")
        object.__setattr__(self, "weights", w.reset_index(drop=True))

    def __getattribute__(self, name):
        # a scheme is shared by every study that uses it: its tables are handed out as copies
        value = object.__getattribute__(self, name)
        if name in ("weights", "related_pairs") and value is not None:
            return value.copy(deep=False)
        return dict(value) if name == "labels" else value

    @property
    def clusters(self) -> list[str]:
        """Cluster names, in order of first appearance."""
        return list(dict.fromkeys(self.weights["cluster"]))

    @property
    def industries(self) -> list[str]:
        """Industry codes that belong to at least one cluster."""
        return list(dict.fromkeys(self.weights["nace"]))

    def related(self) -> pd.DataFrame | None:
        """The scheme's related-cluster pairs, or None when it has none (links then come from co-location)."""
        return self.related_pairs

    def weight_matrix(self) -> pd.DataFrame:
        """Industry x cluster weights ``W`` (0 where an industry is not in the cluster)."""
        return (self.weights.pivot(index="nace", columns="cluster", values="weight")
                .reindex(columns=self.clusters).fillna(0.0))

    def members(self, cluster: str) -> pd.Series:
        """Weights of the industries of one cluster, largest first."""
        if cluster not in self.clusters:
            raise UnknownChoiceError(f"cluster of scheme {self.name!r}", cluster, self.clusters)
        w = self.weights[self.weights["cluster"] == cluster]
        return w.set_index("nace")["weight"].sort_values(ascending=False)


def cluster_matrix(matrix: pd.DataFrame, scheme: ClusterScheme) -> pd.DataFrame:
    """Region x cluster employment ``E_rc = sum_i w_ic x_ri``.

    Parameters
    ----------
    matrix : DataFrame
        Region x industry counts (NaN = missing), at the scheme's industry level.
    scheme : ClusterScheme

    Returns
    -------
    DataFrame
        Region x cluster. Missing cells contribute nothing (the value is a lower bound; see
        :func:`cluster_coverage`); NaN when none of the cluster's industries is observed in the
        region (also when the matrix lacks all of them, e.g. finance in the business statistics).

    Examples
    --------
    >>> s = ClusterScheme("d", pd.DataFrame({"nace": ["A", "B"], "cluster": ["K", "K"], "weight": [1, .5]}))
    >>> cluster_matrix(pd.DataFrame({"A": [1.0, np.nan], "B": [2.0, np.nan]}, index=["r1", "r2"]), s)["K"].tolist()
    [2.0, nan]
    """
    w = scheme.weight_matrix()
    common = [i for i in w.index if i in matrix.columns]
    x = matrix.reindex(columns=common).astype(float)
    wc = w.loc[common]
    out = x.fillna(0.0).to_numpy() @ wc.to_numpy()
    seen = x.notna().to_numpy().astype(float) @ (wc.to_numpy() > 0).astype(float)
    out = np.where(seen > 0, out, np.nan)
    return pd.DataFrame(out, index=matrix.index, columns=w.columns)


def cluster_bounds(matrix: pd.DataFrame, scheme: ClusterScheme) -> dict[str, pd.DataFrame]:
    """How much of each cluster's employment rests on apportioning divisions among clusters.

    The data stop at divisions while the scheme's industries are finer: a division whose weight in
    a cluster is below 1 is **apportioned** (its NACE classes counted equally, so the aerospace
    class C30.30 gives Aerospace 1/8 of C30 whatever the region's real mix). Per region and
    cluster:

    * ``lower``: the apportioned value ``sum_d w_dc x_rd`` (= :func:`cluster_matrix`);
    * ``upper``: whole divisions, ``sum_{d: w_dc > 0} x_rd`` (every division the cluster touches);
    * ``apportioned``: the share of ``lower`` that comes from divisions with ``w_dc < 1``.

    Neither is a hard bound on the cluster's true size (a region's mix within a division is not
    known); they bracket the two readings of the scheme. Missing cells count as 0 in all three.

    Examples
    --------
    >>> s = ClusterScheme("d", pd.DataFrame({"nace": ["A", "B"], "cluster": ["K", "K"], "weight": [1, .25]}))
    >>> b = cluster_bounds(pd.DataFrame({"A": [10.0], "B": [40.0]}, index=["r1"]), s)
    >>> float(b["lower"].loc["r1", "K"]), float(b["upper"].loc["r1", "K"]), float(b["apportioned"].loc["r1", "K"])
    (20.0, 50.0, 0.5)
    """
    w = scheme.weight_matrix()
    common = [i for i in w.index if i in matrix.columns]
    x = matrix.reindex(columns=common).astype(float).fillna(0.0).to_numpy()
    wc = w.loc[common].to_numpy()
    lower = x @ wc
    upper = x @ (wc > 0).astype(float)
    split = x @ np.where(wc < 1 - 1e-9, wc, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(lower > 0, split / lower, np.nan)
    frame = lambda a: pd.DataFrame(a, index=matrix.index, columns=w.columns)
    return {"lower": frame(lower), "upper": frame(upper), "apportioned": frame(share)}


def cluster_coverage(matrix: pd.DataFrame, scheme: ClusterScheme) -> pd.DataFrame:
    """Observed share of each cluster's industry weight, per region (1 = no missing industry).

    ``coverage_rc = sum_{i observed in r} w_ic / sum_i w_ic`` over all industries of the scheme,
    so an industry absent from the data (e.g. NACE K in the business statistics) lowers it.
    """
    w = scheme.weight_matrix()
    observed = matrix.reindex(columns=w.index).notna().astype(float)
    out = observed.to_numpy() @ w.to_numpy() / w.sum(axis=0).to_numpy()
    return pd.DataFrame(out, index=matrix.index, columns=w.columns)


def cluster_lq(emp: pd.DataFrame, total: pd.Series | None = None, reference=None) -> pd.DataFrame:
    """Cluster location quotient ``LQ_rc = (E_rc / T_r) / (E_.c / T_.)``.

    Parameters
    ----------
    emp : DataFrame
        Region x cluster employment (:func:`cluster_matrix`).
    total : Series, optional
        Region totals ``T_r`` (e.g. all employment of the region). Default: the row sums of
        ``emp`` (with the ``uscmp`` scheme, traded-cluster employment: the US CMP convention).
    reference : None or str
        Reference economy as in :func:`s3lib.measures.specialisation.location_quotient` (``None`` = all
        rows of ``emp``; a code = the rows starting with it).

    Examples
    --------
    >>> e = pd.DataFrame({"K": [10.0, 10.0]}, index=["r1", "r2"])
    >>> cluster_lq(e, total=pd.Series({"r1": 20.0, "r2": 80.0}))["K"].tolist()   # (10/20) / (20/100)
    [2.5, 0.625]
    """
    from s3lib.measures.specialisation import location_quotient

    if total is None:
        return location_quotient(emp, reference=reference)
    rest = "__rest_of_region__"
    extended = emp.copy()
    extended[rest] = (total.reindex(emp.index).astype(float) - emp.sum(axis=1)).clip(lower=0.0)
    return location_quotient(extended, reference=reference).drop(columns=rest)


def _top_share(values: pd.DataFrame, top: float) -> pd.DataFrame:
    """True where a positive value is >= the column's (1 - top) quantile over observed regions."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns have no cut
        cut = np.nanquantile(values.to_numpy(dtype=float), 1 - top, axis=0)
    return (values >= cut) & (values > 0)


def observatory_stars(emp: pd.DataFrame, total: pd.Series | None = None, top: float = 0.10,
                      lq_min: float = 2.0, detail: bool = False) -> pd.DataFrame:
    """European Cluster Observatory stars (2007-2014 method), 0..3 per region and cluster.

    One star each for: size (``E_rc`` >= the (1 - top) quantile of the cluster's employment over
    the regions given, and > 0); specialisation (``LQ_rc >= lq_min``); focus (the cluster's share
    of the region's employment ``E_rc / T_r`` >= the (1 - top) quantile over regions, and > 0).
    Quantiles: numpy linear interpolation over the regions with an observed value; with n regions
    the top 10 % is the regions at or above position 0.9 (n - 1) of the sorted values.

    Parameters
    ----------
    emp : DataFrame
        Region x cluster employment over all regions of one level (e.g. every EU NUTS2 region).
    total : Series, optional
        Region total employment for LQ and focus (default: row sums of ``emp``).
    top : float, default 0.10
    lq_min : float, default 2.0
    detail : bool
        Return a long table (region, cluster, size, specialisation, focus, stars) instead.

    Returns
    -------
    DataFrame
        Region x cluster stars (float; NaN where the cluster's employment is missing).

    References
    ----------
    European Cluster Observatory, Cluster mapping methodology (Ketels & Protsiv 2014).

    Examples
    --------
    >>> e = pd.DataFrame({"K": [float(v) for v in range(1, 11)], "L": [10.0] * 10},
    ...                  index=[f"r{i}" for i in range(10)])
    >>> float(observatory_stars(e).loc["r9", "K"])    # size (top decile) and focus
    2.0
    """
    t = emp.sum(axis=1) if total is None else total.reindex(emp.index).astype(float)
    size = _top_share(emp, top)
    focus = _top_share(emp.div(t, axis=0), top)
    spec = cluster_lq(emp, total=t) >= lq_min
    stars = (size.astype(float) + spec.astype(float) + focus.astype(float)).where(emp.notna())
    if not detail:
        return stars
    parts = {"size": size, "specialisation": spec, "focus": focus, "stars": stars}
    long = pd.concat({k: v.stack(future_stack=True) for k, v in parts.items()}, axis=1)
    long.index.names = ["region", "cluster"]
    return long.reset_index()


def strong_clusters(emp: pd.DataFrame, est: pd.DataFrame, top: float = 0.75) -> pd.DataFrame:
    """US Cluster Mapping "strong cluster" flags (``top=0.90`` gives strong10).

    Per cluster c, over the regions R_c with ``emp_rc > 0`` (one region type, e.g. all NUTS2):
    ``strong = LQ >= P_top(LQ) and LQ >= 1 and emp > P25(emp) and est > P25(est)``, quantiles
    with numpy's default linear interpolation (``est`` quantile over the regions of R_c with an
    observed count). LQ uses the row sums of ``emp`` as denominators: with the ``uscmp`` scheme
    that is traded-cluster employment, as in clustermapping/cmp.

    Parameters
    ----------
    emp : DataFrame
        Region x cluster employment.
    est : DataFrame
        Region x cluster establishments (Eurostat SBS local units, V11210).
    top : float, default 0.75

    Returns
    -------
    DataFrame
        Nullable boolean region x cluster; False where ``emp`` is 0 or missing, or the cluster's
        ``est`` is missing; **NA (unknown) for a region without any establishment count** (local
        units are not published for France, Italy or Romania in 2015: "not strong" would be wrong).

    Examples
    --------
    >>> e = pd.DataFrame({"K": [1.0, 2, 3, 40], "L": [10.0, 10, 10, 10]}, index=list("abcd"))
    >>> strong_clusters(e, e)["K"].tolist()
    [False, False, False, True]
    """
    est = est.reindex(index=emp.index, columns=emp.columns)
    e = emp.to_numpy(dtype=float)
    present = e > 0  # NaN compares False
    masked = {name: np.where(present, values, np.nan)
              for name, values in (("lq", cluster_lq(emp).to_numpy(dtype=float)), ("emp", e),
                                   ("est", est.to_numpy(dtype=float)))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # clusters absent everywhere: all-NaN columns
        cut = {"lq": np.nanquantile(masked["lq"], top, axis=0),
               "emp": np.nanquantile(masked["emp"], 0.25, axis=0),
               "est": np.nanquantile(masked["est"], 0.25, axis=0)}
    ok = (present & (masked["lq"] >= cut["lq"]) & (masked["lq"] >= 1)
          & (masked["emp"] > cut["emp"]) & (masked["est"] > cut["est"]))
    out = pd.DataFrame(ok, index=emp.index, columns=emp.columns).astype("boolean")
    out[est.isna().all(axis=1).to_numpy()] = pd.NA
    return out


def portfolio_table(persons: pd.DataFrame, units: pd.DataFrame, scheme: ClusterScheme,
                    estimated: pd.DataFrame | None = None) -> pd.DataFrame:
    """The cluster portfolio of every region: one row per (region, cluster).

    Parameters
    ----------
    persons, units : DataFrame
        Region x industry persons employed and local units (establishments) of all regions of
        one level (the reference economy of LQ, stars and the strong rule); NaN = missing.
    scheme : ClusterScheme

    Returns
    -------
    DataFrame
        Index ``(region, cluster)``; columns ``employment`` (:func:`cluster_matrix`), ``share``
        (of the region's observed employment in all industries), ``lq`` (region totals as
        denominators, :func:`cluster_lq`), ``stars`` and the star components ``size_star``,
        ``specialisation_star``, ``focus_star`` (:func:`observatory_stars`), ``strong`` /
        ``strong10`` (:func:`strong_clusters`, local units as establishments), ``local_units``,
        ``coverage`` (:func:`cluster_coverage`) and ``partial`` (coverage < :data:`PARTIAL_COVERAGE`);
        ``lower``/``upper``/``apportioned`` (:func:`cluster_bounds`) and ``rests_on_apportioning``
        (``lower < APPORTIONED_FLAG x upper``: the whole-division reading is more than twice the apportioned one); ``estimated``: the share of ``employment``
        from estimated cells (``estimated``: region x industry True where ``persons`` is an estimate).

    Examples
    --------
    >>> s = ClusterScheme("d", pd.DataFrame({"nace": ["A", "B"], "cluster": ["K", "L"], "weight": [1.0, 1.0]}))
    >>> x = pd.DataFrame({"A": [1.0, 3.0], "B": [3.0, 1.0]}, index=["r1", "r2"])
    >>> float(portfolio_table(x, x, s).loc[("r1", "K"), "lq"])
    0.5
    """
    emp, est = cluster_matrix(persons, scheme), cluster_matrix(units, scheme)
    total = persons.sum(axis=1)
    bounds = cluster_bounds(persons, scheme)
    if estimated is None:
        estimated = pd.DataFrame(False, index=persons.index, columns=persons.columns)
    from_estimates = cluster_matrix(persons.where(estimated.reindex_like(persons).fillna(False).astype(bool)), scheme)
    stars = observatory_stars(emp, total=total, detail=True).set_index(["region", "cluster"])
    columns = {
        "employment": emp,
        "share": emp.div(total, axis=0),
        "lq": cluster_lq(emp, total=total),
        "strong": strong_clusters(emp, est),
        "strong10": strong_clusters(emp, est, top=0.90),
        "local_units": est,
        "coverage": cluster_coverage(persons, scheme),
        "lower": bounds["lower"],
        "upper": bounds["upper"],
        "apportioned": bounds["apportioned"],
        "estimated": (from_estimates.fillna(0.0) / emp).where(emp > 0),
    }
    table = pd.concat({k: v.rename_axis(index="region", columns="cluster").stack(future_stack=True)
                       for k, v in columns.items()}, axis=1)
    table = table.join(stars.rename(columns={"size": "size_star", "specialisation": "specialisation_star",
                                             "focus": "focus_star"}))
    table = table[["employment", "share", "lq", "stars", "size_star", "specialisation_star", "focus_star",
                   "strong", "strong10", "local_units", "coverage", "lower", "upper", "apportioned", "estimated"]]
    table["partial"] = table["coverage"] < PARTIAL_COVERAGE
    table["rests_on_apportioning"] = table["lower"] < APPORTIONED_FLAG * table["upper"]
    return table


def colocation_scheme(proximity: pd.DataFrame, size: pd.Series, *, name: str = "colocation",
                      threshold: float = 0.55, resolution: float = 2.0, seed: int = 2014,
                      description: str = "") -> ClusterScheme:
    """Data-driven clusters of industries: Louvain communities of the industry-space backbone.

    The backbone is :func:`s3lib.measures.relatedness.graph` of ``proximity`` (maximum spanning
    tree plus every link with ``phi >= threshold``; the full graph is too dense: half the NACE
    division pairs have phi > 0.27 and Louvain then finds 3 giant groups); communities by
    ``networkx.community.louvain_communities`` weighted by ``phi`` (``resolution``, ``seed``).
    Each industry belongs to one cluster (weight 1). A cluster is named after its three largest
    members by ``size`` (``"C25 + C28 + C29"``); ``labels`` lists every member.

    Industries with zero ubiquity (a zero row in ``proximity``) are left out.

    References
    ----------
    Hidalgo, Klinger, Barabasi & Hausmann (2007), The product space conditions the development
    of nations, Science 317; Blondel et al. (2008), Fast unfolding of communities in large
    networks, J. Stat. Mech. P10008.

    Examples
    --------
    >>> phi = pd.DataFrame([[0, .9, .1, .1], [.9, 0, .1, .1], [.1, .1, 0, .8], [.1, .1, .8, 0]],
    ...                    index=list("abcd"), columns=list("abcd"))
    >>> colocation_scheme(phi, pd.Series(1.0, index=list("abcd")), resolution=1.0).clusters
    ['a + b', 'c + d']
    """
    import networkx as nx

    from s3lib.measures.relatedness import graph

    linked = proximity.index[proximity.fillna(0).to_numpy().sum(axis=1) > 0]
    backbone = graph(proximity.loc[linked, linked], threshold=threshold)
    communities = nx.community.louvain_communities(backbone, weight="weight", resolution=resolution, seed=seed)
    rows, labels = [], {}
    for members in sorted(communities, key=lambda c: (-sum(size.get(i, 0.0) for i in c), sorted(c))):
        ordered = sorted(members, key=lambda i: (-size.get(i, 0.0), i))
        cluster = " + ".join(ordered[:3])
        labels[cluster] = ", ".join(ordered)
        rows += [(i, cluster, 1.0) for i in ordered]
    weights = pd.DataFrame(rows, columns=["nace", "cluster", "weight"])
    return ClusterScheme(name, weights, labels=labels, description=description)
