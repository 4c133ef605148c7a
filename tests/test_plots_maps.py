"""Chart functions of notebooks 00, 01 and 05 (maps, cluster bars, grouped bars, variety, coverage), under Agg.

Synthetic inputs made here; assertions on the artists drawn.
"""
from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from shapely.geometry import box

from s3lib import plots


@pytest.fixture
def squares():
    """Four 100 km squares in EPSG:3035 around Frankfurt, with values (one missing)."""
    x0, y0 = 4.2e6, 2.9e6
    geoms = [box(x0 + i * 1e5, y0, x0 + (i + 1) * 1e5, y0 + 1e5) for i in range(4)]
    return gpd.GeoDataFrame({"code": ["AA1", "AA2", "BB1", "BB2"], "lq": [0.5, 1.0, 2.0, np.nan]},
                            geometry=geoms, crs=3035)


def test_label_points_and_extent(squares):
    pts = plots.label_points(squares.to_crs(4326), ["BB1", "XX9", "AA1"], ["b", "x", "a"])
    assert pts["code"].tolist() == ["BB1", "AA1"] and pts["label"].tolist() == ["b", "a"]
    assert pts.crs.to_epsg() == plots.MAP_CRS
    assert squares.loc[[2], "geometry"].iloc[0].contains(pts.geometry.iloc[0])
    x0, x1, y0, y1 = plots.extent_of(squares, ["AA1", "AA2"], pad=0.0, aspect=2.0)
    assert x1 - x0 == pytest.approx(2 * (y1 - y0))
    assert x0 <= 4.2e6 and x1 >= 4.4e6


def test_region_map_draws_layers(squares):
    fig, ax = plots.figure()
    points = plots.label_points(squares, ["AA2"], ["City"])
    plots.region_map(ax, squares, "lq", cmap=plots.DIVERGING, norm=plots.lq_norm(4), highlight=["BB1"],
                     points=points, extent=plots.extent_of(squares))
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["City"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["no data"]  # BB2 is missing
    assert len(fig.axes) == 2  # the map and its colour bar
    labels = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert "1" in labels and "4" in labels
    plt.close(fig)


def test_region_map_fills_without_values(squares):
    fig, ax = plots.figure()
    plots.region_map(ax, squares, fills={"AA1": "#0072B2", "BB1": "#E69F00"}, extent=plots.extent_of(squares))
    assert ax.get_legend() is None and len(fig.axes) == 1
    assert len(ax.collections) >= 3  # base layer + two fills
    plt.close(fig)


def _portfolio():
    return pd.DataFrame({"cluster": ["Automotive", "Business Services", "Financial Services"],
                         "employment": [48000.0, 30000.0, 4000.0], "lq": [2.5, 0.8, 1.3],
                         "stars": [3.0, 1.0, 0.0], "partial": [False, False, True]})


def test_cluster_bars_labels_stars_and_partial():
    fig, ax = plots.figure()
    plots.cluster_bars(ax, _portfolio(), n=3)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 3
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == ["Financial Services (partial)", "Business Services", "Automotive"]  # first on top
    assert bars[0].get_hatch() == "//" and not bars[2].get_hatch()
    assert bars[2].get_width() == pytest.approx(48.0)  # thousands
    assert any("LQ 2.50 ★★★" in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_cluster_bars_lq_small_multiple_wraps():
    fig, ax = plots.figure()
    plots.cluster_bars(ax, _portfolio(), n=2, value="lq", colorbar=False, label_width=10, wrap=True)
    assert [round(p.get_width(), 2) for p in ax.patches] == [0.8, 2.5]
    assert "\n" in ax.get_yticklabels()[0].get_text()
    assert len(fig.axes) == 1
    plt.close(fig)


def test_grouped_bars_counts_and_labels():
    frame = pd.DataFrame({"DE712": [0.3, np.nan], "DE": [0.25, 0.1]}, index=["G-J", "K"])
    fig, ax = plots.figure()
    plots.grouped_bars(ax, frame, label_width=40)
    assert len(ax.patches) == 4
    assert [t.get_text() for t in ax.get_yticklabels()] == ["G-J Trade ... information", "K Finance, insurance"]
    assert ax.get_yticks()[0] > ax.get_yticks()[1]  # first row on top
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["DE712", "DE"]
    assert max(p.get_width() for p in ax.patches) == pytest.approx(30.0)
    plt.close(fig)


def test_variety_places_marks_each_place():
    table = pd.DataFrame({"related": [1.8, 2.0, 1.5, 1.9], "unrelated": [2.9, 2.7, 3.0, 2.8]},
                         index=["DE71", "PT11", "XX11", "XX12"])
    fig, ax = plots.figure()
    plots.variety_places(ax, table, {"DE71": "Frankfurt", "PT11": "Porto", "ZZ99": "absent"})
    assert len(ax.collections) == 3  # others + two places
    assert sorted(t.get_text() for t in ax.texts) == ["Frankfurt", "Porto"]
    plt.close(fig)


def test_coverage_heatmap_highlights_rows():
    frame = pd.DataFrame([[0.9, np.nan], [0.6, 0.8]], index=["DE", "FR"], columns=[2008, 2009])
    fig, ax = plots.figure()
    plots.coverage_heatmap(ax, frame, highlight=["FR"])
    assert ax.images[0].get_array().shape == (2, 2)
    labels = ax.get_yticklabels()
    assert [t.get_text() for t in labels] == ["DE", "▶ FR"] and labels[1].get_fontweight() == "bold"
    plt.close(fig)
