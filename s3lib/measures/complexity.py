"""Economic complexity of regions (ECI) and industries (PCI), and the complexity outlook.

Hidalgo & Hausmann (2009): with presence ``M`` (region x industry, 0/1), diversity
``k_r = sum_i M_ri`` and ubiquity ``k_i = sum_r M_ri``, the ECI is the eigenvector of the
second largest eigenvalue of ``M~ = D^-1 M U^-1 M^T`` (``D``, ``U`` diagonal of ``k_r``,
``k_i``). It is computed from the symmetric matrix ``S = D^-1/2 M U^-1 M^T D^-1/2``
(LAPACK or Lanczos, see ``_second_eigenvector``): if ``S v = lambda v`` then
``M~ (D^-1/2 v) = lambda D^-1/2 v``.
Missing presence (NaN) counts as 0.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures._util import binary as _binary
from s3lib.measures._util import divide as _divide
from s3lib.measures._util import numeric as _numeric
from s3lib.measures._util import offdiagonal as _offdiagonal
from s3lib.measures._util import require as _require
from s3lib.measures.relatedness import density as relatedness_density

__all__ = ["METHODS", "STANDARDISATIONS", "cog", "coi", "eci_pci", "fitness_complexity"]

METHODS = ("eigh", "reflections")
STANDARDISATIONS = ("stata", "zscore", None)


def _density(presence, proximity, density) -> np.ndarray:
    if density is None:
        density = relatedness_density(presence, proximity)
    _require(density, pd.DataFrame, "density", "a region x industry DataFrame (relatedness.density)")
    return density.reindex(index=presence.index, columns=presence.columns).to_numpy(dtype=float)


def _pci(pci, columns: pd.Index) -> np.ndarray:
    """``pci`` on ``columns``, 0 where unknown (industries without a PCI are left out)."""
    pci = _numeric(_require(pci, pd.Series, "pci", "a Series by industry (eci_pci(...)[1])"), "pci")
    return np.nan_to_num(pci.reindex(columns).to_numpy(dtype=float))


def _second_eigenvector(m: np.ndarray, kr: np.ndarray, ki: np.ndarray) -> np.ndarray:
    """ECI direction ``D^-1/2 v`` with ``v`` the 2nd eigenvector of ``S = A A^T``,
    ``A = D^-1/2 M U^-1/2``. With more regions than industries the smaller ``A^T A`` is
    used instead: its eigenvector ``w`` gives ``v = A w`` (same eigenvalue).

    The leading eigenpair is known: ``S sqrt(k_r) = sqrt(k_r)`` with eigenvalue 1 (and
    ``sqrt(k_i)`` for ``A^T A``). Small problems take the two largest eigenpairs from LAPACK
    (dsyevr); from 100 on, the known pair is deflated and Lanczos (ARPACK, tolerance 0 =
    machine precision, fixed start vector) finds the largest remaining one through
    products with ``A`` and ``A^T`` only, without forming ``S``: same vector to ~1e-15,
    about 3x faster at 300 x 600.
    """
    a = m / np.sqrt(kr)[:, None]
    a /= np.sqrt(ki)[None, :]
    wide = a.shape[0] <= a.shape[1]
    n = min(a.shape)
    if n < 100:
        from scipy.linalg import eigh

        small = a @ a.T if wide else a.T @ a
        w = eigh(small, subset_by_index=[n - 2, n - 1], driver="evr", overwrite_a=True, check_finite=False)[1][:, 0]
    else:
        from scipy.sparse.linalg import LinearOperator, eigsh

        top = np.sqrt(kr if wide else ki)
        top /= np.linalg.norm(top)
        left, right = (a, a.T) if wide else (a.T, a)

        def matvec(x):
            x = np.ravel(x)
            return left @ (right @ x) - top * (top @ x)

        start = np.random.default_rng(0).random(n)  # fixed: the result does not depend on a seed
        operator = LinearOperator((n, n), matvec=matvec, dtype=float)
        w = eigsh(operator, k=1, which="LA", tol=0, v0=start, ncv=min(n, 12))[1][:, 0]
    v = w if wide else a @ w
    return v / np.sqrt(kr)


def _reflections(m, kr, ki, max_iter, tol):
    """Method of reflections with the trivial (constant) component removed at each step.

    ``k_r,n = (1/k_r) sum_i M_ri k_i,n-1``, ``k_i,n = (1/k_i) sum_r M_ri k_r,n-1``; two
    reflections are one power step on ``M~``. Subtracting the diversity-weighted mean (the
    projection on the constant eigenvector, whose left eigenvector is ``k_r``) makes the
    iteration converge to the ECI vector, at the rate ``(lambda_3 / lambda_2)^n``.
    """
    kc = kr - kr @ kr / kr.sum()
    kc /= np.linalg.norm(kc)
    for _ in range(max_iter):
        new = (m @ ((m.T @ kc) / ki)) / kr
        new -= (kr @ new) / kr.sum()
        new /= np.linalg.norm(new)
        if np.sign(new @ kc) * new @ kc > 1 - tol:
            return new
        kc = new
    warnings.warn(
        f"method of reflections did not converge in {max_iter} iterations (small spectral gap); "
        "use method='eigh'",
        RuntimeWarning,
        stacklevel=3,
    )
    return kc


def eci_pci(
    presence: pd.DataFrame,
    method: str = "eigh",
    standardise: str | None = "stata",
    max_iter: int = 1000,
    tol: float = 1e-12,
    orient: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Economic Complexity Index of regions and Product (industry) Complexity Index.

    Steps: drop regions with zero diversity and industries with zero ubiquity (with a
    warning; they get NaN); take the ECI eigenvector (``method="eigh"``: exact, symmetric
    eigen form; ``"reflections"``: the iterative method of reflections, which converges
    poorly when the spectral gap is small); ``PCI_raw = U^-1 M^T ECI_raw`` and then
    ``ECI_raw = D^-1 M PCI_raw``, so that **ECI_r is exactly the mean PCI over the
    industries the region is specialised in** (before and after standardisation).

    Sign rule (as Stata ``ecomplexity``): the ECI is oriented to correlate positively with
    diversity; the PCI takes the same orientation through the relation above. On tiny or
    degenerate matrices the correlation can be 0 and the sign arbitrary. The rule can also
    misfire on regional data: on EU NUTS2 x 68 NACE divisions (2014) the second eigenvector
    separates manufacturing from knowledge-intensive services, the diversity rule calls
    manufacturing complex, and the ECI then correlates -0.5 with log GDP per head. Give
    ``orient`` (e.g. log GDP per head by region) to orient by that variable instead, and say so.

    Standardisation (see Notes): ``"stata"`` by default, reproducing Stata ``ecomplexity``.

    Parameters
    ----------
    presence : DataFrame
        Region x industry 0/1 (NaN counted as 0).
    method : {"eigh", "reflections"}, default "eigh"
    standardise : {"stata", "zscore", None}, default "stata"
    max_iter, tol : int, float
        Method of reflections only: maximum iterations and convergence tolerance on
        ``1 - |cos|`` between successive vectors.
    orient : Series, optional
        A regional variable; the sign is chosen so that the ECI correlates positively with
        it (over the regions where it is known) instead of with diversity.

    Returns
    -------
    eci : Series
        By region (name ``"eci"``).
    pci : Series
        By industry (name ``"pci"``).

    Raises
    ------
    UsageError
        Fewer than 2 regions or industries with a presence; no variation (every region holds the
        same industries: the second eigenvalue is 0 and the ECI undefined); ``orient`` known for
        fewer than 2 regions; ``presence`` not 0/1/NaN (``InputError``: not a DataFrame of numbers).

    Notes
    -----
    * ``"stata"`` (default, reproduces Stata ``ecomplexity``): ``ECI = (ECI_raw - m) / s``
      and ``PCI = (PCI_raw - m) / s`` with ``m`` the mean of ECI_raw and ``s`` its
      **sample** sd computed over the long region x industry table (each region repeated
      once per industry): ``s = sqrt(n_i sum_r (ECI_raw_r - m)^2 / (n_r n_i - 1))``,
      i.e. the population sd over regions times ``sqrt(n_r n_i / (n_r n_i - 1))``. ECI then
      has mean 0 and sd close to 1; PCI is not separately centred.
    * ``"zscore"``: each index z-scored on its own (mean 0, population sd 1, ``ddof=0``).
    * ``None``: raw vectors (an eigenvector of arbitrary scale; only the sign is fixed).

    Validated against Stata ``ecomplexity`` on its 1995 trade fixture: ECI and PCI equal to
    1e-12 (tests/test_validation_ecomplexity.py).

    References
    ----------
    Hidalgo, C. A. and Hausmann, R. (2009). The building blocks of economic complexity.
    PNAS 106(26), 10570-10575. Stata ``ecomplexity`` (cid-harvard/ecomplexity, ``ecipci.ado``).

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["r1", "r2", "r3", "r4"], columns=list("abcd"))
    >>> eci, pci = eci_pci(m)
    >>> eci.idxmax(), pci.idxmax()
    ('r1', 'd')
    """
    if method not in METHODS:
        raise UnknownChoiceError("method", method, METHODS)
    if standardise not in STANDARDISATIONS:
        raise UnknownChoiceError("standardisation", standardise, [str(s) for s in STANDARDISATIONS])
    full = _binary(presence)
    rows, cols = full.sum(axis=1) > 0, full.sum(axis=0) > 0
    for mask, kind, labels in ((rows, "regions with zero diversity", presence.index),
                               (cols, "industries with zero ubiquity", presence.columns)):
        if not mask.all():
            dropped = ", ".join(map(str, labels[~mask][:10]))
            warnings.warn(f"{(~mask).sum()} {kind} left out (NaN): {dropped}", UserWarning, stacklevel=2)
    m = full[np.ix_(rows, cols)]
    if m.shape[0] < 2 or m.shape[1] < 2:
        raise UsageError("complexity needs at least 2 regions and 2 industries with a presence")
    kr, ki = m.sum(axis=1), m.sum(axis=0)
    if (kr == m.shape[1]).all():  # every region holds every industry present anywhere: M~ has rank 1
        raise UsageError(f"presence has no variation: all {m.shape[0]} regions hold the same {m.shape[1]} industries, "
                         "so the ECI is undefined; expected regions that differ in what they hold")
    if orient is not None:
        orient = _numeric(_require(orient, pd.Series, "orient", "a Series by region"), "orient")
    if method == "eigh":
        vector = _second_eigenvector(m, kr, ki)
    else:
        vector = _reflections(m, kr, ki, max_iter, tol)
    pci_raw = (m.T @ vector) / ki
    eci_raw = (m @ pci_raw) / kr
    reference = kr if orient is None else orient.reindex(presence.index[rows]).to_numpy(dtype=float)
    known = ~np.isnan(reference)
    if known.sum() < 2:
        raise UsageError("orient must give a value for at least 2 of the regions")
    ref, vec = reference[known], eci_raw[known]
    if (ref - ref.mean()) @ (vec - vec.mean()) < 0:  # sign of corr(reference, ECI)
        eci_raw, pci_raw = -eci_raw, -pci_raw
    if standardise == "stata":
        n = eci_raw.size * ki.size
        centre = eci_raw.mean()
        scale = np.sqrt(ki.size * ((eci_raw - centre) ** 2).sum() / (n - 1))
        eci_raw, pci_raw = (eci_raw - centre) / scale, (pci_raw - centre) / scale
    elif standardise == "zscore":
        eci_raw = (eci_raw - eci_raw.mean()) / eci_raw.std()
        pci_raw = (pci_raw - pci_raw.mean()) / pci_raw.std()
    eci, pci = np.full(rows.size, np.nan), np.full(cols.size, np.nan)
    eci[rows], pci[cols] = eci_raw, pci_raw
    return pd.Series(eci, index=presence.index, name="eci"), pd.Series(pci, index=presence.columns, name="pci")


