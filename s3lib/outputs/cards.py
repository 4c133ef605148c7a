"""One-page cluster card per place: 16:9, readable at a glance, PNG and PDF.

``s3lib card --places frankfurt bordeaux`` (or :func:`render`) writes
``figures/cards/<place>.png`` (1920 x 1080 px) and ``<place>.pdf`` (``<place>-2015``,
``<place>-colocation``... for another year or scheme: :func:`card_name`) with four blocks:

* **Top clusters**: the place's strongest clusters (US CMP scheme by default) by
  European Cluster Observatory stars, then location quotient (LQ against all EU NUTS2
  regions); clusters with less than half their industries observed are left out;
* **Diversification**: variety, related and unrelated variety as EU percentiles, the region's
  rank on the benefit axis that passed the validity gate (none when no axis passes), and its new
  paths (Balland et al. 2019 frame, :mod:`s3lib.study.paths`: related, high-benefit activities the
  region is not specialised in now or in the previous years; never a latent strength);
* **Links**: the strongest cooperation candidates (related clusters both present) and the
  bridging cluster;
* **RIS3 fit**: coverage and fit of the strategy owner's priorities at NUTS2
  (:func:`s3lib.analyses.ris3.fit`), or plainly "RIS3 list not found".

Under the leading cluster in the header, a **partners abroad** line names its first peers abroad (strong in the
same cluster on clean cells, outside the place's country: the peers of :func:`s3lib.study.partners.partners_line`),
as many as fit beside the header's subtitle.

Every number comes from the place's view in a study (:class:`s3lib.study.view.PlaceView`, with every
setting of the study) and its RIS3 fit (:meth:`~s3lib.study.view.PlaceView.ris3_fit`), gathered once by
:func:`card_data` into a :class:`CardData`; :func:`draw` only lays them out. Sources, level and year are printed on the card and stored in the
PNG text chunks (``Title``, ``Description``, ``Place``, ``Level``, ``Year``, as
:func:`s3lib.plots.save` does) and the PDF metadata.

Example
-------
>>> from s3lib.outputs import cards
>>> from s3lib.study import Study
>>> card = cards.card_data(Study(year=2014).at("porto"))
>>> card.region, card.fit.kind
('PT11', 'regional')
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

from s3lib import config
from s3lib.errors import error_line

__all__ = ["DEFAULT_SCHEME", "DEFAULT_YEAR", "HEIGHT_PX", "WIDTH_PX", "CardData", "add_parser", "card_data",
           "card_name", "competences", "draw", "main", "render"]

WIDTH_PX, HEIGHT_PX, DPI = 1920, 1080, 100

_INK, _MUTED, _RULE = "#1A1A1A", "#5A5A5A", "#D0D0D0"
_BAND = "#0B3C5D"  # header band: dark blue, white text
_ACCENT = "#0072B2"  # Okabe-Ito blue: bars, big numbers
_STAR = "#E69F00"  # Okabe-Ito orange: stars (the glyph carries the meaning, not the colour)
_N_CLUSTERS, _N_OPPORTUNITIES, _N_LINKS = 5, 3, 3
_N_PARTNERS = 3  # peers abroad named under the leading cluster, as many as fit
_NOTE_LINES = 7  # lines of notes under the top clusters, above the RIS3 box


# ----------------------------------------------------------------------------- numbers
@dataclass(frozen=True)
class CardData:
    """Everything a card shows, taken once from a place view (small and picklable: the atlas sends it to the
    processes that draw). Build it with :func:`card_data`.

    ``clusters``: the view's ranked clusters without fragments; ``split``: further specialised clusters
    resting on apportioning; ``unseen``: clusters whose codes lie outside the statistics; ``opportunities``
    (``code``, ``name``), ``cooperation`` and ``bridging``: the view's tables, cut to what the card shows;
    ``fit``: the RIS3 fit; ``checks``: the data-check line (estimated cells, breaks: :attr:`s3lib.study.view.PlaceView.data_checks`);
    ``competences``: ``(table, year, reference)`` of a district's top occupations (the occupation space's
    country), or None; ``partners``: ``(name, country)`` of the leading cluster's first peers abroad
    (:func:`s3lib.study.partners.partners`), ``partners_note`` what to say when there is none.
    """

    place: object
    region: str
    region_name: str
    year: int
    n_regions: int
    scheme: str
    summary: object
    benefit_short: str
    clusters: object
    split: object
    unseen: tuple
    opportunities: object
    cooperation: object
    bridging: object
    caveats: tuple
    fit: object
    checks: str = ""
    competences: object = None
    partners: tuple = ()
    partners_note: str = ""
    beyond: tuple = ()


def card_data(view, with_competences: bool = True, partners=None) -> CardData:
    """What a card shows, from a place view (:meth:`s3lib.study.Study.at`) and its RIS3 fit
    (:meth:`~s3lib.study.view.PlaceView.ris3_fit`); ``with_competences`` adds the occupation panel of a
    German district (:func:`competences`). ``partners``: the leading cluster's partners when already computed
    (:meth:`~s3lib.study.view.PlaceView.partners`, as the atlas does); otherwise its peers are searched here."""
    pf = view.portfolio
    clusters = view.clusters
    clusters = clusters[~clusters["partial"].astype(bool)].head(_N_CLUSTERS).reset_index(drop=True)
    split = pf[(pf["lq"] >= 1) & pf["rests_on_apportioning"] & ~pf["partial"] & ~pf["cluster"].isin(clusters["cluster"])]
    unseen = view.unobserved
    names = view.study.space.names()
    opportunities = view.opportunities.table.head(2 * _N_OPPORTUNITIES)
    s = view.summary
    axis = view.study.benefit
    return CardData(
        place=view.place, region=view.region, region_name=view.region_name, year=view.study.year,
        n_regions=s.n_regions, scheme=s.scheme, summary=s, clusters=clusters,
        benefit_short="" if axis is None else axis.word,
        split=split.sort_values("upper", ascending=False).head(3).reset_index(drop=True),
        unseen=tuple(unseen.loc[unseen["outside"] >= 0.5, "cluster"].head(4)),
        opportunities=opportunities.assign(name=opportunities.index.map(lambda c: names.get(c, c))),
        cooperation=view.cooperation.table.head(_N_LINKS), bridging=view.bridging.head(1), caveats=tuple(view.caveats),
        fit=view.ris3_fit(), checks=view.data_checks.notes[0],
        competences=competences(view) if with_competences else None, **_peers_abroad(view, partners),
        beyond=beyond(view))


def beyond(view) -> tuple:
    """What the place's industry statistics cannot reach, one short sentence each: an external benchmark beside the
    cluster's NUTS2 bounds (``data/benchmarks.csv``), and, for a French place with city data (URSSAF), the clusters
    only those data see and the largest classes outside the business statistics."""
    from s3lib.errors import UsageError
    from s3lib.study.city_region import benchmarks

    out = []
    table = benchmarks(view).table.dropna(subset=["nuts2_upper"])
    if len(table):
        b = table.iloc[0]
        out.append(f"Benchmark, not an input: about {b['value']:,.0f} {b['measure']} in the {b['territory']}, "
                   f"{b['reference']}, against {_k(b['nuts2_lower'])}–{_k(b['nuts2_upper'])} for "
                   f"{_short(b['cluster'], 30)} here (data/benchmarks.csv).")
    from s3lib.data.urssaf import COUNTRY

    if view.place.country == COUNTRY:
        try:
            from s3lib.study.city import city
            from s3lib.study.city_region import city_against_region, revealed

            city_view = city(view.place.city or view.place.name)
        except UsageError:  # no URSSAF data for this place in the snapshot
            return tuple(out)
        only = city_against_region(view.place.key, city_view=city_view, region_view=view).table
        only = only[only["seen"] == "city only"].index[:2]
        classes = revealed(city_view, top=2).table
        out.append(f"City data ({city_view.territory.name}, URSSAF {city_view.year}) see what these cannot: "
                   + (f"{', '.join(only)}; " if len(only) else "")
                   + ", ".join(f"{_short(r.name, 28)} {_k(r.employees)}" for r in classes.itertuples())
                   + " (notebook 01).")
    return tuple(out)


def _peers_abroad(view, partners) -> dict:
    """``partners`` and ``partners_note`` of :class:`CardData`: the leading cluster's first peers abroad."""
    if view.summary.leading_cluster is None:
        return {"partners": (), "partners_note": ""}
    found = partners if partners is not None else view.partners(kind="peers", n=_N_PARTNERS)
    peers = found.peers.table.head(_N_PARTNERS)
    return {"partners": tuple(zip(peers["name"].astype(str), peers["country"].astype(str))),
            "partners_note": "" if len(peers) else "no peer abroad on clean cells"}


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


