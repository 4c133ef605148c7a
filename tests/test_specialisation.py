"""Location quotients, structure indices and transitions (s3lib.specialisation)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from s3lib.errors import UsageError
from s3lib.measures import specialisation as sp


def frame(values, regions=None, industries=None):
    values = np.asarray(values, dtype=float)
    regions = regions or [f"R{k}" for k in range(values.shape[0])]
    industries = industries or [f"C{k:02d}" for k in range(values.shape[1])]
    return pd.DataFrame(values, index=regions, columns=industries)


counts = arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(2, 8)),
                elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e5)))


@settings(max_examples=60, deadline=None)
@given(counts, st.data())
def test_lq_against_the_region_itself_is_one(values, data):
    x = frame(values)
    r = data.draw(st.sampled_from(list(x.index)))
    lq = sp.location_quotient(x, reference=x.loc[r])
    positive = x.loc[r] > 0
    np.testing.assert_allclose(lq.loc[r][positive], 1.0, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(counts)
def test_lq_textbook_formula_and_weighted_mean(values):
    x = frame(values)
    lq = sp.location_quotient(x)
    expected = (x.div(x.sum(axis=1), axis=0)) / (x.sum(axis=0) / x.to_numpy().sum())
    valid = (x.sum(axis=1) > 0).to_numpy()[:, None] & (x.sum(axis=0) > 0).to_numpy()[None, :]
    np.testing.assert_allclose(lq.to_numpy()[valid], expected.to_numpy()[valid], rtol=1e-10)
    # employment-weighted mean LQ over regions is 1 for every industry
    w = x.sum(axis=1)
    ok = x.sum(axis=0) > 0
    if w.sum() > 0:
        np.testing.assert_allclose((lq[ok.index[ok]].mul(w, axis=0).sum() / w.sum()), 1.0, rtol=1e-9)


def test_reference_options():
    x = frame([[10, 30], [20, 20], [50, 10]], regions=["DE71", "DE72", "FRI1"], industries=["C10", "C20"])
    germany = sp.location_quotient(x, reference="DE")
    assert germany.loc["DE71", "C10"] == pytest.approx((10 / 40) / (30 / 80))
    as_frame = sp.location_quotient(x, reference=x.loc[["DE71", "DE72"]])
    pd.testing.assert_frame_equal(germany, as_frame)
    as_series = sp.location_quotient(x, reference=pd.Series({"C10": 30.0, "C20": 50.0}))
    pd.testing.assert_frame_equal(germany, as_series)
    own_row = sp.location_quotient(x, reference="FRI1")  # a row label: that row only
    assert own_row.loc["FRI1"].tolist() == [1.0, 1.0]
    with pytest.raises(UsageError, match="no region code starts with 'XX'"):
        sp.location_quotient(x, reference="XX")
    with pytest.raises(UsageError):
        sp.location_quotient(x, reference=3)


def test_missing_cells_are_not_zero():
    x = frame([[10, 30, np.nan], [20, 20, 40], [50, 10, 40]])
    lq = sp.location_quotient(x)
    assert np.isnan(lq.iloc[0, 2])
    # row 0 is compared with the reference over its two observed industries only
    ref = x.sum(axis=0)
    expected = (10 / 40) / (ref.iloc[0] / (ref.iloc[0] + ref.iloc[1]))
    assert lq.iloc[0, 0] == pytest.approx(expected)
    filled = sp.location_quotient(x, fill=0)
    assert filled.iloc[0, 2] == 0.0
    assert filled.iloc[0, 0] != pytest.approx(expected)


def test_presence_threshold_is_inclusive_without_rounding():
    lq = frame([[1.0, 0.996, np.nan, 2.5]])
    assert sp.presence(lq).iloc[0, :2].tolist() == [1.0, 0.0]
    assert np.isnan(sp.presence(lq).iloc[0, 2])
    assert sp.presence(lq, threshold=2.0).iloc[0].tolist()[3] == 1.0


@settings(max_examples=40, deadline=None)
@given(counts)
def test_structure_indices_bounds(values):
    x = frame(values)
    nonzero = x.sum(axis=1) > 0
    k = sp.krugman(x)[nonzero]
    assert ((k["krugman"] >= -1e-12) & (k["krugman"] <= 2 + 1e-12)).all()
    np.testing.assert_allclose(k["coefficient"], k["krugman"] / 2)
    h = sp.herfindahl(x)[nonzero]
    assert ((h >= 1 / x.shape[1] - 1e-12) & (h <= 1 + 1e-12)).all()
    e = sp.entropy(x)[nonzero]
    assert ((e >= -1e-12) & (e <= np.log2(x.shape[1]) + 1e-12)).all()
    hi = sp.hachman(x)[nonzero]
    assert ((hi > 0) & (hi <= 1 + 1e-9)).all()  # 1 / sum s*LQ <= 1 by Cauchy-Schwarz


def test_structure_indices_known_values():
    x = frame([[1, 1, 1, 1], [4, 0, 0, 0]])
    assert sp.herfindahl(x).tolist() == [0.25, 1.0]
    assert sp.entropy(x).tolist() == [2.0, 0.0]
    # reference shares (5, 1, 1, 1) / 8: K = |1/4 - 5/8| + 3 |1/4 - 1/8| = 3/4
    assert sp.krugman(x).loc["R0", "krugman"] == pytest.approx(0.75)
    assert sp.hachman(x, reference=x.loc["R0"]).loc["R0"] == pytest.approx(1.0)


def test_growth_and_transitions():
    x0 = frame([[100, 0, np.nan]])
    x1 = frame([[121, 5, 7]])
    g = sp.growth(x0, x1, years=2)
    assert g.iloc[0, 0] == pytest.approx(0.1)
    assert np.isnan(g.iloc[0, 1]) and np.isnan(g.iloc[0, 2])
    m0 = frame([[0, 1, 1, 0, np.nan]])
    m1 = frame([[1, 0, 1, 0, 1]])
    t = sp.transitions(m0, m1)
    assert t.iloc[0, :4].tolist() == ["entry", "exit", "stay", "absent"]
    assert pd.isna(t.iloc[0, 4])
    assert (t == "entry").sum(axis=1).tolist() == [1]


def test_bad_input():
    with pytest.raises(UsageError):
        sp.location_quotient(np.ones((2, 2)))
    with pytest.raises(UsageError, match="negative"):
        sp.location_quotient(frame([[1, -1]]))


def test_covered_regions_keeps_case_regions_loudly():
    x0 = frame([[1, np.nan, np.nan], [1, 1, 1], [np.nan, np.nan, 1]], regions=["A1", "B1", "C1"])
    x1 = frame([[1, 1, 1], [1, 1, np.nan], [1, 1, 1]], regions=["A1", "B1", "C1"])
    assert sp.coverage(x0).round(3).tolist() == [0.333, 1.0, 0.333]
    plain = sp.covered_regions(x0, x1, min_coverage=0.6)
    assert plain.table.index.tolist() == ["B1"] and plain.notes == ()
    kept = sp.covered_regions(x0, x1, min_coverage=0.6, keep=["C1"])
    assert kept.table.index.tolist() == ["B1", "C1"] and kept.table["below"].tolist() == [False, True]
    assert kept.notes == ("case regions below 60% coverage, kept anyway: C1",)  # said, not warned
    assert "missing from the data, NOT kept: Z9" in sp.covered_regions(x0, keep=["Z9"]).notes[0]
    with pytest.raises(UsageError, match="min_coverage"):
        sp.covered_regions(x0, min_coverage=0)
