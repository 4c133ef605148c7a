"""Run the notebook suite: notebooks x places with papermill, in parallel processes.

``s3lib run --places frankfurt bordeaux --notebooks 01 02 --jobs 2``

* Notebooks are ``notebooks/NN-name.ipynb``. A notebook whose metadata says
  ``{"s3lib": {"scope": "suite"}}`` runs once for the whole list of places (it
  receives ``places``); the others run once per place (they receive ``place``).
* Parameters reach papermill as typed Python values: the command line (``place``,
  ``places``, ``year``, ``scheme``), then a YAML file (``--params``) with top-level values for
  every notebook and a ``notebooks:`` mapping of per-notebook overrides. Only the
  names a notebook declares in its ``parameters`` cell are passed. Flags and file go through
  the same checks before any kernel starts (:mod:`s3lib.runner.params`): an unknown key, a value
  of the wrong type, a year without data for a place or an unknown scheme is exit code 2.
* The kernel is pinned (``python3``), the working directory is ``notebooks/``,
  figures go to ``figures/<place>/<notebook>-<figure>.png`` and executed notebooks to
  ``reports/<place>/<notebook>.ipynb`` plus a self-contained ``.html``; a year or a scheme other
  than the notebook's default goes one folder down (``reports/2012/``, ``reports/scheme-colocation/``),
  never over the default outputs. No write follows a symbolic link below those folders.
* Every place is resolved before anything runs: an unknown place or a NUTS0/NUTS1 region
  (``--places DE7``) is refused with exit code 2, naming the NUTS2 regions it contains.
* A failing notebook (or place) does not stop the others; its partial output is kept as
  ``<notebook>.FAILED.ipynb`` beside the last good report (which stays), the summary
  names it and the exit code is 1. Ctrl-C ends the workers and their kernels (exit code 130);
  what a killed run left (hidden ``.running`` files, kernel folders) is removed by the next run.
* A task whose inputs (notebook, parameters, data manifest, s3lib source) are
  unchanged since its last success is skipped unless ``force=True``; the run state is keyed
  by the output path, so another year or scheme has its own.
* Each process keeps one kernel and resets it between notebooks (:mod:`s3lib.runner.kernels`);
  ``fresh_kernels=True`` (``--fresh-kernels``) starts one per notebook. The longest
  notebooks start first.
"""
from __future__ import annotations

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
from s3lib.atomic import atomic_write, check_output_dir, clean_leftovers, pid_tag, refuse_links, sibling
from s3lib.errors import UnknownChoiceError, UsageError, error_line
from s3lib.processes import stop_pool, worker_init
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


