"""Where a region sits in a data table whose NUTS version is older than 2021.

The business statistics keep an older code where a region's territory changed (PL12 Mazowieckie,
NUTS 2013, where NUTS 2021 has PL91 and PL92). :func:`data_region` finds the row that holds a
region and says, in a sentence, how the territory differs.
"""
from __future__ import annotations

from s3lib.data import _store
from s3lib.data.registry import (
    Place,
    _all_codes,
    _cached,
    _crosswalk,
    _name_of,
    _next_version,
)
from s3lib.errors import UsageError

__all__ = ["data_region"]

#: A region holds another when the crosswalk flows into it cover this share of its area and population.
_HOLDS = 0.99


def _data_versions():
    """NUTS version of each region code of the business statistics (``employment.parquet``)."""
    def compute():
        df = _store.table("employment.parquet")
        pairs = df[["region", "nuts_version"]].drop_duplicates()
        return {str(r): int(v) for r, v in zip(pairs["region"], pairs["nuts_version"])}

    return _cached("places:data_versions", compute)


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in range(len(code) - 1, 1, -1)]


def _changed_2021_codes() -> dict[str, int]:
    """NUTS 2021 codes whose territory under an older version was different -> the version of the change."""
    def compute():
        cw = _crosswalk()
        same = cw[(cw["from_code"] == cw["to_code"]) & ~cw["one_to_one"].astype(bool)]
        last = same.groupby("from_code")["from_version"].max()
        return {str(code): _next_version(int(v)) for code, v in last.items()}

    return _cached("places:changed2021", compute)


def data_region(code, available, *, versions=None) -> tuple[str, str | None]:
    """The row of a data table that holds a region, and a note when it is not the region itself.

    The data keep an older code where a region's territory changed (the business statistics have
    PL12 Mazowieckie, NUTS 2013, where NUTS 2021 has PL91 and PL92). Call this with the row labels of
    the matrix before looking a place up in it.

    Parameters
    ----------
    code : a NUTS code (2021 or older) or a :class:`Place` (its ``code``): the region wanted.
    available : the region codes of the data (a matrix's index).
    versions : mapping region code -> NUTS version of those rows (default: the ``nuts_version`` of the
        business statistics, :func:`s3lib.data.employment`).

    Returns
    -------
    (str, str or None)
        The code in the data and a note sentence, e.g. ``("PL12", "PL91 Warszawski stołeczny is part
        of PL12 Mazowieckie (NUTS 2013) in these data; the territory was split in NUTS 2016.")``;
        ``(code, None)`` when the data have the region itself. A NUTS 3 code also finds its NUTS 2
        (or NUTS 1) row when ``available`` is at that level.

    Raises
    ------
    UsageError
        when no single row of the data holds the region (its territory is spread over several
        regions of the data); the message lists them with their shares.
    """
    if isinstance(code, Place):
        code = code.code
    code = str(code).strip().upper()
    avail = {str(a) for a in available}
    version_of = (lambda c: int(versions.get(c, 2021))) if versions is not None else None

    def data_version(c: str) -> int:
        nonlocal version_of
        if version_of is None:
            known = _data_versions()
            version_of = lambda x: known.get(x, 2021)
        return version_of(c)

    def label(c: str) -> str:
        v = data_version(c)
        return f"{c} {_name_of(c)}" + (f" (NUTS {v})" if v < 2021 else "")

    if code in avail:
        changed = _changed_2021_codes().get(code)
        if changed and data_version(code) < changed:
            version = data_version(code)
            return code, (f"{code} {_name_of(code)} has its NUTS {version} territory in these data; the territory "
                          f"was {_change_word(code, version)} in NUTS {changed}.")
        return code, None
    table = _all_codes()
    if code in table.index and not table.loc[code, "in_2021"]:
        successor = table.loc[code, "successor"]
        if isinstance(successor, str) and successor in avail:
            return successor, f"{code} is {successor} {_name_of(successor)} in these data (same territory)."
    for parent in _ancestors(code):
        if parent in avail:
            return parent, f"{code} {_name_of(code)} is part of {label(parent)} in these data."
    cw = _crosswalk()
    flows = cw[cw["to_code"] == code]
    overlaps = None
    for version in sorted(set(flows["from_version"]), reverse=True):
        rows = flows[flows["from_version"] == version]
        area, pop = rows.groupby("from_code")["area_km2"].sum(), rows.groupby("from_code")["pop18"].sum()
        for holder in area.index:
            holds = area[holder] >= _HOLDS * area.sum() and (pop.sum() <= 0 or pop[holder] >= _HOLDS * pop.sum())
            if not holds:
                continue
            for c in [holder, *_ancestors(holder)]:
                if c in avail:
                    changed = _next_version(version)
                    moved = _change_word(c, version)
                    return c, (f"{code} {_name_of(code)} is part of {c} {_name_of(c)} (NUTS {version}) in these "
                               f"data; the territory was {moved} in NUTS {changed}.")
        present = [c for c in area.index if c in avail]
        if present and overlaps is None:
            shares = pop / pop.sum() if pop.sum() > 0 else area / area.sum()
            overlaps = (version, sorted(present, key=lambda c: -shares[c]), shares)
    if overlaps:
        version, present, shares = overlaps
        listed = ", ".join(f"{c} {_name_of(c)} ({shares[c]:.0%} of its population)" for c in present)
        raise UsageError(f"no single region of these data holds {code} {_name_of(code)}: it overlaps "
                         f"{listed} (NUTS {version}); choose one of them or a NUTS3 place inside")
    raise UsageError(f"{code} {_name_of(code)} is not in these data, nor any region holding it")


def _change_word(code: str, version: int) -> str:
    """How an older code's territory changed after ``version``: split, merged, redrawn or slightly changed
    (flows under 1 % of a region's area and population are slivers of generalised boundaries)."""
    cw = _crosswalk()
    rows = cw[cw["from_version"] == version]
    own = rows[rows["from_code"] == code]
    successors = set(own.loc[_significant(own, own), "to_code"])
    into = rows[rows["to_code"].isin(successors)]
    totals = into.groupby("to_code")[["area_km2", "pop18"]].transform("sum")
    predecessors = set(into.loc[_significant(into, totals), "from_code"])
    if len(successors) > 1:
        return "split" if predecessors == {code} else "redrawn"
    if len(predecessors) > 1:
        return "merged with a neighbour"
    return "slightly changed"


def _significant(rows, totals):
    """Flows of at least 1 % of the area or population of ``totals`` (same index, or a frame to sum)."""
    if rows is totals:
        area, pop = rows["area_km2"].sum(), rows["pop18"].sum()
    else:
        area, pop = totals["area_km2"], totals["pop18"]
    return (rows["area_km2"] >= 0.01 * area) | (rows["pop18"] >= 0.01 * pop)
