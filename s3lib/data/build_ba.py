"""Build the German occupation tables of the snapshot (Bundesagentur für Arbeit, KldB 2010).

Sources (raw files under ``RAW_DIR``, never copied into the project; see
``../shared/data/raw/PROVENANCE-city.md``):

- ``ba-employees-kldb/employees_by_workplace.rda``: employees at the place of work on 30 June,
  2013-2025, by district (Kreis, 5-digit AGS key, territory of July 2026) x occupational group
  (KldB 2010, 3 digits; NA = no occupation given) x type ("social insurance", "marginal
  part-time") x group ("total", "women", "foreigners"). Statistik der Bundesagentur für Arbeit,
  special delivery Auftragsnummer 408036, via the R package badata 0.2.0 (MIT).
- ``ba-employees-kldb/occupational_group_codes.rda`` and ``region_codes.rda``: the German
  labels of the occupational groups and of the districts.
- ``gisco-nuts2021-20m-mortalityviz/NUTS_RG_20M_2021_4326_LEVL_3.geojson``: the NUTS 2021 names
  of the German NUTS 3 regions (the same GISCO names as ``regions.parquet``).

Three tables:

``ags_nuts.parquet``
    District key (AGS) -> NUTS 2021 NUTS 3 code. A district matches the NUTS 3 region of the
    same Land whose name is the same once the type suffix ("Stadt", "Kreisfreie Stadt",
    "Landkreis", ...) is split off and case, spaces and punctuation are ignored; a city
    ("..., Stadt") matches a city and a district a district, and a NUTS name without a suffix
    ("Leipzig", "Berlin") takes either when no region of that name states the kind
    ("Leipzig, Kreisfreie Stadt" is the city, so the district Leipzig is DED52). Everything else is one of
    :data:`EXCEPTIONS`, each with its reason. The build fails when a district matches no or
    several regions, or a NUTS 2021 region is left without a district (other than
    :data:`ABSORBED`).
``occupations.parquet``
    Employees subject to social insurance (type "social insurance" only; marginal part-time
    employment is left out) by NUTS 2021 region x occupational group x year: ``employees``
    (all), ``women`` and ``foreigners``. Districts are added up to their NUTS 2021 region
    (Hanau + Main-Kinzig-Kreis -> DE719). Occupation ``"unknown"`` holds the raw NA occupation
    ("ohne Angabe zum Zielberuf"), ``"total"`` the sum of the 140 groups and ``"unknown"``.
    Aggregation of suppressed cells: a sum is the sum of the parts that are known; its flag
    (``employees_flag``, ...) is ``"lower_bound"`` when at least one part is suppressed and
    ``"suppressed"`` (value NA) when every part is; ``""`` = exact.
``kldb.parquet``
    The KldB 2010 hierarchy: 10 occupational areas (1 digit), 37 main groups (2 digits),
    144 occupational groups (3 digits).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from s3lib.atomic import write_parquet
from s3lib.data import _store
from s3lib.errors import DataError

__all__ = [
    "ABSORBED",
    "EXCEPTIONS",
    "FLAG_EXACT",
    "FLAG_LOWER",
    "FLAG_SUPPRESSED",
    "MEASURES",
    "TOTAL",
    "UNKNOWN",
    "build",
    "build_ags_nuts",
    "build_kldb",
    "build_occupations",
]

RAW = Path("ba-employees-kldb")
EMPLOYEES = RAW / "employees_by_workplace.rda"
OCCUPATION_CODES = RAW / "occupational_group_codes.rda"
REGION_CODES = RAW / "region_codes.rda"
NUTS3_NAMES = Path("gisco-nuts2021-20m-mortalityviz") / "NUTS_RG_20M_2021_4326_LEVL_3.geojson"

#: Occupation code of the raw NA occupational group (no occupation given).
UNKNOWN = "unknown"
#: Occupation code of the all-occupations total (140 groups + ``unknown``).
TOTAL = "total"
#: Raw ``group`` -> column of ``occupations.parquet``.
MEASURES = {"total": "employees", "women": "women", "foreigners": "foreigners"}
FLAG_EXACT, FLAG_LOWER, FLAG_SUPPRESSED = "", "lower_bound", "suppressed"
_FLAGS = [FLAG_EXACT, FLAG_LOWER, FLAG_SUPPRESSED]

#: District (AGS) -> (NUTS 2021 code, reason) where the names alone do not decide.
EXCEPTIONS = {
    "03403": ("DE943", ("spelling: 'Oldenburg (Oldb), Stadt' is NUTS 2021 'Oldenburg (Oldenburg), "
                        "Kreisfreie Stadt'; same territory")),
    "03455": ("DE94A", "spelling: NUTS 2021 writes 'Friesland (DE)'; same territory"),
    "06415": ("DE719", ("Hanau left Main-Kinzig-Kreis and became a district-free city on 1 January "
                        "2026 (the raw data restates all years to that territory); in NUTS 2021 it "
                        "is part of Main-Kinzig-Kreis DE719, so DE719 = Hanau + Main-Kinzig-Kreis")),
    "16063": ("DEG0P", ("Eisenach (NUTS 2021 DEG0N, former AGS 16056) joined Wartburgkreis on 1 July "
                        "2021; this district covers DEG0N + DEG0P and is put under DEG0P; DEG0N has "
                        "no rows")),
}
#: NUTS 2021 region without a district of its own -> the district (AGS) whose territory holds it.
ABSORBED = {"DEG0N": "16063"}

#: First two digits of the AGS (Land) -> NUTS 1 code.
LAND_NUTS1 = {"01": "DEF", "02": "DE6", "03": "DE9", "04": "DE5", "05": "DEA", "06": "DE7", "07": "DEB",
              "08": "DE1", "09": "DE2", "10": "DEC", "11": "DE3", "12": "DE4", "13": "DE8", "14": "DED",
              "15": "DEE", "16": "DEG"}
_NUTS_SUFFIX = {"Kreisfreie Stadt": "city", "Stadtkreis": "city", "Landkreis": "district"}

_COMMAND = "s3lib data build"
_VINTAGE = ("badata 0.2.0 (RegioHub/badata@2d6c6183); BA special delivery Auftragsnummer 408036; "
            "reference date 30 June 2013-2025; districts as of July 2026")
_LICENCE_BA = ("Quelle: Statistik der Bundesagentur für Arbeit (Source: Statistik der Bundesagentur für "
               "Arbeit), via the R package badata 0.2.0 (MIT)")
_DATASET = "BA employees at the place of work by district x KldB 2010 occupational group (badata)"
_SOURCE_NOTE = "our translation"
_DE_RAW = "raw codes file (BA short label)"
_DE_TYPED = "KldB 2010 title (BA), typed in by s3lib"

# KldB 2010 occupational areas (1 digit) and main groups (2 digits): German title, English name.
_AREAS = {
    "0": ("Militär", "Military"),
    "1": ("Land-, Forst- und Tierwirtschaft und Gartenbau",
          "Agriculture, forestry, animal husbandry and horticulture"),
    "2": ("Rohstoffgewinnung, Produktion und Fertigung", "Raw materials, production and manufacturing"),
    "3": ("Bau, Architektur, Vermessung und Gebäudetechnik",
          "Construction, architecture, surveying and building services"),
    "4": ("Naturwissenschaft, Geografie und Informatik", "Natural sciences, geography and computer science"),
    "5": ("Verkehr, Logistik, Schutz und Sicherheit", "Transport, logistics, protection and security"),
    "6": ("Kaufmännische Dienstleistungen, Warenhandel, Vertrieb, Hotel und Tourismus",
          "Commercial services, trade, sales, hotels and tourism"),
    "7": ("Unternehmensorganisation, Buchhaltung, Recht und Verwaltung",
          "Business organisation, accounting, law and administration"),
    "8": ("Gesundheit, Soziales, Lehre und Erziehung", "Health, social work, teaching and education"),
    "9": (("Sprach-, Literatur-, Geistes-, Gesellschafts- und Wirtschaftswissenschaften, Medien, Kunst, "
           "Kultur und Gestaltung"), "Humanities, social sciences and economics, media, art, culture and design"),
}
_MAIN_GROUPS = {
    "01": ("Angehörige der regulären Streitkräfte", "Members of the regular armed forces"),
    "11": ("Land-, Tier- und Forstwirtschaftsberufe", "Agriculture, animal husbandry and forestry occupations"),
    "12": ("Gartenbauberufe und Floristik", "Horticulture and floristry"),
    "21": ("Rohstoffgewinnung und -aufbereitung, Glas- und Keramikherstellung und -verarbeitung",
           "Extraction and processing of raw materials, glass and ceramics making"),
    "22": ("Kunststoffherstellung und -verarbeitung, Holzbe- und -verarbeitung",
           "Plastics making and processing, woodworking"),
    "23": ("Papier- und Druckberufe, technische Mediengestaltung", "Paper and printing, technical media design"),
    "24": ("Metallerzeugung und -bearbeitung, Metallbauberufe", "Metal making and working, metal construction"),
    "25": ("Maschinen- und Fahrzeugtechnikberufe", "Mechanical and automotive engineering occupations"),
    "26": ("Mechatronik-, Energie- und Elektroberufe", "Mechatronics, energy and electrical occupations"),
    "27": ("Technische Forschungs-, Entwicklungs-, Konstruktions- und Produktionssteuerungsberufe",
           "Technical research, development, design and production planning"),
    "28": ("Textil- und Lederberufe", "Textile and leather occupations"),
    "29": ("Lebensmittelherstellung und -verarbeitung", "Food production and processing"),
    "31": ("Bauplanungs-, Architektur- und Vermessungsberufe", "Construction planning, architecture and surveying"),
    "32": ("Hoch- und Tiefbauberufe", "Building construction and civil engineering"),
    "33": ("(Innen-)Ausbauberufe", "Interior finishing"),
    "34": ("Gebäude- und versorgungstechnische Berufe", "Building services and utilities"),
    "41": ("Mathematik-, Biologie-, Chemie- und Physikberufe", "Mathematics, biology, chemistry and physics"),
    "42": ("Geologie-, Geografie- und Umweltschutzberufe", "Geology, geography and environmental protection"),
    "43": ("Informatik-, Informations- und Kommunikationstechnologieberufe",
           "Computer science, information and communication technology"),
    "51": ("Verkehrs- und Logistikberufe (außer Fahrzeugführung)", "Transport and logistics (except drivers)"),
    "52": ("Führer/innen von Fahrzeug- und Transportgeräten", "Drivers and operators of vehicles and transport equipment"),
    "53": ("Schutz-, Sicherheits- und Überwachungsberufe", "Protection, security and surveillance"),
    "54": ("Reinigungsberufe", "Cleaning"),
    "61": ("Einkaufs-, Vertriebs- und Handelsberufe", "Purchasing, sales and trading"),
    "62": ("Verkaufsberufe", "Retail sales"),
    "63": ("Tourismus-, Hotel- und Gaststättenberufe", "Tourism, hotels and restaurants"),
    "71": ("Berufe in Unternehmensführung und -organisation", "Business management and organisation"),
    "72": ("Finanzdienstleistungs-, Rechnungswesen- und Steuerberatungsberufe",
           "Financial services, accounting and tax consultancy"),
    "73": ("Berufe in Recht und Verwaltung", "Law and administration"),
    "81": ("Medizinische Gesundheitsberufe", "Medical health care"),
    "82": ("Nichtmedizinische Gesundheits-, Körperpflege- und Wellnessberufe, Medizintechnik",
           "Non-medical health care, body care and wellness, medical technology"),
    "83": ("Erziehung, soziale und hauswirtschaftliche Berufe, Theologie",
           "Education, social work, housekeeping and theology"),
    "84": ("Lehrende und ausbildende Berufe", "Teaching and training"),
    "91": ("Sprach-, literatur-, geistes-, gesellschafts- und wirtschaftswissenschaftliche Berufe",
           "Linguistics, literature, humanities, social sciences and economics"),
    "92": ("Werbung, Marketing, kaufmännische und redaktionelle Medienberufe",
           "Advertising, marketing, commercial and editorial media"),
    "93": ("Produktdesign und kunsthandwerkliche Berufe, bildende Kunst, Musikinstrumentenbau",
           "Product design, crafts, fine arts and musical instrument making"),
    "94": ("Darstellende und unterhaltende Berufe", "Performing arts and entertainment"),
}
# KldB 2010 occupational groups (3 digits): English name (the German label comes from the raw file).
_GROUPS_EN = {
    "011": "Commissioned officers", "012": "Senior non-commissioned officers",
    "013": "Junior non-commissioned officers", "014": "Armed forces personnel in other ranks",
    "111": "Farming", "112": "Animal husbandry", "113": "Horse keeping", "114": "Fishing and fish farming",
    "115": "Animal care", "116": "Viticulture", "117": "Forestry, hunting and landscape conservation",
    "121": "Horticulture", "122": "Floristry",
    "211": "Mining, quarrying and blasting", "212": "Natural stone, minerals and building materials",
    "213": "Industrial glass making and processing", "214": "Industrial ceramics making and processing",
    "221": "Plastics and rubber making and processing", "222": "Paints and varnishes",
    "223": "Woodworking and wood processing",
    "231": "Paper and packaging technology", "232": "Technical media design",
    "233": "Photography and photographic technology", "234": "Printing, print finishing and bookbinding",
    "241": "Metal making", "242": "Metalworking", "243": "Metal surface treatment",
    "244": "Metal construction and welding", "245": "Precision mechanics and tool making",
    "251": "Mechanical engineering and operating technology",
    "252": "Vehicle, aerospace and shipbuilding technology",
    "261": "Mechatronics and automation", "262": "Energy technology", "263": "Electrical engineering",
    "271": "Technical research and development", "272": "Technical drawing, design and model making",
    "273": "Technical production planning and control",
    "281": "Textile technology and production", "282": "Textile processing",
    "283": "Leather and fur making and processing",
    "291": "Beverage production", "292": "Food and luxury food production", "293": "Cooking",
    "311": "Construction planning and supervision, architecture", "312": "Surveying and cartography",
    "321": "Building construction", "322": "Civil engineering (below ground)",
    "331": "Floor laying", "332": "Painting, plastering, waterproofing and building protection",
    "333": "Interior finishing, drywall, insulation, carpentry, glazing and shutters",
    "341": "Building services engineering", "342": "Plumbing, sanitary, heating and air conditioning",
    "343": "Utilities and waste disposal",
    "411": "Mathematics and statistics", "412": "Biology", "413": "Chemistry", "414": "Physics",
    "421": "Geology, geography and meteorology", "422": "Environmental protection technology",
    "423": "Environmental management and consulting",
    "431": "Computer science", "432": "IT systems analysis, user support and IT sales",
    "433": "IT networks, coordination, administration and organisation",
    "434": "Software development and programming",
    "511": "Technical operation of rail, air and water transport",
    "512": "Monitoring and maintenance of transport infrastructure",
    "513": "Warehousing, postal and delivery services, cargo handling",
    "514": "Passenger transport service staff", "515": "Traffic monitoring and control",
    "516": "Transport and logistics clerks",
    "521": "Road vehicle drivers", "522": "Train drivers", "523": "Aircraft pilots", "524": "Ship operators",
    "525": "Construction and transport equipment operators",
    "531": "Property, personal and fire protection, occupational safety",
    "532": "Police, criminal investigation, courts and prisons",
    "533": "Trade and health inspection, disinfection",
    "541": "Cleaning",
    "611": "Purchasing and sales", "612": "Trade", "613": "Real estate and facility management",
    "621": "Retail sales (no product specialisation)",
    "622": "Sales of clothing, electronics, motor vehicles and hardware", "623": "Food sales",
    "624": "Sales of drugstore and pharmacy goods and medical supplies",
    "625": "Book, art, antiques and music retail",
    "631": "Tourism and sport", "632": "Hotels", "633": "Restaurants and catering",
    "634": "Event services and management",
    "711": "Managing directors and executive boards",
    "712": "Legislators and officials of interest organisations",
    "713": "Business organisation and strategy", "714": "Office and secretarial work",
    "715": "Human resources and personnel services",
    "721": "Insurance and financial services", "722": "Accounting, controlling and auditing",
    "723": "Tax consultancy",
    "731": "Legal advice, the judiciary and legal administration", "732": "Public administration",
    "733": "Media, documentation and information services",
    "811": "Doctors' receptionists and assistants", "812": "Medical laboratories",
    "813": "Nursing, emergency medical services and obstetrics", "814": "Human medicine and dentistry",
    "815": "Veterinary medicine", "816": "Psychology and non-medical psychotherapy",
    "817": "Non-medical therapy and alternative medicine", "818": "Pharmacy",
    "821": "Geriatric care", "822": "Nutrition and health counselling, wellness", "823": "Body care",
    "824": "Funeral services", "825": "Medical, orthopaedic and rehabilitation technology",
    "831": "Education, social work and special-needs care", "832": "Housekeeping and consumer advice",
    "833": "Theology and church community work",
    "841": "Teaching at general education schools",
    "842": "Teaching vocational subjects, in-company training",
    "843": "Teaching and research at universities", "844": "Teaching outside schools",
    "845": "Driving and sports instruction",
    "911": "Linguistics and literary studies", "912": "Humanities", "913": "Social sciences",
    "914": "Economics",
    "921": "Advertising and marketing", "922": "Public relations", "923": "Publishing and media management",
    "924": "Editing and journalism",
    "931": "Product and industrial design", "932": "Interior design and decoration",
    "933": "Arts and crafts, fine arts", "934": "Artisan ceramics and glass design",
    "935": "Artisan metal design", "936": "Musical instrument making",
    "941": "Music, singing and conducting", "942": "Acting, dance and movement arts",
    "943": "Presenting and entertainment", "944": "Theatre, film and television production",
    "945": "Event, camera and sound technology", "946": "Stage and costume design, props",
    "947": "Museum technology and management",
}


def build(raw_dir: Path, out_dir: Path) -> list[dict]:
    """Write ``ags_nuts.parquet``, ``kldb.parquet`` and ``occupations.parquet``; return their manifest entries.

    Parameters
    ----------
    raw_dir : Path
        Folder of the raw public files (``s3lib.config.RAW_DIR``).
    out_dir : Path
        Snapshot folder (``s3lib.config.DATA_DIR``).

    Returns
    -------
    list of dict
        One manifest entry per file (:func:`s3lib.data._store.entry`).

    Examples
    --------
    >>> import tempfile
    >>> from s3lib.config import RAW_DIR
    >>> entries = build(RAW_DIR, tempfile.mkdtemp())
    >>> [e["file"] for e in entries]
    ['ags_nuts.parquet', 'kldb.parquet', 'occupations.parquet']
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    region_codes = _read_rda(raw_dir / REGION_CODES)
    group_codes = _read_rda(raw_dir / OCCUPATION_CODES)
    nuts3 = _read_nuts3_names(raw_dir / NUTS3_NAMES)
    ags_nuts = build_ags_nuts(region_codes, nuts3)
    kldb = build_kldb(group_codes)
    occupations = build_occupations(_read_rda(raw_dir / EMPLOYEES), ags_nuts)
    missing = set(occupations["occupation"].cat.categories) - {UNKNOWN, TOTAL} - set(kldb["code"])
    if missing:
        raise ValueError(f"occupational groups of the data missing from the KldB codes file: {sorted(missing)}")
    kldb["in_data"] = kldb["code"].map(
        lambda c: any(o.startswith(c) for o in occupations["occupation"].cat.categories if o not in (UNKNOWN, TOTAL)))

    src_emp, src_codes = EMPLOYEES.as_posix(), OCCUPATION_CODES.as_posix()
    tables = [
        ("ags_nuts.parquet", ags_nuts, f"{REGION_CODES.as_posix()} + {NUTS3_NAMES.as_posix()}",
         f"{_VINTAGE}; GISCO NUTS 2021",
         f"{_LICENCE_BA}; NUTS 2021 names: Source: Eurostat GISCO; mapping by s3lib (names + listed exceptions)",
         "German district key (AGS, July 2026) -> NUTS 2021 NUTS 3 region, with the rule used", {}),
        ("kldb.parquet", kldb, src_codes, "KldB 2010 (Bundesagentur für Arbeit); labels from badata 0.2.0",
         f"KldB 2010: Bundesagentur für Arbeit; group labels {_LICENCE_BA}; English names: our translation",
         "KldB 2010 hierarchy: 10 areas, 37 main groups, 144 occupational groups (German and English names)",
         {}),
        ("occupations.parquet", occupations, f"{src_emp} + {REGION_CODES.as_posix()}", _VINTAGE, _LICENCE_BA,
         ("employees subject to social insurance at the place of work (all, women, foreigners) by NUTS 2021 "
          "NUTS 3 region (Germany) x KldB 2010 occupational group x year"),
         {"years": [int(occupations["year"].min()), int(occupations["year"].max())], "levels": [3]}),
    ]
    entries = []
    for name, table, source, vintage, licence, description, extra in tables:
        write_parquet(table.reset_index(drop=True), out_dir / name)
        entries.append(_store.entry(out_dir, name, len(table), dataset=_DATASET, vintage=vintage, source=source,
                                    licence=licence, command=_COMMAND, description=description,
                                    columns=[str(c) for c in table.columns], **extra))
    return entries


