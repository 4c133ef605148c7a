"""Related and unrelated variety (Frenken, Van Oort & Verburg 2007).

With fine-level shares ``p_i`` of a region's employment (e.g. NACE divisions) and
coarse groups ``g`` (e.g. NACE sections), ``P_g = sum_{i in g} p_i``:

* variety            ``E  = sum_i p_i log2(1 / p_i)``
* unrelated variety  ``UV = sum_g P_g log2(1 / P_g)``
* related variety    ``RV = sum_g P_g H_g``, ``H_g = sum_{i in g} (p_i / P_g) log2(P_g / p_i)``

and ``E = UV + RV`` exactly for every region. Shares are taken over the region's
observed cells (missing cells are excluded, not zero; see :mod:`s3lib.measures.specialisation`);
a region with no known employment (every cell 0 or missing) gets NaN, not 0.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from s3lib.errors import InputError, UsageError
from s3lib.measures._util import require as _require
from s3lib.measures.specialisation import shares

#: NACE sections: the first letter of a Eurostat NACE code (``"C10"`` is in section ``C``).
SECTIONS = "ABCDEFGHIJKLMNOPQRSTU"

__all__ = ["SECTIONS", "decompose", "section_of"]


def section_of(codes) -> pd.Series:
    """Default two-level hierarchy: a Eurostat NACE code's section is its first letter.

    Examples
    --------
    >>> section_of(["C10", "C20", "G46"]).tolist()
    ['C', 'C', 'G']

    Codes that do not start with a section letter (``"10"``, a numeric division code) are refused:
    their first character is no section.
    """
    return _sections(codes, "codes", "")


def _sections(codes, name: str, hint: str) -> pd.Series:
    codes = pd.Index(codes).astype(str)
    first = codes.str[0]
    bad = ~first.isin(list(SECTIONS))
    if bad.any():
        shown = ", ".join(repr(c) for c in codes[bad][:4]) + (" ..." if bad.sum() > 4 else "")
        raise UsageError(f"{name}: {bad.sum()} codes are not Eurostat NACE codes ({shown}); expected codes "
                         f"that start with their section letter A-U (e.g. 'C10', 'G46'){hint}")
    return pd.Series(first, index=codes, name="group")


def _groups(columns: pd.Index, hierarchy) -> pd.Series:
    if hierarchy is None:
        return _sections(columns, "matrix columns",
                         ", or give hierarchy= (a dict or Series mapping each industry to its group)")
    if isinstance(hierarchy, Mapping):
        hierarchy = pd.Series(dict(hierarchy))
    if not isinstance(hierarchy, pd.Series):
        raise InputError("hierarchy must be None (NACE section), a dict or a Series mapping industry -> group, "
                         f"not {type(hierarchy).__name__}")
    if not hierarchy.index.is_unique:
        raise UsageError("hierarchy maps some industries twice; expected one group per industry")
    groups = hierarchy.reindex(columns)
    missing = groups.index[groups.isna()]
    if len(missing):
        raise UsageError(f"hierarchy has no group for {len(missing)} industries: {', '.join(map(str, missing[:8]))}; "
                         "expected a group for every column of matrix")
    return groups


def decompose(matrix: pd.DataFrame, hierarchy=None, fill: float | None = None) -> pd.DataFrame:
    """Variety, related variety and unrelated variety per region, in bits.

    Parameters
    ----------
    matrix : DataFrame
        Region x industry counts at the fine level (NaN = missing, excluded from shares).
    hierarchy : None, dict or Series, default None
        Fine industry -> coarse group. ``None`` uses the NACE section given by the first
        letter of a Eurostat code (``"C10" -> "C"``; other codes, such as ``"10"``, are refused).
        Every column must have a group.
    fill : float, optional
        Fill missing cells before computing.

    Returns
    -------
    DataFrame
        Index = regions; columns ``variety``, ``related``, ``unrelated`` with
        ``variety == related + unrelated`` (to rounding error); NaN for a region with no known
        employment.

    References
    ----------
    Frenken, K., Van Oort, F. and Verburg, T. (2007). Related variety, unrelated variety and
    regional economic growth. Regional Studies 41(5), 685-697.

    Examples
    --------
    >>> x = pd.DataFrame({"C10": [1.0], "C20": [1.0], "G46": [2.0]}, index=["A1"])
    >>> decompose(x).loc["A1"].tolist()
    [1.5, 0.5, 1.0]
    """
    _require(matrix, pd.DataFrame, "matrix", "a region x industry DataFrame of counts")
    groups = _groups(matrix.columns, hierarchy)
    p = shares(matrix, fill).to_numpy()
    empty = np.isnan(p).all(axis=1)  # no known employment: no variety to measure (NaN, not 0)
    p = np.nan_to_num(p)
    codes, uniques = pd.factorize(groups)
    indicator = np.zeros((len(codes), len(uniques)))
    indicator[np.arange(len(codes)), codes] = 1.0
    big_p = p @ indicator  # P_g per region
    p_of_group = big_p[:, codes]  # P_g(i) aligned on the fine columns
    with np.errstate(divide="ignore", invalid="ignore"):
        variety = np.where(p > 0, -p * np.log2(p), 0.0).sum(axis=1)
        unrelated = np.where(big_p > 0, -big_p * np.log2(big_p), 0.0).sum(axis=1)
        related = np.where(p > 0, p * np.log2(p_of_group / p), 0.0).sum(axis=1)
    for values in (variety, related, unrelated):
        values[empty] = np.nan
    return pd.DataFrame({"variety": variety, "related": related, "unrelated": unrelated}, index=matrix.index)
