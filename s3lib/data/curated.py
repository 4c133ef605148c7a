"""Loaders of the hand-written tables of the snapshot that have no module of their own.

* :func:`city_segmentations` - ``data/city_segmentations.csv``: the clusters and sectors each case
  city declares (annual reports, strategies, cluster organisations), one row per city x list x
  cluster, each with its source; the NACE codes are **our own mapping** (see the file's README).
* :func:`emerging_industries` - ``data/emerging_industries.csv``: emerging urban industries as NACE
  lists (Eurostat KIS, OECD ICT, KIBS, creative, digital), official or marked ``our own``.
* :func:`caveats` - ``data/caveats.csv``: what is particular to a place (a cluster the statistics split, a
  sector outside the data that defines the city), so that the code names no place or cluster.
* :func:`validity_markers` - ``data/validity_markers.csv``: the activities a complexity ranking must rank
  sensibly before it is shown as advice (knowledge-intensive manufacturing against routine services).
* :func:`cluster_roles` - ``data/cluster_roles.csv``: clusters that follow deposits, coasts or a crop, never
  a development target.

Both are read through the manifest (sha256) like every file of the snapshot, and checked on read:
the columns, the closed vocabularies and every NACE code against :func:`s3lib.data.nace`. A bad
file raises a :class:`~s3lib.errors.DataError` that names the file, the row and the code.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from s3lib.errors import DataError, UnknownChoiceError

if TYPE_CHECKING:  # pandas is imported where a table is read: `import s3lib.data` stays light
    import pandas as pd

__all__ = ["BENCHMARK_COLUMNS", "CAVEAT_COLUMNS", "EMERGING_COLUMNS", "MARKER_COLUMNS", "ROLE_COLUMNS",
           "SEGMENTATION_COLUMNS", "benchmarks", "caveats",
           "city_segmentations", "cluster_roles", "emerging_industries", "split_codes", "validity_markers"]

SEGMENTATION_COLUMNS = ("city", "segmentation", "cluster", "cluster_en", "tier", "nace_detail", "nace_divisions",
                        "mapping", "status", "source", "source_title", "source_year", "note")
EMERGING_COLUMNS = ("scheme", "scheme_name", "cluster", "nace", "nace_label", "share", "partial", "source",
                    "source_title", "source_year", "mapping", "total", "note")
CAVEAT_COLUMNS = ("code", "space", "topic", "activities", "cluster", "text", "source")
ROLE_COLUMNS = ("scheme", "cluster", "role", "why", "source")
MARKER_COLUMNS = ("space", "activity", "role", "why", "source")
BENCHMARK_COLUMNS = ("code", "cluster", "territory", "measure", "value", "unit", "reference", "scope", "derived",
                     "source", "source_title", "source_year")
_VOCAB = {
    "city_segmentations.csv": {"mapping": {"facts file (compiler's own)", "our own", "not mapped"},
                               "status": {"found", "not found"}},
    "emerging_industries.csv": {"mapping": {"official", "our own"}, "partial": {"True", "False", ""}},
    "caveats.csv": {"topic": {"structure", "alignment"}},
    "validity_markers.csv": {"role": {"knowledge-intensive manufacturing", "routine service", "local service"}},
    "cluster_roles.csv": {"role": {"location-bound"}},
    "benchmarks.csv": {},
}


def split_codes(cell: str) -> list[str]:
    """``"C303;C3316"`` -> ``["C303", "C3316"]`` (empty cell -> ``[]``)."""
    return [c.strip() for c in str(cell).split(";") if c.strip()]


def _read(name: str, columns: tuple) -> pd.DataFrame:
    from s3lib.data import _store

    table = _store.table(name)
    if tuple(table.columns) != columns:
        missing = [c for c in columns if c not in table.columns]
        extra = [c for c in table.columns if c not in columns]
        raise DataError(f"{name}: columns must be {', '.join(columns)}"
                        + (f"; missing {', '.join(missing)}" if missing else "")
                        + (f"; unexpected {', '.join(extra)}" if extra else ""))
    for column, allowed in _VOCAB[name].items():
        bad = table.index[~table[column].isin(allowed)]
        if len(bad):
            raise DataError(f"{name} line {bad[0] + 2}: {column} = {table.at[bad[0], column]!r}; "
                            f"expected one of {', '.join(sorted(allowed))}")
    return table.copy()


def _check_codes(name: str, table: pd.DataFrame, column: str) -> None:
    from s3lib import data

    known = set(data.nace()["code"])
    for i, cell in table[column].items():
        for code in split_codes(cell):
            if code not in known:
                raise DataError(f"{name} line {i + 2}: unknown NACE Rev. 2 code {code!r} in {column} "
                                "(Eurostat style without dots: C26, C267, C2670)")


def city_segmentations(city=None, segmentation=None, found_only: bool = False) -> pd.DataFrame:
    """Cluster segmentations the case cities declare (``data/city_segmentations.csv``).

    Parameters
    ----------
    city : str, optional
        A case-city key (``"bordeaux"``), a place name or a NUTS code of a case city; None = all.
    segmentation : str, optional
        Keep one list (exact ``segmentation`` value, or a case-insensitive substring of it).
    found_only : bool, default False
        Drop the ``not found`` rows (segments the workshop names that no source confirms).

    Returns
    -------
    DataFrame
        The CSV's columns as strings (see ``data/city_segmentations.README.md``) plus ``codes``
        and ``divisions`` (lists of the ``nace_detail`` and ``nace_divisions`` codes). The NACE
        codes are our own mapping, never taken from the sources.

    Examples
    --------
    >>> seg = city_segmentations("bordeaux", segmentation="three groups")
    >>> seg[["cluster_en", "tier"]].head(2).values.tolist()
    [['Aerospace', 'world-class'], ['Laser & photonics', 'world-class']]
    """
    name = "city_segmentations.csv"
    table = _read(name, SEGMENTATION_COLUMNS)
    _check_codes(name, table, "nace_detail")
    _check_codes(name, table, "nace_divisions")
    from s3lib import data
    from s3lib.measures.alignment import to_divisions

    divisions = data.nace(level="division")["code"]
    for i, row in table.iterrows():
        rolled = to_divisions(split_codes(row["nace_detail"]), divisions)
        if set(rolled) != set(split_codes(row["nace_divisions"])):
            raise DataError(f"{name} line {i + 2}: nace_divisions {row['nace_divisions']!r} is not the rollup of "
                            f"nace_detail {row['nace_detail']!r} (expected {';'.join(rolled)})")
    if city is not None:
        keys = set(table["city"])
        key = str(city).strip().lower()
        if key not in keys:
            try:
                key = data.place(city).key
            except UnknownChoiceError:
                key = None
        if key not in keys:
            raise UnknownChoiceError("city with a declared segmentation", city, sorted(keys))
        table = table[table["city"] == key]
    if segmentation is not None:
        exact = table["segmentation"] == segmentation
        mask = exact if exact.any() else table["segmentation"].str.contains(str(segmentation), case=False,
                                                                            regex=False)
        if not mask.any():
            raise UnknownChoiceError("segmentation", segmentation, sorted(set(table["segmentation"])))
        table = table[mask]
    if found_only:
        table = table[table["status"] == "found"]
    table = table.reset_index(drop=True)
    table["codes"] = table["nace_detail"].map(split_codes)
    table["divisions"] = table["nace_divisions"].map(split_codes)
    return table


def emerging_industries(scheme=None, coded_only: bool = False) -> pd.DataFrame:
    """Emerging urban industries as NACE lists (``data/emerging_industries.csv``).

    Parameters
    ----------
    scheme : str, optional
        ``kis``, ``ict_oecd``, ``kibs``, ``cci_own``, ``digital_smart`` (coded) or ``cci_essnet``,
        ``eco_emerging``, ``eco_emerging_2012`` (status rows only: definition not found); None = all.
    coded_only : bool, default False
        Drop the status rows (empty ``nace``: a definition that could not be read).

    Returns
    -------
    DataFrame
        The CSV's columns as strings, ``share`` as float (NaN on status rows) and ``partial`` as bool.
    """
    name = "emerging_industries.csv"
    table = _read(name, EMERGING_COLUMNS)
    _check_codes(name, table, "nace")
    coded = table["nace"] != ""
    status_bad = table.index[~coded & ~table["note"].str.startswith("definition not found")]
    if len(status_bad):
        raise DataError(f"{name} line {status_bad[0] + 2}: a row without a NACE code must be a status row "
                        "(note starting 'definition not found')")
    if scheme is not None:
        if scheme not in set(table["scheme"]):
            raise UnknownChoiceError("emerging-industry scheme", scheme, sorted(set(table["scheme"])))
        table = table[table["scheme"] == scheme]
    if coded_only:
        table = table[table["nace"] != ""]
    table = table.reset_index(drop=True)
    import pandas as pd

    table["share"] = pd.to_numeric(table["share"].replace("", float("nan")))
    table["partial"] = table["partial"] == "True"
    return table


def caveats(codes, space: str, topic: str = "structure") -> pd.DataFrame:
    """The curated caveats (``data/caveats.csv``) that apply to any of ``codes`` in ``space`` and ``topic``.

    A row applies when one of ``codes`` (a place's key, its own NUTS code and its regions) starts with the
    row's ``code`` (``DE7`` applies to DE71 and DE712). Returns the CSV's columns with ``activities`` as a
    list, in file order; empty when none applies.

    Examples
    --------
    >>> caveats(["DE712", "DE71", "DE7"], "sbs", "alignment")["code"].tolist()
    ['DE7']
    """
    name = "caveats.csv"
    table = _read(name, CAVEAT_COLUMNS)
    if (table["text"] == "").any() or (table["source"] == "").any():
        line = int(table.index[(table["text"] == "") | (table["source"] == "")][0]) + 2
        raise DataError(f"{name} line {line}: every caveat needs a text and a source")
    codes = [str(c) for c in codes if c]
    mask = (table["space"] == space) & (table["topic"] == topic) & table["code"].map(
        lambda code: any(c.lower().startswith(code.lower()) for c in codes))
    out = table[mask].reset_index(drop=True)
    out["activities"] = out["activities"].map(split_codes)
    return out


def benchmarks(codes=None) -> pd.DataFrame:
    """External figures to show beside measured values (``data/benchmarks.csv``): INSEE's aerospace filière around
    Bordeaux and the like, each with its territory, scope and source; never inputs of a measure.

    ``codes``: a place's key, its NUTS code and regions (a row applies when its ``code`` is one of them); None =
    every row. ``value`` is a float.

    Examples
    --------
    >>> t = benchmarks(["bordeaux", "FRI12", "FRI1"])
    >>> t.loc[0, "territory"], float(t.loc[0, "value"])
    ("Bordeaux employment zone (zone d'emploi)", 19000.0)
    """
    import pandas as pd

    name = "benchmarks.csv"
    table = _read(name, BENCHMARK_COLUMNS)
    value = pd.to_numeric(table["value"], errors="coerce")
    empty = (table[["code", "territory", "measure", "source"]] == "").any(axis=1)
    if value.isna().any() or empty.any():
        line = int(table.index[value.isna() | empty][0]) + 2
        raise DataError(f"{name} line {line}: every figure needs a number, a code, a territory, a measure and a source")
    table["value"] = value.astype(float)
    if codes is not None:
        wanted = {str(c).lower() for c in ([codes] if isinstance(codes, str) else codes) if c}
        table = table[table["code"].str.lower().isin(wanted)]
    return table.reset_index(drop=True)


def validity_markers(space: str) -> pd.DataFrame:
    """The marker activities of ``space`` (``data/validity_markers.csv``): ``activity``, ``role``, ``why``,
    ``source``, in file order (empty for a space without markers).

    Examples
    --------
    >>> validity_markers("sbs").groupby("role", sort=False)["activity"].apply(list).to_dict()["routine service"]
    ['N77', 'N78', 'N79', 'N82', 'H50', 'I55']
    """
    name = "validity_markers.csv"
    table = _read(name, MARKER_COLUMNS)
    if space == "sbs":
        _check_codes(name, table[table["space"] == "sbs"], "activity")
    return table.loc[table["space"] == space, ["activity", "role", "why", "source"]].reset_index(drop=True)


def cluster_roles(scheme: str) -> pd.DataFrame:
    """Clusters of ``scheme`` with a role (``data/cluster_roles.csv``): ``cluster``, ``role``, ``why``, ``source``.

    >>> sorted(cluster_roles("uscmp")["cluster"])[:2]
    ['Coal Mining', 'Fishing and Fishing Products']
    """
    table = _read("cluster_roles.csv", ROLE_COLUMNS)
    return table.loc[table["scheme"] == scheme, ["cluster", "role", "why", "source"]].reset_index(drop=True)
