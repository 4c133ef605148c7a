"""A French territory at its own scale (issue 21, step 2): the URSSAF view of Rouen, its growth and its LQs.

Every test runs on the bundled snapshot (no ../shared). The LQ references are recomputed here from the
public loaders, never from the view's own code; the national URSSAF table of a fetched snapshot is stood in
for by a table written into a copy of the snapshot.
"""
from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest

import s3lib.data as d
from s3lib.data import _store, build_urssaf
from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.study.city import REFERENCE_NATIONAL, REFERENCE_SBS, city


@pytest.fixture(scope="module")
def rouen():
    return city("Rouen")


def test_rouen_is_its_metropole_with_a_note(rouen):
    t = rouen.territory
    assert (t.kind, t.code, t.name, len(t.communes)) == ("epci", "200023414", "Métropole Rouen Normandie", 71)
    assert (rouen.year, rouen.base_year) == (2022, 2006)
    notes = rouen.activities("division").notes
    assert notes[0].startswith("'Rouen' is the commune 76540: its figures are for Métropole Rouen Normandie")
    assert "private employers only" in rouen.source and "Métropole Rouen Normandie (EPCI 200023414)" in rouen.source
    assert city("Rouen") is rouen  # cached per snapshot and settings


def test_totals_classes_and_growth(rouen):
    assert (rouen.total(2006), rouen.total(2014), rouen.total(2022)) == (163_164, 152_021, 163_452)
    classes = rouen.activities("class").table
    assert classes.loc["K6512", "employees"] == 4_996 and classes.loc["Q8610", "employees"] == 3_636
    assert classes.loc["K6512", "name"] == "Non-life insurance" and classes.loc["K6512", "division"] == "K65"
    assert classes["share"].sum() == pytest.approx(1.0)
    aero = city("Rouen", base_year=2015).activities("class").table.loc["C3030"]
    assert (aero["employees"], aero["employees_base"], aero["change"]) == (415, 544, -129)
    assert aero["growth"] == pytest.approx(415 / 544 - 1)
    # sub-class -> class -> division -> section add up
    for level in ("subclass", "group", "division", "section"):
        assert rouen.employment(level)["employees"].sum() == 163_452
    assert rouen.employment("section").loc["K", "employees"] == rouen.employment("division").loc[
        ["K64", "K65", "K66"], "employees"].sum()


def test_blank_cells_are_counted_not_zero(rouen):
    rows = d.urssaf_employment(year=2022, communes=rouen.territory.communes)
    assert rouen.employment("subclass")["blank"].sum() == rows["employees"].isna().sum() > 0
    # a class whose every cell is blank in the base year has no base and no growth (not -100 %)
    table = rouen.activities("class").table
    no_base = table[table["employees_base"].isna()]
    assert len(no_base) and no_base["growth"].isna().all()
    assert any("no value published in 2022" in n for n in rouen.activities("class").notes)


def _expected_sbs_lq(x: pd.Series, year: int) -> pd.Series:
    """Per division the nearest French year with a value (ties: later); shares within the divisions both have."""
    fr = d.employment(level=0, year=None, countries="FR", nace_level="division")
    fr = fr[fr["value"].notna()]
    best = {}
    for nace, rows in fr.groupby("nace"):
        rows = rows.assign(dist=(rows["year"] - year).abs()).sort_values(["dist", "year"], ascending=[True, False])
        best[nace] = float(rows["value"].iloc[0])
    n = pd.Series(best)
    scope = [c for c in n.index if n[c] > 0]
    share_x = x / x.reindex(scope).sum()
    share_n = n / n[scope].sum()
    return (share_x / share_n.reindex(x.index)).where(x.index.isin(scope))


def test_offline_lq_against_the_business_statistics_by_division(rouen):
    lq = rouen.lq("division")
    x = rouen.employment("division")["employees"]
    expected = _expected_sbs_lq(x, 2022)
    pd.testing.assert_series_equal(lq["lq"], expected, check_names=False)
    assert lq.loc["C21", "lq"] > 3  # pharmaceuticals: the extract's own sum is never the reference
    assert lq.loc["C21", "lq_reference"] == f"{REFERENCE_SBS}, 2014"  # confidential for France in 2015
    assert lq.loc["C29", "lq_reference"] == f"{REFERENCE_SBS}, 2015"
    for outside in ("K65", "Q86", "O84", "P85"):
        assert math.isnan(lq.loc[outside, "lq"]) and "outside the business statistics" in lq.loc[outside, "lq_reference"]
    notes = " ".join(rouen.activities("division").notes)
    assert "persons employed, self-employed included, against private employees" in notes
    assert "No LQ offline for" in notes and "K" in notes


