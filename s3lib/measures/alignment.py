"""City-to-region alignment measures: RIS3 priorities against a place's specialisations.

Pure functions on labelled tables (the RIS3 table itself is loaded by :mod:`s3lib.analyses.ris3`).
With ``M_i = 1`` if ``LQ_i >= 1`` (no rounding) and ``x_i`` the place's employment in industry
``i`` (missing cells left out of every sum):

* **coverage** of a priority set ``P``: ``sum_{i in P, M_i=1} x_i / sum_{i in P} x_i``,
  the share of priority-mapped employment that lies in specialised industries;
* **fit**: ``sum_{i in P, M_i=1} x_i / sum_{i: M_i=1} x_i``, the share of the place's
  specialised employment that the priorities cover;
* **gaps** both ways: priorities with no specialised industry, and specialised
  industries that no priority covers (ranked by employment);
* **candidates** next to each priority: its industries with ``M_i = 0``, ranked by
  relatedness density and complexity (Balland, Boschma, Crespo & Rigby 2019);
* the **similarity** of specialisation profiles (cosine of LQ vectors over a shared classification).

Codes the statistics do not cover (the business statistics have no A, K, O-U) are reported as
``"not measurable in SBS"``, never silently dropped.

References
----------
Foray, D. (2015). Smart Specialisation. Routledge.
Balland, P.-A., Boschma, R., Crespo, J. and Rigby, D. (2019). Smart specialization
policy in the European Union: relatedness, knowledge complexity and regional
diversification. Regional Studies 53(9), 1252-1268.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import DataError, UsageError
from s3lib.result import Result

__all__ = [
    "BROAD_PARTITIONS",
    "MISSING",
    "NOT_MEASURABLE",
    "NOT_TRADED",
    "benchmark",
    "matching",
    "matching_matrix",
    "partition_for",
    "priority_candidates",
    "priority_gaps",
    "priority_industries",
    "profile_similarity",
    "scores",
    "to_divisions",
    "uncovered_strengths",
]

#: Status of an industry that the statistics do not cover at all (SBS: no A, K, O-U).
NOT_MEASURABLE = "not measurable in SBS"
#: Status of an industry the statistics cover but that has no value for the place (confidential, not published).
MISSING = "missing for this place"
#: Status of a local or mixed industry: shown, but never counted in coverage or fit (retail, restaurants,
#: temp agencies are not what a smart-specialisation priority is about).
NOT_TRADED = "not traded"
#: Non-overlapping broad-sector partitions of the NUTS3 employment table, finest first:
#: NACE A*10, and the coarser A*6 that is all German and Spanish NUTS3 regions publish.
BROAD_PARTITIONS = (
    ("A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U"),
    ("A", "B-E", "F", "G-J", "K-N", "O-U"),
)


def to_divisions(codes, divisions) -> list[str]:
    """Roll Eurostat-style NACE codes up to divisions: ``C266 -> C26``; a section
    expands to all its divisions (``E -> E36;E37;E38;E39``).

    Parameters
    ----------
    codes : iterable of str
        Sections (``"E"``), divisions (``"C26"``), groups (``"C266"``) or classes (``"C3316"``).
    divisions : iterable of str
        All NACE Rev.2 division codes (e.g. ``s3lib.data.nace(level=2)``), to expand sections.

    Returns
    -------
    list of str
        Divisions in first-seen order, without duplicates.

    Examples
    --------
    >>> to_divisions(["C266", "C21", "E"], ["C21", "C26", "E36", "E37", "E38", "E39"])
    ['C26', 'C21', 'E36', 'E37', 'E38', 'E39']
    """
    divisions = list(divisions)
    out: dict[str, None] = {}
    for code in codes:
        for d in ([d for d in divisions if d[0] == code] if len(code) == 1 else [code[:3]]):
            out[d] = None
    return list(out)


def _sections(sector: str) -> list[str]:
    """``"G-J" -> ["G", "H", "I", "J"]``; ``"C" -> ["C"]``."""
    first, _, last = sector.partition("-")
    return [chr(c) for c in range(ord(first), ord(last or first) + 1)]


def priority_industries(prios: pd.DataFrame, partition=None) -> pd.DataFrame:
    """Long table of the industries each priority maps to.

    At division level (``partition=None``) a priority maps to the divisions in its
    ``nace_divisions``; ``partial`` is True when the mapping names only part of the
    division (``C266`` irradiation / electromedical equipment inside ``C26``), so the
    division's employment is an **upper bound** for the priority. With a broad-sector
    ``partition`` (e.g. ``BROAD_PARTITIONS[1]``) each division is carried to the sector
    holding its section; ``partial`` is True unless every section of the sector is
    mapped whole.

    Parameters
    ----------
    prios : DataFrame
        Rows of :func:`priorities` (columns ``priority_id``, ``label``, ``type``,
        ``nace_detail``, ``nace_divisions``).
    partition : sequence of str, optional
        Broad sectors (``"A"``, ``"B-E"``, ``"G-J"``, ...) that do not overlap.

    Returns
    -------
    DataFrame
        Columns ``priority_id``, ``label``, ``type``, ``industry``, ``partial``, ``detail``
        (the mapped codes inside this industry, ``;``-separated).

    Examples
    --------
    >>> p = pd.DataFrame({"priority_id": ["X/1"], "label": ["1 Health"], "type": ["priority"],
    ...                   "nace_detail": ["C21;C266;Q86"], "nace_divisions": ["C21;C26;Q86"]})
    >>> priority_industries(p)[["industry", "partial"]].values.tolist()
    [['C21', False], ['C26', True], ['Q86', False]]
    >>> priority_industries(p, BROAD_PARTITIONS[1])[["industry", "partial"]].values.tolist()
    [['B-E', True], ['O-U', True]]
    """
    rows = []
    sector_of = {}
    if partition is not None:
        for sector in partition:
            for s in _sections(sector):
                if s in sector_of:
                    raise UsageError(f"broad sectors overlap on section {s}: {list(partition)}")
                sector_of[s] = sector
    for p in prios.itertuples(index=False):
        detail = [c for c in p.nace_detail.split(";") if c]
        divisions = [d for d in p.nace_divisions.split(";") if d]
        if partition is None:
            for d in divisions:
                whole = d in detail or d[0] in detail
                finer = [c for c in detail if len(c) > 3 and c.startswith(d)]
                rows.append((p.priority_id, p.label, p.type, d, not whole, ";".join(finer or [d])))
        else:
            by_sector: dict[str, list[str]] = {}
            for d in divisions:
                if d[0] not in sector_of:
                    raise UsageError(f"section {d[0]} is in no broad sector of {list(partition)}")
                by_sector.setdefault(sector_of[d[0]], []).append(d)
            for sector, ds in by_sector.items():
                whole = all(s in detail for s in _sections(sector))
                rows.append((p.priority_id, p.label, p.type, sector, not whole, ";".join(ds)))
    return pd.DataFrame(rows, columns=["priority_id", "label", "type", "industry", "partial", "detail"])


def _check_profile(profile: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(profile, pd.DataFrame) or not {"employment", "lq"} <= set(profile.columns):
        raise UsageError("profile must be a DataFrame indexed by industry with columns 'employment' and 'lq'")
    return profile


def matching(links: pd.DataFrame, profile: pd.DataFrame, measurable=None, traded=None) -> pd.DataFrame:
    """The matching table: every priority x mapped industry with the place's employment and LQ.

    Parameters
    ----------
    links : DataFrame
        From :func:`priority_industries`.
    profile : DataFrame
        The place: index = industry codes, columns ``employment`` (NaN = missing) and ``lq``.
    measurable : iterable of str, optional
        Industries the statistics cover at all (e.g. the SBS divisions with a value in
        some region). Default: ``profile.index``.
    traded : iterable of str, optional
        The traded industries; a measured industry outside it is :data:`NOT_TRADED` (shown, not
        counted). Default: every industry counts.

    Returns
    -------
    DataFrame
        ``links`` plus ``employment``, ``lq``, ``specialised`` (``LQ >= 1``; NA unless
        measured) and ``status``: ``"measured"``, :data:`NOT_TRADED` (local or mixed),
        :data:`MISSING` (covered by the statistics, no value for this place) or
        :data:`NOT_MEASURABLE` (A, K, O-U in SBS).

    Examples
    --------
    >>> links = pd.DataFrame({"priority_id": ["p"] * 2, "label": ["1 Finance"] * 2, "type": ["priority"] * 2,
    ...                       "industry": ["K64", "J62"], "partial": [False] * 2, "detail": ["K64", "J62"]})
    >>> prof = pd.DataFrame({"employment": [50.0], "lq": [1.2]}, index=["J62"])
    >>> matching(links, prof)["status"].tolist()
    ['not measurable in SBS', 'measured']
    """
    profile = _check_profile(profile)
    measurable = set(profile.index if measurable is None else measurable)
    out = links.copy()
    out["employment"] = out["industry"].map(profile["employment"]).astype(float)
    out["lq"] = out["industry"].map(profile["lq"]).astype(float)
    known = out["employment"].notna() & out["lq"].notna()
    out["status"] = np.where(known, "measured", np.where(out["industry"].isin(measurable), MISSING, NOT_MEASURABLE))
    if traded is not None:
        out.loc[(out["status"] == "measured") & ~out["industry"].isin(set(traded)), "status"] = NOT_TRADED
    out["specialised"] = pd.array(np.where(known, out["lq"] >= 1.0, pd.NA), dtype="boolean")
    return out


def matching_matrix(match: pd.DataFrame, value: str = "lq") -> pd.DataFrame:
    """Priority x industry matrix of ``value`` (``"lq"`` or ``"employment"``) for a heatmap.

    Rows are priority labels in table order, columns industries in first-seen order;
    NaN where the priority does not map to the industry or the cell is not measured.

    Examples
    --------
    >>> m = pd.DataFrame({"label": ["1 A", "1 A", "2 B"], "industry": ["C21", "C26", "C21"],
    ...                   "lq": [1.5, 0.5, 1.5]})
    >>> matching_matrix(m).loc["2 B"].tolist()
    [1.5, nan]
    """
    wide = match.pivot_table(index="label", columns="industry", values=value, aggfunc="first", dropna=False)
    return wide.reindex(index=list(dict.fromkeys(match["label"])), columns=list(dict.fromkeys(match["industry"])))


def _score_row(rows: pd.DataFrame, specialised_total: float) -> dict:
    rows = rows.drop_duplicates("industry")
    measured = rows[rows["status"] == "measured"]
    spec = measured[measured["specialised"].fillna(False).astype(bool)]
    mapped = measured["employment"].sum()
    in_spec = spec["employment"].sum()
    return {
        "n_industries": len(rows),
        "n_measured": len(measured),
        "n_specialised": len(spec),
        "mapped_employment": mapped,
        "specialised_employment": in_spec,
        "coverage": in_spec / mapped if mapped > 0 else np.nan,
        "fit": in_spec / specialised_total if specialised_total > 0 else np.nan,
        "complete": len(measured) == len(rows),
        "partial": ";".join(rows.loc[rows["partial"].astype(bool), "industry"]),
        "not_measurable": ";".join(rows.loc[rows["status"] == NOT_MEASURABLE, "industry"]),
        "missing": ";".join(rows.loc[rows["status"] == MISSING, "industry"]),
        "not_traded": ";".join(rows.loc[rows["status"] == NOT_TRADED, "industry"]),
    }


def scores(match: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """Coverage and fit per priority and for all priorities together (last row, ``"all"``).

    With ``P`` a priority's measured industries (each counted once), ``x_i`` the place's
    employment and ``M_i = 1`` if ``LQ_i >= 1``:

    * ``coverage = sum_{i in P} M_i x_i / sum_{i in P} x_i``
    * ``fit = sum_{i in P} M_i x_i / sum_{i in profile} M_i x_i``

    The ``all`` row uses the union of the priorities' industries, so an industry two
    priorities share counts once. Per-priority fits therefore need not add up to the
    total fit. Industries not measured (``not_measurable``, ``missing``) and local or mixed
    ones (``not_traded``; pass the traded industries' profile as ``profile`` so that the fit's
    denominator is traded too) are listed, not counted, and ``complete`` is False: the scores then describe only the measured part
    (Hessen's finance priority is measured only through J62/J63 in SBS); ``partial`` lists industries the priority maps only in part (their whole
    employment is used: an upper bound).

    Parameters
    ----------
    match : DataFrame
        From :func:`matching`.
    profile : DataFrame
        The place's ``employment`` and ``lq`` by industry (the fit's denominator).

    Returns
    -------
    DataFrame
        Index ``priority_id`` (and ``"all"``); columns ``label``, ``n_industries``,
        ``n_measured``, ``n_specialised``, ``mapped_employment``, ``specialised_employment``,
        ``coverage``, ``fit``, ``complete``, ``partial``, ``not_measurable``, ``missing``, ``not_traded``.

    Examples
    --------
    >>> prof = pd.DataFrame({"employment": [60.0, 40.0], "lq": [1.5, 0.5]}, index=["a", "b"])
    >>> links = pd.DataFrame({"priority_id": ["p"] * 2, "label": ["1 P"] * 2, "type": ["priority"] * 2,
    ...                       "industry": ["a", "b"], "partial": [False] * 2, "detail": ["a", "b"]})
    >>> scores(matching(links, prof), prof).loc["all", ["coverage", "fit"]].tolist()
    [0.6, 1.0]
    """
    profile = _check_profile(profile)
    known = profile["employment"].notna() & profile["lq"].notna()
    total = profile.loc[known & (profile["lq"] >= 1.0), "employment"].sum()
    rows = {pid: {"label": grp["label"].iloc[0], **_score_row(grp, total)}
            for pid, grp in match.groupby("priority_id", sort=False)}
    rows["all"] = {"label": "all priorities", **_score_row(match, total)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "priority_id"
    return out


def priority_gaps(match: pd.DataFrame) -> pd.DataFrame:
    """Priorities with no specialised industry in the place (gap from the strategy side).

    A priority is a ``gap`` when it has measured industries and none has ``LQ >= 1``; it is
    ``not measurable`` when none of its industries is measured (e.g. a finance priority
    on the business statistics). Priorities with at least one specialised industry are
    not listed.

    Returns
    -------
    DataFrame
        Columns ``priority_id``, ``label``, ``reason`` (``"no specialised industry"`` or
        ``"not measurable"``), ``best_industry`` and ``best_lq`` (the highest LQ among its
        measured industries), ``unmeasured`` (codes not measured).

    Examples
    --------
    >>> m = pd.DataFrame({"priority_id": ["p", "p", "q"], "label": ["1 P", "1 P", "2 Q"],
    ...                   "industry": ["a", "b", "K64"], "lq": [0.8, 0.9, np.nan],
    ...                   "status": ["measured", "measured", NOT_MEASURABLE],
    ...                   "specialised": pd.array([False, False, pd.NA], dtype="boolean")})
    >>> priority_gaps(m)[["priority_id", "reason", "best_industry"]].values.tolist()
    [['p', 'no specialised industry', 'b'], ['q', 'not measurable', nan]]
    """
    rows = []
    for pid, grp in match.groupby("priority_id", sort=False):
        measured = grp[grp["status"] == "measured"]
        unmeasured = ";".join(grp.loc[grp["status"] != "measured", "industry"])
        if measured.empty:
            rows.append((pid, grp["label"].iloc[0], "not measurable", None, np.nan, unmeasured))
        elif not measured["specialised"].astype(bool).any():
            best = measured.loc[measured["lq"].idxmax()]
            rows.append((pid, grp["label"].iloc[0], "no specialised industry", best["industry"], best["lq"], unmeasured))
    return pd.DataFrame(rows, columns=["priority_id", "label", "reason", "best_industry", "best_lq", "unmeasured"])


def uncovered_strengths(match: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """Specialised industries (``LQ >= 1``) that no priority maps to, by employment (gap from the place side).

    Returns
    -------
    DataFrame
        Index = industry; columns ``employment``, ``lq``, ``share`` (of the place's
        specialised employment), sorted by employment, largest first.

    Examples
    --------
    >>> prof = pd.DataFrame({"employment": [60.0, 30.0, 10.0], "lq": [1.5, 1.1, 0.5]}, index=["a", "b", "c"])
    >>> m = pd.DataFrame({"industry": ["a"]})
    >>> uncovered_strengths(m, prof).index.tolist()
    ['b']
    """
    profile = _check_profile(profile)
    known = profile["employment"].notna() & profile["lq"].notna()
    spec = profile[known & (profile["lq"] >= 1.0)]
    out = spec.loc[~spec.index.isin(match["industry"]), ["employment", "lq"]].copy()
    out["share"] = out["employment"] / spec["employment"].sum()
    return out.sort_values("employment", ascending=False)


def priority_candidates(match: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    """Related-diversification candidates next to each priority.

    The candidates of a priority are its measured industries in which the place is not
    specialised (``M_i = 0``), taken from the place's opportunity table (the new paths of
    :func:`s3lib.study.paths.review`: relatedness density ``RD_i`` = feasibility, a benefit score
    chosen by a validity gate, quadrants, and ``score``: the mean of the percentile ranks of density
    and benefit; Balland et al. 2019). Within each priority (table order) candidates are sorted by
    ``score``, highest first, so high density *and* high benefit come first.

    Parameters
    ----------
    match : DataFrame
        From :func:`matching`.
    opportunities : DataFrame
        Index = industry, columns ``density``, ``benefit``, ``quadrant``, ``score`` (the place's candidates).

    Returns
    -------
    DataFrame
        Columns ``priority_id``, ``label``, ``industry``, ``partial`` (the priority maps only
        part of the industry, e.g. fish processing C102 inside C10), ``employment``, ``lq``,
        ``density``, ``benefit``, ``quadrant``, ``score``.

    Examples
    --------
    >>> opp = pd.DataFrame({"density": [0.4, 0.1], "benefit": [1.0, -1.0],
    ...                     "quadrant": ["low risk, high benefit", "high risk, low benefit"],
    ...                     "score": [1.0, 0.5]}, index=["a", "b"])
    >>> m = pd.DataFrame({"priority_id": ["p", "p"], "label": ["1 P", "1 P"], "industry": ["a", "c"],
    ...                   "partial": [False] * 2, "employment": [5.0, 90.0], "lq": [0.5, 2.0],
    ...                   "status": ["measured"] * 2})
    >>> priority_candidates(m, opp)[["industry", "score", "quadrant"]].values.tolist()
    [['a', 1.0, 'low risk, high benefit']]
    """
    pool = opportunities[["density", "benefit", "quadrant", "score"]]
    rows = match.loc[match["status"] == "measured", ["priority_id", "label", "industry", "partial", "employment", "lq"]]
    out = rows.merge(pool, left_on="industry", right_index=True, how="inner")
    order = {pid: k for k, pid in enumerate(dict.fromkeys(match["priority_id"]))}
    out = out.assign(_order=out["priority_id"].map(order)).sort_values(["_order", "score"], ascending=[True, False])
    cols = ["priority_id", "label", "industry", "partial", "employment", "lq", "density", "benefit", "quadrant",
            "score"]
    return out[cols].reset_index(drop=True)


def benchmark(counts: pd.DataFrame, lq: pd.DataFrame, industries) -> pd.DataFrame:
    """Coverage and fit of one list of industries (a strategy's, :func:`scores`'s ``all`` row) for every region:
    how a strategy would score in any region, so a place's score can be read against them.

    ``counts`` and ``lq``: region x industry over the industries that count (the traded ones); ``industries``:
    the list's measured industries. Missing cells count in neither sum, as in :func:`scores`.

    >>> x = pd.DataFrame({"a": [60.0, 10.0], "b": [40.0, 90.0]}, index=["r1", "r2"])
    >>> lq = pd.DataFrame({"a": [1.5, 0.3], "b": [0.6, 1.2]}, index=["r1", "r2"])
    >>> benchmark(x, lq, ["a"]).round(2).values.tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """
    x = counts.where(counts.notna() & lq.notna())
    held = x.where(lq >= 1.0, 0.0)
    cols = [c for c in dict.fromkeys(industries) if c in x.columns]
    mapped, specialised = x[cols].sum(axis=1, min_count=1), held[cols].sum(axis=1, min_count=1)
    out = pd.DataFrame({"coverage": specialised / mapped, "fit": specialised / held.sum(axis=1)})
    return out.replace([np.inf, -np.inf], np.nan)


def profile_similarity(lq: pd.DataFrame, log: bool = False) -> pd.DataFrame:
    """Cosine similarity of regions' specialisation profiles (LQ vectors).

    ``cos(a, b) = sum_i a_i b_i / (sqrt(sum_i a_i^2) sqrt(sum_i b_i^2))`` over the industries
    observed (non-missing) in **every** row. LQs are positive, so the plain cosine stays
    high (two unrelated profiles still score well above 0); ``log=True`` uses ``ln LQ``
    instead (0 = no specialisation), which measures whether the regions are specialised
    in the same direction: 1 same, 0 unrelated, -1 opposite. Industries with ``LQ = 0``
    somewhere are left out for ``log=True``.

    Parameters
    ----------
    lq : DataFrame
        Region x industry LQ computed against one reference economy.
    log : bool, default False

    Returns
    -------
    Result
        ``table``: region x region similarity; ``params``: ``n_industries`` (the industries used), ``log``.

    Examples
    --------
    >>> lq = pd.DataFrame({"a": [2.0, 2.0, 0.5], "b": [0.5, 0.5, 2.0]}, index=["x", "y", "z"])
    >>> profile_similarity(lq).table.round(3).loc["x"].tolist()
    [1.0, 1.0, 0.471]
    >>> profile_similarity(lq, log=True).table.round(3).loc["x"].tolist()
    [1.0, 1.0, -1.0]
    """
    values = lq.dropna(axis=1, how="any").astype(float)
    if log:
        values = np.log(values.loc[:, (values > 0).all(axis=0)])
    arr = values.to_numpy()
    norms = np.sqrt((arr ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = (arr @ arr.T) / np.outer(norms, norms)
    out = pd.DataFrame(sim, index=lq.index, columns=lq.index)
    return Result(out, params={"n_industries": values.shape[1], "log": log})


def partition_for(matrix: pd.DataFrame, regions) -> tuple:
    """The finest partition in :data:`BROAD_PARTITIONS` with a value for every region given."""
    for partition in BROAD_PARTITIONS:
        cols = [s for s in partition if s in matrix.columns]
        if len(cols) == len(partition) and matrix.loc[list(regions), cols].notna().all().all():
            return partition
    raise DataError(f"no broad-sector partition is complete for {', '.join(regions)}")
