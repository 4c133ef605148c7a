"""German employees by NUTS 2021 district x occupational group (KldB 2010) x year, 2013-2025.

The one current, city-level source of the snapshot: employees subject to social insurance at the
place of work on 30 June (Statistik der Bundesagentur für Arbeit, via the R package badata 0.2.0),
by German district (Kreis = NUTS 3) and KldB 2010 occupational group. Built by
:mod:`s3lib.data.build_ba`; see ``data/README.md``.

Read it for what it is:

- **Germany only**, NUTS 3 (districts) in NUTS 2021 codes; DE719 is Main-Kinzig-Kreis including
  Hanau, DEG0P is Wartburgkreis including Eisenach (DEG0N has no rows of its own).
- **Occupations, not industries**: what people do (a competence view), not what their employer
  sells. It covers finance (KldB 72x) and public and personal services, which the business
  statistics lack.
- **Suppressed cells are small counts, not zero**: a value is NA when every raw part is
  suppressed; a sum over parts is a lower bound (flag ``"lower_bound"``) when some part is.

Occupation codes are strings: the 140 three-digit KldB 2010 groups present in the data
(``"721"``), ``"unknown"`` (no occupation given, the raw NA group) and ``"total"`` (all
employees: the 140 groups plus ``"unknown"``). There are no soldiers (KldB area 0).

Examples
--------
>>> import s3lib.data as d
>>> d.occupations(year=2025, regions="DE712", occupations="total")["employees"].item()
651120.0
>>> X = d.occupation_matrix(2025)            # 400 regions x 140 groups, NaN = suppressed
>>> d.kldb(level=3).set_index("code").loc["721", "area"]
'7'
"""
from __future__ import annotations

from s3lib.data import _store
from s3lib.errors import UnknownChoiceError, UsageError

__all__ = [
    "COUNTRY",
    "KLDB_LEVELS",
    "MEASURES",
    "OCCUPATION_TOTAL",
    "OCCUPATION_UNKNOWN",
    "ags_nuts",
    "kldb",
    "occupation_matrix",
    "occupations",
]

#: Count columns of :func:`occupations`; each has a ``<measure>_flag`` column.
MEASURES = ("employees", "women", "foreigners")
#: The one country the occupation data cover (Statistik der Bundesagentur für Arbeit).
COUNTRY = "DE"
#: Occupation code of the all-occupations total.
OCCUPATION_TOTAL = "total"
#: Occupation code of "no occupation given" (NA in the raw data).
OCCUPATION_UNKNOWN = "unknown"
#: KldB 2010 levels of :func:`kldb`: 1 area, 2 main group, 3 occupational group.
KLDB_LEVELS = {1: "area", 2: "main_group", 3: "group"}

_FILE = "occupations.parquet"
_OCC_HINT = ("KldB 2010 codes as strings: group '721', main group '72', area '7'; "
             "'unknown' (no occupation given) or 'total'")
_REGION_HINT = "German NUTS 2021 codes: a district 'DE712' or a prefix 'DE7', 'DE71', 'DE'"


def occupations(year=None, regions=None, occupations=None):
    """Employees subject to social insurance by NUTS 2021 district x KldB 2010 group x year.

    Parameters
    ----------
    year : int, list or None
        2013-2025 (reference date 30 June); None = all years.
    regions : str, list or None
        German NUTS 2021 codes: NUTS 3 districts (``"DE712"``) or any prefix of them
        (``"DE71"``, ``"DE7"``, ``"DE"``) selecting the districts within; None = all 400.
    occupations : str, list or None
        Three-digit KldB 2010 groups (``"721"``), a main group or area code (``"72"``, ``"7"``:
        the three-digit groups within it), ``"unknown"`` or ``"total"``. None = the 140 groups
        and ``"unknown"``, which add up to ``"total"`` (ask for ``"total"`` explicitly, so that a
        sum over the rows never counts anyone twice).

    Returns
    -------
    DataFrame
        One row per region x occupation x year: ``region`` (NUTS 2021 NUTS 3 code),
        ``country`` (``"DE"``), ``level`` (3), ``occupation``, ``year``, ``employees``,
        ``women``, ``foreigners`` (float64 counts of persons; NaN = suppressed, a small count,
        **not zero**) and ``employees_flag``, ``women_flag``, ``foreigners_flag``: ``""``
        exact, ``"lower_bound"`` (sum of the known parts of a total or of the two districts
        Hanau + Main-Kinzig-Kreis, at least one part suppressed) or ``"suppressed"``.

    Examples
    --------
    >>> t = occupations(year=[2013, 2025], regions="DE712", occupations=["total", "721"])
    >>> t.set_index(["occupation", "year"])["employees"].to_dict()
    {('721', 2013): 50520.0, ('721', 2025): 63701.0, ('total', 2013): 516239.0, ('total', 2025): 651120.0}
    """
    from s3lib.data import _years

    df = _store.cached_table(_FILE)  # rows selected from it are handed out as copies
    years = _years(year, df["year"].unique())
    codes = _occupation_codes(occupations, df)
    regs = _region_codes(regions, df)
    key = ("occupations", None if years is None else tuple(years), tuple(codes),
           None if regs is None else tuple(regs))
    return _store.selection(df, key, lambda: _rows(df, years, codes, regs))


