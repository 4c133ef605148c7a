"""Which year a place is shown for by default: one year per place, everywhere.

The business statistics end in 2015, but 2015 lacks local units (and often most divisions) for
several countries; the US CMP strong-cluster rule needs local units. A region's default year is the
latest year with both (:func:`default_years` for every region at once, :func:`default_year` for one
place with a sentence saying why). The cards, the notebooks, the explorer and the atlas all start
from it (:func:`place_year`), so one city never shows two years' numbers side by side; a comparison
of several places states its common year instead.
"""
from __future__ import annotations

import pandas as pd

from s3lib.config import MIN_COVERAGE
from s3lib.errors import UsageError

__all__ = ["default_year", "default_years", "place_year"]


def default_years(level: int = 2) -> pd.Series:
    """The default year of every region of ``level``: the latest year in which it has persons employed for
    at least :data:`~s3lib.config.MIN_COVERAGE` of the divisions and local units (index region, int year;
    regions with no such year are absent).

    >>> int(default_years().loc["FRI1"]), int(default_years().loc["DE71"])
    (2014, 2015)
    """
    from s3lib import data
    from s3lib.data import _store

    def compute() -> pd.Series:
        persons = data.coverage(level=level, indicator="persons")
        units = data.coverage(level=level, indicator="local_units")
        full = persons[persons["coverage"] >= MIN_COVERAGE].merge(units[["region", "year"]], on=["region", "year"])
        return full.groupby("region")["year"].max().astype(int)

    return _store.remember(("default_years", level), compute).copy()


def default_year(place, level: int = 2) -> tuple[int, str]:
    """The latest year with full coverage for a place in the business statistics, and a sentence saying so
    (:func:`default_years`). 2015 has local units for 17 countries only, so Bordeaux, Turin and Bucharest get
    2014 and Frankfurt 2015.

    >>> default_year("bordeaux")
    (2014, 'year 2014: the latest with persons employed and local units for FRI1 (2015 lacks local units or most divisions)')
    """
    from s3lib import data

    p = data.require_level(place, level)
    code = p.code if p.level == level else getattr(p, f"nuts{level}")
    years = default_years(level)
    region, _ = data.data_region(code, years.index)
    if region not in years.index:
        raise UsageError(f"no year with persons employed and local units for {region} ({p.name})")
    year = int(years[region])
    published = data.coverage(level=level, indicator="persons")
    later = sorted(int(y) for y in published.loc[published["region"] == region, "year"] if int(y) > year)
    why = f" ({', '.join(map(str, later))} lacks local units or most divisions)" if later else ""
    return year, f"year {year}: the latest with persons employed and local units for {region}{why}"


def place_year(place, year: int | None = None, level: int = 2) -> tuple[int, str]:
    """The year to show a place for: ``year`` when one is chosen, else its :func:`default_year`; with a
    sentence saying which.

    >>> place_year("porto", 2014)
    (2014, 'year 2014, as chosen')
    """
    if year:
        return int(year), f"year {int(year)}, as chosen"
    return default_year(place, level)
