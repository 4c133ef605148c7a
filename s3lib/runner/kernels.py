"""One reused Jupyter kernel per runner process, reset between notebooks.

``s3lib run`` executes many short notebooks; starting a kernel and importing pandas,
matplotlib and geopandas costs about 2.5 s each time, as much as a notebook's own work,
and every kernel recomputes the same EU-wide tables. So each runner process keeps one
kernel for the notebooks it executes and, before each notebook, resets it to the state
it had after start-up and the suite's imports (:data:`RESET_CODE`):

* the user namespace is cleared (IPython ``reset``) and the execution count restarts at 1;
* figures are closed, matplotlib's rcParams, ``os.environ``, ``sys.path``, the warning
  filters (and their "shown once" registries), pandas options and numpy's global random
  state are restored or reseeded; the working directory is set again.

What persists is what a restart would only recompute: imported modules and s3lib's
in-memory caches of pure functions of the data snapshot (the studies of :mod:`s3lib.study`). A
notebook that fails, times out or loses its kernel ends that kernel; the next notebook
gets a new one. ``s3lib run --fresh-kernels`` starts one kernel per notebook instead,
and the tests check that both give the same outputs (tests/test_notebooks.py).
"""
from __future__ import annotations

import os
import shutil
import tempfile

from s3lib.atomic import pid_tag

#: Modules imported once per kernel before its first notebook, so that the import-time
#: side effects (warning filters, matplotlib's inline backend settings) are part of the
#: state every notebook starts from.
PRELOAD = ("numpy", "pandas", "matplotlib.pyplot", "networkx", "geopandas", "scipy.sparse.linalg",
           "s3lib.data", "s3lib.measures.complexity", "s3lib.measures.opportunities", "s3lib.plots", "s3lib.analyses.ris3",
           "s3lib.study.schemes", "s3lib.analyses.sectors", "s3lib.study", "s3lib.study.view")

#: Run silently in the kernel before each notebook: ``_s3lib_reset(env, cwd, PRELOAD)``.
RESET_CODE = '''
def _s3lib_reset(env, cwd, preload):
    import importlib, os, sys, warnings
    baseline = getattr(sys, "_s3lib_baseline", None)
    if baseline is None:  # a new kernel: import the suite's libraries, then remember the state
        for name in preload:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        import matplotlib
        sys._s3lib_baseline = baseline = {
            "environ": dict(os.environ), "path": list(sys.path), "filters": list(warnings.filters),
            "rc": dict(matplotlib.rcParams)}
    else:
        import matplotlib
        import matplotlib.pyplot as plt
        import gc
        ip = get_ipython()
        collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
        try:  # IPython's reset ends with a full collection (0.15 s): leave that to the collector
            ip.reset(new_session=False)
        finally:
            gc.collect = collect
        plt.close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.update(baseline["rc"])
            if "pandas" in sys.modules:
                sys.modules["pandas"].reset_option("all")
        os.environ.clear()
        os.environ.update(baseline["environ"])
        sys.path[:] = baseline["path"]
        warnings.filters[:] = baseline["filters"]
        if hasattr(warnings, "_filters_mutated"):
            warnings._filters_mutated()  # forget "already shown" warnings, as a new process would
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
    get_ipython().execution_count = 1
    os.environ.update(env)
    os.chdir(cwd)
'''

ENGINE = "s3lib-reused-kernel"


class _Keeper:
    """The process's kernel manager (created on demand; nbclient starts the kernel)."""

    def __init__(self):
        self.km = None
        self.kc = None  # the client, kept with the kernel: no channel start per notebook
        self.folder = None

    def manager(self):
        if self.km is not None and self.km.has_kernel and not _alive(self.km):
            self.discard()
        if self.km is None:
            from jupyter_client.manager import AsyncKernelManager

            from s3lib.runner.tasks import KERNEL

            self.folder = tempfile.mkdtemp(prefix=f"s3lib-kernel-{pid_tag()}")
            kwargs = {"transport": "ipc", "ip": os.path.join(self.folder, "kernel")} if os.name == "posix" else {}
            self.km = AsyncKernelManager(kernel_name=KERNEL, **kwargs)
            _register_cleanup()
        return self.km

    def discard(self) -> None:
        """Shut the kernel down (if any) and forget it."""
        km, kc, folder = self.km, self.kc, self.folder
        self.km = self.kc = self.folder = None
        if kc is not None:
            kc.stop_channels()
        if km is not None and km.has_kernel:
            from jupyter_core.utils import run_sync

            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a dead kernel is what we wanted anyway
                pass
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def _alive(km) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(km.is_alive)())
    except Exception:  # noqa: BLE001
        return False


_KEEPER = _Keeper()
_CLEANUP_REGISTERED = False


def _register_cleanup() -> None:
    """Shut the kernel down when the process ends: multiprocessing workers skip atexit
    (they leave through ``os._exit``) but run their ``Finalize`` callbacks."""
    global _CLEANUP_REGISTERED
    if _CLEANUP_REGISTERED:
        return
    import atexit
    from multiprocessing import util

    atexit.register(_KEEPER.discard)
    util.Finalize(None, _KEEPER.discard, exitpriority=10)
    _CLEANUP_REGISTERED = True


def discard() -> None:
    _KEEPER.discard()


def execute(notebook: str, output: str, parameters: dict, cwd: str, env: dict, **options) -> None:
    """papermill.execute_notebook in this process's reused kernel, reset first."""
    import papermill

    _register_engine()
    reset = f"{RESET_CODE}\n_s3lib_reset({env!r}, {cwd!r}, {PRELOAD!r})\nglobals().pop('_s3lib_reset', None)\n"
    papermill.execute_notebook(notebook, output, parameters=parameters, cwd=cwd, engine_name=ENGINE,
                               km=_KEEPER.manager(), reset_code=reset, **options)


_ENGINE_REGISTERED = False


def _register_engine() -> None:
    global _ENGINE_REGISTERED
    if _ENGINE_REGISTERED:
        return
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class ResettingClient(PapermillNotebookClient):
        """Runs the reset code (silently, outside the notebook's record) before the cells."""

        def __init__(self, nb_man, reset_code: str = "", **kwargs):
            super().__init__(nb_man, **kwargs)
            self.reset_code = reset_code

        def papermill_execute_cells(self):
            if self.reset_code:
                msg_id = self.kc.execute(self.reset_code, silent=True, store_history=False)
                content = (self.wait_for_reply(msg_id) or {}).get("content", {})
                if content.get("status") != "ok":
                    raise RuntimeError(f"could not reset the reused kernel: {content.get('ename')}: "
                                       f"{content.get('evalue')}")
            super().papermill_execute_cells()

    class ReusedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            for unused in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(unused, None)
            client = ResettingClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                                     kernel_name=kernel_name, log=logger, log_output=log_output,
                                     stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            client.kc = _KEEPER.kc  # None for a new kernel: nbclient then starts a client
            try:
                return client.execute()
            finally:
                _KEEPER.kc = client.kc  # kernel and client stay for the next notebook

    papermill_engines.register(ENGINE, ReusedKernelEngine)
    _ENGINE_REGISTERED = True
