"""Cluster schemes: the built-in ones, a user's mapping file, and the US CMP related clusters.

A :class:`~s3lib.measures.clusters.ClusterScheme` maps industries to clusters with weights. Built in:

* ``"uscmp"``: the 51 traded clusters of the US Cluster Mapping Project (Delgado, Porter & Stern
  2016) carried to NACE Rev. 2 divisions through the NAICS 2017 -> NACE correspondence. The
  carry-over is **derived by s3lib** (rule in :mod:`s3lib.data.build_uscmp`).
* ``"colocation"``: data-driven clusters of the study's activities: co-location proximity of
  the study's sample (:attr:`s3lib.study.Study.proximity`), Louvain communities of its backbone
  (:func:`s3lib.measures.clusters.colocation_scheme`, fixed seed).
* :func:`from_file`: a user's own mapping in CSV or YAML (columns ``nace, cluster[, weight]``).

Examples
--------
>>> get("uscmp").clusters[:2]                        # doctest: +SKIP
['Aerospace Vehicles and Defense', 'Agricultural Inputs and Services']
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures.clusters import ClusterScheme

__all__ = ["COLOCATION_RESOLUTION", "COLOCATION_SEED", "COLOCATION_THRESHOLD", "SCHEMES", "colocation",
           "from_file", "get", "key", "related_pairs", "uscmp"]

#: Names accepted by :func:`get` (a path to a CSV/YAML file is accepted too).
SCHEMES = ("uscmp", "colocation")
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
    where a NACE class linked to m NAICS codes is split 1/m per link (see
    :mod:`s3lib.data.build_uscmp`). Only traded rows are kept: a division's weights sum to
    <= 1 and the remainder is local or unmapped activity.

    References
    ----------
    Delgado, Porter & Stern (2016), Defining clusters of related industries, J. Econ. Geogr. 16(1).
    """
    from s3lib.data import _store

    table = _store.table("cluster_scheme_uscmp.parquet")
    traded = table[table["kind"] == "traded"].sort_values(["cluster_code", "nace"])
    return ClusterScheme(
        "uscmp", traded[["nace", "cluster", "weight"]],
        description=("US Cluster Mapping Project 51 traded clusters (Delgado, Porter & Stern 2016), carried to "
                     "NACE Rev. 2 divisions through the NAICS 2017 -> NACE correspondence by s3lib (derived: "
                     "equal split per NAICS link, NACE classes counted equally within a division)"),
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