def _clusters_block(fig, card, x0, x1, top):
    from matplotlib.patches import Rectangle

    _heading(fig, x0, top, "Top clusters")
    table = card.clusters  # ranked by the view
    row_h = 0.078
    bar_w = (x1 - x0) * 0.4
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
        fig.text(x1, yb + 0.006, _employed(row), fontsize=12.5, color=_MUTED, ha="right", va="center")
    split = card.split
    lines = ["LQ: specialisation against all EU NUTS2 regions (bar 0-4, tick = EU average 1).",
             "★ European Cluster Observatory stars: size, specialisation, focus.",
             "† apportioned share of divisions split among clusters – whole divisions.", *card.beyond]
    if len(split):
        lines.append("Also specialised, resting on apportioning: " + "; ".join(
            f"{_short(r.cluster, 30)} {_k(r.lower)}–{_k(r.upper)}" for r in split.itertuples()))
    if card.unseen and not card.beyond:  # the city data's line says what these statistics cannot see
        lines.append("Not visible in these statistics: " + ", ".join(
            f"{_short(c, 24)}" for c in card.unseen) + " (their codes lie outside)")
    wrapped = [part for t in lines for part in textwrap.wrap(t, 92)]
    if len(wrapped) > _NOTE_LINES:  # the room above the RIS3 box; the notebooks print everything in full
        wrapped = wrapped[:_NOTE_LINES - 1] + [textwrap.shorten(wrapped[_NOTE_LINES - 1], 86, placeholder=" ...")]
    fig.text(x0, top - 0.05 - (_N_CLUSTERS - 1) * row_h - 0.06,
             "\n".join(wrapped), fontsize=10.5, color=_MUTED, va="top", linespacing=1.3)


