"""Place changes in the live app as a room sees them: headless Chromium against ``make present``'s Voila server.

Run: ``.venv/bin/python benchmarks/bench_app.py [--rounds 2]``. Needs the ``[site]`` extra and a system chromium.

The app is served on 127.0.0.1 and loaded at 1280 x 720. Each year in use is warmed first (its EU-wide tables are
computed once per server; not what a room waits for twice). Then each place of :data:`PLACES` is typed into the box
and Enter pressed; the clock runs from Enter until the first figure's image has changed (``first``) and until all
three have (``all``). Round 1 draws every place for the first time; later rounds are cached choices (the PNG cache
of the redrawer). Prints p50 and p95 per measure and round in milliseconds.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

PLACES = ["bordeaux", "bilbao", "turin", "bucharest", "porto", "Munich", "Lyon", "Warsaw", "Milan", "Vienna", "Leipzig"]
WARM = ["Stuttgart", "Toulouse"]  # a 2015 place and a 2014 place: both years' tables computed before timing

CHANGED = """before => {
    const src = Array.from(document.querySelectorAll('.s3lib-explorer img')).map(e => e.src);
    return src.length === 3 && src.every(s => s.startsWith('blob:') && !before.includes(s));
}"""
FIRST = "before => document.querySelector('.s3lib-explorer img').src !== before[0]"


def _images(page) -> list[str]:
    return page.eval_on_selector_all(".s3lib-explorer img", "els => els.map(e => e.src)")


def change(page, place: str) -> tuple[float, float]:
    before = _images(page)
    box = page.locator(".s3lib-explorer input[list]")
    box.fill(place)
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(FIRST, arg=before, timeout=120_000, polling=10)
    first = time.perf_counter() - started
    page.wait_for_function(CHANGED, arg=before, timeout=120_000, polling=10)
    return first, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from s3lib.outputs import site
    from s3lib.outputs.app import serve_app

    with serve_app() as base, site.browser(1280, 720) as context:
        page = context.new_page()
        page.goto(base, wait_until="load", timeout=120_000)
        page.wait_for_function("document.querySelectorAll('.s3lib-explorer img[src^=\"blob:\"]').length === 3",
                               timeout=120_000)
        for place in WARM:
            change(page, place)
        for round_ in range(1, args.rounds + 1):
            firsts, alls = [], []
            for place in PLACES:
                first, every = change(page, place)
                firsts.append(first * 1000)
                alls.append(every * 1000)
            for name, values in (("first figure", firsts), ("all figures", alls)):
                p95 = statistics.quantiles(values, n=20)[-1]
                print(f"round {round_} ({'new' if round_ == 1 else 'cached'} choices), {name}: "
                      f"p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, n={len(values)}")


if __name__ == "__main__":
    main()
