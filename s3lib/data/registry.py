"""Places: the six case places of the suite, and any NUTS 2021 region.

The registry ``data/places.csv`` names the case places (Frankfurt am Main DE712,
Bordeaux FRI12, Bilbao ES213, Turin ITC11, Bucharest RO321, Porto PT11A) with
their NUTS 2 and NUTS 1 regions and the region that owns their RIS3 strategy
(Hessen DE7 and Nouvelle-Aquitaine FRI at NUTS 1, the others at NUTS 2).
Any valid NUTS 2021 code, or the unique name of a NUTS 2021 region, is a place too.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from s3lib.data import _store
from s3lib.errors import UnknownChoiceError, UsageError

__all__ = ["Place", "normalise", "place", "places"]


@dataclass(frozen=True)
class Place:
    """A place of the suite: a NUTS 2021 region, with its parents and RIS3 owner.

    Attributes
    ----------
    key : short lower-case name (``"frankfurt"``) or the code in lower case for other regions.
    code : the place's own NUTS 2021 code (NUTS 3 for the case places).
    name, country, level : name, ISO country code, NUTS level of ``code``.
    nuts3, nuts2, nuts1 : the place's NUTS codes at each level (``None`` above its level).
    ris3_owner, ris3_level : the region owning the RIS3 strategy and its NUTS level
        (``None`` when not known: only the case places' owners are registered).
    """

    key: str
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

    @property
    def is_case_place(self) -> bool:
        """True for the six registered case places."""
        return bool(self.aliases) or self.key in _registry()


def normalise(text: str) -> str:
    """Lower case without accents or extra spaces: ``"  București"`` -> ``"bucuresti"``."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("-", " ").split())


def _registry() -> dict[str, Place]:
    import pandas as pd

    folder = _store.data_dir()
    key = (folder, "places")
    if key not in _store._TABLES:
        path = _store.verified_path("places.csv", folder)
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        reg = {}
        for r in rows.itertuples(index=False):
            reg[r.key] = Place(key=r.key, code=r.nuts3, name=r.name, country=r.country, level=3,
                               nuts3=r.nuts3, nuts2=r.nuts2, nuts1=r.nuts1, ris3_owner=r.ris3_owner,
                               ris3_level=int(r.ris3_level),
                               aliases=tuple(a for a in r.aliases.split(";") if a))
        _store._TABLES[key] = reg
    return _store._TABLES[key]


def places():
    """The registered case places as a DataFrame (one row per place, index = key).

    >>> places().loc["frankfurt", "nuts3"]  # doctest: +SKIP
    'DE712'
    """
    import pandas as pd

    rows = [{k: v for k, v in vars(p).items()} for p in _registry().values()]
    for row in rows:
        row["aliases"] = "; ".join(row["aliases"])
    return pd.DataFrame(rows).set_index("key")


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


def place(name: str) -> Place:
    """Resolve a place by key, name, alias, NUTS 2021 code or region name (case- and accent-insensitive).

    A region name shared by nested codes of one territory (``"Comunidad de Madrid"``:
    ES3, ES30, ES300) resolves to the most detailed code; a name shared by different
    territories is an error listing them.

    Parameters
    ----------
    name : ``"frankfurt"``, ``"Frankfurt am Main"``, ``"DE712"``, ``"Torino"``, ``"Bucuresti"``,
        ``"FRI1"``, ``"Gironde"``...

    Raises
    ------
    UnknownChoiceError
        with "did you mean" suggestions when nothing matches.

    Examples
    --------
    >>> place("Frankfurt am Main") == place("DE712") == place("frankfurt")  # doctest: +SKIP
    True
    >>> place("Torino").nuts2  # doctest: +SKIP
    'ITC1'
    """
    from s3lib.data import regions as _regions

    wanted = normalise(name)
    registry = _registry()
    for p in registry.values():
        if wanted in {normalise(x) for x in (p.key, p.name, p.code, *p.aliases)}:
            return p
    table = _regions(nuts_version=2021).set_index("code")
    code = str(name).strip().upper()
    if code not in table.index:
        by_name = table.index[table["name"].map(normalise) == wanted]
        by_native = table.index[table["name_native"].map(normalise) == wanted]
        hits = sorted(set(by_name) | set(by_native), key=len)
        if len(hits) > 1 and all(h.startswith(hits[0]) for h in hits) and len({len(h) for h in hits}) == len(hits):
            hits = hits[-1:]  # one territory at several levels (Berlin DE3/DE30/DE300): the most detailed
        if len(hits) > 1:
            listed = ", ".join(f"{c} ({table.loc[c, 'name']})" for c in hits)
            raise UsageError(f"place name {name!r} is ambiguous: {listed}; give the NUTS code")
        if not hits:
            choices = [p.key for p in registry.values()] + [a for p in registry.values() for a in p.aliases]
            raise UnknownChoiceError("place", name, choices + list(table["name"]),
                                     hint="case places: " + ", ".join(registry)
                                     + "; or any NUTS 2021 code such as DE712")
        code = hits[0]
    for p in registry.values():
        if p.code == code:
            return p
    return _from_region(code, table)
