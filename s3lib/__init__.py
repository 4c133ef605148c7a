"""s3lib: cluster structure, specialised diversification, intercluster links and
RIS3 alignment for European cities and regions, from real Eurostat data.

Submodules are imported on first use so that ``import s3lib`` stays fast
(pandas, geopandas and papermill load only when a function needs them)::

    import s3lib
    emp = s3lib.data.employment(level=2, year=2014)
    lq = s3lib.measures.specialisation.location_quotient(s3lib.data.matrix(emp))
    view = s3lib.study.Study(year=2014).at("Frankfurt am Main")
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {"analyses", "atomic", "cli", "config", "data", "errors", "measures", "outputs", "plots", "result", "runner", "study"}

__all__ = ["__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 's3lib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES)
