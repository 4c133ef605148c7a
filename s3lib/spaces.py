"""Activity spaces: region x activity count matrices with a two-level hierarchy.

An activity space is what a :class:`s3lib.study.Study` computes on: for a NUTS level and a
year, a matrix of counts (rows = regions, columns = activities, NaN = missing, never zero),
the coarse group of each activity (for related variety), readable names, the establishments
where the source has them (for the US CMP strong-cluster rule), and the words and source line
that figures need. Nothing in the study assumes NACE: a space brings its own hierarchy.

Built in:

* ``"sbs"``: Eurostat structural business statistics (``sbs_r_nuts06_r2``), persons employed by
  NUTS 0/1/2 region x 68 NACE Rev. 2 divisions (within sections), 2008-2015, local units as
  establishments (:func:`s3lib.data.eu_matrix`: EU28 + NO, extra-regio rows and regions without
  any observed cell left out).

Examples
--------
>>> sbs = get("sbs")
>>> sbs.activity, sbs.group
('NACE division', 'NACE section')
>>> sbs.counts(2, 2014).loc["DE71", "C20"]              # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from s3lib.data.sources import SOURCE_SBS
from s3lib.errors import UnknownChoiceError

__all__ = ["SPACES", "ActivitySpace", "get"]


@dataclass(frozen=True)
class ActivitySpace:
    """A region x activity count matrix source with a two-level activity hierarchy.

    Attributes
    ----------
    key : short name (``"sbs"``).
    title : what the counts are (``"persons employed (Eurostat SBS)"``).
    activity, group : what a column and its coarse group are (``"NACE division"``, ``"NACE section"``).
    levels, years : the NUTS levels and years the source has.
    source : the source line of every figure drawn from the space (dataset and known gaps).
    reference : the reference economy in words (the sum of all regions of the level).
    """

    key: str
    title: str
    activity: str
    group: str
    levels: tuple
    years: tuple
    source: str
    reference: str
    loader: Callable
    establishments_loader: Callable | None
    grouper: Callable
    namer: Callable
    orienter: Callable | None = None

    def check(self, level: int, year: int) -> None:
        """Raise a clear error for a level or year the source does not have."""
        if level not in self.levels:
            raise UnknownChoiceError(f"NUTS level of {self.key}", level, [str(v) for v in self.levels])
        if year not in self.years:
            raise UnknownChoiceError("year", year, [], hint=f"{self.key} has {self.years[0]}-{self.years[-1]}")

    def counts(self, level: int, year: int):
        """Region x activity counts of all regions of ``level`` in ``year`` (NaN = missing)."""
        self.check(level, year)
        return self.loader(level, year)

    def establishments(self, level: int, year: int):
        """Region x activity establishments (local units), or None when the source has none."""
        return None if self.establishments_loader is None else self.establishments_loader(level, year)

    def groups(self, activities):
        """The coarse group of each activity (a Series indexed by activity)."""
        return self.grouper(activities)

    def names(self):
        """Readable activity names (a Series indexed by activity code)."""
        return self.namer()

    def orientation(self, level: int, year: int, regions):
        """``(variable, sentence)``: the regional variable that orients the ECI sign, or
        ``(None, sentence)`` for the diversity rule of Stata ``ecomplexity``."""
        if self.orienter is None:
            return None, "ECI sign oriented by diversity (Stata ecomplexity rule)"
        return self.orienter(level, year, regions)


def _sbs_counts(level: int, year: int):
    from s3lib import data

    return data.eu_matrix(level, year)


def _sbs_units(level: int, year: int):
    from s3lib import data

    return data.eu_matrix(level, year, "local_units")


def _nace_names():
    from s3lib import data

    return data.nace("division").set_index("code")["name"]


def _gdp_per_head(level: int, year: int, regions):
    import numpy as np

    from s3lib import data

    gdp = data.gdp(unit="PPS_EU27_2020_HAB", level=level, year=year).set_index("region")["value"]
    orient = np.log(gdp.reindex(regions).where(lambda v: v > 0))
    return orient, f"ECI sign oriented by log GDP per head (PPS), {int(orient.notna().sum())} regions"


def _sections(activities):
    from s3lib.measures.variety import section_of

    return section_of(activities)


SBS = ActivitySpace(
    key="sbs",
    title="persons employed (Eurostat structural business statistics)",
    activity="NACE division",
    group="NACE section",
    levels=(0, 1, 2),
    years=tuple(range(2008, 2016)),
    source=SOURCE_SBS,
    reference="all regions of the level in the business statistics (EU28 + NO)",
    loader=_sbs_counts,
    establishments_loader=_sbs_units,
    grouper=_sections,
    namer=_nace_names,
    orienter=_gdp_per_head,
)

#: The activity spaces by key.
SPACES = {"sbs": SBS}


def get(space) -> ActivitySpace:
    """An activity space by key (or the space itself)."""
    if isinstance(space, ActivitySpace):
        return space
    if space not in SPACES:
        raise UnknownChoiceError("activity space", space, list(SPACES))
    return SPACES[space]
