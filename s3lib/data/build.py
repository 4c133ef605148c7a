"""Build the data snapshot in ``data/`` from the raw public files (``s3lib data build``).

The raw files (``../shared/data/raw``, described in its PROVENANCE files) are never
copied into the project: this module parses them and writes compact, typed
Parquet / GeoParquet tables plus ``manifest.json`` (sha256, rows, source dataset,
vintage, licence line and the command that rebuilt each file). Every table is
written to a temporary file first and moved into place only when all tables were
built, so a failed build leaves the previous snapshot untouched.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from s3lib import config
from s3lib.data import _store
from s3lib.errors import DataError

__all__ = [
    "LICENCE_EUROSTAT",
    "LICENCE_GISCO",
    "RAW_FILES",
    "Reference",
    "TableOut",
    "build",
    "write_snapshot",
]

#: Raw inputs, relative to the raw folder.
RAW_FILES = {
    "sbs": "eurostat_sbs/sbs_r_nuts06_r2_2008-2015_vintage2017.tsv.gz",
    "sbs_2015": "eurostat_sbs/sbs_r_nuts06_r2_V16110_2015_vintage-ericmarcon.csv.gz",
    "empers": "eurostat_nama/nama_10r_3empers_subset_datacommons.csv",
    "gdp": "eurostat_nama/nama_10r_3gdp_2000-2020_vintage2022.tsv.gz",
    "population": "eurostat_demo/demo_r_pjanaggr3_1990-2021_vintage2022.tsv.gz",
    "crosswalk": "cran-nuts/cross_walks.csv.gz",
    "codes": "cran-nuts/all_nuts_codes.csv.gz",
    "nace": "eurostat-correspondenceTables/Nace2_long.csv",
    "geometries": "gisco-nuts2021-20m-mortalityviz",
    "names_2016": "gisco-nuts2016-20m-istat2020",
}
LICENCE_EUROSTAT = "Source: Eurostat (reuse authorised, CC BY 4.0 / Commission Decision 2011/833/EU)"
LICENCE_GISCO = "Source: Eurostat GISCO; (c) EuroGeographics for the administrative boundaries"
LICENCE_JRC = "Source: JRC NUTS converter via the R package nuts (MIT); NUTS codes (c) Eurostat"
CURATED = {
    "places.csv": ("s3lib case places (hand-written from ../shared/docs/data.md)", "../shared/docs/data.md"),
    "ris3_priorities.csv": ("RIS3 priorities (curated; NACE mappings are our own)",
                            "../shared/ris3-priorities-facts.md"),
    "city_segmentations.csv": ("cluster segmentations the case cities declare (curated; NACE mappings are our own)",
                               "../shared/ris3-priorities-facts.md; ../shared/case-facts-workshop-2016.md"),
    "emerging_industries.csv": (("emerging urban industries as NACE lists: KIS, OECD ICT, KIBS, creative, "
                                 "digital (curated; own mappings marked)"),
                                "Eurostat htec annex 3; OECD 2007 ICT sector; see data/emerging_industries.README.md"),
    "caveats.csv": ("place-specific caveats kept out of the code (curated, each row sourced)",
                    "../shared/ris3-priorities-facts.md; ../shared/case-facts-workshop-2016.md"),
    "cluster_roles.csv": ("clusters that follow deposits, coasts or a crop: never a development target (curated)",
                          "Porter (2003); see data/cluster_roles.README.md"),
    "benchmarks.csv": ("external figures shown beside measured values (INSEE aerospace filière around Bordeaux, ...)",
                       "../shared/case-facts-workshop-2016.md; see data/benchmarks.README.md"),
    "validity_markers.csv": (("marker activities of the complexity validity gate: knowledge-intensive "
                              "manufacturing against routine services (curated)"),
                             "Eurostat technology-intensity and KIS aggregations; see data/validity_markers.README.md"),
}


@dataclass
class TableOut:
    """One table to write: its frame, file name and manifest metadata."""

    name: str
    frame: object
    dataset: str
    vintage: str
    source: str
    licence: str
    description: str
    geo: bool = False
    extra: dict = field(default_factory=dict)


@dataclass
class Reference:
    """Classifications the data tables are recoded and labelled with."""

    crosswalk: object
    versions: dict
    known: set

    def recoder(self, vintage: int):
        from s3lib.data.nuts import recode_table

        return lambda codes: recode_table(codes, self.crosswalk, self.versions, vintage)


def _need(raw: Path, key: str) -> Path:
    path = raw / RAW_FILES[key]
    if not path.exists():
        raise DataError(f"raw file {path} not found; pass --raw PATH to the folder holding "
                        f"../shared/data/raw (see its PROVENANCE files)")
    return path


def _summary(frame) -> dict:
    out = {}
    if "year" in frame:
        out["years"] = [int(frame["year"].min()), int(frame["year"].max())]
    if "level" in frame and frame["level"].dtype.kind in "iu":
        out["levels"] = sorted(int(v) for v in frame["level"].unique())
    return out


def write_snapshot(tables: list[TableOut], out: Path, command: str, raw_label: str,
                   extra_entries: list[dict] = ()) -> dict:
    """Write ``tables`` atomically into ``out`` and the manifest; return the manifest."""
    from s3lib.atomic import atomic_writes

    out.mkdir(parents=True, exist_ok=True)
    entries = []
    with atomic_writes([out / t.name for t in tables]) as temps:  # all tables replaced together, or none
        for t, tmp in zip(tables, temps):
            t.frame.to_parquet(tmp, compression="zstd", index=False)  # GeoParquet for a GeoDataFrame
            entries.append(_store.entry(
                out, t.name, len(t.frame), path=tmp, dataset=t.dataset, vintage=t.vintage, source=t.source,
                licence=t.licence, kind="geotable" if t.geo else "table", description=t.description,
                command=command, columns=[str(c) for c in t.frame.columns], **_summary(t.frame), **t.extra))
    entries += list(extra_entries)
    for name, (description, source) in CURATED.items():
        if (out / name).exists() and name not in {e["file"] for e in entries}:
            import pandas as pd

            rows = len(pd.read_csv(out / name))
            entries.append(_store.entry(out, name, rows, dataset="curated", vintage="hand-written",
                                        source=source, licence="see source", kind="curated",
                                        description=description))
    payload = {
        "snapshot": "s3lib data snapshot",
        "built_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "command": command,
        "raw": raw_label,
        "licence": [LICENCE_EUROSTAT, LICENCE_GISCO],
        "files": sorted(entries, key=lambda e: e["file"]),
    }
    _store.write_manifest(out, payload)
    return payload


def _label(path: Path) -> str:
    try:
        return os.path.relpath(path, config.PROJECT_ROOT)
    except ValueError:
        return str(path)


def build(raw: Path | None = None, out: Path | None = None, command: str = "s3lib data build") -> dict:
    """Rebuild every table of the snapshot from the raw files; return the manifest.

    Parameters
    ----------
    raw : folder of the raw public files (default :data:`s3lib.config.RAW_DIR`).
    out : the snapshot folder (default :data:`s3lib.config.DATA_DIR`).
    command : the command line recorded in the manifest.
    """

    from s3lib.data import classification, nuts, regional, sbs

    raw = Path(raw or config.RAW_DIR)
    out = Path(out or _store.data_dir())
    if not raw.is_dir():
        raise DataError(f"raw data folder {raw} not found (only CI and developers have ../shared); "
                        "the committed snapshot in data/ works without it")
    geometries = nuts.read_geometries(_need(raw, "geometries"))
    names_2016 = nuts.read_geometries(_need(raw, "names_2016"), "NUTS_RG_20M_2016_4326_LEVL_{level}.geojson")
    names_2016 = names_2016.set_index("code")[["name_native"]].rename(columns={"name_native": "name"})
    crosswalk = nuts.read_crosswalk(_need(raw, "crosswalk"))
    versions = nuts.read_code_versions(_need(raw, "codes"))

    employment = sbs.build_employment(_need(raw, "sbs"), _need(raw, "sbs_2015"),
                                      lambda c: nuts.recode_table(c, crosswalk, versions, 2013),
                                      RAW_FILES["sbs"].split("/")[-1], RAW_FILES["sbs_2015"].split("/")[-1])
    regions = nuts.build_regions(geometries, versions, crosswalk, names_2016,
                                 extra_codes=set(employment["region_orig"].cat.categories))
    ref = Reference(crosswalk, versions, set(regions["code"]))
    broad = regional.build_broad_sectors(_need(raw, "empers"), ref.recoder(2016), ref.known)
    gdp = regional.build_gdp(_need(raw, "gdp"), ref.recoder(2021), ref.known)
    population = regional.build_population(_need(raw, "population"), ref.recoder(2021), ref.known)
    nace = classification.build_nace(_need(raw, "nace"))
    regions["versions"] = regions["code"].map(lambda c: ",".join(map(str, versions.get(c, ()))))
    _copy_curated(out)
    _check_places(out, regions)

    tables = [
        TableOut("employment.parquet", employment, "sbs_r_nuts06_r2", "2017 bulk file (2008-2015, NUTS 2013); "
                 "2015 persons employed filled from a later extraction", f"{RAW_FILES['sbs']}; "
                 f"{RAW_FILES['sbs_2015']}", LICENCE_EUROSTAT,
                 "persons employed, local units, wages by NUTS 0/1/2 region x NACE section/division/group x year"),
        TableOut("broad_sectors.parquet", broad, "nama_10r_3empers", "Data Commons subset (NUTS 2016)",
                 RAW_FILES["empers"], LICENCE_EUROSTAT, "employment (persons) by NUTS 0-3 region x A*10 sector x year"),
        TableOut("gdp.parquet", gdp, "nama_10r_3gdp", "2022 bulk file (2000-2020, NUTS 2021)", RAW_FILES["gdp"],
                 LICENCE_EUROSTAT, "GDP at current market prices by NUTS 0-3 region, all units of the file"),
        TableOut("population.parquet", population, "demo_r_pjanaggr3", "2022 bulk file (1990-2021, NUTS 2021)",
                 RAW_FILES["population"], LICENCE_EUROSTAT, "population on 1 January (sex T) by NUTS 0-3 region x age group"),
        TableOut("regions.parquet", regions, "NUTS (GISCO 2021/2016 names, JRC all_nuts_codes)", "2006-2021",
                 f"{RAW_FILES['codes']}; {RAW_FILES['geometries']}", f"{LICENCE_GISCO}; {LICENCE_JRC}",
                 "every NUTS code 2006-2021 with name, level, parents, latest version and NUTS 2021 successor"),
        TableOut("geometries.parquet", geometries, "NUTS_RG_20M_2021_4326", "GISCO NUTS 2021, 1:20M",
                 RAW_FILES["geometries"], LICENCE_GISCO, "NUTS 2021 region polygons, levels 0-3, EPSG:4326", geo=True),
        TableOut("nace.parquet", nace, "NACE Rev. 2", "Eurostat correspondenceTables Nace2_long.csv", RAW_FILES["nace"],
                 "Source: Eurostat (NACE Rev. 2 classification)", "NACE Rev. 2 sections, divisions, groups, classes"),
        TableOut("nuts_crosswalk.parquet", crosswalk, "JRC NUTS converter (cross_walks)", "NUTS 2006/2010/2013/2016 -> 2021",
                 RAW_FILES["crosswalk"], LICENCE_JRC, "flows from older NUTS codes to NUTS 2021; one_to_one = recoded"),
    ]
    extra = _uscmp_entries(raw, out) + _ba_entries(raw, out) + _urssaf_entries(raw, out, regions, nace)
    extra += _gazetteer_entries(out, geometries, command)
    return write_snapshot(tables, out, command, _label(raw), extra)


def _uscmp_entries(raw: Path, out: Path) -> list[dict]:
    """Manifest entries of the US Cluster Mapping tables, when that builder is part of the package."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("s3lib.data.build_uscmp") is None:
        return []
    return list(importlib.import_module("s3lib.data.build_uscmp").build(raw, out))


