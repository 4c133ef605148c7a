"""Wall time of the whole EU atlas (``s3lib atlas``): total and per region (issue 13's goal: under 3 minutes).

    python benchmarks/bench_atlas.py [--year 2014] [--jobs 2] [--executor local|dask] [--regions ...]
                                     [--out DIR] [--json OUT.json]

Builds the atlas in a fresh process (``python -m s3lib atlas``, so the time includes the imports, the
study of the year and the worker start-up) into a temporary folder (the real ``atlas/`` is not touched,
unless ``--out`` says so), then prints the total wall time, the time per built region, the stages
recorded in ``atlas.json`` (study: the study of the year and the regions; profiles and cards: every
region's profile computed in the main process while ``--jobs`` processes draw the cards; pages: search
data and HTML) and the size of the atlas.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2014)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--executor", default="local", choices=["local", "dask"])
    parser.add_argument("--regions", nargs="+")
    parser.add_argument("--out", type=Path, help="atlas folder (default: a temporary folder, removed afterwards)")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="s3lib-bench-atlas-") as tmp:
        out = args.out or Path(tmp) / "atlas"
        command = [sys.executable, "-m", "s3lib", "atlas", "--year", str(args.year), "--out", str(out),
                   "--jobs", str(args.jobs), "--executor", args.executor, "--no-progress"]
        if args.regions:
            command += ["--regions", *args.regions]
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if not (out / "atlas.json").exists():
            print(proc.stdout + proc.stderr, file=sys.stderr)
            return 1
        record = json.loads((out / "atlas.json").read_text(encoding="utf-8"))
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        search = (out / "search.js").stat().st_size
    n = len(record["regions"])
    stages = record["seconds"]
    print(f"s3lib atlas {args.year}: {n} regions built, {len(record['failures'])} failed "
          f"({', '.join(sorted(record['failures'])) or 'none'}); executor {args.executor}, {args.jobs} jobs, "
          f"{os.cpu_count()} cores")
    print(f"total wall time {wall:.1f} s (goal < 180 s), {wall / max(1, n):.3f} s per region")
    print(f"stages in the build: study {stages['study']:.1f} s; profiles and cards {stages['views_and_cards']:.1f} s "
          f"(profiles {stages['views']:.1f} s in the main process while {args.jobs} workers draw, "
          f"{stages['card_mean']:.2f} s per card); search data and pages {stages['pages']:.1f} s")
    print(f"atlas size {size / 1e6:.1f} MB, search.js {search / 1e3:.0f} kB")
    if proc.returncode not in (0, 1):
        print(proc.stderr, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({"wall": wall, "per_region": wall / max(1, n), "regions": n,
                                         "failures": record["failures"], "stages": stages, "bytes": size,
                                         "jobs": args.jobs, "executor": args.executor}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
