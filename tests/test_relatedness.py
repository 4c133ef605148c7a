"""Proximity, co-occurrence, density and the industry network (s3lib.relatedness)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures import relatedness as rel

binary = arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(2, 10)), elements=st.sampled_from([0.0, 1.0]))


def frame(values):
    values = np.asarray(values, dtype=float)
    return pd.DataFrame(values, index=[f"R{k}" for k in range(values.shape[0])],
                        columns=[f"C{k:02d}" for k in range(values.shape[1])])


@settings(max_examples=60, deadline=None)
@given(binary)
def test_proximity_symmetric_zero_diagonal_bounded(values):
    phi = rel.proximity(frame(values)).to_numpy()
    np.testing.assert_array_equal(phi, phi.T)
    assert (np.diag(phi) == 0).all()
    assert ((phi >= 0) & (phi <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(binary)
def test_density_in_unit_interval_and_matches_loop_definition(values):
    m = frame(values)
    phi = rel.proximity(m)
    rd = rel.density(m, phi).to_numpy()
    finite = rd[~np.isnan(rd)]
    assert ((finite >= 0) & (finite <= 1)).all()
    p, mv = phi.to_numpy(), m.to_numpy()
    r, i = 0, m.shape[1] - 1  # one cell by the written definition, self-term excluded
    others = [j for j in range(m.shape[1]) if j != i]
    den = sum(p[i, j] for j in others)
    if den > 0:
        assert rd[r, i] == pytest.approx(sum(mv[r, j] * p[i, j] for j in others) / den)
    np.testing.assert_allclose(rel.distance(m, phi).to_numpy(), 1 - rd)


def test_proximity_hand_example():
    m = pd.DataFrame({"a": [1, 1, 1, 0], "b": [1, 1, 0, 0], "c": [0, 0, 1, 1]})
    phi = rel.proximity(m)
    # C_ab = 2, u_a = 3, u_b = 2 -> 2/3; C_ac = 1 -> 1/3; C_bc = 0
    assert phi.loc["a", "b"] == pytest.approx(2 / 3)
    assert phi.loc["a", "c"] == pytest.approx(1 / 3)
    assert phi.loc["b", "c"] == 0


def test_density_ignores_a_given_diagonal():
    m = pd.DataFrame({"a": [1, 1, 1, 0], "b": [1, 1, 0, 0], "c": [0, 0, 1, 1]})
    phi = rel.proximity(m)
    with_ones = phi + np.eye(3)  # py-ecomplexity style phi_ii = 1
    pd.testing.assert_frame_equal(rel.density(m, phi), rel.density(m, with_ones))


def test_cooccurrence_hand_values():
    # c = M^T M off-diagonal: c_ab = 2, c_ac = 1, c_bc = 0; s = (3, 2, 1); T = 6
    m = pd.DataFrame({"a": [1, 1, 1, 0], "b": [1, 1, 0, 0], "c": [0, 0, 1, 1]})
    assert rel.cooccurrence(m, "association").loc["a", "b"] == pytest.approx(2 * 6 / (3 * 2))
    assert rel.cooccurrence(m, "cosine").loc["a", "b"] == pytest.approx(2 / np.sqrt(6))
    assert rel.cooccurrence(m, "jaccard").loc["a", "c"] == pytest.approx(1 / (3 + 1 - 1))
    expected = ((3 / 6) * (2 / 3) + (2 / 6) * (3 / 4)) * 6 / 2
    assert rel.cooccurrence(m, "prob").loc["a", "b"] == pytest.approx(2 / expected)
    for method in rel.NORMALISATIONS:
        out = rel.cooccurrence(m, method).to_numpy()
        np.testing.assert_allclose(out, out.T)
        assert (np.diag(out) == 0).all()
    with pytest.raises(UnknownChoiceError, match="did you mean 'cosine'"):
        rel.cooccurrence(m, "cosin")


def test_presence_must_be_binary():
    with pytest.raises(UsageError, match="only 0, 1 or NaN"):
        rel.proximity(frame([[0.5, 1.0]]))


def test_graph_tree_plus_strong_links():
    labels = list("abcd")
    phi = pd.DataFrame([[0, .9, .6, .1], [.9, 0, .7, .2], [.6, .7, 0, .3], [.1, .2, .3, 0]],
                       index=labels, columns=labels)
    g = rel.graph(phi, threshold=0.55)
    assert set(g.nodes) == set(labels)
    tree = {frozenset(e) for e, t in zip(g.edges, (d["tree"] for *_, d in g.edges(data=True))) if t}
    assert tree == {frozenset("ab"), frozenset("bc"), frozenset("cd")}
    assert g.number_of_edges() == 4 and g["a"]["c"]["weight"] == 0.6
    assert rel.graph(phi, threshold=0.55, extra_links=0).number_of_edges() == 3
    assert rel.graph(phi, threshold=0.95).number_of_edges() == 3
