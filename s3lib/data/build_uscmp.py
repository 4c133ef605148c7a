"""Build the US Cluster Mapping tables of the snapshot (clusters, NACE scheme, related clusters).

Sources (raw files under ``RAW_DIR``, never copied into the project):

- ``uscmp-acr1-industry-clusters/NAICS_crosswalks_to_Cluster_system.xlsx``: the US Cluster
  Mapping Project (Delgado, Porter & Stern 2016) benchmark definitions, 6-digit NAICS -> traded
  cluster (51) or local cluster. The 37 rows flagged ``EmsiSpecificNAICS`` are non-standard codes
  and are dropped.
- ``eurostat-correspondenceTables/NAICS2017_NACE.csv``: the official NAICS 2017 -> NACE Rev. 2
  correspondence (many-to-many, 6-digit NAICS to NACE classes).
- ``eurostat-correspondenceTables/Nace2_long.csv``: NACE Rev. 2 (to list every class of a division).
- ``uscmp-clustermapping-cmp/relatedClusters.json.gz``: clustermapping.us related clusters
  (51 x 51 pairs with co-location, input-output and occupation relatedness).

The NACE -> cluster scheme is **derived by s3lib** (no official EU table exists). The rule:

1. *NAICS -> cluster.* Each 6-digit NAICS of the crosswalk belongs to one cluster (traded or local).
   A NAICS 2017 code of the correspondence that the crosswalk lacks (codes new in NAICS 2017, e.g.
   541713, 517311) takes the clusters of the crosswalk codes sharing its 5-digit prefix, else its
   4-digit prefix, each matching crosswalk code counting equally; with no match it is ``unmapped``
   (crop and animal farming, whose crosswalk rows are Emsi-specific, and public administration).
2. *NACE class -> clusters: main links decide, partial links only fill in.* The correspondence
   says with its ``Notes`` column how much of a NAICS industry a link carries. Each link is
   ``whole`` (no note, or a note about the code only: "New code introduced in NAICS 2017",
   "2012 code ... renumbered ...", "One-to-many links ..."), ``except`` (the note starts with
   "Except": the industry minus the named products, e.g. 336611 shipbuilding -> 30.11 "Except
   repairs performed in a shipyard") or ``partial`` (any other note: only the named products, e.g.
   336360 motor vehicle seating -> 30.30 "Aircraft seats"). Whole and except links are the class's
   *main* links. Rule ``main``: a class with at least one main link is split equally over its main
   links and its partial links get weight 0 (they stay in the audit table). Rule ``partial-only``:
   a class without a main link (a NAICS industry split by product over several classes, e.g.
   114111 finfish fishing -> 03.11 marine / 03.12 freshwater) is split equally over its partial
   links. Within a class w_kc = sum over counted links of (link weight) x (link's share in cluster
   c). A link to a NACE group (one row, ``01.2``) counts 1/g in each of the group's g classes.
   One link is added to the Eurostat table before the rule (:data:`LINK_CORRECTIONS`, a reason
   per row): 325411 medicinal chemicals -> 21.10, which the table links only to 21.20, leaving
   21.10 (basic pharmaceutical products) with nothing but "salicylic acid (nonmedicinal)".
   Three links are re-typed as whole (:data:`TYPE_CORRECTIONS`): 52.24 cargo handling has one
   link per transport mode, and only the marine one carries an "Except" note, which alone would
   send all cargo handling to Water Transportation.
3. *Classes -> divisions: every class of the division counts equally.* The employment data is by
   NACE division and no employment by class exists in the data, so we assume the division's
   employment is spread equally over its NACE classes: w_dc = (1/K_d) * sum_k w_kc over the K_d
   classes of division d in NACE Rev. 2. ``uscmp_nace_classes.parquet`` keeps w_kc and K_d
   (``n_classes``) per (class, cluster), so a later step can replace the equal class shares.

Weights of a class and of a division sum to 1 over traded clusters, local clusters and
``unmapped``; over the 51 traded clusters they sum to <= 1, the remainder being local/other activity.
``uscmp_carryover_audit.csv`` lists every (class, NAICS link, cluster) with the note, the link
type, whether the link counted, its contribution and the rule that decided the class.
"""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from s3lib.atomic import atomic_write, write_parquet
from s3lib.data import _store

