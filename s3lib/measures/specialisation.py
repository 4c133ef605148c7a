"""Specialisation and structure of a region x industry employment matrix.

Every function takes a labelled ``DataFrame`` (index = region codes, columns =
industry codes) and returns labelled pandas objects.

Missing cells
-------------
A missing cell (NaN, e.g. a confidential Eurostat value) is *missing, not zero*.
The rule used throughout this module:

* a region's total ``x_r.`` is the sum of its **observed** cells, so its shares
  are shares of its observed employment;
* the reference shares of region ``r`` are computed over **the same observed
  industries**: ``s^ref_ri = ref_i / sum_{j observed in r} ref_j``, so a region
  with a hidden cell is compared with the reference on a like-for-like basis;
* the reference totals ``ref_i`` (reference ``None``) are the column sums of
  observed cells;
* results for a missing cell are NaN;
* a region with no known employment (every cell 0 or missing) has no structure: its
  shares, LQs and indices (Krugman, Hachman, Herfindahl, entropy) are NaN, never 0.

Refused with an error naming the argument: a matrix that is not a DataFrame, non-numeric,
negative or infinite values (``matrix``, ``reference``), and a ``reference`` Series or
DataFrame that lacks some of the matrix's industries.

Without missing cells this is the textbook formula. ``fill=0`` reproduces the
"missing = zero" convention of EconGeo and the complexity packages.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import UsageError
from s3lib.measures._util import check_counts as _check
from s3lib.measures._util import check_labels as _check_labels
from s3lib.measures._util import check_range as _check_range
from s3lib.measures._util import divide as _divide
from s3lib.measures._util import numeric as _numeric
from s3lib.measures._util import require as _require
from s3lib.measures._util import rowsum as _rowsum
from s3lib.result import Result

__all__ = [
    "coverage",
    "covered_regions",
    "entropy",
    "growth",
    "hachman",
    "herfindahl",
    "krugman",
    "location_quotient",
    "presence",
    "reference_totals",
    "shares",
    "transitions",
]


def coverage(matrix: pd.DataFrame) -> pd.Series:
    """Share of each region's industries with an observed (non-missing) value.

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, np.nan], "C20": [0.0, 2.0]}, index=["A1", "B1"])
    >>> coverage(x).tolist()
    [1.0, 0.5]
    """
    return matrix.notna().mean(axis=1).rename("coverage")


def covered_regions(*matrices: pd.DataFrame, min_coverage: float = 0.5, keep=()) -> Result:
    """Regions with adequate coverage in every matrix, always keeping the ``keep`` regions.

    A region is kept when at least ``min_coverage`` of its industries are observed in each
    matrix (e.g. both years of a comparison) and it appears in all of them. Regions listed in
    ``keep`` (the case places) are kept whatever their coverage; the notes name any of them that
    is below the threshold, and any that cannot be kept because a matrix lacks it.

    Parameters
    ----------
    *matrices : DataFrame
        Region x industry matrices (NaN = missing).
    min_coverage : float, default 0.5
    keep : iterable of str
        Region codes never dropped for coverage.

    Returns
    -------
    Result
        ``table``: one row per region kept, in the order of the first matrix, with ``coverage`` (the
        lowest over the matrices) and ``below`` (True for a ``keep`` region kept below the threshold);
        ``notes``; ``params``: ``min_coverage``.

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, np.nan, np.nan], "C20": [0.0, 2.0, np.nan]}, index=["A1", "B1", "C1"])
    >>> covered_regions(x, min_coverage=0.5).table.index.tolist()
    ['A1', 'B1']
    >>> covered_regions(x, min_coverage=0.5, keep=["C1"]).notes
    ('case regions below 50% coverage, kept anyway: C1',)
    """
    if not matrices:
        raise UsageError("give at least one matrix")
    if not 0 < min_coverage <= 1:
        raise UsageError(f"min_coverage must be a share in (0, 1], not {min_coverage!r}")
    keep = list(keep)
    common = matrices[0].index
    for m in matrices[1:]:
        common = common.intersection(m.index, sort=False)
    lowest = pd.concat([coverage(m).reindex(common) for m in matrices], axis=1).min(axis=1)
    enough = lowest >= min_coverage
    absent = [k for k in keep if k not in common]
    low = [k for k in keep if k in common and not enough[k]]
    notes = []
    if absent:
        notes.append(f"case regions missing from the data, NOT kept: {', '.join(absent)}")
    if low:
        notes.append(f"case regions below {min_coverage:.0%} coverage, kept anyway: {', '.join(low)}")
    kept = common[enough.to_numpy() | common.isin(keep)]
    table = pd.DataFrame({"coverage": lowest.reindex(kept), "below": ~enough.reindex(kept)}, index=kept)
    return Result(table, notes, {"min_coverage": min_coverage})


def shares(matrix: pd.DataFrame, fill: float | None = None) -> pd.DataFrame:
    """Share of each industry in each region's observed employment.

    ``s_ri = x_ri / x_r.`` with ``x_r.`` the sum of the region's observed cells.

    Parameters
    ----------
    matrix : DataFrame
        Region x industry counts (NaN = missing).
    fill : float, optional
        Value for missing cells before computing (``0`` = missing is zero).

    Returns
    -------
    DataFrame
        Same labels; rows sum to 1 over observed cells; NaN where missing or the row total is 0.

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, 3.0], "C20": [3.0, 1.0]}, index=["A1", "B1"])
    >>> shares(x)["C10"].tolist()
    [0.25, 0.75]
    """
    matrix = _check(matrix, fill)
    return pd.DataFrame(_shares(matrix.to_numpy()), index=matrix.index, columns=matrix.columns)


def _shares(values: np.ndarray) -> np.ndarray:
    total = values.sum(axis=1, keepdims=True)
    if np.isnan(total).any():  # only rows with a missing cell need the slower nansum
        total = np.nansum(values, axis=1, keepdims=True)
    return _divide(values, total)


def reference_totals(matrix: pd.DataFrame, reference=None) -> pd.Series:
    """Industry totals of the reference economy, aligned on ``matrix.columns``.

    Parameters
    ----------
    matrix : DataFrame
        Region x industry counts.
    reference : None, str, Series or DataFrame
        * ``None``: all rows of ``matrix`` (the sample economy, e.g. the EU regions given);
        * ``str``: the row with this label if ``matrix`` has one (e.g. a country or a
          parent region stacked in the same matrix); otherwise the sum of the rows whose
          code starts with it (a country ``"DE"``, a NUTS1 parent ``"DE7"``; assumes
          ``matrix`` holds a single NUTS level);
        * ``Series``: industry totals (e.g. a parent region's row taken from a NUTS1
          matrix, or the region's own row);
        * ``DataFrame``: reference rows, summed (e.g. a country's regions).

    Returns
    -------
    Series
        Reference employment by industry (NaN where the reference has no observed value).

    Raises
    ------
    UsageError
        The reference is negative or infinite somewhere, a Series/DataFrame reference lacks some of
        the matrix's industries (``InputError``: it is not numeric).

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, 3.0, 5.0]}, index=["DE71", "DE72", "FRI1"])
    >>> float(reference_totals(x, "DE")["C10"])
    4.0
    """
    return _totals(_check(matrix), reference)


def _totals(matrix: pd.DataFrame, reference) -> pd.Series:
    """:func:`reference_totals` of a checked matrix (float64, no negative or infinite value)."""
    if reference is None:
        rows = matrix
    elif isinstance(reference, str):
        if reference in matrix.index:
            rows = matrix.loc[[reference]]
        else:
            rows = matrix.loc[matrix.index.astype(str).str.startswith(reference)]
            if rows.empty:
                raise UsageError(
                    f"no region code starts with {reference!r}; give a country code, a parent "
                    "region code, an industry-total Series or a DataFrame of reference rows"
                )
    elif isinstance(reference, pd.Series):
        _check_labels(matrix.columns, reference.index, "reference", "the matrix")
        reference = _numeric(reference, "reference").reindex(matrix.columns)
        _check_range(reference, "reference", "employment")
        return reference
    elif isinstance(reference, pd.DataFrame):
        _check_labels(matrix.columns, reference.columns, "reference", "the matrix")
        rows = _check(reference, name="reference")
    else:
        raise UsageError(
            f"reference must be None, a region/country code, a Series or a DataFrame, not {type(reference).__name__}"
        )
    rows = rows.reindex(columns=matrix.columns).astype(float)
    return rows.sum(axis=0, min_count=1)


def _reference_shares(matrix: pd.DataFrame, reference) -> np.ndarray:
    """Reference shares per region over the industries observed in that region."""
    values = matrix.to_numpy()
    missing = np.isnan(values)
    if not missing.any():  # every region observes every industry: one reference share vector
        ref = values.sum(axis=0) if reference is None else _totals(matrix, reference).to_numpy()
        return _divide(ref, np.nansum(ref))[None, :]
    ref = _totals(matrix, reference).to_numpy()
    ref0 = np.nan_to_num(ref)
    denom = (~missing).astype(float) @ ref0  # sum of reference over the region's observed industries
    out = _divide(ref[None, :], denom[:, None])
    out[missing] = np.nan
    return out


def location_quotient(matrix: pd.DataFrame, reference=None, fill: float | None = None) -> pd.DataFrame:
    """Location quotient (Balassa's revealed comparative advantage).

    ``LQ_ri = (x_ri / x_r.) / (x_.i / x_..)`` where the denominator is the industry's share
    in the reference economy. With missing cells the reference share is taken over the
    industries observed in region ``r`` (see the module notes), so no cell is treated as zero.

    Parameters
    ----------
    matrix : DataFrame
        Region x industry counts (NaN = missing).
    reference : None, str, Series or DataFrame, default None
        The reference economy, never implicit: ``None`` = all rows of ``matrix``; a code =
        that row of ``matrix`` or the rows starting with it (country / parent region); a
        Series of industry totals; a DataFrame of reference rows (summed). See
        :func:`reference_totals`.
    fill : float, optional
        Fill missing cells before computing (``0`` reproduces EconGeo's and ecomplexity's
        missing-is-zero convention).

    Returns
    -------
    DataFrame
        LQ, same labels; NaN for missing cells, regions with no known employment and industries
        the reference does not observe (NaN or 0 in the reference).

    Raises
    ------
    UsageError
        Negative or infinite counts in ``matrix`` or ``reference``; a Series or DataFrame
        ``reference`` without some of the matrix's industries (an ``InputError`` when either is
        not a DataFrame of numbers).

    References
    ----------
    Balassa (1965), Trade liberalisation and revealed comparative advantage.

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, 3.0], "C20": [3.0, 1.0]}, index=["A1", "B1"])
    >>> location_quotient(x).round(2).loc["A1"].tolist()
    [0.5, 1.5]
    >>> location_quotient(x, reference=x.loc["A1"]).loc["A1"].tolist()
    [1.0, 1.0]
    """
    matrix = _check(matrix, fill)
    own = _shares(matrix.to_numpy())
    ref = _reference_shares(matrix, reference)
    return pd.DataFrame(_divide(own, ref), index=matrix.index, columns=matrix.columns, copy=False)


def presence(lq: pd.DataFrame, threshold: float = 1.0) -> pd.DataFrame:
    """Binary specialisation ``M_ri = 1 if LQ_ri >= threshold`` (no rounding).

    EconGeo's ``rca()`` rounds to 2 decimals first; here an LQ of 0.996 is 0. Missing LQ
    stays NaN (unknown, not absent); the relatedness and complexity functions count NaN
    as absent and say so.

    Parameters
    ----------
    lq : DataFrame
        Location quotients.
    threshold : float, default 1.0

    Returns
    -------
    DataFrame
        1.0 / 0.0 / NaN, same labels.

    Examples
    --------
    >>> lq = pd.DataFrame({"C10": [1.0, 0.999, np.nan]}, index=["A1", "B1", "C1"])
    >>> presence(lq)["C10"].tolist()
    [1.0, 0.0, nan]
    """
    _require(lq, pd.DataFrame, "lq", "a region x industry DataFrame of LQs")
    values = _numeric(lq, "lq").to_numpy(dtype=float)
    out = (values >= threshold).astype(float)
    out[np.isnan(values)] = np.nan
    return pd.DataFrame(out, index=lq.index, columns=lq.columns, copy=False)


def krugman(matrix: pd.DataFrame, reference=None, fill: float | None = None) -> pd.DataFrame:
    """Krugman dissimilarity index and specialisation coefficient.

    ``K_r = sum_i |s_ri - s^ref_i|`` (0..2); the specialisation coefficient is ``K_r / 2``
    (0 = same structure as the reference, 1 = no industry in common).

    Parameters
    ----------
    matrix, reference, fill
        As in :func:`location_quotient`.

    Returns
    -------
    DataFrame
        Index = regions; columns ``krugman`` (K) and ``coefficient`` (K/2); NaN for a region with
        no known employment or none in the industries the reference observes.

    References
    ----------
    Krugman (1991), Geography and Trade, MIT Press.

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, 0.0], "C20": [0.0, 1.0]}, index=["A1", "B1"])
    >>> krugman(x)["krugman"].tolist()
    [1.0, 1.0]
    """
    matrix = _check(matrix, fill)
    k = _rowsum(np.abs(_shares(matrix.to_numpy()) - _reference_shares(matrix, reference)))
    return pd.DataFrame({"krugman": k, "coefficient": k / 2}, index=matrix.index)


def hachman(matrix: pd.DataFrame, reference=None, fill: float | None = None) -> pd.Series:
    """Hachman index ``HI_r = 1 / sum_i s_ri LQ_ri`` (1 = same structure as the reference).

    Parameters
    ----------
    matrix, reference, fill
        As in :func:`location_quotient`.

    Returns
    -------
    Series
        By region, in (0, 1]; NaN for a region with no known employment.

    References
    ----------
    Hachman (1995); Isserman (1977), The location quotient approach to estimating regional
    economic impacts.

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, 3.0], "C20": [3.0, 1.0]}, index=["A1", "B1"])
    >>> hachman(x).round(3).tolist()
    [0.8, 0.8]
    """
    matrix = _check(matrix, fill)
    s = _shares(matrix.to_numpy())
    lq = _divide(s, _reference_shares(matrix, reference))
    total = np.nansum(s * lq, axis=1)
    return pd.Series(_divide(1.0, total), index=matrix.index, name="hachman")


def herfindahl(matrix: pd.DataFrame, fill: float | None = None) -> pd.Series:
    """Herfindahl concentration ``H_r = sum_i s_ri^2`` (1/n for n equal industries, 1 for one; NaN
    for a region with no known employment).

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, 1.0, 0.0], "C20": [1.0, 0.0, 0.0]}, index=["A1", "B1", "C1"])
    >>> herfindahl(x).tolist()
    [0.5, 1.0, nan]
    """
    s = shares(matrix, fill).to_numpy()
    return pd.Series(_rowsum(s**2), index=matrix.index, name="herfindahl")


def entropy(matrix: pd.DataFrame, fill: float | None = None) -> pd.Series:
    """Shannon entropy in bits ``E_r = -sum_i s_ri log2 s_ri`` (zero shares contribute 0; NaN for a
    region with no known employment).

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0, 1.0, 0.0], "C20": [1.0, 0.0, 0.0]}, index=["A1", "B1", "C1"])
    >>> entropy(x).tolist()
    [1.0, 0.0, nan]
    """
    s = shares(matrix, fill).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, -s * np.log2(s), s)  # a zero share gives 0, a missing one NaN
    return pd.Series(_rowsum(terms), index=matrix.index, name="entropy")


def growth(m0: pd.DataFrame, m1: pd.DataFrame, years: float | None = None) -> pd.DataFrame:
    """Employment growth between two matrices, cell by cell.

    ``g_ri = x1_ri / x0_ri - 1``; with ``years`` the compound annual rate
    ``(x1_ri / x0_ri) ** (1 / years) - 1``. Rows and columns are aligned (union); NaN where
    either year is missing or the first-year value is 0.

    Examples
    --------
    >>> a = pd.DataFrame({"C10": [100.0]}, index=["A1"])
    >>> growth(a, a * 1.21, years=2).round(4)["C10"].tolist()
    [0.1]
    """
    x0, x1 = _check(m0, name="m0").align(_check(m1, name="m1"))
    ratio = _divide(x1.to_numpy(), x0.to_numpy())
    out = ratio - 1 if years is None else ratio ** (1.0 / years) - 1
    return pd.DataFrame(out, index=x0.index, columns=x0.columns)


def transitions(m0: pd.DataFrame, m1: pd.DataFrame) -> pd.DataFrame:
    """Entry and exit of specialisations between two presence matrices.

    Each cell is labelled ``"entry"`` (0 -> 1), ``"exit"`` (1 -> 0), ``"stay"`` (1 -> 1),
    ``"absent"`` (0 -> 0), or missing when either year is missing. Count per region with
    ``(t == "entry").sum(axis=1)``, per industry with ``axis=0``.

    Parameters
    ----------
    m0, m1 : DataFrame
        Presence (0/1/NaN) in the first and the second year; aligned on the union of labels.

    Returns
    -------
    DataFrame
        Object labels, same index/columns as the aligned inputs.

    Examples
    --------
    >>> m0 = pd.DataFrame({"C10": [0.0, 1.0], "C20": [1.0, 0.0]}, index=["A1", "B1"])
    >>> m1 = pd.DataFrame({"C10": [1.0, 1.0], "C20": [0.0, np.nan]}, index=["A1", "B1"])
    >>> transitions(m0, m1).loc["A1"].tolist()
    ['entry', 'exit']
    """
    f0, f1 = (_numeric(_require(m, pd.DataFrame, name, "a region x industry presence DataFrame"), name)
              for m, name in ((m0, "m0"), (m1, "m1")))
    f0, f1 = f0.align(f1)
    a, b = f0.to_numpy(), f1.to_numpy()
    labels = np.select(
        [np.isnan(a) | np.isnan(b), (a == 0) & (b == 1), (a == 1) & (b == 0), (a == 1) & (b == 1)],
        [None, "entry", "exit", "stay"],
        default="absent",
    )
    return pd.DataFrame(labels, index=f0.index, columns=f0.columns)
