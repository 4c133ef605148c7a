"""The committed snapshot through the public API: acceptance values, shapes, argument checks."""
from __future__ import annotations

import math

import pandas as pd
import pytest

import s3lib.data as d
from s3lib.data import _store
from s3lib.errors import UnknownChoiceError, UsageError

EMPLOYMENT_COLUMNS = ["region", "region_orig", "nuts_version", "level", "country", "nace", "nace_level",
                      "year", "indicator", "value", "flag", "source"]


@pytest.fixture(scope="module")
def emp2014():
    return d.employment(level=2, year=2014, nace_level=None)


def test_acceptance_manufacturing_darmstadt_2014():
    e = d.employment(level=2, year=2014, nace="C").set_index("region")
    assert e.loc["DE71", "value"] == 244_881


def test_acceptance_business_economy_sum_darmstadt_2014(emp2014):
    rows = emp2014[(emp2014["region"] == "DE71") & ((emp2014["nace_level"] == "section") | (emp2014["nace"] == "S95"))]
    assert sorted(rows["nace"]) == sorted("BCDEFGHIJLMN") + ["S95"]
    assert rows["value"].sum() == 1_588_196


def test_aquitaine_is_reachable_as_fri1_with_its_original_code(emp2014):
    row = emp2014[(emp2014["region"] == "FRI1") & (emp2014["nace"] == "C")].iloc[0]
    assert row["region_orig"] == "FR61"
    assert row["nuts_version"] == 2021
    assert row["value"] == 99_697 and row["flag"] == "b"  # PROVENANCE: FR61 C 2014 "99697 b"
    assert "FR61" not in set(emp2014["region"])


def test_2015_filled_from_later_extraction_only_where_missing():
    e = d.employment(level=2, year=2015, nace="C").set_index("region")
    assert e.loc["FRI1", "value"] == 98_122  # FR61 is ':' in the 2017 vintage
    assert e.loc["FRI1", "source"].startswith("sbs_r_nuts06_r2_V16110_2015")
    assert e.loc["DE71", "value"] == 246_149 and "vintage2017" in e.loc["DE71", "source"]
    sections = d.employment(level=2, year=2015, nace_level="section")
    de71 = sections[sections["region"] == "DE71"]["value"].sum()
    s95 = d.employment(level=2, year=2015, nace="S95").set_index("region").loc["DE71", "value"]
    assert de71 + s95 == 1_605_512  # PROVENANCE quick check, identical in both files


def test_employment_table_shape_and_types(emp2014):
    assert list(emp2014.columns) == EMPLOYMENT_COLUMNS
    assert set(emp2014["nace_level"]) == {"section", "division", "group"}
    assert set(emp2014["level"]) == {2} and set(emp2014["year"]) == {2014}
    assert emp2014["value"].dtype == "float64"
    assert not emp2014.duplicated(["region", "nace"]).any()
    assert not (emp2014["nace"].str[0].isin(["A", "K", "O", "P", "Q", "R", "T", "U"])).any()
    confidential = emp2014[emp2014["flag"].str.contains("c")]
    assert len(confidential) > 0 and confidential["value"].isna().all()
    divisions = d.employment(level=2, year=2014)
    assert divisions["nace"].nunique() == 68


def test_other_indicators_and_years():
    wages = d.employment(level=2, year=[2010, 2014], indicator="wages", nace="C")
    assert set(wages["year"]) == {2010, 2014} and set(wages["indicator"]) == {"wages"}
    units = d.employment(level=0, year=None, indicator="local_units", nace="C", countries=["de", "FR"])
    assert set(units["region"]) == {"DE", "FR"} and set(units["year"]) == set(range(2008, 2016))


def test_matrix_keeps_missing_cells_and_labels(emp2014):
    divisions = emp2014[emp2014["nace_level"] == "division"]
    X = d.matrix(divisions)
    assert X.index.name == "region" and X.columns.name == "nace"
    assert X.shape == (divisions["region"].nunique(), 68)
    assert X.loc["DE71", "C20"] == divisions.set_index(["region", "nace"]).loc[("DE71", "C20"), "value"]
    assert X.isna().to_numpy().sum() == divisions["value"].isna().sum() + (X.size - len(divisions))
    assert d.matrix(divisions, fill=0).isna().to_numpy().sum() == 0
    assert list(X.columns) == sorted(X.columns)


def test_matrix_refuses_several_years():
    with pytest.raises(UsageError, match="one year"):
        d.matrix(d.employment(level=2, year=[2013, 2014], nace="C"))


@pytest.mark.parametrize("kwargs, expected", [
    ({"year": 2020}, "2008-2015"),
    ({"year": "last"}, "2008-2015"),
    ({"level": 3}, "0, 1, 2"),
    ({"indicator": "jobs"}, "persons, local_units, wages"),
    ({"nace_level": "class"}, "section, division, group"),
    ({"nace": "K64"}, "no A, K, O-U"),
    ({"nace": "C1O"}, "did you mean"),
    ({"countries": "XX"}, "DE"),
])
def test_employment_rejects_unknown_choices(kwargs, expected):
    with pytest.raises(UnknownChoiceError) as info:
        d.employment(**kwargs)
    assert expected in str(info.value)


