"""The one result shape of an analysis that returns a table with notes.

Every function of s3lib that answers with a table a reader must not see without its caveats returns
a :class:`Result`: the ``table``, the ``notes`` (sentences to print beside it: what the data cannot
see, what was estimated, what was left out and why) and the ``params`` that made it (thresholds,
medians, the year, the reference). Nothing travels in ``DataFrame.attrs`` and no note is collected
by catching warnings. Errors raise (:mod:`s3lib.errors`); a result is never a half answer.

A result is frozen: its fields cannot be reassigned, ``params`` is read-only, and :attr:`Result.table`
is a new shallow copy at every access (with pandas' copy-on-write, changing it never changes the
result another caller sees).

Examples
--------
>>> import pandas as pd
>>> r = Result(pd.DataFrame({"lq": [1.5]}, index=["C20"]), notes=["C20 is estimated"], params={"year": 2014})
>>> float(r.table["lq"].iloc[0]), r.notes, r.params["year"]
(1.5, ('C20 is estimated',), 2014)
>>> t = r.table
>>> t.loc["C20", "lq"] = 0.0
>>> float(r.table.loc["C20", "lq"])
1.5
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

__all__ = ["Result", "copy_out"]


def copy_out(value):
    """A shallow copy of a cached frame, series or index (copy-on-write: changing it never changes the cached
    one); any other value as it is."""
    import pandas as pd

    return value.copy(deep=False) if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)) else value


class Result:
    """A table, the notes to show with it and the parameters that made it (see the module docstring).

    Parameters
    ----------
    table : DataFrame
    notes : iterable of str
        Kept in order, without duplicates and without empty strings.
    params : mapping
        Read-only afterwards.
    """

    __slots__ = ("_notes", "_params", "_table")

    def __init__(self, table, notes: Iterable[str] = (), params: Mapping | None = None):
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_notes", tuple(dict.fromkeys(str(n) for n in notes if n)))
        object.__setattr__(self, "_params", MappingProxyType(dict(params or {})))

    def __setattr__(self, name, value):
        raise AttributeError("a Result is frozen: build a new one (Result.replace)")

    @property
    def table(self):
        """The table (a new shallow copy at every access)."""
        return self._table.copy(deep=False)

    @property
    def notes(self) -> tuple[str, ...]:
        return self._notes

    @property
    def params(self) -> Mapping:
        return self._params

    def replace(self, table=None, notes: Iterable[str] | None = None, params: Mapping | None = None) -> Result:
        """A new result with some fields replaced (``params`` are merged)."""
        return Result(self._table if table is None else table, self._notes if notes is None else notes,
                      {**self._params, **(params or {})})

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return (f"Result({len(self._table)} rows x {self._table.shape[1]} columns, {len(self._notes)} notes, "
                f"params {sorted(self._params)})")
