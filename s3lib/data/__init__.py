"""The real-data snapshot: employment by region and industry, regions, places, classifications.

Every function reads the committed snapshot in ``data/`` (or ``S3LIB_DATA_DIR``),
checking each file's sha256 against ``data/manifest.json`` on first read, so it
works offline. ``s3lib data build`` rebuilds the snapshot from the raw public
files; ``s3lib data fetch`` builds the same tables from Eurostat's and GISCO's
download services.

Gaps to keep in mind (see ``data/README.md``):

- The business statistics (``sbs_r_nuts06_r2``, :func:`employment`) have no
  A (agriculture), no K (finance and insurance: it matters for Frankfurt) and no
  O-U (public and personal services) except S95; they stop at NUTS 2.
- Confidential cells (flag ``c``) have no value: missing is not zero.
- 2014 is the best cross-section; 2010 is the earliest year with France;
  2015 is thin (filled from a later extraction for persons employed only).
- NUTS 3 industry detail exists only as broad sectors (:func:`broad_sectors`),
  and there is no French NUTS 3 breakdown at all (no Gironde FRI12 rows).
- Local units are classified by principal activity: Aquitaine's aerospace cluster
  is spread across C25, C26, C28, C30, C33 and services, not only C30.

Example
-------
>>> import s3lib.data as d
>>> emp = d.employment(level=2, year=2014)
>>> float(d.matrix(emp).loc["DE71", "C20"])    # chemicals in Darmstadt, persons employed
36512.0
"""
from __future__ import annotations

from s3lib.data import _store
from s3lib.data._store import cached_table as _table
from s3lib.data._store import clear_cache, data_dir
from s3lib.data._store import manifest as _manifest
from s3lib.data.curated import (
    benchmarks,
    caveats,
    city_segmentations,
    cluster_roles,
    emerging_industries,
    validity_markers,
)
from s3lib.data.occupations import ags_nuts, kldb, occupation_matrix, occupations
from s3lib.data.registry import Place, normalise, place, places, require_level
from s3lib.data.territories import data_region
from s3lib.data.urssaf import (
    naf,
    urssaf_communes,
    urssaf_employment,
    urssaf_territories,
    urssaf_territory,
)
from s3lib.errors import UnknownChoiceError, UsageError, shorten

__all__ = [
    "INDICATORS",
    "NACE_LEVELS",
    "Place",
    "ags_nuts",
    "benchmarks",
    "broad_sectors",
    "caveats",
    "city_segmentations",
    "clear_cache",
    "cluster_roles",
    "coverage",
    "crosswalk",
    "data_dir",
    "data_region",
    "emerging_industries",
    "employment",
    "eu_matrix",
    "gdp",
    "geometries",
    "is_extra_regio",
    "info",
    "kldb",
    "manifest",
    "matrix",
    "naf",
    "nace",
    "normalise",
    "occupation_matrix",
    "occupations",
    "place",
    "places",
    "population",
    "regions",
    "require_level",
    "resolve_places",
    "urssaf_communes",
    "urssaf_employment",
    "urssaf_territories",
    "urssaf_territory",
    "validity_markers",
]

#: Indicator names of :func:`employment` and their Eurostat ``indic_sb`` codes.
INDICATORS = {"persons": "V16110", "local_units": "V11210", "wages": "V13320"}
#: NACE levels present in :func:`employment`.
NACE_LEVELS = ("section", "division", "group")


# --------------------------------------------------------------------------- helpers
def _as_list(value):
    if value is None:
        return None
    if isinstance(value, (str, int)):
        return [value]
    return list(value)


def _check(what: str, values, valid, hint: str | None = None) -> None:
    valid_set = set(valid)
    for v in values:
        if v not in valid_set:
            raise UnknownChoiceError(what, v, [str(c) for c in valid], hint=hint)


def _years(year, available) -> list[int] | None:
    years = _as_list(year)
    if years is None:
        return None
    available = sorted(int(y) for y in available)
    span = f"valid range {available[0]}-{available[-1]}"
    out = []
    for y in years:
        try:
            y_int = int(y)
        except (TypeError, ValueError):
            raise UnknownChoiceError("year", y, [], hint=span) from None
        if y_int not in available:
            raise UnknownChoiceError("year", y, [], hint=span)
        out.append(y_int)
    return out


