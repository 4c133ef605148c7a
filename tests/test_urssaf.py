"""French private employment by commune x APE code (URSSAF, issue 21): reader, builder, snapshot, places.

The raw-file tests (marked ``shared``) read the shared extract with the csv module and their own sums, so
a bug in the builder's reshaping cannot hide itself; they skip when ../shared/data/raw is absent. The
snapshot tests run on the committed tables only.
"""
from __future__ import annotations

import csv
import io
import math
import re
import unicodedata

import pandas as pd
import pytest
from conftest import needs_raw

import s3lib.data as d
from s3lib.config import RAW_DIR
from s3lib.data import _store, build_urssaf
from s3lib.errors import DataError, UnknownChoiceError, UsageError

RAW = RAW_DIR / "urssaf-commune-ape" / "effectifs-commune-ape-rouen-area.csv"
METROPOLE = "200023414"
#: Métropole Rouen Normandie, all activities, sum of the published employee cells of the raw file.
METROPOLE_TOTALS = {2006: 163_164, 2014: 152_021, 2022: 163_452}
#: Every row of the extract (PROVENANCE-urssaf.md's checks).
ALL_ROWS_TOTALS = {2006: 180_759, 2014: 171_121, 2022: 183_731}
#: Métropole, NACE class (sum of its NAF sub-classes) -> {year: employees}, computed from the raw file.
CLASSES = {
    "C3030": {2015: 544, 2022: 415},      # aerospace: one establishment in Caudebec-lès-Elbeuf
    "K6512": {2022: 4_996},               # non-life insurance, invisible in the business statistics
    "Q8610": {2022: 3_636},               # hospitals (private employers only)
    "C2910": {2022: 3_502},               # motor vehicles
    "N7820": {2022: 5_744},               # temporary employment agencies
}


