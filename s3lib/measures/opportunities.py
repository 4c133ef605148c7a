"""Diversification opportunities: the smart-specialisation frame and the principle of relatedness."""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures.relatedness import density as relatedness_density
from s3lib.result import Result

__all__ = ["QUADRANTS", "candidates", "cells_at_risk", "entry_rates", "quadrants", "sample_medians"]

QUADRANTS = {
    (True, True): "low risk, high benefit",
    (True, False): "low risk, low benefit",
    (False, True): "high risk, high benefit",
    (False, False): "high risk, low benefit",
}


def candidates(presence: pd.DataFrame, proximity: pd.DataFrame, benefit: pd.Series, region: str,
               density: pd.DataFrame | None = None, medians: dict | None = None) -> Result:
    """Candidate industries of a region in the Balland et al. (2019) frame.

    Candidates are the industries the region is not specialised in (``M_ri = 0``; missing
    presence is left out). Each gets its relatedness density (x: feasibility, low risk)
    and a benefit score (y: in Balland et al. the product complexity PCI; s3lib chooses the axis by a
    validity gate, :mod:`s3lib.study.benefit`). Quadrants are split at ``medians``
    (``{"density": d, "benefit": b}``, e.g. :func:`sample_medians`: the same split for every region of a
    study), or by default at **the medians over this region's candidates**; a value equal to the median
    counts as low. Only industries with a benefit score are candidates: pass the scores of the traded
    industries to leave local services out. ``"low risk, high benefit"`` (high density, high benefit) is
    the ideal target.

    Parameters
    ----------
    presence : DataFrame
        Region x industry 0/1 of all regions (the proximity's sample).
    proximity : DataFrame
        Industry x industry proximity (:func:`s3lib.measures.relatedness.proximity`).
    benefit : Series
        Benefit score by industry (e.g. the PCI, :func:`s3lib.measures.complexity.eci_pci`); candidates
        without one are left out.
    region : str
        Row label of ``presence``.
    density : DataFrame, optional
        :func:`s3lib.measures.relatedness.density` of ``presence`` and ``proximity``, when already
        computed (saves recomputing it for every region).
    medians : dict, optional
        ``density`` and ``benefit`` splits of the quadrants.

    Returns
    -------
    Result
        ``table``: index = industry; columns ``density``, ``benefit``, ``quadrant``, and ``density_pct``,
        ``benefit_pct`` (percentile ranks among the region's candidates, ``Series.rank(pct=True)``) and
        ``score = (density_pct + benefit_pct) / 2`` (high density *and* high benefit first); sorted
        by quadrant (ideal first) then density, descending. ``params``: ``region``, ``density_median``,
        ``benefit_median``, ``medians`` (``"sample"`` or ``"own"``).

    References
    ----------
    Balland, P.-A., Boschma, R., Crespo, J. and Rigby, D. L. (2019). Smart specialization
    policy in the European Union: relatedness, knowledge complexity and regional
    diversification. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1]],
    ...                  index=["r1", "r2", "r3"], columns=list("abcd"))
    >>> from s3lib.measures.relatedness import proximity
    >>> c = candidates(m, proximity(m), pd.Series([0.0, 1.0, 2.0, 3.0], index=list("abcd")), "r1").table
    >>> c.index.tolist(), c["quadrant"].tolist()
    (['c', 'd'], ['low risk, low benefit', 'high risk, high benefit'])
    """
    if region not in presence.index:
        raise UnknownChoiceError("region", region, presence.index)
    rd = (relatedness_density(presence, proximity) if density is None else density).loc[region]
    row = presence.loc[region]
    table = pd.DataFrame({"density": rd, "benefit": benefit.reindex(presence.columns)})
    table = table[(row == 0) & table["density"].notna() & table["benefit"].notna()]
    if medians is None:
        d_med, b_med, kind = table["density"].median(), table["benefit"].median(), "own"
    else:
        d_med, b_med, kind = float(medians["density"]), float(medians["benefit"]), "sample"
    table["quadrant"] = quadrants(table["density"], table["benefit"], d_med, b_med)
    order = table["quadrant"].map({q: i for i, q in enumerate(QUADRANTS.values())})
    table = table.assign(_order=order).sort_values(["_order", "density"], ascending=[True, False])
    table = table.drop(columns="_order")
    table["density_pct"] = table["density"].rank(pct=True)
    table["benefit_pct"] = table["benefit"].rank(pct=True)
    table["score"] = (table["density_pct"] + table["benefit_pct"]) / 2
    table.index.name = presence.columns.name or "industry"
    return Result(table, params={"region": region, "density_median": float(d_med), "benefit_median": float(b_med),
                                 "medians": kind})