def fitness_complexity(presence: pd.DataFrame, iterations: int = 200, tol: float = 1e-10
                       ) -> tuple[pd.Series, pd.Series]:
    """Fitness of regions and complexity of industries (Tacchella et al. 2012).

    The non-linear map, from ``F = Q = 1``::

        F~_r = sum_i M_ri Q_i          Q~_i = 1 / sum_r M_ri / F_r
        F = F~ / mean(F~)              Q = Q~ / mean(Q~)

    A region is fit when it does many things, weighted by how complex they are; an industry is
    complex when the regions that do it are all fit (one unfit region doing it is enough to make
    it simple). Iterated until the largest relative change is below ``tol`` or ``iterations``
    steps; regions with zero diversity and industries with zero ubiquity are left out (NaN).
    Fitness correlates strongly with diversity by construction; read ``log`` values (the map
    converges to a few very large values). No sign choice is needed, unlike the ECI.

    Parameters
    ----------
    presence : DataFrame
        Region x industry 0/1 (NaN counted as 0).

    Returns
    -------
    fitness : Series
        By region (name ``"fitness"``).
    complexity : Series
        By industry (name ``"complexity"``).

    References
    ----------
    Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli, A. and Pietronero, L. (2012). A new
    metrics for countries' fitness and products' complexity. Scientific Reports 2, 723.

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, 1], [1, 1, 0], [1, 0, 0]], index=["r1", "r2", "r3"], columns=list("abc"))
    >>> fitness, complexity = fitness_complexity(m)
    >>> fitness.idxmax(), complexity.idxmax(), complexity.idxmin()
    ('r1', 'c', 'a')
    """
    full = _binary(presence)
    rows, cols = full.sum(axis=1) > 0, full.sum(axis=0) > 0
    m = full[np.ix_(rows, cols)]
    if m.shape[0] < 2 or m.shape[1] < 2:
        raise UsageError("fitness-complexity needs at least 2 regions and 2 industries with a presence")
    f, q = np.ones(m.shape[0]), np.ones(m.shape[1])
    for _ in range(iterations):
        f_new = m @ q
        q_new = 1.0 / (m.T @ (1.0 / f))
        f_new /= f_new.mean()
        q_new /= q_new.mean()
        change = max(np.max(np.abs(f_new - f) / f_new), np.max(np.abs(q_new - q) / q_new))
        f, q = f_new, q_new
        if change < tol:
            break
    fitness, complexity = np.full(rows.size, np.nan), np.full(cols.size, np.nan)
    fitness[rows], complexity[cols] = f, q
    return (pd.Series(fitness, index=presence.index, name="fitness"),
            pd.Series(complexity, index=presence.columns, name="complexity"))


