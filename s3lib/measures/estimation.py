"""Confidential cells estimated from their parents: residuals shared by a stated rule.

A region's cell is often confidential (Eurostat flag ``c``) while its parent is published: the
NUTS1 region's value for the same industry, or the country's. The residual of the parent,
``R = P - sum of the observed children``, is what the confidential children hold together.
:func:`share_residuals` shares it among them in proportion to a weight per child (s3lib uses
each child's unexplained employment in the same NACE section: the section total minus its
observed divisions, see :func:`s3lib.study.spaces.sbs_estimates`), equally when no child has a
positive weight. A residual that cannot be read is never turned into zeros: an unknown parent,
or observed children that already exceed their parent (a break or an inconsistent series,
``R < 0``), leave the children **missing**. Properties (tested): estimates are never negative and
never exceed the residual; where the parent and every other child are known and ``R >= 0``,
children plus estimates equal the parent.

Examples
--------
>>> import pandas as pd
>>> children = pd.DataFrame({"H51": [float("nan"), float("nan"), 16.0]}, index=["DE71", "DE72", "DE73"])
>>> parents = pd.DataFrame({"H51": [11462.0]}, index=["DE7"])
>>> weights = pd.DataFrame({"H51": [114961.0, 2652.0, 0.0]}, index=children.index)
>>> est = share_residuals(children, parents, pd.Series("DE7", index=children.index), weights)
>>> est["H51"].round().tolist()
[11188.0, 258.0, nan]
>>> inconsistent = pd.DataFrame({"H51": [12000.0]}, index=["DE7"])   # below its observed children
>>> share_residuals(children.assign(H51=[float("nan"), 13000.0, 16.0]), inconsistent,
...                 pd.Series("DE7", index=children.index))["H51"].tolist()
[nan, nan, nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["share_residuals"]


def share_residuals(children: pd.DataFrame, parents: pd.DataFrame, parent_of: pd.Series,
                    weights: pd.DataFrame | None = None) -> pd.DataFrame:
    """Estimates for the missing cells of ``children`` from the residuals of their parents.

    Parameters
    ----------
    children : child x activity values, NaN = missing (to estimate).
    parents : parent x activity values, NaN = unknown (its children stay missing).
    parent_of : child -> parent code; a child whose parent is not in ``parents`` stays missing.
    weights : child x activity non-negative weights (NaN = 0); None = equal shares.

    Returns
    -------
    DataFrame
        Same shape as ``children``: the estimate where a missing cell was estimated, NaN elsewhere
        (observed cells and cells whose parent is unknown).
    """
    parent_of = parent_of.reindex(children.index)
    if weights is None:
        weights = pd.DataFrame(1.0, index=children.index, columns=children.columns)
    missing = children.isna()
    observed_sum = children.fillna(0.0).groupby(parent_of).sum()
    residual = parents.reindex(index=observed_sum.index, columns=children.columns) - observed_sum
    residual = residual.where(residual >= 0)  # children above their parent: unreadable, never 0
    w = weights.reindex(index=children.index, columns=children.columns).clip(lower=0).fillna(0.0).where(missing, 0.0)
    w_sum = w.groupby(parent_of).sum()
    n_missing = missing.astype(float).groupby(parent_of).sum()
    # per child: its parent's residual, weight total and number of missing siblings
    at = parent_of.to_numpy()
    valid = pd.Index(observed_sum.index).get_indexer(at)
    ok = valid >= 0
    rows = np.where(ok, valid, 0)
    res = np.where(ok[:, None], residual.to_numpy()[rows], np.nan)
    tot = np.where(ok[:, None], w_sum.to_numpy()[rows], 0.0)
    cnt = np.where(ok[:, None], n_missing.to_numpy()[rows], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(tot > 0, w.to_numpy() / tot, 1.0 / cnt)
        est = np.where(missing.to_numpy(), res * share, np.nan)
    return pd.DataFrame(est, index=children.index, columns=children.columns)