def quadrants(density: pd.Series, benefit: pd.Series, density_median: float, benefit_median: float) -> pd.Series:
    """The quadrant of each candidate (:data:`QUADRANTS`); high means above the median (a value equal to the
    median, often the median candidate itself, counts as low).

    >>> quadrants(pd.Series([0.5, 0.1, 0.3]), pd.Series([1.0, 1.0, 0.0]), 0.3, 0.0).tolist()
    ['low risk, high benefit', 'high risk, high benefit', 'high risk, low benefit']
    """
    high_d, high_b = (density > density_median).to_numpy(), (benefit > benefit_median).to_numpy()
    order = 2 * ~high_d + ~high_b  # position in QUADRANTS: (True, True) first
    return pd.Series(np.array(list(QUADRANTS.values()), dtype=object)[order], index=density.index)


def sample_medians(presence: pd.DataFrame, density: pd.DataFrame, benefit: pd.Series) -> dict:
    """Medians of relatedness density and of the benefit score over the candidates of every region of ``presence``.

    The candidates are the (region, industry) cells with ``M = 0``, a density and a benefit score; the
    benefit median is taken over the same cells, so both split the pooled candidates in halves. Used as
    :func:`candidates` ``medians`` so that a quadrant means the same thing for every region.

    >>> m = pd.DataFrame([[1, 0], [0, 1]], index=["r1", "r2"], columns=["a", "b"])
    >>> d = pd.DataFrame([[0.9, 0.25], [0.75, 0.8]], index=m.index, columns=m.columns)
    >>> sample_medians(m, d, pd.Series({"a": 1.0, "b": -1.0}))
    {'density': 0.5, 'benefit': 0.0}
    """
    benefit = benefit.reindex(presence.columns)
    cells = (presence == 0) & density.reindex_like(presence).notna() & benefit.notna().to_numpy()[None, :]
    dens = density.reindex_like(presence).to_numpy()[cells.to_numpy()]
    scores = pd.DataFrame(np.broadcast_to(benefit.to_numpy(), presence.shape), index=presence.index,
                          columns=presence.columns).to_numpy()[cells.to_numpy()]
    return {"density": float(np.median(dens)), "benefit": float(np.median(scores))}


