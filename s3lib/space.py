"""The EU industry space of one year: one sample and one set of indices for the whole suite.

Notebooks 02-05, the alignment and the city card all need the same EU-wide pieces:
the NUTS2 x NACE division employment matrix, presence, co-location proximity,
relatedness density and complexity. :func:`eu` computes them once per process and
year, with one documented sample rule, so every figure and card shows the same numbers.

Specialisation
    LQ against the sum of **all** regions of the level in the business statistics
    (:func:`s3lib.data.eu_matrix`: EU28 and Norway, extra-regio rows left out), the same
    reference as the cluster portfolios and the alignment; ``M_ri = 1`` if ``LQ_ri >= 1``.
    Missing cells are missing, not zero: shares and LQs use each region's observed cells
    (:func:`s3lib.specialisation.location_quotient`), and a missing cell counts as "not
    specialised" in relatedness and complexity.
Sample for relatedness and complexity
    Proximity, complexity and the percentiles of the notebooks use the regions with at least
    ``min_coverage`` (default 50 %) of the 68 NACE divisions observed (``sample``): a region
    with many confidential cells would otherwise look unspecialised in them. The regions of
    the case places are always kept; a ``UserWarning`` names any below the threshold.
    Co-location proximity (Hidalgo et al. 2007) and relatedness density without the
    self-term (Stata ``ecomplexity`` convention) are then defined for every region.
Complexity
    ECI/PCI by the symmetric eigen form with Stata's standardisation
    (:func:`s3lib.complexity.eci_pci`), **oriented by log GDP per head (PPS) of the same
    year** instead of by diversity. On the business statistics the diversity rule makes
    apparel, leather and coal mining the most complex divisions and the ECI correlates
    about -0.5 with GDP per head: the data lack finance and public services, in which rich
    regions specialise, so manufacturing-heavy regions look the most diverse. Orienting by
    income fixes only the sign of the eigenvector; the ranking along it is unchanged.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["MIN_COVERAGE", "Space", "case_regions", "eu"]

#: Minimum share of the 68 divisions a region must have observed to enter the sample.
MIN_COVERAGE = 0.5


@dataclass(frozen=True, eq=False)
class Space:
    """The EU industry space of one year and level (see the module docstring for every rule)."""

    year: int
    level: int
    matrix: pd.DataFrame  # persons employed, all regions x divisions (NaN = missing)
    sample: pd.Index  # regions with adequate coverage: proximity, complexity, percentiles
    lq: pd.DataFrame
    presence: pd.DataFrame  # 0/1, NaN where the cell is missing
    proximity: pd.DataFrame
    density: pd.DataFrame
    eci: pd.Series  # NaN outside the sample
    pci: pd.Series
    orientation: str
    notes: tuple = field(default=())

    def candidates(self, region: str) -> pd.DataFrame:
        """The region's diversification candidates (:func:`s3lib.opportunities.candidates`)."""
        from s3lib import opportunities

        return opportunities.candidates(self.presence, self.proximity, self.pci, region)

    def describe(self) -> str:
        """One sentence on the sample, for figure source lines and notebook prose."""
        return (f"LQ vs all {len(self.matrix)} NUTS{self.level} regions in SBS (EU28 + NO); relatedness and "
                f"complexity from the {len(self.sample)} with >= {MIN_COVERAGE:.0%} of {self.matrix.shape[1]} "
                f"divisions observed in {self.year}; {self.orientation}")


def case_regions(level: int = 2) -> list[str]:
    """The NUTS codes of the registered case places at ``level`` (always kept in the sample)."""
    from s3lib import data

    return sorted(set(data.places()[f"nuts{level}"].dropna()))


@lru_cache(maxsize=8)
def eu(year: int = 2014, level: int = 2, min_coverage: float = MIN_COVERAGE) -> Space:
    """The EU industry space of ``year`` at NUTS ``level``, computed once per process.

    Examples
    --------
    >>> s = eu(2014)                                   # doctest: +SKIP
    >>> s.density.loc["DE71", "C21"], s.eci["DE71"]    # doctest: +SKIP
    """
    from s3lib import data
    from s3lib.complexity import eci_pci
    from s3lib.relatedness import density, proximity
    from s3lib.specialisation import covered_regions, location_quotient, presence

    x = data.eu_matrix(level, year)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sample = covered_regions(x, min_coverage=min_coverage,
                                 keep=[r for r in case_regions(level) if r in x.index])
    notes = tuple(str(w.message) for w in caught)
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    lq = location_quotient(x)
    m = presence(lq)
    phi = proximity(m.loc[sample])
    gdp = data.gdp(unit="PPS_EU27_2020_HAB", level=level, year=year).set_index("region")["value"]
    orient = np.log(gdp.reindex(sample).where(lambda v: v > 0))
    eci, pci = eci_pci(m.loc[sample], orient=orient)
    orientation = f"ECI sign oriented by log GDP per head (PPS), {int(orient.notna().sum())} regions"
    return Space(year, level, x, sample, lq, m, phi, density(m, phi), eci.reindex(x.index), pci,
                 orientation, notes)
