"""Fast redraws for the live explorer (``make present``): persistent Agg figures, cached figure data.

:func:`s3lib.outputs.explorer.figures` builds every figure from scratch (a pyplot figure, constrained
layout, the map's polygons converted again, a full PNG encode): 0.3-0.6 s a figure. The
:class:`Redrawer` here keeps one :class:`~matplotlib.figure.Figure` per key figure on a
``FigureCanvasAgg`` (no pyplot, no GUI) with a fixed layout, and on a new choice only changes
what depends on it:

* ``clusters``: the bars' axes are cleared and redrawn by :func:`s3lib.plots.cluster_bars`;
  the LQ colour bar, title and source-line artists are kept and their texts updated;
* ``map``: the NUTS2 polygons are projected and converted to matplotlib paths once per process;
  a new place only recolours the one collection (``set_facecolor``) and rebuilds the two small
  layers on top (hatched "no data" regions, the place's outline);
* ``card``: :func:`s3lib.outputs.cards.draw` on the cached :func:`s3lib.outputs.cards.card_data`, rendered at
  1280 x 720 px instead of 1920 x 1080.

PNGs are encoded with zlib level 1 (3-4x faster than the default 6 for a few more kB) and
kept per ``(place, year, scheme, figure)`` in a small LRU cache, so going back to a place is
instant. ``benchmarks/bench_redraw.py`` compares both paths.

Example
-------
>>> from s3lib.outputs.app import Redrawer
>>> drawn = Redrawer().draw("porto")
>>> drawn["map"].png[:4], drawn["map"].seconds > 0   # the seconds vary from run to run
(b'\\x89PNG', True)
"""
from __future__ import annotations

import io
import textwrap
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["FIGURES", "Drawn", "Redrawer", "free_port", "serve_app", "suggestions", "voila_command"]

#: The figures the app shows, in display order.
FIGURES = ("clusters", "map", "card")


@dataclass
class Drawn:
    """One key figure: the matplotlib figure, its PNG (1280 x 720) and the seconds it took."""

    figure: object
    png: bytes
    seconds: float
#: Figure size in pixels (the card is rendered at the same size).
WIDTH_PX, HEIGHT_PX, DPI = 1280, 720, 100
#: zlib level of the PNGs sent to the browser.
PNG_LEVEL = 1
#: Seconds a kernel without any open page may idle before the server ends it (the page's own shutdown on
#: close or reload is the rule; this is the backstop).
CULL_IDLE = 600
#: Cities in the place box's suggestions: at least this many inhabitants.
MIN_POPULATION = 50_000


def _snapshot() -> tuple:
    """The data snapshot in use (folder and manifest hash): part of every cache key here, so a rebuilt or
    switched snapshot is never answered from the old one's cache."""
    from s3lib.data import _store

    folder = _store.data_dir()
    return str(folder), _store.manifest_sha(folder)


def suggestions() -> tuple[str, ...]:
    """What the place box suggests: case-place keys and names, then European cities (>= 50,000 inhabitants) in a
    NUTS2 region with business statistics, city districts folded into their city
    (:func:`s3lib.data.gazetteer.presenter_names`), sorted, without duplicates: every suggestion draws."""
    return _suggestions(_snapshot())


@lru_cache(maxsize=2)
def _suggestions(_snapshot_key: tuple) -> tuple[str, ...]:
    from s3lib import data

    places = data.places()
    out = list(places.index) + ([str(n) for n in places["name"]] if "name" in places else [])
    from s3lib.data import gazetteer

    if gazetteer.available():  # without the gazetteer the box still takes names and codes
        with_data = set(data.coverage(level=2, indicator="persons")["region"])
        out += [name for name in (_resolvable(n, with_data) for n in
                                  gazetteer.presenter_names(MIN_POPULATION, with_data | _successors(with_data))) if name]
    return tuple(dict.fromkeys(out))


