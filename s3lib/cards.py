"""One-page cluster card per place: 16:9, readable at a glance, PNG and PDF.

``s3lib card --places frankfurt bordeaux`` (or :func:`render`) writes
``figures/cards/<place>.png`` (1920 x 1080 px) and ``<place>.pdf`` with four blocks:

* **Top clusters**: the place's strongest clusters (US CMP scheme by default) by
  European Cluster Observatory stars, then location quotient (LQ against all EU NUTS2
  regions); clusters with less than half their industries observed are left out;
* **Diversification**: variety, related and unrelated variety as EU percentiles, the
  ECI rank, and the best diversification opportunities (Balland et al. 2019: related
  and complex industries the region is not yet specialised in);
* **Links**: the strongest cooperation candidates (related clusters both present) and the
  bridging cluster;
* **RIS3 fit**: coverage and fit of the strategy owner's priorities at NUTS2
  (:func:`s3lib.ris3.fit`), or plainly "RIS3 list not found".

Every number comes from the place's view in the study of the year (:class:`s3lib.view.PlaceView`)
and :func:`s3lib.ris3.fit`; the card only lays them out. Sources, level and year are printed on the card and stored in the
PNG text chunks (``Title``, ``Description``, ``Place``, ``Level``, ``Year``, as
:func:`s3lib.plots.save` does) and the PDF metadata.

Example
-------
>>> from s3lib import cards
>>> png, pdf = cards.render("porto")  # doctest: +SKIP
"""
from __future__ import annotations

import math
import textwrap
from pathlib import Path

from s3lib import config

__all__ = ["HEIGHT_PX", "WIDTH_PX", "add_parser", "card_data", "draw", "main", "render"]

WIDTH_PX, HEIGHT_PX, DPI = 1920, 1080, 100

_INK, _MUTED, _RULE = "#1A1A1A", "#5A5A5A", "#D0D0D0"
_BAND = "#0B3C5D"  # header band: dark blue, white text
_ACCENT = "#0072B2"  # Okabe-Ito blue: bars, big numbers
_STAR = "#E69F00"  # Okabe-Ito orange: stars (the glyph carries the meaning, not the colour)
_N_CLUSTERS, _N_OPPORTUNITIES, _N_LINKS = 6, 3, 3


# ----------------------------------------------------------------------------- numbers
def card_data(place, year: int = 2014, scheme="uscmp"):
    """What a card shows: the place's view in the study of the year (:meth:`s3lib.study.Study.at`) and
    its RIS3 fit at NUTS2 (:func:`s3lib.ris3.fit`). Returns ``(view, fit)``."""
    from s3lib import ris3
    from s3lib.study import Study

    view = Study("sbs", 2, year, scheme).at(place)
    return view, ris3.fit(view.place, year=year, level=2)


# ----------------------------------------------------------------------------- drawing
def _stars(n) -> str:
    n = 0 if math.isnan(n) else int(n)
    return "★" * n + "☆" * (3 - n)


def _short(text: str, width: int) -> str:
    from s3lib.plots import short_name

    return short_name(text, width)


def _heading(fig, x, y, text):
    fig.text(x, y, text.upper(), fontsize=17, fontweight="bold", color=_ACCENT, va="baseline")


def _big(fig, x, y, value, label, size=46, colour=_INK, label_size=15):
    fig.text(x, y, value, fontsize=size, fontweight="bold", color=colour, va="baseline")
    fig.text(x, y - 0.035, label, fontsize=label_size, color=_MUTED, va="top")


