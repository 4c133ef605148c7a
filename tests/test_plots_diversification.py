"""Charts of notebooks 02 and 03 (diversification and links): artists drawn, on small synthetic inputs."""
from __future__ import annotations

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from s3lib import plots  # the Agg backend is set in conftest.py


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_short_name_drops_boilerplate_and_cuts_at_a_word():
    assert plots.short_name("Manufacture of machinery and equipment n.e.c.") == "Machinery and equipment"
    assert plots.short_name("Wholesale trade, except of motor vehicles and motorcycles") == "Wholesale trade"
    assert plots.short_name("Manufacture of computer, electronic and optical products") == "Computer, electronic and…"
    cut = plots.short_name("Other professional, scientific and technical activities", 20)
    assert cut == "Other professional"
    cut = plots.short_name("Wholesale and retail trade and repair of motor vehicles and motorcycles", 20)
    assert cut.endswith("…") and len(cut) <= 21 and not cut[:-1].endswith(" ")
    assert plots.short_name("Plastics") == "Plastics"
    assert plots.short_name("Marketing, Design, and Publishing", 30, first_part=False) == "Marketing, Design, and…"


def test_variety_scatter_marks_region_group_and_rest(ax):
    rng = np.random.default_rng(1)
    idx = [f"DE{i}" for i in range(5)] + [f"FR{i}" for i in range(10)]
    table = pd.DataFrame({"related": rng.uniform(1, 2.5, 15), "unrelated": rng.uniform(2, 3.2, 15)}, index=idx)
    plots.variety_scatter(ax, table, "DE0", [c for c in idx if c.startswith("DE")], label="DE0 Somewhere")
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in points] == [10, 4, 1]  # rest, same country, the region
    assert "DE0 Somewhere" in _texts(ax)
    assert any(t.endswith("bits") for t in _texts(ax))  # equal-variety guides are labelled
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "other EU regions (10)", "same country (4)", "DE0 Somewhere"]
    assert "Unrelated" in ax.get_xlabel() and "Related" in ax.get_ylabel()


