"""French private employment by commune x activity (URSSAF), and the territories it reaches.

URSSAF's open table of private-sector employees and employer establishments by commune x APE code (NAF
rév. 2 sub-class), yearly since 2006 ("Source : Urssaf", Licence Ouverte / Etalab 2.0), built by
:mod:`s3lib.data.build_urssaf`. The bundled snapshot holds an extract for the Rouen area (the 71
communes of the Métropole Rouen Normandie and parts of eight neighbouring intercommunalities,
2006-2022); ``s3lib data fetch urssaf --territory ...`` builds the same tables for any French territory,
with the national totals by APE code (:func:`national`).

Read it for what it is:

- **Private employers' employees** at the establishment's commune: not the self-employed, not the civil
  service or other public employers. Finance, private health, private education and the services the
  business statistics leave out are in it.
- **Blank = no value published**, never zero: sums are sums of the published cells and count the blanks.
- Temporary agency workers count at the agency (7820Z), not at the firm that uses them.

Examples
--------
>>> import s3lib.data as d
>>> t = d.urssaf_territory("Rouen")
>>> t.kind, t.code, t.name, len(t.communes)
('epci', '200023414', 'Métropole Rouen Normandie', 71)
>>> int(d.urssaf_employment(year=2022, communes=t.communes)["employees"].sum())
163452
"""
from __future__ import annotations

from dataclasses import dataclass

from s3lib.data import _store
from s3lib.errors import UnknownChoiceError, UsageError

__all__ = [
    "COUNTRY",
    "KINDS",
    "SOURCE_URSSAF",
    "Territory",
    "naf",
    "national",
    "national_source",
    "urssaf_communes",
    "urssaf_employment",
    "urssaf_territories",
    "urssaf_territory",
]

#: The one country the URSSAF data cover.
COUNTRY = "FR"
#: Territory kinds, finest first, as the user may name them.
KINDS = ("commune", "epci", "zone_emploi", "departement", "nuts3")
_KIND_WORDS = {"commune": "commune", "epci": "intercommunality (EPCI)", "zone_emploi": "employment zone",
               "departement": "département", "nuts3": "NUTS3 region"}
#: The source line of every figure drawn from the URSSAF data.
SOURCE_URSSAF = ("Source: Urssaf, private-sector employees by commune x APE code (NAF rév. 2), Licence Ouverte / "
                 "Etalab 2.0; private employers only (no self-employed, no public sector); blank cells are not "
                 "published, never zero.")
_FILE = "urssaf_employment.parquet"
_NATIONAL = "urssaf_france.parquet"
_FETCH = 's3lib data fetch urssaf --territory "<name or code>"'


def _present(name: str) -> bool:
    return any(e["file"] == name for e in _store.manifest()["files"])


def _need() -> None:
    if not _present(_FILE):
        raise UsageError(f"this data snapshot has no URSSAF tables; rebuild it with `make data` or fetch them with "
                         f"`{_FETCH}`")


def urssaf_employment(year=None, communes=None, ape=None):
    """Private-sector employees and employer establishments by commune x APE code x year.

    Parameters
    ----------
    year : int, list or None
        Years of the data (2006-2022 in the bundled extract); None = all.
    communes : str, list or None
        INSEE commune codes (``"76540"``); None = all communes of the snapshot.
    ape : str, list or None
        APE codes (NAF rév. 2 sub-classes, ``"3030Z"``); None = all.

    Returns
    -------
    DataFrame
        ``commune, ape, year, employees, establishments``; counts are float64 and **NaN where the source
        publishes no value** (a blank cell is not zero).

    Examples
    --------
    >>> t = urssaf_employment(year=2022, ape="3030Z")
    >>> t[["commune", "employees"]].to_dict("records")
    [{'commune': '76165', 'employees': 415.0}]
    """
    from s3lib.data import _as_list, _years

    _need()
    df = _store.cached_table(_FILE)
    years = _years(year, df["year"].unique())
    codes = _as_list(communes)
    codes = None if codes is None else [str(c).strip() for c in codes]
    if codes is not None:
        unknown = sorted(set(codes) - set(df["commune"].cat.categories))
        if unknown:
            raise UnknownChoiceError("commune code", unknown[0], [], hint="INSEE commune codes of the URSSAF data")
    apes = _as_list(ape)
    apes = None if apes is None else [str(c).strip().upper() for c in apes]
    if apes is not None:
        unknown = [c for c in apes if c not in set(df["ape"].cat.categories)]
        if unknown:
            raise UnknownChoiceError("APE code", unknown[0], df["ape"].cat.categories,
                                     hint="NAF rév. 2 sub-classes such as 3030Z")
    key = ("urssaf", None if years is None else tuple(years), None if codes is None else tuple(codes),
           None if apes is None else tuple(apes))
    return _store.selection(df, key, lambda: _rows(df, years, codes, apes))


