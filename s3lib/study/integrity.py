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

__all__ = ["CELL_BREAK", "SERIES_BREAK", "break_years", "breaks", "parents_of"]

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
    from s3lib.data import _store
    from s3lib.measures.integrity import BREAK_THRESHOLD

    years = [y for y in space.years if first_year <= y <= last_year]
    rows = []
    for y0, y1 in zip(years, years[1:]):  # each pair of years once per snapshot, whatever the window
        rows += _store.remember(("breaks", space.key, level, y0, y1), lambda y0=y0, y1=y1: _pair(space, level, y0, y1))
    table = pd.DataFrame(rows, columns=["region", "activity", "year", "kind", "cell_ratio", "parent_ratio"])
    notes = []
    series = table[table["kind"] == SERIES_BREAK]
    if len(series):
        by_country = series.groupby(series["region"].str[:2])["year"].agg(lambda y: sorted(set(y)))
        notes.append("Series breaks flagged by the statistical office (flag b): " + "; ".join(
            f"{country} {', '.join(map(str, ys))}" for country, ys in by_country.items()) + ".")
    return Result(table, notes, {"first_year": first_year, "last_year": last_year, "threshold": BREAK_THRESHOLD})


def break_years(table: pd.DataFrame, kind: str = CELL_BREAK) -> pd.Series:
    """The years of each cell's breaks of ``kind`` in words, indexed ``(region, activity)``: ``"2010, 2012"`` (the
    new-path review and the partner search both say which years broke a cell)."""
    hits = table[table["kind"] == kind]
    return hits.groupby(["region", "activity"])["year"].apply(lambda y: ", ".join(map(str, sorted(set(y)))))


def _pair(space, level: int, y0: int, y1: int) -> tuple:
    """The breaks between two consecutive years: ``(region, activity, year, kind, cell_ratio, parent_ratio)`` rows."""
    from s3lib.measures.integrity import co_movement, flagged

    rows = []
    c0, c1 = space.counts(level, y0), space.counts(level, y1)
    parents = [lv for lv in range(level - 1, -1, -1) if lv in space.levels]
    if parents:
        p0 = pd.concat([space.counts(lv, y0) for lv in parents])
        p1 = pd.concat([space.counts(lv, y1) for lv in parents])
        parent_of = parents_of(c0.index, parents)
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
    return tuple(rows)


def parents_of(regions, parent_levels) -> pd.Series:
    """Each region's nearest parent that is more than the region itself: a NUTS1 region with a single NUTS2
    child (Berlin; the Basque Country's ES2 has several) is the same territory, so its country stands in.

    >>> parents_of(["DE30", "DE71", "DE72", "ES21"], [1, 0]).tolist()
    ['DE', 'DE7', 'DE7', 'ES']
    """
    index = pd.Index([str(r) for r in regions])
    parent = pd.Series(index.str[:2], index=index)
    for lv in sorted(lv for lv in parent_levels if lv > 0):  # finer levels override coarser ones
        prefix = pd.Series(index.str[: lv + 2], index=index)
        shared = prefix.map(prefix.value_counts()) > 1
        parent = prefix.where(shared, parent)
    return parent
