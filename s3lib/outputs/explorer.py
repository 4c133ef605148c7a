"""The live explorer for workshops: switch place, year and cluster scheme, redraw the key figures.

``notebooks/explorer.ipynb`` shows :class:`Explorer` as ipywidgets (a place box that takes a
city name, a case-place key, a name or a NUTS2/NUTS3 code, with suggestions; year and scheme
menus); ``make present`` serves it as a Voila app. Every change calls :meth:`Explorer.update`,
which redraws the two key figures of notebook 01 and the place's card
(:mod:`s3lib.outputs.cards`) on persistent figures (:class:`s3lib.outputs.app.Redrawer`):

* ``clusters``: the largest traded clusters of the place's NUTS2 region (bars = employment,
  colour = location quotient ``LQ_rc = (E_rc/T_r)/(E_.c/T_..)`` on a log scale);
* ``map``: the LQ of the place's leading cluster in every EU NUTS2 region, the place outlined.

The EU-wide matrices are computed once per (year, scheme) (:class:`s3lib.study.Study` caches them),
so after the first use of a year and scheme a redraw only selects and plots.
:meth:`Explorer.update` returns the seconds each figure took; the status line prints them.

:func:`figures` is the plain path (a new pyplot figure per call, as the notebooks draw); it is
kept as the reference that ``benchmarks/bench_redraw.py`` compares the redrawer with.

Example
-------
>>> from s3lib.outputs.explorer import Explorer
>>> app = Explorer("frankfurt")
>>> seconds = app.update(place="porto")   # the seconds each figure took (they vary from run to run)
>>> sorted(seconds), all(s > 0 for s in seconds.values())
(['card', 'clusters', 'data', 'map'], True)
>>> type(app.widget).__name__
'VBox'
"""
from __future__ import annotations

import io
import time

from s3lib.outputs.app import Drawn

__all__ = ["FIGURES", "YEARS", "Drawn", "Explorer", "figures"]

#: The key figures, in display order.
FIGURES = ("clusters", "map")
#: Business-statistics years offered; 0 = the place's latest full year (its default everywhere: card, notebooks).
YEARS = (0, *range(2008, 2016))


def _finish(fig, start: float) -> Drawn:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return Drawn(fig, buffer.getvalue(), time.perf_counter() - start)


def figures(place, year: int = 0, scheme: str = "uscmp", which=FIGURES) -> dict:
    """Draw the key figures for one choice; return ``{name: Drawn}``.

    Each figure's ``seconds`` covers selecting its data, drawing and rendering the PNG; the
    place's view shared by both (:meth:`s3lib.study.Study.at`) is timed as ``"data"``. ``year`` 0 is the place's
    latest full year (:func:`s3lib.study.place_year`), as on its card and in its notebooks.

    Raises :class:`~s3lib.errors.UsageError` for an unknown place, a year without data, or
    a place that is not a NUTS2/NUTS3 region (the message says which).
    """
    from s3lib import data, plots
    from s3lib.study import Study, place_year

    start = time.perf_counter()
    year = place_year(place, year)[0]
    study = Study("sbs", 2, year, scheme)
    view = study.at(place)
    summary = view.summary
    out = {"data": Drawn(None, b"", time.perf_counter() - start)}
    sources = [study.space.source,
               plots.SOURCE_USCMP if summary.scheme == "uscmp" else f"Clusters: scheme {summary.scheme}."]
    if "clusters" in which:
        start = time.perf_counter()
        fig, ax = plots.figure()
        plots.cluster_bars(ax, view.portfolio, n=12, label_width=42)
        plots.annotate(fig, "Largest traded clusters", place=view.label, level="NUTS2", year=year, source=sources)
        out["clusters"] = _finish(fig, start)
    if "map" in which:
        start = time.perf_counter()
        lead = summary.leading_cluster
        fig, ax = plots.figure()
        if lead is not None:
            plots.cluster_map(ax, data.geometries(2), study.cluster_lq[lead],
                              label=f"LQ of {plots.short_name(lead, 34)} (log scale)", highlight=[view.region])
        what = f"LQ of {plots.short_name(lead, 34)}" if lead else "No leading cluster"
        plots.annotate(fig, what, place=view.label, level="NUTS2", year=year, source=sources + [plots.SOURCE_GISCO])
        out["map"] = _finish(fig, start)
    return out


