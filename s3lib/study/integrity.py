"""Breaks in the series a study reads: cells that no entry, exit or candidate may come from.

:func:`breaks` lists, for the years a piece of advice reads (the study year and the years before it),
the cells of the study's space and level with a **cell break** (the cell and its parent moved
together by at least 50 % in one year: a reclassification, :func:`s3lib.measures.integrity.co_movement`)
or a **series break** (the source's own break flag, :func:`s3lib.measures.integrity.flagged`).
:meth:`s3lib.study.Study.breaks` caches it per window.
"""
from __future__ import annotations

import pandas as pd

from s3lib.result import Result

__all__ = ["CELL_BREAK", "SERIES_BREAK", "breaks"]

CELL_BREAK = "cell break"
SERIES_BREAK = "series break"


def breaks(space, level: int, first_year: int, last_year: int) -> Result:
    """Cells with a break between two consecutive years in ``[first_year, last_year]``.

    Returns
    -------
    Result
        ``table``: ``region, activity, year`` (the later year of the pair), ``kind`` (:data:`CELL_BREAK` or
        :data:`SERIES_BREAK`), ``cell_ratio``, ``parent_ratio`` (value over the year before; NaN for a series
        break); ``params``: ``first_year``, ``last_year``, ``threshold``.
    """
    from s3lib.measures.integrity import BREAK_THRESHOLD, co_movement, flagged

    years = [y for y in space.years if first_year <= y <= last_year]
    rows = []
    for y0, y1 in zip(years, years[1:]):
        c0, c1 = space.counts(level, y0), space.counts(level, y1)
        parents = [lv for lv in range(level - 1, -1, -1) if lv in space.levels]
        if parents:
            p0 = pd.concat([space.counts(lv, y0) for lv in parents])
            p1 = pd.concat([space.counts(lv, y1) for lv in parents])
            parent_of = pd.Series({r: _parent(r, c0.index, level, parents) for r in c0.index})
            hit = co_movement(c0, c1, p0, p1, parent_of)
            for region, activity in zip(*hit.to_numpy().nonzero()):
                r, a = hit.index[region], hit.columns[activity]
                q = parent_of[r]
                rows.append((r, a, y1, CELL_BREAK, c1.at[r, a] / c0.at[r, a], p1.at[q, a] / p0.at[q, a]))
        flags = space.flags(level, y1)
        if flags is not None:
            hit = flagged(flags)
            for region, activity in zip(*hit.to_numpy().nonzero()):
                rows.append((hit.index[region], hit.columns[activity], y1, SERIES_BREAK, float("nan"), float("nan")))
    table = pd.DataFrame(rows, columns=["region", "activity", "year", "kind", "cell_ratio", "parent_ratio"])
    notes = []
    series = table[table["kind"] == SERIES_BREAK]
    if len(series):
        by_country = series.groupby(series["region"].str[:2])["year"].agg(lambda y: sorted(set(y)))
        notes.append("Series breaks flagged by the statistical office (flag b): " + "; ".join(
            f"{country} {', '.join(map(str, ys))}" for country, ys in by_country.items()) + ".")
    return Result(table, notes, {"first_year": first_year, "last_year": last_year, "threshold": BREAK_THRESHOLD})


def _parent(region: str, regions, level: int, parent_levels) -> str:
    """The region's nearest parent that is more than the region itself: a NUTS1 region with a single NUTS2
    child (Berlin, the Basque Country's ES2 has several) is the same territory, so its country stands in."""
    for lv in parent_levels:
        code = region[: lv + 2]
        siblings = [r for r in regions if r.startswith(code)]
        if len(siblings) > 1 or lv == 0:
            return code
    return region[:2]