def test_regions_table():
    r = d.regions().set_index("code")
    assert r.loc["DE712", ["level", "country", "nuts1", "nuts2"]].tolist() == [3, "DE", "DE7", "DE71"]
    assert r.loc["FRI1", "name"] == "Aquitaine"
    assert set(r["nuts_version"]) == {2021}
    with_shape = set(d.geometries(None)["code"])
    assert with_shape <= set(r.index)  # GISCO NUTS 2021: 37 + 125 + 333 + 1512 (including UK)
    assert all(code.endswith("Z") for code in set(r.index) - with_shape)  # extra-regio codes have no shape
    old = d.regions(nuts_version=None).set_index("code")
    assert old.loc["FR61", "successor"] == "FRI1" and old.loc["FR61", "nuts_version"] == 2013
    assert old.loc["FR61", "name"] == "Aquitaine"
    levels = d.regions(level=[0, 1])
    assert set(levels["level"]) == {0, 1}
    with pytest.raises(UnknownChoiceError):
        d.regions(level=4)


def test_every_employment_region_is_in_the_region_table(emp2014):
    codes = set(d.regions(nuts_version=None)["code"])
    assert set(emp2014["region"]) <= codes and set(emp2014["region_orig"]) <= codes


def test_geometries():
    g = d.geometries(2)
    assert g.crs.to_epsg() == 4326 and len(g) == 333
    assert {"DE71", "FRI1", "ES21", "ITC1", "RO32", "PT11"} <= set(g["code"])
    assert g.geometry.is_valid.all()
    assert set(d.geometries(None)["level"]) == {0, 1, 2, 3}


def test_nace_hierarchy():
    n = d.nace().set_index("code")
    assert n.loc["C10", "name"] == "Manufacture of food products" and n.loc["C10", "parent"] == "C"
    assert n.loc["C101", "plain"] == "10.1" and n.loc["C101", "level"] == "group"
    assert n.loc["C", "name"] == "Manufacturing"
    assert len(d.nace("division")) == 88
    sbs_codes = set(d.employment(level=0, year=2014, nace_level=None)["nace"])
    assert sbs_codes <= set(n.index)


def test_crosswalk_accessor():
    cw = d.crosswalk(2013)
    row = cw[cw["from_code"] == "FR61"]
    assert row["to_code"].tolist() == ["FRI1"] and row["one_to_one"].all()
    assert not cw[cw["from_code"] == "FR2"]["one_to_one"].any()  # split between FRB, FRC... kept as is


def test_broad_sectors_gdp_population_reference_values():
    b = d.broad_sectors(level=3, year=2000, sectors="TOTAL").set_index("region")
    assert b.loc["DE712", "value"] == 609_540  # PROVENANCE: A + B-E + F + G-J + K-N + O-U = total
    assert "FRI12" not in set(d.broad_sectors(level=3)["region"])  # no French NUTS 3
    g = d.gdp(year=2019).set_index("region")
    assert g.loc["DE712", "value"] == 73_807.3 and g.loc["DE712", "flag"] == "e"
    assert g.loc["FRI12", "value"] == 58_976.47
    p = d.population(year=2021).set_index("region")
    assert p.loc["DE712", "value"] == 764_104 and p.loc["RO321", "value"] == 1_823_526
    assert {"EU27_2020", "EA19"}.isdisjoint(set(d.gdp(year=2019)["region"]))
    with pytest.raises(UnknownChoiceError):
        d.gdp(unit="EUR")


def test_manifest_describes_every_file():
    m = d.manifest()
    assert m["command"].startswith("s3lib data build")
    names = {e["file"] for e in m["files"]}
    assert {"employment.parquet", "regions.parquet", "geometries.parquet", "nace.parquet", "places.csv",
            "broad_sectors.parquet", "gdp.parquet", "population.parquet", "nuts_crosswalk.parquet"} <= names
    for e in m["files"]:
        path = _store.data_dir() / e["file"]
        assert _store.sha256(path) == e["sha256"], e["file"]
        assert e["rows"] > 0 and e["licence"]
    emp = next(e for e in m["files"] if e["file"] == "employment.parquet")
    assert emp["dataset"] == "sbs_r_nuts06_r2" and emp["licence"].startswith("Source: Eurostat")
    geo = next(e for e in m["files"] if e["file"] == "geometries.parquet")
    assert "EuroGeographics" in geo["licence"]
    total = sum((_store.data_dir() / e["file"]).stat().st_size for e in m["files"])
    assert total < 25e6


def test_info_mentions_provenance_and_gaps():
    text = d.info()
    assert "employment.parquet" in text and "sbs_r_nuts06_r2" in text
    assert "EuroGeographics" in text and "finance" in text and "FRI12" in text
    assert not math.isnan(pd.Timestamp(d.manifest()["built_at"]).year)


def test_repeated_selections_are_remembered_but_never_shared():
    """Loaders remember a selection per snapshot table and filter (notebooks ask again), and
    each caller gets its own frame: changing one changes no later answer."""
    first = d.employment(level=2, year=2014)
    value = first.loc[0, "value"]
    first.loc[0, "value"] = -1.0
    first["extra"] = 1
    again = d.employment(level=2, year=2014)
    assert again.loc[0, "value"] == value and "extra" not in again.columns
    assert len(d.employment(level=2, year=2013)) != 0 and d.employment(level=1, year=2014)["level"].eq(1).all()
