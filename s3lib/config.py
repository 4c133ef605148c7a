"""Every path s3lib uses, in one place.

Each constant can be overridden by an environment variable of the same name
prefixed with ``S3LIB_`` (for example ``S3LIB_DATA_DIR=/tmp/snapshot``).
Nothing else in the package builds paths from relative strings, so the
library, the notebooks and the runner work from any working directory.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "MIN_COVERAGE",
    "SUITE_KEY",
    "CACHE_DIR",
    "CARDS_DIR",
    "DATA_DIR",
    "FIGURES_DIR",
    "NOTEBOOKS_DIR",
    "PROJECT_ROOT",
    "RAW_DIR",
    "REPORTS_DIR",
    "SITE_DIR",
]


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(f"S3LIB_{name}")
    return Path(value).expanduser().resolve() if value else default


#: The repository root (the folder holding ``pyproject.toml``).
PROJECT_ROOT: Path = _path("PROJECT_ROOT", Path(__file__).resolve().parents[1])
#: The committed data snapshot built by ``s3lib data build``.
DATA_DIR: Path = _path("DATA_DIR", PROJECT_ROOT / "data")
#: Figures written by the notebooks and the cards.
FIGURES_DIR: Path = _path("FIGURES_DIR", PROJECT_ROOT / "figures")
#: One-page cluster cards.
CARDS_DIR: Path = _path("CARDS_DIR", FIGURES_DIR / "cards")
#: Executed notebooks and their HTML exports (gitignored).
REPORTS_DIR: Path = _path("REPORTS_DIR", PROJECT_ROOT / "reports")
#: The template notebooks.
NOTEBOOKS_DIR: Path = _path("NOTEBOOKS_DIR", PROJECT_ROOT / "notebooks")
#: The static gallery built by ``make site``.
SITE_DIR: Path = _path("SITE_DIR", PROJECT_ROOT / "site")
#: Downloads of the online path (``s3lib data fetch``) and run bookkeeping.
CACHE_DIR: Path = _path(
    "CACHE_DIR",
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).expanduser() / "s3lib",
)
#: The raw public files the snapshot is built from (``../shared/data/raw``).
RAW_DIR: Path = _path("RAW_DIR", PROJECT_ROOT.parent / "shared" / "data" / "raw")
#: Folder name of the notebooks that cover all places at once (``reports/compare``, ``figures/compare``).
SUITE_KEY = "compare"
#: Minimum share of the activities a region must have observed to enter the sample (and a year to be a
#: place's default year).
MIN_COVERAGE = 0.5
