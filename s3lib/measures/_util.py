"""Private helpers shared by the measure modules (never imported from outside ``s3lib.measures``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import UsageError

__all__ = ["binary", "check_counts", "divide", "offdiagonal"]


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


def check_counts(matrix: pd.DataFrame, fill: float | None = None) -> pd.DataFrame:
    if not isinstance(matrix, pd.DataFrame):
        raise UsageError(f"expected a region x industry DataFrame, got {type(matrix).__name__}")
    matrix = matrix.astype(float)
    if fill is not None:
        matrix = matrix.fillna(fill)
    if (matrix.to_numpy() < 0).any():
        raise UsageError("the matrix has negative values; employment counts must be >= 0")
    return matrix


def binary(presence: pd.DataFrame) -> np.ndarray:
    if not isinstance(presence, pd.DataFrame):
        raise UsageError(f"expected a region x industry presence DataFrame, got {type(presence).__name__}")
    # C order (pandas often hands out a transposed view): the element-wise steps that follow
    # mix this array with matrix products, which are C order. Callers never write into it.
    values = np.ascontiguousarray(presence.to_numpy(dtype=float))
    if np.isnan(values).any():
        values = np.nan_to_num(values)
    if not ((values == 0.0) | (values == 1.0)).all():
        raise UsageError("presence must hold only 0, 1 or NaN (use specialisation.presence first)")
    return values


def offdiagonal(proximity: pd.DataFrame, labels: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Proximity aligned on ``labels`` (no copy when already aligned) and its diagonal, which
    callers subtract so that ``phi_ii`` never counts (the self-term exclusion)."""
    if not (proximity.index.equals(labels) and proximity.columns.equals(labels)):
        proximity = proximity.reindex(index=labels, columns=labels)
    phi = proximity.to_numpy(dtype=float)
    return phi, np.diag(phi).copy()
