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

needs_raw = pytest.mark.skipif(
    not RAW_DIR.exists(), reason=f"raw public files not found at {RAW_DIR} (only CI and developers have ../shared)"
)
