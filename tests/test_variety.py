"""Related / unrelated variety (s3lib.variety)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from s3lib.errors import UsageError
from s3lib.measures import variety

CODES = ["C10", "C11", "C20", "F41", "G45", "G46", "G47", "J62"]


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.just(len(CODES))),
              elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e6))))
def test_identity_variety_equals_related_plus_unrelated(values):
    x = pd.DataFrame(values, columns=CODES)
    out = variety.decompose(x)
    np.testing.assert_allclose(out["related"] + out["unrelated"], out["variety"], rtol=0, atol=1e-12)
    empty = values.sum(axis=1) == 0  # no employment: no variety to measure, NaN (not 0)
    assert out[empty].isna().all().all()
    assert (out[~empty] >= -1e-12).all().all()


def test_known_values_and_default_hierarchy():
    x = pd.DataFrame([[1, 1, 0, 0, 0, 2, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]], columns=CODES, index=["A", "B"])
    out = variety.decompose(x)
    assert out.loc["A"].tolist() == [1.5, 0.5, 1.0]
    # B: 8 equal shares, 5 sections C(3) F(1) G(3) J(1)
    assert out.loc["B", "variety"] == pytest.approx(3.0)
    uv = -(2 * (3 / 8) * np.log2(3 / 8) + 2 * (1 / 8) * np.log2(1 / 8))
    assert out.loc["B", "unrelated"] == pytest.approx(uv)
    assert out.loc["B", "related"] == pytest.approx(2 * (3 / 8) * np.log2(3))
    assert variety.section_of(CODES).tolist() == ["C", "C", "C", "F", "G", "G", "G", "J"]


def test_custom_hierarchy_dict_and_series():
    x = pd.DataFrame([[1.0, 1.0, 2.0]], columns=["a", "b", "c"])
    mapping = {"a": "g1", "b": "g1", "c": "g2"}
    out = variety.decompose(x, mapping)
    pd.testing.assert_frame_equal(out, variety.decompose(x, pd.Series(mapping)))
    assert out.iloc[0].tolist() == [1.5, 0.5, 1.0]
    with pytest.raises(UsageError, match="no group for 1 industries: c"):
        variety.decompose(x, {"a": "g1", "b": "g1"})


def test_missing_cells_are_excluded_from_shares():
    x = pd.DataFrame([[1.0, 1.0, np.nan]], columns=["C10", "C11", "G46"])
    assert variety.decompose(x).iloc[0].tolist() == [1.0, 1.0, 0.0]
