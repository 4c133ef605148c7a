"""s3lib.profile on the committed snapshot: every headline number equals a direct library recomputation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib import clusters, data, links, profile
from s3lib.complexity import eci_pci
from s3lib.errors import UsageError
from s3lib.specialisation import herfindahl, krugman, location_quotient, presence
from s3lib.variety import decompose

SIX = ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"]


@pytest.fixture(scope="module")
def eu():
    """All EU NUTS2 regions x divisions, 2014, rebuilt here from the tidy table (no ZZ, no empty rows)."""
    x = data.matrix(data.employment(level=2, year=2014, nace_level="division"))
    return x.loc[~x.index.str.endswith("ZZ")].dropna(how="all")


@pytest.fixture(scope="module")
def frankfurt():
    return profile.summary("frankfurt", 2014)


@pytest.fixture(scope="module")
def six():
    return profile.table(SIX, 2014)


def test_identity_and_level(frankfurt):
    s = frankfurt
    assert (s["code"], s["nuts2"], s["nuts1"], s["year"], s["scheme"]) == ("DE712", "DE71", "DE7", 2014, "uscmp")
    assert s["nuts2_name"] == "Darmstadt" and s["has_nuts3"]
    assert "NUTS2" in s["level_notes"][0] and "DE71" in s["level_notes"][0]


def test_structure_equals_recomputation(frankfurt, eu):
    s = frankfurt
    assert s["employment"] == pytest.approx(eu.loc["DE71"].sum())
    assert s["division_coverage"] == pytest.approx(eu.loc["DE71"].notna().sum() / 68)
    assert s["krugman"] == pytest.approx(krugman(eu).loc["DE71", "coefficient"])
    assert s["herfindahl"] == pytest.approx(herfindahl(eu).loc["DE71"])
    v = decompose(eu)
    sample = eu.index[eu.notna().mean(axis=1) >= 0.5]  # percentiles and ECI: well-covered regions
    for k in ("variety", "related", "unrelated"):
        assert s[k] == pytest.approx(v.loc["DE71", k])
        assert s[f"{k}_pct"] == pytest.approx(100 * (v.loc[sample, k] <= v.loc["DE71", k]).mean())
    assert s["variety"] == pytest.approx(s["related"] + s["unrelated"])
    gdp = data.gdp(unit="PPS_EU27_2020_HAB", level=2, year=2014).set_index("region")["value"]
    m = presence(location_quotient(eu)).loc[sample]
    eci, _ = eci_pci(m, orient=np.log(gdp.reindex(sample)))
    assert s["eci"] == pytest.approx(eci["DE71"])
    assert s["eci_rank"] == 1 + int((eci > eci["DE71"]).sum())
    assert s["n_regions"] == eci.notna().sum() == len(sample)
    # oriented by income: the ECI correlates positively with GDP per head
    assert np.corrcoef(eci.reindex(gdp.index).dropna(), np.log(gdp.reindex(eci.dropna().index).dropna()))[0, 1] > 0


def test_clusters_equal_portfolio(frankfurt):
    s = frankfurt
    pf = clusters.portfolio("frankfurt", 2014, "uscmp")
    pd.testing.assert_frame_equal(s["portfolio"], pf)
    top = s["clusters"]
    assert list(top.columns) == profile.CLUSTER_COLUMNS and len(top) == profile.TOP_CLUSTERS
    eligible = ~top["partial"] & top["cluster"].map(pf.set_index("cluster")["share"]).ge(profile.LEADING_MIN_SHARE)
    assert list(eligible) == sorted(eligible, reverse=True)  # clusters eligible to lead come first
    for group in (top[eligible], top[~eligible]):
        assert list(group["stars"]) == sorted(group["stars"], reverse=True)
    assert s["n_clusters"] == len(pf)
    assert s["n_starred"] == int((pf["stars"] >= 2).sum()) and s["n_strong"] == int(pf["strong"].sum())
    lead = pf.set_index("cluster").loc[s["leading_cluster"]]
    assert not lead["partial"] and lead["share"] >= profile.LEADING_MIN_SHARE
    eligible = pf[~pf["partial"] & (pf["share"] >= profile.LEADING_MIN_SHARE)]
    assert lead["stars"] == eligible["stars"].max()
    assert s["leading_lq"] == pytest.approx(lead["lq"])


def test_specialisations_are_division_lqs(frankfurt, eu):
    spec = frankfurt["specialisations"]
    lq = location_quotient(eu).loc["DE71"]
    assert (spec["employment"] >= profile.MIN_EMPLOYMENT).all()
    assert list(spec["lq"]) == sorted(spec["lq"], reverse=True)
    np.testing.assert_allclose(spec["lq"], lq[spec["nace"]].to_numpy())
    assert spec["name"].notna().all()


def test_links_equal_library(frankfurt):
    s = frankfurt
    cands = links.cooperation_candidates("frankfurt", 2014, "uscmp")
    pd.testing.assert_frame_equal(s["candidates"], cands.head(profile.TOP_CANDIDATES))
    bridge = links.bridging(links.cluster_network("uscmp"))
    present = s["portfolio"].query("lq >= 1 or stars >= 1")["cluster"]
    expected = bridge[bridge["cluster"].isin(present)].head(profile.TOP_BRIDGING)["cluster"].tolist()
    assert s["bridging"]["cluster"].tolist() == expected


def test_six_places_table(six, frankfurt):
    assert list(six.index) == SIX and list(six.columns) == profile.SCALARS
    assert list(six["nuts2"]) == ["DE71", "FRI1", "ES21", "ITC1", "RO32", "PT11"]
    assert (six["eci_rank"] >= 1).all() and (six["eci_rank"] <= six["n_regions"]).all()
    np.testing.assert_allclose(six["variety"], six["related"] + six["unrelated"])
    assert six["leading_cluster"].notna().all()
    row = six.loc["frankfurt"]
    for k in ("employment", "krugman", "eci", "leading_cluster", "n_strong"):
        assert row[k] == frankfurt[k]


def test_bordeaux_gaps_are_stated():  # and summary() without the candidates
    s = profile.summary("bordeaux", 2014, candidates=False)
    assert not s["has_nuts3"] and "candidates" not in s
    notes = " ".join(s["level_notes"])
    assert "No NUTS3 breakdown for FRI12" in notes and "aerospace" in notes


def test_eu_pieces_are_cached():
    assert profile._eu(2014, "uscmp") is profile._eu(2014, "uscmp")


def test_bad_place_is_a_usage_error():
    with pytest.raises(UsageError, match="did you mean"):
        profile.summary("frankfurtt")
    with pytest.raises(UsageError, match="NUTS2 or NUTS3"):
        profile.summary("DE7")


def test_eu_cluster_lq_and_cached_portfolio(frankfurt):
    pf = frankfurt["portfolio"].set_index("cluster")
    lq = profile.eu_cluster_lq(2014, "uscmp").loc["DE71"]
    np.testing.assert_allclose(lq[pf.index].to_numpy(), pf["lq"].to_numpy())
    pd.testing.assert_frame_equal(profile.portfolio("DE712", 2014, "uscmp"), frankfurt["portfolio"])
    indices = profile.eu_indices(2014)
    assert indices.loc["DE71", "eci"] == frankfurt["eci"]


def test_sector_shares_levels_and_fallback():
    f = profile.sector_shares("frankfurt", 2014)
    assert f["source"] == "nama" and f["regions"] == {"DE712": "NUTS3", "DE71": "NUTS2", "DE7": "NUTS1", "DE": "country"}
    fine, coarse = f["panels"]
    assert "K" in fine.index and "DE712" not in fine.columns  # the city has only the coarse sectors
    assert list(coarse.columns) == ["DE712", "DE71", "DE7", "DE"] and "K-N" in coarse.index
    x = data.matrix(data.broad_sectors(year=2014, countries=["DE"]))
    assert coarse.loc["K-N", "DE712"] == pytest.approx(x.loc["DE712", "K-N"] / x.loc["DE712", "TOTAL"])
    b = profile.sector_shares("bordeaux", 2014)
    assert b["source"] == "sbs" and list(b["regions"]) == ["FRI1", "FR"]
    np.testing.assert_allclose(b["panels"][0].sum(axis=0), 1.0)
    assert any("FRI12 (NUTS3)" in n for n in b["notes"])
