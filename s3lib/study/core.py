"""The study object: one activity space, level, year and cluster scheme, computed once.

Every notebook, the card, the explorer and the atlas ask the same questions of the same EU-wide
matrices. :class:`Study` builds them once, behind one cache, and :meth:`Study.at` gives the view
of one place (:class:`s3lib.study.view.PlaceView`)::

    from s3lib.study import Study
    study = Study(space="sbs", level=2, year=2014, scheme="uscmp")
    frankfurt = study.at("Frankfurt am Main")      # a Place, a name or a code
    frankfurt.portfolio.head()                     # clusters of DE71
    frankfurt.summary.eci_rank                     # typed summary

Every setting (space, level, year, scheme, sample rule, estimated cells) lives in the study and
carries through to everything computed from it: the view of a place, its RIS3 alignment, city lens,
broad sectors and card all take the study (or the view) they work on, and :meth:`Study.replace`
gives the same study with one setting changed (another level or year, every other setting kept).

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
    One dictionary, keyed by (sha256 of the snapshot manifest, data folder, the space itself, level,
    year, sample rule, estimate flag, scheme): ``Study(...)`` with the same arguments on the same
    snapshot returns the same object, whose parts are computed on first use. The manifest's sha256
    is read again whenever the file changes, so a snapshot rebuilt while a process runs gets new
    studies. :func:`clear_cache` (also called by :func:`s3lib.data._store.clear_cache`) forgets
    them. Frames are handed out as shallow copies: with pandas' copy-on-write, a caller who changes
    one never changes what the next caller gets.
"""
from __future__ import annotations

import numbers
from functools import cached_property

import numpy as np
import pandas as pd

from s3lib.config import MIN_COVERAGE
from s3lib.data import _store
from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.result import Result
from s3lib.result import copy_out as _frame
from s3lib.study import spaces
from s3lib.study.advice import Advice

__all__ = ["MIN_COVERAGE", "Study", "case_regions", "clear_cache"]


_CACHE: dict = {}


def clear_cache() -> None:
    """Forget every computed study (the data snapshot's own caches are :func:`s3lib.data._store.clear_cache`)."""
    _CACHE.clear()


_store.on_clear(clear_cache)


def _remember(key, build):
    if key not in _CACHE:
        _CACHE[key] = build()
    return _CACHE[key]


def case_regions(level: int = 2) -> list[str]:
    """The NUTS codes of the registered case places at ``level`` (always kept in the sample)."""
    from s3lib import data

    table = data.places()
    column = f"nuts{level}" if level in (1, 2, 3) else "country"
    return sorted(set(table[column].dropna()) - {""})


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
    def sample(self) -> Result:
        from s3lib.measures.specialisation import covered_regions

        keep = [r for r in case_regions(self.level) if r in self.observed.index]
        return covered_regions(self.observed, min_coverage=self.min_coverage, keep=keep)

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

        return proximity(self.presence.loc[self.sample.table.index])

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
            sample = self.sample.table.index
            orient, text = self.space.orientation(self.level, self.year, sample)
            columns = self.counts.columns[self.traded.to_numpy()] if key == "traded" else self.counts.columns
            eci, pci = eci_pci(self.presence.loc[sample, columns], orient=orient)
            if key == "traded":
                text += f"; on the {len(columns)} traded {self.space.activities} (US CMP traded/local split)"
            self._complexities[key] = (eci.reindex(self.counts.index), pci, text)
        return self._complexities[key]

    @cached_property
    def structure(self) -> pd.DataFrame:
        from s3lib.measures.specialisation import herfindahl, krugman
        from s3lib.measures.variety import decompose

        x, sample = self.counts, self.sample.table.index
        out = pd.concat([krugman(x)["coefficient"].rename("krugman"), herfindahl(x),
                         decompose(x, hierarchy=self.space.groups(x.columns))], axis=1)
        for column in ("variety", "related", "unrelated"):  # percentiles among the well-covered sample
            out[f"{column}_pct"] = 100 * out.loc[sample, column].rank(pct=True)
        eci = self.complexity(traded=True)[0]
        out["eci"] = eci
        out["eci_rank"] = eci.rank(ascending=False, method="min")
        return out


