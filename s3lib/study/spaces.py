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
* ``"occupations"``: Statistik der Bundesagentur für Arbeit, employees subject to social insurance
  at place of work by German NUTS 3 district (NUTS 2: sums of districts) x 140 KldB 2010
  occupational groups (within 2-digit main groups), 2013-2025 (:func:`s3lib.data.occupation_matrix`).
  Occupations, not industries; Germany only; suppressed cells missing, not zero; no establishments.

Examples
--------
>>> sbs = get("sbs")
>>> sbs.activity, sbs.group
('NACE division', 'NACE section')
>>> float(sbs.counts(2, 2014).loc["DE71", "C20"])
36512.0
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from s3lib.data.occupations import COUNTRY as OCCUPATION_COUNTRY
from s3lib.data.sources import SOURCE_BA, SOURCE_SBS
from s3lib.errors import UnknownChoiceError

__all__ = ["OCCUPATIONS", "SBS", "SPACES", "ActivitySpace", "get"]


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
    totals_loader : region totals of all employees where the source publishes them (they may include
        persons without an activity code, so they can exceed a row sum of :meth:`counts`), else None.
    country : the one country the source covers (``"DE"``), or None when it covers many.
    notes : sentences every view of a place in this space repeats (what the counts are and are not).
    estimator : ``(level, year, indicator) -> DataFrame`` of estimates for confidential cells (NaN where
        not estimated), or None when the source has no parent totals to estimate them from.
    trader : ``() -> Series`` of ``"traded"``, ``"local"``, ``"mixed"`` or ``"unmapped"`` by activity, or
        None when the space has no such split (every activity is then traded: a candidate for
        diversification).
    figures : what a figure of the space shows, in words (``"Industry"``, ``"Occupation"``): "Industry
        figures are for the NUTS2 region ...".
    finest : the sentence that says why a finer place is represented by its region, with ``{level}``
        (``"the business statistics stop at NUTS{level}"``).
    kind : what the activities are: ``"industries"`` (what employers sell) or ``"occupations"`` (what people
        do; the competence analyses of :mod:`s3lib.analyses.competences` need such a space).
    corer : ``(activities) -> list`` of the core activities where the classic complexity is meant to
        work (for the business statistics: traded manufacturing and knowledge-intensive business
        services), or None; ``core_label`` says what they are.
    wager : ``(year) -> Series`` of the EU wage level per person by activity, or None (no wage data).
    flagger : ``(level, year) -> DataFrame`` of the statistical office's flag strings per cell (Eurostat:
        ``c`` confidential, ``b`` break in series, ...), or None.
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
    totals_loader: Callable | None = None
    country: str | None = None
    notes: tuple = ()
    estimator: Callable | None = None
    trader: Callable | None = None
    figures: str = "Activity"
    finest: str = "the data are used at NUTS{level}"
    kind: str = "industries"
    corer: Callable | None = None
    core_label: str = ""
    wager: Callable | None = None
    flagger: Callable | None = None

    @property
    def activities(self) -> str:
        """The plural of :attr:`activity` (``"NACE divisions"``, ``"occupational groups (KldB 2010, 3-digit)"``)."""
        head, sep, tail = self.activity.partition(" (")
        return f"{head}s{sep}{tail}"

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

    def estimates(self, level: int, year: int, indicator: str = "persons"):
        """Estimates of the missing cells of :meth:`counts` (NaN where none), or None when the space has no rule."""
        self.check(level, year)
        return None if self.estimator is None else self.estimator(level, year, indicator)

    def trade_status(self, activities):
        """``traded``, ``local``, ``mixed`` or ``unmapped`` per activity (all ``traded`` when the space has
        no traded/local split)."""
        import pandas as pd

        activities = pd.Index(activities)
        if self.trader is None:
            return pd.Series("traded", index=activities)
        return self.trader().reindex(activities).fillna("unmapped")

    def traded(self, activities):
        """True for the traded activities (:meth:`trade_status`; mixed and local ones are not)."""
        return self.trade_status(activities) == "traded"

    def totals(self, level: int, year: int):
        """Published region totals (a Series), or the row sums of :meth:`counts` when the source has none."""
        self.check(level, year)
        if self.totals_loader is None:
            return self.loader(level, year).sum(axis=1, min_count=1)
        return self.totals_loader(level, year)

    def core(self, activities) -> list:
        """The core activities among ``activities`` (empty when the space has none; see :attr:`corer`)."""
        return [] if self.corer is None else list(self.corer(activities))

    def flags(self, level: int, year: int):
        """Region x activity flag strings of the source (empty strings where none), or None (see :attr:`flagger`)."""
        self.check(level, year)
        return None if self.flagger is None else self.flagger(level, year)

    def wage_levels(self, year: int):
        """Wage level per person by activity in the whole reference economy, or None (see :attr:`wager`)."""
        return None if self.wager is None else self.wager(year)

    def markers(self):
        """The space's marker activities for the validity of a complexity ranking (``data/validity_markers.csv``:
        ``activity``, ``role``, ``why``, ``source``; empty when the space has none)."""
        from s3lib import data

        return data.validity_markers(self.key)

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


