"""The EU atlas: a card and a one-page profile for every NUTS2 region, offline, searchable by city.

``s3lib atlas [--year 2014] [--out atlas/] [--regions ...] [--executor local|dask] [--jobs N]``
(or :func:`build`) writes, for every NUTS2 region with business statistics in the year::

    atlas/index.html            every region by country, and a search box (city name, region name, code)
    atlas/search.js             the search data: a JSON object (cities, NUTS2/NUTS3 codes and names ->
                                region page) assigned to ``window.S3LIB_ATLAS``, so that the index also
                                searches when opened from disk (browsers refuse ``fetch`` on file://)
    atlas/style.css
    atlas/regions/<CODE>.html   the region's profile: top clusters, variety, opportunities, cluster links,
                                partners abroad (:func:`s3lib.study.partners.partners`), RIS3 fit where a
                                list is known (:func:`s3lib.analyses.ris3.fit`), data gaps and notes
    atlas/cards/<CODE>.png      the region's cluster card (:func:`s3lib.outputs.cards.draw`, 1152 x 648 px)
    atlas/atlas.json            what was built: year, scheme, regions, failures, seconds

Every number comes from one :class:`~s3lib.study.Study` of the year, computed once in this process; the
cards are drawn in ``--jobs`` processes (or on dask workers) from small picklable snapshots of the place
views, so the workers never recompute the study. Plain HTML, CSS and JavaScript: no network request,
no CDN, no web fonts. The atlas is built in a temporary folder and swapped in at the end: a failed build
leaves the previous atlas as it was, and a region whose profile or card fails gets no page (the index
lists it with the reason, and the command exits 1 after building all the others).
"""
from __future__ import annotations

import html
import json
import math
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from s3lib import config
from s3lib.atomic import check_output_dir, clean_leftovers, pid_tag, swap_dir
from s3lib.errors import UnknownChoiceError, UsageError, error_line
from s3lib.processes import stop_pool, worker_init
from s3lib.runner.tasks import Outcome

__all__ = ["CARD_DPI", "MARKER", "CardTask", "add_parser", "build", "main", "render_card", "search_data"]

MARKER = ".s3lib-atlas"  # marks a folder as an atlas that `build` may replace
#: Resolution of the atlas cards: 1152 x 648 px (the full card is 1920 x 1080 at 100 dpi). The
#: page shows the card at most ~1100 px wide; this halves the drawing time and the size.
CARD_DPI = 60
#: Cities below this population are searchable by their main name only (keeps search.js small).
ALT_NAMES_MIN_POPULATION = 100_000
_N_LIST = 5
#: Order of equally good search hits: regions, their other codes, NUTS3 regions, then cities by population.
_RANK_REGION, _RANK_CODE, _RANK_NUTS3 = 10**12, 10**11, 10**10

STYLE = """\
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #d0d4d9; --accent: #0072b2; --bad: #d55e00; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1180px; padding: 0 1.25rem 3rem; }
h1 { font-size: 1.8rem; margin: 1.25rem 0 .25rem; } h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem;
  border-bottom: 1px solid var(--line); } a { color: var(--accent); } .muted, .lede { color: var(--muted); }
nav { background: #f3f4f6; border-bottom: 1px solid var(--line); padding: .5rem 1rem; margin: 0 -1.25rem 1rem; }
img.card { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; font-size: .95rem; margin: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.big { display: flex; flex-wrap: wrap; gap: 1.5rem; } .big div { min-width: 8rem; }
.big b { display: block; font-size: 1.8rem; color: var(--accent); }
#q { font-size: 1.1rem; padding: .5rem .75rem; width: min(36rem, 100%); border: 1px solid var(--line);
  border-radius: 4px; } #hits { list-style: none; padding: 0; } #hits li { padding: .2rem 0; }
.failed { color: var(--bad); } .cols { columns: 3 18rem; } .cols p { margin: 0 0 .2rem; break-inside: avoid; }
"""