def entry_rates(m0: pd.DataFrame, m1: pd.DataFrame, density0: pd.DataFrame, region: str | None = None,
                bins: int = 5) -> Result:
    """The principle of relatedness: entry rates by first-year density bin, overall and for one region.

    Cells at risk (:func:`cells_at_risk`) are region-activity pairs with ``M = 0`` in the first
    year, known presence in the second and known first-year density (a suppressed or confidential
    cell is left out, not counted as absent). They are split into ``bins`` quantile bins of
    first-year density (``pandas.qcut``; tied edges merged); per bin ``entry_rate = entries /
    at_risk`` with entries ``0 -> 1``. The principle predicts rates rising with density
    (Hidalgo et al. 2018). With ``region``, its own cells are counted in the same bins.

    Parameters
    ----------
    m0, m1 : DataFrame
        Presence (0/1/NaN) in the first and the second year.
    density0 : DataFrame
        Relatedness density in the first year (:func:`s3lib.measures.relatedness.density`).
    region : str, optional
    bins : int, default 5

    Returns
    -------
    Result
        ``table``: one row per bin (1 = lowest density): ``density_min``, ``density_max``,
        ``mean_density``, ``at_risk``, ``entries``, ``entry_rate``; with ``region`` also
        ``own_at_risk``, ``own_entries``, ``own_entry_rate`` (NaN without cells) and ``own_entered``
        (the activities that entered). ``params``: ``at_risk``, ``entries``, ``overall`` (the rate
        over all cells), ``bins`` (bins after tied edges merged), ``rising`` (True when the rate
        rises from every bin to the next), ``region``.

    References
    ----------
    Hidalgo, C. A. et al. (2018). The principle of relatedness. In Unifying Themes in
    Complex Systems IX, Springer, 451-457.

    Examples
    --------
    >>> idx, cols = ["r1", "r2"], list("abcde")
    >>> m0 = pd.DataFrame(0.0, index=idx, columns=cols)
    >>> m1 = pd.DataFrame([[0, 0, 0, 1, 1], [0, 0, 1, 1, 1]], index=idx, columns=cols, dtype=float)
    >>> d0 = pd.DataFrame([[.1, .2, .3, .4, .5], [.15, .25, .35, .45, .55]], index=idx, columns=cols)
    >>> r = entry_rates(m0, m1, d0, region="r1")
    >>> r.table["entry_rate"].tolist(), r.table["own_entries"].tolist(), r.params["rising"]
    ([0.0, 0.0, 0.5, 1.0, 1.0], [0, 0, 0, 1, 1], False)
    """
    cells = cells_at_risk(m0, m1, density0, bins)
    table = cells.groupby("bin").agg(density_min=("density", "min"), density_max=("density", "max"),
                                     mean_density=("density", "mean"), at_risk=("entry", "size"),
                                     entries=("entry", "sum"))
    table["entry_rate"] = table["entries"] / table["at_risk"]
    if region is not None:
        own = cells[cells["region"] == region]
        mine = own.groupby("bin").agg(at_risk=("entry", "size"), entries=("entry", "sum")).reindex(table.index)
        mine = mine.fillna(0).astype(int)
        table["own_at_risk"], table["own_entries"] = mine["at_risk"], mine["entries"]
        table["own_entry_rate"] = mine["entries"] / mine["at_risk"].where(mine["at_risk"] > 0)
        entered = own[own["entry"] == 1].groupby("bin")["activity"].apply(list)
        table["own_entered"] = [entered.get(k, []) for k in table.index]
    steps = np.diff(table["entry_rate"].to_numpy())
    return Result(table, params={"at_risk": len(cells), "entries": int(cells["entry"].sum()),
                                 "overall": float(cells["entry"].mean()), "bins": len(table),
                                 "rising": bool(len(steps) and (steps > 0).all()), "region": region})


def cells_at_risk(m0: pd.DataFrame, m1: pd.DataFrame, density0: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """The (region, activity) cells at risk of entry, with their first-year density bin.

    At risk: ``M = 0`` in the first year, known presence in the second and known first-year density.
    Columns ``region, activity, density, entry`` (0/1) and ``bin`` (1 = lowest density quantile,
    ``pandas.qcut``, tied edges merged). Used by :func:`entry_rates`.
    """
    if bins < 2:
        raise UsageError("bins must be at least 2")
    f0, f1 = m0.astype(float).align(m1.astype(float), join="inner")
    d0 = density0.reindex(index=f0.index, columns=f0.columns)
    a, b, d = f0.to_numpy().ravel(), f1.to_numpy().ravel(), d0.to_numpy(dtype=float).ravel()
    risk = (a == 0) & ~np.isnan(b) & ~np.isnan(d)
    if not risk.any():
        raise UsageError("no cell at risk: no activity absent in the first year with known values")
    cells = pd.DataFrame({"region": np.repeat(f0.index.to_numpy(), f0.shape[1])[risk],
                          "activity": np.tile(f0.columns.to_numpy(), f0.shape[0])[risk],
                          "density": d[risk], "entry": (b[risk] == 1).astype(int)})
    cells["bin"] = pd.qcut(cells["density"], bins, labels=False, duplicates="drop").astype(int) + 1
    return cells