__all__ = ["LINK_CORRECTIONS", "RELATED_COLUMNS", "RULES", "TYPE_CORRECTIONS", "build", "link_type"]

CROSSWALK = Path("uscmp-acr1-industry-clusters") / "NAICS_crosswalks_to_Cluster_system.xlsx"
NAICS_NACE = Path("eurostat-correspondenceTables") / "NAICS2017_NACE.csv"
NACE = Path("eurostat-correspondenceTables") / "Nace2_long.csv"
RELATED = Path("uscmp-clustermapping-cmp") / "relatedClusters.json.gz"
AUDIT = "uscmp_carryover_audit.csv"

_CROSSWALK_VINTAGE = "ACR1/industry-clusters@59f88b820b8214435425f2971ff86ffd443f59fb"
_CORR_VINTAGE = "eurostat/correspondenceTables@c86135fc5fe39651e9c74743001c91bf231aa80e"
_RELATED_VINTAGE = "clustermapping/cmp@f1b2b674482e3016a90dccfce9dc2c0c4638898b (file of 2016-05-11)"
_LICENCE_CMP = ("Source: U.S. Cluster Mapping Project (Delgado, Porter & Stern 2016), clustermapping.us; "
                "crosswalk table from ACR1/industry-clusters")
_LICENCE_DERIVED = (_LICENCE_CMP + "; NAICS 2017 -> NACE Rev. 2 correspondence: Eurostat (EUPL); "
                    "NACE -> cluster weights derived by s3lib")
_COMMAND = "s3lib data build"
_DATASET = "US Cluster Mapping Project cluster definitions and related clusters"

#: Measures kept from relatedClusters.json (values; percentiles end in ``_pc``).
RELATED_COLUMNS = ["cr_all", "cr_lc", "cr_lcemp", "cr_lcest", "cr_io", "cr_occ",
                   "cr_all_pc", "cr_lc_pc", "cr_lcemp_pc", "cr_lcest_pc", "cr_io_pc", "cr_occ_pc"]