#: The search page's script, shipped with the package (s3lib/outputs/atlas_search.js).
SEARCH_JS = (Path(__file__).resolve().parent / "atlas_search.js").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- card tasks
@dataclass(frozen=True)
class CardTask:
    """One atlas card: draw ``card`` (a :class:`s3lib.outputs.cards.CardData`, everything the card shows,
    computed in the parent process) into ``target`` (PNG at ``dpi``). The worker computes nothing.

    ``name`` and ``place`` are what the executors report (:class:`s3lib.runner.tasks.Outcome`)."""

    place: str  # the region code
    target: str
    card: object = field(compare=False, repr=False)
    dpi: int = CARD_DPI
    name: str = "card"


def render_card(task: CardTask) -> Outcome:
    """Draw and write one card; never raises (a failure is a ``"failed"`` Outcome). Top-level and picklable."""
    start = time.perf_counter()
    try:
        import matplotlib

        from s3lib import plots
        from s3lib.outputs import cards

        fig = cards.draw(task.card)
        # no glyph hinting, as the suite's figures (s3lib.plots.rc_params): a third less drawing time
        with matplotlib.rc_context({"text.hinting": "no_hinting"}):
            plots.write(fig, Path(task.target), fast=True, dpi=task.dpi, facecolor="white")
        return Outcome(task.name, task.place, "ok", time.perf_counter() - start, task.target)
    except Exception as exc:  # noqa: BLE001 - one region must not stop the atlas
        return Outcome(task.name, task.place, "failed", time.perf_counter() - start, "", error=error_line(exc))


def _warm() -> None:
    worker_init()  # ignore Ctrl-C (the parent stops the pool), end with the parent
    import matplotlib.figure  # noqa: F401

    import s3lib.outputs.cards
    import s3lib.plots  # noqa: F401


def _execute(tasks, total: int, jobs: int, executor: str, scheduler: str | None, progress: bool):
    """Yield one Outcome per card task: in this process (``jobs=1``), a local process pool, or dask.

    ``tasks`` may be a generator: the local pool submits each task as soon as it is made, so that
    the workers draw while this process computes the next profiles."""
    if executor == "dask":
        from s3lib.runner.dask_executor import execute

        yield from execute(tasks, render_card, scheduler=scheduler, jobs=jobs, progress=progress)
        return
    bar = _bar(total, progress)
    try:
        if jobs <= 1 or total <= 1:
            for task in tasks:
                yield render_card(task)
                bar.update(1)
            return
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        # spawn: the parent holds pyarrow's threads, which fork must not copy
        pool = ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_warm)
        try:
            pending = set()
            for task in tasks:
                pending.add(pool.submit(render_card, task))
                done = {f for f in pending if f.done()}
                for future in done:
                    bar.update(1)
                    yield future.result()
                pending -= done
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    bar.update(1)
                    yield future.result()
        except BaseException:  # Ctrl-C or a failed build: the workers end now
            stop_pool(pool)
            raise
        pool.shutdown()
    finally:
        bar.close()


def _bar(total: int, enabled: bool):
    from s3lib.runner.tasks import progress_bar

    if not enabled:
        return progress_bar(total, False)
    from tqdm import tqdm

    return tqdm(total=total, unit="card", desc="s3lib atlas", file=sys.stderr)