def occupation_matrix(year, measure="employees", regions=None, unknown=False):
    """The region x occupational group matrix of one year (an "activity space"), NaN = suppressed.

    Parameters
    ----------
    year : int
        2013-2025.
    measure : str
        ``"employees"`` (default), ``"women"`` or ``"foreigners"``.
    regions : str, list or None
        As in :func:`occupations`; None = all 400 German NUTS 3 regions.
    unknown : bool
        Add the column ``"unknown"`` (no occupation given). Default False: the 140 KldB groups.

    Returns
    -------
    DataFrame
        float64, index ``region`` (sorted NUTS 2021 codes), columns ``occupation`` (sorted
        three-digit KldB codes). NaN cells are suppressed small counts, not zeros; a row sum
        that skips them is a lower bound of the region's total. Group the columns into main
        groups or areas with :func:`kldb` (``kldb(3).set_index("code")["area"]``).

    Examples
    --------
    >>> X = occupation_matrix(2025)
    >>> X.shape, float(X.loc["DE712", "721"])
    ((400, 140), 63701.0)
    >>> areas = kldb(3).set_index("code")["area"]
    >>> X.T.groupby(areas).sum(min_count=1).T.shape    # districts x the occupational areas 1-9
    (400, 9)
    """
    from s3lib.data import _years

    df = _store.table(_FILE)
    years = _years(year, df["year"].unique())
    if years is None or len(years) != 1:
        raise UsageError(f"occupation_matrix() needs one year (2013-2025); got {year!r}")
    if measure not in MEASURES:
        raise UnknownChoiceError("measure", measure, MEASURES)
    groups = _groups(df)
    codes = groups + ([OCCUPATION_UNKNOWN] if unknown else [])
    tidy = occupations(year=years, regions=regions, occupations=codes)
    out = tidy.pivot(index="region", columns="occupation", values=measure)
    out = out.sort_index().reindex(codes, axis=1).astype("float64")
    out.index.name, out.columns.name = "region", "occupation"
    return out


def kldb(level=None):
    """The KldB 2010 hierarchy: occupational areas, main groups and occupational groups.

    Parameters
    ----------
    level : int, str or None
        1 or ``"area"`` (10 Berufsbereiche, the coarse level for related variety), 2 or
        ``"main_group"`` (37 Berufshauptgruppen), 3 or ``"group"`` (144 Berufsgruppen, the level
        of :func:`occupations`); None = all.

    Returns
    -------
    DataFrame
        ``code`` (``"7"``, ``"72"``, ``"721"``), ``level``, ``level_name``, ``area``,
        ``main_group`` (empty for an area), ``name_de`` (level 3: the BA short label of the raw
        file; levels 1-2: the KldB 2010 titles typed in by s3lib, see ``name_de_source``),
        ``name_en`` and ``name_en_source`` (``"our translation"``: not the official English
        labels), ``in_data`` (False for the military area 0, groups 011-014).

    Examples
    --------
    >>> kldb(1)["name_en"].head(2).tolist()
    ['Military', 'Agriculture, forestry, animal husbandry and horticulture']
    >>> kldb("group").set_index("code").loc["721", "name_en"]
    'Insurance and financial services'
    """
    df = _store.table("kldb.parquet")
    if level is not None:
        names = {v: k for k, v in KLDB_LEVELS.items()}
        if isinstance(level, str) and level in names:
            level = names[level]
        if isinstance(level, bool) or level not in KLDB_LEVELS:
            raise UnknownChoiceError("KldB level", level, [*map(str, KLDB_LEVELS), *KLDB_LEVELS.values()])
        df = df[df["level"] == level]
    return df.reset_index(drop=True).copy()