def _clusters_block(fig, v, x0, x1, top):
    from matplotlib.patches import Rectangle

    _heading(fig, x0, top, "Top clusters")
    table = v.clusters  # ranked by the view
    table = table[~table["partial"].astype(bool)].head(_N_CLUSTERS)
    row_h = 0.078
    bar_w = (x1 - x0) * 0.5
    for k, row in enumerate(table.itertuples()):
        y = top - 0.05 - k * row_h
        fig.text(x0, y, _short(row.cluster, 36), fontsize=18, fontweight="bold", color=_INK, va="baseline")
        fig.text(x1, y, _stars(row.stars), fontsize=21, color=_STAR, ha="right", va="baseline")
        # LQ bar (0..4, tick at the EU average 1), then the LQ and the employment
        yb = y - 0.036
        fig.patches.append(Rectangle((x0, yb), bar_w, 0.012, transform=fig.transFigure, color="#E8E8E8"))
        fig.patches.append(Rectangle((x0, yb), bar_w * min(row.lq, 4.0) / 4.0, 0.012, transform=fig.transFigure,
                                     color=_ACCENT))
        fig.patches.append(Rectangle((x0 + bar_w / 4 - 0.0008, yb - 0.004), 0.0016, 0.02, transform=fig.transFigure,
                                     color=_INK))
        fig.text(x0 + bar_w + 0.01, yb + 0.006, f"LQ {row.lq:.1f}", fontsize=19, fontweight="bold", color=_ACCENT,
                 va="center")
        fig.text(x1, yb + 0.006, f"{row.employment:,.0f} employed", fontsize=12.5, color=_MUTED, ha="right",
                 va="center")
    fig.text(x0, top - 0.05 - (_N_CLUSTERS - 1) * row_h - 0.06,
             "LQ: specialisation against all EU NUTS2 regions (bar 0-4, tick = EU average 1).\n"
             "★ European Cluster Observatory stars: size, specialisation, focus.", fontsize=12, color=_MUTED,
             va="top", linespacing=1.4)


def _diversification_block(fig, v, x0, x1, top):
    _heading(fig, x0, top, "Diversification")
    s = v.summary
    n = s.n_regions
    fig.text(x0, top - 0.03, f"percentile among {n} EU regions (100 = most)", fontsize=13, color=_MUTED, va="top")
    cols = [("total\nvariety", "variety_pct"), ("related\nvariety", "related_pct"),
            ("unrelated\nvariety", "unrelated_pct")]
    w = (x1 - x0) / 3
    for k, (label, key) in enumerate(cols):
        _big(fig, x0 + k * w, top - 0.12, f"{getattr(s, key):.0f}", label)
    _big(fig, x0, top - 0.285, f"#{s.eci_rank}", f"economic complexity rank of {n}", size=46)
    fig.text(x0, top - 0.375, "BEST OPPORTUNITIES", fontsize=14, fontweight="bold", color=_INK, va="baseline")
    fig.text(x0, top - 0.39, "related and complex, not yet specialised", fontsize=12.5, color=_MUTED, va="top")
    names = v.study.space.names()
    for k, (code, row) in enumerate(v.opportunities.head(_N_OPPORTUNITIES).iterrows()):
        y = top - 0.44 - k * 0.043
        fig.text(x0, y, f"{_short(names.get(code, code), 30)}", fontsize=17, color=_INK, va="baseline")
        fig.text(x1, y, code, fontsize=13, color=_MUTED, ha="right", va="baseline")


def _links_block(fig, v, x0, x1, top):
    _heading(fig, x0, top, "Cluster links")
    fig.text(x0, top - 0.03, "cooperation candidates: related clusters both present", fontsize=13, color=_MUTED,
             va="top")
    pairs = v.cooperation.head(_N_LINKS)
    if pairs.empty:
        fig.text(x0, top - 0.1, "none found", fontsize=18, color=_MUTED, va="baseline")
    for k, row in enumerate(pairs.itertuples()):
        y = top - 0.1 - k * 0.105
        fig.text(x0, y, _short(row.cluster_a, 40), fontsize=16, fontweight="bold", color=_INK, va="baseline")
        fig.text(x0, y - 0.035, "↔ " + _short(row.cluster_b, 38), fontsize=16, fontweight="bold", color=_INK,
                 va="baseline")
    bridge = v.bridging
    y = top - 0.45
    fig.text(x0, y, "BRIDGING CLUSTER", fontsize=14, fontweight="bold", color=_INK, va="baseline")
    fig.text(x0, y - 0.025, "links otherwise distant clusters", fontsize=12.5, color=_MUTED, va="top")
    if len(bridge):
        fig.text(x0, y - 0.085, _short(bridge["cluster"].iloc[0], 38), fontsize=17, fontweight="bold",
                 color=_ACCENT, va="baseline")
    else:
        fig.text(x0, y - 0.09, "none present", fontsize=18, color=_MUTED, va="baseline")