def _sbs_flags(level: int, year: int):
    from s3lib import data

    tidy = data.employment(level=level, year=year, nace_level="division")
    out = tidy.pivot_table(index="region", columns="nace", values="flag", aggfunc="first", observed=True)
    out.index, out.columns = out.index.astype(str), out.columns.astype(str)
    return out.reindex(index=data.eu_matrix(level, year).index).fillna("")


def _sbs_units(level: int, year: int):
    from s3lib import data

    return data.eu_matrix(level, year, "local_units")


def sbs_estimates(level: int, year: int, indicator: str = "persons"):
    """Confidential division cells of the business statistics estimated from their parents.

    Top-down over the regions of the same file and year (original codes, so the hierarchy is the
    one Eurostat published): NUTS1 cells from the country, then NUTS2 cells from their NUTS1 region
    (estimated NUTS1 values count as parents). The residual of each parent cell is shared among its
    missing children (:func:`s3lib.measures.estimation.share_residuals`) in proportion to each
    child's unexplained employment in the same NACE section (its section total minus its observed
    divisions of that section), or equally when no missing child has a positive one. Returns a
    region x division matrix aligned with :func:`s3lib.data.eu_matrix` (NaN where not estimated).
    """
    import numpy as np
    import pandas as pd

    from s3lib import data
    from s3lib.measures.estimation import share_residuals
    from s3lib.measures.variety import section_of

    tidy = data.employment(level=list(range(level + 1)), year=year, indicator=indicator, nace_level=None)
    extra = np.asarray(data.is_extra_regio(tidy["region_orig"].astype(str)), dtype=bool)
    tidy = tidy[tidy["nace_level"].isin(["division", "section"]).to_numpy() & ~extra]
    wide = tidy.pivot_table(index="region_orig", columns="nace", values="value", aggfunc="first",
                            observed=True, dropna=False)
    wide.index = wide.index.astype(str)
    wide.columns = wide.columns.astype(str)
    divisions = sorted(c for c in wide.columns if len(c) == 3)
    sections = section_of(pd.Index(divisions))
    div, sec = wide[divisions], wide[[c for c in wide.columns if len(c) == 1]]
    codes = pd.Series(div.index, index=div.index)
    filled = div.copy()
    estimates = pd.DataFrame(float("nan"), index=div.index, columns=divisions)
    for lv in range(1, level + 1):
        kids = codes[codes.str.len() == lv + 2].index
        if len(kids) == 0:
            continue
        children = filled.loc[kids]
        observed_by_section = children.T.groupby(sections.to_numpy()).sum(min_count=1).T
        unexplained = (sec.reindex(index=kids, columns=observed_by_section.columns) - observed_by_section.fillna(0))
        weights = unexplained.clip(lower=0).reindex(columns=sections.to_numpy())
        weights.columns = divisions
        parents = filled.loc[filled.index.str.len() == lv + 1]
        est = share_residuals(children, parents, pd.Series(kids.str[:-1], index=kids), weights)
        estimates.loc[kids] = est
        filled.loc[kids] = children.fillna(est)
    rename = tidy.drop_duplicates("region_orig").set_index(tidy.drop_duplicates("region_orig")["region_orig"].astype(str))
    out = estimates[estimates.index.str.len() == level + 2]
    out.index = rename.loc[out.index, "region"].astype(str).to_numpy()
    out = out.groupby(level=0).first()  # two file codes for one region (2015 vintages): the first estimate
    return out.reindex(index=data.eu_matrix(level, year, indicator).index)


#: A division with more than this share of its mapped weight on the other side (traded or local) is *mixed*.
MIXED_TOLERANCE = 0.10