#: The presenter's style: controls and key numbers at 24 px and more, each figure as large as the screen allows
#: below the header (16:9), centred; in the notebook and in the Voila app alike (the style travels in the widget).
STYLE = """<style>
.s3lib-explorer { font-size: 24px; line-height: 1.3; max-width: none; }
.s3lib-explorer .widget-label, .s3lib-explorer input, .s3lib-explorer select, .s3lib-explorer .widget-html-content,
.s3lib-explorer .widget-dropdown > select, .s3lib-explorer .widget-combobox > input { font-size: 24px !important; }
.s3lib-explorer .widget-inline-hbox, .s3lib-explorer input, .s3lib-explorer select { height: 44px !important; }
.s3lib-explorer .widget-label { line-height: 40px !important; height: 44px !important; overflow: visible !important;
  width: auto !important; min-width: 0 !important; max-width: none !important; padding-right: 6px; }
.s3lib-explorer .widget-html, .s3lib-explorer .widget-html-content { height: auto !important;
  line-height: 1.3 !important; }
.s3lib-explorer .s3lib-place .widget-html-content { font-size: 28px !important; font-weight: 700; }
.s3lib-explorer .s3lib-status .widget-html-content { color: #8A3B00; }
.s3lib-explorer img { display: block; width: 100% !important; max-width: calc((100vh - 230px) * 16 / 9) !important;
  height: auto !important; margin: 6px auto; }
</style>"""


