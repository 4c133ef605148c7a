"""The place view (s3lib.study.view) on the committed snapshot: every headline number equals a direct recomputation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib import data
from s3lib.analyses import sectors
from s3lib.errors import UsageError
from s3lib.measures import links
from s3lib.measures.complexity import eci_pci
from s3lib.measures.specialisation import (
    herfindahl,
    krugman,
    location_quotient,
    presence,
)
from s3lib.measures.variety import decompose
from s3lib.study import Study, schemes, spaces, view

SIX = ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"]


@pytest.fixture(scope="module")
def eu():
    """All EU NUTS2 regions x divisions, 2014, rebuilt here from the tidy table (no ZZ, no empty rows),
    confidential cells filled with the estimator's values (tested on its own in test_issue11_rules)."""
    x = data.matrix(data.employment(level=2, year=2014, nace_level="division"))
    x = x.loc[~x.index.str.endswith("ZZ")].dropna(how="all")
    return x.fillna(spaces.sbs_estimates(2, 2014))


@pytest.fixture(scope="module")
def frankfurt():
    return Study(year=2014).at("frankfurt")


@pytest.fixture(scope="module")
def six():
    return Study(year=2014).table(SIX)


def test_identity_and_level(frankfurt):
    s = frankfurt.summary
    assert (s.code, s.region, s.year, s.scheme) == ("DE712", "DE71", 2014, "uscmp")
    assert frankfurt.place.nuts1 == "DE7" and s.region_name == "Darmstadt"
    assert "NUTS2" in frankfurt.notes[0] and "DE71" in frankfurt.notes[0]
    assert not any("No NUTS3 breakdown" in n for n in frankfurt.caveats)  # Frankfurt has broad sectors


def test_structure_equals_recomputation(frankfurt, eu):
    s = frankfurt.summary
    assert s.employment == pytest.approx(eu.loc["DE71"].sum())
    assert s.coverage == pytest.approx(Study(year=2014).observed.loc["DE71"].notna().sum() / 68)
    assert s.krugman == pytest.approx(krugman(eu).loc["DE71", "coefficient"])
    assert s.herfindahl == pytest.approx(herfindahl(eu).loc["DE71"])
    v = decompose(eu)
    published = Study(year=2014).observed
    sample = published.index[published.notna().mean(axis=1) >= 0.5]  # percentiles and ECI: well-covered regions
    for k in ("variety", "related", "unrelated"):
        assert getattr(s, k) == pytest.approx(v.loc["DE71", k])
        assert getattr(s, f"{k}_pct") == pytest.approx(100 * (v.loc[sample, k] <= v.loc["DE71", k]).mean())
    assert s.variety == pytest.approx(s.related + s.unrelated)
    gdp = data.gdp(unit="PPS_EU27_2020_HAB", level=2, year=2014).set_index("region")["value"]
    traded = Study(year=2014).traded.reindex(eu.columns).fillna(False).astype(bool).to_numpy()
    m = presence(location_quotient(eu)).loc[sample, traded]  # complexity on the traded divisions
    eci, _ = eci_pci(m, orient=np.log(gdp.reindex(sample)))
    assert s.eci == pytest.approx(eci["DE71"])
    assert s.eci_rank == 1 + int((eci > eci["DE71"]).sum())
    assert s.n_regions == eci.notna().sum() == len(sample)
    # oriented by income: the ECI correlates positively with GDP per head
    assert np.corrcoef(eci.reindex(gdp.index).dropna(), np.log(gdp.reindex(eci.dropna().index).dropna()))[0, 1] > 0
    # the benefit rank shown as advice is on the axis the validity gate chose, over the same sample
    axis = Study(year=2014).benefit
    assert s.benefit_axis == axis.label and s.benefit_index == pytest.approx(axis.region["DE71"])
    assert s.benefit_rank == 1 + int((axis.region > axis.region["DE71"]).sum())


def test_clusters_equal_portfolio(frankfurt):
    s, pf = frankfurt.summary, frankfurt.portfolio
    table = Study(year=2014).portfolios.xs("DE71", level="region")
    assert set(pf["cluster"]) == set(table.index[table["employment"].notna()])
    top = frankfurt.clusters
    assert list(top.columns) == view.CLUSTER_COLUMNS and len(top) == view.TOP_CLUSTERS
    eligible = ~top["partial"] & top["cluster"].map(pf.set_index("cluster")["share"]).ge(view.LEADING_MIN_SHARE)
    assert list(eligible) == sorted(eligible, reverse=True)  # clusters eligible to lead come first
    for group in (top[eligible], top[~eligible]):
        assert list(group["stars"]) == sorted(group["stars"], reverse=True)
    assert s.n_clusters == len(pf)
    assert s.n_starred == int((pf["stars"] >= 2).sum()) and s.n_strong == int(pf["strong"].sum())
    lead = pf.set_index("cluster").loc[s.leading_cluster]
    assert not lead["partial"] and lead["share"] >= view.LEADING_MIN_SHARE
    eligible = pf[~pf["partial"] & (pf["share"] >= view.LEADING_MIN_SHARE)]
    assert lead["stars"] == eligible["stars"].max()
    assert s.leading_lq == pytest.approx(lead["lq"])