def _notebook_info(path: Path) -> tuple[str, list[str] | None]:
    """(scope, countries or None) of a template notebook, from its ``s3lib`` metadata.

    ``countries`` limits it to NUTS3 places of those countries (the German occupation notebook 06), which
    has its own data and years: the suite's year is not passed to it; other places skip it.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("s3lib", {})
    return meta.get("scope", "place"), meta.get("countries")


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


def output_dirs(reports_dir: Path, figures_dir: Path, declared: dict, values: dict) -> tuple[Path, Path]:
    """Where a task writes: ``reports/`` and ``figures/``, or below them ``<year>/`` and ``scheme-<name>/``
    when the year or the scheme is not the notebook's default, however it was given (flag or file), so that a
    run for another year or scheme never overwrites the default outputs."""
    parts = []
    if "year" in declared and values.get("year", declared["year"][1]) != declared["year"][1]:
        parts.append(str(values["year"]))
    if "scheme" in declared:
        chosen, default = str(values.get("scheme", declared["scheme"][1])), str(declared["scheme"][1])
        if chosen.lower() != default.lower():
            parts.append("scheme-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(chosen).stem)[:40])
    return Path(reports_dir, *parts), Path(figures_dir, *parts)


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
         figures_dir: Path | None = None, notebooks_dir: Path | None = None, scheme: str | None = None,
         suite: bool = True) -> list[Task]:
    """Validate the request and list the tasks, without executing anything.

    Raises :class:`~s3lib.errors.UsageError` (exit code 2 on the command line) for an unknown place or
    notebook, a place without data, a year without data for a place, an unknown scheme, or a bad parameter
    file (unknown key, wrong type: :mod:`s3lib.runner.params`), before any file is written. ``suite=False``
    leaves out the notebooks that cover all places at once (00, 05): a run for one place (``make slides``)
    then never rewrites the comparison of the case places in ``reports/compare``.
    """
    from s3lib.data import resolve_places
    from s3lib.runner import params as checks

    if not places:
        raise UsageError("no places given; e.g. --places frankfurt bordeaux")
    # unknown places and NUTS0/1 regions (with the NUTS2 regions they contain): refused before anything runs
    resolved = resolve_places(places, level=2)
    checks.check_places(resolved)
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise UsageError(f"year must be an integer such as 2014, not {year!r}")
    where = f"parameter file {Path(params_file).name!r}" if params_file else "parameters"
    top = checks.load(params_file)
    per_notebook = checks.normalise_notebook_keys(top.pop("notebooks", None), where)
    available = discover(notebooks_dir)
    if not available:
        raise UsageError(f"no notebooks found in {notebooks_dir or config.NOTEBOOKS_DIR}")
    declared = {name: checks.declared(path) for name, path in available.items()}
    checks.check_values(top, {k: v for d in declared.values() for k, v in d.items()}, where)
    for name, values in per_notebook.items():
        for path in _select([name], available):
            checks.check_values(values, declared[path.stem], f"{where}, notebooks.{name}")
    if year is not None:
        top["year"] = year  # the flags win over the file
    if scheme is not None:
        top["scheme"] = scheme
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    figures_dir = Path(figures_dir or config.FIGURES_DIR)
    check_output_dir(reports_dir, "reports folder (S3LIB_REPORTS_DIR)")
    check_output_dir(figures_dir, "figures folder (S3LIB_FIGURES_DIR)")
    code = _code_fingerprint()
    keys = list(dict.fromkeys(p.key for p in resolved))

    tasks, checked = [], set()
    for path in _select(notebooks, available):
        scope, countries = _notebook_info(path)
        if scope == "suite" and not suite:
            continue
        mine = declared[path.stem]
        values = {k: v for k, v in top.items() if not (countries and k == "year")}
        for name, overrides in per_notebook.items():
            if path.stem == name or path.stem.split("-", 1)[0] == name:
                values.update(overrides)
        values = {k: v for k, v in values.items() if k in mine}
        targets = [SUITE_KEY] if scope == "suite" else keys
        if countries:  # own data and years (the occupation notebook)
            targets = [p.key for p in resolved if p.country in countries and p.level == 3]
        if not targets:
            continue
        chosen_year = values.get("year")
        if chosen_year is not None and not countries and ("year", chosen_year) not in checked:
            if chosen_year != 0 or mine["year"][1] != 0:  # 0: each place's latest full year
                checks.check_places(resolved, chosen_year)
            checked.add(("year", chosen_year))
        if "scheme" in values:
            checks.check_scheme(values["scheme"])
            if Path(str(values["scheme"])).suffix.lower() in (".csv", ".yaml", ".yml"):
                values["scheme"] = str(Path(values["scheme"]).resolve())  # the kernel runs in notebooks/
        task_reports, task_figures = output_dirs(reports_dir, figures_dir, mine, values)
        for key in targets:
            task_values = {**values, **({"places": keys} if scope == "suite" else {"place": key})}
            task_values["figures_dir"] = str(task_figures)  # where the notebook saves its figures (plots.saver)
            task_values = {k: v for k, v in task_values.items() if k in mine}
            task = Task(str(path), key, task_values, str(task_reports), str(task_figures),
                        _task_fingerprint(path, task_values, code))
            refuse_links(task.output, reports_dir)
            refuse_links(Path(task_figures) / key, figures_dir)
            tasks.append(task)
    return tasks


# ----------------------------------------------------------------------------- execution
def execute_task(task: Task) -> Outcome:
    """Execute one task with papermill and export HTML; never raises.

    A failure keeps the last good report and its HTML under their names and writes the failed execution
    beside them as ``<notebook>.FAILED.ipynb``. Top-level and picklable, so any executor (processes, dask)
    can run it.
    """
    start = time.perf_counter()
    out = task.output
    failed = out.with_name(f"{out.stem}.FAILED.ipynb")
    tmp = None
    os.environ.pop("MPLBACKEND", None)  # the kernel then uses its inline backend: figures show in reports
    try:
        refuse_links(out, Path(task.reports_dir))  # checked in plan() too, from the reports folder down
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = sibling(out, ".running.ipynb")  # created exclusively (mkstemp): the one atomic-write mechanism
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
        if tmp is not None and tmp.exists() and tmp.stat().st_size:
            os.replace(tmp, failed)
        message = error_line(exc)
        return Outcome(task.name, task.place, "failed", time.perf_counter() - start,
                      str(failed if failed.exists() else ""), error=message)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _execute_notebook(task: Task, output: Path, options: dict) -> None:
    cwd = str(Path(task.notebook).parent)
    if task.reuse_kernel:
        from s3lib.runner import kernels as _kernels

        _kernels.execute(task.notebook, str(output), task.parameters, cwd, {}, **options)
        return
    import papermill

    with tempfile.TemporaryDirectory(prefix=f"s3lib-kernel-{pid_tag()}") as sockets:
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


def _state_key(task: Task, reports_dir: Path) -> str:
    """The run state's key of a task: its output path below the reports folder (``2012/bordeaux/01-...``), so
    everything that decides an output (place, notebook, year, scheme) keys its state."""
    return Path(os.path.relpath(task.output, reports_dir)).as_posix()


def run(places: Sequence[str], notebooks: Sequence[str] | None = None, year: int | None = None,
        params_file=None, jobs: int = 2, force: bool = False, reports_dir: Path | None = None,
        figures_dir: Path | None = None, notebooks_dir: Path | None = None, progress: bool = True,
        executor: str = "local", scheduler: str | None = None, fresh_kernels: bool = False,
        scheme: str | None = None, suite: bool = True) -> list[Outcome]:
    """Plan, skip what is up to date, execute the rest in parallel; return one Outcome per task.

    With the local executor each process reuses one kernel, reset between notebooks
    (:mod:`s3lib.runner.kernels`); ``fresh_kernels=True`` starts a kernel per notebook. Dask
    workers always start a kernel per notebook (they outlive the run).
    """
    tasks = plan(places, notebooks, year, params_file, reports_dir, figures_dir, notebooks_dir, scheme, suite)
    if executor == "local" and not fresh_kernels:
        tasks = [dataclasses.replace(t, reuse_kernel=True) for t in tasks]
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    _clean_leftovers(tasks)
    state = _load_state(reports_dir)
    key_of = {(t.name, t.place): _state_key(t, reports_dir) for t in tasks}
    results: list[Outcome] = []
    todo = []
    for task in tasks:
        previous = state.get(key_of[task.name, task.place], {})
        if not force and previous.get("fingerprint") == task.fingerprint and task.output.exists():
            results.append(Outcome(task.name, task.place, "skipped", 0.0, str(task.output),
                                  fingerprint=task.fingerprint))
        else:
            todo.append(task)
    # Longest first, so that no long notebook starts last while the other processes have
    # nothing left to do: by the last recorded time, else suite-wide notebooks first, then by
    # the number of figures the notebook saves (figures are most of a notebook's time).
    figures = {t.notebook: Path(t.notebook).read_text(encoding="utf-8").count("plots.save(") for t in todo}
    todo.sort(key=lambda t: (-state.get(key_of[t.name, t.place], {}).get("seconds", float("inf")),
                             t.place != SUITE_KEY, -figures[t.notebook]))
    for result in _execute(todo, jobs=jobs, progress=progress, executor=executor, scheduler=scheduler):
        results.append(result)
        key = key_of[result.notebook, result.place]
        if result.status == "ok":
            state[key] = {"fingerprint": result.fingerprint, "output": result.output,
                          "seconds": round(result.seconds, 2), "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
        elif key in state:  # the last good report stays; a changed fingerprint makes the next run try again
            state[key]["failed"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        _save_state(reports_dir, state)
    order = {(t.name, t.place): i for i, t in enumerate(tasks)}
    results.sort(key=lambda r: order.get((r.notebook, r.place), 0))
    return results


def _clean_leftovers(tasks: list[Task]) -> None:
    """Remove what killed runs left: hidden ``.running`` notebooks and HTML pages being written in the
    output folders, and kernel socket folders in the temp folder (only a dead process's, only this user's)."""
    for folder in {Path(t.output).parent for t in tasks}:
        clean_leftovers(folder, ".*.pid*-*")
    clean_leftovers(Path(tempfile.gettempdir()), "s3lib-kernel-pid*-*")


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
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context, initializer=_warm_worker)
    try:
        futures = [pool.submit(execute_task, task) for task in tasks]
        for future in as_completed(futures):
            bar.update(1)
            yield future.result()
    except BaseException:  # Ctrl-C, or the caller stopped: the workers end now, their kernels with them
        stop_pool(pool)
        raise
    pool.shutdown()
    bar.close()


def _warm_worker() -> None:
    """Make the worker end with the run (:func:`s3lib.processes.worker_init`), then import papermill and
    nbconvert once per worker process, not once per task (a no-op when the forkserver has imported them)."""
    worker_init()
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
    p.add_argument("--year", type=int, help="the analysis year passed to every notebook (outputs of a year other "
                   "than a notebook's default go under reports/<year>/)")
    p.add_argument("--scheme", help="cluster scheme: uscmp (default), colocation, an emerging-industry scheme or a "
                   "CSV/YAML file; outputs of another scheme go under reports/scheme-<name>/")
    p.add_argument("--params", metavar="FILE.yaml", help="typed parameters; per-notebook under 'notebooks:'")
    p.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    p.add_argument("--force", action="store_true", help="re-run even when inputs are unchanged")
    p.add_argument("--no-suite", action="store_true",
                   help="only the notebooks run per place: the comparison of all places (00, 05) is left as it is")
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
                  fresh_kernels=args.fresh_kernels, scheme=args.scheme, suite=not args.no_suite)
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
