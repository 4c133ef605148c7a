"""Shared test fixtures.

Tests that recompute values from the raw public files need ``../shared/data/raw``
(present in CI, absent in a user's clone): mark them with ``needs_raw``.
"""
from __future__ import annotations

import os

import matplotlib
import pytest

from s3lib.config import RAW_DIR

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

@pytest.fixture
def ax():
    """A projector-sized axes (s3lib.plots.figure) under Agg, closed after the test."""
    import matplotlib.pyplot as plt

    from s3lib import plots

    fig, ax = plots.figure()
    yield ax
    plt.close(fig)


needs_raw = pytest.mark.skipif(
    not RAW_DIR.exists(), reason=f"raw public files not found at {RAW_DIR} (only CI and developers have ../shared)"
)

# Property tests are reproducible in CI: the same examples every run (derandomize), and the
# filtering of ill-posed random matrices (assume) is expected, not a health problem.
from hypothesis import HealthCheck, settings

settings.register_profile(
    "s3lib", derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
settings.load_profile("s3lib")