def _rows(df, years, codes, apes):
    import numpy as np

    mask = np.ones(len(df), dtype=bool)
    if years is not None:
        mask &= df["year"].isin(years).to_numpy()
    if codes is not None:
        mask &= df["commune"].isin(codes).to_numpy()
    if apes is not None:
        mask &= df["ape"].isin(apes).to_numpy()
    out = df[mask].reset_index(drop=True)
    out["commune"], out["ape"] = out["commune"].astype(str), out["ape"].astype(str)
    return out


def urssaf_communes():
    """The communes of the URSSAF data with their EPCI, employment zone, département, région and NUTS3 region
    (codes and names as the source gives them; ``nuts3`` matched on the NUTS 2021 names)."""
    _need()
    return _store.table("urssaf_communes.parquet").copy()


def urssaf_territories(kind=None):
    """Territories the URSSAF data reach: ``kind, code, name, communes`` (in the data), ``complete`` (``yes``:
    the data hold every commune of it; ``no``; ``unknown``) and ``why``.

    >>> t = urssaf_territories("epci").set_index("code")
    >>> t.loc["200023414", "name"], int(t.loc["200023414", "communes"]), t.loc["200023414", "complete"]
    ('Métropole Rouen Normandie', 71, 'yes')
    """
    _need()
    df = _store.table("urssaf_territories.parquet")
    if kind is not None:
        if kind not in KINDS:
            raise UnknownChoiceError("territory kind", kind, KINDS)
        df = df[df["kind"] == kind]
    return df.reset_index(drop=True).copy()


def naf(level=None):
    """The NAF rév. 2 hierarchy of the APE codes in the data: ``ape`` (sub-class) -> ``nace_class`` (``C3030``)
    -> ``group`` -> ``division`` -> ``section``, with the source's French labels (``ape_name``,
    ``division_name``) and the English NACE class name (``class_name``).

    ``level`` = ``"class"``, ``"group"``, ``"division"`` or ``"section"`` gives one row per code of that level
    with the number of sub-classes in the data (``subclasses``); None = one row per sub-class.
    """
    _need()
    df = _store.table("naf.parquet")
    if level is None:
        return df.copy()
    column = {"class": "nace_class", "group": "group", "division": "division", "section": "section"}
    if level not in column:
        raise UnknownChoiceError("NAF level", level, ["class", "group", "division", "section"])
    out = df.groupby(column[level], as_index=False).agg(subclasses=("ape", "size"))
    return out.rename(columns={column[level]: "code"})


def national(year=None):
    """France's private-sector employees by APE code (the portal's national table), or None when the snapshot
    has none (the bundled one has none: ``s3lib data fetch urssaf`` adds it). ``ape, year, employees``; NaN =
    blank."""
    if not _present(_NATIONAL):
        return None
    df = _store.table(_NATIONAL)
    if year is not None:
        df = df[df["year"].isin([int(y) for y in ([year] if isinstance(year, int) else year)])]
    out = df.reset_index(drop=True).copy()
    out["ape"] = out["ape"].astype(str)
    return out


def national_source() -> str | None:
    """Where :func:`national` comes from (URL and download date), or None."""
    for e in _store.manifest()["files"]:
        if e["file"] == _NATIONAL:
            return f"{e.get('source', '')} ({e.get('vintage', '')})"
    return None


# --------------------------------------------------------------------------- places
@dataclass(frozen=True)
class Territory:
    """A territory of the URSSAF data: ``kind`` (:data:`KINDS`), ``code``, ``name``, its ``communes`` in the
    data, ``complete`` (``yes``, ``no``, ``unknown``) with ``why``, the text it was asked by (``asked``) and
    ``note``: which territory the figures are for and why, when the name asked for reached another one."""

    kind: str
    code: str
    name: str
    communes: tuple
    complete: str
    why: str
    asked: str
    note: str | None = None

    @property
    def label(self) -> str:
        """``"Métropole Rouen Normandie (EPCI 200023414)"``."""
        word = {"epci": "EPCI", "zone_emploi": "employment zone", "departement": "département", "nuts3": "NUTS3",
                "commune": "commune"}[self.kind]
        return f"{self.name} ({word} {self.code})"

    @property
    def key(self) -> str:
        """A file-name key: ``epci-200023414``."""
        return f"{self.kind}-{self.code}".lower()