# --------------------------------------------------------------------------- reading
def _read_rda(path: Path) -> pd.DataFrame:
    """The one data frame of an R ``.rda`` file (pyreadr), with plain string columns."""
    import pyreadr

    if not path.exists():
        raise DataError(f"raw file {path} not found; pass --raw PATH to the folder holding "
                        f"../shared/data/raw (see its PROVENANCE-city.md)")
    (frame,) = pyreadr.read_r(str(path)).values()
    return frame


def _read_nuts3_names(path: Path) -> pd.DataFrame:
    """``code, name`` of the German NUTS 2021 level-3 regions from the GISCO GeoJSON (properties only)."""
    if not path.exists():
        raise DataError(f"raw file {path} not found; pass --raw PATH to the folder holding ../shared/data/raw")
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    rows = [(f["properties"]["NUTS_ID"], f["properties"].get("NAME_LATN") or f["properties"]["NUTS_NAME"])
            for f in features if f["properties"]["CNTR_CODE"] == "DE" and int(f["properties"]["LEVL_CODE"]) == 3]
    return pd.DataFrame(rows, columns=["code", "name"]).sort_values("code").reset_index(drop=True)


# --------------------------------------------------------------------------- AGS -> NUTS 2021
def _key(base: str) -> str:
    """Name key: lower case, letters and digits only ('Mühldorf a.Inn' == 'Mühldorf a. Inn')."""
    return re.sub(r"[^0-9a-zäöüß]", "", base.lower())


