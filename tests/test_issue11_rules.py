"""The rules of issue 11 on synthetic data (properties) and on the snapshot (pinned cases).

Confidential cells estimated from their parents; clusters with apportioning bounds; strong
clusters unknown where local units are not published; traded-only opportunities split at the
sample's medians; cooperation pairs of real size.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3lib.measures.clusters import ClusterScheme, cluster_bounds, strong_clusters
from s3lib.measures.estimation import share_residuals
from s3lib.study import Study


# ----------------------------------------------------------------------------- estimation: properties
@st.composite
def families(draw):
    """A parent with 2-6 children x 1-4 activities; some children missing; weights random."""
    n, k = draw(st.integers(2, 6)), draw(st.integers(1, 4))
    values = draw(st.lists(st.floats(0, 1e5), min_size=n * k, max_size=n * k))
    hidden = draw(st.lists(st.booleans(), min_size=n * k, max_size=n * k))
    weights = draw(st.lists(st.floats(0, 1e4), min_size=n * k, max_size=n * k))
    below = draw(st.floats(-1e4, 0))  # < 0: an inconsistent parent below its observed children
    kids = [f"X{i}" for i in range(n)]
    cols = [f"a{j}" for j in range(k)]
    full = pd.DataFrame(np.array(values).reshape(n, k), index=kids, columns=cols)
    children = full.mask(np.array(hidden).reshape(n, k))
    parent = pd.DataFrame([full.sum()], index=["X"])  # the true total
    if below < 0:
        parent = pd.DataFrame([children.sum() + below], index=["X"])
    w = pd.DataFrame(np.array(weights).reshape(n, k), index=kids, columns=cols)
    return children, parent, pd.Series("X", index=kids), w


@given(families())
def test_estimates_are_never_negative_never_exceed_the_residual_and_complete_the_parent(family):
    children, parent, parent_of, weights = family
    est = share_residuals(children, parent, parent_of, weights)
    residual = parent.loc["X"] - children.sum()
    assert (est.fillna(0) >= 0).all().all()
    readable = residual >= 0  # a negative residual (children above the parent) is never turned into zeros
    assert (est.loc[:, readable].notna() == children.loc[:, readable].isna()).all().all()  # exactly the missing
    assert est.loc[:, ~readable].isna().all().all()
    assert (est.sum() <= residual.clip(lower=0) + 1e-6 * (1 + residual.abs())).all()
    completed = children.fillna(est).sum()
    for col in children.columns:
        if children[col].isna().any() and residual[col] > 0:
            assert completed[col] == pytest.approx(parent.loc["X", col], rel=1e-9, abs=1e-6)


def test_unknown_parent_leaves_children_missing():
    children = pd.DataFrame({"a": [np.nan, 1.0]}, index=["X1", "X2"])
    est = share_residuals(children, pd.DataFrame({"a": [np.nan]}, index=["X"]), pd.Series("X", index=children.index))
    assert est.isna().all().all()


# ----------------------------------------------------------------------------- estimation: the snapshot
@pytest.fixture(scope="module")
def s14():
    return Study(year=2014)


def test_darmstadt_air_transport_and_warehousing_are_estimated_and_flagged(s14):
    assert s14.observed.loc["DE71", ["H51", "H52"]].isna().all()
    assert s14.estimated.loc["DE71", ["H51", "H52"]].all()
    h51, h52 = s14.counts.loc["DE71", ["H51", "H52"]]
    # Hessen (DE7) publishes H51 = 11,462 and H52 = 118,984; Kassel (DE73) 16 and 12,817
    assert h51 + s14.counts.loc["DE72", "H51"] + 16 == pytest.approx(11462)
    assert h52 + s14.counts.loc["DE72", "H52"] + 12817 == pytest.approx(118984)
    assert h51 > 10_000 and h52 > 100_000  # Frankfurt airport: most of Hessen's air transport
    view = s14.at("frankfurt")
    assert view.summary.n_estimated >= 2
    assert any("estimated" in n and "H51" in n for n in view.notes)


def test_estimation_can_be_switched_off():
    off = Study(year=2014, estimate=False)
    assert off.counts.loc["DE71", ["H51", "H52"]].isna().all()
    assert not off.estimated.any().any()


# ----------------------------------------------------------------------------- bounds
def test_bounds_on_a_hand_example():
    s = ClusterScheme("d", pd.DataFrame({"nace": ["A", "B", "B"], "cluster": ["K", "K", "L"],
                                         "weight": [1.0, 0.25, 0.75]}))
    b = cluster_bounds(pd.DataFrame({"A": [10.0], "B": [40.0]}, index=["r"]), s)
    assert b["lower"].loc["r"].tolist() == [20.0, 30.0]
    assert b["upper"].loc["r"].tolist() == [50.0, 40.0]
    assert b["apportioned"].loc["r"].tolist() == [0.5, 1.0]


def test_bordeaux_aerospace_is_reported_with_bounds_and_flagged(s14):
    pf = s14.at("bordeaux").portfolio.set_index("cluster")
    aero = pf.loc["Aerospace Vehicles and Defense"]
    c30 = s14.counts.loc["FRI1", "C30"]
    assert aero["lower"] <= aero["employment"] + 1e-9 <= aero["upper"]
    assert aero["upper"] >= c30                 # the whole of C30 counts in the upper bound
    assert aero["rests_on_apportioning"]
    assert aero["apportioned"] > 0.5


# ----------------------------------------------------------------------------- unknown is not false
def test_strong_is_unknown_for_a_region_without_establishments():
    emp = pd.DataFrame({"K": [1.0, 2, 3, 40], "L": [10.0, 10, 10, 10]}, index=list("abcd"))
    est = emp.copy()
    est.loc["d"] = np.nan
    out = strong_clusters(emp, est)
    assert out.loc["d"].isna().all() and not out.loc["a"].isna().any()


@pytest.mark.parametrize("place", ["bordeaux", "turin", "bucharest"])
def test_2015_strong_clusters_are_unknown_not_zero(place):
    view = Study(year=2015).at(place)
    assert view.summary.n_strong is None
    assert view.portfolio["strong"].isna().all()
    assert any("unknown" in n for n in view.notes)


def test_2015_strong_clusters_are_counted_where_local_units_exist():
    assert Study(year=2015).at("frankfurt").summary.n_strong > 0


# ----------------------------------------------------------------------------- opportunities
def test_traded_rule_pins_local_services(s14):
    traded = s14.traded
    for code in ("G47", "I56", "L68", "N80", "N81", "S95"):
        assert not traded[code], code
    for code in ("I55", "C21", "C30", "C26", "C29", "M72"):
        assert traded[code], code


def test_no_local_service_is_an_opportunity_anywhere(s14):
    local = set(s14.traded.index[~s14.traded])
    for region in s14.sample:
        assert not local & set(s14.candidates(region).table.index), region
    assert s14.pci.index.isin(s14.traded.index[s14.traded]).all()


def test_quadrants_split_at_the_sample_medians(s14):
    a, b = s14.candidates("DE71"), s14.candidates("ITC1")
    assert a.params["density_median"] == b.params["density_median"] == s14.medians["density"]
    assert a.params["benefit_median"] == b.params["benefit_median"] == s14.medians["benefit"]
    high = a.table[a.table["quadrant"] == "low risk, high benefit"]
    assert len(high)
    assert (high["density"] >= s14.medians["density"]).all() and (high["benefit"] >= s14.medians["benefit"]).all()


def test_local_services_are_listed_apart(s14):
    local = s14.local_services("ITC1")
    assert "G47" in set(local["activity"]) and "I55" not in set(local["activity"])


def test_validity_table_reports_every_axis_and_the_marker_ranks(s14):
    v = s14.validity()
    assert list(v.index) == ["eci", "fitness", "eci_core", "wage"]
    assert v["corr_gdp"].notna().all() and v["chosen"].sum() == 1
    assert {"rank_C21", "rank_N79", "rank_I55"} <= set(v.columns)


# ----------------------------------------------------------------------------- cooperation
def test_cooperation_pairs_need_real_clusters(s14):
    for place in ("bordeaux", "frankfurt", "turin"):
        view = s14.at(place)
        coop = view.cooperation.table
        assert len(coop)
        pf = view.portfolio.set_index("cluster")
        for a, b in zip(coop["cluster_a"], coop["cluster_b"]):
            for c in (a, b):
                size = pf.loc[c, "upper"] if pf.loc[c, "rests_on_apportioning"] else pf.loc[c, "employment"]
                assert size >= 1000 and pf.loc[c, "lq"] >= 1 and not pf.loc[c, "partial"]
        assert {"co-location", "value chain", "occupations", "channels", "reason"} <= set(coop.columns)


def test_unobserved_clusters_name_what_the_statistics_cannot_see(s14):
    un = s14.at("frankfurt").unobserved.set_index("cluster")
    assert un.loc["Financial Services", "outside"] > 0.9
    assert "Insurance Services" in un.index


# ----------------------------------------------------------------------------- year default per place
def test_default_year_is_the_latest_with_local_units_and_says_so():
    from s3lib.study import default_year

    assert default_year("bordeaux")[0] == 2014 and "2015 lacks local units" in default_year("bordeaux")[1]
    assert default_year("turin")[0] == default_year("bucharest")[0] == 2014
    assert default_year("frankfurt")[0] == 2015


def test_card_names_carry_the_year_when_it_is_not_the_places_default():
    from s3lib.outputs.cards import card_name

    assert card_name("frankfurt", 2015, default_year=2015) == "frankfurt"
    assert card_name("frankfurt", 2014, default_year=2015) == "frankfurt-2014"
    assert card_name("bordeaux", 2015, default_year=2014) == "bordeaux-2015"