def _level(level, available=(0, 1, 2, 3)) -> list[int] | None:
    levels = _as_list(level)
    if levels is None:
        return None
    _check("NUTS level", levels, available)
    return [int(v) for v in levels]


def _countries(countries, available) -> list[str] | None:
    codes = _as_list(countries)
    if codes is None:
        return None
    codes = [str(c).upper() for c in codes]
    valid = sorted(available)
    _check("country", codes, valid, hint="ISO codes as Eurostat writes them: " + " ".join(valid))
    return codes


def _select(df, **conditions):
    """Rows of ``df`` whose columns take the given values (``None`` = no filter); plain string
    columns. Remembered per snapshot table and conditions (notebooks ask the same again)."""
    key = tuple((column, None if values is None else tuple(values)) for column, values in sorted(conditions.items()))
    return _store.selection(df, key, lambda: _filter(df, conditions))


def _filter(df, conditions: dict):
    import numpy as np

    mask = np.ones(len(df), dtype=bool)
    for column, values in conditions.items():
        if values is not None:
            mask &= df[column].isin(values).to_numpy()
    out = df[mask].reset_index(drop=True)
    for column in out.columns:
        if str(out[column].dtype) == "category":
            out[column] = out[column].astype(str)
    return out


# --------------------------------------------------------------------------- employment
def employment(level=2, year=2014, indicator="persons", nace_level="division", countries=None, nace=None):
    """Employment by NUTS region x NACE Rev. 2 industry x year (Eurostat ``sbs_r_nuts06_r2``).

    Parameters
    ----------
    level : int, list or None
        NUTS level 0, 1 or 2 (no NUTS 3 in the business statistics); None = all.
    year : int, list or None
        2008-2015 (2014 is the best cross-section, 2010 the earliest with France,
        2015 thin); None = all years.
    indicator : str
        ``"persons"`` (V16110, persons employed), ``"local_units"`` (V11210) or
        ``"wages"`` (V13320, wages and salaries, EUR million).
    nace_level : str or None
        ``"section"`` (B-N without K), ``"division"`` (68 divisions B05-N82 and S95)
        or ``"group"`` (trade groups G451-G479 only); None = all levels.
    countries : str, list or None
        ISO country codes (``"DE"``, ``"EL"``, ``"UK"``...); None = all.
    nace : str, list or None
        Eurostat-style NACE codes (``"C"``, ``"C10"``, ``"G451"``); when given it
        replaces the ``nace_level`` filter.

    Returns
    -------
    DataFrame
        Tidy, one row per cell: ``region`` (NUTS 2021 code where the territory is
        unchanged, else the original code), ``region_orig`` (code in the file, e.g.
        FR61 for FRI1), ``nuts_version`` (version of ``region``: 2021, or the older
        version of a code whose territory changed), ``level``, ``country``, ``nace``,
        ``nace_level``, ``year``, ``indicator``, ``value`` (float, NaN = not available
        or confidential: missing is not zero), ``flag`` (Eurostat flags: c confidential,
        b break, d definition differs, e estimated, p provisional, u low reliability,
        i/r see metadata/revised, or combinations such as ``cd``; empty = none) and
        ``source`` (raw file of the row).

    Notes
    -----
    No A, K (finance: matters for Frankfurt) or O-U sections except S95; the sum of
    sections B-N plus S95 is the SBS "business economy", not total employment.

    Examples
    --------
    >>> e = employment(level=2, year=2014, nace=["C"])
    >>> int(e.set_index("region").loc["DE71", "value"])
    244881
    """
    df = _table("employment.parquet")
    if indicator not in INDICATORS:
        raise UnknownChoiceError("indicator", indicator, list(INDICATORS))
    levels = _level(level, (0, 1, 2))
    years = _years(year, range(2008, 2016))
    codes = _as_list(nace)
    levels_nace = None
    if codes is not None:
        _check("NACE code", codes, df["nace"].cat.categories,
               hint="Eurostat style: section 'C', division 'C10', group 'G451'; no A, K, O-U")
    elif nace_level is not None:
        _check("NACE level", [nace_level], NACE_LEVELS)
        levels_nace = [nace_level]
    return _select(df, indicator=[indicator], level=levels, year=years, nace=codes, nace_level=levels_nace,
                   country=_countries(countries, df["country"].cat.categories))


