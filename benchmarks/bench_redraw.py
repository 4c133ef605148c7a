"""Redraw time per figure of the live explorer: the old path against the redrawer, same process.

Run: ``.venv/bin/python benchmarks/bench_redraw.py [--rounds 3] [--places ...]``.

* old: :func:`s3lib.outputs.explorer.figures` (a new pyplot figure per call, constrained layout, the map's
  polygons converted again, PNG at zlib level 6), plus the card as ``s3lib card`` draws it
  (:func:`s3lib.outputs.cards.draw`, 1920 x 1080 PNG);
* new: :class:`s3lib.outputs.app.Redrawer` (persistent Agg figures, recoloured map, PNG at level 1,
  card at 1280 x 720), with its PNG cache off so that every call really draws.

Both paths share the EU-wide tables (the :class:`s3lib.study.Study` cache is warmed first), so the
numbers are the cost of a redraw after the first use of a year and scheme: "data" is the place's
view (new: cached per choice after its first round), each figure its drawing plus PNG encoding.
Rounds interleave old and new per place, so that load spikes on a shared machine hit both alike.
Prints p50 and p95 per figure (milliseconds) and the share of redraws under 250 ms.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

PLACES = ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto", "Munich", "ES21", "ITC11", "Lyon"]


def old_path(place) -> dict:
    import matplotlib.pyplot as plt

    from s3lib.outputs import cards
    from s3lib.outputs.explorer import figures
    from s3lib.study import Study

    out = {name: d.seconds for name, d in figures(place).items()}
    start = time.perf_counter()
    fig = cards.draw(cards.card_data(Study("sbs", 2, 2014).at(place)))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=cards.DPI)
    out["card"] = time.perf_counter() - start
    plt.close("all")
    return out


def percentile(values, q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--places", nargs="+", default=PLACES)
    args = parser.parse_args(argv)

    from s3lib.outputs.app import FIGURES, Redrawer

    start = time.perf_counter()
    new = Redrawer(cache=0)
    new.draw(args.places[0])
    old_path(args.places[0])
    print(f"warm-up (EU-wide tables, geometries, fonts): {time.perf_counter() - start:.1f} s")

    times = {"old": {}, "new": {}}
    for _ in range(args.rounds):
        for place in args.places:
            for name, seconds in old_path(place).items():
                times["old"].setdefault(name, []).append(seconds)
            for name, drawn in new.draw(place).items():
                times["new"].setdefault(name, []).append(drawn.seconds)

    n = args.rounds * len(args.places)
    print(f"\nredraw time per figure, {n} redraws each ({len(args.places)} places x {args.rounds} rounds), ms")
    print(f"{'figure':<10}{'old p50':>9}{'old p95':>9}{'new p50':>9}{'new p95':>9}{'new <250ms':>12}")
    for name in ("data", *FIGURES):
        old, fresh = times["old"].get(name, []), times["new"][name]
        cols = [f"{1000 * percentile(v, q):9.0f}" if v else f"{'-':>9}" for v in (old, fresh) for q in (0.5, 0.95)]
        under = sum(s < 0.25 for s in fresh) / len(fresh)
        print(f"{name:<10}{''.join(cols)}{under:11.0%}")
    old_total = [sum(t) for t in zip(*(times["old"][k] for k in ("clusters", "map")))]
    new_total = [sum(t) for t in zip(*(times["new"][k] for k in ("clusters", "map")))]
    print(f"{'2 figures':<10}{1000 * statistics.median(old_total):9.0f}{1000 * percentile(old_total, 0.95):9.0f}"
          f"{1000 * statistics.median(new_total):9.0f}{1000 * percentile(new_total, 0.95):9.0f}"
          "   (clusters + map, the two figures of the old explorer)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