def _resolvable(name: str, with_data: set) -> str | None:
    """``name`` as the place box must be given it to draw (``"Cambridge, UK"`` where the name alone is ambiguous),
    or None when it reaches no region with data."""
    from s3lib import data
    from s3lib.errors import S3libError

    try:
        place = data.place(name)
    except S3libError as exc:
        if "ambiguous" not in str(exc):
            return None
        from s3lib.data import gazetteer

        chosen = [c for c in gazetteer.candidates(name) if c.nuts3 and c.nuts3[:4] in with_data]
        if not chosen:
            return None
        name = f"{name}, {chosen[0].country}"
        try:
            place = data.place(name)
        except S3libError:
            return None
    try:
        region, _ = data.data_region(place.nuts2 or place.code, with_data)
    except S3libError:
        return None
    return name if region in with_data else None


def _successors(regions: set) -> set:
    """NUTS 2021 codes whose territory the data hold under an older code (PL91 and PL92 in PL12): their
    cities draw from the older region."""
    from s3lib import data

    out = set()
    for code in regions:
        try:
            out.update(data.place(code).successors)
        except Exception:  # noqa: BLE001 - a code without a registry entry has no successors
            continue
    return out


def _png(fig, dpi: float = DPI) -> bytes:
    from s3lib import plots

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata=plots.metadata(fig) or None,
                pil_kwargs={"compress_level": PNG_LEVEL})
    return buffer.getvalue()


def _new_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


class _Annotated:
    """A persistent title (suptitle) and source line; :meth:`set` changes only their texts."""

    def __init__(self, fig):
        from s3lib.plots import io as pio

        self.fig = fig
        self.source = fig.text(0.01, 0.005, "", ha="left", va="bottom", fontsize=pio.SOURCE_FONTSIZE,
                               color="#333333")
        self.width = max(40, int(fig.get_figwidth() * 72 * 0.97 / (pio.SOURCE_FONTSIZE * pio.CHAR_EM)))
        import matplotlib as mpl

        size = mpl.font_manager.FontProperties(size=mpl.rcParams["figure.titlesize"]).get_size_in_points()
        self.title_width = max(30, int(fig.get_figwidth() * 72 * 0.97 / (size * 0.62)))  # bold: wider than CHAR_EM

    def set(self, what: str, *, place: str, level: str, year, source: list[str]) -> None:
        title = f"{what}: {place}, {level}, {year}"
        lines = [part for line in source for part in textwrap.wrap(line, self.width, break_on_hyphens=False) or [""]]
        shown = "\n".join(textwrap.wrap(title, self.title_width, break_on_hyphens=False))  # never cut at the edge
        self.fig.suptitle(shown, fontweight="bold", ha="left", va="top", x=0.01, y=0.985)
        self.source.set_text("\n".join(lines))
        from s3lib import plots

        plots.set_metadata(self.fig, {"Title": title, "Description": "\n".join(source), "Place": place,
                                      "Level": str(level), "Year": str(year)})


class _Clusters:
    """The largest traded clusters: bars redrawn in fixed axes, colour bar kept."""

    def __init__(self):
        import matplotlib.pyplot as plt

        from s3lib import plots

        with plots.style():
            self.fig = fig = _new_figure()
            self.ax = fig.add_axes((0.35, 0.15, 0.53, 0.70))  # room above for a title on two lines
            cax = fig.add_axes((0.9, 0.2, 0.015, 0.62))
            norm = plots.lq_norm(4.0)
            bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=plots.DIVERGING), cax=cax)
            bar.set_label("LQ (log scale; 1 = EU average)")
            from s3lib.plots.style import log_ticks

            log_ticks(bar, norm)
            self.note = _Annotated(fig)

    def draw(self, portfolio, *, place, year, source, what: str = "Largest traded clusters") -> bytes:
        from s3lib import plots

        with plots.style():
            # remove the previous bars and labels (ax.cla() would rebuild the ticks: a third of the time)
            for artist in [*self.ax.patches, *self.ax.texts, *self.ax.lines]:
                artist.remove()
            self.ax.containers.clear()
            plots.cluster_bars(self.ax, portfolio, n=12, label_width=34, colorbar=False, fontsize=15)
            shown = min(12, len(portfolio))
            self.ax.set_ylim(-0.6, max(shown, 1) - 0.4)  # the bars fill the axes, however few the scheme has
            if not shown:
                self.ax.text(0.5, 0.5, "No cluster of this scheme has employment here", transform=self.ax.transAxes,
                             ha="center", va="center", fontsize=16)
            self.note.set(what, place=place, level="NUTS2", year=year, source=source)
            return _png(self.fig)