def _check_arguments(level, year, min_coverage, scheme, estimate) -> tuple[int, int, float, bool]:
    """The study's arguments as the types it uses, or a :class:`UsageError` naming the argument.

    ``level`` and ``year`` are whole numbers (an int, a numpy int or a string of digits; not a bool, a
    float such as 2014.5 or None); ``min_coverage`` a share in (0, 1]; ``estimate`` True or False;
    ``scheme`` a built-in name, a CSV/YAML file that exists or a ClusterScheme (checked here, though the
    scheme itself is built on first use).
    """
    for name, value in (("level", level), ("year", year)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            if not (isinstance(value, str) and value.strip().isdigit()):
                raise UsageError(f"{name} must be a whole number, not {value!r}")
    if isinstance(min_coverage, bool) or not isinstance(min_coverage, numbers.Real) \
            or not 0 < float(min_coverage) <= 1:
        raise UsageError(f"min_coverage must be a share in (0, 1], not {min_coverage!r}")
    if not isinstance(estimate, (bool, np.bool_)):
        raise UsageError(f"estimate must be True or False, not {estimate!r}")
    _check_scheme(scheme)
    return int(level), int(year), float(min_coverage), bool(estimate)


def _check_scheme(scheme) -> None:
    from pathlib import Path

    from s3lib.measures.clusters import ClusterScheme
    from s3lib.study import schemes

    if isinstance(scheme, ClusterScheme):
        return
    hint = "or give a .csv/.yaml mapping file or a ClusterScheme"
    if not isinstance(scheme, (str, Path)):
        raise UnknownChoiceError("cluster scheme", scheme, schemes.SCHEMES, hint=hint)
    if str(scheme).lower() in schemes.SCHEMES:
        return
    path = Path(scheme)
    if path.suffix.lower() not in {".csv", ".yaml", ".yml"}:
        raise UnknownChoiceError("cluster scheme", scheme, schemes.SCHEMES, hint=hint)
    if not path.is_file():
        raise UsageError(f"scheme: cluster mapping file {path} not found; expected a CSV or YAML file "
                         "(columns nace, cluster[, weight])")


class Study(Advice):
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
        Sample rule: the minimum observed share of the activities, in (0, 1].
    estimate : bool, default True
        Estimate confidential cells from their parents where the space has a rule
        (:meth:`s3lib.study.spaces.ActivitySpace.estimates`; for ``"sbs"``: :func:`s3lib.study.spaces.sbs_estimates`).
        ``False`` keeps them missing.

    ``Study(...)`` returns the cached study for the same arguments and snapshot. Every attribute
    below is computed on first use; frames are shallow copies (changing one changes nothing else).

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
    >>> s = Study(year=2014)
    >>> s is Study("sbs", 2, 2014, "uscmp")
    True
    >>> s.at("frankfurt").summary.region
    'DE71'
    >>> s.replace(level=1).settings["level"], s.replace(level=1).settings["estimate"]
    (1, True)
    """

    def __new__(cls, space="sbs", level: int = 2, year: int = 2014, scheme="uscmp",
                min_coverage: float = MIN_COVERAGE, estimate: bool = True):
        from s3lib.study import schemes

        if not isinstance(space, (str, spaces.ActivitySpace)):  # an unhashable list would fail in the lookup
            raise UnknownChoiceError("activity space", space, list(spaces.SPACES))
        space = spaces.get(space)
        level, year, min_coverage, estimate = _check_arguments(level, year, min_coverage, scheme, estimate)
        space.check(level, year)
        folder = _store.data_dir()
        base_key = (_store.manifest_sha(folder), str(folder), space, level, year, min_coverage, estimate)
        key = (*base_key, schemes.key(scheme))

        def build():
            self = object.__new__(cls)
            self.space, self.level, self.year, self.min_coverage = space, level, year, min_coverage
            self.scheme_arg, self.key, self.estimate = scheme, key, estimate
            self._base = _remember(base_key, lambda: _Base(space, level, year, min_coverage, estimate))
            self._views, self._changes, self._reviews, self._breaks = {}, {}, {}, {}
            self._sealed = True
            return self

        return _remember(key, build)

    def __setattr__(self, name, value):
        if getattr(self, "_sealed", False):  # a study is shared by every caller with the same settings
            raise AttributeError(f"a Study cannot be changed ({name}); use study.replace({name}=...)")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return (f"Study(space={self.space.key!r}, level={self.level}, year={self.year}, scheme={self.scheme.name!r}, "
                f"min_coverage={self.min_coverage:g}, estimate={self.estimate})")

    @property
    def settings(self) -> dict:
        """Every argument of the study: ``space, level, year, scheme, min_coverage, estimate``."""
        return {"space": self.space, "level": self.level, "year": self.year, "scheme": self.scheme_arg,
                "min_coverage": self.min_coverage, "estimate": self.estimate}

    def replace(self, **changes) -> Study:
        """The same study with some settings changed (``study.replace(level=1)``, ``replace(year=2010)``);
        every other setting is kept. Unknown names are refused."""
        unknown = sorted(set(changes) - set(self.settings))
        if unknown:
            raise UsageError(f"Study.replace: unknown setting(s) {', '.join(unknown)}; "
                             f"valid: {', '.join(self.settings)}")
        return Study(**{**self.settings, **changes})

    # ------------------------------------------------------------------ the activity space
    @property
    def counts(self) -> pd.DataFrame:
        return _frame(self._base.counts)

    @property
    def observed(self) -> pd.DataFrame:
        return _frame(self._base.observed)

    @property
    def estimated(self) -> pd.DataFrame:
        return _frame(self._base.estimated)

    @property
    def units(self) -> pd.DataFrame:
        """Region x activity establishments (local units; NaN where the space has none), estimated like ``counts``."""
        return _frame(self._base.units)

    @property
    def sample(self) -> pd.Index:
        return _frame(self._base.sample.table.index)

    @property
    def notes(self) -> tuple:
        return self._base.sample.notes

    @property
    def lq(self) -> pd.DataFrame:
        return _frame(self._base.lq)

    @property
    def presence(self) -> pd.DataFrame:
        return _frame(self._base.presence)

    @property
    def proximity(self) -> pd.DataFrame:
        return _frame(self._base.proximity)

    @property
    def density(self) -> pd.DataFrame:
        return _frame(self._base.density)

    @property
    def eci(self) -> pd.Series:
        return _frame(self._base.complexity(traded=True)[0])

    @property
    def pci(self) -> pd.Series:
        return _frame(self._base.complexity(traded=True)[1])

    @property
    def orientation(self) -> str:
        return self._base.complexity(traded=True)[2]

    @property
    def structure(self) -> pd.DataFrame:
        return _frame(self._base.structure)

    def describe(self) -> str:
        """One sentence on the sample, for figure source lines and notebook prose."""
        axis = self.benefit
        return (f"LQ vs all {len(self._base.counts)} NUTS{self.level} regions in {self.space.key.upper()}; relatedness "
                f"and the benefit axis from the {len(self.sample)} with >= {self.min_coverage:.0%} of "
                f"{self._base.counts.shape[1]} {self.space.activities} observed in {self.year}; benefit axis: "
                + (axis.label if axis is not None else "none passes the validity gate"))

    @property
    def traded(self) -> pd.Series:
        """True for the traded activities (:meth:`s3lib.study.spaces.ActivitySpace.traded`)."""
        return _frame(self._base.traded)

    # ------------------------------------------------------------------ clusters
    @cached_property
    def scheme(self):
        from s3lib.study import schemes

        return schemes.get(self.scheme_arg, study=self)

    @cached_property
    def _portfolios(self) -> pd.DataFrame:
        from s3lib.measures.clusters import portfolio_table

        base = self._base
        return portfolio_table(base.counts, base.units, self.scheme, estimated=base.estimated)

    @property
    def portfolios(self) -> pd.DataFrame:
        """Every region's cluster portfolio (index region, cluster)."""
        return _frame(self._portfolios)

    def portfolio_of(self, region: str) -> pd.DataFrame:
        """One region's rows of :attr:`portfolios` (index cluster)."""
        return self._portfolios.xs(region, level="region")

    @cached_property
    def _cluster_lq(self) -> pd.DataFrame:
        from s3lib.measures.clusters import cluster_lq, cluster_matrix

        x = self._base.counts
        return cluster_lq(cluster_matrix(x, self.scheme), total=x.sum(axis=1))

    @property
    def cluster_lq(self) -> pd.DataFrame:
        """Region x cluster LQ."""
        return _frame(self._cluster_lq)

    @cached_property
    def _cluster_totals(self) -> pd.Series:
        from s3lib.measures.clusters import cluster_matrix

        return cluster_matrix(self._base.counts, self.scheme).sum(axis=0)

    @property
    def cluster_totals(self) -> pd.Series:
        """Employment of each cluster in all regions of the level (the reference economy)."""
        return _frame(self._cluster_totals)

    @cached_property
    def colocation_network(self):
        """The scheme's clusters linked by the study's co-location proximity (top decile related; frozen: a
        graph shared by every view cannot be changed)."""
        import networkx as nx

        from s3lib.measures.links import colocation_network

        return nx.freeze(colocation_network(
            self._base.proximity, self.scheme.weight_matrix(), self._base.counts.sum(axis=0), year=self.year,
            scheme=self.scheme.name, method=(f"mean co-location phi over {self.space.activity} pairs across clusters, "
                                             f"{self.year}; related = top 10% of cluster pairs by phi")))

    @cached_property
    def network(self):
        """Related clusters: the scheme's own related-cluster table where it has one (the US CMP related
        clusters), else :attr:`colocation_network`."""
        related = self.scheme.related()
        if related is not None:
            import networkx as nx

            from s3lib.measures.links import uscmp_network

            return nx.freeze(uscmp_network(related))
        return self.colocation_network

    @cached_property
    def _bridging(self) -> pd.DataFrame:
        from s3lib.measures.links import bridging

        return bridging(self.network)

    @property
    def bridging(self) -> pd.DataFrame:
        return _frame(self._bridging)

    # ------------------------------------------------------------------ places
    def region(self, place) -> tuple[str, object, str | None]:
        """The row of :attr:`counts` that stands for a place: ``(code, Place, note)``.

        A place finer than the study's level is represented by its region at that level (a city by
        its NUTS2 region); a coarser one is refused with the regions it contains. ``note`` is a
        sentence when the data use another code for the territory (else None).
        """
        from s3lib import data

        space = self.space
        p = data.require_level(place, self.level, what=f"{space.figures.lower()} figures")
        if space.country and p.country != space.country:
            raise UsageError(f"{p.name} ({p.code}) is in {p.country}, but the {space.key} activity space covers "
                             f"{space.country} only ({space.reference}); choose a place in "
                             f"{space.country} or another space")
        code = p.code if p.level == self.level else getattr(p, f"nuts{self.level}")
        index = self._base.counts.index
        if code in index:
            return code, p, None
        try:
            found, note = data.data_region(code, index)
        except UsageError as err:
            raise UsageError(f"no NUTS{self.level} {space.key.upper()} data for {code} ({p.name}) in "
                             f"{self.year}: {err}") from None
        if found not in index:
            raise UsageError(f"no NUTS{self.level} {space.key.upper()} data for {code} ({p.name}) in {self.year}"
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
    def changes(self, base_year: int, keep=()):
        """Presence in ``base_year`` and in the study's year over the regions observed in both
        (:class:`s3lib.study.changes.Changes`).

        The panel keeps the regions with at least ``min_coverage`` observed in both years, plus the
        case regions and ``keep`` whatever their coverage; each year's LQ is taken against the panel.
        """
        from s3lib.study.changes import Changes

        if base_year >= self.year:
            raise UsageError(f"base year ({base_year}) must come before the study year ({self.year})")
        extra = tuple(sorted(set(keep) - set(case_regions(self.level))))
        key = (int(base_year), extra)
        if key not in self._changes:
            self._changes[key] = Changes(self, self.replace(year=int(base_year)), (*case_regions(self.level), *extra))
        return self._changes[key]
