"""The US Cluster Mapping tables built from the raw files (s3lib.data.build_uscmp)."""
from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict

import pandas as pd
import pytest
from conftest import needs_raw

from s3lib.config import RAW_DIR

pytestmark = needs_raw


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from s3lib.data.build_uscmp import build

    out = tmp_path_factory.mktemp("uscmp")
    entries = build(RAW_DIR, out)
    return out, entries


def _read(built, name):
    return pd.read_parquet(built[0] / name)


def test_manifest_entries_describe_every_file(built):
    out, entries = built
    assert [e["file"] for e in entries] == ["uscmp_clusters.parquet", "uscmp_naics_clusters.parquet",
                                           "uscmp_nace_classes.parquet", "cluster_scheme_uscmp.parquet",
                                           "uscmp_related.parquet", "uscmp_carryover_audit.csv"]
    for e in entries:
        assert {"file", "sha256", "rows", "source", "vintage", "licence", "command"} <= set(e)
        read = pd.read_csv if e["file"].endswith(".csv") else pd.read_parquet
        assert len(read(out / e["file"])) == e["rows"]
        assert "Cluster Mapping" in e["licence"]
    assert sum((out / e["file"]).stat().st_size for e in entries) < 1_000_000
    assert not list(out.glob(".*"))  # no temporary file left behind


def test_build_is_reproducible(built, tmp_path):
    from s3lib.data.build_uscmp import build

    again = {e["file"]: e["sha256"] for e in build(RAW_DIR, tmp_path)}
    assert again == {e["file"]: e["sha256"] for e in built[1]}


def test_related_clusters_reproduce_the_published_values(built):
    rel = _read(built, "uscmp_related.parquet")
    assert len(rel) == 2601
    off = rel[rel["cluster_a"] != rel["cluster_b"]]
    assert len(off) == 2550
    assert int(off["related"].sum()) == 256
    pair = rel[(rel["name_a"] == "Automotive") & (rel["name_b"] == "Metalworking Technology")].iloc[0]
    assert pair["cr_all"] == pytest.approx(0.979082, abs=1e-6)
    assert pair["cr_lc"] == pytest.approx(0.537451, abs=1e-6)
    assert pair["cr_io"] == pytest.approx(0.045647, abs=1e-6)
    assert pair["cr_occ"] == pytest.approx(0.461856, abs=1e-6)
    assert bool(pair["related"])
    # cr_lc is the mean of the employment and establishment co-location measures
    assert (off["cr_lc"] - (off["cr_lcemp"] + off["cr_lcest"]) / 2).abs().max() < 1e-6


def test_clusters_and_naics_rows(built):
    clusters = _read(built, "uscmp_clusters.parquet")
    assert len(clusters) == 51 and clusters["cluster_code"].tolist() == list(range(1, 52))
    naics = _read(built, "uscmp_naics_clusters.parquet")
    assert len(naics) == 992 - 37                      # Emsi-specific rows dropped
    assert naics["traded"].sum() == clusters["n_naics"].sum()
    assert naics.loc[naics["traded"], "cluster_code"].notna().all()
    assert naics.loc[~naics["traded"], "cluster_code"].isna().all()


def test_scheme_weights_sum_to_one_and_traded_at_most_one(built):
    scheme = _read(built, "cluster_scheme_uscmp.parquet")
    total = scheme.groupby("nace")["weight"].sum()
    assert (total - 1).abs().max() < 1e-12
    traded = scheme[scheme["kind"] == "traded"].groupby("nace")["weight"].sum()
    assert (traded <= 1 + 1e-12).all()
    assert len(total) == 88                             # every NACE Rev. 2 division
    with open(RAW_DIR / "eurostat-correspondenceTables" / "Nace2_long.csv", encoding="utf-8") as fh:
        divisions = {r["Parent"] + r["nace2"] for r in csv.DictReader(fh) if r["Level"] == "2"}
    assert set(total.index) == divisions


def _division_weight_by_hand(division: str, cluster: str) -> float:
    """Recompute w_dc from the raw files with plain Python (direct NAICS matches only).

    The rule of s3lib.data.build_uscmp: a class splits equally over its links without a note or
    with an "Except ..." note (plus the documented LINK_CORRECTIONS), and over its other (partial)
    links only when it has none of those; classes of the division count equally.
    """
    import openpyxl

    from s3lib.data.build_uscmp import LINK_CORRECTIONS

    wb = openpyxl.load_workbook(RAW_DIR / "uscmp-acr1-industry-clusters" / "NAICS_crosswalks_to_Cluster_system.xlsx",
                                read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    head = [str(h).strip() for h in rows[0]]
    cluster_of = {}
    for r in rows[1:]:
        rec = dict(zip(head, r))
        if str(rec["EmsiSpecificNAICS (non standard)"]).strip().upper() != "TRUE":
            cluster_of[str(rec["NAICS"])] = rec["Cluster"]
    links = defaultdict(list)   # class -> [(naics, is_main)]
    with open(RAW_DIR / "eurostat-correspondenceTables" / "NAICS2017_NACE.csv", encoding="utf-8-sig") as fh:
        records = [(r[0], r[1], r[4]) for r in list(csv.reader(fh))[1:]]
    for naics, nace, note, *_ in list(records) + list(LINK_CORRECTIONS):
        if nace[:2] == division[1:]:
            note = note.strip()
            admin = note.startswith(("New code introduced", "One-to-many")) or " renumbered into " in note
            links[nace].append((naics.strip(), not note or admin or note.lower().startswith("except")))
    with open(RAW_DIR / "eurostat-correspondenceTables" / "Nace2_long.csv", encoding="utf-8") as fh:
        classes = [r["nace2"] for r in csv.DictReader(fh) if r["Level"] == "4" and r["nace2"][:2] == division[1:]]
    share = []
    for k in classes:
        main = [n for n, is_main in links[k] if is_main]
        counted = main or [n for n, _ in links[k]]
        share.append(sum(cluster_of.get(n) == cluster for n in counted) / len(counted))
    return sum(share) / len(classes)


@pytest.mark.parametrize("division,cluster", [("C29", "Automotive"), ("C30", "Aerospace Vehicles and Defense"),
                                              ("C21", "Biopharmaceuticals"), ("C28", "Metalworking Technology"),
                                              ("C30", "Water Transportation"), ("C11", "Food Processing and Manufacturing")])
def test_division_weights_match_a_hand_recomputation(built, division, cluster):
    scheme = _read(built, "cluster_scheme_uscmp.parquet")
    got = scheme[(scheme["nace"] == division) & (scheme["cluster"] == cluster)]["weight"].sum()
    assert got == pytest.approx(_division_weight_by_hand(division, cluster), abs=1e-12)
    assert got > 0


def test_automotive_is_mostly_motor_vehicles(built):
    scheme = _read(built, "cluster_scheme_uscmp.parquet")
    auto = scheme[scheme["cluster"] == "Automotive"].set_index("nace")["weight"]
    assert auto.idxmax() == "C29"


def test_json_is_read_whole():
    with gzip.open(RAW_DIR / "uscmp-clustermapping-cmp" / "relatedClusters.json.gz", "rt") as fh:
        assert len(json.load(fh)) == 2601
