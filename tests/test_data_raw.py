"""Every non-missing cell of the snapshot equals the raw public file it came from.

The raw files are re-read here with a deliberately minimal parser (no s3lib code),
so a bug in the builder's parser cannot hide itself.
"""
from __future__ import annotations

import csv
import gzip
import io
import math

import pytest
from conftest import needs_raw

import s3lib.data as d
from s3lib.config import RAW_DIR

pytestmark = needs_raw

SBS = "eurostat_sbs/sbs_r_nuts06_r2_2008-2015_vintage2017.tsv.gz"
SBS_2015 = "eurostat_sbs/sbs_r_nuts06_r2_V16110_2015_vintage-ericmarcon.csv.gz"
INDICATORS = {"V16110": "persons", "V11210": "local_units", "V13320": "wages"}


def _number(cell: str):
    """'244881 ' -> 244881.0, '99697 b' -> 99697.0, ': c' -> None."""
    head = cell.strip().split(" ")[0]
    try:
        return float(head)
    except ValueError:
        return None


def _rows(df, *columns):
    return zip(*(df[c].tolist() for c in columns))


def _tsv(relpath: str, n_dims: int):
    """{(dim values..., year): number} of every non-missing cell of a Eurostat TSV."""
    out = {}
    with gzip.open(RAW_DIR / relpath, "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        years = [int(h) for h in header[1:]]
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            keys = tuple(parts[0].split(","))
            assert len(keys) == n_dims
            for year, cell in zip(years, parts[1:]):
                value = _number(cell)
                if value is not None:
                    out[keys + (year,)] = value
    return out


@pytest.fixture(scope="module")
def raw_sbs():
    return _tsv(SBS, 3)


@pytest.fixture(scope="module")
def raw_sbs_2015():
    out = {}
    with gzip.open(RAW_DIR / SBS_2015, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            value = _number(row["n2015"]) if row["n2015"].strip() != "12:00 AM" else None
            if value is not None:
                out[(row["nace_r2"], "V16110", row["geo"], 2015)] = value
    return out


def test_every_employment_cell_equals_its_raw_file(raw_sbs, raw_sbs_2015):
    import pandas as pd

    emp = pd.concat([d.employment(level=None, year=None, nace_level=None, indicator=name)
                     for name in INDICATORS.values()])
    code = {v: k for k, v in INDICATORS.items()}
    checked = 0
    for nace, indicator, region, year, value, source in _rows(
            emp[emp["value"].notna()], "nace", "indicator", "region_orig", "year", "value", "source"):
        key = (nace, code[indicator], region, int(year))
        raw = raw_sbs_2015 if "V16110_2015" in source else raw_sbs
        assert raw.get(key) == value, (key, source)
        checked += 1
    # nothing was lost: each raw value is in the snapshot (two old codes of one 2021 region never overlap)
    raw_main = {k for k in raw_sbs if k[1] in INDICATORS}
    assert checked == len(raw_main | set(raw_sbs_2015))
    assert checked > 800_000


def test_missing_cells_stay_missing(raw_sbs):
    e = d.employment(level=2, year=2014, nace_level=None)
    missing = e[e["value"].isna()]
    assert len(missing) > 1000
    assert all((nace, "V16110", region, 2014) not in raw_sbs for nace, region in _rows(missing, "nace", "region_orig"))


def test_gdp_and_population_cells_equal_the_raw_files():
    gdp_raw = _tsv("eurostat_nama/nama_10r_3gdp_2000-2020_vintage2022.tsv.gz", 2)
    gdp = d.gdp(unit=None)
    for unit, region, year, value in _rows(gdp[gdp["value"].notna()], "unit", "region_orig", "year", "value"):
        assert gdp_raw[(unit, region, int(year))] == value
    pop_raw = _tsv("eurostat_demo/demo_r_pjanaggr3_1990-2021_vintage2022.tsv.gz", 4)
    pop = d.population(age=None)
    for age, region, year, value in _rows(pop[pop["value"].notna()], "age", "region_orig", "year", "value"):
        assert pop_raw[("NR", "T", age, region, int(year))] == value


def test_broad_sector_cells_equal_the_raw_file():
    raw = {}
    with open(RAW_DIR / "eurostat_nama/nama_10r_3empers_subset_datacommons.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            geo = row.pop("GeoId").split("/")[-1]
            year = int(row.pop("Date"))
            for column, cell in row.items():
                sector = column.split("/")[-1] if "/" in column else "TOTAL"
                if cell:
                    raw[(geo, sector, year)] = float(cell)
    b = d.broad_sectors()
    present = b[b["value"].notna()]
    for region, nace, year, value in _rows(present, "region_orig", "nace", "year", "value"):
        assert raw[(region, nace, int(year))] == value
    assert len(present) == len(raw)
    assert not any(math.isnan(v) for v in raw.values())


def test_recoded_regions_follow_the_crosswalk():
    import pandas as pd

    with gzip.open(RAW_DIR / "cran-nuts/cross_walks.csv.gz") as fh:
        cw = pd.read_csv(io.BytesIO(fh.read()))
    sub = cw[(cw.from_version == 2013) & (cw.to_version == 2021)]
    emp = d.employment(level=None, year=2014, nace="C")
    recoded = emp[emp["region"] != emp["region_orig"]]
    assert ("FRI1", "FR61") in set(zip(recoded["region"], recoded["region_orig"]))
    for region, orig in _rows(recoded, "region", "region_orig"):
        targets = sub[sub.from_code == orig]["to_code"].tolist()
        sources = sub[sub.to_code == region]["from_code"].tolist()
        assert targets == [region] and sources == [orig]