def build(raw_dir: Path, out_dir: Path) -> list[dict]:
    """Write the US CMP tables into ``out_dir`` and return their manifest entries.

    Parameters
    ----------
    raw_dir : Path
        Folder of the raw public files (``s3lib.config.RAW_DIR``).
    out_dir : Path
        Snapshot folder (``s3lib.config.DATA_DIR``).

    Returns
    -------
    list of dict
        One manifest entry per file (:func:`s3lib.data._store.entry`: ``file``, ``sha256``,
        ``bytes``, ``rows``, ``dataset``, ``vintage``, ``source``, ``licence``, plus ``command``).

    Examples
    --------
    >>> import tempfile
    >>> from s3lib.config import RAW_DIR
    >>> entries = build(RAW_DIR, tempfile.mkdtemp())
    >>> [e["file"] for e in entries]
    ['uscmp_clusters.parquet', 'uscmp_naics_clusters.parquet', ...]
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    crosswalk = _read_crosswalk(raw_dir / CROSSWALK)
    related = _read_related(raw_dir / RELATED)
    clusters = _clusters(related, crosswalk)
    naics = crosswalk.merge(clusters[["cluster", "cluster_code"]], on="cluster", how="left")
    naics["cluster_code"] = naics["cluster_code"].astype("Int64")
    naics = naics[["naics", "traded", "cluster_code", "cluster", "subcluster", "description"]]
    classes, audit = _class_weights(naics, raw_dir / NAICS_NACE, raw_dir / NACE)
    scheme = _division_weights(classes)

    sources = {
        "crosswalk": f"{CROSSWALK.as_posix()}",
        "corr": f"{NAICS_NACE.as_posix()} + {NACE.as_posix()}",
        "related": f"{RELATED.as_posix()}",
    }
    tables = [
        ("uscmp_clusters.parquet", clusters, f"{sources['related']} + {sources['crosswalk']}",
         f"{_RELATED_VINTAGE}; {_CROSSWALK_VINTAGE}", _LICENCE_CMP),
        ("uscmp_naics_clusters.parquet", naics, sources["crosswalk"], _CROSSWALK_VINTAGE, _LICENCE_CMP),
        ("uscmp_nace_classes.parquet", classes, f"{sources['crosswalk']} + {sources['corr']}",
         f"{_CROSSWALK_VINTAGE}; {_CORR_VINTAGE}", _LICENCE_DERIVED),
        ("cluster_scheme_uscmp.parquet", scheme, f"{sources['crosswalk']} + {sources['corr']}",
         f"{_CROSSWALK_VINTAGE}; {_CORR_VINTAGE}", _LICENCE_DERIVED),
        ("uscmp_related.parquet", related, sources["related"], _RELATED_VINTAGE, _LICENCE_CMP),
    ]
    entries = []
    for name, table, source, vintage, licence in tables:
        path = out_dir / name
        write_parquet(table.reset_index(drop=True), path, compression="snappy")
        entries.append(_store.entry(out_dir, name, len(table), dataset=_DATASET, vintage=vintage,
                                    source=source, licence=licence, command=_COMMAND))
    _write_csv_atomic(audit, out_dir / AUDIT)
    entries.append(_store.entry(
        out_dir, AUDIT, len(audit), kind="audit", dataset=_DATASET, vintage=f"{_CROSSWALK_VINTAGE}; {_CORR_VINTAGE}",
        source=f"{sources['crosswalk']} + {sources['corr']}", licence=_LICENCE_DERIVED, command=_COMMAND,
        description=("US CMP -> NACE carry-over audit: per cluster, each NACE class with its weight w_kc, every "
                     "NAICS 2017 link with its note and type, whether it counted, and the rule that decided")))
    return entries


def _read_crosswalk(path: Path) -> pd.DataFrame:
    """NAICS -> cluster rows of the US CMP crosswalk, without the Emsi-specific codes."""
    raw = pd.read_excel(path, sheet_name=0, dtype={"NAICS ": str})
    raw.columns = [c.strip() for c in raw.columns]
    emsi = raw["EmsiSpecificNAICS (non standard)"].astype(str).str.strip().str.upper() == "TRUE"
    out = raw.loc[~emsi].rename(columns={"NAICS": "naics", "Cluster": "cluster",
                                         "SubclusterName": "subcluster", "Description": "description"})
    out["naics"] = out["naics"].astype(str).str.strip()
    out["traded"] = out["TradedLocal"].str.strip().eq("Traded")
    if out["naics"].duplicated().any():
        raise ValueError("duplicate NAICS codes in the US CMP crosswalk")
    return out[["naics", "traded", "cluster", "subcluster", "description"]].reset_index(drop=True)


def _read_related(path: Path) -> pd.DataFrame:
    """The 2,601 cluster pairs of relatedClusters.json with numeric measures and the related flag."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = json.load(fh)
    raw = pd.DataFrame.from_records(records)
    out = pd.DataFrame({
        "cluster_a": raw["cluster_code"].astype(int),
        "cluster_b": raw["cluster_code_2"].astype(int),
        "name_a": raw["cluster_name"],
        "name_b": raw["cluster_name_2"],
    })
    for col in RELATED_COLUMNS:
        out[col] = pd.to_numeric(raw[col].replace("", np.nan))
    out["related"] = raw["rel_all_90_v3"].astype(int).eq(1)
    return out.sort_values(["cluster_a", "cluster_b"]).reset_index(drop=True)