def test_offline_classes_have_no_lq_and_say_so(rouen):
    r = rouen.activities("class")
    table = r.table
    assert table["lq"].isna().all()
    assert set(table["lq_reference"]) == {"none offline: France's employment by class is not bundled "
                                          "(fetch the national URSSAF table)"}
    assert table.loc["C2910", "division_lq"] == pytest.approx(rouen.lq("division").loc["C29", "lq"])
    assert math.isnan(table.loc["K6512", "division_lq"])
    assert any("No class-level LQ offline" in n for n in r.notes)
    assert r.params["reference"] == REFERENCE_SBS and r.params["year"] == 2022


@pytest.fixture
def with_national(tmp_path, monkeypatch):
    """A copy of the snapshot with a national table by APE code (a stand-in built from the extract's rows
    multiplied by ten per code, so that it differs from the territory)."""
    folder = tmp_path / "snapshot"
    shutil.copytree(_store.data_dir(), folder)
    rows = d.urssaf_employment()
    sums = rows.groupby(["ape", "year"])["employees"].sum(min_count=1).unstack("year")
    factor = pd.Series(np.arange(len(sums)) % 7 + 3, index=sums.index)  # unequal, so LQs are not all 1
    wide = sums.mul(factor, axis=0)
    wide.columns = [f"effectifs_salaries_{y}" for y in wide.columns]
    csv = wide.rename_axis("code_ape").reset_index().to_csv(sep=";", index=False, float_format="%.0f")
    table = build_urssaf.national_table(csv.encode())
    entry = build_urssaf.write_national(table, folder, vintage="test", source="test national", command="test")
    manifest = _store.manifest(folder)
    manifest["files"].append(entry)
    _store.write_manifest(folder, manifest)
    monkeypatch.setenv("S3LIB_DATA_DIR", str(folder))
    _store.clear_cache()
    yield table
    monkeypatch.delenv("S3LIB_DATA_DIR")
    _store.clear_cache()


def test_national_table_gives_every_class_an_lq(with_national):
    v = city("Rouen")
    r = v.activities("class")
    table = r.table
    nat = with_national[with_national["year"] == 2022].set_index("ape")["employees"]
    codes = d.naf().set_index("ape")["nace_class"]
    n = nat.groupby(codes.reindex(nat.index).to_numpy()).sum(min_count=1)
    expected = (table["employees"] / v.total()) / (n.reindex(table.index) / nat.sum())
    pd.testing.assert_series_equal(table["lq"], expected, check_names=False)
    assert table.loc["K6512", "lq"] > 0 and table.loc["Q8610", "lq"] > 0  # outside the business statistics
    assert table["lq_reference"].str.startswith(REFERENCE_NATIONAL).all() and "division_lq" not in table
    assert r.params["reference"] == REFERENCE_NATIONAL
    assert any("same source and concept" in n for n in r.notes)


def test_bad_arguments_in_one_line():
    with pytest.raises(UnknownChoiceError, match="2006-2022"):
        city("Rouen", year=2030)
    with pytest.raises(UsageError, match="must come before"):
        city("Rouen", year=2010, base_year=2012)
    with pytest.raises(UnknownChoiceError):
        city("Rouen").activities("classes")
    with pytest.raises(UnknownChoiceError, match="s3lib data fetch urssaf"):
        city("Bordeaux")


# --------------------------------------------------------------------------- clusters at class level (step 3)
def _uscmp_classes() -> pd.DataFrame:
    t = pd.read_parquet(_store.data_dir() / "uscmp_nace_classes.parquet")
    return t[t["kind"] == "traded"]