# ----------------------------------------------------------------------------- search data
def search_data(study, codes: list[str]) -> dict:
    """The index's search data: ``{"regions": {code: name}, "entries": [[label, keys, code, rank(, alt)], ...]}``.

    Entries: every NUTS2 region of ``codes`` (its code and name, and other NUTS versions' codes of the same
    territory: PL91 and PL92 lead to PL12 in the 2014 data), the NUTS3 regions in it, and the
    European cities of the gazetteer (``data/cities.parquet``) in it, by main name (and, for cities of
    at least :data:`ALT_NAMES_MIN_POPULATION`, alternate names: "Munich", "München", "Monaco di Baviera").
    ``keys`` (main names and codes) and ``alt`` (alternate names) are :func:`s3lib.data.gazetteer.fold`-ed
    and ``;``-joined; the page ranks an exact main name first, then an exact alternate name, then prefixes
    (as :func:`s3lib.data.gazetteer.find` prefers main names), and equal matches by ``rank`` (regions
    first, then cities by population).
    """
    from s3lib import data
    from s3lib.data import gazetteer

    wanted = set(codes)
    names = {code: _region_name(study, code) for code in codes}
    entries = [[f"{names[c]} ({c})", ";".join(dict.fromkeys([gazetteer.fold(c), gazetteer.fold(names[c])])), c,
                _RANK_REGION] for c in codes]
    to_region: dict[str, str | None] = {}

    def region_of(nuts3: str) -> str | None:
        if nuts3 not in to_region:
            try:
                to_region[nuts3] = study.region(nuts3)[0]
            except (UsageError, LookupError):
                to_region[nuts3] = None
        return to_region[nuts3]

    table = data.regions(nuts_version=None).dropna(subset=["name"]).drop_duplicates("code")
    merged: dict[tuple, list] = {}  # one entry per name and region, with the codes of every NUTS version
    for code, name, level in zip(table["code"], table["name"], table["level"]):
        if level == 3 or (level == 2 and code not in wanted):  # NUTS3 regions; other codes of a region (PL91)
            region = region_of(code)
            if region in wanted:
                entry = merged.setdefault((name, region), [f"{name} ({code})", gazetteer.fold(name), region,
                                                           _RANK_NUTS3 if level == 3 else _RANK_CODE])
                entry[1] += ";" + gazetteer.fold(code)
    entries += merged.values()
    cities = gazetteer.cities()
    cities = cities[cities["nuts3"].notna()]
    columns = ("name", "country", "population", "keys", "alt_keys", "nuts3")
    for name, country, population, keys, alt, nuts3 in zip(*(cities[c] for c in columns)):
        region = region_of(nuts3)
        if region not in wanted:
            continue
        entry = [f"{name} ({country})", keys, region, int(population)]
        if population >= ALT_NAMES_MIN_POPULATION and isinstance(alt, str) and alt:
            entry.append(alt)
        entries.append(entry)
    return {"regions": names, "entries": entries}


def _region_name(study, code: str) -> str:
    try:
        return study.at(code).region_name or code
    except Exception:  # noqa: BLE001 - a name is not worth a failure
        return code


# ----------------------------------------------------------------------------- pages
def _page(title: str, body: str, root: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" '
            f'content="width=device-width, initial-scale=1">\n<title>{html.escape(title)}</title>\n'
            f'<link rel="stylesheet" href="{root}style.css">\n</head>\n<body>\n{body}\n</body>\n</html>\n')


def _num(value, fmt="{:,.0f}") -> str:
    try:
        return "n/a" if value is None or math.isnan(value) else fmt.format(value)
    except (TypeError, ValueError):
        return "n/a"


