"""Run the notebook suite: notebooks x places with papermill, in parallel processes.

``s3lib run --places frankfurt bordeaux --notebooks 01 02 --jobs 2``

* Notebooks are ``notebooks/NN-name.ipynb``. A notebook whose metadata says
  ``{"s3lib": {"scope": "suite"}}`` runs once for the whole list of places (it
  receives ``places``); the others run once per place (they receive ``place``).
* Parameters reach papermill as typed Python values: the command line (``place``,
  ``places``, ``year``), then a YAML file (``--params``) with top-level values for
  every notebook and a ``notebooks:`` mapping of per-notebook overrides. Only the
  names a notebook declares in its ``parameters`` cell are passed.
* The kernel is pinned (``python3``), the working directory is ``notebooks/``,
  figures go to ``figures/<place>/<notebook>-<figure>.png`` and executed notebooks to
  ``reports/<place>/<notebook>.ipynb`` plus a self-contained ``.html``.
* Every place is resolved before anything runs: an unknown place or a NUTS0/NUTS1 region
  (``--places DE7``) is refused with exit code 2, naming the NUTS2 regions it contains.
* A failing notebook (or place) does not stop the others; its partial output is kept as
  ``<notebook>.FAILED.ipynb`` (never under the name of a complete run), the summary
  names it and the exit code is 1.
* A task whose inputs (notebook, parameters, data manifest, s3lib source) are
  unchanged since its last success is skipped unless ``force=True``.
* Each process keeps one kernel and resets it between notebooks (:mod:`s3lib.runner.kernels`);
  ``fresh_kernels=True`` (``--fresh-kernels``) starts one per notebook. The longest
  notebooks start first.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from s3lib import config
from s3lib.atomic import atomic_write, sibling
from s3lib.errors import UnknownChoiceError, UsageError, error_line
from s3lib.runner.export import export_html
from s3lib.runner.tasks import KERNEL, SUITE_KEY, Outcome, Task, progress_bar

__all__ = ["discover", "execute_task", "main", "plan", "run", "summary_table"]

#: Seconds a kernel may take to start and one cell to run (the slowest cell takes ~15 s
#: here): a lost kernel message becomes an error instead of a run that hangs forever.
START_TIMEOUT, CELL_TIMEOUT = 120, 240
#: Times a notebook is started again, in a new kernel, after its kernel stopped answering
#: (a timeout or a dead kernel; seen rarely: the kernel idle, the client still waiting for
#: its reply). An error raised by the notebook's own code is never retried.
KERNEL_RETRIES = 1
STATE_FILE = ".runstate.json"


# ----------------------------------------------------------------------------- discovery
def discover(notebooks_dir: Path | None = None) -> dict[str, Path]:
    """The template notebooks by name (``"01-cluster-structure"``), sorted."""
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    return {p.stem: p for p in sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb"))}


#: The year the notebooks' parameter cells default to; ``--year`` with another year writes its reports
#: and figures under ``reports/<year>/`` and ``figures/<year>/`` instead.
NOTEBOOK_YEAR = 2014


def _notebook_info(path: Path) -> tuple[str, set[str], list[str] | None]:
    """(scope, declared parameter names, countries or None) of a template notebook, without papermill.

    ``countries`` in the notebook's ``s3lib`` metadata limits it to NUTS3 places of those countries
    (the German occupation notebook 06); other places skip it.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("s3lib", {})
    scope, countries = meta.get("scope", "place"), meta.get("countries")
    names: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for node in ast.parse(source).body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            break
    return scope, names, countries


def _select(notebooks: Sequence[str] | None, available: dict[str, Path]) -> list[Path]:
    if not notebooks:
        return list(available.values())
    chosen = []
    for wanted in notebooks:
        hits = [p for name, p in available.items() if name == wanted or name.split("-", 1)[0] == wanted]
        if not hits:
            raise UnknownChoiceError("notebook", wanted, list(available))
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


def _load_params(path: str | os.PathLike | None) -> dict:
    if not path:
        return {}
    import yaml

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"parameter file {str(path)!r} not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"parameter file {str(path)!r} is not valid YAML: {exc}".splitlines()[0]) from None
    if not isinstance(data, dict):
        raise UsageError(f"parameter file {str(path)!r} must hold a mapping of names to values")
    return data