class _Map:
    """The EU map of one cluster's LQ: polygons converted once, recoloured per choice."""

    def __init__(self):
        import matplotlib.pyplot as plt
        import numpy as np
        from matplotlib.collections import PathCollection
        from matplotlib.patches import Patch

        from s3lib import data, plots
        from s3lib.plots.maps import geometry_path
        from s3lib.plots.style import log_ticks

        xmin, xmax, ymin, ymax = plots.EUROPE_EXTENT
        margin = 0.2 * max(xmax - xmin, ymax - ymin)
        g = data.geometries(2).to_crs(plots.MAP_CRS).cx[xmin - margin:xmax + margin, ymin - margin:ymax + margin]
        self.codes, self.countries, self.paths = [], [], []
        for code, country, geom in zip(g["code"], g["country"], g.geometry):
            path = geometry_path(geom)
            if path is not None:
                self.codes.append(code)
                self.countries.append(country)
                self.paths.append(path)
        self.countries = np.asarray(self.countries)
        self.cmap, self.norm = plt.get_cmap(plots.DIVERGING), plots.lq_norm(4)
        with plots.style():
            self.fig = fig = _new_figure()
            self.ax = ax = fig.add_axes((0.01, 0.07, 0.86, 0.80))
            ax.set_xlim(xmin, xmax)
            ax.set_ylim(ymin, ymax)
            ax.set_aspect("equal")
            ax.set_axis_off()
            self.base = PathCollection(self.paths, facecolors="#F2F2F2", edgecolors="white", linewidths=0.3)
            ax.add_collection(self.base, autolim=False)
            self.layers = []
            cax = fig.add_axes((0.88, 0.16, 0.015, 0.66))
            self.bar = fig.colorbar(plt.cm.ScalarMappable(norm=self.norm, cmap=self.cmap), cax=cax)
            log_ticks(self.bar, self.norm)
            self.legend = ax.legend(handles=[Patch(facecolor=plots.NO_DATA, hatch="///", edgecolor="#999999",
                                                   label="no data")], loc="upper left", frameon=True,
                                    framealpha=0.9)
            self.note = _Annotated(fig)

    def draw(self, lq, label: str | None, region: str, *, what, place, year, source) -> bytes:
        import numpy as np
        from matplotlib.collections import PathCollection

        from s3lib.plots.style import NO_DATA

        values = (lq.reindex(self.codes) if lq is not None else np.full(len(self.codes), np.nan))
        values = np.asarray(values, dtype=float)
        valued = ~np.isnan(values)
        in_data = np.isin(self.countries, np.unique(self.countries[valued]))
        colours = np.tile(np.array([0xF2 / 255, 0xF2 / 255, 0xF2 / 255, 1.0]), (len(values), 1))
        colours[in_data & ~valued] = (0xD9 / 255, 0xD9 / 255, 0xD9 / 255, 1.0)
        if valued.any():
            colours[valued] = self.cmap(self.norm(np.clip(values[valued], 1e-9, None)))
        self.base.set_facecolor(colours)
        for layer in self.layers:
            layer.remove()
        missing = [p for p, m in zip(self.paths, in_data & ~valued) if m]
        outline = [p for p, c in zip(self.paths, self.codes) if c == region]
        self.layers = []
        from s3lib import plots

        with plots.style():
            if missing:
                self.layers.append(PathCollection(missing, facecolors=NO_DATA, edgecolors="white", linewidths=0.4,
                                                  hatch="///", zorder=1.5))
            if outline:
                self.layers.append(PathCollection(outline, facecolors="none", edgecolors="black", linewidths=2.2,
                                                  zorder=3))
            for layer in self.layers:
                self.ax.add_collection(layer, autolim=False)
            self.legend.set_visible(bool(missing))
            self.bar.set_label(label or "")
            self.note.set(what, place=place, level="NUTS2", year=year, source=source)
            return _png(self.fig)