def _ris3_block(fig, r, x0, x1, top, bottom):
    from matplotlib.patches import FancyBboxPatch

    fig.patches.append(FancyBboxPatch((x0, bottom), x1 - x0, top - bottom, boxstyle="round,pad=0.004",
                                      transform=fig.transFigure, facecolor="#EEF4F9", edgecolor="none"))
    mid = (top + bottom) / 2
    fig.text(x0 + 0.012, mid + 0.012, "RIS3 FIT", fontsize=17, fontweight="bold", color=_ACCENT, va="baseline")
    if r.found:
        sub = f"NUTS2 {r.region}" + ("\nnational fallback" if r.kind == "national fallback" else "")
        fig.text(x0 + 0.012, mid - 0.012, sub, fontsize=13, color=_MUTED, va="top", linespacing=1.4)
        _big(fig, x0 + 0.1, mid - 0.005, f"{r.coverage:.0%}", "", size=40)
        fig.text(x0 + 0.1, mid - 0.025, "coverage", fontsize=14, color=_MUTED, va="top")
        _big(fig, x0 + 0.19, mid - 0.005, f"{r.fit:.0%}", "", size=40)
        fig.text(x0 + 0.19, mid - 0.025, "fit", fontsize=14, color=_MUTED, va="top")
        what = ("national fallback domains (the region's own list was not found)"
                if r.kind == "national fallback" else "priorities of the strategy, as sourced")
        fig.text(x0 + 0.28, mid + 0.012, _short(r.strategy, 95), fontsize=15, fontweight="bold", color=_INK,
                 va="baseline")
        text = (f"owner {r.owner} (NUTS{r.owner_level}), {r.period}: {r.n_priorities} {what}. "
                "Coverage = share of priority employment in specialised industries; fit = share of specialised "
                "employment the priorities cover."
                + (f" Not measurable in SBS: {r.not_measurable}." if r.not_measurable else ""))
        fig.text(x0 + 0.28, mid - 0.012, textwrap.fill(text, 135), fontsize=12.5, color=_MUTED, va="top",
                 linespacing=1.35)
    else:
        fig.text(x0 + 0.1, mid - 0.012, "RIS3 list not found", fontsize=34, fontweight="bold", color=_INK,
                 va="center")
        text = (f"{'; '.join(r.not_found)}:\npriority list not found in the sources. Nothing is invented, "
                "so no fit is computed." if r.not_found else
                "No RIS3 strategy of this region is on record in data/ris3_priorities.csv:\nnothing to match.")
        fig.text(x0 + 0.43, mid, text, fontsize=14, color=_MUTED, va="center", linespacing=1.5)


