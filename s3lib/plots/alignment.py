"""Charts of city-to-region alignment (notebook 04): the priority x industry matrix, coverage and
fit, candidates per priority, profile similarity, specialisations no priority covers. Each takes
the tables of :mod:`s3lib.measures.alignment` and an ``ax``, draws, and returns the ``ax``."""
from __future__ import annotations

from s3lib.plots.style import (
    DIVERGING,
    LQ_CLIP,
    OKABE_ITO,
    QUADRANT_COLOURS,
    colormap,
    short_name,
    styled,
    thousands,
    wrap_text,
)

__all__ = ["alignment_heatmap", "candidate_board", "coverage_fit_bars", "similarity_bars", "uncovered_bars"]


@styled
def alignment_heatmap(ax, match, *, clip: float = LQ_CLIP, colorbar: bool = True, label_width: int = 30):
    """The matching matrix: priorities (rows) x industries (columns), coloured by LQ.

    Colour: ``log2 LQ`` on the diverging ``PuOr`` palette centred at LQ = 1 (purple =
    specialised, orange = under-represented), saturating at ``1/clip`` and ``clip``. Each
    measured cell carries the place's persons employed (``"12k"``). Cells the statistics cannot
    give are grey: hatched ``"n/m"`` = not measurable (section not in the statistics),
    ``"–"`` = missing for this place (confidential). A dashed frame marks a priority that
    maps only part of the industry (its employment is an upper bound). A faded cell with a dotted frame is a
    local or mixed industry (``not traded``): shown, counted in neither coverage nor fit. Blank = the
    priority does not map to the industry.

    Parameters
    ----------
    ax : matplotlib Axes
    match : DataFrame
        :func:`s3lib.measures.alignment.matching` (columns ``label``, ``industry``, ``lq``,
        ``employment``, ``status``, ``partial``).
    clip : float, default 4
    colorbar : bool, default True
    label_width : int
        Wrap priority labels at this many characters.

    Returns
    -------
    Axes
        ``ax.images``/``ax.collections`` hold the mesh; ``ax.texts`` the cell labels.
    """
    import matplotlib.colors as mcolors
    import numpy as np
    from matplotlib.patches import Rectangle

    from s3lib.measures.alignment import MISSING, NOT_MEASURABLE, NOT_TRADED, matching_matrix

    lq = matching_matrix(match, "lq")
    emp = matching_matrix(match, "employment")
    status = matching_matrix(match, "status")
    partial = matching_matrix(match.assign(partial=match["partial"].astype(float)), "partial")
    nrow, ncol = lq.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log2(lq.to_numpy(dtype=float))
    logs[np.isneginf(logs)] = -np.log2(clip)
    cmap = colormap(DIVERGING)
    norm = mcolors.Normalize(vmin=-np.log2(clip), vmax=np.log2(clip))
    mesh = ax.pcolormesh(np.ma.masked_invalid(logs), cmap=cmap, norm=norm, edgecolors="#B0B0B0", linewidth=0.6)
    size = float(np.clip(300 / max(ncol, 1), 8, 13))
    for r in range(nrow):
        for c in range(ncol):
            state = status.iat[r, c]
            if state == NOT_MEASURABLE or state == MISSING:
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#E6E6E6", edgecolor="white", lw=1.0,
                                       hatch="///" if state == NOT_MEASURABLE else None, zorder=2))
                ax.text(c + 0.5, r + 0.5, "n/m" if state == NOT_MEASURABLE else "–", ha="center", va="center",
                        fontsize=size * 0.9, color="#444444", zorder=3, in_layout=False)
            elif not np.isnan(logs[r, c]):
                rgba = cmap(norm(logs[r, c]))
                light = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] > 0.55
                ax.text(c + 0.5, r + 0.5, thousands(emp.iat[r, c]), ha="center", va="center", fontsize=size,
                        color="black" if light else "white", zorder=3, in_layout=False)
            if state == NOT_TRADED:  # shown with its LQ, but counted in neither coverage nor fit
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="white", alpha=0.45, edgecolor="none", zorder=2.5))
                ax.add_patch(Rectangle((c + 0.04, r + 0.06), 0.92, 0.88, fill=False, edgecolor="#555555", lw=1.0,
                                       ls=(0, (1, 2)), zorder=2.6))
            if partial.iat[r, c] == 1.0:
                ax.add_patch(Rectangle((c + 0.06, r + 0.08), 0.88, 0.84, fill=False, edgecolor="#222222",
                                       lw=1.1, ls=(0, (2, 1.5)), zorder=4))
    ax.set_xlim(0, ncol)
    ax.set_ylim(nrow, 0)
    ax.set_xticks(np.arange(ncol) + 0.5, list(lq.columns), rotation=90, fontsize=min(13, size + 2))
    ax.set_yticks(np.arange(nrow) + 0.5, [wrap_text(t, label_width) for t in lq.index], fontsize=13)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("Industry mapped by a priority (NACE division or broad sector)")
    if colorbar:
        ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8) if 1 / clip <= t <= clip]
        cb = ax.figure.colorbar(mesh, ax=ax, ticks=np.log2(ticks), fraction=0.035, pad=0.015, aspect=22,
                                shrink=0.85)
        cb.ax.set_yticklabels([f"{t:g}" for t in ticks])
        cb.set_label("LQ (log scale; > 1 = specialised)")
    return ax


