"""City-to-region alignment: RIS3 priorities against a place's specialisations.

RIS3 priorities are owned by a strategy owner (a NUTS2 region, a German Land or a
French region at NUTS1, or a country as a fallback); cities sit at NUTS3. The
curated table ``data/ris3_priorities.csv`` maps each priority to NACE Rev.2 codes
(**our own mapping, not taken from the sources**; see ``data/ris3_priorities.README.md``).

This module matches that mapping with a place's employment and location quotients
(LQ) and reports, with ``M_i = 1`` if ``LQ_i >= 1`` (no rounding) and ``x_i`` the
place's employment in industry ``i`` (missing cells left out of every sum):

* **coverage** of a priority set ``P``: ``sum_{i in P, M_i=1} x_i / sum_{i in P} x_i``,
  the share of priority-mapped employment that lies in specialised industries;
* **fit**: ``sum_{i in P, M_i=1} x_i / sum_{i: M_i=1} x_i``, the share of the place's
  specialised employment that the priorities cover;
* **gaps** both ways: priorities with no specialised industry, and specialised
  industries that no priority covers (ranked by employment);
* **candidates** next to each priority: its industries with ``M_i = 0``, ranked by
  relatedness density and complexity (Balland, Boschma, Crespo & Rigby 2019);
* the **similarity** of the specialisation profiles of the city, its NUTS2 and NUTS1
  (cosine of LQ vectors over a shared classification).

Codes the statistics do not cover (the business statistics have no A, K, O-U) are
reported as ``"not measurable in SBS"``, never silently dropped: Hessen's financial
sector priority (K64-K66) is not measurable at NUTS2, only at NUTS3 in the broad
sector K-N.

The pure functions (:func:`priority_industries`, :func:`matching`, :func:`scores`,
:func:`priority_gaps`, :func:`uncovered_strengths`, :func:`candidates`,
:func:`profile_similarity`) take and return labelled pandas objects; :func:`align`
and :func:`similarity` load the data through :mod:`s3lib.data`.

References
----------
Foray, D. (2015). Smart Specialisation. Routledge.
Balland, P.-A., Boschma, R., Crespo, J. and Rigby, D. (2019). Smart specialization
policy in the European Union: relatedness, knowledge complexity and regional
diversification. Regional Studies 53(9), 1252-1268.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from s3lib.errors import DataError, UnknownChoiceError, UsageError

__all__ = [
    "BROAD_PARTITIONS",
    "MISSING",
    "NOT_MEASURABLE",
    "PRIORITY_TYPES",
    "Alignment",
    "Ris3Choice",
    "align",
    "candidates",
    "choose",
    "matching",
    "matching_matrix",
    "priorities",
    "priority_gaps",
    "priority_industries",
    "profile_similarity",
    "scores",
    "similarity",
    "strategies",
    "to_divisions",
    "uncovered_strengths",
]

#: Row types of ``ris3_priorities.csv``. ``none`` marks a status row (a strategy whose list was not found).
PRIORITY_TYPES = ("priority", "niche", "fallback_national", "strength_not_s3", "none")
#: Status of an industry that the statistics do not cover at all (SBS: no A, K, O-U).
NOT_MEASURABLE = "not measurable in SBS"
#: Status of an industry the statistics cover but that has no value for the place (confidential, not published).
MISSING = "missing for this place"
#: Non-overlapping broad-sector partitions of the NUTS3 employment table, finest first:
#: NACE A*10, and the coarser A*6 that is all German and Spanish NUTS3 regions publish.
BROAD_PARTITIONS = (
    ("A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U"),
    ("A", "B-E", "F", "G-J", "K-N", "O-U"),
)
_CSV = "ris3_priorities.csv"
_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


# ----------------------------------------------------------------------------- the table

@lru_cache(maxsize=4)
def _read(folder: str) -> pd.DataFrame:
    from s3lib.data import _store

    table = pd.read_csv(_store.verified_path(_CSV, Path(folder)), dtype=str, keep_default_na=False)
    table["owner_level"] = table["owner_level"].astype(int)
    table["priority_no"] = pd.to_numeric(table["priority_no"]).astype("Int64")
    return table


def _table() -> pd.DataFrame:
    """The curated table, checked against the snapshot manifest (sha256) on first read."""
    from s3lib.data import data_dir

    return _read(str(data_dir())).copy()


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


# ----------------------------------------------------------------------------- NACE handling

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


# ----------------------------------------------------------------------------- matching and scores

def _check_profile(profile: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(profile, pd.DataFrame) or not {"employment", "lq"} <= set(profile.columns):
        raise UsageError("profile must be a DataFrame indexed by industry with columns 'employment' and 'lq'")
    return profile


def matching(links: pd.DataFrame, profile: pd.DataFrame, measurable=None) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        ``links`` plus ``employment``, ``lq``, ``specialised`` (``LQ >= 1``; NA unless
        measured) and ``status``: ``"measured"``, :data:`MISSING` (covered by the statistics,
        no value for this place) or :data:`NOT_MEASURABLE` (A, K, O-U in SBS).

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
    }


def scores(match: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """Coverage and fit per priority and for all priorities together (last row, ``"all"``).

    With ``P`` a priority's measured industries (each counted once), ``x_i`` the place's
    employment and ``M_i = 1`` if ``LQ_i >= 1``:

    * ``coverage = sum_{i in P} M_i x_i / sum_{i in P} x_i``
    * ``fit = sum_{i in P} M_i x_i / sum_{i in profile} M_i x_i``

    The ``all`` row uses the union of the priorities' industries, so an industry two
    priorities share counts once. Per-priority fits therefore need not add up to the
    total fit. Industries not measured (``not_measurable``, ``missing``) are listed, not
    counted, and ``complete`` is False: the scores then describe only the measured part
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
        ``coverage``, ``fit``, ``complete``, ``partial``, ``not_measurable``, ``missing``.

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


