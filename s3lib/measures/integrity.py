"""Data integrity before any measure: breaks in a series that no measure should read as change.

A region's cell can jump because a firm was reclassified, a unit moved between regions, or the
statistical office changed its method. Two signs are read here:

* **a cell break**: the cell and its parent (the NUTS1 region's value of the same activity, or the
  country's) move together by at least ``threshold`` (50 %) from one year to the next, up or down
  (:func:`co_movement`). A real local change moves the region, not its whole parent; a
  reclassification moves both. Darmstadt's telecoms (DE71 J61) fell from 22,214 to 3,820 persons
  in 2011 and Hessen's (DE7) from 22,904 to 4,059: a break, not an exit.
* **a series break**: the statistical office's own flag ``b`` (break in time series) on the cell
  (:func:`flagged`): France flags every 2014 cell of the business statistics, Finland every 2013 one.

Flagged cells never produce entries, exits or diversification candidates (s3lib.study).

Examples
--------
>>> import pandas as pd
>>> y0 = pd.DataFrame({"J61": [22214.0, 600.0], "C20": [36000.0, 900.0]}, index=["DE71", "DE72"])
>>> y1 = pd.DataFrame({"J61": [3820.0, 200.0], "C20": [37000.0, 950.0]}, index=["DE71", "DE72"])
>>> p0 = pd.DataFrame({"J61": [22904.0], "C20": [40000.0]}, index=["DE7"])
>>> p1 = pd.DataFrame({"J61": [4059.0], "C20": [41000.0]}, index=["DE7"])
>>> co_movement(y0, y1, p0, p1, pd.Series({"DE71": "DE7", "DE72": "DE7"})).loc[:, "J61"].tolist()
[True, True]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["BREAK_THRESHOLD", "co_movement", "flagged"]

#: A cell and its parent that both change by at least this share in one year are a break.
BREAK_THRESHOLD = 0.5


def co_movement(cells0: pd.DataFrame, cells1: pd.DataFrame, parents0: pd.DataFrame, parents1: pd.DataFrame,
                parent_of: pd.Series, threshold: float = BREAK_THRESHOLD) -> pd.DataFrame:
    """True where a cell and its parent both rose to at least ``1 + threshold`` times, or both fell to at most
    ``1 - threshold`` times, their value of the year before (published values only: a missing value in either
    year is not a break, it is unknown).

    Parameters
    ----------
    cells0, cells1 : DataFrame
        Region x activity values in the two consecutive years (NaN = missing).
    parents0, parents1 : DataFrame
        Parent region x activity values in the same years.
    parent_of : Series
        Region -> parent code (a region whose parent is unknown is never flagged).
    """
    c0, c1 = cells0.align(cells1, join="inner")
    parent = parent_of.reindex(c0.index)
    p0 = parents0.reindex(index=parent.to_numpy(), columns=c0.columns).to_numpy(dtype=float)
    p1 = parents1.reindex(index=parent.to_numpy(), columns=c0.columns).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rc = c1.to_numpy(dtype=float) / c0.to_numpy(dtype=float)
        rp = p1 / p0
    up = (rc >= 1 + threshold) & (rp >= 1 + threshold)
    down = (rc <= 1 - threshold) & (rp <= 1 - threshold)
    valid = np.isfinite(rc) & np.isfinite(rp) & (c0.to_numpy(dtype=float) > 0) & (p0 > 0)
    return pd.DataFrame(valid & (up | down), index=c0.index, columns=c0.columns)


def flagged(flags: pd.DataFrame, flag: str = "b") -> pd.DataFrame:
    """True where the statistical office's flag string of a cell contains ``flag`` (Eurostat ``b``: a break in
    the time series between this year and the year before).

    >>> flagged(pd.DataFrame({"I55": ["b", "", "cb"]}, index=["FRI1", "DE71", "FI1B"]))["I55"].tolist()
    [True, False, True]
    """
    return flags.fillna("").astype(str).apply(lambda column: column.str.contains(flag, regex=False))
