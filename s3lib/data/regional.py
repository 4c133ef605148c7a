"""Regional accounts and demography: broad-sector employment, GDP and population by NUTS region.

- ``nama_10r_3empers`` (employment by NUTS 3 region and A*10 industry), the Data
  Commons subset: persons (Eurostat's thousands x 1000), NUTS 2016 codes recoded
  to NUTS 2021 one-to-one. The only source of industry detail at NUTS 3, and only
  for broad sectors; no French NUTS 3 rows at all; DE7 and ES21 NUTS 3 rows give
  only A, B-E, C, F, G-J, K-N, O-U and the total.
- ``nama_10r_3gdp`` (GDP at current market prices by NUTS 3 region), NUTS 2021.
- ``demo_r_pjanaggr3`` (population on 1 January by broad age group, sex and NUTS 3
  region), NUTS 2021; the snapshot keeps both sexes together (sex T).
"""
from __future__ import annotations

import io
from pathlib import Path

from s3lib.data.eurostat import map_values, parse_tsv, read_text
from s3lib.data.nuts import one_row_per_cell

__all__ = ["BROAD_SECTORS", "broad_sectors_from_tsv", "build_broad_sectors", "build_gdp", "build_population"]

#: The A*10 sectors (and aggregates) of the broad-sector table, plus the total.
BROAD_SECTORS = ("A", "B-E", "C", "F", "G-I", "G-J", "J", "K", "K-N", "L", "M-N", "O-Q", "O-U", "R-U",
                 "TOTAL")
_PREFIX = "Count_Person_Employed"


def _regional(df, recode, known: set[str]):
    """Add region/nuts_version/level/country columns for code column ``geo``; drop aggregates (EU27_2020, EA19...)."""
    df = df[df["geo"].isin(known)]
    mapping = recode(df["geo"].unique())
    return df.assign(
        region=map_values(df["geo"], mapping["region"]),
        region_orig=df["geo"],
        nuts_version=map_values(df["geo"], mapping["nuts_version"]).astype("int16"),
        level=map_values(df["geo"], lambda c: len(c) - 2).astype("int8"),
        country=map_values(df["geo"], lambda c: c[:2]),
    )


def _categorical(df, columns):
    for col in columns:
        df[col] = df[col].astype("category")
    return df.reset_index(drop=True)


def _broad_table(long, recode, known: set[str]):
    """long: geo, nace, year, value (persons) -> the tidy broad-sector table."""
    import pandas as pd

    unknown = set(long["nace"]) - set(BROAD_SECTORS)
    if unknown:
        from s3lib.errors import DataError

        raise DataError(f"unexpected sectors in the broad-sector data: {sorted(unknown)}")
    long = _regional(long, recode, known)
    out = pd.DataFrame({
        "region": long["region"], "region_orig": long["geo"], "nuts_version": long["nuts_version"],
        "level": long["level"], "country": long["country"], "nace": long["nace"],
        "year": long["year"].astype("int16"), "value": long["value"].astype("float64"),
    })
    out = one_row_per_cell(out, ["region", "nace", "year"]).sort_values(["level", "region", "nace", "year"])
    return _categorical(out, ["region", "region_orig", "country", "nace"])


def build_broad_sectors(path: Path | bytes, recode, known: set[str]):
    """Tidy broad-sector employment from the Data Commons subset (wide CSV, persons).

    Columns: region, region_orig, nuts_version, level, country, nace (one of
    :data:`BROAD_SECTORS`, ``TOTAL`` = all industries), year, value (persons; empty = NaN).
    """
    import pandas as pd

    wide = pd.read_csv(io.StringIO(read_text(path)), dtype={"GeoId": str})
    wide["geo"] = wide.pop("GeoId").str.removeprefix("dcid:nuts/")
    long = wide.melt(id_vars=["Date", "geo"], var_name="column", value_name="value")
    long["nace"] = long["column"].str.removeprefix(_PREFIX).str.removeprefix("_NACE/").replace("", "TOTAL")
    long = long.rename(columns={"Date": "year"})
    return _broad_table(long[["geo", "nace", "year", "value"]], recode, known)


def broad_sectors_from_tsv(source: Path | bytes, recode, known: set[str]):
    """The same table from Eurostat's own ``nama_10r_3empers`` TSV (thousand persons, employed persons).

    Keeps ``unit`` THS and ``wstatus`` EMP and multiplies by 1000, as the Data
    Commons import did.
    """
    long = parse_tsv(source, keep={"unit": {"THS"}, "wstatus": {"EMP"}})
    long = long[long["nace_r2"].isin(BROAD_SECTORS)].rename(columns={"nace_r2": "nace"})
    long = long.assign(value=long["value"] * 1000)
    return _broad_table(long[["geo", "nace", "year", "value"]], recode, known)


def build_gdp(path: Path | bytes, recode, known: set[str]):
    """Tidy GDP: region, region_orig, nuts_version, level, country, unit, year, value, flag (all units)."""
    long = _regional(parse_tsv(path), recode, known)
    out = long[["region", "region_orig", "nuts_version", "level", "country", "unit", "year", "value", "flag"]]
    out = one_row_per_cell(out, ["region", "unit", "year"]).sort_values(["unit", "level", "region", "year"])
    return _categorical(out.copy(), ["region", "region_orig", "country", "unit", "flag"])


def build_population(path: Path | bytes, recode, known: set[str]):
    """Tidy population on 1 January (sex T): region, region_orig, nuts_version, level, country, age, year,
    value, flag.

    ``age`` is TOTAL, Y_LT15, Y15-64, Y_GE65 or UNK; value in persons.
    """
    long = _regional(parse_tsv(path, keep={"sex": {"T"}, "unit": {"NR"}}), recode, known)
    out = long[["region", "region_orig", "nuts_version", "level", "country", "age", "year", "value", "flag"]]
    out = one_row_per_cell(out, ["region", "age", "year"]).sort_values(["age", "level", "region", "year"])
    return _categorical(out.copy(), ["region", "region_orig", "country", "age", "flag"])
