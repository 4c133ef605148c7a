"""Bad input to the API is refused, loudly and in one line, instead of giving wrong numbers (issue 19).

Each fault a tester found has a test named after it; the property tests below then throw random
labels, zeros, missing cells and infinities at the measures: results are NaN (never 0) where a
region has nothing to measure, and an error (never a silent all-NaN frame) for values no count can
take. Missing cells (NaN, confidential data) stay allowed everywhere.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from s3lib.errors import InputError, S3libError, UsageError
from s3lib.measures import complexity as cx
from s3lib.measures import relatedness as rel
from s3lib.measures import specialisation as sp
from s3lib.measures import variety as va

X = pd.DataFrame({"C10": [1.0, 3.0, 2.0], "C20": [3.0, 1.0, 2.0], "G46": [2.0, 0.0, 5.0]}, index=["A1", "B1", "C1"])
M = pd.DataFrame({"a": [1, 1, 0], "b": [1, 0, 0], "c": [0, 1, 1]}, index=["r1", "r2", "r3"]).astype(float)


def refused(error, *names):
    """The error is an s3lib error on one line that names each of ``names``."""
    message = str(error.value)
    assert isinstance(error.value, S3libError), type(error.value)
    assert "\n" not in message
    for name in names:
        assert name in message, (name, message)
    return message


# ------------------------------------------------------------------ location quotient: the reference
def test_lq_reference_with_unrelated_labels_is_refused():
    with pytest.raises(UsageError) as err:
        sp.location_quotient(X, reference=pd.Series({"Z1": 1.0, "Z2": 2.0}))
    assert "has none of the industries" in refused(err, "reference", "'C10'", "'Z1'")
    with pytest.raises(UsageError) as err:
        sp.location_quotient(X, reference=pd.DataFrame({"Z1": [1.0]}))
    refused(err, "reference")


def test_lq_reference_missing_labels_is_refused():
    with pytest.raises(UsageError) as err:
        sp.location_quotient(X, reference=pd.Series({"C10": 1.0, "C20": 2.0}))
    assert "lacks 1 of the 3 industries" in refused(err, "reference", "'G46'")
    with pytest.raises(UsageError) as err:
        sp.krugman(X, reference=X[["C10"]])
    refused(err, "reference", "'C20'")
    # extra industries in the reference are fine (they are not part of the matrix's economy)
    wide = pd.Series({"C10": 6.0, "C20": 6.0, "G46": 7.0, "K64": 100.0})
    pd.testing.assert_frame_equal(sp.location_quotient(X, reference=wide), sp.location_quotient(X))
    # a reference that observes no value for an industry is allowed: NaN there, known elsewhere
    gap = sp.location_quotient(X, reference=pd.Series({"C10": 6.0, "C20": 6.0, "G46": np.nan}))
    assert gap["G46"].isna().all() and gap[["C10", "C20"]].notna().all().all()


def test_lq_negative_or_infinite_reference_is_refused():
    with pytest.raises(UsageError) as err:
        sp.location_quotient(X, reference=pd.Series({"C10": -1.0, "C20": 2.0, "G46": 1.0}))
    assert "negative" in refused(err, "reference", "'C10'")
    with pytest.raises(UsageError) as err:
        sp.location_quotient(X, reference=X * -1)
    refused(err, "reference", "negative")
    with pytest.raises(UsageError) as err:
        sp.location_quotient(X, reference=pd.Series({"C10": np.inf, "C20": 2.0, "G46": 1.0}))
    refused(err, "reference", "infinite")


def test_lq_inf_count_is_refused():
    x = X.copy()
    x.loc["B1", "G46"] = np.inf
    for f in (sp.location_quotient, sp.shares, sp.krugman, sp.hachman, sp.herfindahl, sp.entropy, va.decompose):
        with pytest.raises(UsageError) as err:
            f(x)
        assert "infinite" in refused(err, "matrix", "'B1', 'G46'")
    x.loc["B1", "G46"] = -np.inf
    with pytest.raises(UsageError, match="negative"):
        sp.location_quotient(x)
    with pytest.raises(UsageError, match="m1 has infinite"):
        sp.growth(X, X.replace(0.0, np.inf))


def test_missing_cells_stay_allowed():
    x = X.copy()
    x.loc["A1", "C10"] = np.nan
    lq = sp.location_quotient(x, reference=x.sum())
    assert np.isnan(lq.loc["A1", "C10"]) and lq.loc["A1", ["C20", "G46"]].notna().all()
    assert sp.herfindahl(x).notna().all() and va.decompose(x).notna().all().all()
    m = M.copy()
    m.iloc[0, 0] = np.nan
    assert rel.density(m, rel.proximity(m)).shape == m.shape


# ------------------------------------------------------------------ relatedness density: presence vs proximity
def test_density_mismatched_labels_are_refused():
    phi = rel.proximity(M)
    with pytest.raises(UsageError) as err:
        rel.density(M, phi.loc[["a", "b"], ["a", "b"]])
    assert "lacks 1 of the 3 industries of presence" in refused(err, "proximity", "'c'")
    with pytest.raises(UsageError) as err:
        rel.density(M, phi[["a", "b"]])  # rows complete, a column missing
    refused(err, "proximity (columns)", "'c'")
    # the same labels in another order are aligned, not refused
    shuffled = phi.loc[["c", "a", "b"], ["b", "c", "a"]]
    pd.testing.assert_frame_equal(rel.density(M, shuffled), rel.density(M, phi))


def test_density_disjoint_labels_are_refused():
    phi = rel.proximity(M).set_axis(["x", "y", "z"], axis=0).set_axis(["x", "y", "z"], axis=1)
    with pytest.raises(UsageError) as err:
        rel.density(M, phi)
    assert "has none of the industries of presence" in refused(err, "proximity", "presence")


def test_density_negative_missing_or_infinite_proximity_is_refused():
    phi = rel.proximity(M)
    with pytest.raises(UsageError) as err:
        rel.density(M, -phi)
    assert "negative" in refused(err, "proximity")
    for bad, word in ((np.nan, "missing"), (np.inf, "infinite")):
        p = phi.copy()
        p.loc["a", "b"] = bad
        with pytest.raises(UsageError) as err:
            rel.density(M, p)
        assert word in refused(err, "proximity", "'a', 'b'")
    with pytest.raises(UsageError, match="proximity has negative"):
        cx.cog(M, -phi, pd.Series(0.0, index=M.columns))


def test_density_ndarray_is_refused():
    phi = rel.proximity(M)
    with pytest.raises(InputError) as err:
        rel.density(M, phi.to_numpy())
    assert "ndarray" in refused(err, "proximity", "DataFrame")
    with pytest.raises(InputError) as err:
        rel.density(M.to_numpy(), phi)
    refused(err, "presence", "ndarray")
    with pytest.raises(InputError) as err:
        cx.coi(M, phi, rel.proximity(M).to_numpy()[0])
    refused(err, "pci", "Series")


# ------------------------------------------------------------------ complexity
def test_eci_of_all_ones_is_refused():
    ones = pd.DataFrame(1.0, index=["r1", "r2", "r3"], columns=list("abc"))
    with pytest.raises(UsageError) as err:
        cx.eci_pci(ones)
    assert "no variation" in refused(err, "presence", "ECI is undefined")
    # the same after dropping an industry nobody holds (a warned column of zeros)
    ones["d"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for method in cx.METHODS:
            with pytest.raises(UsageError, match="no variation"):
                cx.eci_pci(ones, method=method)


# ------------------------------------------------------------------ variety and the row measures
def test_decompose_empty_row_is_nan():
    x = pd.DataFrame({"C10": [0.0, np.nan, 1.0], "C20": [0.0, np.nan, 1.0], "G46": [0.0, np.nan, 2.0]},
                     index=["zero", "missing", "A1"])
    out = va.decompose(x)
    assert out.loc[["zero", "missing"]].isna().all().all()
    assert out.loc["A1"].tolist() == [1.5, 0.5, 1.0]


def test_decompose_numeric_codes_are_refused_without_hierarchy():
    x = pd.DataFrame({"10": [1.0, 3.0], "20": [3.0, 1.0]}, index=["A1", "B1"])
    with pytest.raises(UsageError) as err:
        va.decompose(x)
    message = refused(err, "matrix", "hierarchy", "'10'", "'20'")
    assert "section letter" in message
    out = va.decompose(x, hierarchy={"10": "C", "20": "C"})
    assert out["unrelated"].tolist() == [0.0, 0.0]
    with pytest.raises(UsageError, match="codes"):
        va.section_of(["10", "C20"])


@pytest.mark.parametrize("measure", [
    lambda x: sp.herfindahl(x),
    lambda x: sp.entropy(x),
    lambda x: sp.krugman(x)["krugman"],
    lambda x: sp.krugman(x)["coefficient"],
    lambda x: sp.hachman(x),
    lambda x: va.decompose(x)["variety"],
    lambda x: va.decompose(x)["related"],
    lambda x: va.decompose(x)["unrelated"],
], ids=["herfindahl", "entropy", "krugman", "coefficient", "hachman", "variety", "related", "unrelated"])
def test_row_measures_of_an_empty_row_are_nan(measure):
    x = pd.concat([X, pd.DataFrame({"C10": [0.0, np.nan], "C20": [0.0, np.nan], "G46": [0.0, np.nan]},
                                   index=["zero", "missing"])])
    out = measure(x)
    assert out[["zero", "missing"]].isna().all()
    assert out[["A1", "B1", "C1"]].notna().all()


def test_krugman_is_nan_where_the_reference_observes_none_of_the_region():
    x = pd.DataFrame({"C10": [1.0, np.nan], "C20": [np.nan, 1.0]}, index=["A1", "B1"])
    k = sp.krugman(x, reference=pd.Series({"C10": 0.0, "C20": 5.0}))["krugman"]
    assert np.isnan(k["A1"]) and k["B1"] == 0.0


# ------------------------------------------------------------------ non-numeric frames and wrong types
TEXT = pd.DataFrame({"C10": ["a", "1"], "C20": [1.0, 2.0]}, index=["A1", "B1"])


@pytest.mark.parametrize("call, name", [
    (lambda: sp.location_quotient(TEXT), "matrix"),
    (lambda: sp.shares(TEXT), "matrix"),
    (lambda: sp.krugman(TEXT), "matrix"),
    (lambda: sp.hachman(TEXT), "matrix"),
    (lambda: sp.herfindahl(TEXT), "matrix"),
    (lambda: sp.entropy(TEXT), "matrix"),
    (lambda: sp.reference_totals(TEXT), "matrix"),
    (lambda: sp.growth(X, TEXT), "m1"),
    (lambda: sp.presence(TEXT), "lq"),
    (lambda: sp.transitions(TEXT, TEXT), "m0"),
    (lambda: sp.location_quotient(X, reference=pd.Series({"C10": "x", "C20": 1.0, "G46": 1.0})), "reference"),
    (lambda: sp.location_quotient(X, reference=TEXT.reindex(columns=X.columns)), "reference"),
    (lambda: va.decompose(TEXT), "matrix"),
    (lambda: rel.proximity(TEXT), "presence"),
    (lambda: rel.cooccurrence(TEXT), "presence"),
    (lambda: rel.density(M, rel.proximity(M).astype(object).where(lambda f: f > 0, "none")), "proximity"),
    (lambda: rel.graph(rel.proximity(M).astype(object).where(lambda f: f > 0, "none")), "proximity"),
    (lambda: cx.eci_pci(TEXT), "presence"),
    (lambda: cx.eci_pci(M, orient=pd.Series(["rich", "poor", "rich"], index=M.index)), "orient"),
    (lambda: cx.fitness_complexity(TEXT), "presence"),
    (lambda: cx.coi(M, rel.proximity(M), pd.Series(["x", "y", "z"], index=M.columns)), "pci"),
], ids=["lq", "shares", "krugman", "hachman", "herfindahl", "entropy", "reference_totals", "growth", "presence",
        "transitions", "reference_series", "reference_frame", "decompose", "proximity", "cooccurrence", "density",
        "graph", "eci_pci", "orient", "fitness", "coi"])
def test_non_numeric_frames_are_refused_naming_the_argument(call, name):
    with pytest.raises(InputError) as err:
        call()
    assert refused(err, name, "non-numeric").startswith(name)


@pytest.mark.parametrize("call, name", [
    (lambda: sp.location_quotient(X.to_numpy()), "matrix"),
    (lambda: sp.herfindahl([[1, 2]]), "matrix"),
    (lambda: va.decompose(X.to_numpy()), "matrix"),
    (lambda: va.decompose(X, hierarchy=["C", "C", "G"]), "hierarchy"),
    (lambda: sp.presence(X.to_numpy()), "lq"),
    (lambda: rel.proximity(M.to_numpy()), "presence"),
    (lambda: rel.graph(rel.proximity(M).to_numpy()), "proximity"),
    (lambda: cx.eci_pci(M.to_numpy()), "presence"),
    (lambda: cx.cog(M, rel.proximity(M), pd.Series(0.0, index=M.columns), density=np.zeros((3, 3))), "density"),
], ids=["lq", "herfindahl", "decompose", "hierarchy", "presence", "proximity", "graph", "eci_pci", "cog_density"])
def test_wrong_types_are_refused_naming_the_argument(call, name):
    with pytest.raises(InputError) as err:
        call()
    refused(err, name)


def test_input_error_is_a_usage_error_and_a_type_error():
    assert issubclass(InputError, UsageError) and issubclass(InputError, TypeError)
    assert issubclass(InputError, ValueError) and InputError.exit_code == 2


# ------------------------------------------------------------------ Study arguments
@pytest.mark.parametrize("kwargs, name", [
    ({"year": 2014.5}, "year"), ({"year": 2014.0}, "year"), ({"year": None}, "year"), ({"year": True}, "year"),
    ({"level": 2.0}, "level"), ({"level": None}, "level"), ({"level": False}, "level"),
    ({"min_coverage": -1}, "min_coverage"), ({"min_coverage": 2}, "min_coverage"), ({"min_coverage": 0}, "min_coverage"),
    ({"min_coverage": float("nan")}, "min_coverage"), ({"min_coverage": None}, "min_coverage"),
    ({"min_coverage": True}, "min_coverage"),
    ({"estimate": "no"}, "estimate"), ({"estimate": None}, "estimate"), ({"estimate": 0}, "estimate"),
    ({"scheme": 5}, "cluster scheme"), ({"scheme": None}, "cluster scheme"), ({"scheme": "uscpm"}, "uscmp"),
    ({"scheme": "no_such_file.csv"}, "scheme"),
    ({"space": None}, "activity space"), ({"space": ["sbs"]}, "activity space"), ({"space": "sbz"}, "sbs"),
    ({"level": 7}, "level"), ({"year": 1900}, "year"),
])
def test_study_refuses_bad_arguments_with_one_clear_line(kwargs, name):
    from s3lib.study import Study

    with pytest.raises(UsageError) as err:
        Study(**kwargs)
    refused(err, name)


def test_study_accepts_integral_numpy_ints():
    from s3lib.study import Study

    study = Study(year=np.int64(2014), level=np.int32(2), estimate=np.bool_(True), min_coverage=np.float64(0.5))
    assert study is Study() and study.year == 2014 and type(study.year) is int


# ------------------------------------------------------------------ property tests
labels = st.lists(st.text("ABCDEFGHXYZ0123456789_", min_size=1, max_size=4), min_size=1, max_size=6, unique=True)
cell = st.one_of(st.just(0.0), st.just(np.nan), st.floats(1e-3, 1e6))


@st.composite
def matrices(draw, cells=cell, min_rows=1):
    """A region x industry frame with random (unique) labels, zeros and missing cells."""
    rows = draw(st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=min_rows, max_size=6, unique=True))
    cols = draw(labels)
    values = draw(arrays(np.float64, (len(rows), len(cols)), elements=cells))
    return pd.DataFrame(values, index=rows, columns=cols)


def _empty(x: pd.DataFrame) -> np.ndarray:
    return ~(x.fillna(0.0) > 0).any(axis=1).to_numpy()


@settings(max_examples=40, deadline=None)
@given(matrices(), st.floats(1e-3, 1e3), st.data())
def test_lq_is_invariant_to_scaling_a_row(x, factor, data):
    reference = x.sum(axis=0)  # fixed: scaling a row changes no reference
    r = data.draw(st.sampled_from(list(x.index)))
    scaled = x.copy()
    scaled.loc[r] *= factor
    np.testing.assert_allclose(sp.location_quotient(scaled, reference=reference),
                               sp.location_quotient(x, reference=reference), rtol=1e-9)
    # scaling the whole matrix leaves the LQ against the matrix itself unchanged
    np.testing.assert_allclose(sp.location_quotient(x * factor), sp.location_quotient(x), rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(matrices(), st.data())
def test_lq_of_the_reference_region_is_one(x, data):
    r = data.draw(st.sampled_from(list(x.index)))
    lq = sp.location_quotient(x, reference=x.loc[r])
    positive = (x.loc[r] > 0).to_numpy()
    np.testing.assert_allclose(lq.loc[r].to_numpy()[positive], 1.0, rtol=1e-12)
    assert lq.loc[r][x.loc[r].isna()].isna().all()  # a missing cell stays missing


@settings(max_examples=40, deadline=None)
@given(matrices())
def test_shares_sum_to_one_per_row_over_known_cells(x):
    s = sp.shares(x)
    empty = _empty(x)
    np.testing.assert_allclose(s[~empty].sum(axis=1), 1.0, rtol=1e-12)
    assert s[empty].isna().all().all()
    assert (s.isna() | x.notna()).all().all() and (s.isna() >= x.isna()).all().all()  # missing stays missing


@settings(max_examples=40, deadline=None)
@given(matrices(), st.data())
def test_variety_identity_and_nan_for_empty_rows(x, data):
    hierarchy = {c: data.draw(st.sampled_from("PQR")) for c in x.columns}
    out = va.decompose(x, hierarchy=hierarchy)
    empty = _empty(x)
    assert out[empty].isna().all().all()
    known = out[~empty]
    assert known.notna().all().all()
    np.testing.assert_allclose(known["related"] + known["unrelated"], known["variety"], rtol=0, atol=1e-9)
    assert (known >= -1e-12).all().all()


@settings(max_examples=40, deadline=None)
@given(matrices())
def test_row_measures_are_nan_never_zero_for_empty_rows(x):
    empty = _empty(x)
    for values in (sp.herfindahl(x), sp.entropy(x), sp.hachman(x), sp.krugman(x)["krugman"]):
        assert values[empty].isna().all()
    assert sp.herfindahl(x)[~empty].notna().all() and sp.entropy(x)[~empty].notna().all()
    assert (sp.herfindahl(x)[~empty] > 0).all()


@settings(max_examples=40, deadline=None)
@given(matrices(), st.sampled_from([np.inf, -np.inf, -1.0, -1e-9]), st.data())
def test_inf_or_negative_counts_raise_never_all_nan(x, bad, data):
    r = data.draw(st.integers(0, x.shape[0] - 1))
    c = data.draw(st.integers(0, x.shape[1] - 1))
    x.iloc[r, c] = bad
    reference = x.iloc[0].abs().replace(np.inf, 1.0)
    for call in (lambda: sp.location_quotient(x), lambda: sp.shares(x), lambda: sp.krugman(x),
                 lambda: sp.herfindahl(x), lambda: va.decompose(x, hierarchy=dict.fromkeys(x.columns, "G")),
                 lambda: sp.location_quotient(x.abs().replace(np.inf, 1.0), reference=x.iloc[r])):
        with pytest.raises(UsageError, match="infinite|negative"):
            call()
    assert sp.location_quotient(x.abs().replace(np.inf, 1.0), reference=reference).shape == x.shape


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 7), st.integers(2, 7)), elements=st.sampled_from([0.0, 1.0])),
       st.permutations(range(7)))
def test_density_aligns_proximity_by_label_and_refuses_a_gap(values, order):
    m = pd.DataFrame(values, index=[f"r{k}" for k in range(values.shape[0])],
                     columns=[f"i{k}" for k in range(values.shape[1])])
    phi = rel.proximity(m)
    order = [m.columns[k] for k in order if k < m.shape[1]]
    pd.testing.assert_frame_equal(rel.density(m, phi.loc[order, order[::-1]]), rel.density(m, phi))
    with pytest.raises(UsageError, match="proximity"):
        rel.density(m, phi.drop(index=order[0], columns=order[0]))


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 7), st.integers(2, 7)), elements=st.sampled_from([0.0, 1.0])))
def test_eci_is_finite_or_refused_never_silently_nan(values):
    m = pd.DataFrame(values, index=[f"r{k}" for k in range(values.shape[0])],
                     columns=[f"i{k}" for k in range(values.shape[1])])
    assume(values.any())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            eci, pci = cx.eci_pci(m)
        except UsageError as err:
            assert "no variation" in str(err) or "at least 2" in str(err)
            return
    held = values.sum(axis=1) > 0
    assert np.isfinite(eci[held]).all() and np.isnan(eci[~held]).all()
    assert np.isfinite(pci[values.sum(axis=0) > 0]).all()
