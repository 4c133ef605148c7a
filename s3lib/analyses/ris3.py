"""RIS3 priorities and the city-to-region alignment of a place.

RIS3 priorities are owned by a strategy owner (a NUTS2 region, a German Land or a French region
at NUTS1, or a country as a fallback); cities sit at NUTS3. The curated table
``data/ris3_priorities.csv`` maps each priority to NACE Rev.2 codes (**our own mapping, not taken
from the sources**; see ``data/ris3_priorities.README.md``). :func:`align` matches that mapping
with a place's employment and location quotients at NUTS1/NUTS2 (a :class:`s3lib.study.Study` of
the business statistics) or NUTS3 (broad sectors, :mod:`s3lib.analyses.sectors`); the scores, gaps and
candidates are the pure functions of :mod:`s3lib.measures.alignment`.

Codes the statistics do not cover (the business statistics have no A, K, O-U) are reported as
``"not measurable in SBS"``, never silently dropped: Hessen's financial sector priority (K64-K66)
is not measurable at NUTS2, only at NUTS3 in the broad sector K-N.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from s3lib.errors import DataError, UnknownChoiceError, UsageError
from s3lib.measures import alignment as measures
from s3lib.measures.alignment import matching_matrix
from s3lib.result import Result

__all__ = ["PRIORITY_TYPES", "Alignment", "Ris3Choice", "Ris3Fit", "align", "choose", "fit", "priorities",
           "similarity", "strategies"]

#: Row types of ``ris3_priorities.csv``. ``none`` marks a status row (a strategy whose list was not found).
PRIORITY_TYPES = ("priority", "niche", "fallback_national", "strength_not_s3", "none")
_CSV = "ris3_priorities.csv"
_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


# ----------------------------------------------------------------------------- the table

def _table() -> pd.DataFrame:
    """The curated table, checked against the snapshot manifest (sha256) on first read."""
    from s3lib.data import _store

    table = _store.table(_CSV).copy()
    table["owner_level"] = table["owner_level"].astype(int)
    table["priority_no"] = pd.to_numeric(table["priority_no"]).astype("Int64")
    return table


def _period_mask(period_col: pd.Series, period) -> pd.Series:
    if period is None:
        return pd.Series(True, index=period_col.index)
    if isinstance(period, (int, np.integer)):
        bounds = period_col.str.extract(r"^(\d{4})-(\d{4})$").astype(float)
        return (bounds[0] <= period) & (period <= bounds[1])
    valid = sorted(set(period_col))
    if str(period) not in valid:
        raise UnknownChoiceError("RIS3 period", period, valid, hint="or give a year such as 2014")
    return period_col == str(period)


def _owner_mask(table: pd.DataFrame, owner) -> pd.Series:
    """Rows whose owner is ``owner`` or one of its parent regions (prefix of its NUTS code)."""
    if owner is None:
        return pd.Series(True, index=table.index)
    code = str(owner).strip()
    mask = table["owner_code"].map(code.startswith) if _CODE.match(code) else None
    if mask is None or not mask.any():
        from s3lib import data

        try:
            code = data.place(owner).code
        except UnknownChoiceError:
            code = None
        mask = table["owner_code"].map(code.startswith) if code else None
    if mask is None or not mask.any():
        raise UnknownChoiceError(
            "RIS3 owner", owner, sorted(set(table["owner_code"])),
            hint="the table holds the owners of the six case places and their parents; place names work too",
        )
    return mask


def priorities(owner=None, period=None, include_fallback: bool = False,
               include_strengths: bool = False) -> pd.DataFrame:
    """RIS3 priorities from ``data/ris3_priorities.csv`` (NACE mapping: our own).

    Parameters
    ----------
    owner : str, optional
        A NUTS code or place name; rows owned by this region **or one of its parents**
        are returned (Hessen's strategy, owner ``DE7``, applies to ``"DE712"`` and to
        ``"frankfurt"``). ``None`` = all owners.
    period : str or int, optional
        A programming period as stored (``"2014-2020"``, ``"2021-2027"``), or a year
        (rows whose period contains it; undated ``"n.d."`` rows never match a year).
    include_fallback : bool, default False
        Add national domains used where a region's own list was not found (type
        ``fallback_national``: Romania's SNCDI 2014-2020 domains for Bucuresti-Ilfov).
    include_strengths : bool, default False
        Add sourced regional strengths that are **not** an S3 list (type
        ``strength_not_s3``: Nouvelle-Aquitaine), for orientation only.

    Returns
    -------
    DataFrame
        The CSV's columns (see the README) plus ``priority_id`` (``"DE7/2021-2027/7"``)
        and ``label`` (``"7 Financial sector"``). Status rows (type ``none``) are left
        out: see :func:`strategies`.

    Examples
    --------
    >>> p = priorities("DE712", period="2021-2027")
    >>> p["priority_en"].tolist()[-1]
    'Financial sector'
    """
    table = _table()
    types = {"priority", "niche"}
    if include_fallback:
        types.add("fallback_national")
    if include_strengths:
        types.add("strength_not_s3")
    mask = _owner_mask(table, owner) & _period_mask(table["period"], period) & table["type"].isin(types)
    out = table[mask].reset_index(drop=True)
    out["priority_id"] = out["owner_code"] + "/" + out["period"] + "/" + out["priority_no"].astype(str)
    out["label"] = out["priority_no"].astype(str) + " " + out["priority_en"]
    return out


def strategies(owner=None, period=None) -> pd.DataFrame:
    """One row per owner x strategy with its status: what was found, and what was not.

    ``status`` is ``sourced``, ``list_not_found``, ``fallback_national_2014_2020`` or
    ``strength_not_s3``; ``n_rows`` counts its priority rows (0 for a list not found).

    Parameters
    ----------
    owner, period
        As in :func:`priorities`.

    Examples
    --------
    >>> strategies("FRI12")[["owner_code", "period", "status", "n_rows"]].values.tolist()[:2]
    [['FRI1', '2014-2020', 'list_not_found', 0], ['FRI', '2021-2027', 'list_not_found', 0]]
    """
    table = _table()
    table = table[_owner_mask(table, owner) & _period_mask(table["period"], period)]
    table = table.assign(n_rows=(table["type"] != "none").astype(int))
    keys = ["owner_code", "owner_level", "owner_name", "strategy", "period", "status"]
    out = table.groupby(keys, sort=False).agg(
        types=("type", lambda s: ";".join(dict.fromkeys(s))),
        n_rows=("n_rows", "sum"),
        note=("note", "first"),
        source=("source", "first"),
    )
    return out.reset_index()


# ----------------------------------------------------------------------------- which list applies

@dataclass(frozen=True)
class Ris3Choice:
    """Which RIS3 list :func:`choose` matched for a place, and how to label it.

    ``kind`` is ``"regional"`` (the owner's own sourced list), ``"national fallback"``
    (national domains because the region's list was not found), ``"strengths only"``
    (no S3 list found: sourced regional strengths, for orientation only) or ``"none"``.
    ``period`` (``None`` = all periods, for undated strength rows), ``include_fallback``
    and ``include_strengths`` say which rows of :func:`priorities` are matched.
    """

    kind: str
    period: object
    include_fallback: bool
    include_strengths: bool

    @property
    def found(self) -> bool:
        """True when a sourced priority list (the region's own, or the national fallback) is matched."""
        return self.kind in ("regional", "national fallback")

    def priority_kwargs(self) -> dict:
        """Keyword arguments for :func:`priorities`."""
        return {"period": self.period, "include_fallback": self.include_fallback,
                "include_strengths": self.include_strengths}


def choose(place, period="auto") -> Ris3Choice:
    """The RIS3 list to match for a place: its own sourced list first, never an invented one.

    With ``period="auto"``: the latest period with a ``sourced`` list of the owner (or a
    parent); else the latest period with a national fallback; else the sourced regional
    strengths of all periods (``strength_not_s3``, orientation only); else ``"none"``
    (also for a region the table does not hold). With an explicit period the same order
    applies within that period.

    Examples
    --------
    >>> choose("frankfurt")
    Ris3Choice(kind='regional', period='2021-2027', include_fallback=False, include_strengths=False)
    >>> choose("bucharest").kind, choose("bucharest").period
    ('national fallback', '2014-2020')
    >>> choose("bordeaux").kind
    'strengths only'
    """
    table = _table()
    try:
        table = table[_owner_mask(table, place)]
    except UnknownChoiceError:  # a region outside the table: no strategy recorded
        return Ris3Choice("none", None if period == "auto" else period, False, False)
    if period != "auto":
        table = table[_period_mask(table["period"], period)]
    dated = table[table["period"].str.match(r"^\d{4}-\d{4}$")]

    def latest(kind: str):
        periods = sorted(set(dated.loc[dated["type"].isin(kind.split()), "period"]))
        return periods[-1] if periods else None

    if (found := latest("priority niche")) is not None:
        return Ris3Choice("regional", found, False, False)
    if (found := latest("fallback_national")) is not None:
        return Ris3Choice("national fallback", found, True, False)
    if (table["type"] == "strength_not_s3").any():
        return Ris3Choice("strengths only", None if period == "auto" else period, False, True)
    return Ris3Choice("none", None if period == "auto" else period, False, False)


# ----------------------------------------------------------------------------- alignment of a place

@dataclass(frozen=True)
class Alignment:
    """Result of :func:`align` for one place, level, year and RIS3 list.

    Attributes: ``place``, ``region`` (the code whose employment is used), ``level``, ``year``,
    ``choice`` (:class:`Ris3Choice`: which list), ``strategies`` (status of every strategy that
    applies), ``priorities``, ``profile`` (employment and LQ by industry), ``match``
    (:func:`s3lib.measures.alignment.matching`), ``scores``, ``priority_gaps``, ``uncovered``
    (:func:`s3lib.measures.alignment.uncovered_strengths`), ``candidates``, ``notes`` (caveats to
    show next to the results, a tuple) and ``benchmark``: the same list's coverage and fit in every region of the
    study's sample (:func:`s3lib.measures.alignment.benchmark`; None at NUTS3), the yardstick of a place's score.
    """

    place: object
    region: str
    level: int
    year: int
    choice: Ris3Choice
    strategies: pd.DataFrame
    priorities: pd.DataFrame
    profile: pd.DataFrame
    match: pd.DataFrame
    scores: pd.DataFrame
    priority_gaps: pd.DataFrame
    uncovered: pd.DataFrame
    candidates: pd.DataFrame
    notes: tuple = ()
    benchmark: pd.DataFrame | None = None

    @property
    def period(self):
        return self.choice.period

    def yardstick(self) -> dict:
        """The same list in every region of the sample (:attr:`benchmark`): ``coverage_median``, ``fit_median`` and
        the place's percentiles ``coverage_pct``, ``fit_pct`` (share of regions at or below it, 0-100); empty at
        NUTS3."""
        if self.benchmark is None or self.benchmark.empty:
            return {}
        out = {}
        for key in ("coverage", "fit"):
            values, own = self.benchmark[key].dropna(), float(self.scores.loc["all", key])
            out[f"{key}_median"] = float(values.median()) if len(values) else None
            out[f"{key}_pct"] = float(100 * (values <= own).mean()) if len(values) and own == own else None
        return out

    def matrix(self, value: str = "lq") -> pd.DataFrame:
        """Priority x industry matrix of ``value`` (see :func:`s3lib.measures.alignment.matching_matrix`)."""
        return matching_matrix(self.match, value)


def align(view, period="auto", level: int | None = None) -> Alignment:
    """Match the RIS3 priorities that apply to a place with its specialisations.

    Levels: the study's own (``None``), or ``1`` / ``2``: the business statistics by NACE division for
    the place's NUTS1 / NUTS2 region, from the same study at that level (:meth:`s3lib.study.Study.replace`:
    year, scheme, sample rule and estimated cells kept; LQ against all regions of the level; candidates
    are the new paths of notebook 02 and the card, with their density and benefit). ``3`` uses broad-sector
    employment of the place's NUTS3 region (where it exists: not in France) on the finest complete
    partition of :data:`s3lib.measures.alignment.BROAD_PARTITIONS`, LQ against the country
    (:func:`s3lib.analyses.sectors.nuts3_profile`); no candidates at that level (complexity needs all
    regions). Formulas: :mod:`s3lib.measures.alignment`.

    Parameters
    ----------
    view : PlaceView
        The place in a study (:meth:`s3lib.study.Study.at`); ``view.alignment(...)`` calls this.
    period : str or int, default ``"auto"``
        RIS3 period, see :func:`choose` (``"auto"``: the latest sourced list, else a national fallback,
        else sourced strengths for orientation).
    level : {None, 1, 2, 3}

    Returns
    -------
    Alignment
    """
    from s3lib.analyses import sectors

    study, p = view.study, view.place
    level = study.level if level is None else level
    if level not in (1, 2, 3):
        raise UnknownChoiceError("level", level, ["1", "2", "3"])
    region = {1: p.nuts1, 2: p.nuts2, 3: p.nuts3}[level]
    if not region:
        raise UsageError(f"{p.name} ({p.code}) has no NUTS{level} region; choose a level of {p.level} or coarser")
    choice = choose(p.code, period)
    year = study.year
    try:
        status = strategies(p.code, choice.period)
    except UnknownChoiceError:  # a region outside the curated table: no strategy on record
        status = strategies().iloc[0:0]
    prios = priorities(p.code, **choice.priority_kwargs()) if choice.kind != "none" else priorities().iloc[0:0]
    notes = ["NACE mappings of the priorities are our own, not taken from the strategies (each code's reason: "
             "data/ris3_priorities.csv, column codes_why).",
             f"Employment {year} against RIS3 period {choice.period or 'all periods'}."]
    for row in status[status["status"] == "list_not_found"].itertuples():
        notes.append(f"{row.owner_name} {row.period}: priority list not found ({row.strategy}); no priorities invented.")
    if (prios["type"] == "fallback_national").any():
        notes.append("Fallback rows are national domains, not the region's own list.")
    if (prios["type"] == "strength_not_s3").any():
        notes.append("strength_not_s3 rows are sourced regional strengths, not an S3 priority list.")
    if level == 3:
        profile, partition = sectors.nuts3_profile(view)
        links = measures.priority_industries(prios, partition)
        match = measures.matching(links, profile)
        cands = measures.priority_candidates(match, pd.DataFrame(
            columns=["density", "benefit", "quadrant", "density_pct", "benefit_pct", "score"], dtype=float))
        bench = None
        notes.append(f"NUTS3 broad sectors {', '.join(partition)}; LQ against {p.country}; sectors are coarse, "
                     "so a priority usually covers only part of a sector (partial).")
    else:
        at = study if level == study.level else study.replace(level=level)
        try:
            region, _, region_note = at.region(p)
        except UsageError as exc:  # the place's region is not in the statistics: say so, as a data gap
            raise DataError(str(exc)) from None
        counts, lq = at.counts, at.lq
        traded = counts.columns[at.traded.to_numpy()]
        profile = pd.DataFrame({"employment": counts.loc[region], "lq": lq.loc[region]})
        measurable = counts.columns[counts.notna().any(axis=0)]
        links = measures.priority_industries(prios)
        match = measures.matching(links, profile, measurable, traded=traded)
        profile = profile.loc[traded]  # coverage, fit and the uncovered strengths count traded industries only
        cands = measures.priority_candidates(match, at.candidates(region).table)
        measured = match.loc[match["status"] == "measured", "industry"].unique()
        bench = measures.benchmark(counts.loc[at.sample.union([region]), traded], lq.loc[at.sample.union([region]), traded],
                                   measured)
        notes.append(f"NACE divisions at NUTS{level} ({region}); LQ against all NUTS{level} regions in SBS. "
                     "SBS has no A, K, O-U: such codes are reported as not measurable. Coverage and fit count the "
                     f"{len(traded)} traded divisions only: local and mixed ones (retail, restaurants, temp agencies) "
                     "are shown, never counted.")
        if region_note:
            notes.append(region_note)
    notes += view.curated_caveats("alignment")
    return Alignment(place=p, region=region, level=level, year=year, choice=choice, strategies=status,
                     priorities=prios, profile=profile, match=match, scores=measures.scores(match, profile),
                     priority_gaps=measures.priority_gaps(match), uncovered=measures.uncovered_strengths(match, profile),
                     candidates=cands, notes=tuple(dict.fromkeys(notes)), benchmark=bench)


def similarity(view) -> Result:
    """Similarity of the specialisation profiles of a place's NUTS3, NUTS2 and NUTS1 regions.

    Two classifications, each with one reference economy:

    * broad sectors (NUTS 1/2/3, where published: DE7, ES21, ITC1, PT11, RO32), on the
      finest partition complete for all three regions and the country; LQ against the
      country (:func:`s3lib.analyses.sectors.level_lq`);
    * NACE divisions of the study's space at NUTS2 and NUTS1 (the same study at both levels,
      :meth:`s3lib.study.Study.replace`), LQ of both against the sum of all NUTS2 regions;
      divisions missing in either region are left out. The regions are those the study
      resolves for the place (Warsaw PL91 is in PL12 and PL1 in the 2014 data).

    Each pair gets ``cosine_lq`` and ``cosine_log_lq`` (:func:`s3lib.measures.alignment.profile_similarity`).

    Returns
    -------
    Result
        ``table``: ``classification``, ``region_a``, ``region_b``, ``n_industries``, ``cosine_lq``,
        ``cosine_log_lq``, ``reference``; a pair the data cannot give is absent and a note says why.
    """
    from s3lib.analyses import sectors
    from s3lib.measures.specialisation import location_quotient, reference_totals

    study, p = view.study, view.place
    rows, notes = [], []

    def pairs(lq: pd.DataFrame, classification: str, reference: str):
        cos, logcos = measures.profile_similarity(lq), measures.profile_similarity(lq, log=True)
        codes = list(lq.index)
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                rows.append((classification, a, b, cos.params["n_industries"], cos.table.loc[a, b],
                             logcos.table.loc[a, b], reference))

    broad = sectors.level_lq(view)
    if len(broad):
        pairs(broad.table, "broad sectors " + "/".join(broad.params["partition"]), p.country)
    else:
        notes.extend(broad.notes)
    if p.nuts1 and p.nuts2 and study.space.levels and {1, 2} <= set(study.space.levels):
        s2, s1 = study.replace(level=2), study.replace(level=1)
        try:
            r2, r1 = s2.region(p)[0], s1.region(p)[0]
        except UsageError as exc:
            notes.append(f"{study.space.activities}: {exc}")
        else:
            m2 = s2.counts
            stacked = pd.concat([m2.loc[[r2]], s1.counts.loc[[r1]]]).reindex(columns=m2.columns)
            lq = location_quotient(stacked, reference=reference_totals(m2))
            pairs(lq, f"{study.space.activities} ({study.space.key.upper()})", "all NUTS2 regions in "
                  f"{study.space.key.upper()}")
    out = pd.DataFrame(rows, columns=["classification", "region_a", "region_b", "n_industries",
                                      "cosine_lq", "cosine_log_lq", "reference"])
    return Result(out, notes, {"place": p.key, "year": study.year})


@dataclass(frozen=True)
class Ris3Fit:
    """The headline RIS3 fit of a place (the card's and the atlas's RIS3 block).

    ``kind``/``found``/``period``: the list matched (:func:`choose`); ``strategy``, ``owner``,
    ``owner_level``: which strategy; ``coverage``, ``fit``: the ``all`` row of :func:`align`'s scores at
    ``level`` for ``region``; ``coverage_median``, ``fit_median``, ``coverage_pct``, ``fit_pct``: the same list
    in every region of the sample (its median, and the place's percentile: a list of broad priorities scores
    high everywhere); ``n_priorities``; ``n_empty``: priorities without any specialised industry;
    ``not_measurable``: codes outside the statistics; ``not_found``: strategies whose list was not found (never
    invented).
    """

    kind: str
    found: bool
    period: object
    region: str | None
    owner: str | None
    owner_level: int | None
    strategy: str | None = None
    coverage: float | None = None
    fit: float | None = None
    n_priorities: int = 0
    not_measurable: str = ""
    not_found: tuple = ()
    coverage_median: float | None = None
    fit_median: float | None = None
    coverage_pct: float | None = None
    fit_pct: float | None = None
    n_empty: int = 0


def fit(view) -> Ris3Fit:
    """Coverage and fit of the RIS3 list that applies to a place (:func:`choose`) at the study's level,
    or what was not found."""
    p = view.place
    choice = choose(p.code)
    try:
        record = strategies(p.code)
    except UnknownChoiceError:  # a region outside the curated table has no record
        record = None
    not_found = () if record is None else tuple(
        f"{r.owner_name} {r.period}" for r in record[record["status"] == "list_not_found"].itertuples())
    region = view.region  # the row of the statistics that stands for the place (another code where the data use one)
    if not choice.found:
        return Ris3Fit(choice.kind, False, choice.period, region, p.ris3_owner, p.ris3_level, not_found=not_found)
    a = view.alignment()  # the strategy read with data of its own period
    used = record[(record["period"] == choice.period) & record["status"].isin(["sourced", "fallback_national_2014_2020"])]
    return Ris3Fit(choice.kind, True, choice.period, a.region, used["owner_code"].iloc[0],
                   int(used["owner_level"].iloc[0]), strategy="; ".join(used["strategy"]),
                   coverage=float(a.scores.loc["all", "coverage"]), fit=float(a.scores.loc["all", "fit"]),
                   n_priorities=len(a.priorities),
                   not_measurable=a.scores.loc["all", "not_measurable"].replace(";", ", "), not_found=not_found,
                   n_empty=len(a.priority_gaps), **a.yardstick())

