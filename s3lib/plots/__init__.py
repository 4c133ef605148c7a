"""Figures of the suite: projector-readable, colour-blind safe, always sourced.

One module per topic, each function taking tables (or a graph) and an ``ax``:

* :mod:`~s3lib.plots.io`: :func:`figure` (1280 x 720 px), :func:`annotate` (title with place, level
  and year; source line), :func:`save` and :func:`write` (atomic, with metadata), :func:`png_text`;
* :mod:`~s3lib.plots.style`: palettes (Okabe-Ito, cividis, PuOr), LQ colours, label helpers;
* :mod:`~s3lib.plots.structure`: cluster bars, sector shares, coverage;
* :mod:`~s3lib.plots.diversification`: variety, opportunities, entries and exits, principle of relatedness;
* :mod:`~s3lib.plots.links`: the related-cluster network, bridging clusters;
* :mod:`~s3lib.plots.alignment`: RIS3 matching matrix, coverage and fit, candidates, similarity;
* :mod:`~s3lib.plots.maps`: choropleths of NUTS regions, the EU map of one cluster;
* :mod:`~s3lib.plots.partners`: the map and list of a place's partner regions abroad.

Everything is re-exported here, so notebooks write ``plots.cluster_bars(...)``. matplotlib is
imported only when a function draws.
"""
from __future__ import annotations

from s3lib.data.sources import (
                            GAPS_SBS,
                            SOURCE_GISCO,
                            SOURCE_NAMA,
                            SOURCE_SBS,
                            SOURCE_USCMP,
)
from s3lib.plots.alignment import (
                            alignment_heatmap,
                            candidate_board,
                            coverage_fit_bars,
                            similarity_bars,
                            uncovered_bars,
)
from s3lib.plots.diversification import (
                            change_bars,
                            entry_rate_bars,
                            opportunity_chart,
                            variety_places,
                            variety_scatter,
)
from s3lib.plots.io import (
                            DPI,
                            HEIGHT_PX,
                            WIDTH_PX,
                            annotate,
                            figure,
                            metadata,
                            png_text,
                            rc_params,
                            read_png_metadata,
                            save,
                            saver,
                            set_metadata,
                            slug,
                            style,
                            styled,
                            write,
)
from s3lib.plots.links import betweenness_bars, network_chart, network_layout
from s3lib.plots.maps import (
                            EUROPE_EXTENT,
                            MAP_CRS,
                            cluster_map,
                            extent_of,
                            label_points,
                            region_map,
)
from s3lib.plots.partners import PARTNER_COLOURS, partner_list, partner_map, partners_figure
from s3lib.plots.structure import (
                            cluster_bars,
                            count_bars,
                            coverage_heatmap,
                            grouped_bars,
)
from s3lib.plots.style import (
                            CHANGE_COLOURS,
                            DIVERGING,
                            LQ_CLIP,
                            NO_DATA,
                            OKABE_ITO,
                            QUADRANT_COLOURS,
                            SECTOR_LABELS,
                            SEQUENTIAL,
                            lq_colorbar,
                            lq_norm,
                            short_name,
)
from s3lib.plots.tables import for_people, show_tables_for_people

__all__ = [
    "for_people", "show_tables_for_people",
    "CHANGE_COLOURS", "DIVERGING", "DPI", "EUROPE_EXTENT", "GAPS_SBS", "HEIGHT_PX", "LQ_CLIP", "MAP_CRS", "NO_DATA",
    "OKABE_ITO", "PARTNER_COLOURS", "QUADRANT_COLOURS", "SECTOR_LABELS", "SEQUENTIAL", "SOURCE_GISCO", "SOURCE_NAMA",
    "SOURCE_SBS",
    "SOURCE_USCMP", "WIDTH_PX", "alignment_heatmap", "annotate", "betweenness_bars", "candidate_board",
    "change_bars", "cluster_bars", "count_bars", "cluster_map", "coverage_fit_bars", "coverage_heatmap", "entry_rate_bars",
    "extent_of", "figure", "grouped_bars", "label_points", "lq_colorbar", "lq_norm", "network_chart",
    "metadata", "network_layout", "opportunity_chart", "partner_list", "partner_map", "partners_figure", "png_text",
    "rc_params", "read_png_metadata", "region_map",
    "save", "saver", "set_metadata", "short_name", "similarity_bars", "slug", "style", "styled", "uncovered_bars",
    "variety_places", "variety_scatter", "write",
]
