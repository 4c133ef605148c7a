"""Issue 18: advice a practitioner can act on. Each pinned case is one the issue found wrong in the suite's
own output (2014, NUTS2); each test recomputes what it checks from the loaders where it can.

Validity gate, new paths (not latent strengths), traded/local/mixed by employment, data integrity before
any measure, RIS3 pairing and traded-only fit. Cooperation pairs: tests/test_links.py; city lens:
tests/test_lens.py; RIS3 mappings: tests/test_ris3_priorities.py.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib import data
from s3lib.measures import validity
from s3lib.study import Study, paths, spaces

CASES = ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"]


@pytest.fixture(scope="module")
def s14():
    return Study(year=2014)


# ----------------------------------------------------------------------------- the validity gate
def test_every_axis_is_gated_and_the_default_passes(s14):
    v = s14.validity()
    assert set(v.index) == {"eci", "fitness", "eci_core", "wage"}
    for key, row in v.iterrows():
        expected = (row["corr_gdp"] >= validity.MIN_CORR_GDP and row["corr_diversity"] >= validity.MIN_CORR_DIVERSITY
                    and row["marker_auc"] >= validity.MIN_MARKER_AUC)
        assert bool(row["passes"]) == bool(expected), key
    chosen = v.index[v["chosen"]]
    assert len(chosen) == 1 and v.loc[chosen[0], "passes"] and s14.benefit.key == chosen[0]
    # the classic ECI fails: its sign set by income, it still ranks routine services above advanced manufacturing
    assert not v.loc["eci", "passes"] and v.loc["eci", "marker_auc"] < 0.5


def test_the_gate_recomputes_from_the_loaders(s14):
    """Correlation of the chosen axis's regional index with log GDP per head, recomputed here."""
    axis = s14.benefit
    gdp = data.gdp(unit="PPS_EU27_2020_HAB", level=2, year=2014).set_index("region")["value"]
    both = pd.concat([axis.region, np.log(gdp)], axis=1, join="inner").dropna()
    r = both.corr().iloc[0, 1]
    assert r == pytest.approx(s14.validity().loc[axis.key, "corr_gdp"], abs=1e-9)
    assert r >= validity.MIN_CORR_GDP
    ranks = axis.activity.rank(ascending=False)
    routine = [c for c in ("N77", "N78", "N79", "N82", "H50", "I55") if c in ranks.index]  # the traded ones are scored
    assert len(routine) >= 2
    assert ranks[["C20", "C21", "C26", "C27", "C28", "C29", "C30"]].median() < ranks[routine].median()


def test_the_basque_country_is_no_longer_near_the_bottom(s14):
    """ES21 ranked 224 of 280 on ECI; on the chosen axis a leading manufacturing region is in the top half."""
    s = s14.at("bilbao").summary
    assert s.benefit_rank is not None and s.benefit_rank <= s.n_regions / 2


def test_where_no_axis_passes_nothing_is_ranked(s14, monkeypatch):
    from s3lib.outputs import cards

    monkeypatch.setattr(validity, "MIN_CORR_GDP", 2.0)  # no axis can pass
    study = Study(year=2014, min_coverage=0.51)  # a fresh study, so the gate is evaluated again
    assert study.benefit is None and not study.validity()["chosen"].any()
    view = study.at("porto")
    assert view.summary.benefit_rank is None
    assert (view.opportunities.table["quadrant"] == "").all()
    texts = [t.get_text() for t in cards.draw(cards.card_data(view, with_competences=False)).texts]
    assert "no benefit rank" in texts


# ----------------------------------------------------------------------------- new paths
def test_no_bordeaux_new_path_was_specialised_in_2010_2013(s14):
    table = s14.candidates("FRI1").table
    assert len(table)
    for year in range(2010, 2014):
        lq = Study(year=year).lq.loc["FRI1"].reindex(table.index)
        assert not (lq >= 1).any(), (year, lq[lq >= 1].to_dict())   # a missing cell is unknown, not specialised
    review = s14.review("FRI1").table
    latent = review[review["status"] == "latent strength"]
    assert {"I55", "C18"} <= set(latent.index)   # crossings back and forth, listed apart