def test_opportunity_chart_quadrants_medians_and_labels(ax):
    table = pd.DataFrame({
        "density": [0.5, 0.4, 0.1, 0.2, 0.45],
        "benefit": [1.0, -1.0, 1.5, -0.5, 2.0],
        "quadrant": ["low risk, high benefit", "low risk, low benefit", "high risk, high benefit",
                     "high risk, low benefit", "low risk, high benefit"],
    }, index=["C27", "G46", "C21", "N81", "C28"])
    present = pd.DataFrame({"density": [0.3, 0.35], "benefit": [0.0, -2.0]}, index=["M71", "H52"])
    plots.opportunity_chart(ax, table, present=present, labels={"C27": "C27 Electrical", "C28": "C28 Machinery"},
                            medians={"density_median": 0.3, "benefit_median": 0.2}, benefit_label="wage level (log, z)")
    sizes = sorted(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert sizes == [1, 1, 1, 2, 2]  # present crosses + four quadrants
    assert {"C27 Electrical", "C28 Machinery"} <= set(_texts(ax))
    assert "median density 0.30" in _texts(ax) and "median 0.20" in _texts(ax)
    assert ax.get_ylabel() == "Wage level (log, z)"
    assert next(line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--") == pytest.approx(0.3)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "low risk, high benefit (2)" in legend and "already specialised (2)" in legend


def test_opportunity_labels_do_not_overlap(ax):
    # four close points in the middle of the axes, two far ones setting the range
    table = pd.DataFrame({"density": [0.3, 0.301, 0.302, 0.303, 0.1, 0.5], "benefit": [1.0, 1.01, 1.02, 1.03, -1.0, 3.0],
                          "quadrant": ["low risk, high benefit"] * 4 + ["high risk, low benefit"] * 2},
                         index=list("abcdef"))
    plots.opportunity_chart(ax, table, labels={k: f"label {k} long text" for k in "abcd"},
                            medians={"density_median": 0.2, "benefit_median": 0.0})
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text().startswith("label")]
    assert len(boxes) == 4
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert overlaps == 0


def test_change_bars_signed_and_coloured(ax):
    table = pd.DataFrame({"change": [1500.0, -300.0, np.nan], "status": ["entry", "exit", "exit"]},
                         index=["M71 Engineering", "C33 Repair", "C19 Coke"])
    plots.change_bars(ax, table)
    bars = _bars(ax)[:3]
    assert [b.get_width() for b in bars] == [1500.0, -300.0, 0.0]
    assert matplotlib.colors.to_hex(bars[0].get_facecolor()) == plots.CHANGE_COLOURS["entry"].lower()
    assert matplotlib.colors.to_hex(bars[1].get_facecolor()) == plots.CHANGE_COLOURS["exit"].lower()
    assert {"+1,500", "-300", "n/a"} <= set(_texts(ax))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["M71 Engineering", "C33 Repair", "C19 Coke"]


def test_change_bars_empty_says_so(ax):
    plots.change_bars(ax, pd.DataFrame(columns=["change", "status"]))
    assert _texts(ax) == ["no entries or exits between the two years"]


def test_entry_rate_bars_one_bar_per_bin_with_region_overlay(ax):
    table = pd.DataFrame({"density_min": [0.0, 0.3], "density_max": [0.3, 0.6], "mean_density": [0.15, 0.45],
                          "at_risk": [100, 100], "entries": [5, 15], "entry_rate": [0.05, 0.15]},
                         index=pd.Index([1, 2], name="bin"))
    table["own_at_risk"], table["own_entries"] = [0, 4], [0, 1]  # the region has cells in bin 2 only
    plots.entry_rate_bars(ax, table, overall=0.10, highlight_label="XX11")
    assert [round(b.get_height(), 6) for b in _bars(ax)[:2]] == [5.0, 15.0]
    assert "5.0 %\n5 of 100" in _texts(ax) and "1/4" in _texts(ax)
    diamonds = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(diamonds) == 1 and diamonds[0].get_offsets()[0][1] == pytest.approx(25.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Q1\n0.00-0.30", "Q2\n0.30-0.60"]


def _graph():
    g = nx.Graph()
    g.add_edges_from([("A", "B"), ("B", "C"), ("C", "D"), ("B", "D")])
    g.add_nodes_from(["E", "F"])  # isolated
    return g


def test_network_layout_is_fixed_and_puts_isolated_nodes_below():
    g = _graph()
    a, b = plots.network_layout(g, seed=3), plots.network_layout(g, seed=3)
    assert a == b
    assert all(a[n][1] < -1.2 for n in "EF") and all(-1.001 <= a[n][1] <= 1.001 for n in "ABCD")


def test_network_chart_sizes_colours_and_labels(ax):
    g = _graph()
    size = pd.Series({"A": 100.0, "B": 400.0, "C": 50.0, "D": 10.0, "E": 20.0})  # F: not observed
    lq = pd.Series({"A": 2.0, "B": 1.0, "C": 0.5, "D": 0.25, "E": 1.5})
    plots.network_chart(ax, g, size, lq, labels={"B": "B label", "A": "A label"}, highlight_edges=[("A", "B")])
    scatters = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    hollow, filled = scatters[0], scatters[1]
    assert len(hollow.get_offsets()) == 1 and len(filled.get_offsets()) == 5
    assert filled.get_sizes().max() == pytest.approx(40 + 1400)  # the largest node
    assert sorted(np.asarray(filled.get_array())) == pytest.approx(np.log2([0.25, 0.5, 1.0, 1.5, 2.0]))
    assert {"A label", "B label"} <= set(_texts(ax))
    widths = sorted(line.get_linewidth() for line in ax.lines)
    assert len(widths) == 4 and widths[-1] > widths[0]  # the highlighted edge is thicker
    assert ax.get_legend().get_title().get_text().startswith("Node size")


def test_betweenness_bars_flag_bridging_and_specialised(ax):
    table = pd.DataFrame({"cluster": ["Hub", "Mid", "Leaf"], "betweenness": [0.5, 0.1, 0.0],
                          "degree": [5, 2, 1], "bridging": [True, False, False]})
    plots.betweenness_bars(ax, table, n=2, specialised=["Mid"])
    bars = _bars(ax)[:2]
    assert [b.get_width() for b in bars] == [0.5, 0.1]
    labels = ax.get_yticklabels()
    assert [t.get_text() for t in labels] == ["Hub", "● Mid"]
    assert labels[1].get_fontweight() == "bold"
    assert matplotlib.colors.to_hex(bars[0].get_facecolor()) == plots.OKABE_ITO[0].lower()
