"""Places: the six case places of the suite, any NUTS region (2021 or older) and any European city.

The registry ``data/places.csv`` names the case places (Frankfurt am Main DE712,
Bordeaux FRI12, Bilbao ES213, Turin ITC11, Bucharest RO321, Porto PT11A) with
their NUTS 2 and NUTS 1 regions and the region that owns their RIS3 strategy
(Hessen DE7 and Nouvelle-Aquitaine FRI at NUTS 1, the others at NUTS 2).

:func:`place` resolves, in this order (case-, accent- and space-insensitive):

1. a :class:`Place` (returned unchanged);
2. a case place's key, name, alias or code (``"frankfurt"``, ``"Oporto"``);
3. a NUTS 2021 code (``"DE212"``);
4. an older NUTS code (2006-2016). One whose territory is unchanged gives its NUTS 2021
   region (``"FR61"`` -> FRI1, with a note); one whose territory changed, as the data keep
   them (``"PL12"``), gives a place of that code with its NUTS 2021 ``successors`` and the
   NUTS version in which it ``changed``;
5. the name of a NUTS 2021 region (``"Gironde"``, ``"Wien"``), the most detailed of nested
   regions of one name; a name shared by different territories is an error. A NUTS 2 name
   that is also the name of a city inside that region (the German Regierungsbezirke
   ``"Köln"``, ``"Stuttgart"``; ``"Praha"``, ``"Stockholm"``) gives the city;
6. the name of an older region whose territory changed (``"Mazowieckie"`` -> PL12);
7. a European city name in English or the local language, with or without accents
   (``"Munich"``, ``"München"``, ``"Warszawa"``), from the GeoNames gazetteer of the snapshot
   (:mod:`s3lib.data.gazetteer`): the place is the city's NUTS 2021 level-3 region, with
   ``city`` set. An ambiguous city name (``"Valencia"``: Spain or Venezuela) is an error
   listing the candidates; ``"Valencia, ES"`` chooses.

Unknown names raise :class:`~s3lib.errors.UnknownChoiceError` with "did you mean"
suggestions among case places, region names and city names.

:func:`require_level` refuses places too coarse for an analysis (NUTS 0/1 for industry
figures), listing the regions inside. :func:`data_region` finds the row of a data table that
holds a NUTS 2021 region whose territory changed (PL91 -> PL12 in the business statistics).
"""
from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field

from s3lib.data import _store
from s3lib.errors import UnknownChoiceError, UsageError

__all__ = ["NUTS_VERSIONS", "Place", "normalise", "place", "places", "require_level"]

#: The NUTS versions of the snapshot's codes, oldest first.
NUTS_VERSIONS = (2006, 2010, 2013, 2016, 2021)

#: Names of older codes that the data tables use but the GISCO name files (2016, 2021) lack:
#: the Eurostat NUTS 2006/2010/2013 names (Latin script).
_OLD_NAMES = {
    "DE41": "Brandenburg - Nordost", "DE42": "Brandenburg - Südwest", "DED1": "Chemnitz", "DED3": "Leipzig",
    "EL1": "Voreia Ellada", "EL2": "Kentriki Ellada", "EL24": "Sterea Ellada",
    "FI13": "Itä-Suomi", "FI18": "Etelä-Suomi", "FI1A": "Pohjois-Suomi",
    "FR2": "Bassin Parisien", "FR21": "Champagne-Ardenne", "FR22": "Picardie", "FR3": "Nord - Pas-de-Calais",
    "FR4": "Est", "FR5": "Ouest", "FR6": "Sud-Ouest", "FR8": "Méditerranée",
    "HU10": "Közép-Magyarország", "IE01": "Border, Midland and Western", "IE02": "Southern and Eastern",
    "ITD": "Nord-Est", "ITD3": "Veneto", "ITD4": "Friuli-Venezia Giulia", "ITD5": "Emilia-Romagna",
    "ITE": "Centro (IT)", "ITE3": "Marche", "LT00": "Lietuva", "NO061": "Sør-Trøndelag",
    "NO062": "Nord-Trøndelag", "PL1": "Region Centralny", "PL12": "Mazowieckie", "PL3": "Region Wschodni",
    "SI01": "Vzhodna Slovenija", "SI02": "Zahodna Slovenija", "UKD2": "Cheshire", "UKD5": "Merseyside",
    "UKI1": "Inner London", "UKI2": "Outer London", "UKM2": "Eastern Scotland", "UKM3": "South Western Scotland",
}


