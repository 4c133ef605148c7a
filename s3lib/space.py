"""The EU industry space of one year: one sample and one set of indices for the whole suite.

Notebooks 02-05, the alignment and the city card all need the same EU-wide pieces:
the NUTS2 x NACE division employment matrix, presence, co-location proximity,
relatedness density and complexity. :func:`eu` computes them once per process and
year, with one documented sample rule, so every figure and card shows the same numbers.

Sample
    All NUTS2 regions of the business statistics (``sbs_r_nuts06_r2``: EU28 and Norway),
    without the extra-regio codes (``..ZZ``), with at least ``min_coverage`` (default 50 %)
    of the 68 NACE divisions observed in the year. The NUTS2 regions of the case places are
    always kept; a ``UserWarning`` names any of them below the threshold. Missing cells are
    missing, not zero: shares and LQs use each region's observed cells
    (:func:`s3lib.specialisation.location_quotient`), and a missing cell counts as "not
    specialised" in presence, proximity, density and complexity.
Presence and relatedness
    ``M_ri = 1`` if ``LQ_ri >= 1`` against the sample; co-location proximity (Hidalgo et al.
    2007); relatedness density without the self-term (Stata ``ecomplexity`` convention).
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

__all__ = ["MIN_COVERAGE", "Space", "eu", "case_regions"]

#: Minimum share of the 68 divisions a region must have observed to enter the sample.
MIN_COVERAGE = 0.5


@dataclass(frozen=True, eq=False)
class Space:
    """The EU industry space of one year (see the module docstring for every rule)."""

    year: int
    matrix: pd.DataFrame  # persons employed, sample regions x divisions (NaN = missing)
    lq: pd.DataFrame
    presence: pd.DataFrame  # 0/1, NaN where the cell is missing
    proximity: pd.DataFrame
    density: pd.DataFrame
    eci: pd.Series
    pci: pd.Series
    orientation: str
    notes: tuple = field(default=())

    def candidates(self, region: str) -> pd.DataFrame:
        """The region's diversification candidates (:func:`s3lib.opportunities.candidates`)."""
        from s3lib import opportunities

        return opportunities.candidates(self.presence, self.proximity, self.pci, region)

    def describe(self) -> str:
        """One sentence on the sample, for figure source lines and notebook prose."""
        return (f"{len(self.matrix)} NUTS2 regions (EU28 + NO) with >= {MIN_COVERAGE:.0%} of "
                f"{self.matrix.shape[1]} NACE divisions observed in {self.year}; {self.orientation}")


def case_regions() -> list[str]:
    """The NUTS2 codes of the registered case places (always kept in the sample)."""
    from s3lib import data

    return sorted(set(data.places()["nuts2"].dropna()))


@lru_cache(maxsize=8)
def eu(year: int = 2014, min_coverage: float = MIN_COVERAGE) -> Space:
    """The EU industry space of ``year``, computed once per process.

    Examples
    --------
    >>> s = eu(2014)                                   # doctest: +SKIP
    >>> s.density.loc["DE71", "C21"], s.eci["DE71"]    # doctest: +SKIP
    """
    from s3lib import data
    from s3lib.complexity import eci_pci
    from s3lib.relatedness import density, proximity
    from s3lib.specialisation import covered_regions, location_quotient, presence

    x = data.matrix(data.employment(level=2, year=year, nace_level="division"))
    x = x.loc[~x.index.str.endswith("ZZ")].dropna(how="all")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keep = covered_regions(x, min_coverage=min_coverage, keep=[r for r in case_regions() if r in x.index])
    notes = tuple(str(w.message) for w in caught)
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    x = x.loc[keep]
    lq = location_quotient(x)
    m = presence(lq)
    phi = proximity(m)
    gdp = data.gdp(unit="PPS_EU27_2020_HAB", level=2, year=year).set_index("region")["value"]
    orient = np.log(gdp.reindex(x.index).where(lambda s: s > 0))
    eci, pci = eci_pci(m, orient=orient)
    orientation = f"ECI sign oriented by log GDP per head (PPS), {int(orient.notna().sum())} regions"
    return Space(year, x, lq, m, phi, density(m, phi), eci, pci, orientation, notes)
