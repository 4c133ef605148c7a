"""The view of one place in a study: its clusters, structure, opportunities, links, notes and analyses.

:meth:`s3lib.study.Study.at` returns a :class:`PlaceView`; everything a notebook, the card, the
explorer or the atlas shows about a place comes from it, computed once and with every setting of
its study (level, year, scheme, sample rule, estimated cells):

* ``portfolio``: every cluster of the place's region (employment, share, LQ, stars, strong, coverage);
* ``summary``: a :class:`Summary` of the headline numbers (typed, documented fields);
* ``clusters``, ``specialisations``, ``opportunities``, ``cooperation``, ``bridging``: ranked tables;
* ``notes``: what the reader must know (level, coverage, missing sectors, place-specific caveats);
* the analyses that combine the study with other tables: :meth:`PlaceView.alignment` (RIS3),
  :meth:`PlaceView.ris3_fit`, :meth:`PlaceView.similarity`, :meth:`PlaceView.lens` (the city lens),
  :meth:`PlaceView.emerging`, :meth:`PlaceView.sectors` (broad sectors), :meth:`PlaceView.changes`.

Level: the business statistics stop at NUTS2, so a NUTS3 city is represented by its NUTS2 region
(Frankfurt am Main DE712 -> Darmstadt DE71); ``notes`` says so in words.

Examples
--------
>>> from s3lib.study import Study
>>> v = Study(year=2014).at("frankfurt")
>>> v.summary.region, v.summary.leading_cluster
('DE71', 'Transportation and Logistics')
>>> v.alignment().region, v.alignment(level=1).region
('DE71', 'DE7')
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from functools import cached_property

import pandas as pd

from s3lib.measures.links import MIN_COOPERATION_SHARE
from s3lib.result import Result

__all__ = ["CLUSTER_COLUMNS", "LEADING_MIN_SHARE", "MIN_EMPLOYMENT", "TOP_CLUSTERS", "PlaceView", "Summary"]

#: Rows of the ``clusters`` table of a view.
TOP_CLUSTERS = 10
#: A leading cluster must hold at least this share of the region's observed employment.
LEADING_MIN_SHARE = MIN_COOPERATION_SHARE  # one floor: a cluster this small neither leads nor pairs
#: Activities listed as top specialisations need at least this many persons employed in the region.
MIN_EMPLOYMENT = 1000
#: Columns of the ``clusters`` table of a view.
CLUSTER_COLUMNS = ["cluster", "employment", "lower", "upper", "rests_on_apportioning", "estimated", "lq", "stars",
                   "strong", "coverage", "partial"]


class _frame_property:
    """A property computed once per view whose frame is handed out as a shallow copy (copy-on-write: a
    caller who changes it never changes what the next caller gets). A data descriptor, so the cached
    value (kept under a private name) is never handed out itself."""

    def __init__(self, function):
        self.function, self.__doc__ = function, function.__doc__
        self.slot = f"_computed_{function.__name__}"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if self.slot not in instance.__dict__:
            instance.__dict__[self.slot] = self.function(instance)
        value = instance.__dict__[self.slot]
        return value.copy(deep=False) if isinstance(value, (pd.DataFrame, pd.Series)) else value

    def __set__(self, instance, value):
        raise AttributeError("a view's tables are read-only: work on the copy you got")


@dataclass(frozen=True)
class Summary:
    """Headline numbers of one place in a study (industry figures for ``region``).

    Attributes
    ----------
    place, name, code : the place's key, name and own NUTS code.
    region, region_name, level : the region of the data that stands for it (``DE71`` for Frankfurt) and its level.
    country, year, scheme : as given to the study.
    employment : counts summed over the region's observed activities (for ``sbs``: business-economy persons
        employed, B-N and S95, a lower bound).
    coverage : observed share of the activities.
    leading_cluster, leading_lq : most stars, then most employment, among clusters not flagged ``partial``
        holding at least :data:`LEADING_MIN_SHARE` of the region's employment (None if none qualifies).
    n_clusters : clusters with an observed activity; ``n_starred``: two or three Cluster Observatory
        stars (one size star alone is common in large regions); ``n_strong``: US CMP strong clusters
        (None = unknown: the rule needs local units, which are not published for the country in the year).
    n_estimated : activities of the region whose count is an estimate of a confidential cell.
    krugman : specialisation coefficient ``K_r / 2 = (1/2) sum_i |s_ri - s_EU,i|`` (0 = EU structure).
    herfindahl : ``sum_i s_ri^2`` over activities.
    variety, related, unrelated : bits (Frenken et al. 2007, activities within groups); ``*_pct`` their
        percentiles (100 x share of the sample's regions with a value <= the place's).
    eci, eci_rank, n_regions : Economic Complexity Index (Hidalgo & Hausmann 2009, Stata standardisation,
        sign oriented as the study says), its rank (1 = most complex) among ``n_regions``; NaN and None for a
        region outside the sample (too few published cells, e.g. IE01 and IE02). Shown as measured; it is advice
        only when it passes the validity gate (see ``benefit_axis``).
    benefit_axis, benefit_index, benefit_rank : the benefit axis that passed the validity gate
        (:meth:`s3lib.study.Study.validity`; its label, None when no axis passes), the region's index on it and
        its rank (1 = highest) among the sample's regions (None without an axis).
    n_bridging, top_bridging : how many of the network's bridging clusters the place has present
        (``LQ >= 1`` or a star), and the most central of them.
    """

    place: str
    name: str
    code: str
    region: str
    region_name: str
    level: int
    country: str
    year: int
    scheme: str
    employment: float
    coverage: float
    leading_cluster: str | None
    leading_lq: float | None
    n_clusters: int
    n_starred: int
    n_strong: int | None
    n_estimated: int
    krugman: float
    herfindahl: float
    variety: float
    related: float
    unrelated: float
    variety_pct: float
    related_pct: float
    unrelated_pct: float
    eci: float
    eci_rank: int | None
    n_regions: int
    benefit_axis: str | None
    benefit_index: float
    benefit_rank: int | None
    n_bridging: int
    top_bridging: str | None

    def row(self) -> dict:
        """The fields as a dict (one row of :meth:`s3lib.study.Study.table`)."""
        return asdict(self)

    @classmethod
    def columns(cls) -> list[str]:
        """Field names in order."""
        return [f.name for f in fields(cls)]


class PlaceView:
    """One place in a :class:`~s3lib.study.Study`.

    Attributes
    ----------
    study : the study.
    place : the :class:`~s3lib.data.Place`.
    region : the row of the study's counts that stands for the place (its NUTS2 region for a city).
    region_note : a sentence when the data use another code for the territory (else None).
    """

    def __init__(self, study, place, region: str, note: str | None = None):
        self.study, self.place, self.region, self.region_note = study, place, region, note
        self._sealed = True

    def __setattr__(self, name, value):
        if getattr(self, "_sealed", False):
            raise AttributeError(f"a place view cannot be changed ({name}); ask its study for another view")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"PlaceView({self.place.name!r} {self.place.code}, region {self.region}, {self.study!r})"

    def name_of(self, code: str | None) -> str | None:
        """The name of a NUTS code (any version), e.g. of the place's NUTS1 region
        (:func:`s3lib.data.registry.region_name`)."""
        from s3lib.data.registry import region_name

        return None if code is None else region_name(code)

    @property
    def region_name(self) -> str:
        return self.name_of(self.region)

    @property
    def label(self) -> str:
        """The region the figures are for, and the place it stands for (figure titles):
        ``"Darmstadt (DE71), which contains Frankfurt am Main"``; ``"Porto (PT11)"``-style when the place is the
        region itself. The region comes first: the data are the region's, not the city's."""
        place = self.place.city or self.place.name
        region = f"{self.region_name} ({self.region})"
        if self.place.code == self.region or place == self.region_name:
            return region
        return f"{region}, which contains {place}"

    @property
    def short_label(self) -> str:
        """``"Frankfurt am Main (DE71)"``: the place and the code of the region its figures are for, for the small
        panels of a comparison, whose figure title names the level (the full sentence is :attr:`label`)."""
        return f"{self.place.city or self.place.name} ({self.region})"

    # ------------------------------------------------------------------ clusters
    @_frame_property
    def portfolio(self) -> pd.DataFrame:
        """The place's clusters: ``cluster``, ``employment`` (lower bound when cells are missing), ``share``
        (of the region's observed employment), ``lq`` (against all regions of the level), ``stars`` and
        the star components, ``strong``/``strong10`` (US CMP rule), ``local_units``, ``coverage``
        (observed share of the cluster's industry weight), ``partial`` (coverage < 0.5: a fragment),
        ``region``, ``level``, ``year``, ``scheme``. Sorted by employment; clusters with no observed
        industry in the region are left out."""
        table = self.study.portfolio_of(self.region)
        table = table[table["employment"].notna()].sort_values("employment", ascending=False).reset_index()
        return table.assign(region=self.region, level=f"NUTS{len(self.region) - 2}", year=self.study.year,
                            scheme=self.study.scheme.name)

    @_frame_property
    def eligible(self) -> pd.DataFrame:
        """Portfolio rows of the clusters that can lead or top a list: not ``partial`` and holding at least
        :data:`LEADING_MIN_SHARE` of the region's employment (a 3-star fragment of a few hundred jobs does
        not lead), by LQ (descending)."""
        pf = self.portfolio
        return pf[_eligible(pf)].sort_values("lq", ascending=False).reset_index(drop=True)

    @_frame_property
    def clusters(self) -> pd.DataFrame:
        """Top :data:`TOP_CLUSTERS` by stars then employment, clusters that can lead first (a 3-star fragment
        of a few hundred jobs comes after the clusters that carry the economy)."""
        pf = self.portfolio
        order = pf.assign(_eligible=_eligible(pf)).sort_values(["_eligible", "stars", "employment"], ascending=False)
        return order[CLUSTER_COLUMNS].head(TOP_CLUSTERS).reset_index(drop=True)

    @_frame_property
    def leading(self) -> pd.Series | None:
        """The leading cluster's portfolio row (see :attr:`Summary.leading_cluster`)."""
        eligible = self.portfolio[_eligible(self.portfolio)]
        if eligible.empty:
            return None
        return eligible.sort_values(["stars", "employment"], ascending=False).iloc[0]

    @_frame_property
    def present_clusters(self) -> pd.DataFrame:
        """Portfolio rows of the clusters present in the place: ``LQ >= 1`` or at least one star."""
        pf = self.portfolio
        return pf[(pf["lq"] >= 1) | (pf["stars"] >= 1)]

    @_frame_property
    def bridging(self) -> pd.DataFrame:
        """The study network's clusters present in the place, by betweenness (``bridging`` = network-wide top decile)."""
        pf = self.portfolio
        table = self.study.bridging.merge(pf[["cluster", "lq", "stars"]], on="cluster")
        return table[table["cluster"].isin(self.present_clusters["cluster"])].reset_index(drop=True)

    @cached_property
    def cooperation(self):
        """The top five pairs of the place's clusters to bring together (:func:`s3lib.measures.links.link_pairs`:
        both specialised, related on a channel judged on its own, hub-normalised, not carved out of the same
        divisions, at most two pairs per cluster); a :class:`~s3lib.result.Result`."""
        from s3lib.measures.links import link_pairs

        return link_pairs(self.portfolio, self.study.channels, overlap=self.study.cluster_overlap)

    @cached_property
    def development(self):
        """The top five development pairs: a cluster the place holds with a related cluster it does not have yet
        (:func:`s3lib.measures.links.link_pairs` with ``development=True``), large enough to be a path and not a
        latent strength (the size and lookback rules of new paths, :mod:`s3lib.study.paths`), not location-bound
        (``data/cluster_roles.csv``: mining, fishing, forestry...) and not carved out of the same divisions as the
        held cluster (:attr:`s3lib.study.Study.cluster_overlap`); a :class:`~s3lib.result.Result`."""
        from s3lib import data
        from s3lib.measures.links import link_pairs
        from s3lib.study.paths import MIN_EU_SHARE, MIN_PATH_SIZE, NEAR_THRESHOLD, lookback

        study = self.study
        clusters = study.cluster_totals
        at_lq1 = study.counts.loc[self.region].sum() * clusters / clusters.sum()
        bound = set(data.cluster_roles(study.scheme.name)["cluster"])  # deposits, coasts, a crop
        # not a latent strength: LQ below NEAR_THRESHOLD now and below 1 in the years new paths look back on
        lqs = [study.cluster_lq.loc[self.region]] + [past.cluster_lq.loc[self.region] for past in
                                                      lookback(study, self.region) if self.region in past.cluster_lq.index]
        latent = (pd.concat(lqs[1:], axis=1).max(axis=1) >= 1 if len(lqs) > 1 else False) | (lqs[0] >= NEAR_THRESHOLD)
        targets = ((clusters / clusters.sum() >= MIN_EU_SHARE) & (at_lq1 >= MIN_PATH_SIZE) & ~clusters.index.isin(bound)
                   & ~latent.reindex(clusters.index).fillna(False).astype(bool))
        return link_pairs(self.portfolio, study.channels, development=True, targets=targets,
                          overlap=study.cluster_overlap)

    def partners(self, cluster=None, kind: str = "all", *, countries=None, max_km=None, other_countries: bool = True,
                 min_size=None, n: int = 10):
        """Regions to approach for one of the place's clusters (default: the leading one; a declared segment of the
        city lens works too): peers, complements and priority partners, each with its reason; regions resting on
        apportioning, estimates or broken cells listed apart (:func:`s3lib.study.partners.partners`)."""
        from s3lib.study.partners import partners

        return partners(self, cluster, kind, countries=countries, max_km=max_km, other_countries=other_countries,
                        min_size=min_size, n=n)

    # ------------------------------------------------------------------ activities
    @_frame_property
    def specialisations(self) -> pd.DataFrame:
        """Activities of the region by LQ, among those with at least :data:`MIN_EMPLOYMENT` employed:
        ``nace, name, employment, share, lq``."""
        names = self.study.space.names()
        emp, lq = self.study.counts.loc[self.region], self.study.lq.loc[self.region]
        out = pd.DataFrame({"nace": emp.index, "name": emp.index.map(names), "employment": emp.to_numpy(),
                            "share": (emp / emp.sum()).to_numpy(), "lq": lq.to_numpy()})
        out = out[out["employment"] >= MIN_EMPLOYMENT]
        return out.sort_values("lq", ascending=False).reset_index(drop=True)

    @cached_property
    def opportunities(self):
        """The place's new paths (:meth:`s3lib.study.Study.candidates`, a :class:`~s3lib.result.Result`): traded,
        not specialised now or in the previous years, no break, large enough; ideal quadrant first."""
        return self.study.candidates(self.region)

    @cached_property
    def candidate_review(self):
        """Every activity the place is not specialised in, with the rule that decides its status (new path,
        latent strength, not traded, data break, too small: :meth:`s3lib.study.Study.review`)."""
        return self.study.review(self.region)

    def changes(self, base_year: int):
        """Entries and exits since ``base_year`` (:meth:`s3lib.study.Study.changes`, the region kept in the panel)."""
        return self.study.changes(base_year, keep=(self.region,))

    # ------------------------------------------------------------------ analyses with other tables
    def alignment(self, period="auto", level: int | None = None, year="paired"):
        """The RIS3 priorities that apply to the place against its specialisations
        (:func:`s3lib.analyses.ris3.align`; ``level`` None = the study's, 3 = the NUTS3 broad sectors).

        ``year="paired"`` (default) reads each strategy against data of its own period: a 2014-2020 list
        against 2014, a later list against the place's latest full year (:func:`s3lib.study.default_year`),
        in the same study otherwise; ``year=None`` keeps the study's year; an integer chooses one."""
        from s3lib.analyses import ris3

        view = self
        if year is not None:
            if year == "paired":
                choice = ris3.choose(self.place.code, period)
                year = self.paired_year(choice.period)
            if int(year) != self.study.year:
                view = self.study.replace(year=int(year)).at(self.place)
        return ris3.align(view, period=period, level=level)

    def paired_year(self, period) -> int:
        """The data year a RIS3 period is read against: the first year of a period the data reach (2014 for
        2014-2020), else the place's latest full year (:func:`s3lib.study.default_year`)."""
        from s3lib.study.years import default_year

        start = int(str(period)[:4]) if period and str(period)[:4].isdigit() else None
        if start is not None and start in self.study.space.years:
            return start
        return default_year(self.place, self.study.level)[0]

    def ris3_fit(self):
        """The headline coverage and fit of the RIS3 list that applies (:func:`s3lib.analyses.ris3.fit`)."""
        from s3lib.analyses import ris3

        return ris3.fit(self)

    def similarity(self):
        """Similarity of the specialisation profiles of the place's NUTS3, NUTS2 and NUTS1 regions
        (:func:`s3lib.analyses.ris3.similarity`)."""
        from s3lib.analyses import ris3

        return ris3.similarity(self)

    def lens(self, segmentation=None):
        """The city lens: the place's declared clusters against the data and the RIS3 list
        (:func:`s3lib.analyses.citylens.lens`)."""
        from s3lib.analyses import citylens

        return citylens.lens(self, segmentation)

    def emerging(self):
        """Emerging urban industries measured like declared clusters (:func:`s3lib.analyses.citylens.emerging`)."""
        from s3lib.analyses import citylens

        return citylens.emerging(self)

    def sectors(self):
        """Broad-sector shares of the place's NUTS3, NUTS2, NUTS1 regions and country
        (:func:`s3lib.analyses.sectors.sector_shares`)."""
        from s3lib.analyses import sectors

        return sectors.sector_shares(self)

    # ------------------------------------------------------------------ summary and notes
    @cached_property
    def summary(self) -> Summary:
        s, pf, lead = self.study, self.portfolio, self.leading
        row = s.structure.loc[self.region]
        bridge = self.bridging
        return Summary(
            place=self.place.key, name=self.place.name, code=self.place.code, region=self.region,
            region_name=self.region_name, level=s.level, country=self.place.country, year=s.year,
            scheme=pf["scheme"].iloc[0] if len(pf) else s.scheme.name,
            employment=float(s.counts.loc[self.region].sum()),
            coverage=float(s.observed.loc[self.region].notna().mean()),
            leading_cluster=None if lead is None else lead["cluster"],
            leading_lq=None if lead is None else float(lead["lq"]),
            n_clusters=len(pf), n_starred=int((pf["stars"] >= 2).sum()),
            n_strong=None if self.strong_unknown else int(pf["strong"].sum()),
            n_estimated=int(s.estimated.loc[self.region].sum()),
            **{k: float(row[k]) for k in ("krugman", "herfindahl", "variety", "related", "unrelated",
                                          "variety_pct", "related_pct", "unrelated_pct", "eci")},
            eci_rank=None if pd.isna(row["eci_rank"]) else int(row["eci_rank"]), n_regions=int(s.structure["eci"].notna().sum()),
            **self._benefit(),
            n_bridging=int(bridge["bridging"].sum()),
            top_bridging=bridge["cluster"].iloc[0] if len(bridge) else None,
        )

    def _benefit(self) -> dict:
        axis = self.study.benefit
        if axis is None or self.region not in axis.region.index or pd.isna(axis.region.get(self.region)):
            return {"benefit_axis": None if axis is None else axis.label, "benefit_index": float("nan"),
                    "benefit_rank": None}
        ranks = axis.region.rank(ascending=False, method="min")
        return {"benefit_axis": axis.label, "benefit_index": float(axis.region[self.region]),
                "benefit_rank": int(ranks[self.region])}

    @cached_property
    def notes(self) -> tuple[str, ...]:
        """Sentences on the level, coverage and missing sectors, then the place's own :attr:`caveats`."""
        p, s = self.place, self.study
        space = s.space
        where = f"the NUTS{s.level} region {self.region} ({self.region_name})"
        notes = [f"{space.figures} figures are for {where}: {space.finest.format(level=s.level)}, so they stand for "
                 f"{p.name} ({p.code}) and its surroundings." if p.level > s.level else
                 f"{space.figures} figures are for {where}."]
        coverage = float(s.observed.loc[self.region].notna().mean())
        notes.append(f"{coverage:.0%} of the {s.counts.shape[1]} {space.activities} have a value in {s.year}; "
                     "missing cells are confidential or unpublished, not zero.")
        estimated = s.estimated.loc[self.region]
        if estimated.any():
            codes = ", ".join(estimated.index[estimated.to_numpy()])
            notes.append(f"{int(estimated.sum())} confidential {space.activities} are estimated from their NUTS1 or "
                         f"national totals ({codes}); figures that use them are marked 'estimated'.")
        if space.establishments_loader is not None and self.strong_unknown:  # no units at all: no such note
            notes.append(f"US CMP strong clusters are unknown in {s.year}: the rule needs local units, which Eurostat "
                         f"does not publish for {self.place.country} in {s.year} (shown as 'unknown', not 0).")
        flagged = self.portfolio[self.portfolio["rests_on_apportioning"] & (self.portfolio["share"] >= LEADING_MIN_SHARE)]
        if len(flagged):
            notes.append(f"{len(flagged)} clusters rest mostly on divisions apportioned among clusters (marked "
                         "'apportioned'; their value lies between the apportioned and the whole-division bound).")
        notes.extend(space.notes)
        return tuple(notes) + self.caveats

    @cached_property
    def data_checks(self):
        """The checks run on the place's region before any advice (a :class:`~s3lib.result.Result`): cells
        estimated in the study year, and cell and series breaks (:meth:`s3lib.study.Study.breaks`) over the study
        year and the years new paths look back on. ``table``: ``activity``, ``year``, ``check`` (``estimated``,
        ``cell break``, ``series break``), ``detail``; ``notes[0]``: the one line the card prints."""
        from s3lib.study.paths import LOOKBACK

        s = self.study
        first = max(min(s.space.years), s.year - LOOKBACK)
        estimated = s.estimated.loc[self.region]
        rows = [(a, s.year, "estimated", "confidential, estimated from its NUTS1 or national total")
                for a in estimated.index[estimated.to_numpy()]]
        found = s.breaks(first).table
        for r in found[found["region"] == self.region].itertuples():
            rows.append((r.activity, r.year, r.kind, "flagged by the statistical office" if pd.isna(r.cell_ratio) else
                         f"x{r.cell_ratio:.2f} with its parent x{r.parent_ratio:.2f} in one year"))
        table = pd.DataFrame(rows, columns=["activity", "year", "check", "detail"])
        parts = []
        for check, group in table.groupby("check", sort=False):
            years = sorted(set(group["year"]))
            if check == "series break" and group["activity"].nunique() >= 0.9 * s.counts.shape[1]:
                parts.append(f"series break in {', '.join(map(str, years))} (all {s.space.activities}; "
                             "comparisons across it are not like for like)")
                continue
            cells = ", ".join(f"{a} {y}" if check != "estimated" else a for a, y in zip(group["activity"], group["year"]))
            parts.append(f"{check}: {cells}")
        line = (f"Data checks {first}-{s.year}: " + "; ".join(parts) + ". Entries and exits skip every break; new paths skip cell breaks."
                if parts else f"Data checks {first}-{s.year}: no estimated cell and no break.")
        return Result(table, [line], {"region": self.region, "first_year": first, "year": s.year})

    @cached_property
    def strong_unknown(self) -> bool:
        """True when the strong-cluster rule cannot be applied (no establishment counts for the region)."""
        return bool(self.study.portfolio_of(self.region)["strong"].isna().all())

    @_frame_property
    def unobserved(self) -> pd.DataFrame:
        """Clusters the data cannot see here: less than half of their industry weight observed.

        Columns ``cluster``, ``unobserved`` (1 - coverage), ``outside`` (share of the cluster's weight
        on activities the source does not cover at all: for the business statistics A, K, O-U),
        ``missing_here`` (on activities missing in this region), ``employment`` (what is seen, a lower
        bound), sorted by ``unobserved``.
        """
        s = self.study
        w = s.scheme.weight_matrix()
        total = w.sum(axis=0)
        outside = w.loc[~w.index.isin(s.counts.columns)].sum(axis=0) / total
        pf = s.portfolio_of(self.region)
        out = pd.DataFrame({"unobserved": 1 - pf["coverage"], "outside": outside.reindex(pf.index),
                            "employment": pf["employment"]})
        out["missing_here"] = (out["unobserved"] - out["outside"]).clip(lower=0)
        out = out[out["unobserved"] >= 0.5].sort_values("unobserved", ascending=False)
        return out.rename_axis("cluster").reset_index()[["cluster", "unobserved", "outside", "missing_here",
                                                           "employment"]]

    def curated_caveats(self, topic: str = "structure") -> list[str]:
        """The place's caveats from ``data/caveats.csv`` (:func:`s3lib.data.caveats`) for ``topic``, each
        followed by the study's values of the activities and the bounds of the cluster the row names."""
        from s3lib import data

        s, p = self.study, self.place
        codes = [p.key, p.code, p.nuts3, p.nuts2, p.nuts1, self.region]
        out = []
        for row in data.caveats(codes, s.space.key, topic).itertuples():
            facts = []
            for code in row.activities:
                if code in s.counts.columns:
                    value = s.counts.loc[self.region, code]
                    estimated = bool(s.estimated.loc[self.region, code])
                    facts.append(f"{code}: not published in {s.year}" if pd.isna(value) else
                                 f"{code}: {value:,.0f} persons in {s.year}" + (", estimated" if estimated else ""))
            if row.cluster and row.cluster in s.scheme.clusters:
                c = s.portfolio_of(self.region).loc[row.cluster]
                facts.append(f"{row.cluster}: {c['lower']:,.0f} apportioned to {c['upper']:,.0f} with whole divisions")
            out.append(row.text + (f" ({'; '.join(facts)}.)" if facts else ""))
        return out

    @cached_property
    def caveats(self) -> tuple[str, ...]:
        """What is particular to this place: another code for its territory in the data, no NUTS3
        broad sectors, and the curated caveats of ``data/caveats.csv`` (:meth:`curated_caveats`)."""
        from s3lib import data

        p, s = self.place, self.study
        out = [self.region_note] if self.region_note else []
        if p.level == 3 and s.level < 3 and p.code not in set(data.broad_sectors(level=3, year=s.year)["region"]):
            out.append(f"No NUTS3 breakdown for {p.code}: the regional accounts have no {p.country} NUTS3 rows.")
        return tuple(out + self.curated_caveats("structure"))


def _eligible(portfolio: pd.DataFrame) -> pd.Series:
    """Clusters that can lead or top a list: not ``partial`` and at least :data:`LEADING_MIN_SHARE`."""
    return ~portfolio["partial"] & (portfolio["share"] >= LEADING_MIN_SHARE)
