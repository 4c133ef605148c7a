"""Held-out check of the city gazetteer: how many European cities resolve to the right NUTS3 region.

The cities below are NOT used by the tests (tests/test_places_cities.py has its own list). The
expected NUTS 2021 level-3 codes were chosen by hand from the region names of ``data.regions(3)``
(the region that contains the city), not from the resolver. Run::

    .venv/bin/python benchmarks/gazetteer_holdout.py            # bundled snapshot
    S3LIB_DATA_DIR=/tmp/places-snapshot .venv/bin/python benchmarks/gazetteer_holdout.py

It prints every miss (what the name resolved to, or the error) and the hit rate.
"""
from __future__ import annotations

import sys
import time

#: city name as a user would type it -> the NUTS 2021 level-3 region containing the city
HOLDOUT = {
    # Germany
    "Nuremberg": "DE254", "Nürnberg": "DE254", "Düsseldorf": "DEA11", "Essen": "DEA13", "Dortmund": "DEA52",
    "Leipzig": "DED51", "Dresden": "DED21", "Bonn": "DEA22", "Mannheim": "DE126", "Karlsruhe": "DE122",
    "Freiburg im Breisgau": "DE131", "Heidelberg": "DE125", "Mainz": "DEB35", "Wiesbaden": "DE714",
    "Augsburg": "DE271", "Münster": "DEA33", "Bielefeld": "DEA41", "Kiel": "DEF02", "Lübeck": "DEF03",
    "Rostock": "DE803", "Magdeburg": "DEE03", "Erfurt": "DEG01", "Hanover": "DE929",
    # Austria, Switzerland
    "Graz": "AT221", "Innsbruck": "AT332", "Salzburg": "AT323", "Bern": "CH021", "Basel": "CH031",
    "Lausanne": "CH011",
    # France
    "Marseille": "FRL04", "Nice": "FRL03", "Nantes": "FRG01", "Strasbourg": "FRF11", "Lille": "FRE11",
    "Montpellier": "FRJ13", "Rennes": "FRH03", "Grenoble": "FRK24",
    # Spain, Portugal
    "Málaga": "ES617", "Zaragoza": "ES243", "Palma": "ES532", "Valladolid": "ES418", "Vigo": "ES114",
    "Gijón": "ES120", "Murcia": "ES620", "Alicante": "ES521", "Braga": "PT112", "Coimbra": "PT16E",
    "Faro": "PT150",
    # Italy
    "Florence": "ITI14", "Bologna": "ITH55", "Genoa": "ITC33", "Venice": "ITH35", "Verona": "ITH31",
    "Palermo": "ITG12", "Bari": "ITF47", "Catania": "ITG17", "Padua": "ITH36", "Trieste": "ITH44",
    # Benelux
    "Ghent": "BE234", "Liège": "BE332", "Utrecht": "NL310", "Eindhoven": "NL414", "The Hague": "NL332",
    # Nordics
    "Aarhus": "DK042", "Odense": "DK031", "Malmö": "SE224", "Uppsala": "SE121", "Tampere": "FI197",
    "Turku": "FI1C1", "Bergen": "NO0A2", "Trondheim": "NO060", "Oslo": "NO081", "Reykjavik": "IS001",
    # Central and Eastern Europe
    "Poznań": "PL415", "Wrocław": "PL514", "Breslau": "PL514", "Katowice": "PL22A", "Szczecin": "PL424",
    "Lublin": "PL814", "Brno": "CZ064", "Ostrava": "CZ080", "Košice": "SK042", "Cluj-Napoca": "RO113",
    "Timișoara": "RO424", "Iași": "RO213", "Constanța": "RO223", "Plovdiv": "BG421", "Varna": "BG331",
    "Debrecen": "HU321", "Szeged": "HU333", "Tartu": "EE008", "Kaunas": "LT022", "Maribor": "SI032",
    "Split": "HR035", "Rijeka": "HR031",
    # South-east, islands
    "Thessaloniki": "EL522", "Patras": "EL632", "Heraklion": "EL431", "Limassol": "CY000", "Valletta": "MT001",
    "Ankara": "TR510", "Izmir": "TR310", "Belgrade": "RS110", "Skopje": "MK008", "Tirana": "AL022",
    "Podgorica": "ME000",
    # Ireland, United Kingdom
    "Cork": "IE053", "Galway": "IE042", "Edinburgh": "UKM75", "Glasgow": "UKM82", "Leeds": "UKE42",
    "Bristol": "UKK11", "Liverpool": "UKD72", "Belfast": "UKN06", "Cardiff": "UKL22", "Aberdeen": "UKM50",
}


def main() -> int:
    from s3lib import data
    from s3lib.errors import UsageError

    start = time.perf_counter()
    data.place("Munich")
    cold = time.perf_counter() - start
    hits, misses = 0, []
    start = time.perf_counter()
    for name, expected in HOLDOUT.items():
        try:
            p = data.place(name)
            got = p.nuts3 or p.code
            detail = f"{p.code} {p.name} (by {p.resolved_by}{', city ' + p.city if p.city else ''})"
        except UsageError as exc:
            got, detail = None, f"{type(exc).__name__}: {exc}"
        if got == expected:
            hits += 1
        else:
            misses.append((name, expected, detail))
    warm = (time.perf_counter() - start) / len(HOLDOUT)
    for name, expected, detail in misses:
        print(f"MISS {name!r}: expected {expected}, got {detail}")
    print(f"held-out hit rate: {hits}/{len(HOLDOUT)} = {hits / len(HOLDOUT):.1%}")
    print(f"place('Munich') first call {cold:.2f} s (tables and index); {warm * 1000:.2f} ms per held-out name after")
    return 0 if hits == len(HOLDOUT) else 1


if __name__ == "__main__":
    sys.exit(main())
