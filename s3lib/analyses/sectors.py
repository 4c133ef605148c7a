"""Broad sectors (A*10) of the regional accounts: the only industry view of NUTS3 cities, and of finance.

The business statistics stop at NUTS2 and have no finance (K). The regional accounts
(``nama_10r_3empers``, :func:`s3lib.data.broad_sectors`) give employment in ten broad sectors,
finance included, down to NUTS3 for some regions (DE7, ES21, ITC1, PT11, RO32; no French NUTS3).
This module puts a place's NUTS3 city, NUTS2, NUTS1 and country side by side on the finest
partition of :data:`s3lib.measures.alignment.BROAD_PARTITIONS` that all of them publish.

Examples
--------
>>> from s3lib.study import Study
>>> sector_shares(Study(year=2014).at("bordeaux")).params["source"]
'sbs'
"""
from __future__ import annotations

import pandas as pd

from s3lib.errors import DataError
from s3lib.measures.alignment import BROAD_PARTITIONS, partition_for
from s3lib.result import Result

__all__ = ["broad_matrix", "level_lq", "nuts3_profile", "panels", "sector_shares"]


def broad_matrix(year: int) -> pd.DataFrame:
    """Region x broad sector employment of every region in the accounts in ``year``."""
    from s3lib import data

    return data.matrix(data.broad_sectors(year=year))


def nuts3_profile(view) -> tuple[pd.DataFrame, tuple]:
    """Employment and LQ (against the country) of the view's place's NUTS3 region by broad sector, in the study's
    year.

    Returns ``(profile, partition)``: ``profile`` indexed by sector with ``employment`` and ``lq``.
    Raises :class:`~s3lib.errors.DataError` where the accounts have no NUTS3 row for the place's country.
    """
    from s3lib.measures.specialisation import location_quotient

    p, year = view.place, view.study.year
    matrix = broad_matrix(year)
    if p.nuts3 not in matrix.index:
        raise DataError(f"no broad-sector employment for {p.nuts3} in {year}: the regional accounts have no "
                        f"{p.country} NUTS3 rows in the snapshot")
    partition = partition_for(matrix, [p.nuts3, p.country])
    sub = matrix.loc[[p.nuts3, p.country], list(partition)]
    lq = location_quotient(sub, reference=p.country)
    return pd.DataFrame({"employment": sub.loc[p.nuts3], "lq": lq.loc[p.nuts3]}), partition


def level_lq(view) -> Result:
    """LQ (against the country) of the view's place's NUTS3, NUTS2 and NUTS1 regions by broad sector, in the
    study's year.

    Returns a :class:`~s3lib.result.Result`: ``table`` = region x sector LQ with ``params["partition"]``,
    or an empty table with a note saying why, when fewer than two of the levels are published or no
    partition is complete for all of them.
    """
    from s3lib.measures.specialisation import location_quotient

    p, year = view.place, view.study.year
    levels = [c for c in (p.nuts3, p.nuts2, p.nuts1) if c]
    broad = broad_matrix(year)
    have = [c for c in levels if c in broad.index]
    if len(have) < 2 or p.country not in broad.index:
        return Result(pd.DataFrame(), [f"broad sectors: fewer than two of {', '.join(levels)} published in {year}"],
                      {"partition": None, "year": year})
    try:
        partition = partition_for(broad, [*have, p.country])
    except DataError as exc:
        return Result(pd.DataFrame(), [str(exc)], {"partition": None, "year": year})
    sub = broad.loc[[*have, p.country], list(partition)]
    return Result(location_quotient(sub, reference=p.country).loc[have], (), {"partition": partition, "year": year})


def sector_shares(view) -> Result:
    """Broad-sector employment shares of a place's NUTS3 city, NUTS2, NUTS1 and country, in the study's year.

    Source: the regional accounts (A*10, with finance K) where they exist, on the finest partition
    of :data:`~s3lib.measures.alignment.BROAD_PARTITIONS` complete for each region: the fine one
    (with K) for the regions that have it, and a second, coarse panel (``G-J``, ``K-N``, ``O-U``)
    when the NUTS3 city has only those (DE7, ES21). Where the accounts have no row for the place's
    regions (France: no NUTS2/3 in the subset), the business statistics' NACE sections of the NUTS2
    region and the country (no A, K, O-U) are used instead. Share ``s_rk = x_rk / TOTAL_r``
    (accounts) or ``x_rk / sum_k x_rk`` (business statistics: share of the business economy).

    Returns
    -------
    Result
        ``table``: shares 0-1 with rows (``panel``, ``sector``) and one column per region code (NaN where a
        region is not in the panel; :func:`panels` splits it); ``params``: ``source`` ("nama" or "sbs"),
        ``regions`` (code -> "NUTS3"/"NUTS2"/"NUTS1"/"country"), ``year``; ``notes``: the regions left out
        and why.
    """
    from s3lib import data

    p, year = view.place, view.study.year
    levels = {p.nuts3: "NUTS3", p.nuts2: "NUTS2", p.nuts1: "NUTS1", p.country: "country"}
    levels = {code: lvl for code, lvl in levels.items() if code}
    broad = data.matrix(data.broad_sectors(year=year, countries=[p.country]))
    broad = broad.reindex([c for c in levels if c in broad.index]).dropna(how="all")
    notes, panels_ = [], []
    fine, coarse = (list(part) for part in BROAD_PARTITIONS)
    complete = {c: [part for part in (fine, coarse) if broad.loc[c].reindex(part + ["TOTAL"]).notna().all()]
                for c in broad.index}
    complete = {c: parts for c, parts in complete.items() if parts}
    if p.nuts2 in complete:
        shares = broad[list(dict.fromkeys(fine + coarse))].div(broad["TOTAL"], axis=0).T
        on_fine = [c for c in complete if fine in complete[c]]
        panels_.append(shares.loc[fine, on_fine])
        if any(fine not in complete[c] for c in complete):
            panels_.append(shares.loc[coarse, list(complete)])
            notes.append(f"{', '.join(c for c in complete if fine not in complete[c])} has only the coarse sectors "
                         "G-J, K-N, O-U: finance (K) is shown on its own only for the other regions.")
        source = "nama"
    else:
        sections = data.matrix(data.employment(level=[0, 1, 2], year=year, nace_level="section",
                                               countries=[p.country]))
        sections = sections.reindex([c for c in levels if c in sections.index]).dropna(how="all")
        panels_.append(sections.div(sections.sum(axis=1), axis=0).T)
        notes.append(f"The regional accounts have no broad sectors for {p.nuts2} in {year}: NACE sections of the "
                     "business statistics instead (share of the business economy; no A, K, O-U).")
        complete = {c: None for c in sections.index}
        source = "sbs"
    missing = [f"{code} ({lvl})" for code, lvl in levels.items() if code not in complete]
    if missing:
        notes.append(f"No {year} employment by sector for {', '.join(missing)} in the bundled data.")
    table = pd.concat({k: panel for k, panel in enumerate(panels_)}, names=["panel", "sector"])
    table = table.reindex(columns=list(complete))
    return Result(table, notes, {"source": source, "regions": {c: levels[c] for c in complete}, "year": year})


def panels(shares: Result) -> list[pd.DataFrame]:
    """The panels of :func:`sector_shares`: one sector x region frame per panel, only its regions."""
    table = shares.table
    return [table.loc[k].dropna(axis=1, how="all") for k in table.index.get_level_values("panel").unique()]