def _k(n: float) -> str:
    return f"{n / 1000:.1f}k" if n >= 1000 else f"{n:,.0f}"


def _employed(row) -> str:
    """``"42,624 employed"``; with bounds and a dagger when the value rests on apportioning; "est." when
    most of it comes from estimated confidential cells."""
    text = (f"{_k(row.lower)}–{_k(row.upper)} employed†" if row.rests_on_apportioning
            else f"{row.employment:,.0f} employed")
    return text + (" (est.)" if row.estimated > 0.5 else "")


def _diversification_block(fig, card, x0, x1, top):
    _heading(fig, x0, top, "Diversification")
    s = card.summary
    n = s.n_regions
    fig.text(x0, top - 0.03, f"percentile among {n} EU regions (100 = most)", fontsize=13, color=_MUTED, va="top")
    cols = [("total\nvariety", "variety_pct"), ("related\nvariety", "related_pct"),
            ("unrelated\nvariety", "unrelated_pct")]
    w = (x1 - x0) / 3
    for k, (label, key) in enumerate(cols):
        value = getattr(s, key)
        _big(fig, x0 + k * w, top - 0.12, "n/a" if math.isnan(value) else f"{value:.0f}", label)
    if s.benefit_rank is not None:
        _big(fig, x0, top - 0.285, f"#{s.benefit_rank}", f"{card.benefit_short} rank of {n}", size=46)
    else:
        fig.text(x0, top - 0.27, "no benefit rank", fontsize=26, fontweight="bold", color=_INK, va="baseline")
        fig.text(x0, top - 0.29, "no complexity or benefit axis passes\nthe validity gate (notebook 02)", fontsize=12.5,
                 color=_MUTED, va="top", linespacing=1.3)
    ideal = card.opportunities[card.opportunities["quadrant"] == "low risk, high benefit"]
    fig.text(x0, top - 0.375, "NEW PATHS", fontsize=14, fontweight="bold", color=_INK, va="baseline")
    if len(ideal):
        subtitle, shown = f"related, high {card.benefit_short}, not specialised before", ideal
    else:  # no ideal path: the quadrant of the best path by both axes, and only its paths
        ranked = card.opportunities.sort_values("score", ascending=False)
        shown = ranked[ranked["quadrant"] == ranked["quadrant"].iloc[0]] if len(ranked) else ranked
        subtitle = (f"none both related and high {card.benefit_short};\nclosest: {shown['quadrant'].iloc[0]}"
                    if len(shown) else "no activity passes the rules")
    fig.text(x0, top - 0.39, subtitle, fontsize=12.5, color=_MUTED, va="top", linespacing=1.25)
    drop = 0.02 if "\n" in subtitle else 0.0
    for k, (code, row) in enumerate(shown.head(_N_OPPORTUNITIES - (1 if drop else 0)).iterrows()):
        y = top - 0.44 - drop - k * 0.043
        fig.text(x0, y, f"{_short(row['name'], 30)}", fontsize=17, color=_INK, va="baseline")
        fig.text(x1, y, code, fontsize=13, color=_MUTED, ha="right", va="baseline")


