"""Validation of data/ris3_priorities.csv and of the readers in s3lib.analyses.ris3.

The CSV is curated by hand from ../shared/ris3-priorities-facts.md; these checks
catch typos in NACE and NUTS codes, rows without a source, and invented priorities
for regions whose list was not found.
"""
from __future__ import annotations

import pandas as pd
import pytest

from s3lib.analyses import ris3
from s3lib.config import DATA_DIR
from s3lib.errors import UnknownChoiceError
from s3lib.measures import alignment as measures_alignment

COLUMNS = ["owner_code", "owner_level", "owner_name", "strategy", "period", "priority_no",
           "priority_original", "priority_en", "type", "nace_detail", "nace_divisions",
           "mapping_note", "codes_why", "note", "source", "status"]
STATUSES = {"sourced", "list_not_found", "fallback_national_2014_2020", "strength_not_s3"}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "ris3_priorities.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def nace() -> pd.DataFrame:
    from s3lib import data

    return data.nace()


def _codes(cell: str) -> list[str]:
    return [c for c in cell.split(";") if c]


def test_columns_and_vocabularies(table):
    assert list(table.columns) == COLUMNS
    assert set(table["type"]) <= set(ris3.PRIORITY_TYPES)
    assert set(table["status"]) <= STATUSES
    assert set(table["period"]) <= {"2014-2020", "2021-2027", "n.d."}


def test_every_row_has_a_source_and_a_status(table):
    assert (table["source"].str.strip() != "").all()
    assert table["source"].str.contains("http").all()
    assert (table["status"].str.strip() != "").all()


def test_mapped_rows_say_the_mapping_is_ours_and_status_rows_carry_nothing(table):
    mapped = table[table["type"] != "none"]
    assert (mapped["nace_detail"] != "").all()
    assert (mapped["mapping_note"] == "own mapping, not from the source").all()
    assert (mapped["priority_en"] != "").all()
    status_rows = table[table["type"] == "none"]
    assert (status_rows["status"] == "list_not_found").all()
    for col in ["priority_no", "priority_original", "priority_en", "nace_detail", "nace_divisions", "mapping_note",
                "codes_why"]:
        assert (status_rows[col] == "").all(), col


def test_every_mapped_code_says_why_it_is_there(table):
    """codes_why gives one reason per code of nace_detail, in the same order, and nothing else."""
    for row in table[table["type"] != "none"].itertuples():
        reasons = [part.split(":", 1) for part in row.codes_why.split("; ")]
        assert [code for code, _ in reasons] == _codes(row.nace_detail), (row.owner_code, row.priority_en)
        assert all(len(why.strip()) > 3 for _, why in reasons), (row.owner_code, row.priority_en)


def test_security_is_technology_not_guard_services(table):
    """Issue 18: the Romanian 'ICT, space and security' domain was mapped to N80 (private security guards),
    which made guards Bucharest's top LQ in the fit. Security there means security technology."""
    security = table[table["priority_en"].str.contains("security", case=False)]
    assert len(security) >= 1
    for row in security.itertuples():
        assert "N80" not in _codes(row.nace_detail) and "N80" not in _codes(row.nace_divisions)
    mapped = table[table["type"] != "none"]
    # no priority maps to gambling (R92) or all of mining (B) either: the same kind of slip
    for code in ("R92", "B", "N80"):
        assert not mapped["nace_detail"].map(lambda cell, c=code: c in _codes(cell)).any(), code


def test_every_nace_code_exists_in_nace_rev2(table, nace):
    known = set(nace["code"])
    divisions = set(nace.loc[nace["level"] == "division", "code"])
    for row in table.itertuples():
        assert set(_codes(row.nace_detail)) <= known, (row.owner_code, row.priority_en)
        assert set(_codes(row.nace_divisions)) <= divisions, (row.owner_code, row.priority_en)


def test_divisions_are_the_rollup_of_the_detail(table, nace):
    divisions = nace.loc[nace["level"] == "division", "code"].tolist()
    for row in table.itertuples():
        assert _codes(row.nace_divisions) == measures_alignment.to_divisions(_codes(row.nace_detail), divisions), row.priority_en


def test_owner_codes_are_nuts2021_at_the_stated_level(table):
    from s3lib import data

    regions = data.regions().set_index("code")
    for row in table.drop_duplicates("owner_code").itertuples():
        assert row.owner_code in regions.index, row.owner_code
        assert bool(regions.loc[row.owner_code, "in_2021"]), row.owner_code
        assert int(regions.loc[row.owner_code, "level"]) == int(row.owner_level) == len(row.owner_code) - 2


