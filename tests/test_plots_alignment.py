"""Alignment charts of s3lib.plots (notebook 04), checked on their artists (Agg, set in conftest) with
hand-made tables."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from s3lib import plots
from s3lib.measures.alignment import MISSING, NOT_MEASURABLE

# two priorities x four industries: C21 specialised, C26 partial and under-represented,
# K64 not measurable, C20 confidential; "2 Digital" does not map C21 or K64 (blank cells)
MATCH = pd.DataFrame({
    "priority_id": ["X/1", "X/1", "X/1", "X/2", "X/2"],
    "label": ["1 Health", "1 Health", "1 Health", "2 Digital", "2 Digital"],
    "industry": ["C21", "C26", "K64", "C26", "C20"],
    "partial": [False, True, False, False, False],
    "employment": [12_345.0, 800.0, np.nan, 800.0, np.nan],
    "lq": [2.0, 0.5, np.nan, 0.5, np.nan],
    "status": ["measured", "measured", NOT_MEASURABLE, "measured", MISSING],
})


def test_heatmap_cells_labels_and_unmeasured_marks(ax):
    plots.alignment_heatmap(ax, MATCH)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["C21", "C26", "K64", "C20"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1 Health", "2 Digital"]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["12k", "800", "800", "n/m", "–"])
    mesh = ax.collections[0].get_array()
    assert mesh.count() == 3  # three measured cells coloured, the rest masked
    assert np.allclose(sorted(mesh.compressed()), [-1.0, -1.0, 1.0])  # log2 LQ, centred at LQ = 1
    dashed = [p for p in ax.patches if p.get_linestyle() not in ("solid", "-") and not p.get_fill()]
    assert len(dashed) == 1  # the partial C26 cell of "1 Health"
    assert len(ax.figure.axes) == 2  # the colour bar


def test_coverage_fit_bars_put_all_first_and_label_nan(ax):
    scores = pd.DataFrame({"label": ["1 Health", "2 Finance", "all priorities"],
                           "coverage": [0.6, np.nan, 0.65], "fit": [0.5, 0.0, 0.76]},
                          index=pd.Index(["X/1", "X/2", "all"], name="priority_id"))
    plots.coverage_fit_bars(ax, scores)
    assert len(ax.containers) == 2 and all(len(c) == 3 for c in ax.containers)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ALL PRIORITIES", "1 Health", "2 Finance"]
    labels = [t.get_text() for t in ax.texts]
    assert "65% coverage" in labels and "76% fit" in labels and "n/m" in labels
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first row on top


def test_candidate_board_tiles_and_empty_rows(ax):
    cands = pd.DataFrame({"label": ["1 Health", "1 Health"], "industry": ["C26", "C32"],
                          "density": [0.4, 0.3], "benefit": [1.5, -0.2], "lq": [0.5, 0.8],
                          "quadrant": ["low risk, high benefit", "high risk, low benefit"], "score": [0.9, 0.4]})
    plots.candidate_board(ax, cands, {"C26": "Manufacture of computer, electronic and optical products"}, n=3,
                          priorities=["1 Health", "2 Finance"], benefit_word="wage")
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("C26 Computer") for t in texts) and "C32" in texts
    assert any(t.startswith("no new path") for t in texts)  # 2 Finance has none
    assert any(t.startswith("RD 0.40 · wage +1.5") for t in texts)
    assert len(ax.patches) == 4  # two tiles, each a box and a colour strip


def test_similarity_and_uncovered_bars(ax):
    sim = pd.DataFrame({"classification": ["broad sectors A/B-E", "NACE divisions (SBS)"],
                        "region_a": ["XX123", "XX12"], "region_b": ["XX12", "XX1"], "n_industries": [6, 60],
                        "cosine_lq": [0.95, 0.9], "cosine_log_lq": [-0.2, 0.8]})
    plots.similarity_bars(ax, sim)
    assert len(ax.containers) == 2 and ax.get_xlim()[0] < -0.2
    fig, ax2 = plots.figure()
    unc = pd.DataFrame({"employment": [5000.0, 1000.0], "lq": [1.5, 1.1], "share": [0.3, 0.06]}, index=["N78", "H52"])
    plots.uncovered_bars(ax2, unc, {"N78": "Employment activities"})
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["H52", "N78 Employment activities"]
    assert "LQ 1.50 · 30%" in [t.get_text() for t in ax2.texts]
    plt.close(fig)