def competences(view):
    """The competences panel of a district of the occupation space's country (NUTS3): ``(table, year, reference)``
    of its top occupations by LQ (employees at the place of work, the latest year of the occupation data, the same
    sample rule as the view's study), or None elsewhere."""
    from s3lib.analyses.competences import competence_table
    from s3lib.study import Study, spaces

    space, p = spaces.get("occupations"), view.place
    if p.country != space.country or p.level != 3:
        return None
    year = space.years[-1]
    occupations = Study(space, 3, year, min_coverage=view.study.min_coverage, estimate=view.study.estimate)
    return competence_table(occupations.at(p)), year, space.reference


def _competences_block(fig, table, year, reference, x0, x1, top):
    fig.text(x0, top, "COMPETENCES", fontsize=14, fontweight="bold", color=_INK, va="baseline")
    fig.text(x0, top - 0.025, f"top occupations by LQ vs {reference}, {year}", fontsize=12, color=_MUTED, va="top")
    for k, row in enumerate(table.head(4).itertuples()):
        y = top - 0.075 - k * 0.035
        fig.text(x0, y, _short(str(row.name), 30), fontsize=14.5, color=_INK, va="baseline")
        fig.text(x1, y, f"{row.lq:.1f}×  {row.employees:,.0f}", fontsize=12.5, color=_ACCENT, ha="right",
                 va="baseline")
    fig.text(x0, top - 0.2, "Occupations, not industries.\n"
             "Source: Statistik der Bundesagentur für Arbeit.", fontsize=10.5, color=_MUTED, va="top", linespacing=1.3)


def _links_block(fig, card, x0, x1, top, competences=None):
    _heading(fig, x0, top, "Cluster links")
    fig.text(x0, top - 0.03, "cooperation pairs: specialised and related", fontsize=13, color=_MUTED, va="top")
    pairs = card.cooperation.head(_N_LINKS if competences is None else 2)
    if pairs.empty:
        fig.text(x0, top - 0.1, "none found", fontsize=18, color=_MUTED, va="baseline")
    for k, row in enumerate(pairs.itertuples()):
        y = top - 0.1 - k * 0.105
        fig.text(x0, y, _short(row.cluster_a, 40), fontsize=16, fontweight="bold", color=_INK, va="baseline")
        fig.text(x0, y - 0.035, "↔ " + _short(row.cluster_b, 38), fontsize=16, fontweight="bold", color=_INK,
                 va="baseline")
    if competences is not None:
        _competences_block(fig, *competences, x0, x1, top - 0.30)
        return
    bridge = card.bridging
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
        for dx, value, label, median in ((0.1, r.coverage, "coverage", r.coverage_median),
                                         (0.19, r.fit, "fit", r.fit_median)):
            _big(fig, x0 + dx, mid + 0.006, f"{value:.0%}", "", size=40)
            fig.text(x0 + dx, mid - 0.014, label + (f"\nEU median {median:.0%}" if median is not None else ""),
                     fontsize=13, color=_MUTED, va="top", linespacing=1.2)
        what = ("national fallback domains (the region's own list was not found)"
                if r.kind == "national fallback" else "priorities of the strategy, as sourced")
        fig.text(x0 + 0.28, mid + 0.012, _short(r.strategy, 95), fontsize=15, fontweight="bold", color=_INK,
                 va="baseline")
        text = (f"owner {r.owner} (NUTS{r.owner_level}), {r.period}: {r.n_priorities} {what}"
                + (f", {r.n_empty} with no specialised industry" if r.n_empty else "")
                + (f"; not measurable in SBS: {r.not_measurable}" if r.not_measurable else "") + ". "
                "Coverage: share of the priorities' traded employment in specialised industries; fit: share of the "
                "specialised traded employment the priorities cover; EU median: the same list in every EU region.")
        fig.text(x0 + 0.28, mid - 0.008, textwrap.fill(text, 150), fontsize=12, color=_MUTED, va="top",
                 linespacing=1.3)
    else:
        fig.text(x0 + 0.1, mid - 0.012, "RIS3 list not found", fontsize=34, fontweight="bold", color=_INK,
                 va="center")
        text = (f"{'; '.join(r.not_found)}:\npriority list not found in the sources. Nothing is invented, "
                "so no fit is computed." if r.not_found else
                "No RIS3 strategy of this region is on record in data/ris3_priorities.csv:\nnothing to match.")
        fig.text(x0 + 0.43, mid, text, fontsize=14, color=_MUTED, va="center", linespacing=1.5)


