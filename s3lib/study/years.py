"""Which year a place is shown for by default.

The business statistics end in 2015, but 2015 lacks local units (and often most divisions) for
several countries; the US CMP strong-cluster rule needs local units. :func:`default_year` gives the
latest year with both for one place.
"""
from __future__ import annotations

import pandas as pd

from s3lib.errors import UsageError
from s3lib.study.core import MIN_COVERAGE

__all__ = ["default_year"]


def default_year(place, level: int = 2) -> tuple[int, str]:
    """The latest year with full coverage for a place in the business statistics, and a sentence saying so.

    Full coverage: the place's region has persons employed for at least :data:`MIN_COVERAGE` of the
    divisions **and** local units (which the US CMP strong-cluster rule needs). 2015 has local units
    for 17 countries only, so Bordeaux, Turin and Bucharest get 2014 and Frankfurt 2015.

    >>> default_year("bordeaux")
    (2014, 'year 2014: the latest with persons employed and local units for FRI1 (2015 lacks local units or most divisions)')
    """
    from s3lib import data

    p = data.require_level(place, level)
    code = p.code if p.level == level else getattr(p, f"nuts{level}")
    tidy = pd.concat([data.employment(level=level, year=None, indicator=i, countries=[p.country])
                      for i in ("persons", "local_units")])
    region, _ = data.data_region(code, tidy["region"].astype(str).unique())
    rows = tidy[tidy["region"].astype(str) == region]
    persons = rows[rows["indicator"] == "persons"].groupby("year", observed=True)["value"].apply(lambda v: v.notna().mean())
    units = rows[rows["indicator"] == "local_units"].groupby("year", observed=True)["value"].apply(lambda v: v.notna().any())
    full = sorted(int(y) for y in persons.index if persons[y] >= MIN_COVERAGE and bool(units.get(y, False)))
    if not full:
        raise UsageError(f"no year with persons employed and local units for {region} ({p.name})")
    year = full[-1]
    later = [int(y) for y in persons.index if int(y) > year and persons[y] > 0]
    why = f" ({', '.join(map(str, later))} lacks local units or most divisions)" if later else ""
    return year, f"year {year}: the latest with persons employed and local units for {region}{why}"