def test_specialisations_are_division_lqs(frankfurt, eu):
    spec = frankfurt.specialisations
    lq = location_quotient(eu).loc["DE71"]
    assert (spec["employment"] >= view.MIN_EMPLOYMENT).all()
    assert list(spec["lq"]) == sorted(spec["lq"], reverse=True)
    np.testing.assert_allclose(spec["lq"], lq[spec["nace"]].to_numpy())
    assert spec["name"].notna().all()


def test_links_equal_library(frankfurt):
    study = Study(year=2014)
    pairs = links.link_pairs(frankfurt.portfolio, study.channels, overlap=study.cluster_overlap)
    pd.testing.assert_frame_equal(frankfurt.cooperation.table, pairs.table)
    assert frankfurt.cooperation.params == pairs.params
    bridge = links.bridging(links.uscmp_network(schemes.related_pairs()))
    present = frankfurt.portfolio.query("lq >= 1 or stars >= 1")["cluster"]
    expected = bridge[bridge["cluster"].isin(present)]["cluster"].tolist()
    assert frankfurt.bridging["cluster"].tolist() == expected
    assert frankfurt.summary.top_bridging == expected[0]


def test_six_places_table(six, frankfurt):
    assert list(six.index) == SIX and list(six.columns) == view.Summary.columns()
    assert list(six["region"]) == ["DE71", "FRI1", "ES21", "ITC1", "RO32", "PT11"]
    assert (six["eci_rank"] >= 1).all() and (six["eci_rank"] <= six["n_regions"]).all()
    np.testing.assert_allclose(six["variety"], six["related"] + six["unrelated"])
    assert six["leading_cluster"].notna().all()
    row = six.loc["frankfurt"]
    for k in ("employment", "krugman", "eci", "leading_cluster", "n_strong"):
        assert row[k] == getattr(frankfurt.summary, k)


def test_bordeaux_gaps_are_stated():
    v = Study(year=2014).at("bordeaux")
    notes = " ".join(v.caveats)
    assert "No NUTS3 breakdown for FRI12" in notes and "aerospace" in notes
    assert v.notes[-len(v.caveats):] == v.caveats


def test_views_are_cached(frankfurt):
    assert Study(year=2014).at("DE712") is frankfurt
    assert Study(year=2014).at(frankfurt.place) is frankfurt


def test_bad_place_is_a_usage_error():
    with pytest.raises(UsageError, match="did you mean"):
        Study(year=2014).at("frankfurtt")
    with pytest.raises(UsageError, match="NUTS1 region"):
        Study(year=2014).at("DE7")


def test_cluster_lq_matches_the_portfolio(frankfurt):
    pf = frankfurt.portfolio.set_index("cluster")
    lq = Study(year=2014).cluster_lq.loc["DE71"]
    np.testing.assert_allclose(lq[pf.index].to_numpy(), pf["lq"].to_numpy())
    assert Study(year=2014).structure.loc["DE71", "eci"] == frankfurt.summary.eci


def test_sector_shares_levels_and_fallback():
    f = Study(year=2014).at("frankfurt").sectors()
    assert f.params["source"] == "nama"
    assert f.params["regions"] == {"DE712": "NUTS3", "DE71": "NUTS2", "DE7": "NUTS1", "DE": "country"}
    fine, coarse = sectors.panels(f)
    assert "K" in fine.index and "DE712" not in fine.columns  # the city has only the coarse sectors
    assert list(coarse.columns) == ["DE712", "DE71", "DE7", "DE"] and "K-N" in coarse.index
    x = data.matrix(data.broad_sectors(year=2014, countries=["DE"]))
    assert coarse.loc["K-N", "DE712"] == pytest.approx(x.loc["DE712", "K-N"] / x.loc["DE712", "TOTAL"])
    b = Study(year=2014).at("bordeaux").sectors()
    assert b.params["source"] == "sbs" and list(b.params["regions"]) == ["FRI1", "FR"]
    np.testing.assert_allclose(sectors.panels(b)[0].sum(axis=0), 1.0)
    assert any("FRI12 (NUTS3)" in n for n in b.notes)
