"""French cities at their own scale: the URSSAF activity space of one territory (issue 21).

The business statistics see a French city only through its NUTS2 region, by NACE division, up to 2015.
URSSAF's private employment by commune x APE code (:mod:`s3lib.data.urssaf`) sees the city itself, by NAF
class, up to 2022, including finance, insurance and private health. :func:`city` gives the view of one
territory (a commune's name reaches its intercommunality, "Rouen" the Métropole Rouen Normandie, with a
note), with its activities at any NAF level, their growth, and location quotients against a reference that
is **never the data's own territory** (an extract's sum is not an economy):

* **France's private employees by APE code** (the portal's national table, same source and concept), when
  the snapshot has it (``s3lib data fetch urssaf`` adds it): an LQ for every level down to the class;
* otherwise, offline, **France in Eurostat's business statistics** (``sbs_r_nuts06_r2``, NUTS0 FR, persons
  employed by NACE division, the nearest year with French data in 2010-2015), for divisions in their scope
  only: another concept (persons employed, self-employed included, against private employees) and often
  another year, so each figure names its reference. Divisions outside their scope (finance K, health Q,
  education P, ...) and classes get no LQ offline, and the notes say so.

Shares in an LQ against the business statistics are taken within the divisions both sources publish:
``LQ_d = (x_d / sum_{d' in D} x_d') / (N_d / sum_{d' in D} N_d')``, ``D`` = divisions with a French value.
A sum of URSSAF cells is the sum of the published cells; blank cells are counted beside it, never zero.

Examples
--------
>>> v = city("Rouen")
>>> v.territory.name, v.year, v.base_year
('Métropole Rouen Normandie', 2022, 2006)
>>> int(v.total(2022)), int(v.total(2006))
(163452, 163164)
>>> d = v.activities("division").table
>>> d.loc["K65", "lq_reference"]
'none offline: outside the business statistics (fetch the national URSSAF table)'
"""
from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from s3lib.data import _store
from s3lib.data.urssaf import COUNTRY
from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.result import Result

__all__ = ["LEVELS", "REFERENCE_NATIONAL", "REFERENCE_NONE", "REFERENCE_SBS", "CityView", "city", "hierarchy"]

#: Activity levels of the NAF hierarchy, finest first.
LEVELS = ("subclass", "class", "group", "division", "section")
REFERENCE_NATIONAL = "France, private employees by APE code (URSSAF national table)"
REFERENCE_SBS = "France, persons employed by NACE division (Eurostat SBS, NUTS0 FR)"
REFERENCE_NONE = "none offline"
_NO_SBS = f"{REFERENCE_NONE}: outside the business statistics (fetch the national URSSAF table)"
_NO_CLASS = f"{REFERENCE_NONE}: France's employment by class is not bundled (fetch the national URSSAF table)"
_FETCH = "s3lib data fetch urssaf"


def city(place, year=None, base_year=None, kind=None, partial: bool = False) -> CityView:
    """The view of a French territory in the URSSAF data (:class:`CityView`), cached per snapshot.

    Parameters
    ----------
    place : str
        A commune, an EPCI, an employment zone, a département or a NUTS3 code, by name or code
        (:func:`s3lib.data.urssaf_territory`; a commune's name reaches its intercommunality).
    year, base_year : int, optional
        The year of the figures and the start of the growth period (default: the last and the first year of
        the data, 2022 and 2006 in the bundled extract).
    kind, partial : as in :func:`s3lib.data.urssaf_territory`.
    """
    from s3lib import data

    territory = data.urssaf_territory(place, kind=kind, partial=partial)
    years = sorted(int(y) for y in data.urssaf_employment(communes=territory.communes[:1])["year"].unique())
    year = years[-1] if year is None else _year(year, years, "year")
    base_year = years[0] if base_year is None else _year(base_year, years, "base_year")
    if base_year >= year:
        raise UsageError(f"base_year ({base_year}) must come before year ({year})")
    key = ("city", territory, year, base_year)
    return _store.remember(key, lambda: CityView(territory, year, base_year))