def _table(header: list[str], rows: list[list], numeric=()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>'
                                    f"{c if isinstance(c, _Html) else html.escape(str(c))}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _ris3_html(fit) -> str:
    if fit is None:
        return '<p class="muted">RIS3 fit could not be computed.</p>'
    if fit.found:
        extra = " (national fallback: the region's own list was not found)" if fit.kind == "national fallback" else ""
        text = (f"<p><b>{html.escape(str(fit.strategy))}</b>{extra}; owner {html.escape(str(fit.owner))} "
                f"(NUTS{fit.owner_level}), {html.escape(str(fit.period))}, {fit.n_priorities} priorities.</p>"
                f'<div class="big"><div><b>{fit.coverage:.0%}</b>coverage</div><div><b>{fit.fit:.0%}</b>fit</div></div>'
                "<p class=muted>Coverage: share of priority employment in specialised industries; fit: share of "
                "specialised employment the priorities cover (NACE mapping our own, data/ris3_priorities.csv).</p>")
        if fit.not_measurable:
            text += f"<p class=muted>Not measurable in the business statistics: {html.escape(fit.not_measurable)}.</p>"
        return text
    if fit.not_found:
        return (f"<p><b>RIS3 list not found</b>: {html.escape('; '.join(fit.not_found))}. Nothing is invented, so "
                "no fit is computed.</p>")
    return "<p><b>RIS3 list not known</b>: no strategy of this region is on record in data/ris3_priorities.csv.</p>"


def _flag(value) -> bool:
    """True for a true flag; False for false and for a missing one (pandas NA)."""
    try:
        return bool(value)
    except TypeError:
        return False


def _employed(row) -> str:
    """Employment of a cluster row: a range with † when it rests on apportioned divisions, (est.) when
    mostly estimated (the columns of the view's ``clusters`` table, when it has them)."""
    lower, upper = getattr(row, "lower", None), getattr(row, "upper", None)
    if _flag(getattr(row, "rests_on_apportioning", False)) and _num(upper) != "n/a" and _num(lower) != "n/a":
        text = f"{lower:,.0f}–{upper:,.0f} †"
    else:
        text = _num(row.employment)
    return text + (" (est.)" if (getattr(row, "estimated", 0) or 0) > 0.5 else "")


def _partners(view):
    """The leading cluster's partners (five of each kind), or None without a leading cluster."""
    return view.partners(n=_N_LIST) if view.summary.leading_cluster is not None else None


class _Html(str):
    """A table cell that is HTML already (every name in it escaped by whoever built it)."""


def _partners_html(partners, pages=()) -> str:
    """The "Partners abroad" block: peers and complements of the leading cluster with their reasons, the gate, what
    was set apart, and the caveat. Every name is escaped; a partner with a page in this atlas (``pages``) links to it."""
    from s3lib.measures.partners import CAVEAT, GATE_RULE

    if partners is None:
        return "<p class=muted>No leading cluster: no partner is searched.</p>"
    cluster, flags = html.escape(partners.cluster), partners.apart["flag"].value_counts()
    def region(r):  # the region's name and code, a link to its page when the atlas has one
        name = f"{html.escape(str(r['name']))} ({html.escape(str(r['region']))})"
        return _Html(f'<a href="{html.escape(str(r["region"]))}.html">{name}</a>' if r["region"] in pages else name)
    peers, complements = partners.peers.table, partners.complements.table
    notes = [n for n in partners.complements.notes[:-1 if complements.empty else None] if "stated gate" not in n]
    notes += [f"Set apart, never ranked: {', '.join(f'{v} {k}' for k, v in flags.items())}."] if len(flags) else []
    return "\n".join([
        f"<p>Regions abroad for the leading cluster, <b>{cluster}</b>: <b>peers</b> are strong in the same cluster "
        "(LQ &ge; 1 and at least 1,000 persons employed on clean cells, ranked by Cluster Observatory stars), to "
        "benchmark, brand and promote with; <b>complements</b> are strong in a related cluster this region lacks, "
        f"for value-chain and cross-innovation partnerships; {html.escape(GATE_RULE)}.</p>", "<h3>Peers</h3>",
        _table(["region", "country", "why"], [[region(r), r["country"], r["reason"]] for _, r in peers.iterrows()])
        if len(peers) else f"<p class=muted>No region abroad is specialised in {cluster} on clean cells.</p>",
        "<h3>Complements</h3>",
        _table(["region", "country", "strong in", "why"],
               [[region(r), r["country"], r["related"], r["reason"]] for _, r in complements.iterrows()])
        if len(complements) else f"<p class=muted>{html.escape(partners.complements.notes[-1])}</p>",
        "<ul class=muted>" + "".join(f"<li>{html.escape(n)}</li>" for n in dict.fromkeys(notes)) + "</ul>",
        f"<p><i>{html.escape(CAVEAT)}</i></p>"])


def _region_page(view, fit, cities: list[str], partners=False, pages=()) -> str:
    """A region's page; ``partners``: :func:`_partners` (computed when not given), ``pages``: regions with a page."""
    s, code = view.summary, view.region
    partners = _partners(view) if partners is False else partners
    names = view.study.space.names()
    opportunities = view.opportunities.table
    clusters = [[r.cluster, _employed(r), _num(r.lq, "{:.2f}"), "★" * int(r.stars if r.stars == r.stars else 0),
                 "yes" if _flag(r.strong) else "", "fragment" if _flag(r.partial) else ""]
                for r in view.clusters.itertuples()]
    axis = view.study.benefit
    opportunities = [[c, names.get(c, c), _num(r.density, "{:.2f}"), _num(r.benefit, "{:.2f}"), r.quadrant]
                     for c, r in opportunities.head(_N_LIST).iterrows()]
    links = [[r.cluster_a, r.cluster_b, r.reason] for r in view.cooperation.table.head(_N_LIST).itertuples()]
    rank = ("n/a" if s.benefit_rank is None else f"#{s.benefit_rank}")
    rank_label = f"{axis.word} rank of {s.n_regions}" if axis is not None else "no benefit axis passes the gate"
    bridging = ", ".join(view.bridging["cluster"].head(3)) or "none present"
    notes = list(view.notes) + [n for n in view.study.notes if code in n]
    body = [f'<nav><a href="../index.html">EU atlas {s.year}</a> · {html.escape(s.country)} · {code}</nav>',
            f"<h1>{html.escape(view.region_name or code)} ({code})</h1>",
            (f'<p class="lede">NUTS2 region, {html.escape(s.country)} · business statistics {s.year} · '
             f"cluster scheme {html.escape(s.scheme)} · leading cluster: {html.escape(s.leading_cluster or 'none')}</p>"),
            (f'<p><img class="card" src="../cards/{code}.png" alt="Cluster card of '
             f'{html.escape(view.region_name or code)} ({code}), {s.year}" width="1152" height="648"></p>'),
            "<h2>Top clusters</h2>",
            _table(["cluster", "employed", "LQ", "stars", "US CMP strong", ""], clusters, numeric=(1, 2)),
            (f"<p class=muted>{s.n_clusters} clusters observed, {s.n_starred} with two or three Cluster Observatory "
             f"stars, {s.n_strong} strong (US CMP rule); LQ against all EU NUTS2 regions. † a range: the cluster "
             "rests on divisions apportioned among clusters (lower bound: the apportioned share, upper: whole "
             "divisions); (est.) mostly from estimated confidential cells.</p>"),
            "<h2>Variety and benefit</h2>",
            (f'<div class="big"><div><b>{_num(s.variety_pct)}</b>total variety</div><div><b>{_num(s.related_pct)}</b>'
             f"related variety</div><div><b>{_num(s.unrelated_pct)}</b>unrelated variety</div><div><b>{rank}</b>"
             f"{html.escape(rank_label)}</div></div>"),
            (f"<p class=muted>Percentiles among the {s.n_regions} EU regions of the sample (100 = most); "
             f"Krugman specialisation {_num(s.krugman, '{:.2f}')}, Herfindahl {_num(s.herfindahl, '{:.3f}')}; "
             f"{_num(s.employment)} persons employed in the business economy, {s.coverage:.0%} of the divisions "
             "observed. The benefit rank is on the axis that passes the validity gate (wage level by default; "
             "the classic economic complexity index fails it on these data).</p>"),
            "<h2>New paths</h2>",
            _table(["NACE", "industry", "relatedness density", html.escape(axis.short if axis is not None else "benefit"),
                    "quadrant"], opportunities, numeric=(2, 3)) if opportunities else "<p class=muted>none found</p>",
            ("<p class=muted>Traded divisions not specialised now or in the five years before, without a break in "
             "the series, large enough; quadrants at the medians of all regions' new paths.</p>"),
            "<h2>Cooperation pairs</h2>",
            _table(["cluster", "related cluster", "why"], links) if links else "<p class=muted>no pair of specialised "
            "clusters related on a channel</p>",
            f"<p>Bridging clusters present: {html.escape(bridging)}.</p>",
            "<h2>Partners abroad</h2>", _partners_html(partners, pages),
            "<h2>RIS3 fit</h2>", _ris3_html(fit),
            "<h2>Data gaps and notes</h2>", "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>",
            f"<p class=muted>{html.escape(view.data_checks.notes[0])}</p>"]
    if cities:
        body.append(f"<p class=muted>Largest cities in the region: {html.escape(', '.join(cities))}.</p>")
    body.append("<p class=muted>Source: Eurostat SBS sbs_r_nuts06_r2 (persons employed; CC BY 4.0); clusters: US "
                "Cluster Mapping Project definitions carried to NACE by s3lib; RIS3: data/ris3_priorities.csv. "
                "Computed by s3lib.</p>")
    return _page(f"{view.region_name} ({code}), {s.year} | s3lib EU atlas", "\n".join(body), root="../")


def _index_page(year: int, built: dict, failures: dict, names: dict) -> str:
    by_country: dict[str, list] = {}
    for code, summary in sorted(built.items()):
        by_country.setdefault(code[:2], []).append(summary)
    groups = []
    for country, rows in by_country.items():
        items = "".join(f'<p><a href="regions/{s.region}.html">{s.region} {html.escape(s.region_name or "")}</a> '
                        f'<span class=muted>{html.escape(s.leading_cluster or "")}</span></p>' for s in rows)
        groups.append(f"<h3>{country}</h3>{items}")
    body = [f"<h1>s3lib EU atlas {year}</h1>",
            (f'<p class="lede">A cluster card and profile for each of the {len(built)} NUTS2 regions with Eurostat '
             f"business statistics in {year}. Search a city, a region or a NUTS code (Munich, Gironde, PL12).</p>"),
            ('<p><input id="q" type="search" placeholder="city, region or NUTS code" autocomplete="off" '
             'aria-label="Search a city, region or NUTS code" autofocus></p><ul id="hits"></ul>'),
            "<h2>Regions</h2>", f'<div class="cols">{"".join(groups)}</div>']
    if failures:
        items = "".join(f'<li class="failed">{code} {html.escape(names.get(code, ""))}: {html.escape(err)}</li>'
                        for code, err in sorted(failures.items()))
        body += [f"<h2>Not built ({len(failures)})</h2>", f"<ul>{items}</ul>"]
    body.append('<script src="search.js"></script>\n<script src="atlas.js"></script>')
    return _page(f"s3lib EU atlas {year}", "\n".join(body))


# ----------------------------------------------------------------------------- building
def _regions(study, places) -> list[str]:
    """The data codes of resolved ``places``, else every region with data."""
    counts = study.counts
    if not places:
        return [c for c in counts.index if counts.loc[c].notna().any()]
    return list(dict.fromkeys(study.region(p)[0] for p in places))


def build(year: int = 2014, out=None, regions=None, executor: str = "local", jobs: int = 2,
          scheduler: str | None = None, scheme: str = "uscmp", progress: bool = False) -> dict:
    """Build the atlas into ``out`` (default ``atlas/``); return the record also written to ``atlas.json``
    (``regions``: built codes, ``failures``: {code: reason}, ``seconds``: total and per stage)."""
    from s3lib.outputs.cards import card_data
    from s3lib.study import Study

    start = time.perf_counter()
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if executor not in ("local", "dask"):
        raise UnknownChoiceError("executor", executor, ["local", "dask"])
    out = Path(out or config.PROJECT_ROOT / "atlas").absolute()
    check_output_dir(out, "--out")
    if out.is_symlink():
        raise UsageError(f"refusing to replace the symbolic link {out}: give the folder itself as --out")
    if out.exists() and not (out / MARKER).exists() and any(out.iterdir()):
        raise UsageError(f"{out} exists and is not an atlas (no {MARKER}); choose another --out")
    from s3lib.data import resolve_places
    from s3lib.runner.params import check_places, check_scheme

    check_scheme(scheme)
    places = resolve_places(regions, level=2) if regions else []  # NUTS0/1 and unknown places refused here
    check_places(places, year)  # before any EU-wide table is computed
    study = Study("sbs", 2, year, scheme)
    codes = _regions(study, places)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out.parent, f".{out.name}.building-pid*-*")  # what a killed build left
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{pid_tag()}", dir=out.parent))
    try:
        (tmp / "cards").mkdir()
        (tmp / "regions").mkdir()
        views, fits, found, failures, drawn = {}, {}, {}, {}, {}
        viewing = [0.0]

        def tasks():  # consumed while the workers draw: the profiles of the next regions are computed meanwhile
            for code in codes:
                began = time.perf_counter()
                try:
                    view = study.at(code)
                    found[code] = _partners(view)   # once: the card names the peers, the page shows them all
                    card = card_data(view, with_competences=False, partners=found[code])
                    fits[code] = card.fit
                    task = CardTask(code, str(tmp / "cards" / f"{code}.png"), card)
                    views[code] = view
                except Exception as exc:  # noqa: BLE001 - one region must not stop the atlas
                    failures[code] = error_line(exc)
                    continue
                finally:
                    viewing[0] += time.perf_counter() - began
                yield task

        computed = time.perf_counter()
        for result in _execute(tasks(), len(codes), jobs, executor, scheduler, progress):
            if result.status == "ok":
                drawn[result.place] = result.seconds
            else:
                failures[result.place] = f"card: {result.error}"
        carded = time.perf_counter()
        search = search_data(study, [c for c in codes if c in drawn])
        cities: dict[str, list[str]] = {}
        for label, _keys, code, rank, *_ in sorted(search["entries"], key=lambda e: -e[3]):
            if rank < _RANK_NUTS3 and len(cities.setdefault(code, [])) < 8:
                cities[code].append(label.rsplit(" (", 1)[0])
        built = {}
        for code in codes:
            if code in drawn:
                try:
                    page = _region_page(views[code], fits[code], cities.get(code, []), found[code], set(drawn))
                except Exception as exc:  # noqa: BLE001 - one region must not stop the atlas
                    failures[code] = f"page: {error_line(exc)}"
                    (tmp / "cards" / f"{code}.png").unlink(missing_ok=True)
                    continue
                (tmp / "regions" / f"{code}.html").write_text(page, encoding="utf-8")
                built[code] = views[code].summary
        names = {code: _region_name(study, code) for code in failures}
        (tmp / "index.html").write_text(_index_page(year, built, failures, names), encoding="utf-8")
        (tmp / "style.css").write_text(STYLE, encoding="utf-8")
        (tmp / "atlas.js").write_text(SEARCH_JS, encoding="utf-8")
        (tmp / "search.js").write_text("window.S3LIB_ATLAS = " + json.dumps(search, ensure_ascii=False,
                                       separators=(",", ":")) + ";\n", encoding="utf-8")
        (tmp / MARKER).write_text("built by s3lib atlas; replaced as a whole by the next build\n", encoding="utf-8")
        end = time.perf_counter()
        record = {"year": year, "scheme": scheme, "regions": sorted(built), "failures": failures,
                  "executor": executor, "jobs": jobs,
                  "seconds": {"total": round(end - start, 2), "study": round(computed - start, 2),
                              "views": round(viewing[0], 2), "views_and_cards": round(carded - computed, 2),
                              "pages": round(end - carded, 2),
                              "card_mean": round(sum(drawn.values()) / max(1, len(drawn)), 3)}}
        (tmp / "atlas.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
        for path in tmp.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        tmp.chmod(0o755)
        swap_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    record["out"] = str(out)
    return record


# ----------------------------------------------------------------------------- command line
def add_parser(subparsers) -> None:
    """Register ``s3lib atlas`` on an argparse sub-parser collection."""
    p = subparsers.add_parser("atlas", help="build the EU atlas: a card and a profile page per NUTS2 region",
                              description="Build offline a card and a one-page profile for every NUTS2 region "
                                          "with business statistics, plus a searchable index.")
    p.add_argument("--year", type=int, default=2014, help="data year (default 2014)")
    p.add_argument("--out", type=Path, metavar="DIR", help="atlas folder, replaced as a whole (default atlas/)")
    p.add_argument("--regions", nargs="+", help="NUTS2 codes, region or city names (default: every region)")
    p.add_argument("--executor", default="local", choices=["local", "dask"], help="where the cards are drawn")
    p.add_argument("--scheduler", help="dask scheduler address (default: a LocalCluster)")
    p.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    record = build(args.year, args.out, args.regions, args.executor, args.jobs, args.scheduler,
                   progress=not args.no_progress)
    sec = record["seconds"]
    n = len(record["regions"])
    print(f"atlas {record['year']}: {n} regions in {record['out']} (open {Path(record['out']) / 'index.html'}); "
          f"{sec['total']:.1f} s, {sec['total'] / max(1, n):.2f} s per region")
    if record["failures"]:
        print(f"{len(record['failures'])} regions not built:", file=sys.stderr)
        for code, reason in sorted(record["failures"].items()):
            print(f"  {code}: {reason}", file=sys.stderr)
        return 1
    return 0
