"""The benefit axis of diversification advice, chosen by a validity gate.

Balland et al. (2019) place a region's candidate activities by feasibility (relatedness density)
and benefit (product complexity). On European NUTS2 regions and NACE divisions the classic PCI
does not rank activities the way the field knows them: travel agencies come out far more complex
than machinery. So the benefit axis is not assumed, it is chosen. Each axis below gives a score per
activity and an index per region, and must pass the gate of :mod:`s3lib.measures.validity`
(income, diversity, knowledge-intensive manufacturing above routine services) before the suite
shows it as advice. The default is the first axis, in the order of :data:`AXES`, that passes;
where none passes, no benefit axis (and no complexity rank) is shown, and the notes say why.

Axes, computed over the study's sample on its traded activities:

``eci``
    Economic complexity (Hidalgo & Hausmann 2009): PCI by activity, ECI by region, sign oriented
    by log GDP per head (:meth:`s3lib.study.Study.complexity`).
``fitness``
    Fitness-complexity (Tacchella et al. 2012) on the same presence matrix: log complexity by
    activity (z-scored), log fitness by region.
``eci_core``
    Economic complexity on the space's core activities only (for the business statistics: traded
    manufacturing and knowledge-intensive business services), where the classic ECI is meant to
    work; activities outside the core get no score.
``wage``
    Industry wage: log wages and salaries per person employed of the activity in the whole EU
    (Eurostat SBS V13320 / V16110, summed over the countries that publish both), z-scored; the
    region's index is the wage its mix of traded activities would pay at EU wages (not the wages
    paid there). A benefit in earnings per job, not a complexity.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["AXES", "Axis", "axes", "validity_table"]

#: The candidate benefit axes, in order of preference (the first that passes the gate is the default).
AXES = ("eci", "fitness", "eci_core", "wage")


@dataclass(frozen=True, eq=False)
class Axis:
    """One benefit axis: ``key``; ``label`` (what the axis is, for figures and tables); ``short`` (for an
    axis label); ``word`` (in a sentence: "high wage level"); ``activity`` (score by activity, higher = more
    beneficial; NaN = not scored); ``region`` (the regional index over the sample); ``notes``."""

    key: str
    label: str
    short: str
    word: str
    activity: pd.Series
    region: pd.Series
    notes: tuple = ()


def _z(values: pd.Series) -> pd.Series:
    return (values - values.mean()) / values.std()


def axes(study) -> dict:
    """Every axis of :data:`AXES` the study's space can compute: ``{key: Axis}`` (an axis without its data,
    e.g. wages for a space without them, is left out)."""
    from s3lib.measures.complexity import eci_pci, fitness_complexity

    base = study._base
    sample = base.sample.table.index
    traded = base.counts.columns[base.traded.to_numpy()]
    presence = base.presence.loc[sample, traded]
    out = {}
    eci, pci, orientation = base.complexity(traded=True)
    out["eci"] = Axis("eci", "economic complexity (PCI / ECI, Hidalgo & Hausmann 2009)", "complexity (PCI)",
                      "complexity", pci,
                      eci.reindex(sample), (orientation,))
    fitness, complexity = fitness_complexity(presence)
    out["fitness"] = Axis("fitness", "fitness-complexity (Tacchella et al. 2012)", "fitness-complexity (log, z)",
                          "fitness-complexity", _z(np.log(complexity)), np.log(fitness), ("log complexity z-scored; log fitness by region",))
    core = study.space.core(list(traded))
    if core:
        orient, _ = study.space.orientation(study.level, study.year, sample)
        held = base.presence.loc[sample, core]
        held = held[held.fillna(0).sum(axis=1) > 0]  # a region with no core activity has no index on this axis
        core_eci, core_pci = eci_pci(held, orient=orient)
        out["eci_core"] = Axis("eci_core", f"complexity on the core activities ({study.space.core_label})",
                               "core complexity (PCI)", "core complexity", core_pci.reindex(traded), core_eci.reindex(sample),
                               (f"{len(core)} core activities; others get no score; "
                                f"{len(sample) - len(held)} regions without any core activity get no index",))
    wages = study.space.wage_levels(study.year)
    if wages is not None:
        score = _z(np.log(wages.reindex(traded).where(lambda v: v > 0)))
        scored = score.index[score.notna()]
        x = base.counts.loc[sample, scored]
        region = x.mul(score[scored], axis=1).sum(axis=1, min_count=1) / x.sum(axis=1)  # known cells only
        used = f" ({wages.name}: the countries publishing {study.year} wages hold too little of EU employment)" \
            if wages.name != study.year else ""
        out["wage"] = Axis("wage", "industry wage (EU wages and salaries per person employed in each industry; a "
                                   "region: the mix of its industries)",
                           "industry wage (log, z)", "industry wage", score, region,
                           (f"wages and salaries per person employed in the whole EU (Eurostat SBS){used}, log, "
                            "z-scored; a region's index is the employment-weighted mean over its traded activities: "
                            "the wage its mix of industries would pay at EU wages, not the wages paid there",))
    return out


def validity_table(study) -> pd.DataFrame:
    """The validity gate for every axis (:func:`s3lib.measures.validity.check_axis`): one row per axis with
    ``label``, ``activities`` (scored), ``corr_gdp``, ``corr_diversity``, ``marker_auc``,
    ``high_median_rank``, ``low_median_rank``, ``rank_<marker>`` (1 = most beneficial), ``passes``,
    ``failed`` and ``chosen`` (the first passing axis in :data:`AXES` order)."""
    from s3lib.measures.validity import check_axis

    base = study._base
    sample = base.sample.table.index
    orient, _ = study.space.orientation(study.level, study.year, sample)
    traded = base.counts.columns[base.traded.to_numpy()]
    diversity = base.presence.loc[sample, traded].fillna(0).sum(axis=1)
    markers = study.space.markers()
    high = list(markers.loc[markers["role"] == "knowledge-intensive manufacturing", "activity"])
    low = list(markers.loc[markers["role"] == "routine service", "activity"])
    rows = {}
    for key, axis in study.benefit_axes.items():
        row = {"label": axis.label, "activities": int(axis.activity.notna().sum()),
               **check_axis(axis.region, axis.activity, orient, diversity, high, low)}
        ranks = axis.activity.rank(ascending=False, method="min")
        for code in markers["activity"]:
            row[f"rank_{code}"] = float(ranks.get(code, np.nan))
        rows[key] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    passing = [k for k in AXES if k in out.index and out.loc[k, "passes"]]
    out["chosen"] = out.index == (passing[0] if passing else None)
    out.index.name = "axis"
    return out
