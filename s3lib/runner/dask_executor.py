"""Run the suite's tasks on a dask.distributed cluster: ``s3lib run --executor dask``.

``execute(tasks, fn)`` submits one dask task per notebook execution and yields the
results as they complete, exactly like the local process pool: ``fn`` is
:func:`s3lib.runner.run.execute_task`, which never raises, so a failing notebook comes
back as a ``"failed"`` :class:`~s3lib.runner.tasks.Outcome`. A task lost by the cluster itself
(a worker killed, a task cancelled) also comes back as a failed Outcome, never as
an exception that would stop the suite.

Without a scheduler address a :class:`distributed.LocalCluster` is started with
``jobs`` single-threaded worker processes and closed afterwards. With an address
(``--scheduler tcp://host:8786``) the workers must see the same file system
(reports and figures are written to the task's absolute paths) and have s3lib and
the notebook environment installed.

Example (starts a local dask cluster and runs the suite for two places; ``tests/test_dask.py`` runs it)::

    from s3lib.runner import run
    results = run.run(["frankfurt", "porto"], executor="dask", jobs=2)
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator

__all__ = ["execute"]


def _warm() -> None:
    """Import papermill and nbconvert once per worker, not once per task."""
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def execute(tasks: Iterable, fn: Callable, scheduler: str | None = None, jobs: int = 2,
            progress: bool = True) -> Iterator:
    """Run ``fn(task)`` for every task on a dask cluster; yield each Outcome as it completes.

    Parameters
    ----------
    tasks : iterable of s3lib.runner.tasks.Task
    fn : callable
        Top-level and picklable; returns a Outcome and never raises (``execute_task``).
    scheduler : str, optional
        Address of a running dask scheduler; ``None`` starts a LocalCluster.
    jobs : int
        Worker processes of the LocalCluster (ignored with ``scheduler``).
    progress : bool
        Show a progress bar on stderr.
    """
    from distributed import Client, LocalCluster, as_completed

    from s3lib.runner.tasks import Outcome, progress_bar

    tasks = list(tasks)
    if not tasks:
        return
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=jobs or 2, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    bar = progress_bar(len(tasks), progress)
    try:
        client.run(_warm)
        started = time.perf_counter()
        futures = {client.submit(fn, task, pure=False, retries=0): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost task is a failed task, not a crash
                result = Outcome(task.name, task.place, "failed", time.perf_counter() - started, "",
                                error=f"{type(exc).__name__} on the dask cluster: {exc}".splitlines()[0])
            bar.update(1)
            yield result
    finally:
        bar.close()
        client.close()
        if cluster is not None:
            cluster.close()
