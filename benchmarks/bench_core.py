"""Benchmark of the s3lib core pipeline against ecomplexity 0.5.3 and economic-complexity 0.3.0.

Run: ``.venv/bin/python benchmarks/bench_core.py`` (needs the ``bench`` extra:
``pip install -e .[bench]``). The comparison packages are optional: a missing one is reported.

Pipeline (same matrix, same process): RCA/LQ, presence (RCA >= 1), proximity, density,
ECI/PCI, COG. Timings are the best of several repeats (``time.perf_counter``).
"""
from __future__ import annotations

import argparse
import os
import time
import warnings

# One BLAS thread unless the caller says otherwise: on a shared 2-core machine OpenBLAS
# threads contend and make every package slower and noisier (same setting for all three).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from s3lib.errors import S3libError
from s3lib.measures import complexity, relatedness, specialisation


def synthetic_counts(n_regions: int = 300, n_industries: int = 600, seed: int = 42) -> pd.DataFrame:
    """Seeded region x industry counts: Poisson around region size x industry size x a
    log-supermodular capability term (so that the ECI is well defined) x noise."""
    rng = np.random.default_rng(seed)
    capability, sophistication = rng.random(n_regions), rng.random(n_industries)
    rate = 50 * np.outer(rng.lognormal(0, 1, n_regions), rng.lognormal(0, 1, n_industries))
    rate *= np.exp(6 * np.outer(capability - 0.5, sophistication - 0.5))
    counts = rng.poisson(rate * rng.lognormal(0, 1, (n_regions, n_industries))).astype(float)
    return pd.DataFrame(counts, index=[f"r{k:03d}" for k in range(n_regions)],
                        columns=[f"i{k:03d}" for k in range(n_industries)])


def s3lib_pipeline(x: pd.DataFrame) -> dict:
    m = specialisation.presence(specialisation.location_quotient(x))
    phi = relatedness.proximity(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zero-diversity regions are reported, not needed here
        eci, pci = complexity.eci_pci(m)
    rd = relatedness.density(m, phi)
    return {"presence": m, "proximity": phi, "density": rd, "eci": eci, "pci": pci,
            "cog": complexity.cog(m, phi, pci, density=rd)}


def stage_times(x: pd.DataFrame, repeat: int = 10) -> dict[str, float]:
    """Best time of each stage of :func:`s3lib_pipeline`, in ms."""
    lq = specialisation.location_quotient(x)
    m = specialisation.presence(lq)
    phi = relatedness.proximity(m)
    rd = relatedness.density(m, phi)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _, pci = complexity.eci_pci(m)
        stages = {
            "lq": lambda: specialisation.location_quotient(x),
            "presence": lambda: specialisation.presence(lq),
            "proximity": lambda: relatedness.proximity(m),
            "density": lambda: relatedness.density(m, phi),
            "eci/pci": lambda: complexity.eci_pci(m),
            "cog": lambda: complexity.cog(m, phi, pci, density=rd),
        }
        return {name: 1e3 * min(timed(f)[0] for _ in range(repeat)) for name, f in stages.items()}


def timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def ecomplexity_pipeline(x: pd.DataFrame):
    """ecomplexity 0.5.3's one call (its log-supermodularity check, not part of ours, is off)."""
    from ecomplexity import ecomplexity

    long = x.rename_axis(index="loc", columns="prod").stack().rename("val").reset_index()
    long["time"] = 2000
    cols = {"time": "time", "loc": "loc", "prod": "prod", "val": "val"}

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = ecomplexity(long, cols, verbose=False, check_logsupermodularity=False)
        return out.groupby("loc")["eci"].first(), ""

    return call


def economic_complexity_pipeline(x: pd.DataFrame, phi: pd.DataFrame):
    """economic-complexity 0.3.0: rca, proximity, relatedness, complexity, opportunity_gain.

    Its proximity() crashes under pandas 3 copy-on-write (fill_diagonal on a read-only
    array); when it does, relatedness/opportunity_gain get s3lib's proximity and the time is
    that of the stages that ran (a lower bound on its full pipeline).
    """
    import economic_complexity as ec

    def call():
        r = ec.rca(x)
        note = ""
        try:
            prox = ec.proximity(r)
        except ValueError as error:
            note = f"proximity() crashed ({error}); used s3lib's proximity, time excludes it"
            prox = phi
        ec.relatedness(r, proximities=prox)
        eci, pci = ec.complexity(r)
        ec.opportunity_gain(r, pci=pci, proximities=prox)
        return eci, note

    return call


def eu_matrix():
    """All EU NUTS2 regions x NACE divisions, persons employed 2014, from the committed snapshot."""
    from s3lib import data

    emp = data.employment(level=2, year=2014, indicator="persons", nace_level="division")
    return data.matrix(emp)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--industries", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; best time is kept")
    args = parser.parse_args(argv)

    x = synthetic_counts(args.regions, args.industries)
    result = s3lib_pipeline(x)
    others = {}
    for name, factory in (("ecomplexity 0.5.3", ecomplexity_pipeline),
                          ("economic-complexity 0.3.0", economic_complexity_pipeline)):
        try:
            others[name] = factory(x) if factory is ecomplexity_pipeline else factory(x, result["proximity"])
        except ImportError:
            print(f"{name}: not installed (pip install -e .[bench])")
    # Interleave the packages round by round so that a load spike on a shared machine hits all.
    best = {"s3lib": np.inf, **{name: np.inf for name in others}}
    outputs = {}
    for _ in range(args.rounds):
        for _ in range(3):
            best["s3lib"] = min(best["s3lib"], timed(lambda: s3lib_pipeline(x))[0])
        for name, call in others.items():
            seconds, outputs[name] = timed(call)
            best[name] = min(best[name], seconds)

    print(f"matrix {x.shape[0]} x {x.shape[1]} (seeded Poisson counts), best of {args.rounds} interleaved "
          f"rounds, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"  {'s3lib':27s} {best['s3lib'] * 1e3:8.1f} ms   stages: "
          + ", ".join(f"{k} {v:.1f}" for k, v in stage_times(x).items()))
    for name in others:
        eci_them, note = outputs[name]
        r = np.corrcoef(eci_them.reindex(result["eci"].index), result["eci"])[0, 1]
        print(f"  {name:27s} {best[name] * 1e3:8.1f} ms   s3lib is {best[name] / best['s3lib']:5.1f}x faster"
              f"   (correlation of its ECI with s3lib's: {r:.4f})")
        if note:
            print(f"    note: {note}")

    try:
        eu = eu_matrix()
    except (ImportError, OSError, S3libError) as error:  # no snapshot / data API in this checkout
        print(f"EU NUTS2 x divisions: skipped ({type(error).__name__}: {error})")
        return
    seconds = min(timed(lambda: s3lib_pipeline(eu))[0] for _ in range(20))
    missing = eu.isna().to_numpy().mean()
    print(f"EU NUTS2 x divisions 2014: {eu.shape[0]} x {eu.shape[1]} ({missing:.0%} cells missing): "
          f"{seconds * 1e3:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