@dataclass(frozen=True)
class Place:
    """A place of the suite: a NUTS region, with its parents and RIS3 owner.

    Attributes
    ----------
    key : short lower-case name (``"frankfurt"``), the code in lower case for other regions, or the
        city's name for a city (``"munich"``, ``"valencia-es"``); ``place(p.key)`` gives ``p`` back.
    code : the place's own NUTS code (NUTS 3 for the case places and cities).
    name, country, level : name, ISO country code, NUTS level of ``code``.
    nuts3, nuts2, nuts1 : the place's NUTS codes at each level (``None`` above its level).
    ris3_owner, ris3_level : the region owning the RIS3 strategy and its NUTS level
        (``None`` when not known: only the case places' owners are registered).
    aliases : other names of a case place.
    nuts_version : the NUTS version of ``code``: 2021, or the last version of an older code
        whose territory changed (``PL12``: 2013).
    successors : for such an older code, the NUTS 2021 codes covering its territory
        (``("PL91", "PL92")``); empty for NUTS 2021 codes.
    changed : the NUTS version in which that territory changed (``PL12``: 2016), else None.
    city : the city name the place was found from (``"Munich"``), else None.
    resolved_by : how the name was resolved: ``key``, ``alias``, ``name``, ``code``, ``old code``,
        ``region name``, ``old region name`` or ``city``.
    query : the text that was resolved.
    note : a sentence to print with the place's figures when the resolution needs one (an old
        code, a city), else None.

    ``key``, ``aliases``, ``city``, ``resolved_by``, ``query`` and ``note`` do not take part in ``==``:
    two places are equal when they are the same region, ``place("Munich") == place("DE212")``.
    """

    key: str = field(compare=False)
    code: str
    name: str
    country: str
    level: int
    nuts3: str | None
    nuts2: str | None
    nuts1: str | None
    ris3_owner: str | None
    ris3_level: int | None
    aliases: tuple[str, ...] = field(default=(), compare=False, repr=False)
    nuts_version: int = 2021
    successors: tuple[str, ...] = ()
    changed: int | None = None
    city: str | None = field(default=None, compare=False)
    resolved_by: str = field(default="", compare=False, repr=False)
    query: str | None = field(default=None, compare=False, repr=False)
    note: str | None = field(default=None, compare=False, repr=False)

    @property
    def is_case_place(self) -> bool:
        """True for the six registered case places."""
        return bool(self.aliases) or self.key in _registry()

    @property
    def label(self) -> str:
        """``"Munich (DE212 München, Kreisfreie Stadt)"`` for a city, ``"Gironde (FRI12)"`` otherwise."""
        if self.city:
            return f"{self.city} ({self.code} {self.name})"
        return f"{self.name} ({self.code})"


_FIELDS = ("key", "code", "name", "country", "level", "nuts3", "nuts2", "nuts1", "ris3_owner", "ris3_level",
           "aliases")


