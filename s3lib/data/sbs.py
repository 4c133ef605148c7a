"""Employment by region and industry from Eurostat's structural business statistics.

Dataset ``sbs_r_nuts06_r2`` (SBS data by NUTS 2 regions and NACE Rev. 2, from 2008):
NUTS 0/1/2, NACE Rev. 2 sections B-N (no K) and division S95, 68 divisions and the
trade groups G451-G479, indicators V16110 persons employed, V11210 local units and
V13320 wages and salaries (EUR million). Not covered by the statistics: A
(agriculture), K (finance and insurance), O-U (public and personal services
except S95). Confidential cells carry flag ``c`` and no value: missing is not zero.
"""
from __future__ import annotations

from pathlib import Path

from s3lib.data.eurostat import map_values, parse_sbs_2015_csv, parse_tsv
from s3lib.data.nuts import one_row_per_cell

__all__ = ["INDICATORS", "NACE_LEVELS", "build_employment", "nace_level_of"]

#: Public indicator names -> Eurostat ``indic_sb`` codes.
INDICATORS = {"persons": "V16110", "local_units": "V11210", "wages": "V13320"}
#: NACE levels in the business statistics, by code length (Eurostat style codes).
NACE_LEVELS = {1: "section", 3: "division", 4: "group"}


def nace_level_of(code: str) -> str:
    """``"C"`` -> section, ``"C10"`` -> division, ``"G451"`` -> group."""
    return NACE_LEVELS[len(code)]


def build_employment(main: Path | bytes, later_2015: Path | bytes | None, recode,
                     main_name: str, later_name: str | None):
    """The tidy employment table from the two SBS files.

    Parameters
    ----------
    main : the vintage-2017 bulk TSV (all indicators, 2008-2015).
    later_2015 : the later V16110 2015 extract; it fills 2015 persons employed where
        ``main`` has no value (FR, IT, RO ...). Rows it adds are marked with its name in ``source``.
    recode : callable(codes) -> DataFrame indexed by original code with ``region``,
        ``nuts_version`` (see :func:`s3lib.data.nuts.recode_table`).
    main_name, later_name : file names recorded per row in ``source``.

    Rows with no value and no flag (``:`` alone, or a blank/``12:00 AM`` cell in the
    2015 extract) are kept, so a missing cell is visible as NaN, not absent.
    Where two original codes map to one NUTS 2021 code (the file carries e.g. EL11
    for 2008-2012 and EL51 for 2013-2015, both Anatoliki Makedonia, Thraki), the
    row with a value wins; two values for one cell would be an error.
    """
    import pandas as pd

    codes = {v: k for k, v in INDICATORS.items()}
    df = parse_tsv(main, keep={"indic_sb": set(codes)})
    df["source"] = main_name
    if later_2015 is not None:
        late = parse_sbs_2015_csv(later_2015)
        late["source"] = later_name
        key = ["nace_r2", "indic_sb", "geo", "year"]
        base = df.set_index(key)
        late = late.set_index(key)
        have = base.index[base["value"].notna()]
        fill = late[late["value"].notna() & ~late.index.isin(have)]
        new = late[~late.index.isin(base.index)]  # codes absent from the main file (IS)
        base = base.drop(index=fill.index.intersection(base.index))
        df = pd.concat([base, fill, new[~new.index.isin(fill.index)]]).reset_index()
    mapping = recode(df["geo"].unique())
    geo = df["geo"]
    out = pd.DataFrame({
        "region": map_values(geo, mapping["region"]),
        "region_orig": geo,
        "nuts_version": map_values(geo, mapping["nuts_version"]).astype("int16"),
        "level": map_values(geo, lambda c: len(c) - 2).astype("int8"),
        "country": map_values(geo, lambda c: c[:2]),
        "nace": df["nace_r2"],
        "nace_level": map_values(df["nace_r2"], nace_level_of),
        "year": df["year"].astype("int16"),
        "indicator": map_values(df["indic_sb"], codes),
        "value": df["value"].astype("float64"),
        "flag": df["flag"].astype(str),
        "source": df["source"],
    })
    out = one_row_per_cell(out, ["region", "nace", "year", "indicator"])
    out = out.sort_values(["indicator", "year", "level", "region", "nace"], kind="stable")
    for col in ("region", "region_orig", "country", "nace", "nace_level", "indicator", "flag", "source"):
        out[col] = out[col].astype("category")
    return out.reset_index(drop=True)