def coi(presence: pd.DataFrame, proximity: pd.DataFrame, pci: pd.Series,
        density: pd.DataFrame | None = None) -> pd.Series:
    """Complexity Outlook Index: how much complexity lies close to what a region does.

    ``COI_r = sum_i RD_ri (1 - M_ri) PCI_i`` with ``RD = 1 - distance`` the relatedness
    density (self-term excluded, :func:`s3lib.measures.relatedness.density`). Industries without a
    PCI are left out. Not standardised (Stata ``ecomplexity`` z-scores COI and uses its raw
    eigenvector instead of the standardised PCI, so its values differ by an affine-like map).
    Pass ``density`` when already computed from the same presence and proximity, to save time.

    References
    ----------
    Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity, MIT Press.

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, 0], [1, 0, 1], [0, 1, 1]], index=["r1", "r2", "r3"], columns=list("abc"))
    >>> from s3lib.measures.relatedness import proximity
    >>> coi(m, proximity(m), pd.Series([0.0, 1.0, 2.0], index=list("abc"))).tolist()
    [2.0, 1.0, 0.0]
    """
    m = _binary(presence)
    rd = np.nan_to_num(_density(presence, proximity, density))
    p = _pci(pci, presence.columns)
    return pd.Series((rd * (1 - m)) @ p, index=presence.index, name="coi")


