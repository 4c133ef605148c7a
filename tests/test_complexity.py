"""ECI / PCI, COI and COG (s3lib.complexity)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures import complexity as cx
from s3lib.measures import relatedness as rel

binary = arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(3, 12)),
                elements=st.sampled_from([0.0, 1.0]))


def frame(values):
    values = np.asarray(values, dtype=float)
    return pd.DataFrame(values, index=[f"R{k}" for k in range(values.shape[0])],
                        columns=[f"C{k:02d}" for k in range(values.shape[1])])


def well_posed(values):
    """Non-empty rows/columns, a simple 2nd eigenvalue and a clear sign (no ties)."""
    kr, ki = values.sum(axis=1), values.sum(axis=0)
    if (kr == 0).any() or (ki == 0).any():
        return False
    s = values / np.sqrt(kr)[:, None] / np.sqrt(ki)[None, :]
    lam = np.linalg.eigvalsh(s @ s.T)[::-1]
    if lam[0] - lam[1] < 1e-4 or lam[1] - lam[2] < 1e-4:
        return False
    eci, _ = cx.eci_pci(frame(values), standardise=None)
    return abs(np.corrcoef(kr, eci)[0, 1]) > 1e-6 if kr.std() > 0 else False


@settings(max_examples=40, deadline=None)
@given(binary, st.randoms(use_true_random=False))
def test_eci_invariant_under_permutation(values, rnd):
    assume(well_posed(values))
    m = frame(values)
    eci, pci = cx.eci_pci(m)
    rows, cols = list(m.index), list(m.columns)
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    eci_p, pci_p = cx.eci_pci(m.loc[rows, cols])
    np.testing.assert_allclose(eci_p[eci.index], eci, atol=1e-9)
    np.testing.assert_allclose(pci_p[pci.index], pci, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(binary)
def test_eci_is_mean_pci_over_present_industries(values):
    assume(well_posed(values))
    m = frame(values)
    for standardise in ("stata", None):
        eci, pci = cx.eci_pci(m, standardise=standardise)
        np.testing.assert_allclose((m @ pci) / m.sum(axis=1), eci, atol=1e-9)
    eci, pci = cx.eci_pci(m, standardise="zscore")  # up to an affine map
    mean_pci = (m @ pci) / m.sum(axis=1)
    slope, intercept = np.polyfit(mean_pci, eci, 1)
    np.testing.assert_allclose(slope * mean_pci + intercept, eci, atol=1e-8)
    assert eci.mean() == pytest.approx(0, abs=1e-9) and eci.std(ddof=0) == pytest.approx(1)


@settings(max_examples=30, deadline=None)
@given(binary)
def test_eci_is_the_second_eigenvector_of_the_nonsymmetric_matrix(values):
    assume(well_posed(values))
    m = frame(values)
    eci, _ = cx.eci_pci(m, standardise=None)
    kr, ki = values.sum(axis=1), values.sum(axis=0)
    mtilde = (values / kr[:, None] / ki[None, :]) @ values.T
    lam = np.sort(np.linalg.eigvals(mtilde).real)[-2]
    np.testing.assert_allclose(mtilde @ eci.to_numpy(), lam * eci.to_numpy(), atol=1e-9)
    assert np.corrcoef(kr, eci)[0, 1] > 0


@pytest.mark.parametrize("shape", [(120, 260), (260, 120), (150, 150)])
def test_lanczos_path_equals_a_full_eigendecomposition(shape):
    """From 100 regions/industries on, the ECI uses deflated Lanczos; check it against the
    2nd eigenvector of the full symmetric matrix from numpy, and against the eigen-equation
    of the nonsymmetric one, on seeded matrices with structure (both orientations)."""
    rng = np.random.default_rng(7)
    n_r, n_i = shape
    capability, sophistication = rng.random(n_r), rng.random(n_i)
    p = 1 / (1 + np.exp(-8 * (capability[:, None] - sophistication[None, :]) - rng.normal(0, 1, shape)))
    values = (rng.random(shape) < p).astype(float)
    values = values[values.sum(axis=1) > 0][:, values.sum(axis=0) > 0]
    kr, ki = values.sum(axis=1), values.sum(axis=0)
    eci, _ = cx.eci_pci(frame(values), standardise=None)
    a = values / np.sqrt(kr)[:, None] / np.sqrt(ki)[None, :]
    lam, vec = np.linalg.eigh(a @ a.T)
    assert lam[-2] - lam[-3] > 1e-3  # a simple 2nd eigenvalue: the vector is well defined
    expected = vec[:, -2] / np.sqrt(kr)
    expected *= np.sign(np.corrcoef(kr, expected)[0, 1])
    got = eci.to_numpy()
    np.testing.assert_allclose(got / np.linalg.norm(got), expected / np.linalg.norm(expected), atol=1e-10)
    mtilde = (values / kr[:, None] / ki[None, :]) @ values.T
    np.testing.assert_allclose(mtilde @ got, lam[-2] * got, atol=1e-10 * np.abs(got).max())


def test_nested_matrix_orders_regions_by_diversity():
    m = frame(np.tril(np.ones((5, 5))))  # R0 has one industry, R4 all five
    eci, pci = cx.eci_pci(m)
    assert list(eci.sort_values().index) == list(m.index)
    assert pci.idxmax() == "C04"
    # Stata convention: ECI mean 0, sample sd over the long table = 1
    long = np.repeat(eci.to_numpy(), 5)
    assert long.mean() == pytest.approx(0, abs=1e-12) and long.std(ddof=1) == pytest.approx(1)


def test_zero_diversity_and_ubiquity_are_flagged_and_left_out():
    values = np.tril(np.ones((5, 5)))
    values = np.vstack([values, np.zeros(5)])
    values = np.hstack([values, np.zeros((6, 1))])
    m = frame(values)
    with pytest.warns(UserWarning) as record:
        eci, pci = cx.eci_pci(m)
    messages = " ".join(str(r.message) for r in record)
    assert "1 regions with zero diversity left out (NaN): R5" in messages
    assert "1 industries with zero ubiquity left out (NaN): C05" in messages
    assert np.isnan(eci["R5"]) and np.isnan(pci["C05"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected, _ = cx.eci_pci(frame(np.tril(np.ones((5, 5)))))
    np.testing.assert_allclose(eci.dropna(), expected)


def test_bad_options():
    m = frame(np.tril(np.ones((4, 4))))
    with pytest.raises(UnknownChoiceError):
        cx.eci_pci(m, method="eig")
    with pytest.raises(UnknownChoiceError):
        cx.eci_pci(m, standardise="sample")
    with pytest.raises(UsageError):
        cx.eci_pci(frame([[1.0, 1.0]]))


def test_reflections_warn_when_not_converged():
    m = frame((np.random.default_rng(0).random((12, 15)) < 0.5).astype(float))
    with pytest.warns(RuntimeWarning, match="did not converge"):
        cx.eci_pci(m, method="reflections", max_iter=1)


def test_coi_cog_against_written_formulas():
    rng = np.random.default_rng(3)
    values = (rng.random((8, 9)) < 0.45).astype(float)
    m = frame(values)
    phi = rel.proximity(m)
    _, pci = cx.eci_pci(m, standardise="zscore")
    rd = rel.density(m, phi).to_numpy()
    p, pv = phi.to_numpy(), pci.to_numpy()
    coi_expected = [sum(rd[r, i] * (1 - values[r, i]) * pv[i] for i in range(9)) for r in range(8)]
    np.testing.assert_allclose(cx.coi(m, phi, pci), coi_expected)
    r, i = np.argwhere(values == 0)[0]
    gain = sum(p[i, j] / p[:, j].sum() * (1 - values[r, j]) * pv[j] for j in range(9)) - rd[r, i] * pv[i]
    cog = cx.cog(m, phi, pci)
    assert cog.iloc[r, i] == pytest.approx(gain)
    assert (cog.to_numpy()[values == 1] == 0).all()


def test_orient_by_an_external_variable():
    m = frame(np.tril(np.ones((5, 5))))
    eci, pci = cx.eci_pci(m)
    flipped, flipped_pci = cx.eci_pci(m, orient=pd.Series(-np.arange(5.0), index=m.index))
    np.testing.assert_allclose(flipped, -eci)
    np.testing.assert_allclose(flipped_pci, -pci)
    same, _ = cx.eci_pci(m, orient=pd.Series({"R3": 1.0, "R4": 2.0}))  # partial: known regions only
    np.testing.assert_allclose(same, eci)
    with pytest.raises(UsageError, match="at least 2"):
        cx.eci_pci(m, orient=pd.Series({"R3": 1.0}))


@settings(max_examples=30, deadline=None)
@given(binary)
def test_transpose_swaps_eci_and_pci(values):
    """Covers both eigen paths (regions <= industries and the tall case) on the same problem."""
    assume(well_posed(values))
    m = frame(values)
    _, pci = cx.eci_pci(m, standardise="zscore")
    eci_t, _ = cx.eci_pci(m.T, standardise="zscore")
    sign = np.sign(np.corrcoef(pci, eci_t)[0, 1])
    np.testing.assert_allclose(sign * eci_t[pci.index], pci, atol=1e-8)
