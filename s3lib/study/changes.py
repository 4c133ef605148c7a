"""Change over time: specialisations in two years over a panel of regions.

:meth:`s3lib.study.Study.changes` (or :meth:`s3lib.study.view.PlaceView.changes`) returns a
:class:`Changes`; it answers, for any region of the panel, which specialisations it gained and lost
(:meth:`Changes.table`), and, across all regions, whether they entered activities related to those
they had (:meth:`Changes.entry_rates`, the principle of relatedness). Notebooks 02 and 06 and the
explorer ask it; none recomputes it.
"""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from s3lib.result import Result, copy_out

__all__ = ["STATUSES", "Changes"]

#: Transition of a cell between the two years (NA: missing in a year, neither an entry nor an exit).
STATUSES = ("entry", "exit", "stay", "absent")


class Changes:
    """Specialisations in two years over a panel of regions (entries, exits, the principle of relatedness).

    Attributes
    ----------
    base_year, year : the two years.
    panel : regions observed with at least the study's ``min_coverage`` in both years (case regions
        and the requested ones kept anyway); ``notes`` names those kept below the threshold.
    counts0, counts1, lq0, lq1, presence0, presence1 : the two years on the panel (LQ against the panel).
    density0 : relatedness density in the base year (proximity of the base year's panel presence).
    broken : True for a panel cell with a break in the series between the two years (a cell break or the
        source's series-break flag, :meth:`s3lib.study.Study.breaks`) or estimated in either year (a confidential
        value filled from its parent): it gives no entry, no exit, and is not at risk in the principle of
        relatedness.
    """

    def __init__(self, study, base, keep: tuple):
        """``study`` and ``base`` (the same study in the base year); ``keep``: regions kept in the panel
        whatever their coverage (the case regions and the place's own)."""
        from s3lib.measures.specialisation import covered_regions, location_quotient, presence

        self.study, self.base_year, self.year = study, base.year, study.year
        before, after = base.counts, study.counts
        keep = [r for r in keep if r in before.index or r in after.index]
        sample = covered_regions(base.observed, study.observed, min_coverage=study.min_coverage, keep=keep)
        self._panel, self.notes = sample.table.index, sample.notes
        self._counts0, self._counts1 = before.loc[self._panel], after.loc[self._panel]
        self._lq0, self._lq1 = location_quotient(self._counts0), location_quotient(self._counts1)
        self._presence0, self._presence1 = presence(self._lq0), presence(self._lq1)
        self.breaks = study.breaks(self.base_year)
        cells = self.breaks.table
        broken = pd.DataFrame(False, index=self._panel, columns=self._counts1.columns)
        cells = cells[cells["region"].isin(self._panel) & cells["activity"].isin(broken.columns)]
        for region, activity in zip(cells["region"], cells["activity"]):
            broken.at[region, activity] = True
        # an estimated cell (a confidential value filled from its parent) cannot show an entry or an exit either
        estimated = (base.estimated.reindex(index=self._panel, columns=broken.columns).fillna(False).astype(bool)
                     | study.estimated.reindex(index=self._panel, columns=broken.columns).fillna(False).astype(bool))
        self._broken = broken | estimated
        self._sealed = True

    @cached_property
    def _density0(self) -> pd.DataFrame:
        from s3lib.measures.relatedness import density, proximity

        return density(self._presence0, proximity(self._presence0))

    @property
    def density0(self) -> pd.DataFrame:
        return copy_out(self._density0)

    def __setattr__(self, name, value):
        if getattr(self, "_sealed", False):
            raise AttributeError(f"Changes cannot be changed ({name}); ask the study for another pair of years")
        object.__setattr__(self, name, value)

    def transitions(self, region: str) -> pd.Series:
        """``entry``, ``exit``, ``stay``, ``absent`` or NA (missing in a year, or a break between the years) per
        activity of ``region`` (:func:`s3lib.measures.specialisation.transitions`)."""
        from s3lib.measures.specialisation import transitions

        status = transitions(self._presence0.loc[[region]], self._presence1.loc[[region]]).loc[region]
        return status.mask(self._broken.loc[region].reindex(status.index).fillna(False).astype(bool))

    def table(self, region: str) -> Result:
        """Every activity of ``region`` in both years: ``status`` (:data:`STATUSES`, NA = a cell missing in a
        year), ``name``, ``lq0``, ``lq1``, ``employment0``, ``employment1`` and ``change`` (persons), entries
        and exits first (largest change first).

        ``params``: ``entries``, ``exits``, ``stays``, ``unknown`` (activities missing in a year) and
        ``marginal``: moves with the LQ within 0.1 of 1 in both years (threshold crossings rather than
        structural change), ``broken`` (activities with a break between the years or an estimated cell: no entry or
        exit read).
        """
        if region not in self._panel:
            from s3lib.errors import UsageError

            raise UsageError(f"{region} is not in the {self.base_year}-{self.year} panel: no data in one of the years")
        status = self.transitions(region)
        names = self.study.space.names()
        out = pd.DataFrame({"status": status, "name": status.index.map(names),
                            "lq0": self._lq0.loc[region], "lq1": self._lq1.loc[region],
                            "employment0": self._counts0.loc[region], "employment1": self._counts1.loc[region]})
        out["change"] = out["employment1"] - out["employment0"]
        moved = out["status"].isin(["entry", "exit"]).fillna(False).astype(bool)
        order = out.assign(_moved=~moved, _status=out["status"].fillna("~"))
        out = out.loc[order.sort_values(["_moved", "_status", "change"], ascending=[True, True, False]).index]
        marginal = moved & (out[["lq0", "lq1"]].sub(1).abs() < 0.1).all(axis=1)
        broken = self._broken.loc[region]
        broken = list(broken.index[broken.to_numpy()])
        unknown = [a for a in out.index[out["status"].isna()] if a not in broken]
        out.index.name = self.study.space.activity
        notes = list(self.notes) + ([f"{len(broken)} activities with a break in the series or an estimated cell give no "
                                     f"entry or exit: {', '.join(broken[:12])}{' ...' if len(broken) > 12 else ''}."]
                                    if broken else [])
        return Result(out, notes=notes, params={
            "region": region, "base_year": self.base_year, "year": self.year,
            "entries": int((out["status"] == "entry").sum()), "exits": int((out["status"] == "exit").sum()),
            "stays": int((out["status"] == "stay").sum()), "unknown": unknown, "broken": broken,
            "marginal": list(out.index[marginal.reindex(out.index).to_numpy()])})

    def entry_rates(self, region: str | None = None, bins: int = 5) -> Result:
        """The principle of relatedness over the panel (:func:`s3lib.measures.opportunities.entry_rates`),
        with ``region``'s own cells in the same density bins."""
        from s3lib.measures.opportunities import entry_rates

        result = entry_rates(self._presence0, self._presence1.mask(self._broken), self._density0, region=region, bins=bins)
        n_broken = int(self._broken.to_numpy().sum())
        return result.replace(notes=[*self.notes, f"{n_broken} cells with a break between the years or an estimated value left out."],
                              params={"panel": len(self._panel), "base_year": self.base_year, "year": self.year,
                                      "broken": n_broken})


def _frame_property(name: str) -> property:
    return property(lambda self: copy_out(self.__dict__["_" + name]),
                    doc=f"``{name}`` (a copy: changing it never changes the cached pair of years).")


for _name in ("panel", "counts0", "counts1", "lq0", "lq1", "presence0", "presence1", "broken"):
    setattr(Changes, _name, _frame_property(_name))