def cog(presence: pd.DataFrame, proximity: pd.DataFrame, pci: pd.Series,
        density: pd.DataFrame | None = None) -> pd.DataFrame:
    """Complexity Outlook Gain of moving into each industry.

    ``COG_ri = sum_j [phi_ij / sum_k phi_kj] (1 - M_rj) PCI_j - (1 - d_ri) PCI_i`` with
    ``1 - d_ri = RD_ri`` the relatedness density and ``phi`` with a zero diagonal. It is
    defined for industries the region does not have; cells with ``M_ri = 1`` are 0, as in
    Stata ``ecomplexity`` (which, unlike the Atlas formula used here, omits the second term
    and uses its raw eigenvector). Pass ``density`` when already computed, to save time.

    Returns
    -------
    DataFrame
        Region x industry.

    References
    ----------
    Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity, MIT Press.

    Examples
    --------
    >>> m = pd.DataFrame([[1, 1, 0], [1, 0, 1], [0, 1, 1]], index=["r1", "r2", "r3"], columns=list("abc"))
    >>> from s3lib.measures.relatedness import proximity
    >>> cog(m, proximity(m), pd.Series([0.0, 1.0, 2.0], index=list("abc"))).loc["r1"].tolist()
    [0.0, 0.0, -2.0]
    """
    m = _binary(presence)
    phi, diagonal, totals = _offdiagonal(proximity, presence.columns)  # diagonal subtracted: phi_ii = 0
    p = _pci(pci, presence.columns)
    p_over_w = _divide(p, totals, fill=0.0)  # PCI_j / sum_k phi_kj
    absent = 1.0 - m
    absent *= p_over_w[None, :]
    gain = absent @ phi.T
    if diagonal.any():
        gain -= absent * diagonal[None, :]
    rd_pci = np.multiply(_density(presence, proximity, density), p[None, :], out=absent)  # buffer reused
    if np.isnan(rd_pci).any():
        np.nan_to_num(rd_pci, copy=False)
    gain -= rd_pci
    gain *= m == 0.0
    return pd.DataFrame(gain, index=presence.index, columns=presence.columns, copy=False)