def candidates(match: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    """Related-diversification candidates next to each priority.

    The candidates of a priority are its measured industries in which the place is not
    specialised (``M_i = 0``), taken from the place's opportunity table
    (:func:`s3lib.opportunities.candidates`: relatedness density ``RD_i`` = feasibility,
    ``PCI_i`` = benefit, quadrants split at the medians over all the place's candidates;
    Balland et al. 2019). Over that whole pool, ``density_pct`` and ``pci_pct`` are
    percentile ranks (``Series.rank(pct=True)``) and ``score = (density_pct + pci_pct) / 2``;
    within each priority (table order) candidates are sorted by ``score``, highest first,
    so high density *and* high complexity come first.

    Parameters
    ----------
    match : DataFrame
        From :func:`matching`.
    opportunities : DataFrame
        Index = industry, columns ``density``, ``pci``, ``quadrant`` (the place's candidates).

    Returns
    -------
    DataFrame
        Columns ``priority_id``, ``label``, ``industry``, ``partial`` (the priority maps only
        part of the industry, e.g. fish processing C102 inside C10), ``employment``, ``lq``,
        ``density``, ``pci``, ``quadrant``, ``density_pct``, ``pci_pct``, ``score``.

    Examples
    --------
    >>> opp = pd.DataFrame({"density": [0.4, 0.1], "pci": [1.0, -1.0],
    ...                     "quadrant": ["low risk, high benefit", "high risk, low benefit"]}, index=["a", "b"])
    >>> m = pd.DataFrame({"priority_id": ["p", "p"], "label": ["1 P", "1 P"], "industry": ["a", "c"],
    ...                   "partial": [False] * 2, "employment": [5.0, 90.0], "lq": [0.5, 2.0],
    ...                   "status": ["measured"] * 2})
    >>> candidates(m, opp)[["industry", "score", "quadrant"]].values.tolist()
    [['a', 1.0, 'low risk, high benefit']]
    """
    pool = opportunities[["density", "pci", "quadrant"]].copy()
    pool["density_pct"] = pool["density"].rank(pct=True)
    pool["pci_pct"] = pool["pci"].rank(pct=True)
    pool["score"] = (pool["density_pct"] + pool["pci_pct"]) / 2
    rows = match.loc[match["status"] == "measured", ["priority_id", "label", "industry", "partial", "employment", "lq"]]
    out = rows.merge(pool, left_on="industry", right_index=True, how="inner")
    order = {pid: k for k, pid in enumerate(dict.fromkeys(match["priority_id"]))}
    out = out.assign(_order=out["priority_id"].map(order)).sort_values(["_order", "score"], ascending=[True, False])
    cols = ["priority_id", "label", "industry", "partial", "employment", "lq", "density", "pci", "quadrant",
            "density_pct", "pci_pct", "score"]
    return out[cols].reset_index(drop=True)


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
    DataFrame
        Region x region similarity; ``attrs["n_industries"]`` = number of industries used.

    Examples
    --------
    >>> lq = pd.DataFrame({"a": [2.0, 2.0, 0.5], "b": [0.5, 0.5, 2.0]}, index=["x", "y", "z"])
    >>> profile_similarity(lq).round(3).loc["x"].tolist()
    [1.0, 1.0, 0.471]
    >>> profile_similarity(lq, log=True).round(3).loc["x"].tolist()
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
    out.attrs["n_industries"] = values.shape[1]
    return out


# ----------------------------------------------------------------------------- loaders


@dataclass
class Alignment:
    """Result of :func:`align` for one place, level, year and RIS3 period.

    Attributes: ``place``, ``region`` (the code whose employment is used), ``level``,
    ``year``, ``period``, ``strategies`` (status of every strategy that applies),
    ``priorities``, ``profile`` (employment and LQ by industry), ``match`` (:func:`matching`),
    ``scores``, ``priority_gaps``, ``uncovered`` (:func:`uncovered_strengths`),
    ``candidates`` and ``notes`` (caveats to show next to the results).
    """

    place: object
    region: str
    level: int
    year: int
    period: object
    strategies: pd.DataFrame
    priorities: pd.DataFrame
    profile: pd.DataFrame
    match: pd.DataFrame
    scores: pd.DataFrame
    priority_gaps: pd.DataFrame
    uncovered: pd.DataFrame
    candidates: pd.DataFrame
    notes: list = field(default_factory=list)

    def matrix(self, value: str = "lq") -> pd.DataFrame:
        """Priority x industry matrix of ``value`` (see :func:`matching_matrix`)."""
        return matching_matrix(self.match, value)


def _division_profile(region: str, level: int, year: int):
    """Employment, LQ (reference: all regions of the level in SBS) and the regions' LQ matrix."""
    from s3lib import data
    from s3lib.specialisation import location_quotient

    matrix = data.eu_matrix(level, year)
    if region not in matrix.index:
        raise DataError(f"no business statistics for {region} in {year} at NUTS{level}")
    lq = location_quotient(matrix)
    profile = pd.DataFrame({"employment": matrix.loc[region], "lq": lq.loc[region]})
    measurable = matrix.columns[matrix.notna().any(axis=0)]
    return profile, measurable, lq


def _broad_matrix(year: int) -> pd.DataFrame:
    from s3lib import data

    return data.matrix(data.broad_sectors(year=year))


def _partition_for(matrix: pd.DataFrame, regions) -> tuple:
    """The finest partition in :data:`BROAD_PARTITIONS` with a value for every region given."""
    for partition in BROAD_PARTITIONS:
        cols = [s for s in partition if s in matrix.columns]
        if len(cols) == len(partition) and matrix.loc[list(regions), cols].notna().all().all():
            return partition
    raise DataError(f"no broad-sector partition is complete for {', '.join(regions)}")


def align(place, year: int = 2014, period="2021-2027", level: int = 2,
          include_fallback: bool = False, include_strengths: bool = False) -> Alignment:
    """Match the RIS3 priorities that apply to a place with its specialisations.

    Levels: ``2`` (default) and ``1`` use the business statistics (SBS) by NACE division
    for the place's NUTS2 / NUTS1 region; LQ against all regions of that level in SBS (EU28 + NO,
    extra-regio rows left out);
    candidates from relatedness density and PCI of the EU industry space of the year and level
    (:func:`s3lib.space.eu`, shared with notebook 02 and the card). ``3`` uses broad-sector employment of the place's NUTS3 region (where it
    exists: not in France) on the finest complete partition of :data:`BROAD_PARTITIONS`,
    LQ against the country; no candidates at that level (complexity needs all regions).
    Formulas: see :func:`scores`, :func:`priority_gaps`, :func:`uncovered_strengths`,
    :func:`candidates`.

    Parameters
    ----------
    place : str
        A place name or NUTS code (``"frankfurt"``, ``"DE712"``).
    year : int, default 2014
        Employment year (2014 is the best cross-section).
    period : str or int, default ``"2021-2027"``
        RIS3 period, see :func:`priorities`.
    level : {1, 2, 3}
    include_fallback, include_strengths : bool
        See :func:`priorities`.

    Returns
    -------
    Alignment
    """
    from s3lib import data, space
    from s3lib.specialisation import location_quotient

    if level not in (1, 2, 3):
        raise UnknownChoiceError("level", level, ["1", "2", "3"])
    p = data.place(place)
    region = {1: p.nuts1, 2: p.nuts2, 3: p.nuts3}[level]
    if not region:
        raise UsageError(f"{p.name} ({p.code}) has no NUTS{level} region; choose a level of {p.level} or coarser")
    status = strategies(p.code, period)
    prios = priorities(p.code, period, include_fallback, include_strengths)
    notes = ["NACE mappings of the priorities are our own, not taken from the strategies.",
             f"Employment {year} against RIS3 period {period or 'all periods'}: the strategy may postdate the data."]
    for row in status[status["status"] == "list_not_found"].itertuples():
        notes.append(f"{row.owner_name} {row.period}: priority list not found ({row.strategy}); no priorities invented.")
    if (prios["type"] == "fallback_national").any():
        notes.append("Fallback rows are national domains, not the region's own list.")
    if (prios["type"] == "strength_not_s3").any():
        notes.append("strength_not_s3 rows are sourced regional strengths, not an S3 priority list.")
    if level == 3:
        matrix = _broad_matrix(year)
        if region not in matrix.index:
            raise DataError(f"no broad-sector employment for {region} in {year} (NUTS3 exists only outside France here)")
        partition = _partition_for(matrix, [region, p.country])
        sub = matrix.loc[[region, p.country], list(partition)]
        lq = location_quotient(sub, reference=p.country)
        profile = pd.DataFrame({"employment": sub.loc[region], "lq": lq.loc[region]})
        links = priority_industries(prios, partition)
        match = matching(links, profile)
        cands = candidates(match, pd.DataFrame(columns=["density", "pci", "quadrant"], dtype=float))
        notes.append(f"NUTS3 broad sectors {', '.join(partition)}; LQ against {p.country}; sectors are coarse, "
                     "so a priority usually covers only part of a sector (partial).")
    else:
        profile, measurable, lq = _division_profile(region, level, year)
        links = priority_industries(prios)
        match = matching(links, profile, measurable)
        cands = candidates(match, space.eu(year, level).candidates(region))
        notes.append(f"NACE divisions at NUTS{level} ({region}); LQ against all NUTS{level} regions in SBS. "
                     "SBS has no A, K, O-U: such codes are reported as not measurable.")
    return Alignment(place=p, region=region, level=level, year=year, period=period, strategies=status,
                     priorities=prios, profile=profile, match=match, scores=scores(match, profile),
                     priority_gaps=priority_gaps(match), uncovered=uncovered_strengths(match, profile),
                     candidates=cands, notes=notes)


def similarity(place, year: int = 2014) -> pd.DataFrame:
    """Similarity of the specialisation profiles of a place's NUTS3, NUTS2 and NUTS1 regions.

    Two classifications, each with one reference economy:

    * broad sectors (NUTS 1/2/3, where published: DE7, ES21, ITC1, PT11, RO32), on the
      finest partition complete for all three regions and the country; LQ against the
      country;
    * NACE divisions from SBS (NUTS1 vs NUTS2), LQ of both against the sum of all NUTS2
      regions in SBS; divisions missing in either region are left out.

    Each pair gets ``cosine_lq`` and ``cosine_log_lq`` (see :func:`profile_similarity`).

    Returns
    -------
    DataFrame
        Columns ``classification``, ``region_a``, ``region_b``, ``n_industries``,
        ``cosine_lq``, ``cosine_log_lq``, ``reference``. A pair the data cannot give is
        absent, and ``attrs["notes"]`` says why.
    """
    from s3lib import data
    from s3lib.specialisation import location_quotient, reference_totals

    p = data.place(place)
    rows, notes = [], []

    def pairs(lq: pd.DataFrame, classification: str, reference: str):
        cos, logcos = profile_similarity(lq), profile_similarity(lq, log=True)
        codes = list(lq.index)
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                rows.append((classification, a, b, cos.attrs["n_industries"], cos.loc[a, b], logcos.loc[a, b], reference))

    levels = [c for c in (p.nuts3, p.nuts2, p.nuts1) if c]
    broad = _broad_matrix(year)
    have = [c for c in levels if c in broad.index]
    if len(have) >= 2 and p.country in broad.index:
        try:
            partition = _partition_for(broad, [*have, p.country])
            sub = broad.loc[[*have, p.country], list(partition)]
            pairs(location_quotient(sub, reference=p.country).loc[have], "broad sectors " + "/".join(partition), p.country)
        except DataError as exc:
            notes.append(str(exc))
    else:
        notes.append(f"broad sectors: fewer than two of {', '.join(levels)} published in {year}")
    if p.nuts1 and p.nuts2:
        m2, m1 = data.eu_matrix(2, year), data.eu_matrix(1, year)
        absent = [c for c, m in ((p.nuts2, m2), (p.nuts1, m1)) if c not in m.index]
        if not absent:
            stacked = pd.concat([m2.loc[[p.nuts2]], m1.loc[[p.nuts1]]]).reindex(columns=m2.columns)
            lq = location_quotient(stacked, reference=reference_totals(m2))
            pairs(lq, "NACE divisions (SBS)", "all NUTS2 regions in SBS")
        else:
            notes.append(f"SBS divisions: no data for {', '.join(absent)} in {year} (a territory that changed "
                         "between NUTS versions keeps its old code, e.g. FR6 is not FRI)")
    out = pd.DataFrame(rows, columns=["classification", "region_a", "region_b", "n_industries",
                                      "cosine_lq", "cosine_log_lq", "reference"])
    out.attrs["notes"] = notes
    return out


# ----------------------------------------------------------------------------- which list applies
# (added for notebook 04 and the cluster card, which both need the same choice)

@dataclass(frozen=True)
class Ris3Choice:
    """Which RIS3 list :func:`choose` matched for a place, and how to label it.

    ``kind`` is ``"regional"`` (the owner's own sourced list), ``"national fallback"``
    (national domains because the region's list was not found), ``"strengths only"``
    (no S3 list found: sourced regional strengths, for orientation only) or ``"none"``.
    ``period`` (``None`` = all periods, for undated strength rows), ``include_fallback``
    and ``include_strengths`` are the arguments to pass to :func:`align`.
    """

    kind: str
    period: object
    include_fallback: bool
    include_strengths: bool

    @property
    def found(self) -> bool:
        """True when a sourced priority list (the region's own, or the national fallback) is matched."""
        return self.kind in ("regional", "national fallback")

    def align_kwargs(self) -> dict:
        """Keyword arguments for :func:`align`."""
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
