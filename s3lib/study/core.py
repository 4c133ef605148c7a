"""The study object: one activity space, level, year and cluster scheme, computed once.

Every notebook, the card, the explorer and the atlas ask the same questions of the same EU-wide
matrices. :class:`Study` builds them once, behind one cache, and :meth:`Study.at` gives the view
of one place (:class:`s3lib.study.view.PlaceView`)::

    from s3lib.study import Study
    study = Study(space="sbs", level=2, year=2014, scheme="uscmp")
    frankfurt = study.at("Frankfurt am Main")      # a Place, a name or a code
    frankfurt.portfolio.head()                     # clusters of DE71
    frankfurt.summary.eci_rank                     # typed summary

The rules, stated once for the whole suite:

Counts
    The activity space's region x activity matrix of all regions of the level (:mod:`s3lib.study.spaces`;
    for ``"sbs"``: persons employed, EU28 + NO, extra-regio rows left out). By default a
    confidential cell is **estimated** from its parent (the NUTS1 or national value of the same
    division minus the published children, shared by each child's unexplained employment in the
    section: :func:`s3lib.study.spaces.sbs_estimates`), flagged in :attr:`Study.estimated` and counted in
    every place's notes; ``Study(..., estimate=False)`` keeps them missing. Cells still missing are
    missing, not zero: shares and LQs use each region's known cells.
Specialisation
    LQ against the sum of **all** regions of the level; presence ``M_ri = 1`` if ``LQ_ri >= 1``.
Sample rule (relatedness, complexity, percentiles)
    The regions with at least ``min_coverage`` (default 50 %) of the activities observed
    (:attr:`Study.sample`): a region with many confidential cells would otherwise look
    unspecialised. The regions of the case places are always kept; :attr:`Study.notes` names any
    below the threshold. Co-location proximity (Hidalgo et al. 2007) over the sample; relatedness
    density without the self-term (Stata ``ecomplexity`` convention) for every region; a missing
    cell counts as "not specialised" in relatedness and complexity.
Complexity
    ECI/PCI by the symmetric eigen form with Stata's standardisation
    (:func:`s3lib.measures.complexity.eci_pci`), over the sample, **oriented by log GDP per head
    (PPS) of the same year** where the space provides it, instead of by diversity. On the business
    statistics the diversity rule makes apparel, leather and coal mining the most complex
    divisions and the ECI correlates about -0.5 with GDP per head (the data lack finance and
    public services, in which rich regions specialise). Orienting by income fixes only the sign.
Clusters
    Cluster employment, LQ (region totals as denominators), Cluster Observatory stars and US CMP
    strong flags of every region (:func:`s3lib.measures.clusters.portfolio_table`); links from the
    US CMP related clusters for the ``uscmp`` scheme, else from the study's co-location proximity.

Cache
    One dictionary, keyed by (sha256 of the snapshot manifest, data folder, space, level, year,
    scheme, sample rule): ``Study(...)`` with the same arguments on the same snapshot returns the
    same object, whose parts are computed on first use. :func:`clear_cache` (also called by
    :func:`s3lib.data._store.clear_cache`) forgets it; a changed snapshot has a new key anyway.
"""
from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd

from s3lib.data import _store
from s3lib.errors import UsageError
from s3lib.study import spaces

__all__ = ["MIN_COVERAGE", "Changes", "Study", "case_regions", "clear_cache", "default_year"]

#: Minimum share of the activities a region must have observed to enter the sample.
MIN_COVERAGE = 0.5

_CACHE: dict = {}


def clear_cache() -> None:
    """Forget every computed study (the data snapshot's own caches are :func:`s3lib.data._store.clear_cache`)."""
    _CACHE.clear()


_store.on_clear(clear_cache)


def _cached(key, build):
    if key not in _CACHE:
        _CACHE[key] = build()
    return _CACHE[key]


