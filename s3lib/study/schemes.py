"""Cluster schemes: the built-in ones, a user's mapping file, and the US CMP related clusters.

A :class:`~s3lib.measures.clusters.ClusterScheme` maps industries to clusters with weights. Built in:

* ``"uscmp"``: the 51 traded clusters of the US Cluster Mapping Project (Delgado, Porter & Stern
  2016) carried to NACE Rev. 2 divisions through the NAICS 2017 -> NACE correspondence. The
  carry-over is **derived by s3lib** (rule in :mod:`s3lib.data.build_uscmp`).
* ``"colocation"``: data-driven clusters of the study's activities: co-location proximity of
  the study's sample (:attr:`s3lib.study.Study.proximity`), Louvain communities of its backbone
  (:func:`s3lib.measures.clusters.colocation_scheme`, fixed seed).
* ``"kis"``, ``"ict_oecd"``, ``"kibs"``, ``"cci_own"``, ``"digital_smart"``: emerging urban industries
  (:func:`emerging_scheme`, from ``data/emerging_industries.csv``; Eurostat KIS and OECD ICT official, the others
  our own mappings).
* :func:`from_file`: a user's own mapping in CSV or YAML (columns ``nace, cluster[, weight]``). Codes
  finer than a division are read through their division, with a warning and a ``resolution`` table
  (:class:`ResolvedScheme`).

Examples
--------
>>> get("uscmp").clusters[:2]
['Aerospace Vehicles and Defense', 'Agricultural Inputs and Services']
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures.clusters import ClusterScheme
from s3lib.measures.declared import outside as outside_sbs

__all__ = ["COLOCATION_RESOLUTION", "COLOCATION_SEED", "COLOCATION_THRESHOLD", "EMERGING",
           "SCHEMES", "ResolvedScheme", "colocation", "emerging_scheme", "from_file", "get", "key", "related_pairs", "resolve_codes",
           "resolved_scheme", "title", "uscmp"]

#: Emerging urban industries built from ``data/emerging_industries.csv`` (:func:`emerging_scheme`).
EMERGING = ("kis", "ict_oecd", "kibs", "cci_own", "digital_smart")
#: Names accepted by :func:`get` (a path to a CSV/YAML file is accepted too).
SCHEMES = ("uscmp", "colocation", *EMERGING)
#: Names for people (menus, titles); the emerging schemes' come from data/emerging_industries.csv (:func:`title`).
TITLES = {"uscmp": "US Cluster Mapping (51 traded clusters)", "colocation": "Co-location clusters (EU data)"}
#: Seed of the Louvain community detection of the ``colocation`` scheme.
COLOCATION_SEED = 2014
#: Louvain resolution of the ``colocation`` scheme (higher = more, smaller clusters).
COLOCATION_RESOLUTION = 2.0
#: Proximity above which links join the spanning tree in the ``colocation`` backbone (product space: 0.55).
COLOCATION_THRESHOLD = 0.55


def key(scheme) -> object:
    """A hashable key for a scheme argument: its name, a file's path and contents, or the object."""
    if isinstance(scheme, ClusterScheme):
        return scheme
    name = str(scheme)
    if name.lower() in SCHEMES:
        return name.lower()
    path = Path(name)
    if path.suffix.lower() in {".csv", ".yaml", ".yml"} and path.is_file():
        from s3lib.data._store import sha256

        return (str(path.resolve()), sha256(path))
    return name


def get(scheme="uscmp", study=None) -> ClusterScheme:
    """A cluster scheme: ``"uscmp"``, ``"colocation"`` (needs the ``study`` it is derived from), a
    CSV/YAML path, or a :class:`ClusterScheme` (returned unchanged)."""
    if isinstance(scheme, ClusterScheme):
        return scheme
    name = str(scheme)
    if name.lower() == "uscmp":
        return uscmp()
    if name.lower() in EMERGING:
        return emerging_scheme(name.lower())
    if name.lower() == "colocation":
        if study is None:
            raise UsageError("the colocation scheme is derived from a study: use Study(scheme='colocation').scheme")
        return colocation(study)
    if Path(name).suffix.lower() in {".csv", ".yaml", ".yml"}:
        return from_file(name)
    raise UnknownChoiceError("cluster scheme", scheme, SCHEMES, hint="or give a .csv/.yaml mapping file")


