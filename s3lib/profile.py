"""Headline numbers of one place on the three pillars, from library calls only.

:func:`summary` gathers, for a place (a case-place key or any NUTS code), the numbers a city
card or a comparison table shows: the cluster portfolio (:func:`s3lib.clusters.portfolio`),
specialisation of its NACE divisions against all EU NUTS2 regions
(:func:`s3lib.specialisation.krugman`, :func:`~s3lib.specialisation.herfindahl`), related and
unrelated variety (:func:`s3lib.variety.decompose`) with the place's EU percentile, the Economic
Complexity Index (:func:`s3lib.complexity.eci_pci`) and its EU rank, cooperation candidates
(:func:`s3lib.links.cooperation_candidates`) and bridging clusters (:func:`s3lib.links.bridging`).
:func:`table` puts the scalar fields of several places side by side.

Level: the business statistics stop at NUTS2, so every industry figure is the place's NUTS2
region (Frankfurt am Main DE712 -> Darmstadt DE71); ``level_notes`` says so in words.

EU reference: all NUTS2 regions of the business statistics in the year (EU28 and Norway in 2014;
extra-regio rows and regions without any observed cell left out), missing cells excluded from
shares (missing is not zero), presence ``LQ >= 1`` with missing counted as absent for the ECI.
These EU-wide pieces are computed once per (year, scheme) in a process (:func:`functools.lru_cache`).

Examples
--------
>>> s = summary("frankfurt")                                   # doctest: +SKIP
>>> s["nuts2"], s["leading_cluster"]                           # doctest: +SKIP
('DE71', 'Downstream Chemical Products')
>>> table(["frankfurt", "porto"])[["eci", "eci_rank"]]         # doctest: +SKIP
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import pandas as pd

__all__ = ["CLUSTER_COLUMNS", "LEADING_MIN_SHARE", "MIN_EMPLOYMENT", "SCALARS", "TOP_BRIDGING", "TOP_CANDIDATES",
           "TOP_CLUSTERS", "eu_cluster_lq", "eu_indices", "portfolio", "sector_shares", "summary", "table"]

#: Rows of the ``clusters``, ``candidates`` and ``bridging`` tables of :func:`summary`.
TOP_CLUSTERS, TOP_CANDIDATES, TOP_BRIDGING = 10, 5, 3
#: A leading cluster must hold at least this share of the region's observed employment.
LEADING_MIN_SHARE = 0.005
#: Divisions listed as top specialisations need at least this many persons employed in the region.
MIN_EMPLOYMENT = 1000
#: Columns of the ``clusters`` table of :func:`summary`.
CLUSTER_COLUMNS = ["cluster", "employment", "lq", "stars", "strong", "coverage", "partial"]
#: Scalar fields of :func:`summary`, the columns of :func:`table` (in order).
SCALARS = [
    "name", "code", "nuts2", "nuts2_name", "nuts1", "country", "year", "scheme",
    "employment", "division_coverage", "leading_cluster", "leading_lq", "n_clusters", "n_starred", "n_strong",
    "krugman", "herfindahl", "variety", "related", "unrelated", "variety_pct", "related_pct", "unrelated_pct",
    "eci", "eci_rank", "n_regions", "n_bridging", "top_bridging",
]


class _EU(NamedTuple):
    divisions: pd.DataFrame  # region x division persons employed, all EU NUTS2 regions
    lq: pd.DataFrame  # region x division LQ against the sum of those regions
    cluster_lq: pd.DataFrame  # region x cluster LQ as in clusters.portfolio
    structure: pd.DataFrame  # region x (krugman, herfindahl, variety, related, unrelated, *_pct, eci, eci_rank)
    bridging: pd.DataFrame  # links.bridging of the scheme's cluster network


@lru_cache(maxsize=8)
def _eu(year: int, scheme) -> _EU:
    """EU-wide matrices and indices for ``year`` (and the cluster network of ``scheme``), computed once."""
    from s3lib import clusters, links, space
    from s3lib.specialisation import herfindahl, krugman
    from s3lib.variety import decompose

    sp = space.eu(year)
    x = sp.matrix
    structure = pd.concat([krugman(x)["coefficient"].rename("krugman"), herfindahl(x), decompose(x)], axis=1)
    for column in ("variety", "related", "unrelated"):  # percentiles among the well-covered sample
        structure[f"{column}_pct"] = 100 * structure.loc[sp.sample, column].rank(pct=True)
    structure["eci"] = sp.eci
    structure["eci_rank"] = sp.eci.rank(ascending=False, method="min")
    sch = clusters.get_scheme(scheme, year=year)
    source = "uscmp" if sch.name == "uscmp" else "colocation"
    graph = links.cluster_network(source, related_only=True, year=year, scheme=sch)
    cluster_lq = clusters.cluster_lq(clusters.cluster_matrix(x, sch), total=x.sum(axis=1))
    return _EU(x, sp.lq, cluster_lq, structure, links.bridging(graph))


def eu_cluster_lq(year: int = 2014, scheme="uscmp") -> pd.DataFrame:
    """Cluster LQ of every EU NUTS2 region (region x cluster), as in :func:`s3lib.clusters.portfolio`.

    ``LQ_rc = (E_rc / T_r) / (E_.c / T_.)`` with ``E = cluster_matrix`` of the divisions and ``T`` the
    region's observed employment in all divisions; NaN where none of the cluster's industries is
    observed. For EU choropleths of one cluster.

    Examples
    --------
    >>> eu_cluster_lq(2014)["Automotive"].loc["ITC1"]          # doctest: +SKIP
    2.49...
    """
    return _eu(year, scheme).cluster_lq.copy()


def sector_shares(place, year: int = 2014) -> dict:
    """Broad-sector employment shares of a place's NUTS3 city, NUTS2, NUTS1 and country.

    Source: the regional accounts (:func:`s3lib.data.broad_sectors`, A*10, with finance K) where
    they exist, on the finest partition of :data:`s3lib.alignment.BROAD_PARTITIONS` complete for
    each region: the fine one (with K) for the regions that have it, and a second, coarse panel
    (``G-J``, ``K-N``, ``O-U``) when the NUTS3 city has only those (DE7, ES21). Where the accounts
    have no row for the place's regions (France: no NUTS2/3 in the subset), the business statistics'
    NACE sections of the NUTS2 region and the country (``data.employment``, ``nace_level="section"``;
    no A, K, O-U) are used instead. Share ``s_rk = x_rk / TOTAL_r`` (accounts) or
    ``x_rk / sum_k x_rk`` (business statistics: share of the business economy).

    Returns
    -------
    dict
        ``source`` ("nama" or "sbs"), ``panels`` (list of DataFrames: index = sector, columns =
        region codes, values = shares 0-1), ``regions`` (code -> "NUTS3"/"NUTS2"/"NUTS1"/"country"),
        ``notes`` (the regions left out and why).

    Examples
    --------
    >>> sector_shares("bordeaux")["source"]                    # doctest: +SKIP
    'sbs'
    """
    from s3lib import data
    from s3lib.alignment import BROAD_PARTITIONS

    p = data.place(place)
    levels = {p.nuts3: "NUTS3", p.nuts2: "NUTS2", p.nuts1: "NUTS1", p.country: "country"}
    levels = {code: lvl for code, lvl in levels.items() if code}
    broad = data.matrix(data.broad_sectors(year=year, countries=[p.country]))
    broad = broad.reindex([c for c in levels if c in broad.index]).dropna(how="all")
    notes, panels = [], []
    fine, coarse = (list(part) for part in BROAD_PARTITIONS)
    complete = {c: [part for part in (fine, coarse) if broad.loc[c].reindex(part + ["TOTAL"]).notna().all()]
                for c in broad.index}
    complete = {c: parts for c, parts in complete.items() if parts}
    if p.nuts2 in complete:
        shares = broad[list(dict.fromkeys(fine + coarse))].div(broad["TOTAL"], axis=0).T
        on_fine = [c for c in complete if fine in complete[c]]
        panels.append(shares.loc[fine, on_fine])
        if any(fine not in complete[c] for c in complete):
            panels.append(shares.loc[coarse, list(complete)])
            notes.append(f"{', '.join(c for c in complete if fine not in complete[c])} has only the coarse sectors "
                         "G-J, K-N, O-U: finance (K) is shown on its own only for the other regions.")
        source = "nama"
    else:
        sections = data.matrix(data.employment(level=[0, 1, 2], year=year, nace_level="section",
                                               countries=[p.country]))
        sections = sections.reindex([c for c in levels if c in sections.index]).dropna(how="all")
        panels.append(sections.div(sections.sum(axis=1), axis=0).T)
        notes.append(f"The regional accounts have no broad sectors for {p.nuts2} in {year}: NACE sections of the "
                     "business statistics instead (share of the business economy; no A, K, O-U).")
        complete = {c: None for c in sections.index}
        source = "sbs"
    missing = [f"{code} ({lvl})" for code, lvl in levels.items() if code not in complete]
    if missing:
        notes.append(f"No {year} employment by sector for {', '.join(missing)} in the bundled data.")
    return {"source": source, "panels": panels, "regions": {c: levels[c] for c in complete}, "notes": notes}


@lru_cache(maxsize=32)
def _portfolio(region: str, year: int, scheme) -> pd.DataFrame:
    from s3lib import clusters

    return clusters.portfolio(region, year=year, scheme=scheme)


def portfolio(place, year: int = 2014, scheme="uscmp") -> pd.DataFrame:
    """:func:`s3lib.clusters.portfolio` of the place's NUTS2 region, cached in the process.

    Examples
    --------
    >>> portfolio("turin")["cluster"].iloc[0]                 # doctest: +SKIP
    'Production Technology and Heavy Machinery'
    """
    from s3lib import data

    p = data.place(place)
    return _portfolio(p.nuts2 or p.code, year, scheme).copy()


def eu_indices(year: int = 2014, scheme="uscmp") -> pd.DataFrame:
    """Structure indices of every EU NUTS2 region (the EU reference of :func:`summary`).

    Columns ``krugman`` (specialisation coefficient K/2 against all EU NUTS2 regions), ``herfindahl``,
    ``variety``, ``related``, ``unrelated`` (bits) and their percentiles ``*_pct`` (0-100), ``eci`` and
    ``eci_rank`` (1 = most complex); index = region code. ``scheme`` only selects the cache entry.

    Examples
    --------
    >>> eu_indices(2014).loc["PT11", "related"]                # doctest: +SKIP
    """
    return _eu(year, scheme).structure.copy()


def _leading(portfolio: pd.DataFrame) -> pd.Series | None:
    """The leading cluster: most stars, then most employment, among clusters not flagged ``partial``
    holding at least :data:`LEADING_MIN_SHARE` of the region's employment (a 3-star niche of a few
    hundred jobs, e.g. a mining fragment, does not lead)."""
    eligible = portfolio[_eligible(portfolio)]
    if eligible.empty:
        return None
    return eligible.sort_values(["stars", "employment"], ascending=False).iloc[0]


def _eligible(portfolio: pd.DataFrame) -> pd.Series:
    """Clusters that can lead or top a list: not ``partial`` and at least :data:`LEADING_MIN_SHARE`."""
    return ~portfolio["partial"] & (portfolio["share"] >= LEADING_MIN_SHARE)


def _top_clusters(portfolio: pd.DataFrame) -> pd.DataFrame:
    """Top :data:`TOP_CLUSTERS` by stars then employment, eligible clusters first (a 3-star fragment of a
    few hundred jobs, e.g. coal mining in Aquitaine, comes after the clusters that carry the economy)."""
    order = portfolio.assign(_eligible=_eligible(portfolio))
    order = order.sort_values(["_eligible", "stars", "employment"], ascending=False)
    return order[CLUSTER_COLUMNS].head(TOP_CLUSTERS).reset_index(drop=True)


def _specialisations(eu: _EU, region: str) -> pd.DataFrame:
    """Divisions of ``region`` by LQ, among those with at least :data:`MIN_EMPLOYMENT` persons employed."""
    from s3lib import data

    names = data.nace("division").set_index("code")["name"]
    emp, lq = eu.divisions.loc[region], eu.lq.loc[region]
    out = pd.DataFrame({"nace": emp.index, "name": emp.index.map(names), "employment": emp.to_numpy(),
                        "share": (emp / emp.sum()).to_numpy(), "lq": lq.to_numpy()})
    out = out[out["employment"] >= MIN_EMPLOYMENT]
    return out.sort_values("lq", ascending=False).reset_index(drop=True)


def _level_notes(p, region_name: str, coverage: float, year: int, has_nuts3: bool) -> list[str]:
    notes = [f"Industry figures are for the NUTS2 region {p.nuts2} ({region_name}): the business statistics "
             f"stop at NUTS2, so they stand for {p.name} ({p.code}) and its surroundings."
             if p.level > 2 else f"Industry figures are for the NUTS2 region {p.nuts2} ({region_name})."]
    notes.append(f"{coverage:.0%} of the 68 NACE divisions have a value in {year}; missing cells are confidential "
                 "or unpublished, not zero.")
    notes.append("No agriculture (A), finance and insurance (K) or public and personal services (O-U) in the "
                 "business statistics: totals cover the business economy only; Financial Services is a fragment.")
    if p.level == 3 and not has_nuts3:
        notes.append(f"No NUTS3 breakdown for {p.code}: the regional accounts have no {p.country} NUTS3 rows.")
    if p.nuts2 == "FRI1":
        notes.append("Aquitaine's aerospace is spread over C25, C26, C28, C30 and C33 (local units are classified "
                     "by principal activity): the Aerospace cluster understates it.")
    return notes


def _core(place, year: int, scheme) -> dict:
    """Every field of :func:`summary` except the cooperation candidates."""
    from s3lib import data, space
    from s3lib.errors import UsageError

    p = data.place(place)
    if not p.nuts2:
        raise UsageError(f"{p.name} ({p.code}) is a NUTS{p.level} region; give a NUTS2 or NUTS3 place")
    eu = _eu(year, scheme)
    if p.nuts2 not in eu.divisions.index:
        raise UsageError(f"no NUTS2 business statistics for {p.nuts2} ({p.name}) in {year}")
    pf = _portfolio(p.nuts2, year, scheme).copy()
    names = data.regions(level=[1, 2]).set_index("code")["name"]
    row = eu.structure.loc[p.nuts2]
    coverage = float(eu.divisions.loc[p.nuts2].notna().mean())
    has_nuts3 = p.level == 3 and p.code in set(data.broad_sectors(level=3, year=year)["region"])
    lead = _leading(pf)
    present = pf[(pf["lq"] >= 1) | (pf["stars"] >= 1)]
    bridge_all = eu.bridging.merge(pf[["cluster", "lq", "stars"]], on="cluster")
    bridge_all = bridge_all[bridge_all["cluster"].isin(present["cluster"])]
    bridge = bridge_all.head(TOP_BRIDGING).reset_index(drop=True)
    return {
        "place": p.key, "name": p.name, "code": p.code, "level": p.level, "country": p.country,
        "nuts2": p.nuts2, "nuts2_name": names.get(p.nuts2), "nuts1": p.nuts1, "nuts1_name": names.get(p.nuts1),
        "year": year, "scheme": pf["scheme"].iloc[0] if len(pf) else str(scheme),
        "level_notes": _level_notes(p, names.get(p.nuts2, p.nuts2), coverage, year, has_nuts3),
        "has_nuts3": has_nuts3,
        "employment": float(eu.divisions.loc[p.nuts2].sum()),
        "division_coverage": coverage,
        "portfolio": pf,
        "clusters": _top_clusters(pf),
        "leading_cluster": None if lead is None else lead["cluster"],
        "leading_lq": None if lead is None else float(lead["lq"]),
        "specialisations": _specialisations(eu, p.nuts2),
        "n_clusters": len(pf),
        "n_starred": int((pf["stars"] >= 2).sum()),
        "n_strong": int(pf["strong"].sum()),
        **{k: float(row[k]) for k in ("krugman", "herfindahl", "variety", "related", "unrelated",
                                      "variety_pct", "related_pct", "unrelated_pct", "eci")},
        "eci_rank": int(row["eci_rank"]),
        "n_regions": int(eu.structure["eci"].notna().sum()),
        "opportunities": space.eu(year).candidates(p.nuts2).head(TOP_CANDIDATES),
        "n_bridging": int(bridge_all["bridging"].sum()),
        "top_bridging": bridge["cluster"].iloc[0] if len(bridge) else None,
        "bridging": bridge,
    }


def summary(place, year: int = 2014, scheme="uscmp", candidates: bool = True) -> dict:
    """Headline numbers of one place (its NUTS2 region for industry figures).

    Parameters
    ----------
    place : str
        Case-place key, name or NUTS 2/3 code (``"frankfurt"``, ``"DE712"``, ``"ES21"``).
    year : int, default 2014
        Business-statistics year (2014 is the best cross-section).
    scheme : str or ClusterScheme, default ``"uscmp"``
        Cluster scheme (:func:`s3lib.clusters.get_scheme`).
    candidates : bool, default True
        Compute the cooperation candidates (about as long as the rest together); ``False`` leaves
        ``candidates`` out.

    Returns
    -------
    dict
        Identity: ``place, name, code, level, country, nuts2, nuts2_name, nuts1, nuts1_name, year,
        scheme``; ``level_notes`` (list of sentences: level, coverage, missing sectors, place caveats);
        ``has_nuts3`` (broad-sector NUTS3 data exist for the place).

        Size: ``employment`` = persons employed in the NUTS2 region summed over its observed divisions
        (business economy B-N and S95, a lower bound); ``division_coverage`` = observed share of the
        68 divisions.

        Clusters (:func:`s3lib.clusters.portfolio`): ``portfolio`` (the full table), ``clusters``
        (top ``TOP_CLUSTERS`` by stars then employment, clusters eligible to lead first, columns
        ``CLUSTER_COLUMNS``), ``leading_cluster`` /
        ``leading_lq`` (most stars, then most employment, among clusters not flagged ``partial`` with
        at least ``LEADING_MIN_SHARE`` of the region's employment),
        ``n_clusters`` (clusters with an observed industry), ``n_starred`` (two or three Cluster
        Observatory stars: one size star alone is common in large regions), ``n_strong`` (US CMP strong).

        Divisions: ``specialisations`` (NACE divisions with at least ``MIN_EMPLOYMENT`` persons
        employed, by LQ against all EU NUTS2 regions: ``nace, name, employment, share, lq``).

        Structure against all EU NUTS2 regions: ``krugman`` = specialisation coefficient
        ``K_r / 2 = (1/2) sum_i |s_ri - s_EU,i|`` (0 = EU structure), ``herfindahl`` = ``sum_i s_ri^2``
        over divisions; ``variety``, ``related``, ``unrelated`` in bits (Frenken et al. 2007, divisions
        within sections) and their percentiles ``*_pct`` (100 x share of EU NUTS2 regions with a value
        <= the place's, among the well-covered sample of :func:`s3lib.space.eu`); ``eci`` (Hidalgo &
        Hausmann 2009, Stata standardisation, sign oriented by GDP per head: see :mod:`s3lib.space`),
        ``eci_rank`` (1 = most complex) among ``n_regions``.

        Diversification: ``opportunities`` (top ``TOP_CANDIDATES`` industries of
        :meth:`s3lib.space.Space.candidates`: not yet specialised, ideal quadrant first).

        Links: ``candidates`` (top ``TOP_CANDIDATES`` rows of :func:`s3lib.links.cooperation_candidates`)
        and ``bridging`` (the ``TOP_BRIDGING`` clusters present in the place, ``LQ >= 1`` or a star,
        with the highest betweenness in the scheme's cluster network, :func:`s3lib.links.bridging`;
        ``bridging`` column = network-wide top decile); ``n_bridging`` = how many of the network's
        bridging clusters are present in the place, ``top_bridging`` = the first of ``bridging``.

    Examples
    --------
    >>> s = summary("bilbao")                                   # doctest: +SKIP
    >>> s["nuts2"], s["eci_rank"] <= s["n_regions"]             # doctest: +SKIP
    ('ES21', True)
    """
    from s3lib.links import cooperation_candidates

    out = _core(place, year, scheme)
    if candidates:
        out["candidates"] = cooperation_candidates(place, year=year, scheme=scheme).head(TOP_CANDIDATES)
    return out


def table(places, year: int = 2014, scheme="uscmp") -> pd.DataFrame:
    """The scalar fields of :func:`summary` for several places, one row per place.

    Parameters
    ----------
    places : str or list of str
        Place keys, names or NUTS codes.
    year, scheme
        As in :func:`summary`.

    Returns
    -------
    DataFrame
        Index = place key, columns :data:`SCALARS`.

    Examples
    --------
    >>> table(["frankfurt", "bordeaux"])["nuts2"].tolist()     # doctest: +SKIP
    ['DE71', 'FRI1']
    """
    places = [places] if isinstance(places, str) else list(places)
    rows = {}
    for name in places:
        core = _core(name, year, scheme)
        rows[core["place"]] = {k: core[k] for k in SCALARS}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "place"
    return out
