"""Throughput and per-task overhead of the runner's executors: local processes vs dask.

    python benchmarks/bench_executors.py [--jobs 2] [--limit N] [--executors local dask] [--json OUT.json]

A trivial notebook (it only reads its ``place`` parameter) runs once for every NUTS 2
region of the EU-27 (``s3lib.data.regions(level=2)``, NUTS 2021, extra-regio ``ZZ``
codes left out) on each executor: ``local`` (a process pool, as ``s3lib run``) and
``dask`` (a LocalCluster of ``jobs`` single-threaded worker processes).

Each executor runs twice: a small batch of ``jobs`` tasks, then the full batch. From the
two wall times:

* marginal wall per task  = (wall_full - wall_small) / (n_full - n_small)
* throughput              = 1 / marginal (tasks per second, all workers together)
* startup                 = wall_small - n_small x marginal (pool or cluster start, warm-up)
* overhead per task       = marginal x jobs - mean in-task seconds (the executor's own cost:
                            scheduling, serialisation, result transport), where in-task
                            seconds are measured inside ``execute_task`` (papermill + HTML export).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from s3lib import data
from s3lib.runner import run as runner

EU27 = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
        "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


def eu_nuts2() -> list[str]:
    regions = data.regions(level=2)
    keep = regions["country"].isin(EU27) & ~regions["code"].str.endswith("ZZ")
    return sorted(regions.loc[keep, "code"])


def trivial_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('place = "DE71"  # NUTS 2 code')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("n = len(place)\nn")]
    nb.metadata["kernelspec"] = {"name": runner.KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def batch(executor: str, codes: list[str], notebook: Path, root: Path, jobs: int) -> dict:
    tasks = [runner.Task(str(notebook), code, {"place": code}, str(root / "reports"), str(root / "figures"))
             for code in codes]
    start = time.perf_counter()
    results = list(runner._execute(tasks, jobs=jobs, progress=False, executor=executor, scheduler=None))
    wall = time.perf_counter() - start
    failed = [f"{r.place}: {r.error}" for r in results if r.status != "ok"]
    return {"n": len(tasks), "wall_s": wall, "in_task_mean_s": statistics.mean(r.seconds for r in results),
            "failed": len(failed), "first_failures": failed[:3]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="only the first N regions (default: all of the EU-27)")
    parser.add_argument("--executors", nargs="+", default=["local", "dask"], choices=["local", "dask"])
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)

    codes = eu_nuts2()[: args.limit]
    small = codes[: args.jobs]
    print(f"{len(codes)} NUTS 2 regions of the EU-27 (NUTS 2021), jobs={args.jobs}, trivial notebook")
    out = {"regions": len(codes), "jobs": args.jobs, "executors": {}}
    with tempfile.TemporaryDirectory(prefix="s3lib-bench-exec-") as tmp:
        tmp = Path(tmp)
        notebook = trivial_notebook(tmp / "01-trivial.ipynb")
        for executor in args.executors:
            first = batch(executor, small, notebook, tmp / f"{executor}-small", args.jobs)
            full = batch(executor, codes, notebook, tmp / f"{executor}-full", args.jobs)
            marginal = (full["wall_s"] - first["wall_s"]) / max(1, full["n"] - first["n"])
            row = {"small": first, "full": full, "marginal_wall_per_task_s": marginal,
                   "throughput_tasks_per_s": 1 / marginal if marginal > 0 else float("nan"),
                   "startup_s": first["wall_s"] - first["n"] * marginal,
                   "overhead_per_task_s": marginal * args.jobs - full["in_task_mean_s"]}
            out["executors"][executor] = row
            print(f"{executor:6s} full: {full['n']} tasks in {full['wall_s']:.1f} s ({full['failed']} failed); "
                  f"throughput {row['throughput_tasks_per_s']:.2f} tasks/s; startup {row['startup_s']:.1f} s; "
                  f"in-task mean {full['in_task_mean_s']:.2f} s; executor overhead {row['overhead_per_task_s']:+.3f} "
                  f"s/task")
            if full["failed"]:
                print("  failures:", *full["first_failures"], sep="\n  ", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
