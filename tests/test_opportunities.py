"""Opportunity frame and the principle of relatedness (s3lib.measures.opportunities), incl. the real snapshot."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures import opportunities as op
from s3lib.measures import relatedness as rel
from s3lib.measures import specialisation as sp


@pytest.fixture
def toy():
    rng = np.random.default_rng(7)
    values = (rng.random((20, 12)) < 0.4).astype(float)
    m = pd.DataFrame(values, index=[f"R{k:02d}" for k in range(20)], columns=[f"C{k:02d}" for k in range(12)])
    m.iloc[0, 0] = np.nan  # a missing cell is never a candidate
    pci = pd.Series(np.linspace(-1, 1, 12), index=m.columns)
    return m, rel.proximity(m), pci


def test_candidates_are_absent_industries_split_at_stated_medians(toy):
    m, phi, pci = toy
    result = op.candidates(m, phi, pci, "R00")
    c = result.table
    absent = m.columns[m.loc["R00"] == 0]
    assert set(c.index) == set(absent)
    assert "C00" not in c.index
    pd.testing.assert_series_equal(c["density"], rel.density(m, phi).loc["R00", c.index], check_names=False)
    d_med, p_med = result.params["density_median"], result.params["benefit_median"]
    assert result.params["medians"] == "own" and not c.attrs  # nothing travels in DataFrame.attrs
    assert d_med == pytest.approx(c["density"].median()) and p_med == pytest.approx(c["benefit"].median())
    ideal = c["quadrant"] == "low risk, high benefit"
    assert ((c.loc[ideal, "density"] > d_med) & (c.loc[ideal, "benefit"] > p_med)).all()   # high = above the median
    worst = c["quadrant"] == "high risk, low benefit"
    assert ((c.loc[worst, "density"] <= d_med) & (c.loc[worst, "benefit"] <= p_med)).all()
    assert set(c["quadrant"]) <= set(op.QUADRANTS.values())
    with pytest.raises(UnknownChoiceError, match="unknown region"):
        op.candidates(m, phi, pci, "R99")


def test_principle_counts_add_up(toy):
    m0, phi, _ = toy
    rng = np.random.default_rng(8)
    m1 = m0.where(rng.random(m0.shape) < 0.8, 1.0 - m0)  # flip 20 % of the cells
    d0 = rel.density(m0, phi)
    rates = op.entry_rates(m0, m1, d0, bins=4)
    table = rates.table
    at_risk = (m0 == 0) & m1.notna()
    assert table["at_risk"].sum() == at_risk.to_numpy().sum() == rates.params["at_risk"]
    assert table["entries"].sum() == ((m0 == 0) & (m1 == 1)).to_numpy().sum() == rates.params["entries"]
    np.testing.assert_allclose(table["entry_rate"], table["entries"] / table["at_risk"])
    assert len(table) <= 4 and table["density_min"].is_monotonic_increasing
    assert rates.params["rising"] == bool((np.diff(table["entry_rate"]) > 0).all())
    with pytest.raises(UsageError):
        op.entry_rates(m0, m1, d0, bins=1)


# --- real snapshot: all NUTS2 regions x NACE divisions (committed data/, no raw files needed) ---------

CASE_REGIONS = ["DE71", "FRI1", "ES21", "ITC1", "RO32", "PT11"]
MIN_COVERAGE = 0.5


@pytest.fixture(scope="module")
def snapshot():
    from s3lib import data

    x10 = data.matrix(data.employment(level=2, year=2010))  # earliest year with France
    x14 = data.matrix(data.employment(level=2, year=2014))  # best cross-section
    both = sp.covered_regions(x10, x14, min_coverage=MIN_COVERAGE, keep=CASE_REGIONS)
    single = sp.covered_regions(x14, min_coverage=MIN_COVERAGE, keep=CASE_REGIONS)
    assert both.notes == single.notes == ()  # no case region below the threshold
    regions, cross_section = both.table.index, single.table.index
    m10 = sp.presence(sp.location_quotient(x10.loc[regions]))
    m14 = sp.presence(sp.location_quotient(x14.loc[regions]))
    return regions, m10, m14, x14.loc[cross_section]


def test_real_density_all_regions_2014(snapshot):
    *_, x14 = snapshot
    regions = x14.index
    assert set(CASE_REGIONS) <= set(regions)
    m14 = sp.presence(sp.location_quotient(x14))
    rd = rel.density(m14, rel.proximity(m14))
    assert rd.shape == (len(regions), 68)
    assert rd.notna().all().all()
    assert ((rd >= 0) & (rd <= 1)).all().all()


def test_real_principle_of_relatedness_2010_2014(snapshot):
    _, m10, m14, _ = snapshot
    d10 = rel.density(m10, rel.proximity(m10))
    table = op.entry_rates(m10, m14, d10, bins=5).table
    at_risk = ((m10 == 0) & m14.notna()).to_numpy().sum()
    entries = ((m10 == 0) & (m14 == 1)).to_numpy().sum()
    assert len(table) == 5
    assert table["at_risk"].sum() == at_risk and table["entries"].sum() == entries
    assert table["at_risk"].max() - table["at_risk"].min() <= 1  # quintiles of distinct densities
    np.testing.assert_allclose(table["entry_rate"], table["entries"] / table["at_risk"])
    entries_by_transition = (sp.transitions(m10, m14) == "entry").to_numpy().sum()
    assert entries == entries_by_transition