def test_no_priorities_where_the_list_was_not_found(table):
    # Nouvelle-Aquitaine (FRI, and the former Aquitaine FRI1) and Bucuresti-Ilfov (RO32): lists not found.
    for owner in ["FRI", "FRI1", "RO32"]:
        rows = table[table["owner_code"] == owner]
        assert not rows["type"].isin(["priority", "niche"]).any(), owner
        assert (rows["status"] == "list_not_found").any(), owner
    assert set(table.loc[table["owner_code"] == "RO32", "type"]) == {"none"}
    national = table[table["owner_code"] == "RO"]
    assert set(national["type"]) == {"fallback_national", "none"}
    assert set(national.loc[national["type"] == "fallback_national", "status"]) == {"fallback_national_2014_2020"}
    strengths = table[table["type"] == "strength_not_s3"]
    assert set(strengths["owner_code"]) <= {"FRI", "FRI1"}
    assert strengths["note"].str.contains("not an S3 list").all()


@pytest.mark.parametrize("owner, period, expected", [
    ("DE7", "2021-2027", {"priority": 7}),
    ("ES21", "2014-2020", {"priority": 3, "niche": 4}),
    ("ES21", "2021-2027", {"priority": 3, "niche": 1}),
    ("ITC1", "2014-2020", {"priority": 6}),
    ("ITC1", "2021-2027", {"priority": 6}),
    ("PT11", "2014-2020", {"priority": 8}),
    ("PT11", "2021-2027", {"priority": 8}),
    ("RO", "2014-2020", {"fallback_national": 7}),
])
def test_list_sizes_match_the_facts_file(table, owner, period, expected):
    rows = table[(table["owner_code"] == owner) & (table["period"] == period) & (table["type"] != "none")]
    assert rows["type"].value_counts().to_dict() == expected
    numbers = sorted(int(n) for n in rows["priority_no"])
    assert numbers == list(range(1, len(rows) + 1))


def test_hessen_finance_maps_to_k_which_sbs_does_not_measure(table):
    finance = table[(table["owner_code"] == "DE7") & (table["priority_en"] == "Financial sector")].iloc[0]
    assert {"K64", "K65", "K66"} <= set(_codes(finance["nace_divisions"]))


def test_priorities_apply_to_sub_regions_and_resolve_periods():
    frankfurt = ris3.priorities("DE712", period="2021-2027")
    assert set(frankfurt["owner_code"]) == {"DE7"}
    assert len(frankfurt) == 7
    assert frankfurt["priority_id"].iloc[0] == "DE7/2021-2027/1"
    assert frankfurt["label"].iloc[-1] == "7 Financial sector"
    assert ris3.priorities("ES213", period=2016)["period"].unique().tolist() == ["2014-2020"]
    assert ris3.priorities("ES213", period=2025)["period"].unique().tolist() == ["2021-2027"]


def test_fallback_and_strengths_only_on_request():
    assert ris3.priorities("RO321").empty
    national = ris3.priorities("RO321", period="2014-2020", include_fallback=True)
    assert len(national) == 7 and set(national["owner_code"]) == {"RO"}
    assert ris3.priorities("RO321", period="2021-2027", include_fallback=True).empty
    assert ris3.priorities("FRI12").empty
    strengths = ris3.priorities("FRI12", include_strengths=True)
    assert set(strengths["type"]) == {"strength_not_s3"} and len(strengths) == 3


def test_strategies_show_the_gaps():
    bordeaux = ris3.strategies("FRI12")
    assert (bordeaux.loc[bordeaux["types"] == "none", "n_rows"] == 0).all()
    assert set(bordeaux["status"]) == {"list_not_found", "strength_not_s3"}
    bucharest = ris3.strategies("RO321", period="2021-2027")
    assert set(bucharest["status"]) == {"list_not_found"}
    assert bucharest["n_rows"].sum() == 0


def test_place_names_and_bad_input():
    assert ris3.priorities("frankfurt", period="2021-2027").equals(ris3.priorities("DE712", period="2021-2027"))
    with pytest.raises(UnknownChoiceError, match="RIS3 period"):
        ris3.priorities("DE7", period="2021-2028")
    with pytest.raises(UnknownChoiceError, match="RIS3 owner"):
        ris3.priorities("AT13")