@styled
def coverage_fit_bars(ax, scores, label_width: int = 30, name_bars: bool = True, all_label: str = "ALL PRIORITIES"):
    """Coverage and fit per row (horizontal bar pairs, %), the all-priorities row on top.

    Bars are labelled directly (the top row says which bar is coverage and which fit), so
    no legend covers them. A NaN score (nothing measurable) is labelled ``"n/m"``.

    Parameters
    ----------
    ax : matplotlib Axes
    scores : DataFrame
        :func:`s3lib.measures.alignment.scores` (columns ``label``, ``coverage``, ``fit``; a row
        indexed ``"all"`` is drawn first, in bold, above a rule), or any table with those columns.
    label_width : int
        Wrap row labels at this many characters.
    name_bars : bool, default True
        Write "coverage" and "fit" after the top row's values (False for a narrow panel
        next to one that already does).
    all_label : str
        Label of the ``"all"`` row.

    Returns
    -------
    Axes
        Two bar containers (coverage, fit), one bar per row of ``scores``.
    """
    import numpy as np

    order = [i for i in scores.index if i == "all"] + [i for i in scores.index if i != "all"]
    table = scores.loc[order]
    y = np.arange(len(table))
    h = 0.4
    for k, (column, colour) in enumerate((("coverage", OKABE_ITO[0]), ("fit", OKABE_ITO[1]))):
        values = 100 * table[column].astype(float)
        bars = ax.barh(y - h / 2 + k * h, values.fillna(0), height=h, color=colour, label=column)
        for row, (bar, v) in enumerate(zip(bars, values)):
            text = "n/m" if np.isnan(v) else f"{v:.0f}%"
            ax.annotate(f"{text} {column}" if row == 0 and name_bars else text,
                        (bar.get_width(), bar.get_y() + h / 2),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=12,
                        fontweight="bold" if row == 0 and table.index[0] == "all" else "normal")
    labels = [all_label if pid == "all" else wrap_text(lab, label_width) for pid, lab in zip(table.index,
                                                                                                table["label"])]
    ax.set_yticks(y, labels, fontsize=12.5)
    for tick, pid in zip(ax.get_yticklabels(), table.index):
        if pid == "all":
            tick.set_fontweight("bold")
    if order and order[0] == "all" and len(order) > 1:
        ax.axhline(0.5, color="#777777", lw=1)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, 135 if name_bars else 118)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("% of employment")
    return ax


@styled
def candidate_board(ax, cands, names=None, n: int = 3, label_width: int = 28, priorities=None,
                    benefit_word: str = "benefit"):
    """New paths next to each priority: a board of labelled tiles.

    Rows = priorities; up to ``n`` tiles per row, best first (``score``), each naming the
    industry, its relatedness density (RD) and benefit score (``benefit_word``, the axis the validity gate
    chose), coloured by opportunity quadrant (:data:`QUADRANT_COLOURS`). A priority without a new path
    says so.

    Parameters
    ----------
    ax : matplotlib Axes
    cands : DataFrame
        :func:`s3lib.measures.alignment.priority_candidates` (``priority_id``, ``label``, ``industry``,
        ``density``, ``benefit``, ``quadrant``, ``score``), sorted within each priority.
    names : mapping, optional
        Industry code -> short name.
    n : int, default 3
    priorities : list of str, optional
        Every priority label, in order (a priority without candidates then gets a row saying so);
        default: the labels that have candidates.

    Returns
    -------
    Axes
        One rectangle patch per tile drawn.
    """
    from matplotlib.patches import FancyBboxPatch, Patch

    names = names or {}
    rows = list(dict.fromkeys(cands["label"])) if len(cands) else []
    if priorities is not None:
        rows = list(priorities)
    ax.set_xlim(0, n)
    ax.set_ylim(max(len(rows), 4), 0)  # at least four rows high, so a short list keeps compact tiles
    ax.axis("off")
    for r, label in enumerate(rows):
        part = cands[cands["label"] == label].head(n)
        ax.text(-0.03, r + 0.5, wrap_text(label, label_width), ha="right", va="center", fontsize=12.5,
                transform=ax.transData)
        if part.empty:
            ax.text(0.05, r + 0.5, "no new path: its industries are specialised, latent, local or too small",
                    va="center", fontsize=11.5, color="#555555", style="italic")
        for c, row in enumerate(part.itertuples()):
            colour = QUADRANT_COLOURS.get(row.quadrant, "#9A9A9A")
            ax.add_patch(FancyBboxPatch((c + 0.04, r + 0.1), 0.92, 0.8, boxstyle="round,pad=0,rounding_size=0.08",
                                        facecolor=colour, edgecolor="none", alpha=0.22, mutation_aspect=0.5))
            ax.add_patch(FancyBboxPatch((c + 0.04, r + 0.1), 0.02, 0.8, boxstyle="square,pad=0",
                                        facecolor=colour, edgecolor="none"))
            title = f"{row.industry} {short_name(names.get(row.industry, ''), 25)}".strip()
            ax.text(c + 0.1, r + 0.38, title, va="center", fontsize=12, fontweight="bold")
            ax.text(c + 0.1, r + 0.7, f"RD {row.density:.2f} · {benefit_word} {row.benefit:+.1f} · LQ {row.lq:.2f}",
                    va="center", fontsize=11, color="#333333")
    handles = [Patch(color=c, alpha=0.6, label=q) for q, c in QUADRANT_COLOURS.items()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False, fontsize=11.5)
    return ax