def case_regions(level: int = 2) -> list[str]:
    """The NUTS codes of the registered case places at ``level`` (always kept in the sample)."""
    from s3lib import data

    table = data.places()
    column = f"nuts{level}" if level in (1, 2, 3) else "country"
    return sorted(set(table[column].dropna()) - {""})


def default_year(place, level: int = 2) -> tuple[int, str]:
    """The latest year with full coverage for a place in the business statistics, and a sentence saying so.

    Full coverage: the place's region has persons employed for at least :data:`MIN_COVERAGE` of the
    divisions **and** local units (which the US CMP strong-cluster rule needs). 2015 has local units
    for 17 countries only, so Bordeaux, Turin and Bucharest get 2014 and Frankfurt 2015.

    >>> default_year("bordeaux")                                  # doctest: +SKIP
    (2014, 'year 2014: the latest with persons employed and local units for FRI1 (2015 lacks local units)')
    """
    from s3lib import data

    p = data.require_level(place, level)
    code = p.code if p.level == level else getattr(p, f"nuts{level}")
    import pandas as pd

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


class _Base:
    """The scheme-free part of a study: counts, sample, LQ, presence, relatedness, complexity."""

    def __init__(self, space, level: int, year: int, min_coverage: float, estimate: bool):
        self.space, self.level, self.year, self.min_coverage = space, level, year, min_coverage
        self.estimate = estimate
        self._complexities = {}

    @cached_property
    def observed(self) -> pd.DataFrame:
        return self.space.counts(self.level, self.year)

    def _estimates(self, indicator: str, observed: pd.DataFrame) -> pd.DataFrame:
        est = self.space.estimates(self.level, self.year, indicator) if self.estimate else None
        if est is None:
            return pd.DataFrame(np.nan, index=observed.index, columns=observed.columns)
        return est.reindex(index=observed.index, columns=observed.columns).where(observed.isna())

    @cached_property
    def estimated(self) -> pd.DataFrame:
        """True where a count is an estimate of a confidential cell."""
        return self._estimates("persons", self.observed).notna()

    @cached_property
    def counts(self) -> pd.DataFrame:
        return self.observed.fillna(self._estimates("persons", self.observed))

    @cached_property
    def units(self) -> pd.DataFrame:
        units = self.space.establishments(self.level, self.year)
        if units is None:
            return pd.DataFrame(np.nan, index=self.observed.index, columns=self.observed.columns)
        units = units.reindex(index=self.observed.index, columns=self.observed.columns)
        return units.fillna(self._estimates("local_units", units))

    @cached_property
    def _sample_and_notes(self):
        from s3lib.measures.specialisation import covered_regions

        keep = [r for r in case_regions(self.level) if r in self.observed.index]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sample = covered_regions(self.observed, min_coverage=self.min_coverage, keep=keep)
        return sample, tuple(str(w.message) for w in caught)

    @cached_property
    def lq(self) -> pd.DataFrame:
        from s3lib.measures.specialisation import location_quotient

        return location_quotient(self.counts)

    @cached_property
    def presence(self) -> pd.DataFrame:
        from s3lib.measures.specialisation import presence

        return presence(self.lq)

    @cached_property
    def proximity(self) -> pd.DataFrame:
        from s3lib.measures.relatedness import proximity

        return proximity(self.presence.loc[self._sample_and_notes[0]])

    @cached_property
    def density(self) -> pd.DataFrame:
        from s3lib.measures.relatedness import density

        return density(self.presence, self.proximity)

    @cached_property
    def traded(self) -> pd.Series:
        return self.space.traded(self.counts.columns)

    def complexity(self, traded: bool = True):
        """``(eci, pci, sentence)`` over the sample, on the traded activities or on all of them."""
        from s3lib.measures.complexity import eci_pci

        key = "traded" if traded and not self.traded.all() else "all"
        if key not in self._complexities:
            sample = self._sample_and_notes[0]
            orient, text = self.space.orientation(self.level, self.year, sample)
            columns = self.counts.columns[self.traded.to_numpy()] if key == "traded" else self.counts.columns
            eci, pci = eci_pci(self.presence.loc[sample, columns], orient=orient)
            if key == "traded":
                text += f"; on the {len(columns)} traded {self.space.activities} (US CMP traded/local split)"
            self._complexities[key] = (eci.reindex(self.counts.index), pci, text)
        return self._complexities[key]

    @cached_property
    def _complexity(self):
        return self.complexity(traded=True)

    @cached_property
    def structure(self) -> pd.DataFrame:
        from s3lib.measures.specialisation import herfindahl, krugman
        from s3lib.measures.variety import decompose

        x, sample = self.counts, self._sample_and_notes[0]
        out = pd.concat([krugman(x)["coefficient"].rename("krugman"), herfindahl(x),
                         decompose(x, hierarchy=self.space.groups(x.columns))], axis=1)
        for column in ("variety", "related", "unrelated"):  # percentiles among the well-covered sample
            out[f"{column}_pct"] = 100 * out.loc[sample, column].rank(pct=True)
        eci = self._complexity[0]
        out["eci"] = eci
        out["eci_rank"] = eci.rank(ascending=False, method="min")
        return out


