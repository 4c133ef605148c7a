"""Private helpers shared by the measure modules (never imported from outside ``s3lib.measures``).

The checks name the argument they refuse (``matrix``, ``reference``, ``presence``, ``proximity``...),
say what is wrong and what is expected, in one line. They are whole-array numpy reductions (no loop
over cells): only a refused input pays for locating the first bad cell.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import InputError, UsageError

__all__ = ["binary", "check_counts", "check_labels", "check_range", "divide", "numeric", "offdiagonal", "require",
           "rowsum"]


def divide(num, den, fill: float = np.nan, out: np.ndarray | None = None) -> np.ndarray:
    """``num / den`` where ``den > 0``, else ``fill`` (broadcasting; no warnings), into
    ``out`` if given (may be ``num`` itself, never ``den``), else a new array.

    One division over the whole array, then ``fill`` written only where a denominator is
    not positive: cheaper than a masked ``np.divide(where=...)`` into a pre-filled array.
    """
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(np.divide(num, den, out=out))  # 0-d array, not a scalar, for 0-d input
    bad = ~(den > 0)
    if bad.any():
        out[np.broadcast_to(bad, out.shape)] = fill
    return out


def rowsum(values: np.ndarray) -> np.ndarray:
    """Sum of each row's known (non-NaN) values; NaN for a row with none (an empty row has no
    structure to measure: NaN, never 0)."""
    out = np.nansum(values, axis=1)
    empty = np.isnan(values).all(axis=1)
    if empty.any():
        out[empty] = np.nan
    return out


def _some(labels, n: int = 4) -> str:
    labels = list(labels)
    shown = ", ".join(repr(label) for label in labels[:n])
    return shown + (f" and {len(labels) - n} more" if len(labels) > n else "")


def require(value, kind, name: str, what: str):
    """``value`` if it is a ``kind`` (a pandas class), else an :class:`InputError` naming ``name``."""
    if not isinstance(value, kind):
        raise InputError(f"{name} must be {what}, not {type(value).__name__}")
    return value


def numeric(frame, name: str):
    """``frame`` (DataFrame or Series) as float64, or an :class:`InputError` naming the first non-numeric value.

    A frame whose values are float64 (every column float, or ints and floats) is returned as it is: its
    values are read with ``to_numpy()``, which gives float64 without a copy of a float frame.
    """
    if frame.to_numpy().dtype == np.float64:
        return frame
    try:
        return frame.astype(float)
    except (ValueError, TypeError):
        pass
    columns = [frame] if isinstance(frame, pd.Series) else [frame.iloc[:, j] for j in range(frame.shape[1])]
    for column in columns:
        converted = pd.to_numeric(column, errors="coerce")
        bad = converted.isna() & column.notna()
        if bad.any():
            where = f"column {column.name!r}, " if isinstance(frame, pd.DataFrame) else ""
            raise InputError(f"{name} has non-numeric values ({where}e.g. {column[bad].iloc[0]!r} at "
                             f"{column.index[bad.to_numpy()][0]!r}); expected numbers (NaN for a missing value)")
    raise InputError(f"{name} has values that are not numbers; expected numbers (NaN for a missing value)")


def _cell(frame, mask: np.ndarray) -> str:
    """``'row', 'column'`` (or ``'label'``) of the first True cell of ``mask``."""
    at = np.argwhere(mask)[0]
    if mask.ndim == 1:
        return repr(frame.index[at[0]])
    return f"{frame.index[at[0]]!r}, {frame.columns[at[1]]!r}"


def check_range(frame, name: str, what: str = "counts") -> np.ndarray:
    """The values of a float64 ``frame``, or a :class:`UsageError` if any is negative or infinite.
    Two reductions over the array that skip NaN (a missing cell passes)."""
    values = frame.to_numpy()
    if values.size == 0:
        return values
    lo, hi = np.fmin.reduce(values, axis=None), np.fmax.reduce(values, axis=None)
    if lo < 0:
        raise UsageError(f"{name} has negative values ({lo:g} at {_cell(frame, values < 0)}); "
                         f"expected {what} >= 0 (NaN for a missing cell)")
    if hi == np.inf:
        raise UsageError(f"{name} has infinite values (at {_cell(frame, np.isinf(values))}); "
                         f"expected finite {what} (NaN for a missing cell)")
    return values


def check_counts(matrix: pd.DataFrame, fill: float | None = None, name: str = "matrix") -> pd.DataFrame:
    """A region x industry count matrix as float64 (missing cells filled with ``fill`` if given), or an
    error naming ``name``: not a DataFrame, non-numeric, negative or infinite values. NaN (a
    missing, e.g. confidential, cell) is allowed."""
    matrix = numeric(require(matrix, pd.DataFrame, name, "a region x industry DataFrame of counts"), name)
    if fill is not None:
        matrix = matrix.fillna(fill)
    check_range(matrix, name)
    return matrix


def check_labels(labels: pd.Index, have: pd.Index, name: str, other: str, what: str = "industries") -> None:
    """A :class:`UsageError` unless ``have`` (the labels of argument ``name``) holds every label of
    ``labels`` (those of argument ``other``), each once; ``what`` names the labels (plural)."""
    found = labels.isin(have)
    if not found.all():
        if not found.any():
            raise UsageError(f"{name} has none of the {what} of {other} ({name}: {_some(have)}; {other}: "
                             f"{_some(labels)}); expected all {len(labels)} {what} of {other}")
        raise UsageError(f"{name} lacks {(~found).sum()} of the {len(labels)} {what} of {other} "
                         f"({_some(labels[~found])}); expected all {len(labels)} {what} of {other}")
    if not have.is_unique:
        raise UsageError(f"{name} has duplicate {what} ({_some(have[have.duplicated()].unique())}); "
                         "expected each one once")


def binary(presence: pd.DataFrame, name: str = "presence") -> np.ndarray:
    require(presence, pd.DataFrame, name, "a region x industry presence DataFrame (0/1, NaN for missing)")
    # C order (pandas often hands out a transposed view): the element-wise steps that follow
    # mix this array with matrix products, which are C order. Callers never write into it.
    try:
        values = np.ascontiguousarray(presence.to_numpy(dtype=float))
    except (ValueError, TypeError):
        numeric(presence, name)  # raises, naming the first value that is not a number
        raise
    if np.isnan(values).any():
        values = np.nan_to_num(values)
    if not ((values == 0.0) | (values == 1.0)).all():
        raise UsageError(f"{name} must hold only 0, 1 or NaN (use specialisation.presence first)")
    return values


def offdiagonal(proximity: pd.DataFrame, labels: pd.Index, name: str = "proximity",
                other: str = "presence") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Proximity aligned on ``labels`` (no copy when already aligned), its diagonal, which callers
    subtract so that ``phi_ii`` never counts (the self-term exclusion), and its column sums without
    the diagonal ``sum_{k != j} phi_kj``.

    Refused, naming ``name``: not a DataFrame; an index or columns lacking some of ``labels`` (the
    industries of ``other``); non-numeric, missing, negative or infinite values. One reduction
    (the minimum) checks the values; infinities show in the column sums, which callers need anyway.
    """
    require(proximity, pd.DataFrame, name, "an industry x industry DataFrame (e.g. relatedness.proximity(presence))")
    if not (proximity.index.equals(labels) and proximity.columns.equals(labels)):
        check_labels(labels, proximity.index, f"{name} (rows)", other)
        check_labels(labels, proximity.columns, f"{name} (columns)", other)
        proximity = proximity.reindex(index=labels, columns=labels)
    phi = numeric(proximity, name).to_numpy(dtype=float)
    diagonal = np.diag(phi).copy()
    if phi.size:
        lo = phi.min()
        if np.isnan(lo):
            raise UsageError(f"{name} has missing values (NaN at {_cell(proximity, np.isnan(phi))}); "
                             "expected a proximity for every pair of industries")
        if lo < 0:
            raise UsageError(f"{name} has negative values ({lo:g} at {_cell(proximity, phi < 0)}); "
                             "expected proximities >= 0")
    totals = phi.sum(axis=0) - diagonal
    if not np.isfinite(totals).all():
        raise UsageError(f"{name} has infinite values (at {_cell(proximity, np.isinf(phi))}); "
                         "expected finite proximities")
    return phi, diagonal, totals
