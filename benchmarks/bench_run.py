"""Wall time of ``s3lib run`` against the per-execution floor (issue 4's targets).

    python benchmarks/bench_run.py [--places ...] [--jobs 2] [--repeats 3] [--json OUT.json]

Measures, with a warm environment (installed venv, warm caches) and on whatever
notebooks are in ``notebooks/``:

1. the **floor** of one execution: a kernel start plus the imports the notebooks
   do (their top-level ``import`` lines, collected from their code cells), run by
   papermill in a process where papermill is already imported; fastest of repeats;
2. the **full suite**: ``s3lib run --force`` for the places, in a subprocess, into
   temporary ``reports/`` and ``figures/`` (the real ones are not touched);
3. the **unchanged re-run**: the same command again, nothing changed (target < 3 s);
4. with ``--fresh``, the full suite again with ``--fresh-kernels`` (a kernel per notebook).

It prints ``full / (floor x executions / jobs)``; the target is <= 1.5.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from s3lib import config
from s3lib.runner import run as runner

CASE_PLACES = ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"]
DEFAULT_IMPORTS = ["import pandas", "import geopandas", "import matplotlib.pyplot", "import s3lib"]


def notebook_imports(paths) -> list[str]:
    """The distinct top-level import statements of the notebooks' code cells, in first-seen order."""
    found: dict[str, None] = {}
    for path in paths:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)) and not getattr(node, "level", 0):
                    found.setdefault(ast.unparse(node))
    return list(found) or DEFAULT_IMPORTS


def floor_seconds(imports: list[str], repeats: int, workdir: Path) -> list[float]:
    """Seconds of papermill executing a notebook that only does ``imports`` (kernel start included)."""
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("\n".join(imports))]
    nb.metadata["kernelspec"] = {"name": runner.KERNEL, "display_name": "Python 3", "language": "python"}
    src = workdir / "floor.ipynb"
    nbformat.write(nb, str(src))
    os.environ.pop("MPLBACKEND", None)  # as the runner: the kernel uses its inline backend
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="s3lib-kernel-") as sockets:  # IPC, as the runner
            start = time.perf_counter()
            papermill.execute_notebook(str(src), str(workdir / "floor.out.ipynb"), kernel_name=runner.KERNEL,
                                       cwd=str(config.NOTEBOOKS_DIR), progress_bar=False,
                                       **runner._kernel_transport(sockets))
            times.append(time.perf_counter() - start)
    return times


def timed_run(places, notebooks, jobs: int, force: bool, env: dict,
              fresh: bool = False) -> tuple[float, subprocess.CompletedProcess]:
    cmd = [sys.executable, "-m", "s3lib", "run", "--places", *places, "--jobs", str(jobs), "--no-progress"]
    cmd += ["--notebooks", *notebooks] if notebooks else []
    cmd += ["--fresh-kernels"] if fresh else []
    start = time.perf_counter()
    proc = subprocess.run(cmd + (["--force"] if force else []), env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", nargs="+", default=CASE_PLACES)
    parser.add_argument("--notebooks", nargs="+", help="notebook names or numbers (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5, help="floor measurements (the fastest is used)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--fresh", action="store_true",
                        help="also time the suite with --fresh-kernels (a kernel per notebook)")
    args = parser.parse_args(argv)

    notebooks = runner.discover()
    if not notebooks:
        print(f"no notebooks in {config.NOTEBOOKS_DIR}: nothing to benchmark", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="s3lib-bench-run-") as tmp:
        tmp = Path(tmp)
        reports, figures = tmp / "reports", tmp / "figures"
        tasks = runner.plan(args.places, args.notebooks, reports_dir=reports, figures_dir=figures)
        imports = notebook_imports(sorted({Path(t.notebook) for t in tasks}))
        floors = floor_seconds(imports, args.repeats, tmp)
        floor = min(floors)  # the floor is the best case; a slow repeat is the machine, not the floor

        env = {**os.environ, "S3LIB_REPORTS_DIR": str(reports), "S3LIB_FIGURES_DIR": str(figures),
               "S3LIB_CARDS_DIR": str(figures / "cards")}
        full, proc = timed_run(args.places, args.notebooks, args.jobs, True, env)
        rerun, proc2 = timed_run(args.places, args.notebooks, args.jobs, False, env)
        fresh = timed_run(args.places, args.notebooks, args.jobs, True, env, fresh=True)[0] if args.fresh else None
        state = json.loads((reports / runner.STATE_FILE).read_text()) if (reports / runner.STATE_FILE).exists() else {}

    executions = len(tasks)
    ideal = floor * executions / args.jobs
    ratio = full / ideal
    per_task = sorted(((v.get("seconds", 0.0), k) for k, v in state.items()), reverse=True)
    print(f"notebooks: {', '.join(dict.fromkeys(t.name for t in tasks))}; places: {', '.join(args.places)}")
    print(f"executions: {executions} (jobs {args.jobs}); floor imports: {'; '.join(imports)}")
    print(f"floor (kernel start + imports): fastest {floor:.2f} s of {', '.join(f'{t:.2f}' for t in floors)}")
    print(f"full suite (s3lib run --force):  {full:.1f} s, exit {proc.returncode}")
    print(f"ideal = floor x executions / jobs = {floor:.2f} x {executions} / {args.jobs} = {ideal:.1f} s")
    print(f"ratio full / ideal = {ratio:.2f}  (target <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'})")
    counts = (proc2.stdout.strip().splitlines() or ["no output"])[-1]  # "N ran, M unchanged (skipped), K failed"
    print(f"unchanged re-run: {rerun:.2f} s, exit {proc2.returncode}, {counts}  "
          f"(target < 3 s: {'met' if rerun < 3 else 'NOT met'})")
    if fresh is not None:
        print(f"full suite with --fresh-kernels: {fresh:.1f} s, ratio {fresh / ideal:.2f}")
    if per_task:
        print("slowest executions (s, in the runner):", ", ".join(f"{k} {s:.1f}" for s, k in per_task[:6]))
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-2000:], sep="\n", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({
            "notebooks": list(dict.fromkeys(t.name for t in tasks)), "places": args.places, "jobs": args.jobs, "executions": executions,
            "floor_s": floors, "full_s": full, "ideal_s": ideal, "ratio": ratio, "rerun_s": rerun,
            "full_exit": proc.returncode, "rerun_exit": proc2.returncode, "per_task_s": {k: s for s, k in per_task},
            "fresh_kernels_s": fresh,
        }, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
