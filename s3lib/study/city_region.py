"""The city against its region (issue 21, step 5): class-level clusters of a French city beside its NUTS2 region's.

Two sources side by side, each saying what it is: the city's clusters read on NACE classes from URSSAF's private
employment (:func:`s3lib.study.city_clusters.clusters`: no division apportioned, up to 2022), and its NUTS2
region's clusters in the business statistics (:class:`s3lib.study.Study`: NACE divisions apportioned to clusters,
persons employed, up to 2015). Sizes differ by concept, territory and year; read shares, LQs and which clusters
each source can see at all. :func:`revealed` lists what only the city data show: the activities outside the
business statistics (finance and insurance, health, education, ...) and the clusters the region's statistics miss.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.result import Result

__all__ = ["SEEN", "benchmarks", "city_against_region", "revealed"]

#: What each source sees of a cluster.
SEEN = ("both", "city only", "region fragment", "region only")
#: A class or cluster is listed among what only the city data reveal from this share of the city's employment.
MIN_SHARE = 0.005


def city_against_region(place, year: int | None = None, scheme: str = "uscmp", city_view=None, region_view=None
                        ) -> Result:
    """The city's class-level clusters beside its NUTS2 region's division-level ones, one row per cluster.

    Parameters
    ----------
    place : a city name or code both sources resolve ("Rouen": the Métropole Rouen Normandie in the URSSAF data,
        Haute-Normandie FRD2 in the business statistics).
    year : the region's year (default: the place's default year); the city's is the latest of its data.
    city_view, region_view : views already built (:func:`s3lib.study.city.city`, ``Study(...).at(place)``).

    Returns
    -------
    Result
        Index ``cluster``; ``city_employees``, ``city_point`` (no class shared with another cluster),
        ``city_share``, ``city_growth``, ``city_lq`` (against the national URSSAF table) or ``city_lq_low`` and
        ``city_lq_high`` (offline range), ``city_lq_reference``; ``region_employees`` (apportioned),
        ``region_upper`` (whole divisions), ``region_share``, ``region_lq`` (against every EU NUTS2 region),
        ``region_coverage``, ``region_rests_on_apportioning``; ``seen``: ``both``, ``city only`` (the region's
        statistics have none of the cluster's industries), ``region fragment`` (they see less than half of them)
        or ``region only`` (no private employees in the city data).
    """
    from s3lib.study import Study, place_year
    from s3lib.study.city import city

    city_view = city_view or city(place)
    if region_view is None:
        region_year = place_year(place, year)[0]
        region_view = Study(year=region_year, scheme="uscmp").at(place)
    c = city_view.clusters(scheme)
    ct = c.table
    out = pd.DataFrame({"city_employees": ct["employees"], "city_point": ct["point"], "city_share": ct["share"],
                        "city_growth": ct["growth"]})
    for column in ("lq", "lq_low", "lq_high"):
        if column in ct:
            out[f"city_{column}"] = ct[column]
    out["city_lq_reference"] = ct["lq_reference"]
    pf = region_view.portfolio.set_index("cluster")
    region = pd.DataFrame({"region_employees": pf["employment"], "region_upper": pf["upper"],
                           "region_share": pf["share"], "region_lq": pf["lq"], "region_coverage": pf["coverage"],
                           "region_rests_on_apportioning": pf["rests_on_apportioning"]})
    out = out.join(region, how="outer")
    city_has = out["city_employees"].fillna(0) > 0
    region_has = out["region_employees"].fillna(0) > 0
    fragment = region_has & (out["region_coverage"] < 0.5)
    out["seen"] = np.select([city_has & ~region_has, city_has & fragment, city_has], list(SEEN[1:3]) + ["both"],
                            default="region only")
    out = out[city_has | region_has].sort_values(["city_employees", "region_employees"], ascending=False,
                                                 na_position="last")
    out.index.name = "cluster"
    region_source = (f"Region: Eurostat sbs_r_nuts06_r2, persons employed, {region_view.label}, "
                     f"{region_view.study.year}; clusters apportioned from NACE divisions (lower) up to whole "
                     f"divisions (upper); LQ against every EU NUTS2 region.")
    city_only = out[out["seen"] == "city only"].index.tolist()
    notes = [*c.notes[:2], region_source,
             f"City: {city_view.label}, {city_view.year}, clusters on NACE classes; growth {city_view.base_year}-"
             f"{city_view.year}.",
             "Two sources, two concepts (private employees in the city, persons employed in the region), two years "
             "and two territories: compare shares, LQs and what each can see, not sizes.",
             (f"Clusters only the city data see (the region's statistics hold none of their industries): "
              f"{', '.join(city_only)}." if city_only else "")]
    params = {"city": city_view.territory.code, "city_year": city_view.year, "region": region_view.region,
              "region_year": region_view.study.year, "scheme": scheme}
    return Result(out, notes, params)


def revealed(city_view, top: int = 12, min_share: float = MIN_SHARE) -> Result:
    """What only the city data reveal: the largest NACE classes of the city outside the business statistics'
    scope (no division of theirs: finance and insurance, health, education, public and personal services), with
    employees, share, growth and LQ where a reference exists.

    Columns: ``name``, ``division``, ``employees``, ``share``, ``employees_base``, ``growth``, ``lq``,
    ``lq_reference``; classes holding at least ``min_share`` of the city's employment, at most ``top``.
    """
    from s3lib.study.city import _sbs_divisions

    table = city_view.activities("class").table
    outside = ~table["division"].isin(_sbs_divisions())
    keep = table[outside & (table["share"] >= min_share)].head(top)
    columns = ["name", "division", "employees", "share", "employees_base", "growth", "lq", "lq_reference"]
    share = float(table.loc[outside, "share"].sum())
    notes = [city_view.territory.note, city_view.source,
             f"{share:.0%} of the city's private employees in {city_view.year} work in classes the business "
             f"statistics do not cover (no division of theirs); the {len(keep)} largest (at least "
             f"{min_share:.1%} of the city each) are listed.",
             "Public employers (public hospitals, universities, administration) are outside both sources."]
    return Result(keep[columns], notes, {"year": city_view.year, "share_outside": share, "top": top})


def benchmarks(region_view) -> Result:
    """External figures for the place (``data/benchmarks.csv``) beside its NUTS2 region's cluster bounds.

    Columns: ``cluster``, ``territory``, ``measure``, ``value``, ``unit``, ``reference``, ``scope``, ``source``,
    and, for a cluster of the study's scheme, ``nuts2_lower`` (divisions apportioned to the cluster) and
    ``nuts2_upper`` (whole divisions) of the region in the study's year, with ``nuts2`` naming it. Empty when no
    figure is recorded for the place. The figures are benchmarks, never inputs: they count other perimeters
    (a filière with its supply chain and services), territories and years.
    """
    from s3lib import data

    p = region_view.place
    codes = [p.key, p.code, p.nuts3, p.nuts2, p.nuts1]
    rows = data.benchmarks(codes)
    pf = region_view.portfolio.set_index("cluster")
    table = rows[["cluster", "territory", "measure", "value", "unit", "reference", "scope", "source"]].copy()
    table["nuts2_lower"] = table["cluster"].map(pf["lower"]) if len(table) else []
    table["nuts2_upper"] = table["cluster"].map(pf["upper"]) if len(table) else []
    table["nuts2"] = f"{region_view.label}, {region_view.study.year}"
    notes = [f"External figures from data/benchmarks.csv ({len(table)} for this place): benchmarks shown beside the "
             f"measured values, never inputs; each counts its own perimeter, territory and year.",
             f"NUTS2 bounds: Eurostat sbs_r_nuts06_r2, persons employed, {region_view.label}, {region_view.study.year}; "
             f"the cluster's divisions apportioned by class counts (lower) up to whole divisions (upper)."]
    if not len(table):
        notes = [f"No external benchmark is recorded for {p.city or p.name} (data/benchmarks.csv)."]
    return Result(table.reset_index(drop=True), notes, {"place": p.key, "year": region_view.study.year})
