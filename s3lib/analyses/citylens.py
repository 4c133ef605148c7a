"""The city lens: what a city says about its clusters, against the data and the region's RIS3.

:func:`lens` puts together, for one case city and year,

* ``declared``: each cluster the city declares in any of its lists (``data/city_segmentations.csv``, NACE
  mapping our own; one row per cluster however many lists name it) measured at NUTS2 in the business
  statistics with its verdict (:func:`s3lib.measures.declared.measure`; no numbers where not measurable);
* ``undeclared``: the strong or starred US CMP clusters of the region the city does not declare;
* ``three_way``: declared clusters x the RIS3 priorities that apply (:func:`s3lib.analyses.ris3.choose`: the
  region's own list, a national fallback, or sourced strengths that are *not* an S3 list) x the data;
* ``urban``: the urban character of broad sectors at NUTS3, where the regional accounts have the city.

Example
-------
>>> from s3lib.study import Study
>>> b = Study(year=2014).at("bordeaux").lens()
>>> b.declared.set_index("cluster_en").loc["Boating-sailing", "verdict"]
'not measurable at this resolution'
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from s3lib.errors import UnknownChoiceError
from s3lib.measures import declared as measures
from s3lib.result import Result

__all__ = ["URBAN_SECTORS", "CityLens", "declared", "emerging", "lens",
           "urban_character"]

#: Columns (and dtypes) :func:`s3lib.measures.declared.measure` adds, for an empty declared list.
_MEASURED = {"measured_divisions": object, "not_measurable": object, "upper_bound": object, "employment": float,
             "share": float, "lq": float, "stars": float, "strong": bool, "coverage": float, "exact_share": float,
             "estimated_share": float, "detail": object, "verdict": object, "reason": object}
#: Broad sectors for the urban character, finest first; the coarse ones stand in where a country publishes only A*6.
URBAN_SECTORS = ("J", "K", "M-N", "R-U", "G-J", "K-N", "O-U")


@dataclass(frozen=True)
class CityLens:
    """Result of :func:`lens` (see the module docstring); ``notes`` (a tuple) are the caveats to print with it."""

    place: object
    region: str
    year: int
    segmentation: str
    declared: pd.DataFrame
    undeclared: pd.DataFrame
    ris3_kind: str
    priorities: pd.DataFrame
    three_way: pd.DataFrame
    urban: pd.DataFrame | None
    urban_note: str = ""
    notes: tuple = ()


def declared(place, segmentation=None) -> tuple[pd.DataFrame, str]:
    """The declared clusters of a case city: every list the file holds for it (default), or one.

    The same cluster named in several lists (Frankfurt's creative industries in six) is one row: rows are
    merged when they have the same NACE codes and status. ``lists`` names every list that declares the row,
    ``n_lists`` counts them; the label joins the distinct names (up to three). Returns ``(table, name)``;
    ``table`` has ``cluster`` (a unique English label), ``codes`` and the file's columns; ``name`` is the one
    list asked for, or ``"all N declared lists"``. Rows with status ``not found`` are kept (their claim is still
    tested).
    """
    from s3lib import data
    from s3lib.data.curated import SEGMENTATION_COLUMNS

    try:
        table = data.city_segmentations(place)
    except UnknownChoiceError:  # a place with no declared segmentation on record: nothing is invented
        return pd.DataFrame(columns=[*SEGMENTATION_COLUMNS, "codes", "divisions", "lists", "n_lists"]), ""
    if segmentation:
        table = data.city_segmentations(place, segmentation=segmentation)
    label = table["cluster_en"].where(table["cluster_en"] != "", table["cluster"])
    table = table.assign(label=label, key=table["codes"].map(lambda c: ";".join(sorted(c))) + "|" + table["status"])
    rows = []
    for _, g in table.groupby("key", sort=False):
        first = g.iloc[0].to_dict()
        names = list(dict.fromkeys(g["label"]))
        first["label"] = " / ".join(names) if len(names) <= 3 else f"{names[0]} / {names[1]} and {len(names) - 2} more"
        first["tier"] = "; ".join(dict.fromkeys(t for t in g["tier"] if t))
        first["lists"] = "; ".join(dict.fromkeys(g["segmentation"]))
        first["n_lists"] = g["segmentation"].nunique()
        first["note"] = " | ".join(dict.fromkeys(n for n in g["note"] if n))
        first["source"] = " | ".join(dict.fromkeys(u for cell in g["source"] for u in cell.split(" | ") if u))
        rows.append(first)
    out = pd.DataFrame(rows)
    dup = out["label"].duplicated(keep=False)
    out["cluster"] = out["label"].where(~dup, out["label"] + " (" + out["nace_detail"] + ")")
    out = out.drop(columns=["label", "key"]).reset_index(drop=True)
    lists = table["segmentation"].unique()
    name = lists[0] if len(lists) == 1 else f"all {len(lists)} declared lists"
    return out, name


def urban_character(view) -> Result:
    """Urban character of the broad sectors of the view's place's NUTS3 region within its NUTS2 region, in the
    study's year.

    ``(city NUTS3 share of the NUTS2 region's employment in the sector) / (its share of all the region's
    employment)`` (:func:`s3lib.measures.declared.urban_character`). Returns a :class:`~s3lib.result.Result`
    whose table is empty, with a note saying why, where the regional accounts have no NUTS3 row for the place.
    """
    from s3lib import data

    p, year = view.place, view.study.year
    if not p.nuts3 or not p.nuts2:
        return Result(pd.DataFrame(), [f"{p.name} has no NUTS3 region"], {"year": year})
    b = data.broad_sectors(level=[2, 3], year=year)
    city = b[b["region"] == p.nuts3].set_index("nace")["value"].dropna()
    region = b[b["region"] == p.nuts2].set_index("nace")["value"].dropna()
    if city.empty or "TOTAL" not in city.index:
        return Result(pd.DataFrame(), [f"no NUTS3 broad-sector employment for {p.nuts3} ({p.name}) in {year}: the "
                                       f"regional accounts have no {p.country} NUTS3 rows in the snapshot"],
                      {"year": year})
    have = [s for s in URBAN_SECTORS if s in city.index and s in region.index]
    fine = [s for s in have if s in ("J", "K", "M-N", "R-U")]
    sectors = fine if fine else have
    out = measures.urban_character(city, region, sectors)
    note = (f"NUTS3 {p.nuts3} within NUTS2 {p.nuts2}, {year}, regional accounts (nama_10r_3empers, all employment "
            f"incl. finance and public services); sectors {', '.join(sectors)}")
    if not fine:
        note += " (only the A*6 sectors are published for this country's NUTS3 regions)"
    return Result(out, [note], {"year": year, "sectors": tuple(sectors)})


def lens(view, segmentation=None) -> CityLens:
    """Declared against measured clusters of a case city, in the view's study (NUTS2 business statistics by
    default): every setting of the study (year, scheme, sample rule, estimated cells) carries through."""
    from s3lib import data
    from s3lib.analyses import ris3

    study, p = view.study, view.place
    table, name = declared(p.key, segmentation)
    names = study.space.names()
    counts = study.counts
    if len(table):
        measured = measures.measure(table, counts, view.region, units=study.units,
                                    divisions=data.nace(level="division")["code"], names=dict(names.items()),
                                    estimated=study.estimated)
    else:
        measured = table.assign(**{c: pd.Series(dtype=t) for c, t in _MEASURED.items()})
    measurable = [c for c in counts.columns if counts[c].notna().any()]
    all_divisions = {d for col in ("measured_divisions", "not_measurable") for ds in measured[col]
                     for d in ds.split(";") if d}
    und = measures.undeclared(view.portfolio, study.scheme.weights, counts.loc[view.region], all_divisions)
    choice = ris3.choose(p.code)
    if choice.kind == "none":
        prios = pd.DataFrame(columns=["priority_id", "label", "nace_divisions", "type"])
    else:
        prios = ris3.priorities(p.code, **choice.priority_kwargs())
    three = measures.three_way(measured, prios, measurable)
    urban = urban_character(view)
    notes = [f"Declared: {name} (data/city_segmentations.csv; NACE mapping our own, not the city's)."
             if name else f"No declared segmentation on record for {p.name}: data/city_segmentations.csv holds the "
             "six case cities; nothing is invented.",
             (f"Measured at NUTS{study.level} ({view.region}, {view.region_name}) in the business statistics "
              f"{study.year}: no A, K, O-U except S95; codes finer than a division are read through the whole "
              "division (upper bound)."),
             f"RIS3 list matched: {choice.kind}" + (" (sourced regional strengths, NOT an S3 priority list)"
                                                    if choice.kind == "strengths only" else ""),
             *urban.notes, *view.caveats]
    return CityLens(place=p, region=view.region, year=study.year, segmentation=name, declared=measured,
                    undeclared=und, ris3_kind=choice.kind, priorities=prios, three_way=three,
                    urban=urban.table if len(urban) else None, urban_note=" ".join(urban.notes),
                    notes=tuple(dict.fromkeys(n for n in notes if n)))


def emerging(view) -> Result:
    """Emerging urban industries (``data/emerging_industries.csv``) measured like declared clusters, in the
    view's study.

    Every coded cluster of ``kis``, ``ict_oecd``, ``kibs``, ``cci_own`` and ``digital_smart`` (``kind`` =
    ``"cluster"``) and the totals the file's ``total`` column names (``kind`` = ``"list"``), with ``scheme``,
    ``mapping``, ``outside`` (share of the codes in A, K, O-U, which the business statistics cannot see) and
    the columns of :func:`s3lib.measures.declared.measure`; the lists' totals are the file's ``total`` column. Codes flagged ``partial`` in the file count as
    upper bounds.
    """
    from s3lib import data

    study = view.study
    rows = data.emerging_industries(coded_only=True)
    rows = rows[rows["scheme"].isin(["kis", "ict_oecd", "kibs", "cci_own", "digital_smart"])]

    def entry(label, g):
        codes = list(dict.fromkeys(g["nace"]))
        return {"cluster": label, "scheme": g["scheme"].iloc[0], "codes": codes,
                "partial_codes": list(g.loc[g["partial"], "nace"]), "mapping": "; ".join(sorted(set(g["mapping"]))),
                "outside": sum(measures.outside(c[:3]) for c in codes) / len(codes)}

    parts = [entry(f"{s}: {c}", g) for (s, c), g in rows.groupby(["scheme", "cluster"], sort=False)]
    totals = [entry(label, g) for label, g in rows[rows["total"] != ""].groupby("total", sort=False)]
    kwargs = {"divisions": data.nace(level="division")["code"], "estimated": study.estimated}
    counts = study.counts
    table = pd.concat([measures.measure(pd.DataFrame(totals), counts, view.region, **kwargs).assign(kind="list"),
                       measures.measure(pd.DataFrame(parts), counts, view.region, **kwargs).assign(kind="cluster")],
                      ignore_index=True)
    notes = [f"Measured at NUTS{study.level} ({view.region}) in the business statistics {study.year}; KIS (Eurostat) "
             "and ICT (OECD) lists are official, the others our own mappings; classes and partial codes are read "
             "through whole divisions (upper bounds)."]
    return Result(table, notes, {"region": view.region, "year": study.year})