def _split_ags(name: str) -> tuple[str, str]:
    """'Kassel, documenta-Stadt' -> ('kassel', 'city'); 'Kassel' -> ('kassel', 'district')."""
    base, sep, _ = name.partition(", ")
    return _key(base), "city" if sep else "district"


def _split_nuts(name: str) -> tuple[str, str | None]:
    """'Kassel, Kreisfreie Stadt' -> ('kassel', 'city'); 'Berlin' -> ('berlin', None): either kind."""
    base, sep, suffix = name.partition(", ")
    if sep and suffix not in _NUTS_SUFFIX:
        raise ValueError(f"NUTS 3 name with an unexpected suffix: {name!r}")
    return _key(base), _NUTS_SUFFIX.get(suffix)


def build_ags_nuts(region_codes: pd.DataFrame, nuts3: pd.DataFrame) -> pd.DataFrame:
    """The district (AGS) -> NUTS 2021 table: by name within the Land, else by :data:`EXCEPTIONS`.

    Parameters
    ----------
    region_codes : DataFrame
        ``code`` (AGS) and ``name`` of the raw ``region_codes.rda``.
    nuts3 : DataFrame
        ``code`` and ``name`` of the German NUTS 2021 level-3 regions.

    Returns
    -------
    DataFrame
        ``ags, ags_name, nuts, nuts_name, rule`` (``"name"`` or ``"exception: <reason>"``),
        ``territory`` (``"equal"``; ``"part"`` = the district is one of several in its NUTS
        region; ``"larger"`` = it also covers the NUTS 2021 region in ``also_covers``) and
        ``also_covers``.
    """
    names = dict(zip(nuts3["code"], nuts3["name"]))
    split = {code: _split_nuts(name) for code, name in names.items()}
    stale = set(EXCEPTIONS) - set(region_codes["code"])
    if stale:
        raise ValueError(f"exceptions for districts that are not in the raw data: {sorted(stale)}")
    rows = []
    for ags, ags_name in sorted(zip(region_codes["code"], region_codes["name"])):
        land = LAND_NUTS1.get(ags[:2])
        if land is None:
            raise ValueError(f"district key {ags} ({ags_name}) is not in a German Land")
        if ags in EXCEPTIONS:
            nuts, reason = EXCEPTIONS[ags]
            if nuts not in names or not nuts.startswith(land):
                raise ValueError(f"exception {ags} -> {nuts} is not a NUTS 2021 region of its Land {land}")
            rows.append((ags, ags_name, nuts, f"exception: {reason}"))
            continue
        key, kind = _split_ags(ags_name)
        same = [(code, t) for code, (k, t) in split.items() if code.startswith(land) and k == key]
        # a NUTS name without a type suffix ('Leipzig', 'Berlin') takes either kind, unless a region
        # of that name states the kind ('Leipzig, Kreisfreie Stadt' is the city)
        hits = [code for code, t in same if t == kind] or [code for code, t in same if t is None]
        if len(hits) != 1:
            raise ValueError(f"district {ags} {ags_name!r} matches {len(hits)} NUTS 2021 regions by name "
                             f"({hits}); add it to EXCEPTIONS with its reason")
        rows.append((ags, ags_name, hits[0], "name"))
    out = pd.DataFrame(rows, columns=["ags", "ags_name", "nuts", "rule"])
    out.insert(3, "nuts_name", out["nuts"].map(names))
    by_name = out[out["rule"] == "name"]
    if by_name["nuts"].duplicated().any():
        raise ValueError(f"NUTS 2021 regions matched by several districts: "
                         f"{sorted(by_name.loc[by_name['nuts'].duplicated(), 'nuts'])}")
    uncovered = set(names) - set(out["nuts"]) - set(ABSORBED)
    if uncovered:
        raise ValueError(f"NUTS 2021 regions without a district: {sorted(uncovered)}")
    shared = out["nuts"].duplicated(keep=False)
    out["territory"] = np.where(shared, "part", "equal")
    out["also_covers"] = ""
    for code, ags in ABSORBED.items():
        if code in set(out["nuts"]) or ags not in set(out["ags"]):
            raise ValueError(f"ABSORBED {code} -> {ags} does not hold for this data")
        out.loc[out["ags"] == ags, ["territory", "also_covers"]] = ["larger", code]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- KldB 2010