def test_new_paths_pass_every_rule(s14):
    for place in CASES:
        view = s14.at(place)
        t = view.opportunities.table
        assert (t["status"] == "new path").all()
        assert (view.study.traded.reindex(t.index)).all(), place
        assert (t["lq"] < paths.NEAR_THRESHOLD).all() and (t["max_lq_before"].fillna(0) < 1).all(), place
        assert (t["size_at_lq1"] >= paths.MIN_PATH_SIZE).all(), place
        assert (t["density_min"] <= t["density"]).all() and (t["density"] <= t["density_max"]).all()


def test_darmstadt_telecoms_is_a_break_not_a_candidate(s14):
    breaks = s14.breaks(2009).table
    j61 = breaks[(breaks["region"] == "DE71") & (breaks["activity"] == "J61")]
    assert list(j61["year"]) == [2011] and (j61["kind"] == "cell break").all()
    assert j61["cell_ratio"].iloc[0] < 0.5 and j61["parent_ratio"].iloc[0] < 0.5   # Hessen fell with it
    raw = data.employment(level=2, year=[2010, 2011], nace_level="division")
    cell = raw[(raw["region"] == "DE71") & (raw["nace"] == "J61")].set_index("year")["value"]
    assert cell[2011] / cell[2010] == pytest.approx(j61["cell_ratio"].iloc[0])
    assert "J61" not in s14.candidates("DE71").table.index
    assert "J61" in set(s14.at("frankfurt").data_checks.table["activity"])


def test_porto_card_never_calls_a_fallback_quadrant_related_and_high(s14):
    from s3lib.outputs import cards

    view = s14.at("porto")
    assert not (view.opportunities.table["quadrant"] == "low risk, high benefit").any()
    texts = [t.get_text() for t in cards.draw(cards.card_data(view, with_competences=False)).texts]
    assert any(t.startswith("none both related and high") for t in texts)


# ----------------------------------------------------------------------------- traded, local, mixed
def test_trade_status_by_employment_not_by_counting_classes():
    split = spaces.sbs_trade_split()
    status = spaces.sbs_trade_status()
    assert status["N78"] == "mixed"      # temporary agency work: 2 of 3 classes traded, most jobs local
    assert status["G47"] == "local" and status["C29"] == "traded"
    mapped = split["traded"] + split["local"]
    traded = split.index[(mapped > 0) & (split["local"] <= spaces.MIXED_TOLERANCE * mapped)]
    local = split.index[(mapped > 0) & (split["traded"] <= spaces.MIXED_TOLERANCE * mapped)]
    assert (status[traded] == "traded").all() and (status[local] == "local").all()
    assert (status.drop(traded.union(local))[mapped > 0] == "mixed").all()
    assert split.loc["G46", "basis"].startswith("employment")   # wholesale: weighted by its groups' employment


def test_no_mixed_or_local_division_is_ever_a_new_path(s14):
    not_traded = set(s14.traded.index[~s14.traded])
    for region in s14.sample:
        assert not not_traded & set(s14.candidates(region).table.index), region


# ----------------------------------------------------------------------------- data integrity
def test_piedmont_construction_2010_is_missing_not_zero():
    s10 = Study(year=2010)
    assert s10.counts.loc["ITC1", ["F41", "F43"]].isna().all()
    assert not s10.estimated.loc["ITC1", ["F41", "F43"]].any()


def test_turin_has_no_construction_entry(s14):
    table = s14.changes(2010).table("ITC1").table
    construction = table[table.index.str.startswith("F")]
    assert not (construction["status"] == "entry").any()
    assert construction.loc[["F41", "F43"], "status"].isna().all()


def test_every_case_place_lists_its_checks(s14):
    for place in CASES:
        checks = s14.at(place).data_checks
        assert checks.notes[0].startswith("Data checks") and set(checks.table["check"]) <= {
            "estimated", "cell break", "series break"}
    assert "series break in 2014" in s14.at("bordeaux").data_checks.notes[0]   # France's 2014 break


