"""Cluster schemes, cluster employment, Cluster Observatory stars and US CMP strong clusters.

A *cluster scheme* maps industries (NACE codes, Eurostat style: ``C29``) to clusters with
weights ``w_ic`` in (0, 1]; an industry split over several clusters has several rows, and its
weights sum to at most 1 (the remainder is activity outside every cluster of the scheme, e.g.
local services in the US CMP scheme). Three kinds are built in:

* ``"uscmp"``: the 51 traded clusters of the US Cluster Mapping Project (Delgado, Porter & Stern
  2016) carried to NACE Rev. 2 divisions through the NAICS 2017 -> NACE correspondence. The
  carry-over is **derived by s3lib** (rule in :mod:`s3lib.data.build_uscmp`): equal split per
  NAICS link within a NACE class, classes counted equally within a division.
* ``"colocation"``: data-driven clusters of NACE divisions: presence ``LQ >= 1`` over all NUTS2
  regions of the business statistics in one year, co-location proximity (Hidalgo et al. 2007),
  Louvain communities (networkx, fixed seed) of the industry-space backbone.
* :func:`from_file`: a user's own mapping in CSV or YAML (columns ``nace, cluster[, weight]``).

Missing cells
-------------
Employment cells that are missing (NaN: confidential or not published) are missing, not zero.
:func:`cluster_matrix` sums the observed cells only, so a cluster's employment is a lower bound
when one of its industries is hidden; it is NaN when none of its industries is observed.
:func:`cluster_coverage` gives, per region and cluster, the share of the cluster's weight that
is observed (1 = complete); the portfolio reports it.

Examples
--------
>>> import pandas as pd
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
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError

__all__ = [
    "COLOCATION_RESOLUTION",
    "COLOCATION_SEED",
    "COLOCATION_THRESHOLD",
    "PARTIAL_COVERAGE",
    "SCHEMES",
    "ClusterScheme",
    "cluster_coverage",
    "cluster_lq",
    "cluster_matrix",
    "colocation",
    "from_file",
    "get_scheme",
    "observatory_stars",
    "portfolio",
    "strong_clusters",
    "uscmp",
]

#: Names accepted by :func:`get_scheme` (a path to a CSV/YAML file is accepted too).
SCHEMES = ("uscmp", "colocation")
#: Below this observed share of its industry weight a portfolio row is flagged ``partial``.
PARTIAL_COVERAGE = 0.5
#: Seed of the Louvain community detection of the ``colocation`` scheme.
COLOCATION_SEED = 2014
#: Louvain resolution of the ``colocation`` scheme (higher = more, smaller clusters).
COLOCATION_RESOLUTION = 2.0
#: Proximity above which links join the spanning tree in the ``colocation`` backbone (product space: 0.55).
COLOCATION_THRESHOLD = 0.55


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

    @property
    def clusters(self) -> list[str]:
        """Cluster names, in order of first appearance."""
        return list(dict.fromkeys(self.weights["cluster"]))

    @property
    def industries(self) -> list[str]:
        """Industry codes that belong to at least one cluster."""
        return list(dict.fromkeys(self.weights["nace"]))

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


def get_scheme(name: str | Path | ClusterScheme = "uscmp", year: int = 2014) -> ClusterScheme:
    """A cluster scheme by name: ``"uscmp"``, ``"colocation"`` (of ``year``), or a CSV/YAML path.

    Examples
    --------
    >>> get_scheme("uscmp").clusters[:2]          # doctest: +SKIP
    ['Aerospace Vehicles and Defense', 'Agricultural Inputs and Services']
    """
    if isinstance(name, ClusterScheme):
        return name
    key = str(name)
    if key.lower() == "uscmp":
        return uscmp()
    if key.lower() == "colocation":
        return colocation(year=year)
    if Path(key).suffix.lower() in {".csv", ".yaml", ".yml"}:
        return from_file(key)
    raise UnknownChoiceError("cluster scheme", name, SCHEMES, hint="or give a .csv/.yaml mapping file")


@lru_cache(maxsize=1)
def uscmp() -> ClusterScheme:
    """The 51 US CMP traded clusters on NACE Rev. 2 divisions (derived through NAICS 2017).

    Weight ``w_dc`` = share of division ``d``'s NACE classes (counted equally) in cluster ``c``,
    where a NACE class linked to m NAICS codes is split 1/m per link (see
    :mod:`s3lib.data.build_uscmp`). Only traded rows are kept: a division's weights sum to
    <= 1 and the remainder is local or unmapped activity.

    References
    ----------
    Delgado, Porter & Stern (2016), Defining clusters of related industries, J. Econ. Geogr. 16(1).
    """
    from s3lib.data import _store

    table = _store.read_table("cluster_scheme_uscmp.parquet")
    traded = table[table["kind"] == "traded"].sort_values(["cluster_code", "nace"])
    return ClusterScheme(
        "uscmp", traded[["nace", "cluster", "weight"]],
        description=("US Cluster Mapping Project 51 traded clusters (Delgado, Porter & Stern 2016), carried to "
                     "NACE Rev. 2 divisions through the NAICS 2017 -> NACE correspondence by s3lib (derived: "
                     "equal split per NAICS link, NACE classes counted equally within a division)"),
    )


@lru_cache(maxsize=8)
def colocation(year: int = 2014, resolution: float = COLOCATION_RESOLUTION, seed: int = COLOCATION_SEED,
               threshold: float = COLOCATION_THRESHOLD) -> ClusterScheme:
    """Data-driven clusters of NACE divisions from EU co-location relatedness.

    Method: persons employed in all NUTS2 regions of the business statistics in ``year``;
    ``LQ`` against the sum of those regions; presence ``M = 1`` if ``LQ >= 1`` (a missing cell
    counts as absent); co-location proximity ``phi_ij = C_ij / max(u_i, u_j)`` with ``C = M^T M``
    and ubiquity ``u`` (:func:`s3lib.relatedness.proximity`); the industry-space backbone of
    :func:`s3lib.relatedness.graph` (maximum spanning tree plus every link with
    ``phi >= threshold``; the full graph is too dense: half the pairs have phi > 0.27 and Louvain
    then finds 3 giant groups); Louvain communities of that backbone weighted by ``phi``
    (``networkx.community.louvain_communities``, ``resolution``, ``seed``). Each division belongs
    to one cluster (weight 1). A cluster is named after its three largest members by employment
    in all regions (``"C25 + C28 + C29"``); ``labels`` lists every member.

    With the defaults (2014, threshold 0.55, resolution 2.0, seed 2014) this gives 11 clusters of
    4-11 divisions, the same partition sizes for seeds 1 and 7.

    References
    ----------
    Hidalgo, Klinger, Barabasi & Hausmann (2007), The product space conditions the development
    of nations, Science 317; Blondel et al. (2008), Fast unfolding of communities in large
    networks, J. Stat. Mech. P10008.
    """
    import networkx as nx

    from s3lib import data
    from s3lib.relatedness import graph

    x = data.eu_matrix(2, year)
    backbone = graph(_eu_proximity(x), threshold=threshold)
    communities = nx.community.louvain_communities(backbone, weight="weight", resolution=resolution, seed=seed)
    size = x.sum(axis=0)
    rows, labels = [], {}
    for members in sorted(communities, key=lambda c: -sum(size.get(i, 0.0) for i in c)):
        ordered = sorted(members, key=lambda i: (-size.get(i, 0.0), i))
        name = " + ".join(ordered[:3])
        labels[name] = ", ".join(ordered)
        rows += [(i, name, 1.0) for i in ordered]
    weights = pd.DataFrame(rows, columns=["nace", "cluster", "weight"])
    return ClusterScheme(
        f"colocation-{year}", weights, labels=labels,
        description=(f"co-location clusters of NACE divisions: presence LQ >= 1 over all NUTS2 regions, {year}; "
                     f"proximity phi (Hidalgo et al. 2007); backbone = maximum spanning tree + phi >= {threshold}; "
                     f"Louvain communities, resolution {resolution}, seed {seed}; named after the three largest "
                     "members by employment"),
    )


def from_file(path: str | Path) -> ClusterScheme:
    """A user's cluster mapping from CSV or YAML.

    CSV: columns ``nace``, ``cluster`` and optionally ``weight`` (a missing or blank weight is 1). YAML: either a list
    of such records, or a mapping ``cluster -> [nace, ...]`` or ``cluster -> {nace: weight}``.
    Codes are Eurostat-style NACE Rev. 2 codes of any level (``C``, ``C29``, ``G451``); they must
    exist in :func:`s3lib.data.nace`, must not overlap (``C`` and ``C29`` together would count
    C29 twice), and an industry's weights must sum to <= 1.

    Examples
    --------
    A file ``mobility.csv``::

        nace,cluster,weight
        C29,Mobility,1
        C30,Mobility,1
        H49,Mobility,0.5
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"cluster mapping file {path} not found")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            table = pd.read_csv(path, dtype={"nace": str, "cluster": str})
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read cluster mapping {path.name}: {exc}") from None
        unit, first = "line", 2
    elif suffix in {".yaml", ".yml"}:
        table = _yaml_table(path)
        unit, first = "entry", 1
    else:
        raise UsageError(f"cluster mapping {path.name}: use a .csv or .yaml file")
    def where(rows) -> str:
        return f"{unit} " + ", ".join(str(i + first) for i in rows[:5])

    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = {"nace", "cluster"} - set(table.columns)
    if missing:
        raise UsageError(f"cluster mapping {path.name} lacks column(s) {', '.join(sorted(missing))}; "
                         "expected nace, cluster[, weight]")
    if "weight" not in table.columns:
        table["weight"] = np.nan
    table = table[["nace", "cluster", "weight"]].reset_index(drop=True)
    empty = table.index[table["nace"].isna() | table["cluster"].isna()]
    if len(empty):
        raise UsageError(f"cluster mapping {path.name}: empty nace or cluster in {where(empty)}")
    table["nace"] = table["nace"].astype(str).str.strip().str.upper().str.replace(".", "", regex=False)
    table["cluster"] = table["cluster"].astype(str).str.strip()
    blank = table["weight"].isna() | table["weight"].astype(str).str.strip().eq("")
    weight = pd.to_numeric(table["weight"].mask(blank, 1.0), errors="coerce")  # no weight = 1
    if weight.isna().any():
        raise UsageError(f"cluster mapping {path.name}: weight is not a number in {where(table.index[weight.isna()])}")
    table["weight"] = weight
    _check_nace_codes(table["nace"], path.name)
    return ClusterScheme(path.stem, table, description=f"user mapping from {path.name}")