def normalise(text: str) -> str:
    """Lower case without accents or extra spaces: ``"  București"`` -> ``"bucuresti"``."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("-", " ").split())


def _cached(name: str, compute):
    """``compute()`` remembered for the current snapshot (:func:`s3lib.data._store.remember`)."""
    return _store.remember((name,), compute)


def _registry() -> dict[str, Place]:
    def read():
        import pandas as pd

        path = _store.verified_path("places.csv", _store.data_dir())
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        reg = {}
        for r in rows.itertuples(index=False):
            reg[r.key] = Place(key=r.key, code=r.nuts3, name=r.name, country=r.country, level=3,
                               nuts3=r.nuts3, nuts2=r.nuts2, nuts1=r.nuts1, ris3_owner=r.ris3_owner,
                               ris3_level=int(r.ris3_level),
                               aliases=tuple(a for a in r.aliases.split(";") if a))
        return reg

    return _cached("places", read)


def _registry_names() -> dict[str, tuple[str, str]]:
    """Normalised key, code, name and aliases of the case places -> (key, how it matched)."""
    def compute():
        out = {}
        for p in _registry().values():
            for how, texts in (("alias", p.aliases), ("name", [p.name]), ("code", [p.code]), ("key", [p.key])):
                for t in texts:  # a key beats a code beats a name beats an alias; the first place wins
                    out.setdefault(normalise(t), {}).setdefault(how, p.key)
        order = ("key", "code", "name", "alias")
        return {n: next((hows[h], h) for h in order if h in hows) for n, hows in out.items()}

    return _cached("places:registry_names", compute)


def places():
    """The registered case places as a DataFrame (one row per place, index = key).

    >>> places().loc["frankfurt", "nuts3"]
    'DE712'
    """
    import pandas as pd

    rows = [{k: getattr(p, k) for k in _FIELDS} for p in _registry().values()]
    for row in rows:
        row["aliases"] = "; ".join(row["aliases"])
    return pd.DataFrame(rows).set_index("key")


# ----------------------------------------------------------------------------- tables
def _current():
    """NUTS 2021 regions indexed by code."""
    from s3lib.data import regions

    return _cached("places:regions2021", lambda: regions(nuts_version=2021).set_index("code"))


def _all_codes():
    """Every NUTS code 2006-2021 indexed by code, with the names of :data:`_OLD_NAMES` filled in."""
    def compute():
        import pandas as pd

        from s3lib.data import regions

        table = regions(nuts_version=None).set_index("code")
        missing = table["name"].isna() | (table["name"].astype(str) == "")
        fill = pd.Series(_OLD_NAMES).reindex(table.index)
        table["name"] = table["name"].where(~missing, fill)
        return table

    return _cached("places:regions_all", compute)


def _names():
    """Normalised NUTS 2021 names (Latin and native) -> codes; the same for older codes whose territory
    changed (names of codes without a NUTS 2021 successor)."""
    def compute():
        current, old = {}, {}
        table = _current()
        for code, name, native in zip(table.index, table["name"], table["name_native"]):
            for n in {normalise(name) if isinstance(name, str) else "", normalise(native) if isinstance(native, str) else ""}:
                if n:
                    current.setdefault(n, set()).add(code)
        everything = _all_codes()
        changed = everything[~everything["in_2021"] & everything["successor"].isna()]
        for code, name in zip(changed.index, changed["name"]):
            if isinstance(name, str) and name:
                old.setdefault(normalise(name), set()).add(code)
        return current, old

    return _cached("places:names", compute)


def _crosswalk():
    from s3lib.data import crosswalk

    return _cached("places:crosswalk", crosswalk)


def region_name(code: str) -> str:
    """The name of a NUTS code of any version 2006-2021 (``"PL12"`` -> ``"Mazowieckie"``): its name in the regions
    table, else an old name the registry knows, else the code itself."""
    def compute():
        from s3lib.data import regions

        table = regions(nuts_version=None).dropna(subset=["name"])
        return table.drop_duplicates("code").set_index("code")["name"]

    names = _cached("places:region_names", compute)
    return str(names[code]) if code in names.index else _name_of(code)


def _name_of(code: str) -> str:
    table = _all_codes()
    if code in table.index and isinstance(table.loc[code, "name"], str):
        return table.loc[code, "name"]
    return code


# ----------------------------------------------------------------------------- places from codes
def _from_region(code: str, regions) -> Place:
    row = regions.loc[code]
    level = int(row["level"])
    owner, owner_level = None, None
    for p in _registry().values():  # a region inside a registered RIS3 owner's territory
        if level >= p.ris3_level and code.startswith(p.ris3_owner):
            owner, owner_level = p.ris3_owner, p.ris3_level
    return Place(key=code.lower(), code=code, name=row["name"], country=row["country"], level=level,
                 nuts3=code if level == 3 else None, nuts2=row["nuts2"] or None if level >= 2 else None,
                 nuts1=row["nuts1"] or None if level >= 1 else None, ris3_owner=owner,
                 ris3_level=owner_level)


def _region_place(code: str) -> Place:
    """The case place of a NUTS 2021 code, or the plain region."""
    for p in _registry().values():
        if p.code == code:
            return p
    return _from_region(code, _current())


def _next_version(version: int) -> int | None:
    later = [v for v in NUTS_VERSIONS if v > version]
    return later[0] if later else None


def _old_place(code: str, text: str) -> Place:
    """An older NUTS code: its NUTS 2021 region when the territory is unchanged, else a place of that code."""
    row = _all_codes().loc[code]
    version = int(row["nuts_version"])
    successor = row["successor"]
    if isinstance(successor, str) and successor:
        p = _region_place(successor)
        note = f"{code} is the NUTS {version} code of {successor} {p.name} (same territory)."
        return dataclasses.replace(p, resolved_by="old code", query=text, note=note)
    cw = _crosswalk()
    flows = cw[(cw["from_code"] == code) & (cw["from_version"] == version)]
    successors = tuple(sorted(set(flows["to_code"])))
    changed = _next_version(version)
    level = int(row["level"])
    name = _name_of(code)
    listed = ", ".join(f"{s} {_name_of(s)}" for s in successors)
    if successors:
        predecessors = set(cw[(cw["to_code"].isin(successors)) & (cw["from_version"] == version)]["from_code"])
        verb = ("split" if len(successors) > 1 and predecessors == {code} else
                "merged with others" if len(successors) == 1 and len(predecessors) > 1 else
                "redrawn" if len(successors) > 1 else "changed")
        note = (f"{code} {name} is a NUTS {version} code; its territory was {verb} in NUTS {changed} "
                f"(NUTS 2021: {listed}).")
    else:
        note = f"{code} {name} is a NUTS {version} code with no NUTS 2021 successor in the crosswalk."
    nuts2, nuts1 = row["nuts2"], row["nuts1"]
    return Place(key=code.lower(), code=code, name=name, country=row["country"], level=level,
                 nuts3=code if level == 3 else None,
                 nuts2=nuts2 if level >= 2 and isinstance(nuts2, str) else None,
                 nuts1=nuts1 if level >= 1 and isinstance(nuts1, str) else None,
                 ris3_owner=None, ris3_level=None, nuts_version=version, successors=successors,
                 changed=changed, resolved_by="old code", query=text, note=note)


# ----------------------------------------------------------------------------- cities
def _gazetteer():
    from s3lib.data import gazetteer

    return gazetteer if gazetteer.available() else None


def _city_place(city, text: str, keyed: bool = True) -> Place:
    base = _region_place(city.nuts3)
    note = (f"{city.name} ({city.country}, {city.population:,} inhabitants in GeoNames) lies in "
            f"{base.code} {base.name}, NUTS 3.")
    p = dataclasses.replace(base, city=city.name, resolved_by="city", query=text, note=note)
    if keyed and not base.is_case_place:
        p = dataclasses.replace(p, key=_city_key(city) or base.key)
    return p


def _city_key(city) -> str | None:
    """A key that resolves back to the same city: its folded name, else with the country code."""
    from s3lib.data.gazetteer import fold

    stem = fold(city.name).replace(" ", "-")
    for key in (stem, f"{stem}-{city.country.lower()}"):
        try:
            again = _resolve(key, keyed=False)
        except UsageError:
            continue
        if again.code == city.nuts3 and again.city == city.name:
            return key
    return None


def _city_inside(text: str, region: str):
    """The largest city named ``text`` inside ``region`` (NUTS 2021 code), if any."""
    gaz = _gazetteer()
    if gaz is None:
        return None
    inside = [c for c in gaz.candidates(text) if c.nuts3 and c.nuts3.startswith(region)]
    return min(inside, key=lambda c: (c.tier, -c.population, c.geonameid)) if inside else None


# ----------------------------------------------------------------------------- resolution
def place(name) -> Place:
    """Resolve a place: a Place, a case place's key/name/alias, a NUTS code (2021 or older), a region
    name or a European city name (case- and accent-insensitive). See the module docstring for the order.

    Parameters
    ----------
    name : ``Place`` or str: ``"frankfurt"``, ``"Frankfurt am Main"``, ``"DE712"``, ``"Torino"``,
        ``"Bucuresti"``, ``"FRI1"``, ``"Gironde"``, ``"PL12"``, ``"Munich"``, ``"Warszawa"``,
        ``"Valencia, ES"``...

    Raises
    ------
    UnknownChoiceError
        with "did you mean" suggestions when nothing matches.
    UsageError
        when a name is ambiguous (region names of different territories, cities of similar size).

    Examples
    --------
    >>> place("Frankfurt am Main") == place("DE712") == place("frankfurt")
    True
    >>> place("Torino").nuts2
    'ITC1'
    >>> place("München").label
    'Munich (DE212 München, Kreisfreie Stadt)'
    >>> place("PL12").successors, place("PL12").changed
    (('PL91', 'PL92'), 2016)
    """
    if isinstance(name, Place):
        return name
    return _resolve(str(name))


def _resolve(text: str, keyed: bool = True) -> Place:
    wanted = normalise(text)
    registry = _registry()
    found = _registry_names().get(wanted)
    if found:
        return dataclasses.replace(registry[found[0]], resolved_by=found[1], query=text)
    table = _current()
    code = text.strip().upper()
    if code in table.index:
        return dataclasses.replace(_region_place(code), resolved_by="code", query=text)
    everything = _all_codes()
    if code in everything.index:
        return _old_place(code, text)
    current, old = _names()
    named = sorted(current.get(wanted, ()), key=len)
    hits = _nested(named)
    if len(hits) > 1:
        listed = ", ".join(f"{c} ({table.loc[c, 'name']})" for c in hits)
        raise UsageError(f"place name {text!r} is ambiguous: {listed}; give the NUTS code")
    if hits:
        code, top = hits[0], named[0]
        # A NUTS 2 region named after its city (Köln, Stuttgart, Praha; Leipzig DED5 whose NUTS 3
        # namesake DED52 is the district around the city): the city's own NUTS 3 region.
        if len(top) <= 4 and len(code) >= 4:
            city = _city_inside(text, top)
            if city is not None and city.nuts3 != code:
                return _city_place(city, text, keyed)
        return dataclasses.replace(_region_place(code), resolved_by="region name", query=text)
    hits = _nested(sorted(old.get(wanted, ()), key=len))
    if len(hits) == 1:
        return dataclasses.replace(_old_place(hits[0], text), resolved_by="old region name")
    gaz = _gazetteer()
    hint = None
    if gaz is not None:
        city, hint = gaz.find(text)
        if city is not None:
            return _city_place(city, text, keyed)
    choices = (gaz.names(min_population=0) if gaz is not None else []) + list(table["name"].dropna())
    choices += [p.key for p in registry.values()] + [a for p in registry.values() for a in p.aliases]
    more = "; or a NUTS code (2021 or older) such as DE712" + ("; or a European city name" if gaz else "")
    raise UnknownChoiceError("place", text, choices,
                             hint=(f"{hint}; " if hint else "") + "case places: " + ", ".join(registry) + more)


def _nested(hits: list[str]) -> list[str]:
    """One territory at several levels (Berlin DE3/DE30/DE300): the most detailed code."""
    if len(hits) > 1 and all(h.startswith(hits[0]) for h in hits) and len({len(h) for h in hits}) == len(hits):
        return hits[-1:]
    return hits


# ----------------------------------------------------------------------------- levels
def require_level(where, level: int = 2, *, what: str = "industry figures") -> Place:
    """The place, if it is at NUTS ``level`` or finer; else a :class:`UsageError` naming its regions.

    Parameters
    ----------
    where : a Place or anything :func:`place` resolves.
    level : the coarsest NUTS level accepted (2: NUTS 2 or NUTS 3).
    what : what needs the level, for the message.

    Raises
    ------
    UsageError
        ``"DE7 (Hessen) is a NUTS1 region; industry figures need a NUTS2 or NUTS3 place; its NUTS2
        regions: DE71 Darmstadt, DE72 Gießen, DE73 Kassel"``; ``suggestions`` lists the codes.
    """
    p = place(where)
    if p.level >= level:
        return p
    inside = _regions_inside(p, level)
    shown = ", ".join(f"{c} {_name_of(c)}" for c in inside[:12])
    if len(inside) > 12:
        shown += f" and {len(inside) - 12} more"
    kind = f"a NUTS{p.level} region" + (" (a country)" if p.level == 0 else "")
    levels = [f"NUTS{n}" for n in range(level, 4)] or [f"NUTS{level}"]
    need = levels[0] if len(levels) == 1 else ", ".join(levels[:-1]) + " or " + levels[-1]
    message = f"{p.code} ({p.name}) is {kind}; {what} need a {need} place"
    message += f"; its NUTS{level} regions: {shown}" if inside else ""
    error = UsageError(message)
    error.suggestions = inside
    raise error


def _regions_inside(p: Place, level: int) -> list[str]:
    if p.nuts_version == 2021:
        table = _current()
        return sorted(c for c, lv in zip(table.index, table["level"]) if lv == level and c.startswith(p.code))
    table = _all_codes()
    version = str(p.nuts_version)
    return sorted(c for c, lv, vs in zip(table.index, table["level"], table["versions"])
                  if lv == level and c.startswith(p.code) and version in str(vs).split(","))

