"""Relatedness between industries from their co-location across regions.

Inputs are presence matrices (region x industry, 1 = specialised, from
:func:`s3lib.measures.specialisation.presence`). A missing presence cell (NaN) is counted as
absent here (it adds no co-location); functions that select cells, such as
:func:`s3lib.measures.opportunities.candidates`, leave missing cells out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures._util import binary as _binary
from s3lib.measures._util import check_labels as _check_labels
from s3lib.measures._util import divide as _divide
from s3lib.measures._util import numeric as _numeric
from s3lib.measures._util import offdiagonal as _offdiagonal
from s3lib.measures._util import require as _require

__all__ = ["NORMALISATIONS", "cooccurrence", "density", "distance", "graph", "proximity"]

NORMALISATIONS = ("association", "cosine", "jaccard", "prob")


def proximity(presence: pd.DataFrame) -> pd.DataFrame:
    """Co-location proximity between industries (the product-space proximity).

    ``phi_ij = min(P(M_i=1 | M_j=1), P(M_j=1 | M_i=1)) = C_ij / max(u_i, u_j)`` with
    ``C = M^T M`` and ``u_i`` the ubiquity (number of regions specialised in ``i``). The
    diagonal is set to 0 (the Stata ``ecomplexity`` convention, used for density).
    Industries present nowhere get proximity 0.

    Parameters
    ----------
    presence : DataFrame
        Region x industry 0/1 (NaN counted as 0), over all regions of the sample.

    Returns
    -------
    DataFrame
        Symmetric industry x industry matrix in [0, 1], zero diagonal.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabasi, A.-L. and Hausmann, R. (2007). The product
    space conditions the development of nations. Science 317(5837), 482-487.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 1, 0], "b": [1, 0, 0], "c": [0, 1, 1]}, index=["r1", "r2", "r3"])
    >>> proximity(m).loc["a"].tolist()
    [0.0, 0.5, 0.5]
    """
    m = _binary(presence).astype(np.float32)
    co = m.T @ m  # counts of co-specialised regions: exact in float32 below 2**24
    ubiquity = np.diag(co).astype(float)
    phi = np.maximum.outer(ubiquity, ubiquity)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(co, phi, out=phi)  # in float64, into the denominator's buffer
    nowhere = ubiquity == 0
    if nowhere.any():
        phi[nowhere, :] = phi[:, nowhere] = 0.0
    np.fill_diagonal(phi, 0.0)
    return pd.DataFrame(phi, index=presence.columns, columns=presence.columns, copy=False)


def cooccurrence(presence: pd.DataFrame, normalisation: str = "association") -> pd.DataFrame:
    """Normalised co-occurrence of industries (van Eck & Waltman 2009, as in EconGeo).

    With ``c = M^T M`` and its diagonal zeroed, ``s_i = sum_j c_ij`` and ``T = sum_ij c_ij``:

    * ``association``: ``c_ij T / (s_i s_j)`` (1 = as often as expected)
    * ``cosine``: ``c_ij / sqrt(s_i s_j)``
    * ``jaccard``: ``c_ij / (s_i + s_j - c_ij)``
    * ``prob``: ``c_ij / {[(s_i/T)(s_j/(T - s_i)) + (s_j/T)(s_i/(T - s_j))] T / 2}``

    Parameters
    ----------
    presence : DataFrame
        Region x industry 0/1 (NaN counted as 0).
    normalisation : {"association", "cosine", "jaccard", "prob"}

    Returns
    -------
    DataFrame
        Symmetric industry x industry matrix with zero diagonal; 0 where undefined.

    References
    ----------
    van Eck, N. J. and Waltman, L. (2009). How to normalize cooccurrence data? JASIST 60(8),
    1635-1651. Balland, P.-A. (2017). EconGeo R package, ``relatedness()``.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 1], "b": [1, 0], "c": [0, 1]}, index=["r1", "r2"])
    >>> cooccurrence(m, "jaccard").loc["a", "b"]
    np.float64(0.5)
    """
    if normalisation not in NORMALISATIONS:
        raise UnknownChoiceError("normalisation", normalisation, NORMALISATIONS)
    m = _binary(presence)
    c = m.T @ m
    np.fill_diagonal(c, 0.0)
    s = c.sum(axis=1)
    total = c.sum()
    si, sj = s[:, None], s[None, :]
    if normalisation == "association":
        out = _divide(c * total, si * sj, fill=0.0)
    elif normalisation == "cosine":
        out = _divide(c, np.sqrt(si * sj), fill=0.0)
    elif normalisation == "jaccard":
        out = _divide(c, si + sj - c, fill=0.0)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = ((si / total) * (sj / (total - si)) + (sj / total) * (si / (total - sj))) * total / 2
        out = _divide(c, np.nan_to_num(expected, nan=0.0, posinf=0.0), fill=0.0)
    np.fill_diagonal(out, 0.0)
    return pd.DataFrame(out, index=presence.columns, columns=presence.columns)


def density(presence: pd.DataFrame, proximity: pd.DataFrame) -> pd.DataFrame:
    """Relatedness density of each industry in each region, in [0, 1].

    ``RD_ri = sum_{j != i} M_rj phi_ij / sum_{j != i} phi_ij``: the share of industry
    ``i``'s relatedness that the region already holds. The self-term is excluded (the
    diagonal of ``proximity`` is ignored), as in the Stata ``ecomplexity`` reference;
    py-ecomplexity 0.5.3 keeps ``phi_ii = 1`` and EconGeo multiplies by 100.
    NaN presence counts as 0; NaN density where an industry has no related industry.

    Parameters
    ----------
    presence : DataFrame
        Region x industry 0/1.
    proximity : DataFrame
        Industry x industry, e.g. :func:`proximity`, over (at least) ``presence.columns``: it is
        aligned on them, and industries not in ``presence`` are left out.

    Returns
    -------
    DataFrame
        Region x industry density.

    Raises
    ------
    UsageError
        ``proximity`` lacks some industries of ``presence`` (or shares none), or holds missing,
        negative or infinite values; ``presence`` holds values other than 0, 1 and NaN. An
        ``InputError`` when either is not a DataFrame (a numpy array has no labels to align).

    References
    ----------
    Hidalgo et al. (2007); Hausmann, Hidalgo et al. (2014), The Atlas of Economic
    Complexity; Stata ``ecomplexity`` (cid-harvard/ecomplexity, ``calculate_density.ado``).

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 1, 0], "b": [1, 0, 0], "c": [0, 1, 1]}, index=["r1", "r2", "r3"])
    >>> density(m, proximity(m)).loc["r3"].tolist()
    [0.5, 0.0, 0.0]
    """
    m = _binary(presence)
    phi, diagonal, totals = _offdiagonal(proximity, presence.columns)
    numerator = m @ phi
    if diagonal.any():
        numerator -= m * diagonal[None, :]
    rd = _divide(numerator, totals[None, :], out=numerator)
    np.clip(rd, 0.0, 1.0, out=rd)  # removes rounding error only (matmul and sum add in different orders)
    return pd.DataFrame(rd, index=presence.index, columns=presence.columns, copy=False)


def distance(presence: pd.DataFrame, proximity: pd.DataFrame) -> pd.DataFrame:
    """Distance ``d_ri = 1 - RD_ri`` (Hausmann et al. 2014): how far industry ``i`` is from
    what region ``r`` already does. See :func:`density`.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 0], "b": [1, 1]}, index=["r1", "r2"])
    >>> distance(m, proximity(m)).loc["r2"].tolist()
    [0.0, 1.0]
    """
    return 1.0 - density(presence, proximity)


def graph(proximity: pd.DataFrame, threshold: float = 0.55, extra_links: int | None = None):
    """Industry-space network: maximum spanning tree plus the strongest other links.

    Following the product space (Hidalgo et al. 2007): the maximum spanning tree of the
    proximity matrix keeps every industry connected through its strongest links; then
    every other link with ``phi >= threshold`` is added (0.55 in the product space). With
    ``extra_links=n`` only the ``n`` strongest of those are added. Zero proximities are not
    links; a disconnected matrix gives a spanning forest.

    Parameters
    ----------
    proximity : DataFrame
        Symmetric industry x industry matrix (diagonal ignored).
    threshold : float, default 0.55
    extra_links : int, optional
        Cap on the number of links added beyond the tree.

    Returns
    -------
    networkx.Graph
        Nodes = industries; edge attributes ``weight`` (phi) and ``tree`` (True for
        spanning-tree edges).

    Examples
    --------
    >>> phi = pd.DataFrame([[0, .9, .6], [.9, 0, .7], [.6, .7, 0]], index=list("abc"), columns=list("abc"))
    >>> g = graph(phi, threshold=0.6)
    >>> sorted(g.edges(data="tree"))
    [('a', 'b', True), ('a', 'c', False), ('b', 'c', True)]
    """
    import networkx as nx

    _require(proximity, pd.DataFrame, "proximity", "an industry x industry DataFrame")
    _check_labels(proximity.index, proximity.columns, "proximity (columns)", "its rows")
    labels = list(proximity.index)
    phi = _numeric(proximity, "proximity").reindex(columns=proximity.index).to_numpy(dtype=float, copy=True)
    if not np.allclose(phi, phi.T, equal_nan=True):
        raise UsageError("proximity must be symmetric to build an undirected industry network")
    np.fill_diagonal(phi, 0.0)
    rows, cols = np.triu_indices_from(phi, k=1)
    weights = phi[rows, cols]
    keep = weights > 0
    full = nx.Graph()
    full.add_nodes_from(labels)
    full.add_weighted_edges_from(
        (labels[i], labels[j], w) for i, j, w in zip(rows[keep], cols[keep], weights[keep])
    )
    tree = nx.maximum_spanning_tree(full, weight="weight")
    out = nx.Graph()
    out.add_nodes_from(labels)
    out.add_edges_from(tree.edges(data=True), tree=True)
    extra = sorted(
        ((w, u, v) for u, v, w in full.edges(data="weight") if w >= threshold and not tree.has_edge(u, v)),
        reverse=True,
    )
    if extra_links is not None:
        extra = extra[:extra_links]
    out.add_edges_from(((u, v, {"weight": w, "tree": False}) for w, u, v in extra))
    return out