class Study:
    """An activity space at one NUTS level and year, with one cluster scheme and one sample rule.

    Parameters
    ----------
    space : str or ActivitySpace, default ``"sbs"``
        The activity space (:mod:`s3lib.study.spaces`).
    level : int, default 2
        NUTS level of the regions.
    year : int, default 2014
    scheme : str, path or ClusterScheme, default ``"uscmp"``
        Cluster scheme (:func:`s3lib.study.schemes.get`).
    min_coverage : float, default :data:`MIN_COVERAGE`
        Sample rule: the minimum observed share of the activities.
    estimate : bool, default True
        Estimate confidential cells from their parents where the space has a rule
        (:meth:`s3lib.study.spaces.ActivitySpace.estimates`; for ``"sbs"``: :func:`s3lib.study.spaces.sbs_estimates`).
        ``False`` keeps them missing.

    ``Study(...)`` returns the cached study for the same arguments and snapshot. Every attribute
    below is computed on first use.

    Attributes
    ----------
    counts : region x activity counts of all regions (NaN = missing), confidential cells estimated.
    observed, estimated : the published counts only; True where ``counts`` holds an estimate.
    sample : regions of the sample rule; ``notes`` says which case regions it kept below the threshold.
    lq, presence : LQ against all regions of the level; ``M = 1`` if ``LQ >= 1`` (NaN where missing).
    proximity, density : co-location proximity over the sample; relatedness density of every region.
    eci, pci, orientation : complexity over the sample and how its sign was set.
    structure : region x (krugman, herfindahl, variety, related, unrelated, their EU percentiles
        ``*_pct`` among the sample, eci, eci_rank).
    scheme : the :class:`~s3lib.measures.clusters.ClusterScheme`.
    portfolios : every region's cluster portfolio (index region, cluster).
    cluster_lq : region x cluster LQ.
    network, bridging : the related-cluster network of the scheme and its betweenness table.
    colocation_network : the scheme's clusters linked by the study's co-location proximity.

    Examples
    --------
    >>> s = Study(year=2014)                              # doctest: +SKIP
    >>> s is Study("sbs", 2, 2014, "uscmp")               # doctest: +SKIP
    True
    >>> s.at("frankfurt").summary.region                  # doctest: +SKIP
    'DE71'
    """

    def __new__(cls, space="sbs", level: int = 2, year: int = 2014, scheme="uscmp",
                min_coverage: float = MIN_COVERAGE, estimate: bool = True):
        from s3lib.study import schemes

        space = spaces.get(space)
        level, year = int(level), int(year)
        space.check(level, year)
        folder = _store.data_dir()
        estimate = bool(estimate)
        base_key = (_store.manifest_sha(folder), str(folder), space.key, level, year, float(min_coverage), estimate)
        key = (*base_key, schemes.key(scheme))

        def build():
            self = object.__new__(cls)
            self.space, self.level, self.year, self.min_coverage = space, level, year, float(min_coverage)
            self.scheme_arg, self.key, self.estimate = scheme, key, estimate
            self._base = _cached(base_key, lambda: _Base(space, level, year, float(min_coverage), estimate))
            self._views = {}
            self._changes = {}
            return self

        return _cached(key, build)

    def __repr__(self) -> str:
        return f"Study(space={self.space.key!r}, level={self.level}, year={self.year}, scheme={self.scheme.name!r})"

    # ------------------------------------------------------------------ the activity space
    @property
    def counts(self) -> pd.DataFrame:
        return self._base.counts

    @property
    def observed(self) -> pd.DataFrame:
        return self._base.observed

    @property
    def estimated(self) -> pd.DataFrame:
        return self._base.estimated

    @property
    def sample(self) -> pd.Index:
        return self._base._sample_and_notes[0]

    @property
    def notes(self) -> tuple:
        return self._base._sample_and_notes[1]

    @property
    def lq(self) -> pd.DataFrame:
        return self._base.lq

    @property
    def presence(self) -> pd.DataFrame:
        return self._base.presence

    @property
    def proximity(self) -> pd.DataFrame:
        return self._base.proximity

    @property
    def density(self) -> pd.DataFrame:
        return self._base.density

    @property
    def eci(self) -> pd.Series:
        return self._base._complexity[0]

    @property
    def pci(self) -> pd.Series:
        return self._base._complexity[1]

    @property
    def orientation(self) -> str:
        return self._base._complexity[2]

    @property
    def structure(self) -> pd.DataFrame:
        return self._base.structure

    def describe(self) -> str:
        """One sentence on the sample, for figure source lines and notebook prose."""
        return (f"LQ vs all {len(self.counts)} NUTS{self.level} regions in {self.space.key.upper()}; relatedness "
                f"and complexity from the {len(self.sample)} with >= {self.min_coverage:.0%} of "
                f"{self.counts.shape[1]} {self.space.activities} observed in {self.year}; {self.orientation}")

    @property
    def traded(self) -> pd.Series:
        """True for the traded activities (:meth:`s3lib.study.spaces.ActivitySpace.traded`)."""
        return self._base.traded

    @cached_property
    def medians(self) -> dict:
        """Density and PCI medians over the candidates of every region of the sample (quadrant split)."""
        from s3lib.measures.opportunities import sample_medians

        sample = self.sample
        return sample_medians(self.presence.loc[sample], self.density.loc[sample], self.pci)

    def candidates(self, region: str, medians: str = "sample") -> pd.DataFrame:
        """A region's diversification candidates (:func:`s3lib.measures.opportunities.candidates`).

        Only traded activities are candidates (the PCI is computed on them; local services such as
        retail or cleaning are never S3 targets: :meth:`local_services` lists them apart).
        Quadrants split at the sample's medians (:attr:`medians`), or at the region's own
        candidates' medians with ``medians="own"``.
        """
        from s3lib.measures.opportunities import candidates

        if medians not in ("sample", "own"):
            raise UsageError(f"medians must be 'sample' or 'own', not {medians!r}")
        return candidates(self.presence, self.proximity, self.pci, region, density=self.density,
                          medians=self.medians if medians == "sample" else None)

    def local_services(self, region: str) -> pd.DataFrame:
        """The region's local (non-traded) activities: ``activity, name, employment, lq, density`` (never candidates)."""
        local = self.counts.columns[~self.traded.to_numpy()]
        names = self.space.names()
        out = pd.DataFrame({"activity": local, "name": local.map(names),
                            "employment": self.counts.loc[region, local].to_numpy(),
                            "lq": self.lq.loc[region, local].to_numpy(),
                            "density": self.density.loc[region, local].to_numpy()})
        return out.sort_values("employment", ascending=False).reset_index(drop=True)

    def validity(self) -> pd.DataFrame:
        """How the complexity ranking behaves, on traded activities and on all of them.

        Rows ``traded`` and ``all``; columns: ``corr_gdp`` (Pearson correlation of the ECI with log
        GDP per head over the sample, where the space has it), ``corr_diversity`` (with the number
        of activities present), and the PCI rank (1 = most complex) of C21, C26, C29, C30 and N81
        (NaN where the activity is not ranked).
        """
        import numpy as np

        sample = self.sample
        orient, _ = self.space.orientation(self.level, self.year, sample)
        diversity = self.presence.loc[sample].sum(axis=1)
        rows = {}
        for key, traded in (("traded", True), ("all", False)):
            eci, pci, _ = self._base.complexity(traded=traded)
            e = eci.reindex(sample)
            row = {"activities": int(pci.notna().sum()),
                   "corr_gdp": float(e.corr(orient)) if orient is not None else np.nan,
                   "corr_diversity": float(e.corr(diversity))}
            ranks = pci.rank(ascending=False, method="min")
            for code in ("C21", "C26", "C29", "C30", "N81"):
                row[f"rank_{code}"] = float(ranks.get(code, np.nan))
            rows[key] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    # ------------------------------------------------------------------ clusters
    @cached_property
    def scheme(self):
        from s3lib.study import schemes

        return schemes.get(self.scheme_arg, study=self)

    @cached_property
    def portfolios(self) -> pd.DataFrame:
        from s3lib.measures.clusters import portfolio_table

        return portfolio_table(self.counts, self._base.units, self.scheme, estimated=self.estimated)

    @cached_property
    def cluster_lq(self) -> pd.DataFrame:
        from s3lib.measures.clusters import cluster_lq, cluster_matrix

        x = self.counts
        return cluster_lq(cluster_matrix(x, self.scheme), total=x.sum(axis=1))

    @cached_property
    def colocation_network(self):
        """The scheme's clusters linked by the study's co-location proximity (top decile related)."""
        from s3lib.measures.links import colocation_network

        return colocation_network(
            self.proximity, self.scheme.weight_matrix(), self.counts.sum(axis=0), year=self.year,
            scheme=self.scheme.name, method=(f"mean co-location phi over {self.space.activity} pairs across clusters, "
                                             f"{self.year}; related = top 10% of cluster pairs by phi"))

    @cached_property
    def network(self):
        """Related clusters: the US CMP network for the ``uscmp`` scheme, else :attr:`colocation_network`."""
        if self.scheme.name == "uscmp":
            from s3lib.measures.links import uscmp_network
            from s3lib.study import schemes

            return uscmp_network(schemes.related_pairs())
        return self.colocation_network

    @cached_property
    def bridging(self) -> pd.DataFrame:
        from s3lib.measures.links import bridging

        return bridging(self.network)

    # ------------------------------------------------------------------ places
    def region(self, place) -> tuple[str, object, str | None]:
        """The row of :attr:`counts` that stands for a place: ``(code, Place, note)``.

        A place finer than the study's level is represented by its region at that level (a city by
        its NUTS2 region); a coarser one is refused with the regions it contains. ``note`` is a
        sentence when the data use another code for the territory (else None).
        """
        from s3lib import data

        p = data.require_level(place, self.level,
                               what="industry figures" if self.space.key == "sbs" else f"{self.space.key} figures")
        if self.space.country and p.country != self.space.country:
            raise UsageError(f"{p.name} ({p.code}) is in {p.country}, but the {self.space.key} activity space covers "
                             f"{self.space.country} only ({self.space.reference}); choose a place in "
                             f"{self.space.country} or the space 'sbs'")
        code = p.code if p.level == self.level else getattr(p, f"nuts{self.level}")
        if code in self.counts.index:
            return code, p, None
        try:
            found, note = data.data_region(code, self.counts.index)
        except UsageError as err:
            raise UsageError(f"no NUTS{self.level} {self.space.key.upper()} data for {code} ({p.name}) in "
                             f"{self.year}: {err}") from None
        if found not in self.counts.index:
            raise UsageError(f"no NUTS{self.level} {self.space.key.upper()} data for {code} ({p.name}) in {self.year}"
                             + (f": {note}" if note else ""))
        return found, p, note

    def at(self, place):
        """The view of one place (:class:`s3lib.study.view.PlaceView`), cached in the study."""
        from s3lib.study.view import PlaceView

        code, p, note = self.region(place)
        key = (p.code, code)
        if key not in self._views:
            self._views[key] = PlaceView(self, p, code, note)
        return self._views[key]

    def table(self, places) -> pd.DataFrame:
        """The scalar summary fields of several places, one row per place (index = place key)."""
        places = [places] if isinstance(places, str) else list(places)
        rows = {}
        for place in places:
            view = self.at(place)
            rows[view.place.key] = view.summary.row()
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "place"
        return out

    # ------------------------------------------------------------------ change over time
    def changes(self, base_year: int, keep=()) -> Changes:
        """Presence in ``base_year`` and in the study's year over the regions observed in both.

        The panel keeps the regions with at least ``min_coverage`` observed in both years, plus the
        case regions and ``keep`` whatever their coverage; each year's LQ is taken against the panel.
        """
        if base_year >= self.year:
            raise UsageError(f"base year ({base_year}) must come before the study year ({self.year})")
        extra = tuple(sorted(set(keep) - set(case_regions(self.level))))
        key = (int(base_year), extra)
        if key not in self._changes:
            self._changes[key] = Changes(self, int(base_year), extra)
        return self._changes[key]