def matrix(df, fill=None):
    """Pivot a tidy table into a region x industry matrix of ``value``.

    Parameters
    ----------
    df : DataFrame
        Output of :func:`employment` (or :func:`broad_sectors`) for one year and
        one indicator.
    fill : float, optional
        Value for missing cells. By default NaN is kept: missing is not zero
        (confidential cells hide real employment).

    Returns
    -------
    DataFrame
        index = region codes (``region``), columns = NACE codes (``nace``), sorted.

    Examples
    --------
    >>> X = matrix(employment(level=2, year=2014))
    >>> float(X.loc["DE71", "C20"])
    36512.0
    """
    missing = {"region", "nace", "value"} - set(df.columns)
    if missing:
        raise UsageError(f"matrix() needs columns region, nace, value; missing {sorted(missing)}")
    for column in ("year", "indicator"):
        if column in df.columns and df[column].nunique() > 1:
            raise UsageError(f"matrix() needs one {column}; got {sorted(df[column].unique().tolist())} "
                             f"(filter first, e.g. employment(year=2014))")
    if df.duplicated(["region", "nace"]).any():
        raise UsageError("matrix() found several rows for one region and industry; filter the table first")
    out = df.pivot(index="region", columns="nace", values="value")
    out = out.sort_index().reindex(sorted(out.columns), axis=1)
    out.index.name, out.columns.name = "region", "nace"
    out = out.astype("float64")
    return out if fill is None else out.fillna(fill)


def is_extra_regio(codes):
    """True for Eurostat's extra-regio codes (``xxZ``, ``xxZZ``, ``xxZZZ``: a ``Z`` right after the country
    code), which hold activity not attributed to any region; every EU-wide table leaves them out.

    >>> is_extra_regio(["DEZ", "DEZZ", "DE71", "ITC1"]).tolist()
    [True, True, False, False]
    """
    import numpy as np
    import pandas as pd

    return np.asarray(pd.Series(codes).astype(str).str[2:3].eq("Z"), dtype=bool)


def coverage(level=2, years=None, indicator="persons"):
    """The share of the NACE divisions with a published value, per region and year.

    ``coverage_rt = #{divisions i : x_rit observed} / #divisions``, over the regions of ``level`` with at
    least one observed division in the year, extra-regio codes left out (:func:`is_extra_regio`), the
    same regions :func:`eu_matrix` keeps. Returns a long table ``level, country, region, year,
    coverage`` (levels ``None`` = all).

    >>> c = coverage(level=2, years=2014)
    >>> round(float(c.loc[c["region"] == "DE71", "coverage"].iloc[0]), 2)
    0.81
    """
    emp = employment(level=level, year=years, indicator=indicator, nace_level="division")
    emp = emp[~is_extra_regio(emp["region"])]
    n = emp["nace"].nunique()
    out = (emp.assign(ok=emp["value"].notna()).groupby(["level", "country", "region", "year"], observed=True)["ok"]
           .sum() / n)
    out = out[out > 0].rename("coverage").reset_index()
    out["region"] = out["region"].astype(str)
    out["country"] = out["country"].astype(str)
    return out


def resolve_places(places, level: int = 2) -> list:
    """Resolve every place of a batch before anything runs; one :class:`~s3lib.errors.UsageError`
    (exit code 2) names all the places that are unknown or coarser than NUTS ``level`` (with the
    NUTS ``level`` regions they contain, also in ``error.suggestions``). Duplicates are dropped.

    >>> [p.key for p in resolve_places(["porto", "Oporto", "DE71"])]
    ['porto', 'de71']
    """
    resolved, problems, suggestions = [], [], []
    for name in places:
        try:
            resolved.append(require_level(name, level))
        except UsageError as exc:
            problems.append(exc)
            suggestions.extend(getattr(exc, "suggestions", None) or [])
    if len(problems) == 1:
        raise problems[0]
    if problems:
        more = f" (the first 3 of {len(problems)})" if len(problems) > 3 else ""
        shown = " | ".join(shorten(str(e), 110) if more else str(e) for e in problems[:3])
        error = UsageError(f"{len(problems)} places refused, nothing was run{more}: {shown}")
        error.suggestions = suggestions
        raise error
    unique = {}
    for p in resolved:
        unique.setdefault(p.key, p)
    return list(unique.values())