class Redrawer:
    """Draw the key figures of a place on persistent figures; returns PNGs with their timings.

    Parameters
    ----------
    cache : int
        How many ``(place, year, scheme)`` choices keep their PNGs (0: none, every call draws).
    """

    def __init__(self, cache: int = 32):
        self.cache = cache
        self._pngs: OrderedDict = OrderedDict()
        self._figs: dict = {}

    def _figure(self, name):
        if name not in self._figs:
            self._figs[name] = {"clusters": _Clusters, "map": _Map}[name]()
        return self._figs[name]

    def figure(self, name):
        """The persistent matplotlib Figure of ``clusters`` or ``map`` (the card is new every time)."""
        return self._figure(name).fig

    def view(self, place, year: int = 2014, scheme: str = "uscmp"):
        """The place's :class:`~s3lib.study.view.PlaceView` (cached with its RIS3 fit)."""
        return _card_data(place, int(year), scheme).view

    def draw(self, place, year: int = 2014, scheme: str = "uscmp", which=FIGURES) -> dict:
        """``{"data": Drawn, name: Drawn, ...}`` for the choice, as :func:`s3lib.outputs.explorer.figures`.

        Raises :class:`~s3lib.errors.UsageError` for an unknown place or a year without data.
        """
        from s3lib import plots

        start = time.perf_counter()
        chosen = _card_data(place, int(year), scheme)
        view = chosen.view
        summary = view.summary
        out = {"data": Drawn(None, b"", time.perf_counter() - start)}
        key = (view.place.key, int(year), scheme)
        cached = self._pngs.get(key, {})
        sources = [view.study.space.source,
                   plots.SOURCE_USCMP if summary.scheme == "uscmp" else f"Clusters: scheme {summary.scheme}."]
        for name in which:
            start = time.perf_counter()
            if name in cached:
                png, fig = cached[name]
            elif name == "clusters":
                fig = self._figure(name).fig
                png = self._figure(name).draw(_readable(view.portfolio), place=view.label, year=year, source=sources,
                                              what=_bars_title(view.study.scheme_arg))
            elif name == "map":
                lead = summary.leading_cluster
                what = f"LQ of {plots.short_name(lead, 34)}" if lead else "No leading cluster"
                label = f"LQ of {plots.short_name(lead, 34)} (log scale)" if lead else None
                fig = self._figure(name).fig
                png = self._figure(name).draw(view.study.cluster_lq[lead] if lead else None, label, view.region,
                                              what=what, place=view.label, year=year,
                                              source=sources + [plots.SOURCE_GISCO])
            elif name == "card":
                from s3lib.outputs import cards

                with plots.style():
                    from matplotlib.backends.backend_agg import FigureCanvasAgg

                    fig = cards.draw(chosen.card)
                    FigureCanvasAgg(fig)
                    png = _png(fig, dpi=DPI * WIDTH_PX / cards.WIDTH_PX)
            else:
                raise ValueError(f"unknown figure {name!r}: one of {', '.join(FIGURES)}")
            cached[name] = (png, fig)
            out[name] = Drawn(fig, png, time.perf_counter() - start)
        if self.cache:
            self._pngs[key] = cached
            self._pngs.move_to_end(key)
            while len(self._pngs) > self.cache:
                self._pngs.popitem(last=False)
        return out


def _bars_title(scheme) -> str:
    """What the bar chart shows, by scheme: only the US scheme's clusters are all traded."""
    from s3lib.study import schemes

    name = str(scheme).lower()
    if name == "uscmp":
        return "Largest traded clusters"
    if name == "colocation":
        return "Largest co-location clusters (traded and local)"
    return f"{schemes.title(scheme)}: groups by employment"


def _readable(portfolio):
    """Cluster names for people: a co-location cluster named by its NACE codes (``G47 + I56 + G45``) is named by
    its largest division (``Retail trade and related``); the notebooks list every member."""
    import re

    from s3lib import data, plots

    coded = portfolio["cluster"].astype(str).str.fullmatch(r"[A-Z]\d{2}( \+ [A-Z]\d{2})*")
    if not coded.any():
        return portfolio
    names = data.nace().set_index("code")["name"]

    def name(label: str) -> str:  # the largest member, named first in the scheme's label
        codes = re.findall(r"[A-Z]\d{2}", label)
        first = plots.short_name(str(names.get(codes[0], codes[0])), 26)
        return first + (" and related" if len(codes) > 1 else "")

    out = portfolio.copy()
    out.loc[coded, "cluster"] = out.loc[coded, "cluster"].map(name)
    return out