def draw(card: CardData):
    """Lay out a card (:func:`card_data`); returns the matplotlib Figure (1920 x 1080 px), its metadata
    registered for :func:`s3lib.plots.write`. A German district's competences (``card.competences``)
    replace the bridging cluster with its top occupations."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from s3lib import plots

    s, p = card.summary, card.place
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
        # header band
        fig.patches.append(Rectangle((0, 0.855), 1, 0.145, transform=fig.transFigure, color=_BAND))
        # a place found by its city name is titled by it (Rouen, Munich); the subtitle names its NUTS3 region
        city = getattr(p, "city", None)
        fig.text(0.025, 0.925, city or p.name, fontsize=50, fontweight="bold", color="white", va="center")
        region3 = f"{p.name} {p.code}" if city and city != p.name else p.code
        subtitle = fig.text(0.025, 0.872, f"Cluster card  ·  {region3} (NUTS{p.level})  ·  industry figures for "
                            f"NUTS{s.level} {card.region_name} ({card.region})  ·  {s.year}", fontsize=17,
                            color="#D6E4F0", va="center")
        if s.leading_cluster:
            fig.text(0.975, 0.945, "leading cluster", fontsize=15, color="#D6E4F0", ha="right", va="center")
            fig.text(0.975, 0.903, f"{_short(s.leading_cluster, 36)}  {s.leading_lq:.1f}×", fontsize=24,
                     fontweight="bold", color="white", ha="right", va="center")
            _partners_line(fig, card, subtitle)
        # three columns
        top = 0.79
        _clusters_block(fig, card, 0.025, 0.37, top)
        _diversification_block(fig, card, 0.415, 0.66, top)
        _links_block(fig, card, 0.705, 0.975, top, card.competences)
        for x in (0.392, 0.683):
            fig.lines.append(matplotlib.lines.Line2D([x, x], [0.26, 0.82], transform=fig.transFigure,
                                                     color=_RULE, lw=1.2))
        _ris3_block(fig, card.fit, 0.025, 0.975, 0.235, 0.115)
        # sources, level, year; the place's own caveats
        fig.text(0.025, 0.082, _level_line(card), fontsize=12, color=_MUTED, va="baseline")
        fig.text(0.025, 0.057, _source_line(card), fontsize=12, color=_MUTED, va="baseline")
        caveats = " ".join(filter(None, (card.checks, "Caveat: " + " ".join(card.caveats) if card.caveats else "")))
        lines = textwrap.wrap(caveats, 250)
        if len(lines) > 2:  # the card has room for two lines; the notebooks print every caveat in full
            lines = [lines[0], textwrap.shorten(lines[1], 215, placeholder=" ...") + " (in full: notebooks 00 and 01)"]
        fig.text(0.025, 0.043, "\n".join(lines) if caveats else
                 "s3lib cluster card · numbers recomputed from public Eurostat data; methods and caveats in the "
                 "notebooks", fontsize=10, color="#6A6A6A" if caveats else "#8A8A8A", va="top", linespacing=1.25)
    plots.set_metadata(fig, _metadata(card))
    return fig


def _partners_line(fig, card, subtitle, y=0.868, right=0.975, gap=0.02):
    """Under the leading cluster, right of the header's subtitle: ``"partners abroad · peers: A (DE), B (CZ),
    C (RO)"``, the most peers that fit (full names, then the name before a dash or slash, then cut to 18
    characters, then one peer fewer), at the size of the "leading cluster" label (15 pt); nothing when not even
    one fits. Returns the text artist or None."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    width = fig.bbox.width
    left = subtitle.get_window_extent(renderer).x1 / width + gap
    if card.partners:
        forms = (lambda n: n, _region_head, lambda n: _short(_region_head(n), 18))
        candidates = [", ".join(f"{form(name)} ({country})" for name, country in card.partners[:k])
                      for k in range(len(card.partners), 0, -1) for form in forms]
        candidates = [f"partners abroad · peers: {c}" for c in dict.fromkeys(candidates)]
    else:
        candidates = [f"partners abroad: {card.partners_note}"] if card.partners_note else []
    for text in candidates:
        artist = fig.text(right, y, text, fontsize=15, color="#D6E4F0", ha="right", va="center")
        if right - artist.get_window_extent(renderer).width / width >= left:
            return artist
        artist.remove()
    return None