def urssaf_territory(place, kind=None, partial: bool = False) -> Territory:
    """Resolve a place to a territory of the URSSAF data, by name or code.

    Codes: an INSEE commune (``"76540"``), an EPCI (9 digits), an employment zone (4 digits), a département
    (``"76"``, ``"2A"``, ``"971"``) or its NUTS3 region (``"FRD22"``). Names are matched ignoring case and
    accents. **A commune's name reaches its intercommunality** when the data hold all of it: a city's economy is
    its EPCI (the métropole runs economic development), not the central commune alone; the note says so, and
    ``kind="commune"`` asks for the commune itself.

    Parameters
    ----------
    place : str
    kind : str, optional
        One of :data:`KINDS`, to choose among territories of the same name or code.
    partial : bool
        Accept a territory the data hold only part of (``complete == "no"``); by default it is refused, since
        its figures would describe the extract, not the territory.

    Raises
    ------
    UsageError
        Unknown place (with suggestions and how to fetch it), or a territory the data hold only in part.

    Examples
    --------
    >>> urssaf_territory("Rouen").note.split(", the")[0]
    "'Rouen' is the commune 76540: its figures are for Métropole Rouen Normandie (EPCI 200023414, 71 communes)"
    >>> urssaf_territory("Rouen", kind="commune").label
    'Rouen (commune 76540)'
    """
    from s3lib.data.registry import normalise

    if kind is not None and kind not in KINDS:
        raise UnknownChoiceError("territory kind", kind, KINDS)
    asked = str(place).strip()
    if not asked:
        raise UsageError("empty place: give a commune, an EPCI, an employment zone, a département or its NUTS3 code")
    table = urssaf_territories()
    kinds = [kind] if kind else list(KINDS)
    table = table[table["kind"].isin(kinds)]
    by_code = table[table["code"].str.upper() == asked.upper()]
    hits = by_code if len(by_code) else table[table["name"].map(normalise) == normalise(asked)]
    if hits.empty:
        names = sorted(set(urssaf_territories()["name"]))
        raise UnknownChoiceError("French territory", asked, names, hint=(
            f"the URSSAF data of this snapshot reach {_reach()}; fetch another territory with `{_FETCH}`"))
    order = {k: i for i, k in enumerate(["epci", "commune", "departement", "nuts3", "zone_emploi"])}
    row = hits.assign(_o=hits["kind"].map(order)).sort_values("_o").iloc[0]
    note = None
    if row["kind"] == "commune" and kind != "commune":
        commune = urssaf_communes().set_index("commune").loc[row["code"]]
        epci = urssaf_territories("epci").set_index("code")
        if commune["epci"] in epci.index and epci.loc[commune["epci"], "complete"] == "yes":
            e = epci.loc[commune["epci"]]
            note = (f"{asked!r} is the commune {row['code']}: its figures are for {e['name']} (EPCI {commune['epci']}, "
                    f"{e['communes']} communes), the intercommunality the commune belongs to and the scale of its "
                    f"economy; ask for kind='commune' for the commune alone")
            row = epci.loc[[commune["epci"]]].reset_index().iloc[0]
    return _territory(row, asked, note, partial)


def _territory(row, asked: str, note, partial: bool) -> Territory:
    if row["complete"] == "no" and not partial:
        complete = urssaf_territories()
        complete = complete[(complete["complete"] == "yes") & (complete["kind"] != "commune")]
        raise UsageError(f"the URSSAF data of this snapshot hold only part of {row['name']} ({_KIND_WORDS[row['kind']]} "
                         f"{row['code']}; {row['why']}): its figures would describe the "
                         f"extract, not the territory. Complete here: {', '.join(complete['name']) or 'none'}; "
                         f"fetch it whole with `{_FETCH}`")
    communes = urssaf_communes()
    column = row["kind"]
    members = tuple(sorted(communes.loc[communes[column] == row["code"], "commune"]))
    if row["complete"] != "yes":
        extra = (f"the data hold only part of {row['name']} ({row['why']}): the figures are for its "
                 f"{len(members)} communes in the data, not the whole territory" if row["complete"] == "no" else
                 f"the data may not hold every commune of {row['name']} ({row['why']})")
        note = f"{note}; {extra}" if note else extra
    return Territory(row["kind"], row["code"], row["name"], members, row["complete"], row["why"], asked, note)


def _reach() -> str:
    t = urssaf_territories()
    complete = t[(t["complete"] == "yes") & (t["kind"] != "commune")]
    deps = t[t["kind"] == "departement"]
    return (f"{len(t[t['kind'] == 'commune'])} communes of {', '.join(deps['name'])}"
            + (f", complete for {', '.join(complete['name'])}" if len(complete) else ""))