def _ba_entries(raw: Path, out: Path) -> list[dict]:
    """Manifest entries of the German occupation tables (BA, KldB 2010)."""
    from s3lib.data import build_ba

    return list(build_ba.build(raw, out))


def _urssaf_entries(raw: Path, out: Path, regions, nace) -> list[dict]:
    """Manifest entries of the French city tables (URSSAF private employment by commune x APE code)."""
    from s3lib.data import build_urssaf

    return list(build_urssaf.build(raw, out, regions, nace))


def _gazetteer_entries(out: Path, geometries, command: str) -> list[dict]:
    """Manifest entry of the city gazetteer ``cities.parquet`` (GeoNames cities -> NUTS 3)."""
    from s3lib.data import gazetteer

    return gazetteer.build(out, geometries, command)


def _copy_curated(out: Path) -> None:
    """A snapshot built elsewhere (``--out``) gets the hand-written files of the bundled one."""
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    for name in CURATED:
        source = config.DATA_DIR / name
        if not (out / name).exists() and source.exists():
            shutil.copyfile(source, out / name)


def _check_places(out: Path, regions) -> None:
    import pandas as pd

    path = out / "places.csv"
    if not path.exists():
        return
    places = pd.read_csv(path, dtype=str, keep_default_na=False)
    current = set(regions.loc[regions["in_2021"], "code"])
    for col in ("nuts3", "nuts2", "nuts1", "ris3_owner"):
        bad = sorted(set(places[col]) - current - {""})
        if bad:
            raise DataError(f"places.csv column {col} has codes that are not NUTS 2021: {bad}")
