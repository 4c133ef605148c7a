"""Parsers for Eurostat's file formats (the same code reads the raw snapshot and fresh downloads).

Eurostat's TSV bulk format has a first column such as ``nace_r2,indic_sb,geo\\time``
(dimension values separated by commas) and one column per year. A cell holds a
value and optional flags after a space: ``"244881 "``, ``"99697 b"``, ``": c"``.
``:`` means not available; flags: ``c`` confidential, ``b`` break in series,
``e`` estimated, ``p`` provisional, ``d`` definition differs, ``u`` low
reliability, ``i``/``r`` see metadata/revised (combinations such as ``cd`` occur).
"""
from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

from s3lib.errors import DataError

__all__ = ["map_values", "parse_sbs_2015_csv", "parse_tsv", "read_text", "split_cells"]


def map_values(series, mapping):
    """``series.map(mapping)`` computed once per distinct value (fast on a million repeated codes)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(series)
    mapped = pd.Series(list(uniques)).map(mapping)
    if mapped.isna().any():
        from s3lib.errors import DataError

        raise DataError(f"no mapping for {list(pd.Series(list(uniques))[mapped.isna()][:5])}")
    return pd.Series(np.asarray(mapped, dtype=object)[codes], index=series.index)


def read_text(source: Path | bytes) -> str:
    """Text of a file or byte string, gunzipped when it starts with the gzip magic number."""
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def _cell(text: str) -> tuple[float, str]:
    text = text.strip()
    number, _, flag = text.partition(" ")
    if number.isalpha():  # a flag with no value, e.g. " d" in the 2015 extract
        number, flag = ":", number
    if number == ":":
        return float("nan"), flag.replace(" ", "")
    try:
        return float(number), flag.replace(" ", "")
    except ValueError:
        raise DataError(f"unexpected cell {text!r} in a Eurostat table") from None


def split_cells(cells):
    """Split Eurostat cells into (value: float array, flag: str array); ``:`` -> NaN.

    >>> import pandas as pd
    >>> v, f = split_cells(pd.Series(["244881 ", "99697 b", ": c", ":"]))
    >>> list(f)
    ['', 'b', 'c', '']
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(cells, dtype=object).fillna(":"))
    parsed = [_cell(str(u)) for u in uniques]
    values = np.array([p[0] for p in parsed], dtype=np.float64)
    flags = np.array([p[1] for p in parsed], dtype=object)
    return values[codes], flags[codes]


def parse_tsv(source: Path | bytes, keep: dict[str, set[str]] | None = None):
    """Long DataFrame (one column per dimension, then ``year``, ``value``, ``flag``) of a Eurostat TSV.

    Parameters
    ----------
    source : Path or bytes
        The ``.tsv`` or ``.tsv.gz`` file, or its bytes (a download).
    keep : dict, optional
        Dimension name -> values to keep, applied before the cells are parsed (fast filtering).

    Examples
    --------
    >>> df = parse_tsv(b"unit,geo\\\\time\\t2019 \\t2018 \\nMIO_EUR,DE712\\t73807.3 e\\t: \\n")
    >>> df[["unit", "geo", "year", "value", "flag"]].values.tolist()[0]
    ['MIO_EUR', 'DE712', 2019, 73807.3, 'e']
    """
    import pandas as pd

    text = read_text(source)
    frame = pd.read_csv(io.StringIO(text), sep="\t", dtype=object, keep_default_na=False)
    first = frame.columns[0]
    dims = [d.split("\\")[0] for d in first.split(",")]
    if len(dims) < 2 or "\\" not in first:
        raise DataError(f"not a Eurostat TSV table: first header cell is {first!r}")
    keys = frame[first].str.split(",", expand=True)
    if keys.shape[1] != len(dims):
        raise DataError(f"Eurostat TSV rows do not match the header {first!r}")
    keys.columns = dims
    frame = pd.concat([keys, frame.drop(columns=first)], axis=1)
    for dim, values in (keep or {}).items():
        if dim not in dims:
            raise DataError(f"Eurostat TSV has no dimension {dim!r} (dimensions: {', '.join(dims)})")
        frame = frame[frame[dim].isin(values)]
    year_cols = {c: int(c.strip()) for c in frame.columns[len(dims):] if re.fullmatch(r"\s*\d{4}\s*", c)}
    long = frame.melt(id_vars=dims, value_vars=list(year_cols), var_name="year", value_name="cell")
    long["year"] = long["year"].map(year_cols).astype("int16")
    long["value"], long["flag"] = split_cells(long.pop("cell"))
    return long.reset_index(drop=True)


def parse_sbs_2015_csv(source: Path | bytes):
    """The later-vintage ``sbs_r_nuts06_r2`` V16110 2015 extract (``nace_r2;geo;n2015``).

    Values are text, some with a flag (``"0 d"``); a blank cell is not available and
    the 30 ``"12:00 AM"`` spreadsheet artefacts are treated as missing. Returns
    columns ``nace_r2, indic_sb, geo, year, value, flag``.
    """
    import pandas as pd

    frame = pd.read_csv(io.StringIO(read_text(source)), sep=";", dtype=str, keep_default_na=False)
    if list(frame.columns) != ["nace_r2", "geo", "n2015"]:
        raise DataError(f"unexpected header in the 2015 SBS extract: {list(frame.columns)}")
    cells = frame["n2015"].str.strip()
    cells = cells.mask(cells.isin(["", "12:00 AM"]), ":")
    value, flag = split_cells(cells)
    return pd.DataFrame({"nace_r2": frame["nace_r2"], "indic_sb": "V16110", "geo": frame["geo"],
                         "year": pd.Series(2015, index=frame.index, dtype="int16"),
                         "value": value, "flag": flag})