# ----------------------------------------------------------------------------- fingerprints
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _code_fingerprint() -> str:
    """The s3lib version plus a hash of its source and of the data manifest."""
    import s3lib

    h = hashlib.sha256(s3lib.__version__.encode())
    package = Path(s3lib.__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    from s3lib.data._store import data_dir

    manifest = data_dir() / "manifest.json"
    h.update(manifest.read_bytes() if manifest.exists() else b"no-manifest")
    return h.hexdigest()


def _task_fingerprint(notebook: Path, parameters: dict, code: str) -> str:
    payload = json.dumps(parameters, sort_keys=True, default=str).encode()
    return _sha(notebook.read_bytes() + b"\0" + payload + b"\0" + code.encode())


# ----------------------------------------------------------------------------- planning
def plan(places: Sequence[str], notebooks: Sequence[str] | None = None, year: int | None = None,
         params_file: str | os.PathLike | None = None, reports_dir: Path | None = None,
         figures_dir: Path | None = None, notebooks_dir: Path | None = None) -> list[Task]:
    """Validate the request and list the tasks, without executing anything.

    Raises :class:`~s3lib.errors.UsageError` (exit code 2 on the command line) for an
    unknown place, notebook or year, or a bad parameter file, before any file is written.
    """
    from s3lib import data

    if not places:
        raise UsageError("no places given; e.g. --places frankfurt bordeaux")
    from s3lib.data import resolve_places

    # unknown places and NUTS0/1 regions (with the NUTS2 regions they contain): refused before anything runs
    resolved = resolve_places(places, level=2)
    if year is not None:  # the business statistics' years bound every notebook's year
        data.employment(level=0, year=year)
    params = _load_params(params_file)
    per_notebook = params.pop("notebooks", {}) or {}
    available = discover(notebooks_dir)
    if not available:
        raise UsageError(f"no notebooks found in {notebooks_dir or config.NOTEBOOKS_DIR}")
    for name in per_notebook:
        _select([name], available)
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    figures_dir = Path(figures_dir or config.FIGURES_DIR)
    if year is not None and int(year) != NOTEBOOK_YEAR:  # never overwrite the default year's outputs
        reports_dir, figures_dir = reports_dir / str(int(year)), figures_dir / str(int(year))
    code = _code_fingerprint()
    keys = list(dict.fromkeys(p.key for p in resolved))

    tasks = []
    for path in _select(notebooks, available):
        scope, declared, countries = _notebook_info(path)
        overrides = {}
        for name, values in per_notebook.items():
            if path.stem == name or path.stem.split("-", 1)[0] == str(name):
                overrides.update(values or {})
        targets = [SUITE_KEY] if scope == "suite" else keys
        if countries:  # own data and years (the occupation notebook): the year of the suite is not passed
            targets = [p.key for p in resolved if p.country in countries and p.level == 3]
        for key in targets:
            values = {**params, **overrides}
            values.update({"places": keys} if scope == "suite" else {"place": key})
            values["figures_dir"] = str(figures_dir)  # where the notebook saves its figures (plots.saver)
            if year is not None and not countries:
                values["year"] = year
            values = {k: v for k, v in values.items() if k in declared}
            tasks.append(Task(str(path), key, values, str(reports_dir), str(figures_dir),
                              _task_fingerprint(path, values, code)))
    return tasks


# ----------------------------------------------------------------------------- execution
def execute_task(task: Task) -> Outcome:
    """Execute one task with papermill and export HTML; never raises.

    Top-level and picklable, so any executor (processes, dask) can run it.
    """
    start = time.perf_counter()
    out = task.output
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = sibling(out, ".running.ipynb")  # created exclusively (mkstemp): the one atomic-write mechanism
    failed = out.with_name(f"{out.stem}.FAILED.ipynb")
    os.environ.pop("MPLBACKEND", None)  # the kernel then uses its inline backend: figures show in reports
    try:
        options = dict(kernel_name=KERNEL, progress_bar=False, log_output=False, start_timeout=START_TIMEOUT,
                       execution_timeout=CELL_TIMEOUT,
                       request_save_on_cell_execute=False)  # written once at the end (also on failure)
        for attempt in range(KERNEL_RETRIES + 1):
            try:
                _execute_notebook(task, tmp, options)
                break
            except Exception as exc:
                if attempt == KERNEL_RETRIES or not _kernel_lost(exc):
                    raise
                if task.reuse_kernel:
                    from s3lib.runner import kernels as _kernels

                    _kernels.discard()
        html = export_html(tmp)
        with atomic_write(out.with_suffix(".html")) as page:
            page.write_text(html, encoding="utf-8")
        os.replace(tmp, out)
        failed.unlink(missing_ok=True)
        return Outcome(task.name, task.place, "ok", time.perf_counter() - start, str(out),
                      fingerprint=task.fingerprint)
    except Exception as exc:  # noqa: BLE001 - a failing notebook must not stop the suite
        if task.reuse_kernel:  # its state is unknown: the next notebook gets a new kernel
            from s3lib.runner import kernels as _kernels

            _kernels.discard()
        if tmp.exists() and tmp.stat().st_size:
            os.replace(tmp, failed)
        out.unlink(missing_ok=True)
        out.with_suffix(".html").unlink(missing_ok=True)
        message = error_line(exc)
        return Outcome(task.name, task.place, "failed", time.perf_counter() - start,
                      str(failed if failed.exists() else ""), error=message)
    finally:
        tmp.unlink(missing_ok=True)


def _execute_notebook(task: Task, output: Path, options: dict) -> None:
    cwd = str(Path(task.notebook).parent)
    if task.reuse_kernel:
        from s3lib.runner import kernels as _kernels

        _kernels.execute(task.notebook, str(output), task.parameters, cwd, {}, **options)
        return
    import papermill

    with tempfile.TemporaryDirectory(prefix="s3lib-kernel-") as sockets:
        papermill.execute_notebook(task.notebook, str(output), parameters=task.parameters, cwd=cwd,
                                   **options, **_kernel_transport(sockets))


def _kernel_lost(exc: Exception) -> bool:
    """True when the kernel stopped answering (timeout, dead kernel, no reply at start),
    not when the notebook's own code raised (papermill's PapermillExecutionError)."""
    if getattr(exc, "ename", None):
        return False
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    return isinstance(exc, (CellTimeoutError, DeadKernelError, TimeoutError)) or (
        isinstance(exc, RuntimeError) and "kernel" in str(exc).lower())


def _kernel_transport(folder: str) -> dict:
    """Kernel sockets as Unix domain sockets in ``folder`` (POSIX), not TCP ports.

    Parallel kernels picking TCP ports can collide; the kernel then dies at start and
    its client blocks forever in ``kernel_info`` (seen once in ~250 starts on 2 cores).
    """
    if os.name != "posix":
        return {}
    from traitlets.config import Config

    return {"config": Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})}