@styled
def similarity_bars(ax, table):
    """Profile similarity of region pairs: cosine of LQ and of log LQ (grouped horizontal bars).

    Parameters
    ----------
    ax : matplotlib Axes
    table : DataFrame
        :func:`s3lib.analyses.ris3.similarity` (``classification``, ``region_a``, ``region_b``,
        ``n_industries``, ``cosine_lq``, ``cosine_log_lq``).

    Returns
    -------
    Axes
        Two bar containers, one bar per pair each.
    """
    import numpy as np

    table = table.iloc[::-1]
    y = np.arange(len(table))
    h = 0.38
    for k, (column, text, colour) in enumerate((("cosine_lq", "cosine of LQ", "#A8A8A8"),
                                                 ("cosine_log_lq", "cosine of log LQ", OKABE_ITO[0]))):
        bars = ax.barh(y + (h / 2 if k == 0 else -h / 2), table[column], height=h, color=colour, label=text)
        for row, (bar, v) in enumerate(zip(bars, table[column])):
            top = row == len(table) - 1  # the first pair, drawn on top, names the measure
            ax.annotate(f"{v:+.2f} {text}" if top else f"{v:+.2f}", (max(v, 0), bar.get_y() + h / 2),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=12,
                        fontweight="bold" if top else "normal")
    labels = [f"{a} vs {b}\n{c.split(' ')[0]} {'sectors' if c.startswith('broad') else 'divisions'} ({n})"
              for a, b, c, n in zip(table["region_a"], table["region_b"], table["classification"],
                                    table["n_industries"])]
    ax.set_yticks(y, labels, fontsize=12.5)
    ax.axvline(0, color="#333333", lw=1)
    ax.set_xlim(min(-0.25, float(table["cosine_log_lq"].min()) - 0.1), 1.45)
    ax.set_xticks([t for t in (-1, -0.5, 0, 0.5, 1) if t >= ax.get_xlim()[0]])
    ax.set_xlabel("Similarity of specialisation profiles (1 = same, 0 = unrelated, -1 = opposite)")
    return ax


@styled
def uncovered_bars(ax, uncovered, names=None, n: int = 10):
    """Specialised industries no priority covers, by employment (horizontal bars, LQ labelled).

    Parameters
    ----------
    ax : matplotlib Axes
    uncovered : DataFrame
        :func:`s3lib.measures.alignment.uncovered_strengths` (index = industry; ``employment``, ``lq``, ``share``).
    names : mapping, optional
        Industry code -> name (shortened with :func:`short_name`).
    n : int, default 10

    Returns
    -------
    Axes
        One bar per industry shown.
    """
    import numpy as np

    names = names or {}
    table = uncovered.head(n).iloc[::-1]
    y = np.arange(len(table))
    bars = ax.barh(y, table["employment"] / 1000, color=OKABE_ITO[3])
    for bar, (code, row) in zip(bars, table.iterrows()):
        ax.annotate(f"LQ {row['lq']:.2f} · {row['share']:.0%}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=11.5)
    ax.set_yticks(y, [f"{c} {short_name(names.get(c, ''), 34)}".strip() for c in table.index], fontsize=12.5)
    ax.set_xlabel("Persons employed (thousands); label: LQ · share of specialised employment")
    ax.margins(x=0.25)
    return ax