def uscmp() -> ClusterScheme:
    """The 51 US CMP traded clusters on NACE Rev. 2 divisions (derived through NAICS 2017).

    Weight ``w_dc`` = share of division ``d``'s NACE classes (counted equally) in cluster ``c``,
    where a NACE class is split equally over its whole NAICS links (no note, or an "Except ..."
    note) and over its partial links (a note naming products) only when it has no whole link
    (see :mod:`s3lib.data.build_uscmp` and ``data/uscmp_carryover_audit.csv``). Only traded rows
    are kept: a division's weights sum to <= 1 and the remainder is local or unmapped activity.

    References
    ----------
    Delgado, Porter & Stern (2016), Defining clusters of related industries, J. Econ. Geogr. 16(1).
    """
    from s3lib.data import _store

    table = _store.table("cluster_scheme_uscmp.parquet")
    traded = table[table["kind"] == "traded"].sort_values(["cluster_code", "nace"])
    return ClusterScheme(
        "uscmp", traded[["nace", "cluster", "weight"]], related_pairs=related_pairs(),
        description=("US Cluster Mapping Project 51 traded clusters (Delgado, Porter & Stern 2016), carried to "
                     "NACE Rev. 2 divisions through the NAICS 2017 -> NACE correspondence by s3lib (derived: "
                     "a class splits equally over its whole NAICS links, over its partial links only without a whole "
                     "link; NACE classes counted equally within a division)"),
    )


def related_pairs() -> pd.DataFrame:
    """The US CMP related-cluster pairs (``uscmp_related.parquet``: 2,601 ordered pairs)."""
    from s3lib.data import _store

    return _store.table("uscmp_related.parquet")


def colocation(study, resolution: float = COLOCATION_RESOLUTION, seed: int = COLOCATION_SEED,
               threshold: float = COLOCATION_THRESHOLD) -> ClusterScheme:
    """Data-driven clusters of the study's activities from co-location relatedness.

    Proximity is the study's (:attr:`s3lib.study.Study.proximity`: presence ``LQ >= 1``, the
    well-covered sample); the clusters are :func:`s3lib.measures.clusters.colocation_scheme` of it,
    named after their three largest members by employment in all regions. With the defaults
    (2014, threshold 0.55, resolution 2.0, seed 2014) this gives about a dozen clusters.
    """
    from s3lib.measures.clusters import colocation_scheme

    size = study.counts.sum(axis=0)
    return colocation_scheme(
        study.proximity, size, name=f"colocation-{study.year}", threshold=threshold, resolution=resolution,
        seed=seed,
        description=(f"co-location clusters of {study.space.activity}s: presence LQ >= 1, {len(study.sample)} "
                     f"well-covered NUTS{study.level} regions, {study.year}; proximity phi (Hidalgo et al. 2007); "
                     f"backbone = maximum spanning tree + phi >= {threshold}; Louvain communities, resolution "
                     f"{resolution}, seed {seed}; named after the three largest members by employment"))


