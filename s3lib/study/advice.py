"""The advice half of a study: the benefit axis that passes the validity gate, new paths, data breaks, and
the channels of cooperation (mixed into :class:`s3lib.study.Study`).

Everything here is shown to a workshop as advice, so everything here is gated: a benefit axis is used only
if it passes :mod:`s3lib.measures.validity`; a candidate must be a new path (:mod:`s3lib.study.paths`), with
no data break (:mod:`s3lib.study.integrity`); cooperation channels are normalised for hub clusters
(:mod:`s3lib.measures.links`).
"""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from s3lib.result import Result
from s3lib.result import copy_out as _frame

__all__ = ["Advice"]


class Advice:
    """Mixin of :class:`s3lib.study.Study` (needs its ``_base``, ``sample``, ``space``, ``scheme``, ``level``,
    ``year`` and the ``_reviews`` and ``_breaks`` caches)."""

    @cached_property
    def _medians(self) -> dict:
        from s3lib.measures.opportunities import sample_medians

        sample, axis = self.sample, self.benefit
        traded = self._base.counts.columns[self._base.traded.to_numpy()]
        scores = axis.activity if axis is not None else pd.Series(0.0, index=traded)
        out = sample_medians(self._base.presence.loc[sample, traded], self._base.density.loc[sample, traded], scores)
        return out if axis is not None else {**out, "benefit": float("nan")}

    @property
    def medians(self) -> dict:
        """Density and benefit medians over the candidates of every region of the sample (quadrant split;
        the benefit median is NaN when no benefit axis passes the validity gate)."""
        return dict(self._medians)

    def review(self, region: str) -> Result:
        """Every activity ``region`` is not specialised in, with its status: new path, not traded, latent
        strength, data break, too small (:func:`s3lib.study.paths.review`)."""
        from s3lib.study.paths import review

        if region not in self._reviews:
            self._reviews[region] = review(self, region)
        return self._reviews[region]

    def candidates(self, region: str) -> Result:
        """A region's new paths (:meth:`review`, status ``new path``): traded, not specialised now or in the
        lookback years, no break, large enough; ideal quadrant first. Latent strengths and the excluded
        activities are in :meth:`review`."""
        full = self.review(region)
        table = full.table
        return full.replace(table=table[table["status"] == "new path"])

    def breaks(self, first_year: int) -> Result:
        """Cell breaks and series breaks of the study's space and level from ``first_year`` to the study year
        (:func:`s3lib.study.integrity.breaks`)."""
        from s3lib.study.integrity import breaks

        key = int(first_year)
        if key not in self._breaks:
            self._breaks[key] = breaks(self.space, self.level, key, self.year)
        return self._breaks[key]

    def local_services(self, region: str) -> pd.DataFrame:
        """The region's local and mixed activities (:func:`s3lib.study.spaces.sbs_trade_split`): ``activity, name,
        status, employment, lq, density``; never candidates."""
        base = self._base
        local = base.counts.columns[~base.traded.to_numpy()]
        names = self.space.names()
        out = pd.DataFrame({"activity": local, "name": local.map(names),
                            "status": self.space.trade_status(local).to_numpy(),
                            "employment": base.counts.loc[region, local].to_numpy(),
                            "lq": base.lq.loc[region, local].to_numpy(),
                            "density": base.density.loc[region, local].to_numpy()})
        return out.sort_values("employment", ascending=False).reset_index(drop=True)

    @cached_property
    def benefit_axes(self) -> dict:
        """Every benefit axis the space can compute (:func:`s3lib.study.benefit.axes`): ``{key: Axis}``."""
        from s3lib.study.benefit import axes

        return axes(self)

    @cached_property
    def _validity(self) -> pd.DataFrame:
        from s3lib.study.benefit import validity_table

        return validity_table(self)

    def validity(self) -> pd.DataFrame:
        """The validity gate of every benefit axis (:func:`s3lib.study.benefit.validity_table`): correlations
        with log GDP per head and with diversity, the ranks of the marker activities, whether it passes and
        which axis is chosen."""
        return _frame(self._validity)

    @property
    def benefit(self):
        """The benefit axis shown as advice (:class:`s3lib.study.benefit.Axis`): the first axis that passes the
        validity gate, or None when none does (then no benefit ranking and no complexity rank is shown)."""
        chosen = self._validity.index[self._validity["chosen"]]
        return self.benefit_axes[chosen[0]] if len(chosen) else None

    @cached_property
    def cluster_overlap(self) -> pd.DataFrame:
        """Cluster x cluster share of employment drawn from the same activities (the larger direction), over all
        regions of the level (:func:`s3lib.measures.links.shared_activity`): a pair above one half restates one
        division and is never a cooperation or development pair."""
        from s3lib.measures.links import shared_activity

        return shared_activity(self.scheme.weight_matrix(), self._base.counts.sum(axis=0))

    @cached_property
    def channels(self) -> dict:
        """Cluster x cluster relatedness by channel, each a percentile (0-100) among all pairs of the scheme's
        clusters: ``co-location`` (association strength of cluster presence over the sample's regions,
        :func:`s3lib.measures.links.association_strength`) and, for a scheme with its own related-cluster table
        (US CMP), ``value chain`` and ``occupations`` (hub-normalised, :func:`s3lib.measures.links.hub_normalised`)."""
        from s3lib.measures.links import association_strength, hub_normalised, pair_percentiles, uscmp_channels

        clusters = self.scheme.clusters
        held = (self._cluster_lq.loc[self.sample, clusters] >= 1).astype(float)
        out = {"co-location": pair_percentiles(association_strength(held))}
        related = self.scheme.related()
        if related is not None:
            for name, matrix in uscmp_channels(related).items():
                out[name] = pair_percentiles(hub_normalised(matrix.reindex(index=clusters, columns=clusters)))
        return out
