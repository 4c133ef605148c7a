"""Partners abroad: regions to approach for one cluster of a place, and why (the study glue of
:mod:`s3lib.measures.partners`).

:func:`partners` (``view.partners(...)``) ranks every other region of the study's level as a partner of three
kinds for a cluster of the place (a cluster of the study's scheme, or a segment the city declares, read as the
cluster it overlaps most):

* ``peers``: strong in the same cluster (specialised and large enough on clean cells; stars, size and LQ);
* ``complements``: strong in clusters related to it that the place lacks or has weakly, where the relation passes
  the gate (:data:`s3lib.measures.partners.GATE_RULE`: at least two of US value chain, shared occupations and EU
  co-location at the 90th percentile, each channel named); regions strong in a cluster related on one channel
  only are set apart with the flag ``below the relatedness gate``;
* ``priority``: regions whose sourced RIS3 priorities (``data/ris3_priorities.csv``, latest sourced period of each
  owner) name the cluster's activities; a region without a sourced list is never one, and the notes say so.

The data-integrity rules are those of every advice table: a partner never rests on an estimated cell or a cell
with a break (:meth:`s3lib.study.Study.breaks` over the study year and the years new paths look back on), nor on
whole divisions where only the apportioned value counts, nor on a split division another cluster claims
(:func:`s3lib.measures.partners.sibling_claims`); such regions are listed apart (``apart``) with the flag.
Distances are great-circle km between the centroids of the NUTS regions (GISCO NUTS 2021; a region the data keep
under an older code is the union of its NUTS 2021 successors). Statistics find candidates, not agreements.

Example
-------
>>> from s3lib.study import Study
>>> p = Study(year=2014).at("bordeaux").partners("Aerospace", other_countries=False)
>>> p.cluster, "FRJ2" in set(p.peers.table["region"])
('Aerospace Vehicles and Defense', True)
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures import partners as measures
from s3lib.result import Result

__all__ = ["Partners", "activities", "partners", "partners_line", "region_geometries"]


@dataclass(frozen=True)
class Partners:
    """The partners of one cluster of a place (:func:`partners`).

    Attributes
    ----------
    place, region, year, level, scheme : where and on what data.
    cluster : the scheme's cluster ranked; ``asked``: what was asked (a cluster or a declared segment).
    mapping : how a declared segment was read as ``cluster`` (a sentence), or None.
    peers, complements, priority : a :class:`~s3lib.result.Result` each (None for a kind not asked): ``table``
        ranked best first with a ``reason`` in words and numbers, ``notes`` for that kind.
    apart : regions that would pass but are set apart, with their ``flag`` and ``why`` (``kind``: peer or complement).
    notes : what holds for every kind (the options, the caveat that statistics find candidates, not agreements).
    params : the options and thresholds.
    """

    place: object
    region: str
    cluster: str
    asked: str
    mapping: str | None
    year: int
    level: int
    scheme: str
    peers: Result | None
    complements: Result | None
    priority: Result | None
    apart: pd.DataFrame
    notes: tuple = ()
    params: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        return value.copy(deep=False) if name == "apart" else value

    def result(self, kind: str) -> Result:
        """The :class:`~s3lib.result.Result` of one kind (``peers``, ``complements``, ``priority``)."""
        if kind not in measures.KINDS:
            raise UnknownChoiceError("partner kind", kind, measures.KINDS)
        found = getattr(self, kind)
        if found is None:
            raise UsageError(f"{kind} were not computed: ask partners(..., kind='all') or kind={kind!r}")
        return found


# ----------------------------------------------------------------------------- shared tables

def activities(study) -> pd.DataFrame:
    """The study's activities split by cluster, for reading a list of NACE codes as clusters: ``code``, ``cluster``
    (``""`` for the part in no cluster of the scheme), ``employment`` (EU employment of that part). With the US CMP
    scheme on the business statistics, NACE classes (a division's employment shared equally by its classes, as the
    scheme's weights are); otherwise the study's activities."""
    from s3lib.data import _store

    totals = study.counts.sum(axis=0)
    if study.scheme.name == "uscmp" and study.space.key == "sbs":
        def build():
            classes = _store.table("uscmp_nace_classes.parquet")
            division = classes["division"].astype(str)
            emp = division.map(totals).fillna(0.0) / classes["n_classes"].astype(float) * classes["weight"]
            cluster = classes["cluster"].astype(str).where(classes["kind"] == "traded", "")
            return pd.DataFrame({"code": classes["nace_class"].astype(str), "cluster": cluster, "employment": emp})

        return _store.remember(("partners-activities", study.space.key, study.level, study.year, study.estimate), build)
    w = study.scheme.weight_matrix().reindex(totals.index).fillna(0.0)
    long = w.mul(totals, axis=0).stack().rename("employment").rename_axis(["code", "cluster"]).reset_index()
    rest = (totals - w.sum(axis=1) * totals).clip(lower=0.0)
    rest = pd.DataFrame({"code": rest.index, "cluster": "", "employment": rest.to_numpy()})
    return pd.concat([long[long["employment"] > 0], rest], ignore_index=True)


def region_geometries(level: int, codes=()):
    """NUTS regions of ``level`` (GISCO NUTS 2021, EPSG:4326) with ``code, name, country, geometry, lon, lat``
    (``lon``/``lat``: the centroid, computed in ETRS89-LAEA), plus a row for each of ``codes`` the data keep under
    an older NUTS code (the union of its NUTS 2021 successors in the JRC crosswalk)."""
    from s3lib import data
    from s3lib.data import _store

    def build():
        import geopandas as gpd

        geo = data.geometries(level)[["code", "name", "country", "geometry"]]
        known = set(geo["code"])
        old = [c for c in codes if c not in known]
        extra = []
        if old:
            cw = data.crosswalk()
            names = data.regions(nuts_version=None).drop_duplicates("code").set_index("code")["name"]
            for code in old:
                rows = cw[cw["from_code"] == code]
                rows = rows[rows["from_version"] == rows["from_version"].max()]
                parts = geo[geo["code"].isin(set(rows["to_code"]))]
                if len(parts):
                    extra.append({"code": code, "name": names.get(code, code), "country": parts["country"].iloc[0],
                                  "geometry": parts.geometry.union_all()})
        if extra:
            geo = pd.concat([geo, gpd.GeoDataFrame(extra, geometry="geometry", crs=geo.crs)], ignore_index=True)
        geo = gpd.GeoDataFrame(geo, geometry="geometry", crs=data.geometries(level).crs)
        centre = geo.to_crs(3035).centroid.to_crs(4326)
        return geo.assign(lon=centre.x.to_numpy(), lat=centre.y.to_numpy())

    return _store.remember(("partners-geometries", int(level), tuple(sorted(codes))), build).copy()


def _integrity(study) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(mask, words)``: region x activity True where a cell is estimated or has a cell break in the study year or
    the years new paths look back on; ``words`` the same cells in words (``"C30 estimated"``)."""
    from s3lib.study.integrity import break_years
    from s3lib.study.paths import LOOKBACK

    first = max(min(study.space.years), study.year - LOOKBACK)
    estimated = study.estimated
    labels = np.char.add(estimated.columns.to_numpy(dtype=str), " estimated")
    words = pd.DataFrame(np.where(estimated.to_numpy(dtype=bool), labels[None, :], ""), index=estimated.index,
                         columns=estimated.columns, dtype=object)
    cells = study.breaks(first).table
    cells = cells[cells["region"].isin(words.index) & cells["activity"].isin(words.columns)]
    for (region, activity), text in break_years(cells).items():
        before = words.at[region, activity]
        words.at[region, activity] = (before + "; " if before else "") + f"{activity} cell break {text}"
    return words != "", words


def _cells(words: pd.DataFrame, counts: pd.DataFrame, divisions) -> pd.Series:
    """Per region, the estimated or broken cells among ``divisions`` that hold employment, in words."""
    divisions = [d for d in divisions if d in words.columns]
    sub = words[divisions].where(counts[divisions].fillna(0) > 0, "")
    return sub.apply(lambda row: ", ".join(v for v in row if v), axis=1)


def _shared(study) -> dict:
    """What every search of one study shares (computed once: the atlas asks for every region): the integrity
    mask and its words, the cluster matrix of clean cells, region totals, the scheme's weights, region names and
    centroids, the directional shares of the clusters' activities, and a memo of judged clusters."""
    from s3lib.data import _store
    from s3lib.data.registry import region_name
    from s3lib.measures.clusters import cluster_matrix

    def build():
        counts = study.counts
        regions = counts.index
        mask, words = _integrity(study)
        weights = study.scheme.weight_matrix()
        return {"words": words, "clean": cluster_matrix(counts.where(~mask), study.scheme),
                "total": counts.sum(axis=1), "weights": weights,
                "names": pd.Series([region_name(c) for c in regions], index=regions),
                "geo": region_geometries(study.level, tuple(regions)).set_index("code").reindex(regions),
                "shares": measures.directional_shares(weights, counts.sum(axis=0)), "judged": {}}

    return _store.remember(("partners-shared", study.key), build)


def _judged(study, shared: dict, cluster: str, min_size: float) -> pd.DataFrame:
    """:func:`s3lib.measures.partners.judge` of one cluster in every region (remembered per study and size)."""
    memo = shared["judged"]
    if (cluster, min_size) not in memo:
        counts, weights, total = study.counts, shared["weights"], shared["total"]
        rows = study.portfolios.xs(cluster, level="cluster").reindex(counts.index)
        ev = measures.evidence(rows, shared["clean"][cluster], total)
        divisions = list(weights.index[weights[cluster] > 0])
        memo[(cluster, min_size)] = measures.judge(
            ev, min_size=min_size, cells=_cells(shared["words"], counts, divisions),
            claims=measures.sibling_claims(counts, weights, cluster, total))
    return memo[(cluster, min_size)]


# ----------------------------------------------------------------------------- arguments

def _check_number(name: str, value, *, allow_none=True) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(float(value)):
        raise UsageError(f"{name} must be a number, not {value!r}")
    if float(value) < 0:
        raise UsageError(f"{name} must be >= 0, not {value!r}")
    return float(value)


def _resolve(view, asked) -> tuple[str, str | None]:
    """The scheme cluster for ``asked`` (a cluster of the scheme, or a segment the city declares) and, for a
    segment, the sentence that says how it was read."""
    from s3lib.analyses.citylens import declared

    study = view.study
    clusters = study.scheme.clusters
    if asked is None:
        lead = view.summary.leading_cluster
        if lead is None:
            raise UsageError(f"{view.label} has no leading cluster: name one of the scheme's clusters")
        return lead, None
    if not isinstance(asked, str):
        raise UsageError(f"cluster must be a cluster name or a declared segment, not {asked!r}")
    lowered = {c.lower(): c for c in clusters}
    if asked.strip().lower() in lowered:
        return lowered[asked.strip().lower()], None
    table, _ = declared(view.place.key)
    labels = {str(c).lower(): i for i, c in enumerate(table["cluster"])} if len(table) else {}
    if asked.strip().lower() not in labels:
        raise UnknownChoiceError(f"cluster of scheme {study.scheme.name!r} or declared segment of {view.place.name}",
                                 asked, [*clusters, *table.get("cluster", [])],
                                 hint="clusters: study.scheme.clusters; segments: view.lens().declared['cluster']")
    row = table.iloc[labels[asked.strip().lower()]]
    codes = list(row["codes"])
    match = measures.segment_clusters(codes, activities(study)) if codes else pd.DataFrame()
    if match.empty or match["match"].iloc[0] < measures.MIN_SEGMENT_MATCH:
        best = "" if match.empty else f" (best: {match.index[0]}, overlap {match['match'].iloc[0]:.2f})"
        raise UsageError(f"declared segment {row['cluster']!r} ({', '.join(codes) or 'no NACE code'}) maps to no cluster "
                         f"of scheme {study.scheme.name!r}{best}; ask for one of the scheme's clusters")
    top = match.iloc[0]
    others = [f"{c} ({m:.2f})" for c, m in match["match"].iloc[1:3].items() if m >= measures.MIN_SEGMENT_MATCH / 2]
    sentence = (f"Declared segment '{row['cluster']}' ({', '.join(codes)}; data/city_segmentations.csv, NACE mapping "
                f"our own) is read as the cluster {match.index[0]}: employment overlap {top['match']:.2f} (it covers "
                f"{top['recall']:.0%} of the cluster, the cluster is {top['precision']:.0%} of the segment)"
                + (f"; it also overlaps {', '.join(others)}" if others else "") + ".")
    return match.index[0], sentence


# ----------------------------------------------------------------------------- the search

def partners(view, cluster=None, kind: str = "all", *, countries=None, max_km=None, other_countries: bool = True,
             min_size=None, n: int = 10) -> Partners:
    """Partner regions for one cluster of a place (module docstring).

    Parameters
    ----------
    view : PlaceView
    cluster : str, optional
        A cluster of the study's scheme, or a segment the city declares (a ``cluster`` of ``view.lens().declared``);
        default the place's leading cluster.
    kind : ``"all"`` or one of ``"peers"``, ``"complements"``, ``"priority"``.
    countries : list of str, optional
        Country codes (``"DE"``, ``"EL"``, ``"UK"``) to search in; default every country of the data.
    max_km : float, optional
        Largest distance between the centroids of the place's region and a partner's.
    other_countries : bool, default True
        Leave the place's own country out (partners abroad).
    min_size : float, optional
        Persons employed a partner needs in the cluster (default :data:`s3lib.measures.partners.MIN_PARTNER_SIZE`).
    n : int, default 10
        Rows per kind.
    """
    study = view.study
    if kind != "all" and kind not in measures.KINDS:
        raise UnknownChoiceError("partner kind", kind, ["all", *measures.KINDS])
    max_km = _check_number("max_km", max_km)
    min_size = _check_number("min_size", min_size)
    min_size = measures.MIN_PARTNER_SIZE if min_size is None else min_size
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise UsageError(f"n must be a whole number >= 1, not {n!r}")
    counts = study.counts
    regions = counts.index
    country = pd.Series(regions.str[:2], index=regions)
    own = country[view.region]
    if countries is not None:
        countries = [countries] if isinstance(countries, str) else list(countries)
        valid = sorted(set(country))
        for code in countries:
            if code not in valid:
                raise UnknownChoiceError("country code", code, valid, hint="EU28 + NO in these data; Greece is EL")
        if other_countries and own in countries:
            raise UsageError(f"countries includes {own}, the place's own country, while other_countries=True: pass "
                             "other_countries=False to search it")
    target, mapping = _resolve(view, cluster)

    shared = _shared(study)
    geo = shared["geo"]
    distance = pd.Series(measures.haversine_km(geo["lon"], geo["lat"], geo.at[view.region, "lon"],
                                               geo.at[view.region, "lat"]), index=regions).round(0)
    keep = measures.keep_mask(regions, country, view.region, countries=countries, other_countries=other_countries,
                              distance=distance, max_km=max_km)
    names = shared["names"]
    portfolios = study.portfolios

    def judged(c: str) -> pd.DataFrame:
        return _judged(study, shared, c, min_size).assign(name=names, country=country, distance_km=distance)

    options = {"countries": None if countries is None else tuple(countries), "max_km": max_km,
               "other_countries": bool(other_countries), "min_size": min_size, "n": int(n), "kind": kind}
    notes = [measures.CAVEAT, _options_note(view, options, keep, distance)]
    if mapping:
        notes.insert(0, mapping)
    place_row = portfolios.loc[(view.region, target)] if (view.region, target) in portfolios.index else None
    ask = (lambda k: kind in ("all", k))
    main = judged(target)
    peers = complements = priority = None
    apart = []
    peer_regions = ()
    if ask("peers") or ask("complements"):
        table, away = measures.rank_peers(main, keep, target, n)
        peer_regions = tuple(table["region"])
        if ask("peers"):
            peers = Result(table, _peer_notes(target, main, keep, table, away, place_row, view), {"cluster": target})
            apart.append(away)
    if ask("complements"):
        complements, away = _complements(view, target, judged, keep, n, peer_regions)
        apart.append(away)
    if ask("priority"):
        priority = _priorities(view, target, main, keep, n)
    apart = pd.concat([a for a in apart if len(a)], ignore_index=True) if any(len(a) for a in apart) else \
        pd.DataFrame(columns=measures._APART_COLUMNS)
    params = {**options, "cluster": target, "asked": cluster if cluster is not None else target,
              "min_lq": measures.MIN_PARTNER_LQ, "max_per_related": measures.MAX_PER_RELATED,
              "min_priority_cover": measures.MIN_PRIORITY_COVER, "sibling_share": measures.SIBLING_SHARE,
              "place_employment": None if place_row is None else float(place_row["employment"]),
              "place_lq": None if place_row is None else float(place_row["lq"])}
    return Partners(place=view.place, region=view.region, cluster=target, asked=params["asked"], mapping=mapping,
                    year=study.year, level=study.level, scheme=study.scheme.name, peers=peers, complements=complements,
                    priority=priority, apart=apart, notes=tuple(dict.fromkeys(notes)), params=MappingProxyType(params))


def _options_note(view, options, keep, distance) -> str:
    parts = [f"{int(keep.sum())} of {len(keep) - 1} NUTS{view.study.level} regions searched"]
    if options["other_countries"]:
        parts.append(f"outside {view.place.country}")
    if options["countries"]:
        parts.append(f"in {', '.join(options['countries'])}")
    if options["max_km"] is not None:
        parts.append(f"within {options['max_km']:,.0f} km (great circle between region centroids)")
        missing = int(distance.isna().sum())
        if missing:
            parts.append(f"{missing} without a geometry left out")
    return (", ".join(parts) + f"; a partner needs LQ >= {measures.MIN_PARTNER_LQ:g} and at least "
            f"{options['min_size']:,.0f} persons employed in the cluster on clean cells ({view.study.space.key.upper()} "
            f"{view.study.year}, NUTS{view.study.level}).")


def _peer_notes(cluster, main, keep, table, away, place_row, view) -> list[str]:
    notes = []
    if place_row is not None and pd.notna(place_row["employment"]):
        notes.append(f"{view.label}: {place_row['employment']:,.0f} employed in {cluster} (LQ {place_row['lq']:.2f}"
                     + (f"; {place_row['lower']:,.0f}-{place_row['upper']:,.0f} with whole divisions"
                        if bool(place_row["rests_on_apportioning"]) else "") + ").")
    if table.empty:
        notes.append(f"No region within the options is specialised in {cluster} on clean cells.")
    if table["apportioned"].any():
        notes.append(f"{cluster} rests on divisions shared among clusters (apportioned by class count): peers are "
                     "ranked on the apportioned value and show the whole-division value beside it.")
    flags = away["flag"].value_counts()
    if len(flags):
        notes.append("Set apart: " + ", ".join(f"{v} {k}" for k, v in flags.items()) + " (see apart).")
    return notes


def _complements(view, target, judged, keep, n, peer_regions):
    study = view.study
    from s3lib import data

    related = measures.relatives(target, study.channels, _shared(study)["shares"])
    roles = data.cluster_roles(study.scheme.name).set_index("cluster")["why"]
    bound = [b for b in related.index if b in roles.index]
    related = related.drop(index=bound)
    passing, below = measures.complement_gate(related, measured=len(study.channels))
    pf = view.portfolio.set_index("cluster")
    place_lq = pf["lq"].where(~pf["partial"].astype(bool))
    held = [b for b in passing.index if place_lq.get(b, np.nan) >= 1]
    unseen = [b for b in related.index if b in pf.index and bool(pf.at[b, "partial"])]
    wanted = [b for b in passing.index if b not in held]
    weak = [b for b in below.index if not place_lq.get(b, np.nan) >= 1]
    evs = {b: judged(b) for b in [*wanted, *weak]}
    table, away = measures.rank_complements({b: evs[b] for b in wanted}, passing, place_lq.reindex(passing.index),
                                            keep, n, peers=peer_regions)
    one, _ = measures.rank_complements({b: evs[b] for b in weak}, below, place_lq.reindex(below.index), keep, n)
    gate = measures.gate_apart(one, below, n)
    notes = [f"Complements pass a stated gate: {measures.GATE_RULE}. {len(passing)} cluster{'s' if len(passing) != 1 else ''} "
             f"related to {target} pass{'es' if len(passing) == 1 else ''} it" + (f"; the place holds {len(held)} of them already ({', '.join(held)}): cooperation within the "
                     "place, not partners abroad" if held else "") + "."]
    if len(below):
        listed = "; ".join(f"{b} ({ch})" for b, ch in below["channels"].items())
        notes.append(f"Related on one channel only, below the gate: {listed}"
                     + (f"; the regions strong in them are set apart ({measures.GATE_FLAG}), never ranked." if len(gate)
                        else "."))
    if bound:
        notes.append("Related but bound to a location (data/cluster_roles.csv), not sought as complements: "
                     + "; ".join(f"{b} ({roles[b]})" for b in bound) + ".")
    if unseen:
        notes.append(f"Barely observed in {view.region} (a fragment), counted as not held: {', '.join(unseen)}.")
    partial = study.portfolios["partial"].unstack("cluster").reindex(columns=wanted).fillna(True).astype(bool)
    hidden = [b for b in wanted if partial[b].mean() >= 0.9]
    if hidden:
        notes.append(f"Related but not observable in these statistics (a fragment in nine regions of ten: their "
                     f"industries lie mostly outside them): {', '.join(hidden)}; no partner can be found for them here.")
    if table.empty:
        notes.append("No region within the options is strong on clean cells in a cluster the place lacks that passes "
                     "the gate.")
    params = {"cluster": target, "related": tuple(passing.index), "below_gate": tuple(below.index),
              "min_channels": measures.MIN_COMPLEMENT_CHANNELS}
    return Result(table, notes, params), pd.concat([a for a in (away, gate) if len(a)] or [away], ignore_index=True)


def _priorities(view, target, main, keep, n) -> Result:
    from s3lib.analyses import ris3

    study = view.study
    table = ris3.priorities(include_fallback=True)
    latest = table.groupby("owner_code")["period"].transform("max")
    table = table[table["period"] == latest].assign(codes=lambda t: t["nace_detail"].str.split(";"))
    owners = table.drop_duplicates("owner_code")
    on_record = ", ".join(f"{r.owner_name} ({r.owner_code}, {r.period}"
                          + (", national domains" if r.type == "fallback_national" else "") + ")"
                          for r in owners.itertuples())
    notes = [f"Sourced RIS3 priority lists on record: {on_record}; the latest sourced period of each owner, NACE "
             "mapping our own. Every other region has no list here, which says nothing about its strategy."]
    choice = ris3.choose(view.place.code)
    if not choice.found:
        notes.append(f"No sourced RIS3 priority list for {view.place.name} ({view.place.ris3_owner or view.region}): "
                     "the match runs one way only, from the partners' lists to the cluster"
                     + (" (the region's sourced strengths are not an S3 list)." if choice.kind == "strengths only" else "."))
    shared = _shared(study)
    if "priorities" not in shared:   # every search of the study reads the same lists
        shared["priorities"] = measures.priority_overlap(table, activities(study))
    matched = measures.priority_matches(table, activities(study), target, overlap=shared["priorities"])
    columns = measures._PRIORITY_COLUMNS
    if matched.empty:
        notes.append(f"No sourced priority list on record names {target} (codes covering at least "
                     f"{measures.MIN_PRIORITY_COVER:.0%} of its employment): no priority partner.")
        return Result(pd.DataFrame(columns=columns), notes, {"cluster": target, "lists": len(owners)})
    rows = []
    for p in matched.itertuples():
        for region in (r for r in study.counts.index if r.startswith(p.owner_code)):
            if not keep.get(region, False):
                continue
            lq = main.at[region, "lq"] if region in main.index else np.nan
            rows.append({"region": region, "name": main.at[region, "name"], "country": main.at[region, "country"],
                         "owner": p.owner_code, "owner_name": p.owner_name, "period": p.period, "priority": p.priority_en,
                         "type": p.type, "codes": p.nace_detail.replace(";", ", "), "covers": p.covers, "focus": p.focus,
                         "lq": lq, "distance_km": main.at[region, "distance_km"],
                         "reason": (f"{p.owner_name} {p.period}: '{p.priority_en}' ({p.nace_detail.replace(';', ', ')}) "
                                    f"covers {p.covers:.0%} of {target}, which is {p.focus:.0%} of the priority"
                                    + ("; national domains, not the region's own list" if p.type == "fallback_national"
                                       else "") + f"; {target} here: LQ {lq:.2f}")})
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        notes.append(f"{matched['owner_code'].nunique()} owners' lists name {target}, but none of their regions is "
                     "within the options.")
    # the most focused priority of each region, then one region per owner before the second of any owner (a national
    # list applies to every region of its country and would otherwise fill the table)
    out = out.sort_values(["focus", "lq"], ascending=False).drop_duplicates("region")
    out["_k"] = out.groupby("owner").cumcount()
    out = out.sort_values(["_k", "focus", "lq"], ascending=[True, False, False]).drop(columns="_k")
    out = out.head(n).reset_index(drop=True)
    return Result(out, notes, {"cluster": target, "lists": len(owners), "naming": tuple(matched["priority_id"])})


def partners_line(view, cluster=None, n: int = 2) -> str:
    """One line for the card: ``"partners abroad (Wood Products): peers A (LV), B (EE); complements C (PL, Furniture),
    ...; RIS3 D (PT)"``, the top ``n`` of each kind outside the place's country, or what is missing (``"no sourced
    RIS3 list abroad names it"`` where only the place's own country's list does)."""
    p = partners(view, cluster, n=n)

    def listed(table, extra=None):
        return ", ".join(f"{r['name']} ({r['country']}" + (f", {r[extra]}" if extra else "") + ")"
                         for _, r in table.head(n).iterrows())

    parts = [f"peers {listed(p.peers.table)}" if len(p.peers) else "no peer abroad",
             f"complements {listed(p.complements.table, 'related')}" if len(p.complements) else
             "no complement abroad passes the gate",
             f"RIS3 {listed(p.priority.table)}" if len(p.priority) else
             "no sourced RIS3 list abroad names it" if p.priority.params.get("naming") else "no sourced RIS3 list names it"]
    return f"partners abroad ({p.cluster}): " + "; ".join(parts)