def _load_state(reports_dir: Path) -> dict:
    path = reports_dir / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_state(reports_dir: Path, state: dict) -> None:
    with atomic_write(reports_dir / STATE_FILE) as tmp:
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")


def _state_key(task: Task) -> str:
    year = task.parameters.get("year")
    return f"{task.place}/{task.name}" + ("" if year in (None, NOTEBOOK_YEAR) else f"@{year}")


def run(places: Sequence[str], notebooks: Sequence[str] | None = None, year: int | None = None,
        params_file=None, jobs: int = 2, force: bool = False, reports_dir: Path | None = None,
        figures_dir: Path | None = None, notebooks_dir: Path | None = None, progress: bool = True,
        executor: str = "local", scheduler: str | None = None, fresh_kernels: bool = False) -> list[Outcome]:
    """Plan, skip what is up to date, execute the rest in parallel; return one Outcome per task.

    With the local executor each process reuses one kernel, reset between notebooks
    (:mod:`s3lib.runner.kernels`); ``fresh_kernels=True`` starts a kernel per notebook. Dask
    workers always start a kernel per notebook (they outlive the run).
    """
    tasks = plan(places, notebooks, year, params_file, reports_dir, figures_dir, notebooks_dir)
    if executor == "local" and not fresh_kernels:
        tasks = [dataclasses.replace(t, reuse_kernel=True) for t in tasks]
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    state = _load_state(reports_dir)
    results: list[Outcome] = []
    todo = []
    for task in tasks:
        previous = state.get(_state_key(task), {})
        if not force and previous.get("fingerprint") == task.fingerprint and task.output.exists():
            results.append(Outcome(task.name, task.place, "skipped", 0.0, str(task.output),
                                  fingerprint=task.fingerprint))
        else:
            todo.append(task)
    # Longest first, so that no long notebook starts last while the other processes have
    # nothing left to do: by the last recorded time, else suite-wide notebooks first, then by
    # the number of figures the notebook saves (figures are most of a notebook's time).
    figures = {t.notebook: Path(t.notebook).read_text(encoding="utf-8").count("plots.save(") for t in todo}
    todo.sort(key=lambda t: (-state.get(_state_key(t), {}).get("seconds", float("inf")), t.place != SUITE_KEY,
                             -figures[t.notebook]))
    for result in _execute(todo, jobs=jobs, progress=progress, executor=executor, scheduler=scheduler):
        results.append(result)
        key = f"{result.place}/{result.notebook}"
        if result.status == "ok":
            state[key] = {"fingerprint": result.fingerprint, "output": result.output,
                          "seconds": round(result.seconds, 2), "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
        else:
            state.pop(key, None)
        _save_state(reports_dir, state)
    order = {_state_key(t): i for i, t in enumerate(tasks)}
    results.sort(key=lambda r: order.get(f"{r.place}/{r.notebook}", 0))
    return results


def _execute(tasks: list[Task], jobs: int, progress: bool, executor: str, scheduler: str | None):
    if not tasks:
        return
    if executor == "dask":
        from s3lib.runner.dask_executor import execute as dask_execute

        yield from dask_execute(tasks, execute_task, scheduler=scheduler, jobs=jobs, progress=progress)
        return
    if executor != "local":
        raise UnknownChoiceError("executor", executor, ["local", "dask"])
    bar = progress_bar(len(tasks), progress)
    if jobs <= 1 or len(tasks) == 1:
        try:
            for task in tasks:
                result = execute_task(task)
                bar.update(1)
                yield result
        finally:
            from s3lib.runner import kernels as _kernels

            _kernels.discard()
        bar.close()
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "forkserver")
    if context.get_start_method() == "forkserver":  # workers fork with papermill imported already
        context.set_forkserver_preload(["s3lib.runner.worker_preload"])
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context,
                             initializer=_warm_worker) as pool:
        futures = [pool.submit(execute_task, task) for task in tasks]
        for future in as_completed(futures):
            bar.update(1)
            yield future.result()
    bar.close()