def ags_nuts():
    """German district keys (AGS, territory of July 2026) -> NUTS 2021 NUTS 3 codes.

    Returns
    -------
    DataFrame
        ``ags, ags_name, nuts, nuts_name, rule`` (``"name"``: matched by name within the Land;
        ``"exception: <reason>"``), ``territory`` (``"equal"``; ``"part"``: one of several
        districts of the NUTS region, Hanau and Main-Kinzig-Kreis in DE719; ``"larger"``: the
        district also covers the NUTS 2021 region in ``also_covers``, Wartburgkreis + Eisenach
        DEG0N) and ``also_covers``.

    Examples
    --------
    >>> t = ags_nuts().set_index("ags")
    >>> t.loc["06415", ["nuts", "territory"]].tolist()
    ['DE719', 'part']
    """
    return _store.table("ags_nuts.parquet").copy()


# --------------------------------------------------------------------------- helpers
def _groups(df) -> list[str]:
    return [c for c in df["occupation"].cat.categories if c not in (OCCUPATION_UNKNOWN, OCCUPATION_TOTAL)]


def _occupation_codes(occupations, df) -> list[str]:
    """The occupation codes asked for (None = the groups and ``unknown``), checked."""
    from s3lib.data import _as_list

    groups = _groups(df)
    if occupations is None:
        return groups + [OCCUPATION_UNKNOWN]
    out = []
    for value in _as_list(occupations):
        code = str(value).strip().lower()
        if code in (OCCUPATION_UNKNOWN, OCCUPATION_TOTAL) or code in groups:
            out.append(code)
        elif len(code) in (1, 2) and any(g.startswith(code) for g in groups):
            out.extend(g for g in groups if g.startswith(code))
        else:
            hint = _OCC_HINT
            if code[:1] == "0" and code.isdigit():
                hint = "KldB area 0 (military) has no employees subject to social insurance in the data"
            raise UnknownChoiceError("occupation", value, [*groups, OCCUPATION_UNKNOWN, OCCUPATION_TOTAL],
                                     hint=hint)
    return list(dict.fromkeys(out))


def _region_codes(regions, df) -> list[str] | None:
    """The NUTS 3 codes asked for (codes or prefixes), checked; None = all."""
    from s3lib.data import _as_list

    asked = _as_list(regions)
    if asked is None:
        return None
    available = list(df["region"].cat.categories)
    out = []
    for value in asked:
        code = str(value).strip().upper()
        hits = [r for r in available if r.startswith(code)] if len(code) >= 2 else []
        if not hits:
            covered = ags_nuts()
            holder = covered.loc[covered["also_covers"] == code]
            hint = (f"{code} has no district of its own since a merger: its employees are in "
                    f"{holder['nuts'].iloc[0]} ({holder['ags_name'].iloc[0]})" if len(holder) else _REGION_HINT)
            raise UnknownChoiceError("NUTS 2021 region", value, available, hint=hint)
        out.extend(hits)
    return list(dict.fromkeys(out))


def _rows(df, years, codes, regs):
    import numpy as np

    mask = np.array(df["occupation"].isin(codes))  # a writable copy
    if years is not None:
        mask &= df["year"].isin(years).to_numpy()
    if regs is not None:
        mask &= df["region"].isin(regs).to_numpy()
    out = df[mask].reset_index(drop=True)
    for column in ("region", "country", "occupation", *(f"{m}_flag" for m in MEASURES)):
        out[column] = out[column].astype(str)
    for column in MEASURES:
        out[column] = out[column].astype("float64")  # NA (suppressed) -> NaN, as in employment()
    out["level"] = out["level"].astype(np.int8)
    return out