def draw(view, fit):
    """Lay out the card of a place view and its RIS3 fit (:func:`card_data`); returns the matplotlib
    Figure (1920 x 1080 px) with its metadata in ``fig._s3lib_meta``."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    v, s = view, view.summary
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
        # header band
        fig.patches.append(Rectangle((0, 0.855), 1, 0.145, transform=fig.transFigure, color=_BAND))
        fig.text(0.025, 0.925, v.place.name, fontsize=50, fontweight="bold", color="white", va="center")
        fig.text(0.025, 0.872, f"Cluster card  ·  {v.place.code} (NUTS{v.place.level})  ·  industry figures for "
                 f"NUTS2 {v.region_name} ({v.region})  ·  {s.year}", fontsize=17, color="#D6E4F0", va="center")
        if s.leading_cluster:
            fig.text(0.975, 0.94, "leading cluster", fontsize=15, color="#D6E4F0", ha="right", va="center")
            fig.text(0.975, 0.895, f"{_short(s.leading_cluster, 36)}  {s.leading_lq:.1f}×", fontsize=24,
                     fontweight="bold", color="white", ha="right", va="center")
        # three columns
        top = 0.79
        _clusters_block(fig, v, 0.025, 0.37, top)
        _diversification_block(fig, v, 0.415, 0.66, top)
        _links_block(fig, v, 0.705, 0.975, top)
        for x in (0.392, 0.683):
            fig.lines.append(matplotlib.lines.Line2D([x, x], [0.26, 0.82], transform=fig.transFigure,
                                                     color=_RULE, lw=1.2))
        _ris3_block(fig, fit, 0.025, 0.975, 0.235, 0.115)
        # sources, level, year; the place's own caveats
        fig.text(0.025, 0.082, _level_line(v), fontsize=12, color=_MUTED, va="baseline")
        fig.text(0.025, 0.057, _source_line(v), fontsize=12, color=_MUTED, va="baseline")
        caveats = v.caveats
        fig.text(0.025, 0.043, textwrap.fill("Caveat: " + " ".join(caveats), 205) if caveats else
                 "s3lib cluster card · numbers recomputed from public Eurostat data; methods and caveats in the "
                 "notebooks", fontsize=11.5, color="#6A6A6A" if caveats else "#8A8A8A", va="top", linespacing=1.3)
    fig._s3lib_meta = _metadata(v)
    return fig


def _level_line(v) -> str:
    where = f"{v.place.name} ({v.place.code}, NUTS{v.place.level})"
    return (f"Level: industry figures for NUTS2 {v.region_name} ({v.region}), which contains {where}; "
            f"business statistics stop at NUTS2. Year: {v.study.year}. EU reference: {v.summary.n_regions} NUTS2 "
            "regions.")


def _source_line(v) -> str:
    scheme = v.summary.scheme
    return ("Source: Eurostat SBS sbs_r_nuts06_r2 (persons employed; no A, K, O-U; confidential cells missing). "
            f"Clusters: {'US Cluster Mapping to NACE (derived)' if scheme == 'uscmp' else scheme}. "
            "RIS3: data/ris3_priorities.csv (NACE mapping our own).")


def _metadata(v) -> dict:
    p = v.place
    title = f"Cluster card: {p.name} ({p.code}), NUTS2 {v.region}, {v.study.year}"
    return {"Title": title, "Description": _level_line(v) + "\n" + _source_line(v), "Place": p.name,
            "Level": f"NUTS2 ({v.region}) for NUTS{p.level} {p.code}", "Year": str(v.study.year)}


# ----------------------------------------------------------------------------- writing
def render(place, year: int = 2014, scheme: str = "uscmp", out_dir=None) -> tuple[Path, Path]:
    """Write the card of a place as ``<out_dir>/<place>.png`` (1920 x 1080) and ``.pdf``, atomically.

    Parameters
    ----------
    place : Place, name or code
        Case-place key, name or NUTS 2/3 code.
    year : int, default 2014
    scheme : str, default ``"uscmp"``
    out_dir : path, optional
        Default :data:`s3lib.config.CARDS_DIR` (``figures/cards``).

    Returns
    -------
    (Path, Path)
        The PNG and the PDF.
    """
    from s3lib import plots

    view, fit = card_data(place, year=year, scheme=scheme)
    out = Path(out_dir or config.CARDS_DIR)
    fig = draw(view, fit)
    png, pdf = out / f"{plots.slug(view.place.key)}.png", out / f"{plots.slug(view.place.key)}.pdf"
    for target in (png, pdf):
        plots.write(fig, target, fig._s3lib_meta, dpi=DPI, facecolor="white")
    return png, pdf


# ----------------------------------------------------------------------------- command line
def add_parser(subparsers) -> None:
    """Register ``s3lib card`` on an argparse sub-parser collection."""
    p = subparsers.add_parser("card", help="render one-page cluster cards (PNG + PDF, 16:9)",
                              description="Render a one-page cluster card per place into figures/cards/.")
    p.add_argument("--places", nargs="+",
                   help="place names or NUTS codes (default: the case places of data/places.csv)")
    p.add_argument("--year", type=int, default=2014, help="data year (default 2014)")
    p.add_argument("--scheme", default="uscmp", help="cluster scheme (default uscmp)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default figures/cards)")
    p.set_defaults(func=main)


def main(args) -> int:
    """Render the cards of ``args.places``; validate every place before writing anything."""
    from s3lib import data

    keys = list(dict.fromkeys(data.place(p).key for p in (args.places or data.places().index)))
    root = config.PROJECT_ROOT
    for key in keys:
        png, pdf = render(key, year=args.year, scheme=args.scheme, out_dir=args.out)
        shown = [str(q.resolve().relative_to(root)) if q.resolve().is_relative_to(root) else str(q) for q in (png, pdf)]
        print(f"{key:<12} {shown[0]}  {shown[1]}")
    return 0
