"""German employees by NUTS 2021 district x KldB 2010 occupational group x year (BA, issue 12 step 4).

The snapshot tests run on the committed tables only. The raw-recompute tests (marked ``shared``)
re-read the raw ``.rda`` files with pyreadr and aggregate them with their own pandas code, so a bug
in the builder's aggregation cannot hide itself; they skip when ../shared/data/raw is absent.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_raw

import s3lib.data as d
from s3lib.config import RAW_DIR
from s3lib.data import _store
from s3lib.errors import UnknownChoiceError, UsageError

RAW = RAW_DIR / "ba-employees-kldb"
MEASURES = {"total": "employees", "women": "women", "foreigners": "foreigners"}
COLUMNS = ["region", "country", "level", "occupation", "year", "employees", "women", "foreigners",
           "employees_flag", "women_flag", "foreigners_flag"]
#: Sum of every non-suppressed raw cell (social insurance, total, all districts and occupations).
GERMAN_TOTALS = {2013: 29_610_630, 2014: 30_169_379, 2015: 30_765_922, 2016: 31_438_178, 2017: 32_159_849,
                 2018: 32_864_944, 2019: 33_402_093, 2020: 33_317_890, 2021: 33_797_141, 2022: 34_440_302,
                 2023: 34_703_926, 2024: 34_831_569, 2025: 34_879_840}
#: Districts whose NUTS 2021 region the names alone do not give.
EXCEPTIONS = {"03403": "DE943", "03455": "DE94A", "06415": "DE719", "16063": "DEG0P"}


@pytest.fixture(scope="module")
def table():
    """Every row, including the totals."""
    return d.occupations(occupations=None).pipe(
        lambda parts: pd.concat([parts, d.occupations(occupations="total")], ignore_index=True))


# --------------------------------------------------------------------------- snapshot
def test_frankfurt_reference_values():
    t = d.occupations(year=[2013, 2025], regions="DE712", occupations=["total", "721"])
    values = t.set_index(["occupation", "year"])["employees"]
    assert values[("total", 2025)] == 651_120
    assert values[("721", 2025)] == 63_701
    assert values[("total", 2013)] == 516_239
    flags = t.set_index(["occupation", "year"])["employees_flag"]
    assert flags[("721", 2025)] == ""
    assert flags[("total", 2025)] == "lower_bound"  # three suppressed groups in 2025


def test_columns_types_and_grid(table):
    assert list(table.columns) == COLUMNS
    assert table[["employees", "women", "foreigners"]].dtypes.eq("float64").all()
    assert set(table["country"].unique()) == {"DE"} and set(table["level"].unique()) == {3}
    assert set(table["year"].unique()) == set(range(2013, 2026))
    assert table["region"].nunique() == 400
    occupations = set(table["occupation"].unique())
    assert {"unknown", "total"} <= occupations and len(occupations) == 142
    assert len(table) == 400 * 142 * 13
    assert not table.duplicated(["region", "occupation", "year"]).any()
    for measure in ("employees", "women", "foreigners"):
        flag = table[f"{measure}_flag"]
        assert set(flag.unique()) <= {"", "lower_bound", "suppressed"}
        assert table.loc[flag == "suppressed", measure].isna().all()
        assert table.loc[flag != "suppressed", measure].notna().all()
    exact = (table["women_flag"] == "") & (table["employees_flag"] == "")
    assert (table.loc[exact, "women"] <= table.loc[exact, "employees"]).all()


def test_default_selection_has_no_double_counting():
    rows = d.occupations(year=2025, regions="DE712")
    assert "total" not in set(rows["occupation"]) and "unknown" in set(rows["occupation"])
    assert len(rows) == 141
    assert rows["employees"].sum() == 651_120


def test_total_is_the_sum_of_groups_and_unknown(table):
    parts = table[table["occupation"] != "total"]
    totals = table[table["occupation"] == "total"].set_index(["region", "year"])
    for measure in ("employees", "women", "foreigners"):
        summed = parts.groupby(["region", "year"])[measure].sum(min_count=1)
        assert (summed.reindex(totals.index) == totals[measure]).all(), measure
        any_missing = parts[f"{measure}_flag"].ne("").groupby([parts["region"], parts["year"]]).any()
        expected = np.where(any_missing.reindex(totals.index), "lower_bound", "")
        assert (totals[f"{measure}_flag"].to_numpy() == expected).all(), measure


def test_german_total_of_every_year_equals_the_raw_total(table):
    totals = table[table["occupation"] == "total"].groupby("year")["employees"].sum()
    assert {int(y): int(v) for y, v in totals.items()} == GERMAN_TOTALS
    parts = table[table["occupation"] != "total"].groupby("year")["employees"].sum()
    assert {int(y): int(v) for y, v in parts.items()} == GERMAN_TOTALS


def test_every_district_maps_to_exactly_one_nuts_2021_region():
    m = d.ags_nuts()
    assert list(m.columns) == ["ags", "ags_name", "nuts", "nuts_name", "rule", "territory", "also_covers"]
    assert len(m) == 401 and m["ags"].is_unique and m["nuts"].notna().all() and (m["nuts"] != "").all()
    nuts3 = d.regions(level=3)
    nuts3 = nuts3[nuts3["country"] == "DE"].set_index("code")
    assert set(m["nuts"]) <= set(nuts3.index)
    assert (m["nuts_name"].to_numpy() == nuts3.loc[m["nuts"], "name"].to_numpy()).all()
    assert set(nuts3.index) - set(m["nuts"]) == {"DEG0N"}  # Eisenach: inside Wartburgkreis since 2021
    assert set(d.occupations(year=2025, occupations="total")["region"]) == set(m["nuts"])
    assert m.groupby("nuts").size().max() == 2 and (m.groupby("nuts").size() == 2).sum() == 1  # DE719 only
    assert set(m["rule"]) - {"name"} == {r for r in m["rule"] if r.startswith("exception: ")}


def test_the_exceptions_are_pinned():
    from s3lib.data import build_ba

    m = d.ags_nuts().set_index("ags")
    listed = m[m["rule"] != "name"]
    assert listed["nuts"].to_dict() == EXCEPTIONS
    assert {ags: nuts for ags, (nuts, _) in build_ba.EXCEPTIONS.items()} == EXCEPTIONS
    assert "Hanau" in m.loc["06415", "rule"] and "DE719" in m.loc["06415", "rule"]
    assert "Eisenach" in m.loc["16063", "rule"] and "2021" in m.loc["16063", "rule"]
    assert m.loc["06435", ["nuts", "rule", "territory"]].tolist() == ["DE719", "name", "part"]
    assert m.loc["06415", "territory"] == "part"
    assert m.loc["16063", ["territory", "also_covers"]].tolist() == ["larger", "DEG0N"]
    others = m.drop(index=["06415", "06435", "16063"])
    assert set(others["territory"]) == {"equal"} and set(others["also_covers"]) == {""}
    assert build_ba.ABSORBED == {"DEG0N": "16063"}


def test_kldb_hierarchy():
    k = d.kldb()
    assert k.groupby("level").size().to_dict() == {1: 10, 2: 37, 3: 144}
    groups = d.kldb(3)
    assert (groups["area"] == groups["code"].str[0]).all()
    assert (groups["main_group"] == groups["code"].str[:2]).all()
    assert set(groups["main_group"]) == set(d.kldb("main_group")["code"])
    assert set(k["name_en_source"]) == {"our translation"} and k["name_en"].str.len().gt(0).all()
    data_groups = set(d.occupations(year=2025, regions="DE712")["occupation"]) - {"unknown"}
    assert data_groups == set(groups.loc[groups["in_data"], "code"])
    assert set(groups.loc[~groups["in_data"], "code"]) == {"011", "012", "013", "014"}
    assert groups.set_index("code").loc["721", "name_de"].startswith("Versicherungs")
    assert list(d.kldb(1)["code"]) == [str(i) for i in range(10)]


def test_argument_checks():
    with pytest.raises(UnknownChoiceError, match="valid range 2013-2025"):
        d.occupations(year=2012)
    with pytest.raises(UnknownChoiceError, match="DEG0P"):
        d.occupations(regions="DEG0N")
    with pytest.raises(UnknownChoiceError, match="NUTS 2021 region"):
        d.occupations(regions="FRI12")
    with pytest.raises(UnknownChoiceError, match="military"):
        d.occupations(occupations="011")
    with pytest.raises(UnknownChoiceError, match="occupation"):
        d.occupations(occupations="999")
    with pytest.raises(UnknownChoiceError):
        d.kldb(4)
    with pytest.raises(UnknownChoiceError, match="measure"):
        d.occupation_matrix(2025, measure="men")
    with pytest.raises(UsageError, match="one year"):
        d.occupation_matrix([2024, 2025])


def test_selections_by_prefix():
    hessen = d.occupations(year=2025, regions="DE7", occupations="72")
    nuts = d.ags_nuts()["nuts"]
    assert set(hessen["region"]) == set(nuts[nuts.str.startswith("DE7")])
    assert set(hessen["occupation"]) == {"721", "722", "723"}
    assert d.occupations(year=2025, regions="de712", occupations=721)["employees"].item() == 63_701


def test_occupation_matrix():
    X = d.occupation_matrix(2025)
    assert X.shape == (400, 140) and X.index.name == "region" and X.columns.name == "occupation"
    assert list(X.columns) == sorted(X.columns) and list(X.index) == sorted(X.index)
    assert X.loc["DE712", "721"] == 63_701
    tidy = d.occupations(year=2025, occupations=list(X.columns))
    assert X.isna().to_numpy().sum() == tidy["employees"].isna().sum() > 0
    with_unknown = d.occupation_matrix(2025, unknown=True, regions="DE712")
    assert with_unknown.shape == (1, 141)
    assert with_unknown.sum(axis=1).item() == 651_120  # suppressed cells skipped: the lower bound
    areas = d.kldb(3).set_index("code")["area"]
    by_area = X.T.groupby(areas.reindex(X.columns)).sum(min_count=1).T
    assert by_area.shape == (400, 9)  # no military area 0


def test_manifest_entries():
    files = {e["file"]: e for e in d.manifest()["files"]}
    for name in ("occupations.parquet", "kldb.parquet", "ags_nuts.parquet"):
        e = files[name]
        assert "Statistik der Bundesagentur für Arbeit" in e["licence"] and "badata 0.2.0" in e["licence"]
        assert e["rows"] > 0 and e["sha256"] == _store.sha256(_store.data_dir() / name)
    assert files["occupations.parquet"]["years"] == [2013, 2025]
    assert files["occupations.parquet"]["rows"] == 400 * 142 * 13
    assert files["occupations.parquet"]["bytes"] < 5e6


# --------------------------------------------------------------------------- raw recompute
def _read(name: str) -> pd.DataFrame:
    import pyreadr

    (frame,) = pyreadr.read_r(str(RAW / f"{name}.rda")).values()
    return frame


@pytest.fixture(scope="module")
def raw_full():
    """The raw employees table, read once for the module (pyreadr needs ~15 s for it)."""
    return _read("employees_by_workplace")


@pytest.fixture(scope="module")
def raw_employees(raw_full):
    return raw_full[raw_full["type"] == "social insurance"].reset_index(drop=True)


@pytest.mark.shared
@needs_raw
def test_every_cell_equals_the_raw_aggregation(raw_employees, table):
    """Map districts with the snapshot's table, sum with pandas, compare every value and flag."""
    nuts = d.ags_nuts().set_index("ags")["nuts"]
    raw = pd.DataFrame({
        "region": raw_employees["region"].map(nuts).astype(str),
        "occupation": raw_employees["occupational_group"].fillna("unknown").astype(str),
        "year": raw_employees["year"].astype(int),
        "measure": raw_employees["group"].map(MEASURES).astype(str),
        "n": raw_employees["n"].astype(float),
    })
    assert raw["region"].ne("nan").all()
    raw["missing"] = raw["n"].isna()

    def aggregate(keys):
        g = raw.groupby(keys)
        out = pd.DataFrame({"value": g["n"].sum(min_count=1), "missing": g["missing"].sum(),
                            "parts": g.size()}).reset_index()
        out["flag"] = np.where(out["missing"] == out["parts"], "suppressed",
                               np.where(out["missing"] > 0, "lower_bound", ""))
        return out

    cells = aggregate(["region", "occupation", "year", "measure"])
    totals = aggregate(["region", "year", "measure"]).assign(occupation="total")
    expected = pd.concat([cells, totals], ignore_index=True)
    long = table.melt(id_vars=["region", "occupation", "year"], value_vars=list(MEASURES.values()),
                      var_name="measure", value_name="value")
    flags = table.melt(id_vars=["region", "occupation", "year"],
                       value_vars=[f"{m}_flag" for m in MEASURES.values()], var_name="measure", value_name="flag")
    flags["measure"] = flags["measure"].str.removesuffix("_flag")
    got = long.merge(flags, on=["region", "occupation", "year", "measure"])
    both = expected.merge(got, on=["region", "occupation", "year", "measure"], how="outer",
                          suffixes=("_raw", "_snapshot"), indicator=True)
    assert (both["_merge"] == "both").all(), both[both["_merge"] != "both"].head()
    assert len(both) == 400 * 142 * 13 * 3
    same = (both["value_raw"] == both["value_snapshot"]) | (both["value_raw"].isna() & both["value_snapshot"].isna())
    assert same.all(), both[~same].head()
    assert (both["flag_raw"] == both["flag_snapshot"]).all()
    # Hanau + Main-Kinzig-Kreis: the one NUTS 2021 region made of two districts
    de719 = raw_employees[raw_employees["region"].isin(["06415", "06435"]) & (raw_employees["year"] == 2025)
                          & (raw_employees["group"] == "total")]["n"].sum()
    assert table.query("region == 'DE719' and occupation == 'total' and year == 2025")["employees"].item() == de719
    # the German totals, straight from the raw file
    raw_totals = raw_employees[raw_employees["group"] == "total"].groupby("year")["n"].sum()
    assert {int(y): int(v) for y, v in raw_totals.items()} == GERMAN_TOTALS


@pytest.mark.shared
@needs_raw
def test_names_and_labels_come_from_the_raw_files():
    regions = _read("region_codes")
    m = d.ags_nuts()
    assert dict(zip(m["ags"], m["ags_name"])) == dict(zip(regions["code"], regions["name"]))
    codes = _read("occupational_group_codes").dropna(subset=["code"])
    groups = d.kldb(3)
    assert dict(zip(groups["code"], groups["name_de"])) == dict(zip(codes["code"], codes["name"]))


@pytest.mark.shared
@needs_raw
def test_builder_is_deterministic(raw_full, tmp_path):
    """The builder's table from the raw frame, written again, has the committed file's bytes."""
    from s3lib.data import build_ba

    rebuilt = build_ba.build_occupations(raw_full, d.ags_nuts())
    build_ba.write_parquet(rebuilt, tmp_path / "occupations.parquet")  # as the builder writes it
    assert _store.sha256(tmp_path / "occupations.parquet") == _store.sha256(_store.data_dir() / "occupations.parquet")