class _Chosen:
    """A choice's view (``Study("sbs", 2, year, scheme)``) and, computed on first use, its card
    (:func:`s3lib.outputs.cards.card_data`: the RIS3 fit and the rest, about 0.1-0.2 s): the first figure never
    waits for the card."""

    def __init__(self, view):
        self.view = view
        self._card = None

    @property
    def card(self):
        if self._card is None:
            from s3lib.outputs import cards

            self._card = cards.card_data(self.view)
        return self._card


def _card_data(place, year: int, scheme: str) -> _Chosen:
    """The choice's :class:`_Chosen`, cached per choice and snapshot (forgotten with the snapshot's caches,
    :func:`s3lib.data.clear_cache`)."""
    return _chosen(place, year, scheme, _snapshot())


@lru_cache(maxsize=64)
def _chosen(place, year: int, scheme: str, _snapshot_key: tuple) -> _Chosen:
    from s3lib.study import Study

    return _Chosen(Study("sbs", 2, year, scheme).at(place))


def _clear() -> None:
    _suggestions.cache_clear()
    _chosen.cache_clear()


def _register() -> None:
    from s3lib.data import _store

    _store.on_clear(_clear)


_register()


def template_path() -> str:
    """The Jupyter data folder shipped with the package that holds the ``s3lib`` Voila template
    (``s3lib/outputs/jupyter/voila/templates/s3lib``: Voila's ``lab`` template without its two Font Awesome
    links to cdn.jsdelivr.net, so the app makes no request beyond localhost). ``voila_command`` puts it first
    on ``JUPYTER_PATH``; it is part of the installed package, never a folder in the shared temp folder, where
    another user could plant a template or a kernel the presenter would run."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "jupyter")


def voila_command(notebook=None, port: int = 8866, ip: str = "127.0.0.1") -> list[str]:
    """The command that serves the explorer as a Voila app on ``ip:port`` (no browser opened, no
    code shown, nothing loaded from a CDN). Run it with :func:`voila_env`."""
    import sys

    from s3lib import config

    notebook = notebook or config.NOTEBOOKS_DIR / "explorer.ipynb"
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--Voila.ip={ip}", f"--port={port}",
            "--Voila.port_retries=0", "--theme=light", "--strip_sources=True", "--template=s3lib",
            # a backstop for kernels whose page vanished without its shutdown beacon (a crashed browser): kernels
            # with no open connection for CULL_IDLE seconds end; a presenter's open page is never culled
            f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}", "--MappingKernelManager.cull_interval=60",
            "--MappingKernelManager.cull_connected=False"]


def voila_env() -> dict:
    """The environment for :func:`voila_command`: ``JUPYTER_PATH`` with the ``s3lib`` template."""
    import os

    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (template_path(), env.get("JUPYTER_PATH")) if p)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_app(notebook=None, port: int | None = None, timeout: float = 60.0, log=None):
    """Serve the explorer with Voila on ``127.0.0.1`` (a free port by default); yields the app's URL.

    The server is stopped (SIGTERM, then SIGKILL after 10 s) when the block ends.
    """
    import subprocess
    import urllib.error
    import urllib.request

    from s3lib import config
    from s3lib.errors import S3libError

    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(voila_command(notebook, port), cwd=str(config.PROJECT_ROOT), env=voila_env(),
                            stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise S3libError(f"voila exited with code {proc.returncode} before serving {url}")
            try:  # any answer (a static file; no notebook run) means the server is up
                with urllib.request.urlopen(url + "voila/static/voila.js", timeout=2):
                    break
            except urllib.error.HTTPError:
                break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise S3libError(f"voila did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv=None) -> int:
    """``python -m s3lib.outputs.app [--port N]``: serve the explorer with Voila until Ctrl-C (``make present``).

    The process becomes the Voila server (``exec``), so stopping it stops the server and its kernels."""
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m s3lib.outputs.app", description=main.__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--notebook", default=None, help="default notebooks/explorer.ipynb")
    args = parser.parse_args(argv)
    command = voila_command(args.notebook, args.port)
    print(f"s3lib explorer on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", flush=True)
    os.execve(command[0], command, voila_env())
    return 0  # not reached

if __name__ == "__main__":
    raise SystemExit(main())