def _region_head(name: str) -> str:
    """A region's name before a dash, slash or bracket: ``"Outer London — West and North West"`` -> ``"Outer London"``,
    ``"Bruxelles-Capitale / Brussels Hoofdstedelijk Gewest"`` -> ``"Bruxelles-Capitale"``."""
    import re

    return re.split(r" [—–-] | / | \(", name)[0].strip() or name


def _level_line(card) -> str:
    p, level = card.place, card.summary.level
    where = f"{p.name} ({p.code}, NUTS{p.level})"
    return (f"Level: industry figures for NUTS{level} {card.region_name} ({card.region}), which contains {where}; "
            f"business statistics stop at NUTS2. Year: {card.year}. EU reference: {card.n_regions} NUTS{level} "
            "regions.")


def _source_line(card) -> str:
    scheme = card.scheme
    return ("Source: Eurostat SBS sbs_r_nuts06_r2 (persons employed; no A, K, O-U; confidential cells estimated). "
            f"Clusters: {'US Cluster Mapping to NACE (derived)' if scheme == 'uscmp' else scheme}. "
            "RIS3: data/ris3_priorities.csv (NACE mapping our own).")


def _metadata(card) -> dict:
    p = card.place
    title = f"Cluster card: {p.name} ({p.code}), NUTS{card.summary.level} {card.region}, {card.year}"
    return {"Title": title, "Description": _level_line(card) + "\n" + _source_line(card), "Place": p.name,
            "Level": f"NUTS{card.summary.level} ({card.region}) for NUTS{p.level} {p.code}", "Year": str(card.year)}


# ----------------------------------------------------------------------------- writing
DEFAULT_YEAR, DEFAULT_SCHEME = 2014, "uscmp"


def card_name(key: str, year: int = DEFAULT_YEAR, scheme=DEFAULT_SCHEME, default_year: int = DEFAULT_YEAR) -> str:
    """File stem of a card: the place key, then the year and the scheme when they are not the defaults
    (``default_year``: the place's default year, :func:`s3lib.study.default_year`), so that cards of
    other years or schemes never overwrite each other.

    >>> card_name("bordeaux"), card_name("bordeaux", 2015), card_name("bordeaux", 2014, "colocation")
    ('bordeaux', 'bordeaux-2015', 'bordeaux-colocation')
    >>> card_name("Frankfurt am Main", 2012, "my/clusters.yaml")
    'frankfurt-am-main-2012-clusters'
    """
    from s3lib import plots

    parts = [str(key)]
    if int(year) != int(default_year):
        parts.append(str(int(year)))
    name = getattr(scheme, "name", scheme)
    if str(name) != DEFAULT_SCHEME:
        from s3lib.study.schemes import SCHEMES

        parts.append(str(name) if str(name) in SCHEMES else Path(str(name)).stem)
    return "-".join(plots.slug(part) for part in parts)