def _clusters(related: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """The 51 traded clusters: code and name (from relatedClusters.json), NAICS and subcluster counts."""
    names = related[["cluster_a", "name_a"]].drop_duplicates().rename(
        columns={"cluster_a": "cluster_code", "name_a": "cluster"})
    traded = crosswalk[crosswalk["traded"]]
    missing = set(traded["cluster"]) ^ set(names["cluster"])
    if missing:
        raise ValueError(f"cluster names differ between crosswalk and relatedClusters.json: {sorted(missing)}")
    counts = traded.groupby("cluster").agg(n_naics=("naics", "size"), n_subclusters=("subcluster", "nunique"))
    return names.merge(counts, left_on="cluster", right_index=True).sort_values("cluster_code")


def _nace_classes(path: Path) -> pd.DataFrame:
    """NACE Rev. 2 classes with their Eurostat-style code (``C2910``), group and division (``C29``)."""
    nace = pd.read_csv(path, dtype=str)
    section_of = nace.loc[nace["Level"] == "2"].set_index("nace2")["Parent"]
    classes = nace.loc[nace["Level"] == "4", ["nace2", "Name"]].rename(columns={"nace2": "dotted", "Name": "name"})
    div = classes["dotted"].str[:2]
    classes["division"] = section_of.reindex(div).to_numpy() + div
    classes["nace_class"] = classes["division"] + classes["dotted"].str[3:]
    classes["group"] = classes["dotted"].str[:4]
    return classes


def _naics_shares(naics: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Cluster shares of NAICS 2017 codes: direct, else 5- then 4-digit prefix, else unmapped."""
    entries = [(n, ("traded" if t else "local", cc, cl))
               for n, t, cc, cl in naics[["naics", "traded", "cluster_code", "cluster"]].itertuples(index=False)]
    by_prefix = {d: defaultdict(list) for d in (6, 5, 4)}
    for n, target in entries:
        for d in by_prefix:
            by_prefix[d][n[:d]].append(target)
    rows = []
    for code in sorted(set(codes)):
        for digits, how in ((6, "direct"), (5, "prefix5"), (4, "prefix4")):
            match = by_prefix[digits].get(code[:digits]) if len(code) == 6 else None
            if match:
                for (kind, cc, cl), k in Counter(match).items():
                    rows.append((code, kind, cc, cl, k / len(match), how))
                break
        else:
            rows.append((code, "unmapped", pd.NA, "unmapped", 1.0, "none"))
    return pd.DataFrame(rows, columns=["naics", "kind", "cluster_code", "cluster", "share", "match"])


#: Notes that describe the NAICS code, not a product split: such a link carries the whole industry.
_CODE_NOTE = re.compile(r"^(new code introduced in naics|\d{4} code \d+ renumbered into \d+|one-to-many links)",
                        re.IGNORECASE)
#: A note starting with "Except": the industry minus the named products (still the class's main link).
_EXCEPT_NOTE = re.compile(r"^except\b", re.IGNORECASE)

#: Links added to the Eurostat NAICS 2017 -> NACE table before the rule: (NAICS, NACE class, note, reason).
#: The note is what the link would carry in the table; the rule reads it like any other note.
LINK_CORRECTIONS = (
    ("325411", "21.10", "Except grading, grinding and milling of botanicals",
     ("NAICS 325411 Medicinal and Botanical Manufacturing is (1) uncompounded medicinal chemicals and "
     "their derivatives, i.e. bulk active substances = NACE 21.10 basic pharmaceutical products, and "
     "(2) grading, grinding and milling of botanicals, which NACE puts in 21.20. The Eurostat table "
     "links 325411 only to 21.20 (part 2) and gives 21.10 a single partial link, 325199 'Salicylic "
     "acid (nonmedicinal)', so without this row basic pharmaceuticals would be Upstream Chemical Products")),
)

#: Links whose note the rule would misread, re-typed with a reason: (NAICS, NACE class, type, why).
TYPE_CORRECTIONS = (
    ("488119", "52.24", "whole", ("52.24 cargo handling is cargo handling in all modes; the Eurostat table gives it "
     "one link per mode (airport, rail, marine, road), and only the marine one reads 'Except ...'. Taken literally "
     "the rule would put all of 52.24 in Water Transportation, also in inland airport regions such as Darmstadt")),
    ("488210", "52.24", "whole", "as 488119: loading and unloading rail cars is the rail mode of 52.24"),
    ("488490", "52.24", "whole", "as 488119: loading and unloading trucks at terminals is the road mode of 52.24"),
)

#: The class rules (link types ``whole``, ``except``, ``partial``: see the module docstring).
RULES = {"main": "split equally over the whole/except links; partial links ignored",
         "partial-only": "no whole/except link: split equally over the partial links",
         "none": "no link in the correspondence: unmapped"}


def link_type(note) -> str:
    """Type of a NAICS -> NACE link from its note: ``whole``, ``except`` or ``partial``.

    >>> link_type(None), link_type("New code introduced in NAICS 2017")
    ('whole', 'whole')
    >>> link_type("Except repairs performed in a shipyard"), link_type("Aircraft seats")
    ('except', 'partial')
    """
    text = "" if note is None or (isinstance(note, float) and np.isnan(note)) else str(note).strip()
    if not text or _CODE_NOTE.match(text):
        return "whole"
    return "except" if _EXCEPT_NOTE.match(text) else "partial"


def _read_links(corr_path: Path, classes: pd.DataFrame) -> pd.DataFrame:
    """One row per (NAICS, NACE class) link of the correspondence plus :data:`LINK_CORRECTIONS`.

    A link to a NACE group is spread over the group's g classes with base weight 1/g (else 1).
    """
    corr = pd.read_csv(corr_path, encoding="utf-8-sig", dtype=str, header=0, keep_default_na=False,
                       names=["naics", "nace", "nace_name", "naics_name", "note"])
    corr = corr.assign(source="Eurostat NAICS2017_NACE")
    extra = pd.DataFrame([(n, k, note, f"s3lib correction: {why}") for n, k, note, why in LINK_CORRECTIONS],
                         columns=["naics", "nace", "note", "source"], dtype=str)
    title = corr.drop_duplicates("naics").set_index("naics")["naics_name"]
    extra["naics_name"] = extra["naics"].map(title)
    corr = pd.concat([corr, extra], ignore_index=True)
    for col in ("naics", "nace", "note", "naics_name"):
        corr[col] = corr[col].fillna("").str.strip()
    corr["link_type"] = corr["note"].map(link_type)
    for naics, nace, kind, why in TYPE_CORRECTIONS:
        hit = (corr["naics"] == naics) & (corr["nace"] == nace)
        if hit.sum() != 1:
            raise ValueError(f"type correction {naics} -> {nace} matches {int(hit.sum())} links, not one")
        corr.loc[hit, ["link_type", "source"]] = [kind, f"Eurostat NAICS2017_NACE; s3lib type correction: {why}"]
    by_group = classes.groupby("group")["dotted"].apply(list)
    corr["dotted"] = [by_group[c] if c in by_group.index else [c] for c in corr["nace"]]
    corr["base"] = 1.0 / corr["dotted"].map(len)
    corr = corr.explode("dotted")
    links = corr.merge(classes[["dotted", "nace_class", "division"]], on="dotted", how="inner")
    return links[["nace_class", "division", "naics", "naics_name", "nace", "note", "link_type", "base", "source"]]


def _apply_rule(links: pd.DataFrame) -> pd.DataFrame:
    """Add the class ``rule`` and each link's normalised weight (0 for an ignored link)."""
    main = links["link_type"].isin(["whole", "except"])
    has_main = main.groupby(links["nace_class"]).transform("any")
    links = links.assign(rule=np.where(has_main, "main", "partial-only"), counted=main | ~has_main)
    w = links["base"].where(links["counted"], 0.0)
    links["link_weight"] = w / w.groupby(links["nace_class"]).transform("sum")
    return links


def _class_weights(naics: pd.DataFrame, corr_path: Path, nace_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weights w_kc of every NACE class k in cluster c (rule in the module docstring), and the audit.

    Returns
    -------
    classes : one row per (class, kind, cluster): ``weight`` = w_kc, ``n_classes`` = K_d of the
        class's division, the ``rule`` that decided, ``n_links`` (links of the class),
        ``n_counted`` (links that carry weight) and ``match`` (how the NAICS codes found a cluster).
    audit : one row per (class, NAICS link, cluster), ignored links included.
    """
    classes = _nace_classes(nace_path)
    links = _apply_rule(_read_links(corr_path, classes))
    links["n_links"] = links.groupby("nace_class")["naics"].transform("size")
    links["n_counted"] = links.groupby("nace_class")["counted"].transform("sum")
    shares = _naics_shares(naics, links["naics"])
    merged = links.merge(shares, on="naics")
    merged["contribution"] = merged["link_weight"] * merged["share"]
    keys = ["nace_class", "division", "kind", "cluster_code", "cluster"]
    counted = merged[merged["counted"]]
    out = (counted.groupby(keys, dropna=False)
           .agg(weight=("contribution", "sum"), rule=("rule", "first"), n_links=("n_links", "first"),
                n_counted=("n_counted", "first"), match=("match", lambda s: ",".join(sorted(set(s)))))
           .reset_index())
    # classes that no NAICS reaches (none in the 2017 table, kept for safety) are unmapped
    absent = classes.loc[~classes["nace_class"].isin(out["nace_class"]), ["nace_class", "division"]]
    if not absent.empty:
        out = pd.concat([out, absent.assign(kind="unmapped", cluster_code=pd.NA, cluster="unmapped",
                                            weight=1.0, rule="none", n_links=0, n_counted=0, match="none")])
    n_classes = classes.groupby("division")["nace_class"].nunique()
    out["n_classes"] = out["division"].map(n_classes).astype("int64")
    out["cluster_code"] = out["cluster_code"].astype("Int64")
    out["n_counted"] = out["n_counted"].astype("int64")
    out = out[["nace_class", "division", "kind", "cluster_code", "cluster", "weight", "n_classes", "rule",
               "n_links", "n_counted", "match"]]
    out = out.sort_values(["nace_class", "kind", "cluster_code", "cluster"]).reset_index(drop=True)
    audit = _audit(merged, out)
    return out, audit


def _audit(merged: pd.DataFrame, classes: pd.DataFrame) -> pd.DataFrame:
    """Per cluster: each class, its weight w_kc, every NAICS link with its note and the deciding rule."""
    a = merged.merge(classes[["nace_class", "kind", "cluster", "weight", "n_classes"]],
                     on=["nace_class", "kind", "cluster"], how="left")
    a["class_weight"] = a["weight"].fillna(0.0)
    a["n_classes"] = a["nace_class"].map(classes.drop_duplicates("nace_class").set_index("nace_class")["n_classes"])
    a["cluster_code"] = a["cluster_code"].astype("Int64")
    a = a.rename(columns={"nace": "nace_linked", "naics_name": "naics_title", "contribution": "link_weight_in_cluster",
                          "match": "naics_match"})
    cols = ["kind", "cluster_code", "cluster", "nace_class", "division", "n_classes", "class_weight", "rule",
            "naics", "naics_title", "nace_linked", "link_type", "note", "counted", "link_weight",
            "naics_share", "link_weight_in_cluster", "naics_match", "source"]
    a = a.rename(columns={"share": "naics_share"})[cols]
    for col in ("class_weight", "link_weight", "naics_share", "link_weight_in_cluster"):
        a[col] = a[col].round(6)
    kind_order = pd.Categorical(a["kind"], ["traded", "local", "unmapped"], ordered=True)
    return (a.assign(_k=kind_order).sort_values(["_k", "cluster_code", "cluster", "nace_class", "naics"])
            .drop(columns="_k").reset_index(drop=True))


def _division_weights(classes: pd.DataFrame) -> pd.DataFrame:
    """Division weights w_dc = mean over the division's classes of w_kc (classes count equally).

    Local clusters are pooled into one ``local`` row per division, so each division has its
    traded-cluster rows plus at most one ``local`` and one ``unmapped`` row, summing to 1.
    """
    c = classes.copy()
    c.loc[c["kind"] != "traded", "cluster"] = c.loc[c["kind"] != "traded", "kind"]
    n_classes = c.groupby("division")["nace_class"].nunique().rename("n_classes")
    w = (c.groupby(["division", "kind", "cluster_code", "cluster"], dropna=False)["weight"].sum()
         .reset_index().merge(n_classes, left_on="division", right_index=True))
    w["weight"] = w["weight"] / w["n_classes"]
    w = w.rename(columns={"division": "nace"})
    w["cluster_code"] = w["cluster_code"].astype("Int64")
    return w[["nace", "kind", "cluster_code", "cluster", "weight", "n_classes"]].sort_values(
        ["nace", "kind", "cluster_code"]).reset_index(drop=True)


def _write_csv_atomic(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as UTF-8 CSV (Unix line ends) through a temporary sibling file."""
    with atomic_write(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
