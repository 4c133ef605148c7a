"""Worker processes that end with the command that started them.

``s3lib run`` and ``s3lib atlas`` work in a pool of processes. Ctrl-C in the terminal reaches every process
of the foreground group, so the workers ignore SIGINT and leave the stop to the parent
(:func:`stop_pool`), which ends them with SIGTERM: a worker then leaves through ``SystemExit``, its
``finally`` blocks and exit callbacks run (temporary files removed, its kernel shut down). A parent killed
with SIGKILL cannot do that, so on Linux each worker also asks the kernel for SIGTERM when its parent dies
(``prctl(PR_SET_PDEATHSIG)``): no worker outlives the command.
"""
from __future__ import annotations

import os
import signal
import sys

__all__ = ["stop_pool", "worker_init"]

_PR_SET_PDEATHSIG = 1


def _terminate(signum, frame):  # noqa: ARG001 - a signal handler's signature
    """Leave through ``SystemExit`` (cleanups run); what the interrupted work prints while it unwinds (asyncio's
    "Task exception was never retrieved" of a kernel shut down mid-cell) is not for the user: the parent has
    said "interrupted" already."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the rest of this process's life
    raise SystemExit(128 + signum)


def worker_init() -> None:
    """Run first in every pool worker: ignore SIGINT, leave cleanly on SIGTERM, die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            return
        if os.getppid() == 1:  # the parent died before the request: nobody would send the signal
            raise SystemExit(1)


def stop_pool(pool, timeout: float = 10.0) -> None:
    """Cancel what has not started, end the running workers with SIGTERM (SIGKILL after ``timeout``)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout)
        if proc.is_alive():
            proc.kill()
            proc.join(1)
