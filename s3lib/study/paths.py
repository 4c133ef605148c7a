"""Diversification advice a practitioner can act on: new paths, told apart from latent strengths.

The smart-specialisation frame (Balland et al. 2019) ranks the activities a region is *not*
specialised in by relatedness density (feasibility) and a benefit axis (:mod:`s3lib.study.benefit`,
chosen by a validity gate). Before a candidate is shown as a **new path** it must pass, in order:

1. **Traded** and **not location-bound**: mixed and local activities (:func:`s3lib.study.spaces.sbs_trade_split`)
   are never targets, nor activities that follow deposits, coasts, hubs or networks (``data/cluster_roles.csv``).
2. **Not a latent strength**: not specialised (``LQ >= 1``) in any of the :data:`LOOKBACK` previous
   years with data, and not near the threshold (``LQ >= NEAR_THRESHOLD``) now or in any of those years:
   such an activity crosses back and forth over ``LQ = 1`` (accommodation in Aquitaine, 0.93-1.03 every
   year 2010-2014) or sits just below it (food products in Norte, 0.99 in 2014); it is listed apart as a
   *latent strength*, not advised as a new path.
3. **No break in the series, no estimate**: no cell break (the cell and its parent moving together by 50 % in a
   year, :mod:`s3lib.measures.integrity`) in the region's cell over the study year and its lookback, and the
   cell is published, not an estimate of a confidential value.
4. **Large enough**: the activity holds at least :data:`MIN_EU_SHARE` of EU employment (not a
   resource-bound niche such as water transport or refining), and at ``LQ = 1`` it would employ at
   least :data:`MIN_PATH_SIZE` persons in the region.

Each candidate's relatedness density is also read in every lookback year (``density_min``,
``density_max``): a candidate whose density swings is a weaker bet, and the table says so.
Quadrants split at the sample's medians of density and benefit, so "low risk, high benefit" means
the same for every region.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.result import Result
from s3lib.study.integrity import break_years as _break_years

__all__ = ["LOOKBACK", "MIN_EU_SHARE", "MIN_PATH_SIZE", "NEAR_THRESHOLD", "STATUSES", "lookback", "review"]

#: Years before the study year read for earlier specialisations, density stability and breaks.
LOOKBACK = 5
#: An activity with at least this LQ now or in a lookback year is near the threshold: a latent strength, not a new path.
NEAR_THRESHOLD = 0.9
#: A new path must hold at least this share of the reference economy's employment ...
MIN_EU_SHARE = 0.002
#: ... and employ at least this many persons in the region at LQ = 1.
MIN_PATH_SIZE = 1000
#: Status of every activity the region is not specialised in, in the order the rules apply.
STATUSES = ("new path", "not traded", "location-bound", "latent strength", "data break", "estimated", "too small",
            "no benefit score")


def lookback(study, region: str) -> list:
    """The same study in each of the :data:`LOOKBACK` previous years the space has and the region is in."""
    out = []
    for year in range(study.year - LOOKBACK, study.year):
        if year in study.space.years:
            past = study.replace(year=year)
            if region in past.counts.index and past.observed.loc[region].notna().any():
                out.append(past)
    return out


def review(study, region: str) -> Result:
    """Every activity ``region`` is not specialised in, with the rule that decides its status (module docstring).

    Returns
    -------
    Result
        ``table``: index = activity; ``name``, ``status`` (:data:`STATUSES`), ``reason``, ``employment``,
        ``lq``, ``max_lq_before`` (highest LQ in the lookback years), ``density``, ``density_min``,
        ``density_max`` (over the study year and the lookback), ``benefit`` (the chosen axis's score),
        ``quadrant``, ``score`` (mean percentile of density and benefit among the new paths) and
        ``size_at_lq1``; new paths first (ideal quadrant first, then by score), then the others by density.
        ``params``: ``region``, ``benefit_axis``, ``density_median``, ``benefit_median``, ``lookback_years``,
        ``rules`` (the thresholds).
    """
    from s3lib import data
    from s3lib.measures.opportunities import QUADRANTS, candidates

    base = study._base
    names = study.space.names()
    presence, lq, counts = base.presence.loc[region], base.lq.loc[region], base.counts.loc[region]
    density = base.density.loc[region]
    absent = presence.index[(presence == 0).to_numpy() & density.notna().to_numpy()]
    status = study.space.trade_status(absent)
    axis = study.benefit
    benefit = (axis.activity if axis is not None else pd.Series(np.nan, index=absent)).reindex(absent)
    past = lookback(study, region)
    before = pd.concat([p.lq.loc[region].rename(p.year) for p in past], axis=1) if past else pd.DataFrame(index=absent)
    densities = pd.concat([density.rename(study.year)] + [p.density.loc[region].rename(p.year) for p in past], axis=1)
    first = past[0].year if past else study.year
    broken = study.breaks(first)
    break_years = _break_years(broken.table[broken.table["region"] == region]).droplevel("region")
    eu = base.counts.sum(axis=0)
    eu_share = eu / eu.sum()
    size = counts.sum() * eu_share

    out = pd.DataFrame({"name": absent.map(names), "employment": counts.reindex(absent).to_numpy(),
                        "lq": lq.reindex(absent).to_numpy(),
                        "max_lq_before": before.reindex(absent).max(axis=1).to_numpy(),
                        "density": density.reindex(absent).to_numpy(),
                        "density_min": densities.reindex(absent).min(axis=1).to_numpy(),
                        "density_max": densities.reindex(absent).max(axis=1).to_numpy(),
                        "benefit": benefit.to_numpy(), "size_at_lq1": size.reindex(absent).to_numpy()}, index=absent)
    reasons = pd.Series("", index=absent, dtype=object)
    statuses = pd.Series("new path", index=absent, dtype=object)

    def apply(mask, label, reason):
        mask = mask & (statuses == "new path")
        statuses[mask] = label
        reasons[mask] = reason[mask] if isinstance(reason, pd.Series) else reason

    apply(status != "traded", "not traded", status.map(lambda s: f"{s} activity: never a smart-specialisation target"))
    bound = data.cluster_roles(study.space.key).set_index("cluster")["why"]  # deposits, coasts, hubs, networks
    apply(out.index.isin(bound.index), "location-bound", pd.Series(out.index.map(lambda a: bound.get(a, "")), index=absent))
    earlier = out["max_lq_before"] >= 1
    apply(earlier, "latent strength", out["max_lq_before"].map(lambda v: f"specialised before (LQ up to {v:.2f})"))
    near = pd.concat([out["lq"].rename(study.year), before.reindex(absent)], axis=1).max(axis=1)
    apply(near >= NEAR_THRESHOLD, "latent strength",
          near.map(lambda v: f"near the threshold now or before (LQ up to {v:.2f} >= {NEAR_THRESHOLD})"))
    apply(out.index.isin(break_years.index), "data break",
          pd.Series(out.index.map(lambda a: f"cell break in {break_years.get(a, '')}"), index=absent))
    estimated = base.estimated.loc[region].reindex(absent).fillna(False).astype(bool)
    apply(estimated, "estimated", "the region's cell is an estimate of a confidential value: its LQ and history are "
                                  "not known well enough to advise")
    small = (eu_share.reindex(absent) < MIN_EU_SHARE) | (out["size_at_lq1"] < MIN_PATH_SIZE)
    apply(small, "too small", pd.Series([f"{eu_share.get(a, np.nan):.2%} of EU employment; {s:,.0f} persons at LQ 1"
                                         for a, s in zip(absent, out["size_at_lq1"])], index=absent))
    apply(out["benefit"].isna() & (axis is not None), "no benefit score", "not scored on the benefit axis")
    out["status"], out["reason"] = statuses, reasons

    medians = study.medians
    d_med, b_med = medians["density"], medians["benefit"]
    paths = out["status"] == "new path"
    if axis is not None:  # the Balland et al. frame on the new paths, split at the sample's medians
        frame = candidates(base.presence, base.proximity, out.loc[paths, "benefit"], region, density=base.density,
                           medians=medians).table
        out["quadrant"] = frame["quadrant"].reindex(out.index).fillna("")
        out["score"] = frame["score"].reindex(out.index)
    else:
        out["quadrant"] = ""
        out["score"] = out.loc[paths, "density"].rank(pct=True)
    out["_order"] = np.where(paths, out["quadrant"].map({q: i for i, q in enumerate(QUADRANTS.values())}).fillna(4), 9)
    out = out.sort_values(["_order", "score", "density"], ascending=[True, False, False]).drop(columns="_order")
    out.index.name = study.space.activity
    counts_by = out["status"].value_counts()
    notes = [f"{int(counts_by.get('new path', 0))} new paths; apart: "
             + ", ".join(f"{int(counts_by[s])} {s}" for s in STATUSES[1:] if counts_by.get(s, 0)) + "."]
    if axis is None:
        notes.append("No benefit axis passes the validity gate: candidates are ranked by relatedness density alone.")
    notes += list(broken.notes)
    return Result(out, notes, {
        "region": region, "benefit_axis": None if axis is None else axis.key,
        "benefit_label": None if axis is None else axis.short, "density_median": d_med, "benefit_median": b_med,
        "lookback_years": [p.year for p in past],
        "rules": {"lookback": LOOKBACK, "near_threshold": NEAR_THRESHOLD, "min_eu_share": MIN_EU_SHARE,
                  "min_path_size": MIN_PATH_SIZE}})