def build_kldb(group_codes: pd.DataFrame) -> pd.DataFrame:
    """The KldB 2010 hierarchy: areas (1 digit), main groups (2), occupational groups (3).

    ``code, level`` (1-3), ``level_name`` (``area``, ``main_group``, ``group``), ``area``,
    ``main_group`` (empty for an area), ``name_de``, ``name_de_source``, ``name_en``,
    ``name_en_source``. German group labels are the raw file's BA short labels; the area and
    main-group titles and every English name are typed in here (see ``*_source``).
    """
    groups = group_codes[group_codes["code"].notna()]
    codes = sorted(groups["code"])
    if set(codes) != set(_GROUPS_EN):
        raise ValueError(f"KldB codes differ from the English names: {sorted(set(codes) ^ set(_GROUPS_EN))}")
    main_groups = sorted({c[:2] for c in codes})
    if set(main_groups) != set(_MAIN_GROUPS) or {c[0] for c in codes} != set(_AREAS):
        raise ValueError("KldB main groups or areas of the codes file differ from the typed-in titles")
    label = dict(zip(groups["code"], groups["name"]))
    rows = [(a, 1, "area", a, "", de, _DE_TYPED, en) for a, (de, en) in sorted(_AREAS.items())]
    rows += [(m, 2, "main_group", m[0], m, de, _DE_TYPED, en) for m, (de, en) in sorted(_MAIN_GROUPS.items())]
    rows += [(c, 3, "group", c[0], c[:2], label[c], _DE_RAW, _GROUPS_EN[c]) for c in codes]
    out = pd.DataFrame(rows, columns=["code", "level", "level_name", "area", "main_group", "name_de",
                                      "name_de_source", "name_en"])
    out["level"] = out["level"].astype("int8")
    out["name_en_source"] = _SOURCE_NOTE
    return out.sort_values(["level", "code"]).reset_index(drop=True)