def eu_matrix(level=2, year=2014, indicator="persons"):
    """All regions of a NUTS level x NACE divisions of the business statistics in ``year``.

    The regions are those Eurostat reports (EU28 and Norway in 2014); extra-regio codes
    (``xxZ``, ``xxZZ``: a ``Z`` after the country code) and regions with no observed cell (old codes kept for other years) are left
    out. Missing cells stay NaN. This is the sample every EU-wide measure starts from.

    Examples
    --------
    >>> eu_matrix(2, 2014).shape
    (282, 68)
    """
    x = matrix(employment(level=level, year=year, indicator=indicator, nace_level="division"))
    return x.loc[~is_extra_regio(x.index)].dropna(how="all")


# --------------------------------------------------------------------------- regions and classifications
def regions(level=None, nuts_version=2021):
    """The NUTS region table.

    Parameters
    ----------
    level : int, list or None
        NUTS level 0-3; None = all.
    nuts_version : int or None
        2021 (default) keeps the codes of NUTS 2021; None keeps every code of
        NUTS 2006-2021 (older codes carry their latest version and, when the
        territory is unchanged, their NUTS 2021 ``successor``).

    Returns
    -------
    DataFrame
        ``code, name`` (Latin script), ``name_native, level, country, nuts0, nuts1,
        nuts2, nuts_version, in_2021, successor, versions``.
    """
    df = _table("regions.parquet")
    versions = None if nuts_version is None else [int(nuts_version)]
    if versions is not None:
        _check("NUTS version", versions, sorted(df["nuts_version"].unique()))
    out = _select(df, level=_level(level), nuts_version=versions)
    return out


def geometries(level=2):
    """NUTS 2021 region polygons (GISCO 1:20M, EPSG:4326) as a GeoDataFrame.

    Columns ``code, name, name_native, level, country, geometry``.
    (c) EuroGeographics for the administrative boundaries.

    Parameters
    ----------
    level : int, list or None
        NUTS level 0-3; None = all.
    """
    gdf = _table("geometries.parquet")
    levels = _level(level)
    out = gdf if levels is None else gdf[gdf["level"].isin(levels)]
    return out.reset_index(drop=True).copy()


def nace(level=None):
    """The NACE Rev. 2 hierarchy with English labels.

    Parameters
    ----------
    level : str, int or None
        ``"section"``, ``"division"``, ``"group"``, ``"class"`` (or the depth 1-4); None = all.

    Returns
    -------
    DataFrame
        ``code`` (Eurostat style: ``C``, ``C10``, ``C101``, ``C1011``), ``plain``
        (``C``, ``10``, ``10.1``, ``10.11``), ``level``, ``depth``, ``section``,
        ``parent`` and ``name``.
    """
    df = _table("nace.parquet")
    names = ("section", "division", "group", "class")
    if isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 4:
        level = names[level - 1]
    if level is not None:
        _check("NACE level", [level], names)
    return _select(df, level=None if level is None else [level])


def crosswalk(from_version=None):
    """The JRC NUTS crosswalk rows leading to NUTS 2021 (the subset used for recoding).

    ``one_to_one`` marks the pairs used to recode (territory unchanged, e.g.
    FR61 -> FRI1); other rows are area/population flows of changed territories.

    Parameters
    ----------
    from_version : int or None
        2006, 2010, 2013 or 2016; None = all.
    """
    df = _table("nuts_crosswalk.parquet")
    versions = _as_list(from_version)
    if versions is not None:
        _check("NUTS version", versions, (2006, 2010, 2013, 2016))
    return _select(df, from_version=versions)


# --------------------------------------------------------------------------- regional accounts
def broad_sectors(level=None, year=None, sectors=None, countries=None):
    """Employment (persons) by NUTS 0-3 region x A*10 sector (Eurostat ``nama_10r_3empers``).

    The only NUTS 3 industry data of the snapshot, and a subset: all countries at
    NUTS 0, NUTS 1/2/3 under DE7, ES21, ITC1, PT11, RO32 and a few more. No French
    NUTS 3 (no FRI12) and France only 2017-2018 totals; DE7 and ES21 NUTS 3 rows
    give only A, B-E, C, F, G-J, K-N, O-U and TOTAL. NUTS 2016 codes recoded to
    2021 where the territory is unchanged (``region_orig`` keeps the original).

    Parameters
    ----------
    level, year, countries : filters as in :func:`employment` (None = all).
    sectors : str or list, optional
        Among A, B-E, C, F, G-I, G-J, J, K, K-N, L, M-N, O-Q, O-U, R-U, TOTAL.
    """
    df = _table("broad_sectors.parquet")
    codes = _as_list(sectors)
    if codes is not None:
        _check("sector", codes, df["nace"].cat.categories)
    return _select(df, level=_level(level), year=_years(year, df["year"].unique()), nace=codes,
                   country=_countries(countries, df["country"].cat.categories))


