"""What the notebook runner executes and returns: :class:`Task`, :class:`Outcome`, the kernel name.

Shared by the runner (:mod:`s3lib.runner.run`), its reused kernels (:mod:`s3lib.runner.kernels`) and the dask
executor (:mod:`s3lib.runner.dask_executor`), which import this module and never each other's.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from s3lib.config import (
    SUITE_KEY,  # folder name for notebooks that cover all places at once
)

__all__ = ["KERNEL", "SUITE_KEY", "Outcome", "Task", "progress_bar"]

KERNEL = "python3"


@dataclass(frozen=True)
class Task:
    """One notebook execution: a notebook for one place (or for the whole suite)."""

    notebook: str  # path to the template .ipynb
    place: str  # place key, or SUITE_KEY for suite notebooks
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    reports_dir: str = ""
    figures_dir: str = ""
    fingerprint: str = ""
    #: execute in this process's reused kernel (reset in between), see s3lib.runner.kernels
    reuse_kernel: bool = field(default=False, compare=False)

    @property
    def name(self) -> str:
        return Path(self.notebook).stem

    @property
    def output(self) -> Path:
        return Path(self.reports_dir) / self.place / f"{self.name}.ipynb"


@dataclass
class Outcome:
    notebook: str
    place: str
    status: str  # "ok", "skipped", "failed"
    seconds: float
    output: str
    error: str = ""
    fingerprint: str = ""


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def progress_bar(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="notebook", desc="s3lib run", file=sys.stderr)
