"""The live explorer for workshops: switch place, year and cluster scheme, redraw the key figures.

``notebooks/explorer.ipynb`` shows :class:`Explorer` as ipywidgets (a place box that takes a
case-place key, a name or a NUTS2/NUTS3 code; year and scheme menus). Every change calls
:meth:`Explorer.update`, which draws the two key figures of notebook 01 for the new choice:

* ``clusters``: the largest traded clusters of the place's NUTS2 region (bars = employment,
  colour = location quotient ``LQ_rc = (E_rc/T_r)/(E_.c/T_..)`` on a log scale);
* ``map``: the LQ of the place's leading cluster in every EU NUTS2 region, the place outlined.

The EU-wide matrices are computed once per (year, scheme) (:class:`s3lib.study.Study` caches them),
so after the first use of a year and scheme a redraw only selects and plots.
:meth:`Explorer.update` returns the seconds each figure took; the notebook prints them.

Example
-------
>>> from s3lib.explorer import Explorer
>>> app = Explorer("frankfurt")               # doctest: +SKIP
>>> app.update(place="porto")                 # doctest: +SKIP
{'data': 0.2, 'clusters': 0.4, 'map': 0.6}
>>> app.widget                                # doctest: +SKIP
"""
from __future__ import annotations

import io
import time
from dataclasses import dataclass

__all__ = ["FIGURES", "YEARS", "Drawn", "Explorer", "figures"]

#: The key figures, in display order.
FIGURES = ("clusters", "map")
#: Business-statistics years offered (2014 is the best cross-section; 2010 the first with France).
YEARS = tuple(range(2008, 2016))


@dataclass
class Drawn:
    """One key figure: the matplotlib figure, its PNG (1280 x 720) and the seconds it took."""

    figure: object
    png: bytes
    seconds: float


def _finish(fig, start: float) -> Drawn:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return Drawn(fig, buffer.getvalue(), time.perf_counter() - start)


def figures(place, year: int = 2014, scheme: str = "uscmp", which=FIGURES) -> dict:
    """Draw the key figures for one choice; return ``{name: Drawn}``.

    Each figure's ``seconds`` covers selecting its data, drawing and rendering the PNG; the
    place's view shared by both (:meth:`s3lib.study.Study.at`) is timed as ``"data"``.

    Raises :class:`~s3lib.errors.UsageError` for an unknown place, a year without data, or
    a place that is not a NUTS2/NUTS3 region (the message says which).
    """
    from s3lib import data, plots
    from s3lib.study import Study

    start = time.perf_counter()
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


class Explorer:
    """ipywidgets controls and one output area per key figure; :meth:`update` redraws them.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook displays.
    state : dict
        The current ``place``, ``year`` and ``scheme``.
    drawn : dict
        The :class:`Drawn` figures of the last update, by name.
    seconds : dict
        Seconds of the last update: ``"data"`` (the place's summary), then each figure.
    """

    def __init__(self, place: str = "frankfurt", year: int = 2014, scheme: str = "uscmp"):
        import ipywidgets as w

        from s3lib import data, schemes

        keys = list(data.places().index)
        self.state = {"place": place, "year": int(year), "scheme": scheme}
        self.seconds: dict[str, float] = {}
        self.drawn: dict[str, Drawn] = {}
        self.place = w.Combobox(value=place, options=keys, description="Place", ensure_option=False,
                                placeholder="key, name or NUTS code")
        self.year = w.Dropdown(value=int(year), options=list(YEARS), description="Year")
        self.scheme = w.Dropdown(value=scheme, options=list(schemes.SCHEMES), description="Scheme")
        self.status = w.HTML()
        self.outputs = {name: w.Output() for name in FIGURES}
        for control in (self.place, self.year, self.scheme):
            control.observe(self._changed, names="value")
        self.widget = w.VBox([w.HBox([self.place, self.year, self.scheme]), self.status,
                              *self.outputs.values()])
        self.update()

    def _changed(self, _change) -> None:
        self.update(place=self.place.value, year=self.year.value, scheme=self.scheme.value)

    def update(self, place: str | None = None, year: int | None = None, scheme: str | None = None) -> dict:
        """Redraw every key figure for the new choice (unchanged arguments keep their value).

        Returns the seconds each figure took. A bad choice (unknown place, year without data)
        is shown in the status line and keeps the previous figures.
        """
        import matplotlib.pyplot as plt
        from IPython.display import Image, display

        from s3lib.errors import S3libError

        wanted = {"place": place or self.state["place"], "year": int(year or self.state["year"]),
                  "scheme": scheme or self.state["scheme"]}
        try:
            drawn = figures(**wanted)
        except S3libError as exc:
            self.status.value = f"<b>Cannot show that:</b> {exc}"
            return {}
        self.state, self.drawn = wanted, drawn
        self.seconds = {name: d.seconds for name, d in drawn.items()}
        for name in FIGURES:
            self.outputs[name].clear_output(wait=True)
            with self.outputs[name]:
                display(Image(drawn[name].png))
            plt.close(drawn[name].figure)
        timing = ", ".join(f"{name} {s:.2f} s" for name, s in self.seconds.items())
        self.status.value = f"{wanted['place']}, {wanted['year']}, scheme {wanted['scheme']} ({timing})"
        return self.seconds