def _warm_worker() -> None:
    """Import papermill and nbconvert once per worker process, not once per task (a no-op
    when the forkserver has imported them already)."""
    import s3lib.runner.worker_preload  # noqa: F401


# ----------------------------------------------------------------------------- reporting
def summary_table(results: Iterable[Outcome]) -> str:
    """A plain-text table: notebook, place, status, seconds, output (or the error)."""
    rows = [("notebook", "place", "status", "seconds", "output")]
    root = config.PROJECT_ROOT
    for r in results:
        shown = r.output
        try:
            shown = str(Path(r.output).resolve().relative_to(root)) if r.output else ""
        except ValueError:
            pass
        if r.error:
            shown = f"{shown}  <- {r.error}" if shown else r.error
        rows.append((r.notebook, r.place, r.status, f"{r.seconds:.1f}", shown))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4] for row in rows]
    lines.insert(1, "-" * min(120, max(len(line) for line in lines)))
    return "\n".join(lines)


def add_parser(subparsers) -> None:
    """Register ``s3lib run`` on an argparse sub-parser collection."""
    p = subparsers.add_parser("run", help="execute the notebook suite for places (papermill, parallel)",
                              description="Execute notebooks x places; skip what is unchanged.")
    p.add_argument("--places", nargs="+",
                   help="place names or NUTS codes (default: the case places of data/places.csv)")
    p.add_argument("--notebooks", nargs="+", help="notebook names or numbers (default: all)")
    p.add_argument("--year", type=int, help="the analysis year passed to every notebook")
    p.add_argument("--params", metavar="FILE.yaml", help="typed parameters; per-notebook under 'notebooks:'")
    p.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    p.add_argument("--force", action="store_true", help="re-run even when inputs are unchanged")
    p.add_argument("--fresh-kernels", action="store_true",
                   help="start a kernel per notebook instead of reusing one per process (reset in between)")
    p.add_argument("--executor", default="local", choices=["local", "dask"], help="where tasks run")
    p.add_argument("--scheduler", help="dask scheduler address (default: a LocalCluster)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    from s3lib import data

    places = args.places or list(data.places().index)
    results = run(places, args.notebooks, args.year, args.params, jobs=args.jobs, force=args.force,
                  progress=not args.no_progress, executor=args.executor, scheduler=args.scheduler,
                  fresh_kernels=args.fresh_kernels)
    print(summary_table(results))
    failed = [r for r in results if r.status == "failed"]
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "skipped", "failed")}
    print(f"{counts['ok']} ran, {counts['skipped']} unchanged (skipped), {counts['failed']} failed")
    if failed:
        print("failed: " + ", ".join(f"{r.notebook} [{r.place}]" for r in failed), file=sys.stderr)
        for r in failed:
            print(f"  {r.notebook} [{r.place}]: {r.error}", file=sys.stderr)
        return 1
    return 0
