"""NUTS regions: code versions, the recoding to NUTS 2021, the region table and the geometries.

Recoding rule (used for every table of the snapshot): a code is replaced by its
NUTS 2021 code only when the JRC crosswalk (R package ``nuts``, ``cross_walks``)
maps it one-to-one, i.e. the old code has exactly one NUTS 2021 successor and that
successor has exactly one predecessor (the territory is unchanged, e.g. FR61 ->
FRI1, PL11 -> PL71). A code whose territory changed (split, merged or a boundary
moved, e.g. FR2, IE01, HU10, even CZ02 which lost 88 km2) is kept as it is and
its ``nuts_version`` stays the old version, so it never silently joins a NUTS 2021
region of a different territory. Country codes and extra-regio codes (``..Z``,
``..ZZ``) are unchanged across versions.
"""
from __future__ import annotations

from pathlib import Path

__all__ = [
    "build_regions",
    "level_of",
    "one_row_per_cell",
    "read_code_versions",
    "read_crosswalk",
    "read_geometries",
    "recode_table",
]

def level_of(code: str) -> int:
    """NUTS level of a code from its length: ``"DE"`` 0, ``"DE7"`` 1, ``"DE71"`` 2, ``"DE712"`` 3."""
    return len(code) - 2


def _is_stable(code: str) -> bool:
    return len(code) == 2 or code.endswith("Z")


def read_crosswalk(path: Path):
    """The JRC crosswalk rows that lead to NUTS 2021, with a ``one_to_one`` column (the recoding rule)."""
    import pandas as pd

    cw = pd.read_csv(path, dtype={"from_code": str, "to_code": str})
    cw = cw[(cw["to_version"] == 2021) & (cw["from_version"] < 2021)].copy()
    n_to = cw.groupby(["from_version", "from_code"])["to_code"].transform("size")
    n_from = cw.groupby(["from_version", "to_code"])["from_code"].transform("size")
    cw["one_to_one"] = (n_to == 1) & (n_from == 1)
    cw["level"] = cw["level"].astype("int8")
    cols = ["from_code", "to_code", "from_version", "to_version", "level", "country",
            "areaKm", "pop18", "one_to_one"]
    cw = cw[cols].rename(columns={"areaKm": "area_km2"})
    cw[["from_version", "to_version"]] = cw[["from_version", "to_version"]].astype("int16")
    return cw.sort_values(["from_version", "from_code", "to_code"]).reset_index(drop=True)


def read_code_versions(path: Path) -> dict[str, tuple[int, ...]]:
    """Code -> the NUTS versions it belongs to (JRC ``all_nuts_codes``)."""
    import pandas as pd

    codes = pd.read_csv(path, dtype={"code": str})
    return {c: tuple(sorted(v)) for c, v in codes.groupby("code")["version"]}


def recode_table(codes, crosswalk, versions: dict[str, tuple[int, ...]], vintage: int):
    """How each code of a table published in NUTS ``vintage`` maps to NUTS 2021.

    The version of an original code is the latest NUTS version <= ``vintage`` that
    contains it (Eurostat files keep some older codes for early years, e.g.
    ITD/ITE from NUTS 2006 in a NUTS 2013 table).

    Returns a DataFrame indexed by the original code with columns ``region``
    (the NUTS 2021 code, or the original when the territory changed),
    ``orig_version`` and ``nuts_version`` (the version of ``region``).
    """
    import pandas as pd

    one = crosswalk[crosswalk["one_to_one"]].set_index(["from_version", "from_code"])["to_code"]
    rows = []
    for code in sorted(set(codes)):
        if _is_stable(code):
            rows.append((code, code, vintage, 2021))
            continue
        older = [v for v in versions.get(code, ()) if v <= vintage]
        version = max(older) if older else vintage
        target = one.get((version, code)) if version < 2021 else code
        if target is None:
            rows.append((code, code, version, version))
        else:
            rows.append((code, target, version, 2021))
    out = pd.DataFrame(rows, columns=["region_orig", "region", "orig_version", "nuts_version"])
    out[["orig_version", "nuts_version"]] = out[["orig_version", "nuts_version"]].astype("int16")
    return out.set_index("region_orig")