def sbs_trade_split():
    """Traded, local or mixed NACE divisions, by employment where the data can weigh the classes.

    From the carry-over of the US Cluster Mapping definitions to NACE classes
    (``uscmp_nace_classes``: each class's weight on traded clusters, local clusters or unmapped
    codes). Within a division the classes are weighted **by employment** where the business
    statistics publish the division's groups (EU total of persons employed by NACE group, all
    years: the trade divisions G45-G47); elsewhere no employment by class is bundled, and each
    class counts equally. A division is ``traded`` when its local share of the mapped weight is at
    most :data:`MIXED_TOLERANCE` (10 %), ``local`` when its traded share is, and ``mixed`` otherwise:
    with more than a tenth on the other side, class counts cannot say where its employment lies (a
    temp-agency class can hold most of N78), so a mixed division is shown apart and never offered as
    a smart-specialisation target. ``unmapped`` divisions have no US CMP class at all.

    Returns
    -------
    DataFrame
        Index = division: ``traded``, ``local`` (shares of the division's weight), ``basis``
        (``"employment (groups)"`` or ``"classes"``), ``status``.
    """
    from s3lib.data import _store

    # a pure function of the snapshot, asked once per view by the advice: computed once (0.15 s), handed out as copies
    return _store.remember(("sbs_trade_split",), _sbs_trade_split).copy()


def _sbs_trade_split():
    import pandas as pd

    from s3lib import data
    from s3lib.data import _store

    classes = _store.table("uscmp_nace_classes.parquet")
    by_class = classes.pivot_table(index=["division", "nace_class"], columns="kind", values="weight", aggfunc="sum",
                                   observed=True).reindex(columns=["traded", "local"]).fillna(0.0).reset_index()
    by_class["group"] = by_class["nace_class"].astype(str).str[:4]
    by_class["division"] = by_class["division"].astype(str)
    groups = by_class.groupby(["division", "group"])[["traded", "local"]].mean().reset_index()
    emp = data.employment(level=0, year=None, nace_level="group")
    emp = emp.groupby(emp["nace"].astype(str), observed=True)["value"].sum(min_count=1)
    groups["employment"] = groups["group"].map(emp)
    rows = {}
    for division, g in groups.groupby("division"):
        weighted = g["employment"].notna().all() and g["employment"].sum() > 0
        w = g["employment"] if weighted else pd.Series(1.0, index=g.index)
        per_class = by_class[by_class["division"] == division]
        share = (g[["traded", "local"]].mul(w, axis=0).sum() / w.sum()) if weighted else per_class[["traded", "local"]].mean()
        rows[division] = {"traded": float(share["traded"]), "local": float(share["local"]),
                          "basis": "employment (groups)" if weighted else "classes"}
    out = pd.DataFrame.from_dict(rows, orient="index")
    mapped = out["traded"] + out["local"]
    out["status"] = "mixed"
    out.loc[out["local"] <= MIXED_TOLERANCE * mapped, "status"] = "traded"
    out.loc[out["traded"] <= MIXED_TOLERANCE * mapped, "status"] = "local"
    out.loc[mapped <= 0, "status"] = "unmapped"
    out.index.name = "nace"
    return out


def sbs_trade_status():
    """``traded``, ``local``, ``mixed`` or ``unmapped`` by NACE division (:func:`sbs_trade_split`)."""
    return sbs_trade_split()["status"]


def sbs_core(activities) -> list:
    """Traded manufacturing (section C) and knowledge-intensive business services (the divisions of the
    ``kibs`` list of ``data/emerging_industries.csv``) among ``activities``."""
    from s3lib import data

    kibs = set(data.emerging_industries("kibs", coded_only=True)["nace"].str[:3])
    return [a for a in activities if str(a).startswith("C") or a in kibs]


#: The wage levels of a year are used when the countries that publish wages hold this share of EU employment;
#: otherwise the latest earlier year that reaches it (2015 has wages for 17 countries only).
MIN_WAGE_COVERAGE = 0.8