class Explorer:
    """ipywidgets controls, a header of key numbers and one Image widget per figure; :meth:`update` redraws.

    Laid out for a room (:data:`STYLE`): the place the figures are for and its key numbers in large type, then
    the figures, each as large as the screen allows. The place box (a Combobox suggesting case places and the
    European cities with data, :func:`s3lib.outputs.app.suggestions`) sends its value on Enter or when a
    suggestion is picked, not on every keystroke (``continuous_update=False``). Schemes are offered by their
    names for people (:func:`s3lib.study.schemes.title`). After a choice that cannot be shown the controls go
    back to what the figures show. Figures are drawn by :class:`s3lib.outputs.app.Redrawer` (persistent Agg
    figures, PNGs into ``ipywidgets.Image``): no matplotlib figure is created or displayed per update.
    ``debug=True`` adds each figure's seconds to the status line.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook (or the Voila app) displays.
    state : dict
        The current ``place``, ``year`` and ``scheme``.
    drawn : dict
        The :class:`Drawn` figures of the last update, by name (:data:`s3lib.outputs.app.FIGURES`).
    seconds : dict
        Seconds of the last update: ``"data"`` (the place's view), then each figure.
    """

    def __init__(self, place: str = "frankfurt", year: int = 0, scheme: str = "uscmp", figures=None,
                 debug: bool = False):
        import ipywidgets as w

        from s3lib.outputs import app as present
        from s3lib.study import schemes

        self.names = tuple(figures or present.FIGURES)
        self.redrawer = present.Redrawer()
        self.debug = debug
        self.state = {"place": place, "year": int(year), "scheme": scheme}
        self.seconds: dict[str, float] = {}
        self.drawn: dict[str, Drawn] = {}
        wide = {"description_width": "initial"}
        self.place = w.Combobox(value=place, options=list(present.suggestions()), description="Place",
                                ensure_option=False, continuous_update=False, style=wide,
                                placeholder="a city, a region or a NUTS code, then Enter",
                                layout=w.Layout(width="34%", min_width="320px"))
        self.year = w.Dropdown(value=int(year), options=[("latest full year" if y == 0 else str(y), y) for y in YEARS],
                               description="Year", style=wide, layout=w.Layout(width="22%", min_width="220px"))
        offered = list(schemes.SCHEMES) + ([] if scheme in schemes.SCHEMES else [scheme])
        self.scheme = w.Dropdown(value=scheme, options=[(schemes.title(k), k) for k in offered], description="Clusters",
                                 style=wide, layout=w.Layout(width="40%", min_width="360px"))
        self.title = w.HTML()
        self.title.add_class("s3lib-place")
        self.numbers = w.HTML()
        self.numbers.add_class("s3lib-numbers")
        self.status = w.HTML()
        self.status.add_class("s3lib-status")
        self.images = {name: w.Image(format="png") for name in self.names}
        self._syncing = False
        for control in (self.place, self.year, self.scheme):
            control.observe(self._changed, names="value")
        controls = w.HBox([self.place, self.year, self.scheme], layout=w.Layout(flex_flow="row wrap", width="100%"))
        self.widget = w.VBox([w.HTML(STYLE), controls, self.title, self.numbers, self.status,
                              *self.images.values()], layout=w.Layout(width="100%"))
        self.widget.add_class("s3lib-explorer")
        self.update()

    def _changed(self, _change) -> None:
        if not self._syncing:
            self.update(place=self.place.value, year=self.year.value, scheme=self.scheme.value)

    def _show_state(self) -> None:
        """Put the controls back to what the figures show (after a choice that could not be shown)."""
        self._syncing = True
        try:
            self.place.value = self.state["place"]
            self.year.value = self.state["year"]
            if self.state["scheme"] in [v for _, v in self.scheme.options]:
                self.scheme.value = self.state["scheme"]
        finally:
            self._syncing = False

    def update(self, place: str | None = None, year: int | None = None, scheme: str | None = None) -> dict:
        """Redraw every figure for the new choice (unchanged arguments keep their value).

        Returns the seconds each figure took. A bad choice (unknown place, year without data)
        is shown in the status line, keeps the previous figures and puts the controls back to them.
        """
        import html

        from s3lib.errors import S3libError
        from s3lib.study import place_year, schemes

        chosen = self.state["year"] if year is None else int(year)  # 0: the place's latest full year
        wanted = {"place": (place or self.state["place"]).strip(), "year": chosen, "scheme": scheme or self.state["scheme"]}
        self.status.value = (f"Drawing {html.escape(wanted['place'])}, {wanted['year'] or 'its latest full year'}, "
                             f"{html.escape(schemes.title(wanted['scheme']))}…")
        try:
            wanted["year"] = place_year(wanted["place"], chosen)[0]
            drawn = self.redrawer.draw(wanted["place"], wanted["year"], wanted["scheme"], which=self.names[:1])
        except S3libError as exc:
            self.status.value = f"<b>Cannot show that:</b> {html.escape(str(exc))}"
            if self.drawn:
                self._show_state()
            return {}
        # each figure is sent as soon as it is drawn: the first one shows while the header and the next are made
        self.images[self.names[0]].value = drawn[self.names[0]].png
        view = self.redrawer.view(**wanted)
        self.title.value = _heading(view, wanted["year"])
        self.numbers.value = _numbers(view)
        for name in self.names[1:]:
            drawn[name] = self.redrawer.draw(wanted["place"], wanted["year"], wanted["scheme"], which=(name,))[name]
            self.images[name].value = drawn[name].png
        self.state, self.drawn = {**wanted, "place": wanted["place"], "year": chosen}, drawn
        self.seconds = {name: d.seconds for name, d in drawn.items()}
        self._show_state()
        timing = ", ".join(f"{name} {s:.2f} s" for name, s in self.seconds.items())
        self.status.value = f"<span style='color:#666'>{timing}</span>" if self.debug else ""
        return self.seconds


def _heading(view, year: int) -> str:
    """The region the figures are for (and the place it contains), its level and the year, for the header."""
    import html

    return f"{html.escape(view.label)} · NUTS{view.summary.level} · {year}"


def _numbers(view) -> str:
    """The key numbers of a place view as one HTML line."""
    import html

    s = view.summary
    if s.leading_cluster and (s.leading_lq or 0) >= 1:
        lead = f"leading cluster <b>{html.escape(str(s.leading_cluster))}</b> (LQ {s.leading_lq:.1f})"
    elif s.leading_cluster:
        lead = (f"no cluster above the EU average (highest: {html.escape(str(s.leading_cluster))}, "
                f"LQ {s.leading_lq:.1f})")
    else:
        lead = "no leading cluster"
    axis = view.study.benefit
    rank = ("no benefit rank: no axis passes the validity gate" if axis is None else
            f"{axis.word} rank n/a (region outside the sample)" if s.benefit_rank is None else
            f"{axis.word} rank {s.benefit_rank} of {s.n_regions}")
    return f"{lead[0].upper()}{lead[1:]} · variety percentile {s.variety_pct:.0f} · {html.escape(rank)}"