def test_uscmp_on_classes_is_the_carry_over_without_division_shares(rouen):
    from s3lib.study.city_clusters import class_scheme

    w = class_scheme("uscmp").weights.set_index(["nace", "cluster"])["weight"]
    raw = _uscmp_classes().set_index(["nace_class", "cluster"])["weight"]
    assert dict(w) == {k: v for k, v in raw.items()}
    assert w[("C3030", "Aerospace Vehicles and Defense")] == 1.0
    x = rouen.employment("class")["employees"]
    table = rouen.clusters().table
    for cluster in ("Aerospace Vehicles and Defense", "Insurance Services", "Automotive"):
        links = _uscmp_classes()[_uscmp_classes()["cluster"] == cluster]
        expected = sum(float(x.get(k, 0) if not pd.isna(x.get(k, np.nan)) else 0) * wt
                       for k, wt in zip(links["nace_class"], links["weight"]))
        assert table.loc[cluster, "employees"] == pytest.approx(expected)
    bio = table.loc["Biopharmaceuticals"]
    assert bio["point"] and bio["employees"] == bio["upper"] == x[["C2110", "C2120"]].sum()
    aero = table.loc["Aerospace Vehicles and Defense"]
    assert not aero["point"] and aero["upper"] > aero["employees"] >= 415  # C30.30 whole, shared classes split


def test_cluster_growth_and_offline_lq_ranges(rouen):
    table = rouen.clusters().table
    bio = table.loc["Biopharmaceuticals"]
    assert bio["growth"] == pytest.approx(bio["employees"] / bio["employees_base"] - 1)
    # a cluster made of whole divisions in the business statistics: the range is a point, the division's LQ
    assert bio["lq_low"] == pytest.approx(bio["lq_high"]) == pytest.approx(rouen.lq("division").loc["C21", "lq"])
    assert bio["specialisation_star"] is True or bio["specialisation_star"] == True  # noqa: E712 - nullable
    ins = table.loc["Insurance Services"]
    assert math.isnan(ins["lq_low"]) and "outside the business statistics" in ins["lq_reference"]
    assert pd.isna(ins["specialisation_star"])
    ranged = table.dropna(subset=["lq_low"])
    assert (ranged["lq_low"] <= ranged["lq_high"] + 1e-12).all()
    notes = " ".join(rouen.clusters().notes)
    assert "read two ways" in notes and "specialisation star" in notes


def test_cluster_lq_point_with_the_national_table(with_national):
    v = city("Rouen")
    table = v.clusters().table
    nat = with_national[with_national["year"] == 2022].set_index("ape")["employees"]
    n_class = nat.groupby(d.naf().set_index("ape")["nace_class"].reindex(nat.index).to_numpy()).sum(min_count=1)
    links = _uscmp_classes()
    links = links[links["cluster"] == "Insurance Services"]
    n_c = sum(float(n_class.get(k, 0)) * wt for k, wt in zip(links["nace_class"], links["weight"]))
    expected = (table.loc["Insurance Services", "employees"] / v.total()) / (n_c / nat.sum())
    assert table.loc["Insurance Services", "lq"] == pytest.approx(expected)
    assert table["lq_reference"].str.contains("URSSAF national table").all() and "lq_low" not in table


def test_emerging_lists_read_on_classes(rouen):
    from s3lib.study.city_clusters import class_scheme, expand

    assert expand("C303") == ["C3030"] and len(expand("K65")) == 4 and expand("J6201") == ["J6201"] and expand("C3099Z") == []
    kis = class_scheme("kis").weights
    assert set(kis.loc[kis["nace"].str.startswith("K65"), "nace"]) == set(expand("K65"))
    ict = class_scheme("ict_oecd").weights
    assert set(ict["nace"]) == set(d.emerging_industries("ict_oecd", coded_only=True)["nace"])  # classes as given
    table = rouen.clusters("ict_oecd").table
    x = rouen.employment("class")["employees"]
    member = ict.loc[ict["cluster"] == "ICT services industries", "nace"]
    assert table.loc["ICT services industries", "employees"] == pytest.approx(x.reindex(member).sum())
    with pytest.raises(UnknownChoiceError):
        rouen.clusters("colocation")


def test_declared_lists_read_on_classes(rouen):
    empty = rouen.declared()
    assert empty.table.empty and "No declared cluster segmentation" in empty.notes[0]
    declared = rouen.declared("bordeaux").table  # another city's list, read on Rouen's classes (the mechanics)
    aero = declared[declared["cluster"] == "Aerospace"].iloc[0]
    x = rouen.employment("class")["employees"]
    classes = ["C3030", "C3316", *[k for k in x.index if k.startswith(("C254", "H51"))]]
    assert aero["employees"] == x.reindex(classes).sum() and aero["codes"] == "C303;C3316;C254;H51"
    wine = declared[declared["cluster"] == "Wine"].iloc[0]
    assert wine["outside_urssaf"] == "A0121"