def sbs_wage_levels(year: int):
    """Wages and salaries per person employed by NACE division in the whole EU (euro): Eurostat SBS ``V13320``
    (million euro) over ``V16110``, summed over the countries (NUTS0) that publish both, in ``year`` or, where the
    countries publishing wages hold less than :data:`MIN_WAGE_COVERAGE` of the persons employed, in the latest
    earlier year that reaches it. The Series' ``name`` is the year used."""
    from s3lib import data

    def wide(indicator, y):
        t = data.employment(level=0, year=y, indicator=indicator, nace_level="division")
        out = t.pivot_table(index="region", columns="nace", values="value", aggfunc="first", observed=True)
        out.columns = out.columns.astype(str)
        return out

    for y in range(int(year), min(SBS.years) - 1, -1):
        wages, persons = wide("wages", y), wide("persons", y)
        if wages.empty or persons.empty:
            continue
        total = persons.sum(axis=1)
        covered = total[wages.notna().any(axis=1).reindex(total.index).fillna(False).astype(bool)].sum() / total.sum()
        if covered >= MIN_WAGE_COVERAGE:
            wages, persons = wages.align(persons, join="inner")
            both = wages.notna() & persons.notna() & (persons > 0)
            return (1e6 * wages.where(both).sum() / persons.where(both).sum()).rename(y)
    return None


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
    estimator=sbs_estimates,
    trader=sbs_trade_status,
    figures="Industry",
    finest="the business statistics stop at NUTS{level}",
    corer=sbs_core,
    core_label="traded manufacturing and knowledge-intensive business services",
    wager=sbs_wage_levels,
    flagger=_sbs_flags,
    notes=("No agriculture (A), finance and insurance (K) or public and personal services (O-U) in the business "
           "statistics: totals cover the business economy only, and clusters built on those sections (finance, "
           "health, culture) are fragments.",),
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


# --------------------------------------------------------------------------- occupations (Germany)
def _ba_counts(level: int, year: int):
    """District (NUTS3) x 3-digit KldB group employees; NUTS2 = the sum of its districts' known cells
    (a lower bound where a district cell is suppressed; NaN only when every district cell is)."""
    from s3lib import data

    x = data.occupation_matrix(year)
    if level == 3:
        return x
    out = x.groupby(x.index.str[: level + 2]).sum(min_count=1)
    out.index.name, out.columns.name = "region", "occupation"
    return out


def _ba_totals(level: int, year: int):
    """All employees by region (the data's ``total``: the 140 groups plus ``unknown``; lower bounds)."""
    from s3lib import data

    t = data.occupations(year=year, occupations="total").set_index("region")["employees"]
    return t if level == 3 else t.groupby(t.index.str[: level + 2]).sum(min_count=1)


def _kldb_main_groups(activities):
    import pandas as pd

    return pd.Series([str(a)[:2] for a in activities], index=pd.Index(activities), name="group")


def _kldb_names():
    from s3lib import data

    return data.kldb(3).set_index("code")["name_en"]


def _ba_gdp_per_head(level: int, year: int, regions):
    """Log GDP per head (PPS) of the German regions, of ``year`` or the last year before it
    with data (the regional accounts of the snapshot end in 2020)."""
    import numpy as np

    from s3lib import data

    gdp = data.gdp(unit="PPS_EU27_2020_HAB", level=level)
    gdp = gdp[gdp["region"].isin(regions) & gdp["value"].notna() & (gdp["year"] <= year)]
    if gdp.empty:
        return None, "ECI sign oriented by diversity (Stata ecomplexity rule): no GDP per head for these regions"
    used = int(gdp["year"].max())
    values = gdp[gdp["year"] == used].set_index("region")["value"]
    orient = np.log(values.reindex(regions).where(lambda v: v > 0))
    return orient, (f"ECI sign oriented by log GDP per head (PPS) of {used}, {int(orient.notna().sum())} regions"
                    + (f" (no regional accounts after {used} in the snapshot)" if used < year else ""))


OCCUPATIONS = ActivitySpace(
    key="occupations",
    title="employees subject to social insurance at place of work (Statistik der Bundesagentur für Arbeit)",
    activity="occupational group (KldB 2010, 3-digit)",
    group="KldB 2010 main group (2-digit)",
    levels=(2, 3),
    years=tuple(range(2013, 2026)),
    source=SOURCE_BA,
    reference="all German districts",
    loader=_ba_counts,
    establishments_loader=None,
    grouper=_kldb_main_groups,
    namer=_kldb_names,
    orienter=_ba_gdp_per_head,
    totals_loader=_ba_totals,
    country=OCCUPATION_COUNTRY,
    figures="Occupation",
    finest="the occupation data are used at NUTS{level}",
    kind="occupations",
    notes=(("Occupations, not industries: what people do, not what their employer sells (a competence view); "
            "it includes finance (KldB 72x) and public and personal services, which the business statistics lack."),
           ("Germany only: employees subject to social insurance at place of work on 30 June; no civil servants, "
            "self-employed, soldiers or marginal part-time jobs.")),
)

SPACES["occupations"] = OCCUPATIONS
