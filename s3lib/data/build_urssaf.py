"""Build the French city tables of the snapshot: URSSAF private employment by commune x APE code.

Source: the URSSAF open-data table "Établissements employeurs et effectifs salariés du secteur privé,
par commune x APE" (dataset ``etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last`` of
open.urssaf.fr; "Source : Urssaf", Licence Ouverte / Etalab 2.0). One row per commune x APE code (NAF
rév. 2 sub-class, ``3030Z``), with the number of employer establishments and of private-sector employees
for every year since 2006. The raw file (``urssaf-commune-ape/``, described in
``../shared/data/raw/PROVENANCE-urssaf.md``) is an extract for the Rouen area; ``s3lib data fetch urssaf``
reads the same table for any French territory from the portal (:mod:`s3lib.data.fetch_urssaf`).

**Two header styles.** The portal's file exports carry the field *labels* as headers ("Code APE",
"Effectifs salariés 2022"); its API (``/api/explore/v2.1/.../exports/csv``) carries the field
*identifiers* (``code_ape``, ``effectifs_salaries_2022``). :func:`read_portal_csv` reads both, with
:data:`LABELS` as the mapping. The identifiers are the portal's (Opendatasoft) normalisation of each label:
lower case, accents dropped, every other character an underscore; "Commune" (the field holding
``"76005 Amfreville-la-Mi-Voie"``) is ``intitule_commune`` and "Nom commune" is ``commune``. They were
checked against public clients of the API that name the fields (dbt models selecting all twenty
dimension fields in the labels' order, and test records such as ``{"code_commune": "94065",
"intitule_commune": "94065 Rungis", "code_ape": "6203Z", "effectifs_salaries_2022": 178}``).

**Blank cells are "no value published"**, never zero: a blank employee or establishment cell is NaN in
every table (0 occurs in the source and stays 0). Sums over communes or codes are sums of the published
cells; :mod:`s3lib.data.urssaf` counts the blanks beside each sum.

Tables written (each listed in ``manifest.json`` with its sha256):

``urssaf_employment.parquet``
    ``commune, ape, year, employees, establishments`` (float64, NaN = blank), one row per commune x
    APE code of the source x year.
``urssaf_communes.parquet``
    The geography the source gives per commune: commune, EPCI (intercommunality), employment zone
    (zone d'emploi), département, région and former région, with codes and names, plus the NUTS 2021
    NUTS3 region of the département (matched by name on ``regions.parquet``).
``urssaf_territories.parquet``
    Every territory the data reach (``kind`` commune, epci, zone_emploi, departement, nuts3), its number
    of communes in the data and whether the data hold **all** of it (``complete``: ``yes``, ``no`` or
    ``unknown``, with ``why``). An extract says nothing about the communes it left out, so completeness
    comes from the extract's provenance (:data:`EXTRACT_COVERAGE`) or from the territory a fetch asked for.
``naf.parquet``
    The NAF rév. 2 hierarchy of the codes present: sub-class (``3030Z``, the source's French label) ->
    class (``C3030``, Eurostat style, as NACE Rev. 2: NAF classes are NACE classes) -> group -> division
    -> section, with the source's NA88/NA38/NA17 sector labels and the English NACE class name.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from s3lib.atomic import write_parquet
from s3lib.data import _store
from s3lib.errors import DataError

__all__ = [
    "DATASET",
    "EXTRACT_COVERAGE",
    "LABELS",
    "LICENCE",
    "NATIONAL_FILE",
    "RAW",
    "build",
    "build_naf",
    "build_tables",
    "national_table",
    "read_portal_csv",
    "write",
    "write_national",
]

#: The raw extract, relative to the raw folder.
RAW = Path("urssaf-commune-ape") / "effectifs-commune-ape-rouen-area.csv"
#: The portal's dataset identifier.
DATASET = "etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last"
LICENCE = "Source : Urssaf (open.urssaf.fr), Licence Ouverte / Etalab 2.0"
_COMMAND = "s3lib data build"

#: Field label (file exports) -> field identifier (API exports) for the dimension fields.
LABELS = {
    "Région": "region",
    "Ancienne région": "ancienne_region",
    "Département": "departement",
    "Zone d'emploi": "zone_d_emploi",
    "EPCI": "epci",
    "Nom commune": "commune",
    "Commune": "intitule_commune",
    "Grand secteur d'activité": "grand_secteur_d_activite",
    "Secteur NA17": "secteur_na17",
    "Secteur NA38": "secteur_na38",
    "Secteur NA88": "secteur_na88",
    "APE": "ape",
    "Code région": "code_region",
    "Code ancienne région": "code_ancienne_region",
    "Code département": "code_departement",
    "Code zone d'emploi": "code_zone_d_emploi",
    "Code EPCI": "code_epci",
    "Code commune": "code_commune",
    "Code APE": "code_ape",
}
#: Yearly fields: label pattern and identifier pattern (``{year}``) -> the measure they hold.
YEARLY = {
    "establishments": ("Nombre d'établissements {year}", "nombre_d_etablissements_{year}"),
    "employees": ("Effectifs salariés {year}", "effectifs_salaries_{year}"),
}
#: Fields every reading needs (the others may be left out of an API ``select``).
REQUIRED = ("code_commune", "commune", "code_epci", "epci", "code_departement", "departement", "code_ape")

#: What the provenance of a raw file says about its completeness: sha256 -> {(kind, code): (complete, why)}.
#: A territory not listed is ``unknown``: an extract does not say which communes it left out.
EXTRACT_COVERAGE = {
    "578e94b61c3d594a83e115232b7ed49212b788cb05412d53ba3d86ad63daeb1a": {
        ("epci", "200023414"): ("yes", "all 71 communes of the EPCI (PROVENANCE-urssaf.md)"),
        **{("epci", code): ("no", "probably incomplete: only the communes the extract's model needed "
                                  "(PROVENANCE-urssaf.md)")
           for code in ("200070449", "247600646", "200069730", "200070068", "200069847", "200068534",
                        "247600620", "200066405")},
        ("departement", "76"): ("no", "218 communes of the département only (PROVENANCE-urssaf.md)"),
        ("nuts3", "FRD22"): ("no", "218 communes of the département only (PROVENANCE-urssaf.md)"),
    },
}

_GEO = [  # (kind, code field, name field) of the geography kept per commune, finest first
    ("commune", "code_commune", "commune"),
    ("epci", "code_epci", "epci"),
    ("zone_emploi", "code_zone_d_emploi", "zone_d_emploi"),
    ("departement", "code_departement", "departement"),
    ("region", "code_region", "region"),
    ("ancienne_region", "code_ancienne_region", "ancienne_region"),
]
#: Territory kinds of ``urssaf_territories.parquet``, finest first.
KINDS = ("commune", "epci", "zone_emploi", "departement", "nuts3")


# --------------------------------------------------------------------------- reading
def read_portal_csv(source, name: str = "URSSAF export") -> tuple[pd.DataFrame, str]:
    """The portal's commune x APE CSV in either header style, with field identifiers as columns.

    Parameters
    ----------
    source : path, bytes or str
        A file exported from open.urssaf.fr (label headers, ``;``-separated, UTF-8 with or without BOM) or
        an API export (identifier headers; ``;`` or ``,`` separated).
    name : what to call it in error messages.

    Returns
    -------
    (frame, style)
        ``frame``: every column as text, blank cells as ``""``, headers renamed to identifiers;
        ``style``: ``"labels"`` or ``"identifiers"``.

    Raises
    ------
    DataError
        Neither header style, a required field missing, an empty file, or a commune x code pair twice.

    Examples
    --------
    >>> text = "code_commune;commune;code_epci;epci;code_departement;departement;code_ape;effectifs_salaries_2022\\n"
    >>> frame, style = read_portal_csv((text + "76540;Rouen;200023414;Métropole;76;Seine-Maritime;6512Z;\\n").encode())
    >>> style, frame.loc[0, "effectifs_salaries_2022"]
    ('identifiers', '')
    """
    frame = _read_text_table(source, name)
    columns = [str(c).strip() for c in frame.columns]
    labels = {**LABELS, **_yearly_labels(columns)}
    if any(c in labels for c in columns) and not any(c in labels.values() for c in columns):
        style = "labels"
        frame.columns = [labels.get(c, c) for c in columns]
    else:
        style = "identifiers"
        frame.columns = columns
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(f"{name}: not the URSSAF commune x APE table (no field {', '.join(missing)}; "
                        f"found {', '.join(columns[:6])}...)")
    if not _years(frame.columns, "employees"):
        raise DataError(f"{name}: no yearly employee field (effectifs_salaries_YYYY or 'Effectifs salariés YYYY')")
    dup = frame.duplicated(["code_commune", "code_ape"])
    if dup.any():
        row = frame[dup].iloc[0]
        raise DataError(f"{name}: commune {row['code_commune']} x APE {row['code_ape']} appears twice")
    return frame, style


def _read_text_table(source, name: str) -> pd.DataFrame:
    if isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    elif isinstance(source, str) and "\n" in source:
        raw = source.encode("utf-8")
    else:
        path = Path(source)
        if not path.exists():
            raise DataError(f"raw file {path} not found; pass --raw PATH to the folder holding ../shared/data/raw "
                            "(see its PROVENANCE-urssaf.md)")
        raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{name} is not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise DataError(f"{name} is empty")
    sep = ";" if first.count(";") >= first.count(",") else ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"cannot read {name}: {' '.join(str(exc).split())[:160]}") from None


def _yearly_labels(columns) -> dict:
    out = {}
    for label, ident in YEARLY.values():
        pattern = re.compile(re.escape(label).replace(r"\{year\}", r"(\d{4})") + "$")
        for c in columns:
            m = pattern.match(c)
            if m:
                out[c] = ident.format(year=m.group(1))
    return out


def _years(columns, measure: str) -> list[int]:
    pattern = re.compile(YEARLY[measure][1].replace("{year}", r"(\d{4})") + "$")
    return sorted(int(m.group(1)) for m in map(pattern.match, columns) if m)


def _numbers(frame: pd.DataFrame, column: str, name: str) -> np.ndarray:
    """A yearly field as float64: blank -> NaN (no value published), else a non-negative whole number."""
    text = frame[column].astype(str).str.strip()
    blank = text.eq("") | text.str.lower().isin(["nan", "null", "none"])
    values = pd.to_numeric(text.mask(blank), errors="coerce")
    bad = values.isna() & ~blank
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{name}: field {column} holds {text.iloc[i]!r} (line {i + 2}), not a count")
    known = values.dropna()
    if (known < 0).any() or (known != np.round(known)).any():
        raise DataError(f"{name}: field {column} holds negative or fractional counts")
    return values.to_numpy(dtype="float64")


def national_table(source, name: str = "URSSAF national export") -> pd.DataFrame:
    """France's private employees by APE code from a portal export in either header style: the commune x APE
    table summed over every commune by the API (``group_by=code_ape``, each yearly field summed under its own
    identifier), or any export with ``code_ape`` and yearly fields.

    Returns ``ape, year, employees, establishments`` (float64; NaN = no value).

    >>> t = national_table(b"code_ape;effectifs_salaries_2022\\n3030Z;60000\\n6512Z;\\n")
    >>> t.to_dict("records")[1]
    {'ape': '6512Z', 'year': 2022, 'employees': nan, 'establishments': nan}
    """
    frame = _read_text_table(source, name)
    columns = [str(c).strip() for c in frame.columns]
    labels = {**LABELS, **_yearly_labels(columns)}
    frame.columns = [labels.get(c, c) for c in columns]
    years = _years(frame.columns, "employees")
    if "code_ape" not in frame.columns or not years:
        raise DataError(f"{name}: not URSSAF's table by APE code (needs code_ape and effectifs_salaries_YYYY; found "
                        f"{', '.join(columns[:6])})")
    frame["code_ape"] = frame["code_ape"].astype(str).str.strip()
    if frame["code_ape"].duplicated().any():
        raise DataError(f"{name}: APE code {frame.loc[frame['code_ape'].duplicated(), 'code_ape'].iloc[0]} appears twice")
    bad = frame.loc[~frame["code_ape"].str.fullmatch(r"\d{4}[A-Z]"), "code_ape"]
    if len(bad):
        raise DataError(f"{name}: APE code {bad.iloc[0]!r} is not a NAF rév. 2 sub-class (4 digits and a letter)")
    frame = frame.sort_values("code_ape").reset_index(drop=True)
    out = pd.DataFrame({"ape": np.repeat(frame["code_ape"].to_numpy(), len(years)),
                        "year": np.tile(np.array(years, dtype="int16"), len(frame))})
    for measure in ("employees", "establishments"):
        fields = [YEARLY[measure][1].format(year=y) for y in years]
        values = (np.column_stack([_numbers(frame, f, name) for f in fields]) if all(f in frame for f in fields)
                  else np.full((len(frame), len(years)), np.nan))
        out[measure] = values.reshape(-1)
    return out


# --------------------------------------------------------------------------- tables
def build_tables(frame: pd.DataFrame, regions: pd.DataFrame, nace: pd.DataFrame, coverage: dict | None = None,
                 name: str = "URSSAF export") -> dict[str, pd.DataFrame]:
    """The four tables from a frame of :func:`read_portal_csv`.

    Parameters
    ----------
    frame : the portal's table with identifier headers.
    regions : ``regions.parquet`` (NUTS 2021 names, for the NUTS3 region of each département).
    nace : ``nace.parquet`` (NACE Rev. 2 classes; NAF classes are NACE classes).
    coverage : ``{(kind, code): (complete, why)}`` for the territories whose completeness is known.

    Returns
    -------
    dict
        ``employment``, ``communes``, ``territories``, ``naf`` (the frames of the module's tables).
    """
    years = _years(frame.columns, "employees")
    for column in ("code_commune", "code_ape", "code_epci", "code_departement"):
        frame[column] = frame[column].astype(str).str.strip()
    bad = frame.loc[~frame["code_ape"].str.fullmatch(r"\d{4}[A-Z]"), "code_ape"]
    if len(bad):
        raise DataError(f"{name}: APE code {bad.iloc[0]!r} is not a NAF rév. 2 sub-class (4 digits and a letter)")
    naf = build_naf(frame, nace, name)
    order = frame.sort_values(["code_commune", "code_ape"]).index
    frame = frame.loc[order].reset_index(drop=True)
    n = len(frame)
    employment = pd.DataFrame({
        "commune": pd.Categorical(np.repeat(frame["code_commune"].to_numpy(), len(years))),
        "ape": pd.Categorical(np.repeat(frame["code_ape"].to_numpy(), len(years))),
        "year": np.tile(np.array(years, dtype="int16"), n),
    })
    for measure in ("employees", "establishments"):
        fields = [YEARLY[measure][1].format(year=y) for y in years]
        if all(f in frame.columns for f in fields):
            values = np.column_stack([_numbers(frame, f, name) for f in fields])
        else:  # an API select without this measure: nothing published, not zero
            values = np.full((n, len(years)), np.nan)
        employment[measure] = values.reshape(-1)
    communes = _communes(frame, regions)
    return {"employment": employment, "communes": communes,
            "territories": _territories(communes, coverage or {}), "naf": naf}


def build_naf(frame: pd.DataFrame, nace: pd.DataFrame, name: str = "URSSAF export") -> pd.DataFrame:
    """The NAF rév. 2 hierarchy of the APE codes of ``frame``: sub-class -> class -> group -> division -> section.

    ``ape`` (``3030Z``), ``ape_name`` (the source's French label, without the code), ``nace_class``
    (``C3030``), ``class`` (``30.30``), ``group`` (``C303``), ``division`` (``C30``), ``section`` (``C``),
    ``class_name`` (English NACE Rev. 2), ``division_name`` (the source's NA88 label), ``na38``, ``na17``,
    ``grand_secteur`` (the source's sector labels, empty when the export left them out).
    """
    classes = nace[nace["level"] == "class"].set_index("plain")
    codes = frame.drop_duplicates("code_ape").sort_values("code_ape")
    plain = codes["code_ape"].str[:2] + "." + codes["code_ape"].str[2:4]
    unknown = sorted(set(plain) - set(classes.index))
    if unknown:
        raise DataError(f"{name}: NAF classes {', '.join(unknown[:5])} are not NACE Rev. 2 classes")

    def label(column: str, code_width: int) -> pd.Series:
        if column not in codes:
            return pd.Series("", index=codes.index)
        text = codes[column].astype(str)
        return text.str[code_width:].str.strip().where(text.str.len() > code_width, "")

    nace_class = classes.loc[plain, "code"].to_numpy()
    out = pd.DataFrame({
        "ape": codes["code_ape"].to_numpy(),
        "ape_name": label("ape", 5).to_numpy(),
        "nace_class": nace_class,
        "class": plain.to_numpy(),
        "group": [c[:4] for c in nace_class],
        "division": [c[:3] for c in nace_class],
        "section": [c[0] for c in nace_class],
        "class_name": classes.loc[plain, "name"].to_numpy(),
        "division_name": label("secteur_na88", 2).to_numpy(),
        "na38": codes.get("secteur_na38", pd.Series("", index=codes.index)).astype(str).to_numpy(),
        "na17": codes.get("secteur_na17", pd.Series("", index=codes.index)).astype(str).to_numpy(),
        "grand_secteur": codes.get("grand_secteur_d_activite", pd.Series("", index=codes.index)).astype(str)
        .to_numpy(),
    })
    return out.reset_index(drop=True)


def _communes(frame: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    from s3lib.data.registry import normalise

    columns = {}
    for kind, code, label in _GEO:
        key = "commune" if kind == "commune" else kind
        columns[key] = frame[code].astype(str).str.strip() if code in frame else ""
        columns[f"{key}_name"] = frame[label].astype(str).str.strip() if label in frame else ""
    out = pd.DataFrame(columns).drop_duplicates("commune").sort_values("commune").reset_index(drop=True)
    several = frame.groupby("code_commune")["code_epci"].nunique()
    if (several > 1).any():
        raise DataError(f"commune {several[several > 1].index[0]} lies in several EPCI in the data")
    fr3 = regions[(regions["level"] == 3) & (regions["country"] == "FR")]
    by_name = {normalise(n): (c, n) for c, n in zip(fr3["code"], fr3["name"])}
    hits = out["departement_name"].map(lambda n: by_name.get(normalise(n), ("", "")))
    out["nuts3"] = [h[0] for h in hits]
    out["nuts3_name"] = [h[1] for h in hits]
    return out


def _territories(communes: pd.DataFrame, coverage: dict) -> pd.DataFrame:
    rows = []
    for kind in KINDS:
        names = communes.groupby(kind)[f"{kind}_name"].first()
        counts = communes.groupby(kind)["commune"].nunique()
        for code, n in counts.items():
            if not code:
                continue
            complete, why = coverage.get((kind, code), ("unknown", "the data do not say whether they hold every "
                                                                    "commune of this territory"))
            rows.append((kind, code, names[code], int(n), complete, why))
    out = pd.DataFrame(rows, columns=["kind", "code", "name", "communes", "complete", "why"])
    # a commune inside a complete EPCI is complete: the EPCI's rows are its communes' rows
    complete_epci = set(out.loc[(out["kind"] == "epci") & (out["complete"] == "yes"), "code"])
    inside = set(communes.loc[communes["epci"].isin(complete_epci), "commune"])
    mask = (out["kind"] == "commune") & out["code"].isin(inside) & (out["complete"] == "unknown")
    out.loc[mask, ["complete", "why"]] = ["yes", "every APE row of the commune (its EPCI is complete)"]
    return out


# --------------------------------------------------------------------------- the build
#: Snapshot file -> (table key, description).
FILES = {
    "urssaf_employment.parquet": ("employment", "URSSAF private-sector employees and employer establishments by "
                                                "commune x APE code (NAF rév. 2 sub-class) x year; NaN = blank"),
    "urssaf_communes.parquet": ("communes", "URSSAF communes with their EPCI, employment zone, département, "
                                            "région and NUTS 2021 NUTS3 region"),
    "urssaf_territories.parquet": ("territories", "territories the URSSAF data reach (commune, EPCI, employment "
                                                  "zone, département, NUTS3) and whether the data hold all of each"),
    "naf.parquet": ("naf", "NAF rév. 2 hierarchy of the URSSAF APE codes: sub-class -> NACE class, group, "
                           "division, section"),
}


def write(tables: dict, out_dir: Path, *, vintage: str, source: str, command: str = _COMMAND,
          extra: dict | None = None) -> list[dict]:
    """Write the tables of :func:`build_tables` into ``out_dir``; return their manifest entries."""
    entries = []
    for file, (key, description) in FILES.items():
        table = tables[key].reset_index(drop=True)
        write_parquet(table, out_dir / file)
        more = {"years": [int(table["year"].min()), int(table["year"].max())]} if "year" in table else {}
        entries.append(_store.entry(out_dir, file, len(table), dataset=f"URSSAF open data: {DATASET}",
                                    vintage=vintage, source=source, licence=LICENCE, command=command,
                                    description=description, columns=[str(c) for c in table.columns],
                                    **more, **(extra or {})))
    return entries


#: The national reference table (a fetched snapshot only).
NATIONAL_FILE = "urssaf_france.parquet"


def write_national(table: pd.DataFrame, out_dir: Path, *, vintage: str, source: str, command: str) -> dict:
    """Write :func:`national_table`'s table as ``urssaf_france.parquet``; return its manifest entry."""
    write_parquet(table.reset_index(drop=True), Path(out_dir) / NATIONAL_FILE)
    return _store.entry(Path(out_dir), NATIONAL_FILE, len(table), dataset=f"URSSAF open data: {DATASET} (France)",
                        vintage=vintage, source=source, licence=LICENCE, command=command,
                        description="France's private-sector employees and employer establishments by APE code x year "
                                    "(the commune x APE table summed over every commune by the portal)",
                        columns=[str(c) for c in table.columns],
                        years=[int(table["year"].min()), int(table["year"].max())])


def build(raw_dir: Path, out_dir: Path, regions: pd.DataFrame, nace: pd.DataFrame) -> list[dict]:
    """Read the raw extract and write the URSSAF tables into ``out_dir``; return their manifest entries.

    ``s3lib data build`` calls it with the snapshot's regions and NACE tables (``tests/test_urssaf.py`` runs it)::

        entries = build(RAW_DIR, out, d.regions(), d.nace())
        [e["file"] for e in entries]
        # ['urssaf_employment.parquet', 'urssaf_communes.parquet', 'urssaf_territories.parquet', 'naf.parquet']
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    path = raw_dir / RAW
    frame, style = read_portal_csv(path, RAW.as_posix())
    digest = _store.sha256(path)
    tables = build_tables(frame, regions, nace, EXTRACT_COVERAGE.get(digest, {}), RAW.as_posix())
    out_dir.mkdir(parents=True, exist_ok=True)
    years = tables["employment"]["year"]
    vintage = (f"extract of the portal's table ({style} headers), years {int(years.min())}-{int(years.max())}; "
               f"raw sha256 {digest}")
    return write(tables, out_dir, vintage=vintage, source=RAW.as_posix(),
                 extra={"raw_sha256": digest, "coverage": "Rouen area extract (see PROVENANCE-urssaf.md)"})