# --------------------------------------------------------------------------- the raw file, read apart
def _raw_rows() -> list[dict]:
    with open(RAW, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _ident(label: str) -> str:
    """Opendatasoft's field identifier of a label: no accents, lower case, runs of other characters -> '_'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "_", plain.lower()).strip("_")


def _api_headers(labels: list[str]) -> list[str]:
    # the one pair the rule does not give: the API names the "76005 Amfreville" field intitule_commune, the name commune
    special = {"Commune": "intitule_commune", "Nom commune": "commune"}
    return [special.get(c, _ident(c)) for c in labels]


@pytest.fixture(scope="module")
def raw_rows():
    return _raw_rows()


@pytest.mark.shared
@needs_raw
def test_metropole_totals_equal_the_raw_file(raw_rows):
    for year, expected in METROPOLE_TOTALS.items():
        raw = sum(int(r[f"Effectifs salariés {year}"]) for r in raw_rows
                  if r["Code EPCI"] == METROPOLE and r[f"Effectifs salariés {year}"] != "")
        assert raw == expected
    for year, expected in ALL_ROWS_TOTALS.items():
        assert sum(int(r[f"Effectifs salariés {year}"] or 0) for r in raw_rows) == expected


@pytest.mark.shared
@needs_raw
def test_classes_equal_the_raw_file(raw_rows):
    for nace_class, years in CLASSES.items():
        digits = nace_class[1:]
        for year, expected in years.items():
            raw = sum(int(r[f"Effectifs salariés {year}"]) for r in raw_rows
                      if r["Code EPCI"] == METROPOLE and r["Code APE"][:4] == digits
                      and r[f"Effectifs salariés {year}"] != "")
            assert raw == expected, (nace_class, year)


@pytest.mark.shared
@needs_raw
def test_every_cell_equals_the_raw_file(raw_rows):
    snap = d.urssaf_employment().set_index(["commune", "ape", "year"])
    assert len(snap) == len(raw_rows) * 17 == 9_338 * 17
    blanks = zeros = 0
    for r in raw_rows:
        for year in range(2006, 2023):
            for label, column in ((f"Effectifs salariés {year}", "employees"),
                                  (f"Nombre d'établissements {year}", "establishments")):
                value = snap.at[(r["Code commune"], r["Code APE"], year), column]
                if r[label] == "":
                    assert math.isnan(value), (r["Code commune"], r["Code APE"], year, column)
                    blanks += column == "employees"
                else:
                    assert value == int(r[label])
                    zeros += column == "employees" and value == 0
    assert (blanks, zeros) == (63_393, 3_117)  # PROVENANCE-urssaf.md


@pytest.mark.shared
@needs_raw
def test_both_header_styles_give_the_same_tables(tmp_path):
    text = RAW.read_text(encoding="utf-8-sig")
    header, body = text.split("\n", 1)
    api = ";".join(_api_headers(header.split(";"))) + "\n" + body
    assert "effectifs_salaries_2022" in api and "nombre_d_etablissements_2006" in api
    labels, style_a = build_urssaf.read_portal_csv(RAW)
    idents, style_b = build_urssaf.read_portal_csv(api.encode("utf-8"))
    assert (style_a, style_b) == ("labels", "identifiers")
    assert list(labels.columns) == list(idents.columns)
    a = build_urssaf.build_tables(labels, d.regions(), d.nace())
    b = build_urssaf.build_tables(idents, d.regions(), d.nace())
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key])


@pytest.mark.shared
@needs_raw
def test_builder_reproduces_the_committed_tables(tmp_path):
    entries = build_urssaf.build(RAW_DIR, tmp_path, d.regions(), d.nace())
    bundled = {e["file"]: e for e in _store.manifest()["files"]}
    for e in entries:
        assert e["sha256"] == bundled[e["file"]]["sha256"], e["file"]
        assert e["raw_sha256"] == "578e94b61c3d594a83e115232b7ed49212b788cb05412d53ba3d86ad63daeb1a"


# --------------------------------------------------------------------------- the bundled snapshot
def test_snapshot_metropole_totals():
    t = d.urssaf_territory("Métropole Rouen Normandie")
    rows = d.urssaf_employment(communes=t.communes)
    totals = rows.groupby("year")["employees"].sum()
    assert {y: int(totals[y]) for y in METROPOLE_TOTALS} == METROPOLE_TOTALS
    naf = d.naf().set_index("ape")["nace_class"]
    rows["nace_class"] = rows["ape"].map(naf)
    by_class = rows.groupby(["nace_class", "year"])["employees"].sum()
    for nace_class, years in CLASSES.items():
        for year, expected in years.items():
            assert by_class[(nace_class, year)] == expected


def test_snapshot_keeps_blank_cells_missing():
    rows = d.urssaf_employment()
    assert rows["employees"].isna().sum() == 63_393 and (rows["employees"] == 0).sum() == 3_117
    assert rows["employees"].dtype == "float64" and rows["establishments"].dtype == "float64"
    # a commune x code published in 2007-2008 only: blank before and after, never zero
    cell = d.urssaf_employment(communes="76005", ape="4399A").set_index("year")["employees"]
    assert cell[2007] == 1 and cell[2008] == 3 and cell.drop([2007, 2008]).isna().all()


def test_manifest_lists_the_urssaf_tables_with_provenance():
    files = {e["file"]: e for e in d.manifest()["files"]}
    for name in ("urssaf_employment.parquet", "urssaf_communes.parquet", "urssaf_territories.parquet",
                 "naf.parquet"):
        e = files[name]
        assert e["sha256"] == _store.sha256(_store.data_dir() / name)
        assert "Etalab" in e["licence"] and e["source"].startswith("urssaf-commune-ape/")
        assert e["raw_sha256"].startswith("578e94b6")
    assert files["urssaf_employment.parquet"]["years"] == [2006, 2022]


def test_naf_hierarchy_sub_class_to_section():
    naf = d.naf().set_index("ape")
    row = naf.loc["3030Z"]
    assert (row["nace_class"], row["class"], row["group"], row["division"], row["section"]) == \
        ("C3030", "30.30", "C303", "C30", "C")
    assert row["class_name"] == "Manufacture of air and spacecraft and related machinery"
    assert set(naf.loc[naf.index.str.startswith("4399"), "nace_class"]) == {"F4399"}
    assert len(naf) == 570 and naf["nace_class"].nunique() == 467
    assert set(d.naf("section")["code"]) <= set("ABCDEFGHIJKLMNOPQRSTU")


def test_geography_epci_departement_and_nuts3():
    communes = d.urssaf_communes().set_index("commune")
    assert communes.loc["76540", ["commune_name", "epci", "epci_name", "departement", "nuts3"]].tolist() == \
        ["Rouen", METROPOLE, "Métropole Rouen Normandie", "76", "FRD22"]
    territories = d.urssaf_territories()
    epci = territories[territories["kind"] == "epci"].set_index("code")
    assert len(epci) == 9 and epci.loc[METROPOLE, "complete"] == "yes" and epci.loc[METROPOLE, "communes"] == 71
    assert (epci.drop(METROPOLE)["complete"] == "no").all()
    assert territories.set_index(["kind", "code"]).loc[("nuts3", "FRD22"), "complete"] == "no"


# --------------------------------------------------------------------------- places
def test_rouen_reaches_its_metropole_with_a_note():
    t = d.urssaf_territory("Rouen")
    assert (t.kind, t.code, len(t.communes)) == ("epci", METROPOLE, 71)
    assert "commune 76540" in t.note and "Métropole Rouen Normandie" in t.note
    alone = d.urssaf_territory("rouen", kind="commune")
    assert (alone.kind, alone.code, alone.communes, alone.note) == ("commune", "76540", ("76540",), None)
    assert d.urssaf_territory(METROPOLE).code == METROPOLE and d.urssaf_territory(METROPOLE).note is None
    assert d.urssaf_territory("METROPOLE ROUEN NORMANDIE").code == METROPOLE  # case and accents ignored


def test_unknown_or_partial_territories_are_refused_in_one_line():
    with pytest.raises(UnknownChoiceError) as info:
        d.urssaf_territory("Bordeaux")
    assert "s3lib data fetch urssaf" in str(info.value) and info.value.exit_code == 2
    with pytest.raises(UsageError, match="only part of Seine-Maritime"):
        d.urssaf_territory("Seine-Maritime")
    with pytest.raises(UsageError, match="only part of"):
        d.urssaf_territory("FRD22")
    part = d.urssaf_territory("76", partial=True)
    assert part.kind == "departement" and len(part.communes) == 218 and "only part of" in part.note
    zone = d.urssaf_territory("2815")  # employment zone: completeness unknown, said in the note
    assert zone.kind == "zone_emploi" and "may not hold every commune" in zone.note
    with pytest.raises(UnknownChoiceError):
        d.urssaf_territory("Rouen", kind="canton")


# --------------------------------------------------------------------------- the reader on small files
HEADER = ("code_commune;commune;code_epci;epci;code_departement;departement;code_ape;ape;"
          "effectifs_salaries_2021;nombre_d_etablissements_2021;effectifs_salaries_2022;nombre_d_etablissements_2022")


def _tables(body: str, header: str = HEADER):
    frame, style = build_urssaf.read_portal_csv((header + "\n" + body).encode("utf-8"))
    return build_urssaf.build_tables(frame, d.regions(), d.nace()), style


def test_reader_identifier_headers_and_blank_cells():
    tables, style = _tables("33063;Bordeaux;243300316;Bordeaux Métropole;33;Gironde;3030Z;3030Z Aéro;;;12;2\n"
                            "33063;Bordeaux;243300316;Bordeaux Métropole;33;Gironde;6512Z;6512Z Assurance;0;1;5.0;1\n")
    assert style == "identifiers"
    emp = tables["employment"].set_index(["ape", "year"])["employees"]
    assert math.isnan(emp[("3030Z", 2021)]) and emp[("3030Z", 2022)] == 12 and emp[("6512Z", 2021)] == 0
    communes = tables["communes"].set_index("commune")
    assert communes.loc["33063", "nuts3"] == "FRI12"  # Gironde, matched on the NUTS 2021 names
    territories = tables["territories"]
    assert set(territories["complete"]) == {"unknown"}  # nothing says the two rows are the whole territory
    assert tables["naf"].set_index("ape").loc["6512Z", "ape_name"] == "Assurance"


def test_reader_label_headers_with_bom():
    header = ("\ufeffCode commune;Nom commune;Code EPCI;EPCI;Code département;Département;Code APE;"
              "Effectifs salariés 2022;Nombre d'établissements 2022")
    frame, style = build_urssaf.read_portal_csv((header + "\n76540;Rouen;200023414;M;76;S;6512Z;7;1\n").encode())
    assert style == "labels"
    assert list(frame.columns) == ["code_commune", "commune", "code_epci", "epci", "code_departement",
                                   "departement", "code_ape", "effectifs_salaries_2022",
                                   "nombre_d_etablissements_2022"]


@pytest.mark.parametrize("body, header, expected", [
    ("33063;B;2433;BM;33;G;3030Z;x;abc;1;1;1", HEADER, "holds 'abc'"),
    ("33063;B;2433;BM;33;G;3030Z;x;-3;1;1;1", HEADER, "negative or fractional"),
    ("33063;B;2433;BM;33;G;3030Z;x;2.5;1;1;1", HEADER, "negative or fractional"),
    ("33063;B;2433;BM;33;G;30.30;x;1;1;1;1", HEADER, "not a NAF"),
    ("33063;B;2433;BM;33;G;9999Z;x;1;1;1;1", HEADER, "not NACE Rev. 2 classes"),
    ("33063;B;2433;BM;33;G;3030Z;x;1;1;1;1\n33063;B;2433;BM;33;G;3030Z;x;1;1;1;1", HEADER, "appears twice"),
    ("1;2", "a;b", "not the URSSAF commune x APE table"),
    ("33063;B;2433;BM;33;G;3030Z", "code_commune;commune;code_epci;epci;code_departement;departement;code_ape",
     "no yearly employee field"),
])
def test_reader_refuses_bad_input_in_one_line(body, header, expected):
    with pytest.raises(DataError) as info:
        _tables(body, header)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_reader_refuses_empty_and_non_utf8():
    with pytest.raises(DataError, match="empty"):
        build_urssaf.read_portal_csv(b"\n")
    with pytest.raises(DataError, match="not UTF-8"):
        build_urssaf.read_portal_csv("code_commune;commune\nÉvreux;x\n".encode("latin-1"))
    with pytest.raises(DataError, match="not found"):
        build_urssaf.read_portal_csv(RAW_DIR / "no-such-file.csv")


def test_reader_reads_comma_separated_api_exports():
    text = HEADER.replace(";", ",") + "\n33063,B,2433,BM,33,G,3030Z,x,1,1,2,1\n"
    frame, _ = build_urssaf.read_portal_csv(io.StringIO(text).getvalue())
    assert frame.loc[0, "effectifs_salaries_2022"] == "2"
