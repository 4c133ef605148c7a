"""Places: the six case places by key, name, alias or code, and any NUTS 2021 region."""
from __future__ import annotations

import pytest

from s3lib.data import place, places, regions
from s3lib.errors import UnknownChoiceError, UsageError

CASES = {
    "frankfurt": ("DE712", "DE71", "DE7", "DE7", 1),
    "bordeaux": ("FRI12", "FRI1", "FRI", "FRI", 1),
    "bilbao": ("ES213", "ES21", "ES2", "ES21", 2),
    "turin": ("ITC11", "ITC1", "ITC", "ITC1", 2),
    "bucharest": ("RO321", "RO32", "RO3", "RO32", 2),
    "porto": ("PT11A", "PT11", "PT1", "PT11", 2),
}


@pytest.mark.parametrize("key", CASES)
def test_case_places(key):
    p = place(key)
    assert (p.nuts3, p.nuts2, p.nuts1, p.ris3_owner, p.ris3_level) == CASES[key]
    assert p.code == p.nuts3 and p.level == 3 and p.country == p.code[:2]
    assert place(p.code) == p and place(p.name) == p and place(p.code.lower()) == p


@pytest.mark.parametrize("name, key", [
    ("Frankfurt am Main", "frankfurt"), ("FRANKFURT", "frankfurt"), ("  frankfurt  am main ", "frankfurt"),
    ("Torino", "turin"), ("Bucuresti", "bucharest"), ("București", "bucharest"), ("Bucureşti", "bucharest"),
    ("Oporto", "porto"), ("Área Metropolitana do Porto", "porto"), ("area metropolitana do porto", "porto"),
    ("Bizkaia", "bilbao"), ("Gironde", "bordeaux"),
])
def test_aliases_are_case_and_accent_insensitive(name, key):
    assert place(name) == place(key)


def test_acceptance_three_spellings_of_frankfurt():
    assert place("frankfurt") == place("Frankfurt am Main") == place("DE712")


def test_any_nuts_2021_code_is_a_place():
    p = place("FRI1")
    assert (p.name, p.level, p.nuts2, p.nuts1, p.nuts3) == ("Aquitaine", 2, "FRI1", "FRI", None)
    assert p.ris3_owner == "FRI"  # inside Nouvelle-Aquitaine's strategy area
    q = place("ES30")
    assert q.name == "Comunidad de Madrid" and q.ris3_owner is None
    assert place("Comunidad de Madrid") == q  # ES3 and ES30 share the name: the most detailed
    country = place("pt")
    assert (country.level, country.nuts1, country.nuts2) == (0, None, None)


def test_unknown_place_suggests():
    with pytest.raises(UnknownChoiceError) as info:
        place("Atlantis")
    message = str(info.value)
    assert "unknown place 'Atlantis'" in message and "frankfurt" in message and "DE712" in message
    with pytest.raises(UnknownChoiceError, match="did you mean 'Frankfurt'"):
        place("Frankfort")


def test_old_code_of_an_unchanged_territory_is_its_nuts_2021_region():
    p = place("FR61")  # NUTS 2013 code of Aquitaine, recoded to FRI1 in the data
    assert p == place("FRI1") and p.resolved_by == "old code"
    assert "FR61" in p.note and "FRI1" in p.note and "same territory" in p.note
    assert (p.nuts_version, p.successors, p.changed) == (2021, (), None)


def test_ambiguous_name():
    r = regions()
    by_name = r.groupby("name")["code"].agg(list)
    dup = next(n for n, codes in by_name.items() if len({c[:2] for c in codes}) > 1)  # e.g. Jura: CH025, FRC22
    with pytest.raises(UsageError, match="ambiguous"):
        place(dup)


def test_places_table():
    t = places()
    assert list(t.index) == list(CASES)
    assert set(t["nuts3"]) <= set(regions(level=3)["code"])
    assert set(t["ris3_owner"]) <= set(regions()["code"])