def gdp(unit="MIO_EUR", level=None, year=None, countries=None):
    """GDP at current market prices by NUTS 0-3 region (Eurostat ``nama_10r_3gdp``, NUTS 2021), 2000-2020.

    Parameters
    ----------
    unit : str or list
        MIO_EUR, EUR_HAB, PPS_EU27_2020_HAB, MIO_PPS_EU27_2020, MIO_NAC,
        EUR_HAB_EU27_2020, PPS_HAB_EU27_2020.
    level, year, countries : filters (None = all). 2020 is missing for several countries.
    """
    return _regional("gdp.parquet", "unit", "GDP unit", unit, level, year, countries)


def _regional(name, column, what, values, level, year, countries):
    """Rows of a regional table filtered on ``column`` (checked against its categories), level, year, country."""
    df = _table(name)
    values = _as_list(values)
    if values is not None:
        _check(what, values, df[column].cat.categories)
    return _select(df, **{column: values}, level=_level(level), year=_years(year, df["year"].unique()),
                   country=_countries(countries, df["country"].cat.categories))


def population(age="TOTAL", level=None, year=None, countries=None):
    """Population on 1 January, both sexes, by NUTS 0-3 region (Eurostat ``demo_r_pjanaggr3``), 1990-2021.

    Parameters
    ----------
    age : str or list
        TOTAL, Y_LT15, Y15-64, Y_GE65, UNK.
    level, year, countries : filters (None = all).
    """
    return _regional("population.parquet", "age", "age group", age, level, year, countries)


# --------------------------------------------------------------------------- provenance
def manifest() -> dict:
    """The snapshot's manifest: per file sha256, rows, source dataset, vintage, licence, command."""
    import copy

    return copy.deepcopy(_manifest())


GAPS = (
    ("Business statistics (employment): no A (agriculture), no K (finance and insurance: matters for "
     "Frankfurt), no O-U (public and personal services) except S95; NUTS 0-2 only."),
    "Confidential cells (flag c) have no value: missing is not zero.",
    ("2014 is the best cross-section; 2010 is the earliest year with France; 2015 is thin "
     "(persons employed filled from a later extraction)."),
    "NUTS 3 industry detail only as broad sectors, for a subset of regions; no French NUTS 3 (no FRI12).",
    ("Local units are classified by principal activity: Aquitaine's aerospace is spread across "
     "C25, C26, C28, C30, C33 and services."),
    "Codes whose territory changed between NUTS versions keep their original code (nuts_version < 2021).",
)


def info() -> str:
    """A text summary of the snapshot: tables, rows, years, levels, provenance, licences and gaps, after checking
    every file against the manifest's sha256 (:class:`~s3lib.errors.DataError` for a corrupt or missing file)."""
    m = _manifest()
    for e in m["files"]:  # every file against its checksum first: a corrupt snapshot is an error (exit 1)
        _store.verified_path(e["file"])
    lines = [f"s3lib data snapshot in {data_dir()} (every file matches its sha256 in the manifest)",
             f"built {m.get('built_at', '?')} by `{m.get('command', '?')}` from {m.get('raw', '?')}", ""]
    for e in m["files"]:
        span = f" years {e['years'][0]}-{e['years'][1]}" if e.get("years") else ""
        levels = f" NUTS levels {','.join(map(str, e['levels']))}" if e.get("levels") else ""
        lines.append(f"  {e['file']:<30} {e['rows']:>9,} rows{span}{levels}")
        lines.append(f"      {e.get('dataset', '')} ({e.get('vintage', '')}); {e.get('licence', '')}")
    lines += ["", "Licences:", *[f"  {x}" for x in m.get("licence", [])], "", "Gaps:",
              *[f"  - {g}" for g in GAPS]]
    return "\n".join(lines)