def one_row_per_cell(df, key: list[str]):
    """Merge the rows of two original codes recoded to one NUTS 2021 code (``key`` includes ``region``).

    Eurostat files carry an old code for early years and the new one later (EL11
    2008-2012 then EL51 2013-2015; EE006 then EE009); the row with a value wins,
    then the one with a flag, then the one whose code is already the NUTS 2021 code.
    Two values for one cell raise :class:`~s3lib.errors.DataError`.
    """
    from s3lib.errors import DataError

    dup = df.duplicated(key, keep=False)
    if not dup.any():
        return df
    clash = df[dup & df["value"].notna()].duplicated(key)
    if clash.any():
        raise DataError(f"two values for one NUTS 2021 cell: {df[dup & df['value'].notna()][clash].head(3)}")
    no_flag = (df["flag"] == "").astype(int) if "flag" in df.columns else 1
    rank = (df["value"].isna().astype(int) * 4 + no_flag * 2
            + (df["region"] != df["region_orig"]).astype(int))
    out = df.assign(_rank=rank).sort_values("_rank", kind="stable").drop_duplicates(key)
    return out.drop(columns="_rank").sort_index()


def read_geometries(folder: Path, pattern: str = "NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"):
    """The GISCO NUTS 2021 1:20M regions of levels 0-3 as one GeoDataFrame (EPSG:4326)."""
    import geopandas as gpd
    import pandas as pd

    parts = []
    for level in range(4):
        gdf = gpd.read_file(folder / pattern.format(level=level))
        parts.append(gdf)
    gdf = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs).to_crs(4326)
    out = gpd.GeoDataFrame({
        "code": gdf["NUTS_ID"].astype(str),
        "name": gdf.get("NAME_LATN", gdf["NUTS_NAME"]).astype(str),
        "name_native": gdf["NUTS_NAME"].astype(str),
        "level": gdf["LEVL_CODE"].astype("int8"),
        "country": gdf["CNTR_CODE"].astype(str),
    }, geometry=gdf.geometry.values, crs="EPSG:4326")
    return out.sort_values(["level", "code"]).reset_index(drop=True)


def build_regions(geometries, versions: dict[str, tuple[int, ...]], crosswalk, names_2016=None,
                  extra_codes=()):
    """The region table: one row per code of any NUTS version (2006-2021) plus countries.

    Columns: ``code, name, name_native, level, country, nuts0, nuts1, nuts2,
    nuts_version`` (the latest version the code belongs to), ``in_2021`` and
    ``successor`` (the NUTS 2021 code of the same territory for an older code
    recoded one-to-one, else empty). Names come from GISCO NUTS 2021, then GISCO
    NUTS 2016, then (older codes) the name of the one-to-one successor; extra-regio
    codes (``..Z``) found in the data tables are passed in ``extra_codes``.
    """
    import pandas as pd

    current = geometries[["code", "name", "name_native"]].set_index("code")
    codes = set(versions) | set(current.index) | set(extra_codes)
    latest = {c: 2021 if _is_stable(c) else max(versions.get(c, (2021,))) for c in codes}
    for c in current.index:
        latest[c] = 2021
    one = crosswalk[crosswalk["one_to_one"]]
    successor: dict[str, str] = {}
    for row in one.itertuples(index=False):
        old = row.from_code != row.to_code and latest.get(row.from_code, 2021) < 2021
        if old and int(row.from_version) == latest[row.from_code]:
            successor[row.from_code] = row.to_code
    rows = []
    old = names_2016 if names_2016 is not None else pd.DataFrame(columns=["name"])
    for code in sorted(codes):
        if code in current.index:
            name, native = current.loc[code, "name"], current.loc[code, "name_native"]
        elif code in old.index:
            name = native = old.loc[code, "name"]
        elif successor.get(code) in current.index:
            name, native = current.loc[successor[code], "name"], current.loc[successor[code], "name_native"]
        elif _is_stable(code) and len(code) > 2:
            name = native = f"Extra-regio {code[:2]}"
        else:
            name = native = None
        level = level_of(code)
        rows.append({
            "code": code, "name": name, "name_native": native, "level": level,
            "country": code[:2], "nuts0": code[:2],
            "nuts1": code[:3] if level >= 1 else None, "nuts2": code[:4] if level >= 2 else None,
            "nuts_version": latest[code], "in_2021": latest[code] == 2021,
            "successor": successor.get(code),
        })
    out = pd.DataFrame(rows)
    out["level"] = out["level"].astype("int8")
    out["nuts_version"] = out["nuts_version"].astype("int16")
    return out