def render(place, year: int | None = None, scheme: str = "uscmp", out_dir=None) -> tuple[Path, Path]:
    """Write the card of a place as ``<out_dir>/<name>.png`` (1920 x 1080) and ``.pdf``, atomically;
    ``<name>`` is :func:`card_name`: the place key, plus year and scheme when not the defaults.

    Parameters
    ----------
    place : PlaceView, Place, name or code
        A view of a study (every setting of its study is used; ``year`` and ``scheme`` must then be left
        out), or a case-place key, name or NUTS 2/3 code (drawn from ``Study("sbs", 2, year, scheme)``).
    year : int, optional
        Default: the place's latest year with persons employed and local units
        (:func:`s3lib.study.default_year`; 2014 for Bordeaux, Turin and Bucharest, 2015 for Frankfurt).
    scheme : str, default ``"uscmp"``
    out_dir : path, optional
        Default :data:`s3lib.config.CARDS_DIR` (``figures/cards``).

    Returns
    -------
    (Path, Path)
        The PNG and the PDF.
    """
    from s3lib import plots
    from s3lib.errors import UsageError
    from s3lib.study import Study, default_year
    from s3lib.study.view import PlaceView

    if isinstance(place, PlaceView):
        if year is not None or scheme != DEFAULT_SCHEME:
            raise UsageError("render(view): the view's study sets the year and the scheme; leave them out")
        view = place
        default = default_year(view.place)[0]
    else:
        default = default_year(place)[0]
        view = Study("sbs", 2, default if year is None else int(year), scheme).at(place)
    study = view.study
    out = Path(out_dir or config.CARDS_DIR)
    fig = draw(card_data(view))
    stem = card_name(view.place.key, study.year, study.scheme_arg, default_year=default)
    png, pdf = out / f"{stem}.png", out / f"{stem}.pdf"
    for target in (png, pdf):
        plots.write(fig, target, dpi=DPI, facecolor="white")
    return png, pdf


# ----------------------------------------------------------------------------- command line
def add_parser(subparsers) -> None:
    """Register ``s3lib card`` on an argparse sub-parser collection."""
    p = subparsers.add_parser("card", help="render one-page cluster cards (PNG + PDF, 16:9)",
                              description="Render a one-page cluster card per place into figures/cards/.")
    p.add_argument("--places", nargs="+",
                   help="place names or NUTS codes (default: the case places of data/places.csv)")
    p.add_argument("--year", type=int, default=None,
                   help="data year (default: per place, the latest with persons employed and local units)")
    p.add_argument("--scheme", default=DEFAULT_SCHEME, help=f"cluster scheme (default {DEFAULT_SCHEME})")
    p.add_argument("--out", type=Path, default=None, help="output folder (default figures/cards)")
    p.set_defaults(func=main)


def main(args) -> int:
    """Render the cards of ``args.places``: every place, the year, the scheme and the output folder are checked
    first (an unknown place, a NUTS0/1 region, a place without data in the year, an unknown scheme: exit 2,
    nothing written); then every card is rendered, past any place that fails, and the failures are listed at
    the end (exit 1)."""
    import sys

    from s3lib import data
    from s3lib.atomic import check_output_dir
    from s3lib.runner.params import check_places, check_scheme

    places = data.resolve_places(args.places or list(data.places().index))
    check_places(places, args.year)  # every check before the first card: a usage error writes nothing
    check_scheme(args.scheme)
    check_output_dir(Path(args.out or config.CARDS_DIR), "--out")
    root = config.PROJECT_ROOT
    failures = []
    for p in places:
        try:
            if args.year is None:
                from s3lib.study import default_year

                print(f"{p.key:<12} {default_year(p)[1]}", flush=True)
            png, pdf = render(p, year=args.year, scheme=args.scheme, out_dir=args.out)
        except Exception as exc:  # noqa: BLE001 - one bad place must not stop the batch
            failures.append((p.key, error_line(exc)))
            print(f"{p.key:<12} FAILED  {failures[-1][1]}", file=sys.stderr, flush=True)
            continue
        shown = [str(q.resolve().relative_to(root)) if q.resolve().is_relative_to(root) else str(q) for q in (png, pdf)]
        print(f"{p.key:<12} {shown[0]}  {shown[1]}", flush=True)
    if failures:
        print(f"{len(places) - len(failures)} of {len(places)} cards written; {len(failures)} failed:", file=sys.stderr)
        for key, message in failures:
            print(f"  {key}: {message}", file=sys.stderr)
        return 1
    return 0
