"""The validity gate of a benefit axis: may this ranking of activities be shown as advice?

A diversification chart ranks candidate activities by feasibility (relatedness density) and by a
*benefit* axis: product complexity, fitness-complexity, a wage level... A formula can be right and
its ranking still wrong for the field. Before an axis is shown as advice it must pass three checks,
stated here once and reported whatever they show:

1. **Income**: the regional index of the axis (the ECI, fitness, or the structural wage level of
   a region) correlates with log GDP per head across regions: ``corr >= MIN_CORR_GDP`` (0.5).
2. **Diversity**: it does not fall with diversity (``corr >= MIN_CORR_DIVERSITY``, 0): a capability
   index that is highest in the least diversified regions contradicts its own definition.
3. **Markers**: knowledge-intensive manufacturing ranks above routine services (the marker
   activities of ``data/validity_markers.csv``): the share of (knowledge-intensive, routine)
   pairs ordered that way, an AUC, is at least ``MIN_MARKER_AUC`` (2/3: two pairs in three; 0.5 is a
   coin toss). Without markers the check cannot be made and the gate says so.

Examples
--------
>>> import pandas as pd
>>> scores = pd.Series({"C21": 2.0, "C26": 1.0, "I55": -1.0, "N79": 1.5})
>>> marker_auc(scores, high=["C21", "C26"], low=["I55", "N79"])
0.75
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MIN_CORR_DIVERSITY", "MIN_CORR_GDP", "MIN_MARKER_AUC", "check_axis", "marker_auc"]

#: The regional index must correlate at least this much with log GDP per head.
MIN_CORR_GDP = 0.5
#: ... and at least this much with diversity (the number of activities a region is specialised in).
MIN_CORR_DIVERSITY = 0.0
#: Knowledge-intensive manufacturing must rank above routine services in at least this share of pairs (two in three).
MIN_MARKER_AUC = 2 / 3


def marker_auc(scores: pd.Series, high, low) -> float:
    """Share of (high, low) marker pairs in which the high marker scores above the low one (ties count
    half); NaN when no pair has both scores. 1 = every knowledge-intensive activity ranks above every
    routine one, 0.5 = no separation, 0 = reversed."""
    s = scores.dropna()
    hi = [s[h] for h in high if h in s.index]
    lo = [s[x] for x in low if x in s.index]
    if not hi or not lo:
        return float("nan")
    a, b = np.asarray(hi)[:, None], np.asarray(lo)[None, :]
    return float(((a > b) + 0.5 * (a == b)).mean())


def check_axis(region_index: pd.Series, activity_scores: pd.Series, gdp: pd.Series | None, diversity: pd.Series,
               high=(), low=()) -> dict:
    """The three checks of the gate for one axis (see the module docstring).

    Parameters
    ----------
    region_index : Series
        The axis's index by region (over the regions of the sample).
    activity_scores : Series
        The axis's benefit score by activity (higher = more beneficial).
    gdp : Series or None
        Log GDP per head by region (None: the income check cannot be made).
    diversity : Series
        Number of activities each region is specialised in.
    high, low : lists of activity codes
        Marker activities expected high (knowledge-intensive manufacturing) and low (routine services).

    Returns
    -------
    dict
        ``corr_gdp``, ``corr_diversity``, ``marker_auc``, ``high_median_rank``, ``low_median_rank``
        (1 = most beneficial), ``passes`` (bool) and ``failed`` (the checks that failed or could not be
        made, in words).
    """
    regions = region_index.dropna().index
    corr_gdp = float(region_index.reindex(regions).corr(gdp.reindex(regions))) if gdp is not None else float("nan")
    corr_div = float(region_index.reindex(regions).corr(diversity.reindex(regions)))
    auc = marker_auc(activity_scores, high, low)
    ranks = activity_scores.rank(ascending=False, method="min")
    failed = []
    if np.isnan(corr_gdp):
        failed.append("no GDP per head to check the income correlation")
    elif corr_gdp < MIN_CORR_GDP:
        failed.append(f"correlation with log GDP per head {corr_gdp:.2f} < {MIN_CORR_GDP}")
    if not corr_div >= MIN_CORR_DIVERSITY:
        failed.append(f"correlation with diversity {corr_div:.2f} < {MIN_CORR_DIVERSITY}")
    if np.isnan(auc):
        failed.append("no marker activities ranked on this axis")
    elif auc < MIN_MARKER_AUC:
        failed.append(f"knowledge-intensive manufacturing above routine services in {auc:.0%} of pairs "
                      f"< {MIN_MARKER_AUC:.0%}")
    return {"corr_gdp": corr_gdp, "corr_diversity": corr_div, "marker_auc": auc,
            "high_median_rank": float(ranks.reindex(list(high)).median()),
            "low_median_rank": float(ranks.reindex(list(low)).median()),
            "passes": not failed, "failed": "; ".join(failed)}