def _yaml_table(path: Path) -> pd.DataFrame:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise UsageError(f"cannot read cluster mapping {path.name}: {exc}") from None
    if isinstance(doc, dict) and "clusters" in doc and len(doc) == 1:
        doc = doc["clusters"]
    if isinstance(doc, list) and all(isinstance(r, dict) for r in doc):
        return pd.DataFrame.from_records(doc)
    if isinstance(doc, dict):
        rows = []
        for cluster, members in doc.items():
            if isinstance(members, dict):
                rows += [(str(code), cluster, w) for code, w in members.items()]
            elif isinstance(members, list):
                rows += [(str(code), cluster, 1.0) for code in members]
            else:
                raise UsageError(f"cluster mapping {path.name}: cluster {cluster!r} must list NACE codes "
                                 "or map them to weights")
        return pd.DataFrame(rows, columns=["nace", "cluster", "weight"])
    raise UsageError(f"cluster mapping {path.name}: expected a list of records (nace, cluster, weight) "
                     "or a mapping cluster -> NACE codes")


def _check_nace_codes(codes: pd.Series, source: str) -> None:
    """Raise a clear error for unknown or overlapping NACE codes."""
    from s3lib import data

    known = set(data.nace()["code"])
    unknown = sorted(set(codes) - known)
    if unknown:
        hint = UnknownChoiceError("NACE code", unknown[0], sorted(known)).suggestions
        more = f"; did you mean {', '.join(hint)} for {unknown[0]}?" if hint else ""
        raise UsageError(f"cluster mapping {source}: unknown NACE Rev. 2 code(s) {', '.join(unknown[:8])} "
                         f"(use Eurostat-style codes such as C29 or G451){more}")
    distinct = sorted(set(codes))
    overlap = [(a, b) for a in distinct for b in distinct if a != b and b.startswith(a)]
    if overlap:
        a, b = overlap[0]
        raise UsageError(f"cluster mapping {source}: {a} contains {b}; give each industry at one level only "
                         "so that no employment is counted twice")


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
        Reference economy as in :func:`s3lib.specialisation.location_quotient` (``None`` = all
        rows of ``emp``; a code = the rows starting with it).

    Examples
    --------
    >>> e = pd.DataFrame({"K": [10.0, 10.0]}, index=["r1", "r2"])
    >>> cluster_lq(e, total=pd.Series({"r1": 20.0, "r2": 80.0}))["K"].tolist()   # (10/20) / (20/100)
    [2.5, 0.625]
    """
    from s3lib.specialisation import location_quotient

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
        Boolean region x cluster; False where ``emp`` is 0 or missing, or ``est`` is missing.

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
    return pd.DataFrame(ok, index=emp.index, columns=emp.columns)


def portfolio(place, year: int = 2014, scheme: str | ClusterScheme = "uscmp") -> pd.DataFrame:
    """A place's clusters: employment, share, LQ against the EU NUTS2 regions, stars, strong flags.

    Detailed industry data (the business statistics) exists only down to NUTS2, so the table is
    for the place's NUTS2 region (a NUTS3 city gets its NUTS2 region's figures): the columns
    ``region`` and ``level`` say so.

    Columns: ``cluster``, ``employment`` (persons employed, lower bound when cells are missing),
    ``share`` (of the region's observed employment in all divisions), ``lq`` (against the sum of
    all EU NUTS2 regions, region totals as denominators, as the Cluster Observatory), ``stars``
    (0..3) and the three star components, ``strong`` / ``strong10`` (US CMP rule, local units as
    establishments, cluster-employment denominators), ``local_units``, ``coverage`` (observed
    share of the cluster's industry weight), ``partial`` (coverage < 0.5: read its figures as a
    fragment, e.g. Financial Services, whose core NACE K is not in the business statistics, or a
    cluster whose main division is confidential in the region), ``region``, ``level``, ``year``,
    ``scheme``. Sorted by employment; clusters with no observed industry in the region are dropped.

    Examples
    --------
    >>> portfolio("frankfurt", 2014).head(3)[["cluster", "employment", "lq", "stars"]]  # doctest: +SKIP
    """
    from s3lib import data

    sch = get_scheme(scheme, year=year)
    p = data.place(place)
    region = p.nuts2 or p.code
    tables = _eu_portfolios(year, sch)
    if region not in tables.index.get_level_values("region"):
        raise UsageError(f"no NUTS2 business statistics for {region} ({p.name}) in {year}")
    table = tables.xs(region, level="region")
    table = table[table["employment"].notna()].sort_values("employment", ascending=False).reset_index()
    return table.assign(region=region, level=f"NUTS{len(region) - 2}", year=year, scheme=sch.name)


@lru_cache(maxsize=8)
def _eu_portfolios(year: int, scheme: ClusterScheme) -> pd.DataFrame:
    """The portfolio columns of every EU NUTS2 region (index region, cluster), computed once."""
    from s3lib import data

    persons, units = data.eu_matrix(2, year), data.eu_matrix(2, year, "local_units")
    emp, est = cluster_matrix(persons, scheme), cluster_matrix(units, scheme)
    total = persons.sum(axis=1)
    stars = observatory_stars(emp, total=total, detail=True).set_index(["region", "cluster"])
    columns = {
        "employment": emp,
        "share": emp.div(total, axis=0),
        "lq": cluster_lq(emp, total=total),
        "strong": strong_clusters(emp, est),
        "strong10": strong_clusters(emp, est, top=0.90),
        "local_units": est,
        "coverage": cluster_coverage(persons, scheme),
    }
    table = pd.concat({k: v.rename_axis(index="region", columns="cluster").stack(future_stack=True)
                       for k, v in columns.items()}, axis=1)
    table = table.join(stars.rename(columns={"size": "size_star", "specialisation": "specialisation_star",
                                             "focus": "focus_star"}))
    table = table[["employment", "share", "lq", "stars", "size_star", "specialisation_star", "focus_star",
                   "strong", "strong10", "local_units", "coverage"]]
    table["partial"] = table["coverage"] < PARTIAL_COVERAGE
    return table


def _eu_proximity(matrix: pd.DataFrame) -> pd.DataFrame:
    """Co-location proximity of the divisions of ``matrix`` (presence LQ >= 1, missing = absent)."""
    from s3lib.relatedness import proximity
    from s3lib.specialisation import location_quotient, presence

    m = presence(location_quotient(matrix)).fillna(0.0)
    m = m.loc[:, m.sum(axis=0) > 0]
    return proximity(m)