class Changes:
    """Specialisations in two years over a panel of regions (entries, exits, the principle of relatedness).

    Attributes
    ----------
    base_year, year : the two years.
    panel : regions observed with at least the study's ``min_coverage`` in both years (case regions
        and the requested ones kept anyway); ``notes`` names those kept below the threshold.
    counts0, counts1, lq0, lq1, presence0, presence1 : the two years on the panel (LQ against the panel).
    density0 : relatedness density in the base year (proximity of the base year's panel presence).
    principle : entry rates by base-year density quintile (:func:`s3lib.measures.opportunities.principle_of_relatedness`).
    """

    def __init__(self, study: Study, base_year: int, keep: tuple):
        from s3lib.measures.specialisation import (
            covered_regions,
            location_quotient,
            presence,
        )

        self.study, self.base_year, self.year = study, base_year, study.year
        study.space.check(study.level, base_year)
        base = Study(study.space, study.level, base_year, study.scheme_arg, study.min_coverage, study.estimate)
        before = base.counts
        keep = [r for r in (*case_regions(study.level), *keep) if r in before.index or r in study.counts.index]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.panel = covered_regions(base.observed, study.observed, min_coverage=study.min_coverage, keep=keep)
        self.notes = tuple(str(w.message) for w in caught)
        self.counts0, self.counts1 = before.loc[self.panel], study.counts.loc[self.panel]
        self.lq0, self.lq1 = location_quotient(self.counts0), location_quotient(self.counts1)
        self.presence0, self.presence1 = presence(self.lq0), presence(self.lq1)

    @cached_property
    def density0(self) -> pd.DataFrame:
        from s3lib.measures.relatedness import density, proximity

        return density(self.presence0, proximity(self.presence0))

    def transitions(self, region: str) -> pd.Series:
        """``entry``, ``exit``, ``stay``, ``absent`` or NA (missing in a year) per activity of ``region``
        (:func:`s3lib.measures.specialisation.transitions`)."""
        from s3lib.measures.specialisation import transitions

        return transitions(self.presence0.loc[[region]], self.presence1.loc[[region]]).loc[region]

    @cached_property
    def principle(self) -> pd.DataFrame:
        from s3lib.measures.opportunities import principle_of_relatedness

        return principle_of_relatedness(self.presence0, self.presence1, self.density0)