def _year(value, years, name) -> int:
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) not in years:
        raise UnknownChoiceError(name, value, [], hint=f"the URSSAF data have {years[0]}-{years[-1]}")
    return int(value)


def hierarchy(apes) -> pd.DataFrame:
    """The NAF levels of APE codes (any, not only those of the snapshot): index ``ape``, columns ``subclass``,
    ``class`` (``C3030``), ``group``, ``division``, ``section``; NaN for a code that is not a NAF sub-class."""
    from s3lib import data

    classes = data.nace("class").set_index("plain")["code"]
    apes = pd.Index([str(a) for a in apes], name="ape")
    plain = apes.str[:2] + "." + apes.str[2:4]
    code = pd.Series(classes.reindex(plain).to_numpy(), index=apes)
    out = pd.DataFrame({"subclass": apes.where(code.notna().to_numpy()), "class": code,
                        "group": code.str[:4], "division": code.str[:3], "section": code.str[:1]}, index=apes)
    return out


class CityView:
    """A French territory in the URSSAF data, in one year, with a base year for growth (see the module)."""

    def __init__(self, territory, year: int, base_year: int):
        self.territory, self.year, self.base_year = territory, year, base_year

    def __repr__(self) -> str:
        return f"CityView({self.territory.label}, year={self.year}, base_year={self.base_year})"

    @property
    def label(self) -> str:
        """``"Métropole Rouen Normandie (EPCI 200023414)"``."""
        return self.territory.label

    @property
    def source(self) -> str:
        """The source line of every figure of the view."""
        from s3lib.data.urssaf import SOURCE_URSSAF

        return f"{SOURCE_URSSAF} Territory: {self.label}, {len(self.territory.communes)} communes."

    # ------------------------------------------------------------------ counts
    @cached_property
    def _rows(self) -> pd.DataFrame:
        from s3lib import data

        rows = data.urssaf_employment(communes=self.territory.communes)
        rows["blank"] = rows["employees"].isna()
        return rows

    @cached_property
    def _panel(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """APE x year: employees (sum of published cells, NaN when all blank) and blank cells."""
        g = self._rows.groupby(["ape", "year"])
        employees = g["employees"].sum(min_count=1).unstack("year")
        blanks = g["blank"].sum().unstack("year").astype(int)
        return employees, blanks

    def total(self, year: int | None = None) -> float:
        """All private employees of the territory in ``year`` (the published cells)."""
        employees, _ = self._panel
        return float(employees[self.year if year is None else _year(year, list(employees.columns), "year")].sum())

    def employment(self, level: str = "class", year: int | None = None) -> pd.DataFrame:
        """``employees`` (sum of the published cells; NaN when every cell is blank) and ``blank`` (cells without a
        value) by code of ``level`` in ``year``."""
        level = _level(level)
        year = self.year if year is None else _year(year, list(self._panel[0].columns), "year")
        employees, blanks = self._panel
        codes = hierarchy(employees.index)[level]
        out = pd.DataFrame({"employees": employees[year].groupby(codes.to_numpy()).sum(min_count=1),
                            "blank": blanks[year].groupby(codes.to_numpy()).sum()})
        out.index.name = level
        return out

    # ------------------------------------------------------------------ references
    def national(self, level: str, year: int | None = None):
        """France's private employees by code of ``level`` (URSSAF national table), or None when the snapshot has
        none for ``year``: ``(Series, total, source)``."""
        from s3lib.data import urssaf

        year = self.year if year is None else year
        table = urssaf.national(year)
        if table is None or table.empty or table["employees"].notna().sum() == 0:
            return None
        codes = hierarchy(table["ape"])[_level(level)]
        series = table["employees"].groupby(codes.to_numpy()).sum(min_count=1)
        return series, float(table["employees"].sum()), urssaf.national_source()

    def sbs(self, year: int | None = None) -> pd.DataFrame:
        """France's persons employed by NACE division in the business statistics, per division in the year
        nearest to ``year`` (default :attr:`year`) in which France publishes it (ties: the later year):
        ``value`` and ``year``. Divisions France never publishes (confidential in every year) are left out."""
        return _sbs_reference(self.year if year is None else int(year))

    def lq(self, level: str = "class", year: int | None = None) -> pd.DataFrame:
        """LQ of every code of ``level`` and the reference it used (``lq``, ``lq_reference``).

        With the national URSSAF table: ``(x_i / X) / (N_i / N)`` for every code, X and N all private employees.
        Offline: divisions in the business statistics' scope against France's persons employed (shares within
        the divisions both publish, see the module); every other code ``NaN`` with the reason."""
        level = _level(level)
        year = self.year if year is None else year
        x = self.employment(level, year)["employees"]
        national = self.national(level, year)
        if national is not None:
            n, n_total, source = national
            lq = (x / self.total(year)) / (n.reindex(x.index) / n_total)
            ref = np.where(lq.notna(), f"{REFERENCE_NATIONAL}, {year}", f"{REFERENCE_NATIONAL}: no value")
            return pd.DataFrame({"lq": lq.replace([np.inf, -np.inf], np.nan), "lq_reference": ref}, index=x.index)
        if level != "division":
            return pd.DataFrame({"lq": np.nan, "lq_reference": _NO_CLASS}, index=x.index)
        sbs = self.sbs(year)
        n = sbs["value"]
        scope = n[n > 0].index
        share_x = x / x.reindex(scope).sum()
        share_n = n.reindex(x.index) / n.reindex(scope).sum()
        lq = (share_x / share_n).where(x.index.isin(scope))
        used = sbs["year"].reindex(x.index)
        published = set(_sbs_divisions())
        ref = [f"{REFERENCE_SBS}, {int(y)}" if code in scope else
               (f"{REFERENCE_NONE}: no French value in the business statistics" if code in published else _NO_SBS)
               for code, y in zip(x.index, used)]
        return pd.DataFrame({"lq": lq, "lq_reference": ref}, index=x.index)

    # ------------------------------------------------------------------ the table people read
    def activities(self, level: str = "class") -> Result:
        """The territory's activities at ``level``: employment, growth and LQ, with the notes that go with them.

        Columns: ``name``, ``section``, ``employees`` (:attr:`year`), ``blank``, ``share`` (of all private
        employees of the territory), ``employees_base`` (:attr:`base_year`), ``change``, ``growth`` (relative,
        NaN when the base is missing or 0), ``lq``, ``lq_reference``; at class, group and sub-class level
        offline also ``division_lq`` (the LQ of the code's division against the business statistics, context
        only) and ``division``.
        """
        level = _level(level)
        now, base = self.employment(level), self.employment(level, self.base_year)
        table = pd.DataFrame({"name": _names(level, now.index)})
        codes = hierarchy(self._panel[0].index).drop_duplicates(level).set_index(level)
        table["section"] = codes["section"].reindex(table.index)
        if level in ("subclass", "class", "group"):
            table["division"] = codes["division"].reindex(table.index)
        table["employees"] = now["employees"]
        table["blank"] = now["blank"]
        table["share"] = now["employees"] / self.total()
        table["employees_base"] = base["employees"].reindex(table.index)
        table["change"] = table["employees"] - table["employees_base"]
        table["growth"] = (table["employees"] / table["employees_base"].where(table["employees_base"] > 0)) - 1
        table = table.join(self.lq(level))
        offline = self.national(level) is None
        if offline and "division" in table:
            division = self.lq("division")["lq"]
            table["division_lq"] = table["division"].map(division)
        table = table.sort_values("employees", ascending=False, na_position="last")
        return Result(table, self._notes(level, table, offline), self._params(level, offline))

    def clusters(self, scheme: str = "uscmp") -> Result:
        """The territory's clusters read on NACE classes (:func:`s3lib.study.city_clusters.clusters`)."""
        from s3lib.study.city_clusters import clusters

        return clusters(self, scheme)

    def declared(self, city: str | None = None) -> Result:
        """A city's declared clusters read on the territory's classes (:func:`s3lib.study.city_clusters.declared`)."""
        from s3lib.study.city_clusters import declared

        return declared(self, city)

    def _params(self, level: str, offline: bool) -> dict:
        years = sorted(set(self.sbs()["year"])) if offline else [self.year]
        return {"territory": self.territory.code, "kind": self.territory.kind, "name": self.territory.name,
                "year": self.year, "base_year": self.base_year, "level": level,
                "reference": REFERENCE_SBS if offline else REFERENCE_NATIONAL, "reference_years": years}

    def _notes(self, level: str, table: pd.DataFrame, offline: bool) -> list[str]:
        blank = int(self._rows.loc[self._rows["year"] == self.year, "blank"].sum())
        notes = [self.territory.note, self.source,
                 f"{blank} commune x sub-class cells have no value published in {self.year}: not counted "
                 f"(missing is not zero).",
                 f"Growth {self.base_year}-{self.year}: change in published private employees; codes without a "
                 f"value in {self.base_year} have no growth."]
        if not offline:
            notes.append(f"LQ against {REFERENCE_NATIONAL} ({self.national(level)[2]}), {self.year}: same source and "
                         f"concept; the territory's own data are never the reference.")
            return notes
        lq = self.lq("division")
        scope = lq[lq["lq"].notna()].index
        outside = lq[lq["lq_reference"] == _NO_SBS].index
        used = self.sbs()["year"].value_counts()
        years = ", ".join(f"{int(y)}: {n}" for y, n in used.sort_index().items())
        notes.append(
            f"LQ only for NACE divisions, against {REFERENCE_SBS}, each division in the year nearest to {self.year} "
            f"with a French value (divisions per year {years}; the business statistics end in 2015): persons employed, self-employed "
            f"included, against private employees, so divisions with many self-employed read low; shares within "
            f"the {len(scope)} divisions both publish.")
        sections = sorted({c[0] for c in outside})
        if len(outside):
            notes.append(f"No LQ offline for {len(outside)} divisions outside the business statistics (sections "
                         f"{', '.join(sections)}: finance, public and personal services, ...): the national URSSAF "
                         f"table gives them one (`{_FETCH}`).")
        if level != "division":
            notes.append(f"No {level}-level LQ offline: France's employment by {level} is not bundled "
                         f"(`{_FETCH}` adds the national URSSAF table by APE code); division_lq is the LQ of the "
                         f"code's division, context only.")
        return notes


def _level(level) -> str:
    if level not in LEVELS:
        raise UnknownChoiceError("NAF level", level, LEVELS)
    return level


def _names(level: str, codes) -> pd.Series:
    from s3lib import data

    if level == "subclass":
        names = data.naf().set_index("ape")["ape_name"]
    else:
        names = data.nace(level).set_index("code")["name"]
    return pd.Series(names.reindex(codes).to_numpy(), index=pd.Index(codes, name=level), dtype=object)


def _sbs_divisions() -> list[str]:
    """The NACE divisions of the business statistics (their scope: B-N without K, and S95)."""
    from s3lib import data

    return sorted(data.employment(level=0, year=None, countries=COUNTRY, nace_level="division")["nace"].unique())


def _sbs_reference(year: int) -> pd.DataFrame:
    from s3lib import data

    t = data.employment(level=0, year=None, countries=COUNTRY, nace_level="division")
    t = t[t["value"].notna()].assign(distance=(t["year"] - year).abs())
    if t.empty:
        raise UsageError("the business statistics of this snapshot have no French divisions: no offline reference")
    best = t.sort_values(["nace", "distance", "year"], ascending=[True, True, False]).drop_duplicates("nace")
    out = best.set_index("nace")[["value", "year"]].astype({"value": float, "year": int})
    out.index.name = "division"
    return out