# ----------------------------------------------------------------------------- alignment
def test_each_strategy_is_read_with_data_of_its_period(s14):
    turin = s14.at("turin")
    assert turin.alignment("2014-2020").year == 2014
    assert turin.alignment("2021-2027").year == turin.paired_year("2021-2027") >= 2014
    frankfurt = s14.at("frankfurt").alignment()
    assert frankfurt.choice.period == "2021-2027" and frankfurt.year == 2015


def test_coverage_and_fit_count_traded_industries_only(s14):
    res = s14.at("bucharest").alignment("2014-2020")
    assert set(res.profile.index) <= set(s14.traded.index[s14.traded])
    statuses = set(res.match["status"])
    assert "not traded" in statuses
    assert not res.match["industry"].eq("N80").any()   # guards are no "security" priority


def test_the_validity_table_in_data_readme_is_what_the_library_computes():
    from s3lib.config import DATA_DIR

    rows = [line.split("|")[1:-1] for line in (DATA_DIR / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| 20") and "`" in line]
    assert {(int(r[0]), r[1].strip().strip("`")) for r in rows} >= {(2014, "wage"), (2014, "eci"), (2015, "wage")}
    for year in sorted({int(r[0]) for r in rows}):
        v = Study(year=year).validity()
        for r in (r for r in rows if int(r[0]) == year):
            key = r[1].strip().strip("`")
            assert float(r[3]) == pytest.approx(v.loc[key, "corr_gdp"], abs=0.005), (year, key)
            assert float(r[4]) == pytest.approx(v.loc[key, "corr_diversity"], abs=0.005), (year, key)
            assert (r[8].strip() == "yes") == bool(v.loc[key, "passes"]), (year, key)
            assert ("chosen" in r[9]) == bool(v.loc[key, "chosen"]), (year, key)


def test_no_new_path_rests_on_an_estimate_or_a_location(s14):
    from s3lib import data

    bound = set(data.cluster_roles("sbs")["cluster"])
    assert {"H50", "H51", "E36", "B06"} <= bound
    for place in CASES:
        view = s14.at(place)
        paths_ = view.opportunities.table.index
        assert not s14.estimated.loc[view.region, paths_].any(), place
        assert not bound & set(paths_), place
    review = s14.review("ITC1").table
    assert review.loc["H51", "status"] == "location-bound"   # an airport hub is no path a region grows into
    assert review.loc["E36", "status"] == "location-bound"   # nor is its water network


def test_the_ris3_yardstick_is_the_same_list_in_every_region(s14):
    a = s14.at("porto").alignment()
    own = a.scores.loc["all"]
    assert a.benchmark.loc[a.region, "coverage"] == pytest.approx(own["coverage"])
    assert a.benchmark.loc[a.region, "fit"] == pytest.approx(own["fit"])
    fit = s14.at("porto").ris3_fit()
    assert fit.fit_median == pytest.approx(a.benchmark["fit"].median())
    assert 0 <= fit.fit_pct <= 100 and fit.fit_median > 0.5   # a broad list fits most regions: read against this


def test_pairs_carved_from_one_division_do_not_count_their_co_location(s14):
    overlap = s14.cluster_overlap
    assert overlap.loc["Footwear", "Leather and Related Products"] >= 0.5
    assert overlap.loc["Aerospace Vehicles and Defense", "Information Technology and Analytical Instruments"] < 0.5
    pairs = s14.at("porto").cooperation.table.set_index(["cluster_a", "cluster_b"])
    for (a, b), row in pairs.iterrows():
        if overlap.loc[a, b] >= 0.5:
            assert row["shared_divisions"] and np.isnan(row["co-location"]) and "not counted" in row["reason"]
    dev = s14.at("bordeaux").development.table   # the workshop's photonics with aerospace
    assert ("Aerospace Vehicles and Defense", "Information Technology and Analytical Instruments") in set(
        zip(dev["cluster_a"], dev["cluster_b"]))