# --------------------------------------------------------------------------- employees
def build_occupations(raw: pd.DataFrame, ags_nuts: pd.DataFrame) -> pd.DataFrame:
    """Employees subject to social insurance by NUTS 2021 region x occupation x year.

    Parameters
    ----------
    raw : DataFrame
        ``employees_by_workplace``: ``region`` (AGS), ``occupational_group``, ``year``,
        ``type``, ``group``, ``n``.
    ags_nuts : DataFrame
        Output of :func:`build_ags_nuts`.

    Returns
    -------
    DataFrame
        ``region, country, level, occupation, year, employees, women, foreigners,
        employees_flag, women_flag, foreigners_flag``; one row per region x occupation
        (140 groups, ``unknown``, ``total``) x year. Counts are nullable Int32 (NA = every
        part suppressed); a flag is ``""`` (exact), ``"lower_bound"`` (sum of the known parts,
        at least one part suppressed) or ``"suppressed"``.
    """
    keep = (raw["type"] == "social insurance").to_numpy()
    group = raw["group"][keep].astype("category").cat.remove_unused_categories()
    if set(group.cat.categories) != set(MEASURES):
        raise ValueError(f"unexpected groups in the raw data: {sorted(group.cat.categories)}")
    ags = raw["region"][keep].astype("category").cat.remove_unused_categories()
    nuts_of = dict(zip(ags_nuts["ags"], ags_nuts["nuts"]))
    lost = sorted(set(ags.cat.categories) - set(nuts_of))
    if lost:
        raise ValueError(f"districts without a NUTS 2021 region: {lost}")
    regions = sorted({nuts_of[a] for a in ags.cat.categories})
    lut = np.array([regions.index(nuts_of[a]) for a in ags.cat.categories])
    occ = raw["occupational_group"][keep].astype("category").cat.remove_unused_categories()
    groups = sorted(occ.cat.categories)
    occupations = [*groups, UNKNOWN]
    occ_codes = occ.cat.reorder_categories(groups).cat.codes.to_numpy().copy()
    occ_codes[occ_codes < 0] = len(groups)  # the NA occupational group
    n = raw["n"][keep].to_numpy(dtype="float64")
    known = n[~np.isnan(n)]
    if (known != np.round(known)).any() or (known < 0).any():
        raise ValueError("raw counts are not non-negative whole numbers")
    year = raw["year"][keep].to_numpy()
    years = sorted(set(year.tolist()))
    order = sorted(MEASURES)
    r = lut[ags.cat.codes.to_numpy()]
    y = np.searchsorted(years, year)
    g = group.cat.reorder_categories(order).cat.codes.to_numpy()
    shape = (len(regions), len(occupations), len(years), len(order))
    if len(n) != len(ags.cat.categories) * len(occupations) * len(years) * len(order):
        raise ValueError(f"raw social-insurance rows are not one per district x occupation x year x group "
                         f"({len(n)} rows)")
    # cell sums over districts (Hanau + Main-Kinzig-Kreis), then over occupations (the total)
    value, flag = _aggregate(((r * shape[1] + occ_codes) * shape[2] + y) * shape[3] + g, n, shape)
    total, total_flag = _aggregate((r * shape[2] + y) * shape[3] + g, n, (shape[0], 1, *shape[2:]))
    value, flag = np.concatenate([value, total], axis=1), np.concatenate([flag, total_flag], axis=1)
    n_occ = len(occupations) + 1
    rows = shape[0] * n_occ * shape[2]
    out = pd.DataFrame({
        "region": pd.Categorical.from_codes(np.repeat(np.arange(shape[0]), n_occ * shape[2]), categories=regions),
        "country": pd.Categorical.from_codes(np.zeros(rows, dtype="int8"), categories=["DE"]),
        "level": np.full(rows, 3, dtype="int8"),
        "occupation": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(n_occ), shape[2]), shape[0]),
                                                categories=[*occupations, TOTAL]),
        "year": np.tile(np.array(years, dtype="int16"), shape[0] * n_occ),
    })
    for group, column in MEASURES.items():
        out[column] = pd.array(value[..., order.index(group)].reshape(-1), dtype="Int32")
    for group, column in MEASURES.items():
        out[f"{column}_flag"] = pd.Categorical.from_codes(flag[..., order.index(group)].reshape(-1),
                                                          categories=_FLAGS)
    return out


def _aggregate(index: np.ndarray, n: np.ndarray, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Per cell of ``shape`` (``index`` = flat cell of each raw row): the sum of the known parts
    (NaN when every part is suppressed) and the flag code (index into ``_FLAGS``: 0 exact,
    1 lower bound = some part suppressed, 2 suppressed = every part suppressed)."""
    size = int(np.prod(shape))
    missing = np.isnan(n)
    parts = np.bincount(index, minlength=size)
    if len(parts) != size or (parts == 0).any():
        raise ValueError("the raw rows do not cover every cell of the table")
    total = np.bincount(index, weights=np.where(missing, 0.0, n), minlength=size)
    n_missing = np.bincount(index, weights=missing, minlength=size)
    flag = np.select([n_missing == parts, n_missing > 0], [2, 1], default=0).astype("int8")
    return np.where(flag == 2, np.nan, total).reshape(shape), flag.reshape(shape)