def from_file(path: str | Path) -> ClusterScheme:
    """A user's cluster mapping from CSV or YAML.

    CSV: columns ``nace``, ``cluster`` and optionally ``weight`` (a missing or blank weight is 1).
    YAML: either a list of such records, or a mapping ``cluster -> [nace, ...]`` or
    ``cluster -> {nace: weight}``. Codes are Eurostat-style NACE Rev. 2 codes of any level (``C``,
    ``C29``, ``G451``); they must exist in :func:`s3lib.data.nace`, must not overlap (``C`` and
    ``C29`` together would count C29 twice), and an industry's weights must sum to <= 1.

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
    return resolved_scheme(path.stem, table, description=f"user mapping from {path.name}", source=path.name)


@dataclass(frozen=True, eq=False)
class ResolvedScheme(ClusterScheme):
    """A :class:`ClusterScheme` built from NACE codes of any level, read on divisions.

    ``resolution`` has one row per code given: ``cluster``, ``nace_given``, ``level_given``
    (section/division/group/class), ``nace`` (the division it is read as), ``resolution``
    (``exact`` for a division; ``section expanded`` for each division of a section; ``upper bound`` for a
    group or class read as its whole division), ``weight_given``, ``weight`` (after a shared division is
    split, see :func:`resolve_codes`) and ``outside_sbs`` (a division the business statistics do not cover).
    """

    resolution: pd.DataFrame = None

    def upper_bound(self) -> list[str]:
        """Clusters with at least one code read through its whole division (their employment is an upper bound)."""
        r = self.resolution
        return [] if r is None else list(dict.fromkeys(r.loc[r["resolution"] == "upper bound", "cluster"]))


def _level_of(code: str) -> str:
    digits = len(code) - 1
    return {0: "section", 2: "division", 3: "group", 4: "class"}.get(digits, "unknown")


def resolve_codes(table: pd.DataFrame, known=None, split_shared: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a mapping ``nace, cluster, weight`` with codes of any level on NACE divisions.

    * a division is kept (``exact``);
    * a section becomes each of its divisions (``section expanded``; divisions from ``known``, the
      NACE codes, default :func:`s3lib.data.nace`);
    * a group or class is read as its division (``C303 -> C30``, ``upper bound``): the business
      statistics stop at divisions, so the whole division counts for the cluster. Several codes of one
      cluster in one division count the division once (largest weight).

    When clusters then share a division with weights summing to more than 1 (Bordeaux's aerospace C30.3
    and boating C30.12 are both C30), the division is split between them in proportion to their weights
    (only where a group or class was rolled up: weights given on divisions must already sum to <= 1,
    unless ``split_shared``, used by the built-in :func:`emerging_scheme` schemes whose lists overlap).
    Nothing is dropped: every code given has a row in the returned ``resolution`` table.

    Returns
    -------
    (weights, resolution)
        ``weights``: ``nace`` (divisions), ``cluster``, ``weight``; ``resolution``: see :class:`ResolvedScheme`.
    """
    if known is None:
        from s3lib import data

        known = data.nace()["code"]
    divisions = sorted(c for c in set(known) if _level_of(c) == "division")
    rows = []
    for r in table[["nace", "cluster", "weight"]].itertuples(index=False):
        level = _level_of(r.nace)
        if level == "section":
            targets = [d for d in divisions if d[0] == r.nace] or [r.nace]
            how = "section expanded"
        elif level in ("group", "class"):
            targets, how = [r.nace[:3]], "upper bound"
        else:
            targets, how = [r.nace], "exact"
        rows += [(r.cluster, r.nace, level, d, how, float(r.weight), outside_sbs(d)) for d in targets]
    res = pd.DataFrame(rows, columns=["cluster", "nace_given", "level_given", "nace", "resolution", "weight_given",
                                      "outside_sbs"])
    weights = res.groupby(["nace", "cluster"], sort=False, as_index=False)["weight_given"].max()
    weights = weights.rename(columns={"weight_given": "weight"})
    total = weights.groupby("nace")["weight"].transform("sum")
    rolled = weights["nace"].isin(res.loc[res["resolution"] == "upper bound", "nace"])  # a user's own excess still fails
    split = (total > 1 + 1e-9) & (rolled | split_shared)
    weights["weight"] = np.where(split, weights["weight"] / total, weights["weight"])
    res = res.merge(weights, on=["nace", "cluster"], how="left")
    return weights[["nace", "cluster", "weight"]], res


