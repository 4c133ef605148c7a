"""The city against its region and the external benchmarks (issue 21, step 5), on the bundled snapshot."""
from __future__ import annotations

import pandas as pd
import pytest

import s3lib.data as d
from s3lib.study import Study
from s3lib.study.city import city
from s3lib.study.city_region import benchmarks, city_against_region, revealed


@pytest.fixture(scope="module")
def rouen():
    return city("Rouen")


@pytest.fixture(scope="module")
def region():
    return Study(year=2014).at("Rouen")


@pytest.fixture(scope="module")
def against(rouen, region):
    return city_against_region("Rouen", city_view=rouen, region_view=region)


def test_the_region_is_haute_normandie_in_the_business_statistics(region, against):
    assert region.region == "FRD2" and against.params["region"] == "FRD2" and against.params["region_year"] == 2014
    assert against.params["city"] == "200023414" and against.params["city_year"] == 2022


def test_both_sides_are_the_sources_own_values(rouen, region, against):
    t = against.table
    clusters = rouen.clusters().table
    pf = region.portfolio.set_index("cluster")
    for cluster in ("Biopharmaceuticals", "Automotive", "Transportation and Logistics"):
        assert t.loc[cluster, "city_employees"] == clusters.loc[cluster, "employees"]
        assert t.loc[cluster, "region_employees"] == pf.loc[cluster, "employment"]
        assert t.loc[cluster, "region_lq"] == pf.loc[cluster, "lq"]
        assert t.loc[cluster, "seen"] == "both"
    assert t.loc["Biopharmaceuticals", "city_point"]


def test_what_only_the_city_sees(against):
    t = against.table
    assert t.loc["Insurance Services", "seen"] == "city only"
    assert pd.isna(t.loc["Insurance Services", "region_employees"]) and t.loc["Insurance Services", "city_employees"] > 5000
    assert t.loc["Financial Services", "seen"] == "region fragment"  # the region's statistics see 5 % of it
    assert any(n.startswith("Clusters only the city data see") and "Insurance Services" in n for n in against.notes)
    assert any("Two sources, two concepts" in n for n in against.notes)
    assert set(t["seen"]) <= {"both", "city only", "region fragment", "region only"}


def test_revealed_classes_outside_the_business_statistics(rouen):
    r = revealed(rouen)
    table = r.table
    assert list(table.index[:2]) == ["K6512", "Q8610"]  # non-life insurance, hospitals
    classes = rouen.activities("class").table
    sbs = set(d.employment(level=0, year=2014, countries="FR", nace_level="division")["nace"])
    outside = classes[~classes["division"].isin(sbs)]
    assert r.params["share_outside"] == pytest.approx(outside["employees"].sum() / rouen.total())
    assert 0.2 < r.params["share_outside"] < 0.3
    assert (table["share"] >= 0.005).all() and not table["division"].isin(sbs).any()
    assert any("Public employers" in n for n in r.notes)


def test_bordeaux_benchmarks_beside_the_nuts2_bounds():
    view = Study(year=2014).at("bordeaux")
    b = benchmarks(view)
    t = b.table
    assert len(t) == 5 and t["value"].tolist()[:3] == [19_000, 44_500, 146_000]
    aero = t[t["cluster"] == "Aerospace Vehicles and Defense"].iloc[0]
    pf = view.portfolio.set_index("cluster").loc["Aerospace Vehicles and Defense"]
    assert (aero["nuts2_lower"], aero["nuts2_upper"]) == (pf["lower"], pf["upper"])
    assert round(aero["nuts2_lower"]) == 488 and aero["nuts2_upper"] == 5_719  # README: 488 to 5,719 in 2014
    assert "Bordeaux employment zone" in aero["territory"] and aero["source"]
    assert t.loc[t["cluster"] == "Laser & photonics", "nuts2_lower"].isna().all()  # a declared cluster, no bounds
    assert "never inputs" in b.notes[0]


def test_places_without_benchmarks_say_so():
    b = benchmarks(Study(year=2014).at("porto"))
    assert b.table.empty and b.notes[0].startswith("No external benchmark is recorded for Porto")


def test_benchmark_file_is_in_the_manifest():
    files = {e["file"]: e for e in d.manifest()["files"]}
    assert files["benchmarks.csv"]["kind"] == "curated" and files["benchmarks.csv"]["rows"] == 5
    assert (d.benchmarks()["source"] != "").all()


def test_charts_draw_the_tables(rouen, against):
    import matplotlib.pyplot as plt

    from s3lib import plots
    from s3lib.plots.city import city_region_bars, cluster_dynamics

    fig, ax = plots.figure()
    try:
        cluster_dynamics(ax, rouen.clusters().table, n=10)
        assert ax.get_yscale() == "log" and len(ax.collections) >= 2  # bubbles and LQ-range bars
        labels = [t.get_text() for t in ax.texts]
        assert any(t.startswith("Biopharmaceuticals") for t in labels) and any("no LQ" in t for t in labels)
        plots.annotate(fig, "Cluster dynamics", place=rouen.label, level="EPCI", year="2006-2022", source=rouen.source)
    finally:
        plt.close(fig)
    fig, ax = plots.figure()
    try:
        city_region_bars(ax, against.table, n=8)
        assert "city data only" in [t.get_text() for t in ax.texts]  # Insurance Services
        assert len(ax.patches) == 16
    finally:
        plt.close(fig)


def test_card_lines_for_what_the_statistics_cannot_reach(region):
    from s3lib.outputs import cards

    bordeaux = cards.beyond(Study(year=2014).at("bordeaux"))
    assert len(bordeaux) == 1 and "about 19,000 employees of the aerospace and space filière" in bordeaux[0]
    assert "488–5.7k for Aerospace Vehicles and Defense" in bordeaux[0]
    rouen = cards.beyond(region)
    assert len(rouen) == 1 and rouen[0].startswith("City data (Métropole Rouen Normandie, URSSAF 2022)")
    assert "Insurance Services" in rouen[0] and "Non-life insurance 5.0k" in rouen[0]
    assert cards.beyond(Study(year=2014).at("porto")) == ()
    card = cards.card_data(region, with_competences=False)
    assert card.beyond == rouen
    fig = cards.draw(card)
    notes = [t.get_text() for t in fig.texts if t.get_text().startswith("LQ: specialisation")][0]
    assert "City data" in notes and len(notes.splitlines()) <= 7
