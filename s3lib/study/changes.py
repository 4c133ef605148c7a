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

from s3lib.result import Result

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
    """

    def __init__(self, study, base, keep: tuple):
        """``study`` and ``base`` (the same study in the base year); ``keep``: regions kept in the panel
        whatever their coverage (the case regions and the place's own)."""
        from s3lib.measures.specialisation import covered_regions, location_quotient, presence

        self.study, self.base_year, self.year = study, base.year, study.year
        before, after = base.counts, study.counts
        keep = [r for r in keep if r in before.index or r in after.index]
        sample = covered_regions(base.observed, study.observed, min_coverage=study.min_coverage, keep=keep)
        self.panel, self.notes = sample.table.index, sample.notes
        self.counts0, self.counts1 = before.loc[self.panel], after.loc[self.panel]
        self.lq0, self.lq1 = location_quotient(self.counts0), location_quotient(self.counts1)
        self.presence0, self.presence1 = presence(self.lq0), presence(self.lq1)

    @cached_property
    def density0(self) -> pd.DataFrame:
        from s3lib.measures.relatedness import density, proximity

        return density(self.presence0, proximity(self.presence0))

    def transitions(self, region: str) -> pd.Series:
        """``entry``, ``exit``, ``stay``, ``absent`` or NA (missing in a year) per activity of ``region``
        (:func:`s3lib.measures.specialisation.transitions`)."""
        from s3lib.measures.specialisation import transitions

        return transitions(self.presence0.loc[[region]], self.presence1.loc[[region]]).loc[region]

    def table(self, region: str) -> Result:
        """Every activity of ``region`` in both years: ``status`` (:data:`STATUSES`, NA = a cell missing in a
        year), ``name``, ``lq0``, ``lq1``, ``employment0``, ``employment1`` and ``change`` (persons), entries
        and exits first (largest change first).

        ``params``: ``entries``, ``exits``, ``stays``, ``unknown`` (activities missing in a year) and
        ``marginal``: moves with the LQ within 0.1 of 1 in both years (threshold crossings rather than
        structural change).
        """
        if region not in self.panel:
            from s3lib.errors import UsageError

            raise UsageError(f"{region} is not in the {self.base_year}-{self.year} panel: no data in one of the years")
        status = self.transitions(region)
        names = self.study.space.names()
        out = pd.DataFrame({"status": status, "name": status.index.map(names),
                            "lq0": self.lq0.loc[region], "lq1": self.lq1.loc[region],
                            "employment0": self.counts0.loc[region], "employment1": self.counts1.loc[region]})
        out["change"] = out["employment1"] - out["employment0"]
        moved = out["status"].isin(["entry", "exit"]).fillna(False).astype(bool)
        order = out.assign(_moved=~moved, _status=out["status"].fillna("~"))
        out = out.loc[order.sort_values(["_moved", "_status", "change"], ascending=[True, True, False]).index]
        marginal = moved & (out[["lq0", "lq1"]].sub(1).abs() < 0.1).all(axis=1)
        unknown = list(out.index[out["status"].isna()])
        out.index.name = self.study.space.activity
        return Result(out, notes=self.notes, params={
            "region": region, "base_year": self.base_year, "year": self.year,
            "entries": int((out["status"] == "entry").sum()), "exits": int((out["status"] == "exit").sum()),
            "stays": int((out["status"] == "stay").sum()), "unknown": unknown,
            "marginal": list(out.index[marginal.reindex(out.index).to_numpy()])})

    def entry_rates(self, region: str | None = None, bins: int = 5) -> Result:
        """The principle of relatedness over the panel (:func:`s3lib.measures.opportunities.entry_rates`),
        with ``region``'s own cells in the same density bins."""
        from s3lib.measures.opportunities import entry_rates

        result = entry_rates(self.presence0, self.presence1, self.density0, region=region, bins=bins)
        return result.replace(notes=self.notes, params={"panel": len(self.panel), "base_year": self.base_year,
                                                         "year": self.year})