def resolved_scheme(name: str, table: pd.DataFrame, description: str = "", source: str | None = None,
                    known=None, warn: bool = True, split_shared: bool = False) -> ResolvedScheme:
    """A :class:`ResolvedScheme` from a mapping with codes of any level (:func:`resolve_codes`).

    Warns (``UserWarning``) naming every group/class read as its division, and every division split
    between clusters, so that no approximation is silent (``warn=False`` for the built-in schemes, whose
    description and ``resolution`` table say it instead).
    """
    import warnings

    weights, res = resolve_codes(table, known, split_shared=split_shared)
    where = source or name
    fine = res[res["resolution"] == "upper bound"]
    if len(fine) and warn:
        pairs = ", ".join(f"{r.nace_given} -> {r.nace} ({r.cluster})" for r in fine.itertuples())
        warnings.warn(f"cluster mapping {where}: {len(fine)} code(s) finer than a NACE division are read as their "
                      f"whole division, an upper bound (the business statistics stop at divisions): {pairs}",
                      UserWarning, stacklevel=3)
    shared = res[res["weight"] < res["weight_given"] - 1e-9].drop_duplicates(["nace", "cluster"])
    if len(shared) and warn:
        parts = ", ".join(f"{d} ({'; '.join(f'{r.cluster} {r.weight:.2g}' for r in g.itertuples())})"
                          for d, g in shared.groupby("nace", sort=False))
        warnings.warn(f"cluster mapping {where}: divisions claimed by several clusters with weights summing to "
                      f"more than 1 are split between them: {parts}", UserWarning, stacklevel=3)
    scheme = ResolvedScheme(name, weights, description=description, resolution=res)
    return scheme


def title(scheme) -> str:
    """A scheme's name for people: ``"US Cluster Mapping (51 traded clusters)"`` for ``"uscmp"``, the list's own
    name for an emerging-industry scheme (``"Knowledge-intensive business services (KIBS)"``), a file's name for a
    user's mapping."""
    name = str(scheme)
    if name.lower() in TITLES:
        return TITLES[name.lower()]
    if name.lower() in EMERGING:
        from s3lib import data

        rows = data.emerging_industries(name.lower(), coded_only=False)
        if not rows.empty:
            full = str(rows["scheme_name"].iloc[0])
            return full.split(", our own")[0].split(" (Eurostat")[0].split(", OECD")[0]
    return Path(name).name


def emerging_scheme(name: str) -> ResolvedScheme:
    """An emerging-urban-industry scheme from ``data/emerging_industries.csv`` (``Study(scheme="kibs")``).

    ``kis`` (Eurostat knowledge-intensive services, divisions, official), ``ict_oecd`` (OECD 2007 ICT
    sector, NACE classes, official), ``kibs``, ``cci_own`` and ``digital_smart`` (our own mappings; see the
    file's README). Classes and groups are read through their whole division (an upper bound: ``C26``
    counts wholly as ICT manufacturing); a division two clusters of the scheme share is split between them
    in proportion to their shares (KIBS: ``J62`` between Technology KIBS and FinTech). Codes in A, K, O-U
    (except S95) stay in the scheme but the business statistics have no value for them: the clusters'
    ``coverage`` says how much is unseen. Schemes whose official list could not be read (``cci_essnet``,
    ``eco_emerging``, ``eco_emerging_2012``) have no codes and are refused.
    """
    from s3lib import data

    rows = data.emerging_industries(name, coded_only=True)
    if rows.empty:
        raise UsageError(f"scheme {name!r}: no NACE list in data/emerging_industries.csv (definition not found)")
    table = pd.DataFrame({"nace": rows["nace"], "cluster": rows["cluster"], "weight": rows["share"].fillna(1.0)})
    res_scheme = resolved_scheme(name, table, warn=False, split_shared=True)
    r = res_scheme.resolution
    fine, outside = int((r["resolution"] == "upper bound").sum()), float(r["outside_sbs"].mean())
    mapping = "; ".join(sorted(set(rows["mapping"])))
    description = (f"{rows['scheme_name'].iloc[0]} ({mapping}; data/emerging_industries.csv): {len(r)} codes, "
                   f"{fine} finer than a division read through the whole division (upper bound), "
                   f"{outside:.0%} outside the business statistics (A, K, O-U)")
    return ResolvedScheme(name, res_scheme.weights, description=description, resolution=r)


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
