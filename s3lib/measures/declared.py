"""The city lens: the clusters a city declares against what the statistics measure (pure table logic).

A declared cluster is a list of NACE codes at any level (our own mapping of the city's words). The
business statistics stop at NACE divisions and have no A, K, O-U (except S95), so each code is
**resolved** first (:func:`resolve`): a division is read exactly, a group or class only through its
whole division (an upper bound: ``C30.12`` boats is one of eight classes of ``C30``), a code in an
uncovered section not at all. Then, with ``x_rd`` the employment of region ``r`` in division ``d``
and ``D_c`` the measurable divisions of declared cluster ``c``:

* employment ``E_rc = sum_{d in D_c} x_rd`` (missing cells left out: a lower bound on ``D_c``);
* ``LQ_rc = (E_rc / T_r) / (E_.c / T_.)`` over all regions of the level (``T`` = all observed
  employment), Cluster Observatory ``stars`` and the US CMP ``strong`` rule on the same matrix
  (:mod:`s3lib.measures.clusters`); clusters may overlap (a division can serve two declared clusters);
* ``coverage_rc`` = share of ``D_c`` observed in the region; ``exact_share`` = share of ``E_rc`` in
  divisions the city's codes name whole.

The verdict (:func:`verdict`): ``not measurable in these statistics`` (no measurable division, or at
least as many divisions outside the statistics as inside: FinTech's J62-J63 are not FinTech),
``not measurable at this resolution`` (less than half of the measured employment is in divisions
named whole: the figure is the divisions', an upper bound), else ``visible and specialised``
(``LQ >= 1``) or ``visible, not specialised``. A cluster that is not measurable gets no employment, LQ,
stars or strong flag (NaN / None), only its reason: a division's figure is not the cluster's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["OUTSIDE", "VERDICTS", "declared_matrix", "measure", "outside", "resolve", "three_way", "undeclared",
           "urban_character", "verdict"]

#: Sections the business statistics do not cover (S95 is the exception) and what they hold.
OUTSIDE = {"A": "agriculture A", "K": "finance and insurance K", "O": "public administration O",
           "P": "education P", "Q": "health and social work Q", "R": "culture and recreation R",
           "S": "other services S", "T": "households T", "U": "extraterritorial bodies U"}
VERDICTS = ("visible and specialised", "visible, not specialised", "not measurable at this resolution",
            "not measurable in these statistics")
#: Below this share of measured employment in divisions named whole, a cluster is "not measurable at this resolution".
MIN_EXACT_SHARE = 0.5


def outside(division: str) -> bool:
    """True for a NACE division of a section the business statistics do not cover (:data:`OUTSIDE`; S95 is in).

    >>> outside("K64"), outside("S95"), outside("C30")
    (True, False, False)
    """
    return division[:1] in OUTSIDE and division != "S95"


def resolve(codes, measurable, divisions=None) -> pd.DataFrame:
    """How each code of a declared cluster is read in division statistics.

    Parameters
    ----------
    codes : list of str
        Eurostat-style codes of any level (``C``, ``C30``, ``C303``, ``C3012``).
    measurable : collection of str
        Divisions the statistics have (columns of the region x division matrix).
    divisions : collection of str, optional
        All NACE divisions, to expand a section (default: the divisions of ``measurable``).

    Returns
    -------
    DataFrame
        ``code``, ``division``, ``how`` (``exact`` / ``upper bound`` / ``section expanded``) and
        ``measurable`` (False for a division outside the statistics).

    Examples
    --------
    >>> resolve(["C3012", "H51", "K64"], ["C30", "H51"])[["division", "how", "measurable"]].values.tolist()
    [['C30', 'upper bound', True], ['H51', 'exact', True], ['K64', 'exact', False]]
    """
    measurable = set(measurable)
    divisions = sorted(set(divisions) if divisions is not None else measurable)
    rows = []
    for code in codes:
        if len(code) == 1:
            rows += [(code, d, "section expanded", d in measurable) for d in divisions if d[0] == code]
        else:
            d = code[:3]
            rows.append((code, d, "exact" if len(code) == 3 else "upper bound", d in measurable))
    return pd.DataFrame(rows, columns=["code", "division", "how", "measurable"])


def declared_matrix(declared: dict, measurable) -> pd.DataFrame:
    """Division x declared-cluster 0/1 matrix of the measurable divisions (clusters may overlap)."""
    divisions = sorted({d for ds in declared.values() for d in ds if d in set(measurable)})
    w = pd.DataFrame(0.0, index=divisions, columns=list(declared))
    for c, ds in declared.items():
        w.loc[[d for d in ds if d in w.index], c] = 1.0
    return w


def _cluster_employment(x: pd.DataFrame, w: pd.DataFrame) -> pd.DataFrame:
    x = x.reindex(columns=w.index).astype(float)
    out = x.fillna(0.0).to_numpy() @ w.to_numpy()
    seen = x.notna().to_numpy().astype(float) @ w.to_numpy()
    return pd.DataFrame(np.where(seen > 0, out, np.nan), index=x.index, columns=w.columns)


def verdict(row) -> tuple[str, str]:
    """``(verdict, reason)`` of one measured declared cluster (a row of :func:`measure`)."""
    outside = [d for d in row["not_measurable"].split(";") if d]
    out_words = sorted({OUTSIDE[d[0]] for d in outside})
    measured = [d for d in row["measured_divisions"].split(";") if d]
    if measured and len(outside) >= len(measured):
        return VERDICTS[3], (f"half or more of its divisions ({', '.join(outside)}: {', '.join(out_words)}) are outside "
                             f"the business statistics; the measurable part ({', '.join(measured)}) cannot stand for "
                             "the cluster")
    if not row["measured_divisions"] or pd.isna(row["employment"]):
        if row["measured_divisions"]:
            return VERDICTS[3], f"no value for {row['measured_divisions']} in this region (confidential or not published)"
        why = ", ".join(out_words) or "no code mapped"
        return VERDICTS[3], f"{why}: outside the business statistics (SBS covers B-N without K, and S95)"
    parts = []
    if outside:
        parts.append(f"{', '.join(outside)} outside the business statistics ({', '.join(out_words)}): understated")
    if row["upper_bound"]:
        parts.append(f"{row['upper_bound']} read through whole divisions (upper bound)")
    if row["coverage"] < 1:
        parts.append(f"coverage {row['coverage']:.0%}: missing cells are not zero")
    if row.get("estimated_share", 0) > 0:
        parts.append(f"{row['estimated_share']:.0%} of the employment estimated (confidential cells)")
    if row["exact_share"] < MIN_EXACT_SHARE:
        return VERDICTS[2], (f"class/group-level or partial cluster diluted in its division(s); the divisions' figures are "
                             f"an upper bound: {row['detail']}" + ("; " + "; ".join(parts[:1]) if outside else ""))
    v = VERDICTS[0] if row["lq"] >= 1 else VERDICTS[1]
    return v, "; ".join(parts) or "divisions named whole"



def _short(name: str, width: int = 48) -> str:
    """A division's name cut at a word, not in the middle of one ("Computer, electronic and optical…")."""
    import textwrap

    text = str(name).replace("Manufacture of ", "")
    return textwrap.shorten(text[:1].upper() + text[1:], width, placeholder="…")

def measure(declared: pd.DataFrame, counts: pd.DataFrame, region: str, units: pd.DataFrame | None = None,
            divisions=None, names: dict | None = None, estimated: pd.DataFrame | None = None) -> pd.DataFrame:
    """Declared clusters of one city measured in a region x division matrix.

    Parameters
    ----------
    declared : DataFrame
        One row per declared cluster: ``cluster`` (unique label) and ``codes`` (list of NACE codes); optional
        ``partial_codes`` (codes only part of which belongs to the cluster, e.g. FinTech in J62: read like an
        upper bound); other columns (``cluster_en``, ``tier``, ...) are kept.
    counts : DataFrame
        Region x division employment of **all** regions of the level (the reference of LQ and stars).
    region : str
        The row standing for the city.
    units : DataFrame, optional
        Region x division local units, for the US CMP ``strong`` rule (NaN without it).
    divisions : collection of str, optional
        All NACE divisions, to expand sections.
    names : dict, optional
        Division code -> name, used in ``detail``.
    estimated : DataFrame, optional
        Region x division, True where ``counts`` holds an estimate of a confidential cell
        (:attr:`s3lib.study.Study.estimated`); gives ``estimated_share`` and marks ``detail``.

    Returns
    -------
    DataFrame
        The declared columns plus ``measured_divisions``, ``not_measurable``, ``upper_bound`` (codes read
        through their division), ``employment``, ``share``, ``lq``, ``stars``, ``strong``, ``coverage``,
        ``exact_share``, ``estimated_share`` (of the employment in estimated cells), ``detail`` (employment
        and LQ of each division), ``verdict``, ``reason``.
    """
    from s3lib.measures.clusters import cluster_lq, observatory_stars, strong_clusters

    measurable = [c for c in counts.columns if counts[c].notna().any()]
    res = {c: resolve(codes, measurable, divisions) for c, codes in zip(declared["cluster"], declared["codes"])}
    if "partial_codes" in declared:
        for c, partial in zip(declared["cluster"], declared["partial_codes"]):
            r = res[c]
            r.loc[r["code"].isin(list(partial)) & (r["how"] == "exact"), "how"] = "partial code"
    sets = {c: list(dict.fromkeys(r.loc[r["measurable"], "division"])) for c, r in res.items()}
    w = declared_matrix(sets, measurable)
    total = counts.sum(axis=1)
    emp = _cluster_employment(counts, w)
    lq = cluster_lq(emp, total=total)
    stars = observatory_stars(emp, total=total)
    strong = strong_clusters(emp, _cluster_employment(units, w)) if units is not None else None
    x, div_lq = counts.loc[region], (counts.div(total, axis=0) / (counts.sum() / total.sum())).loc[region]
    est = (estimated.loc[region].reindex(counts.columns).fillna(False).astype(bool) if estimated is not None
           and region in estimated.index else pd.Series(False, index=counts.columns))
    rows = []
    for c, r in res.items():
        ds = sets[c]
        exact = set(r.loc[r["measurable"] & ~r["how"].isin(["upper bound", "partial code"]), "division"])
        e = float(emp.at[region, c]) if ds else np.nan
        observed = [d for d in ds if pd.notna(x.get(d))]
        detail = "; ".join(
            f"{d}{' ' + _short(names[d]) if names and d in names else ''}: "
            + (f"{x[d]:,.0f} employed{' (estimated)' if est[d] else ''}, LQ {div_lq[d]:.2f}" if d in observed
               else "no value")
            for d in ds)
        rows.append({
            "cluster": c,
            "measured_divisions": ";".join(ds),
            "not_measurable": ";".join(dict.fromkeys(r.loc[~r["measurable"], "division"])),
            "upper_bound": ", ".join(f"{a}->{b}" if a != b else f"{a} (partly)" for a, b in
                                     r.loc[r["how"].isin(["upper bound", "partial code"]), ["code", "division"]]
                                     .itertuples(index=False, name=None)),
            "employment": e,
            "share": e / total[region] if ds else np.nan,
            "lq": float(lq.at[region, c]) if ds else np.nan,
            "stars": float(stars.at[region, c]) if ds else np.nan,
            "strong": bool(strong.at[region, c]) if strong is not None and ds else False,
            "coverage": len(observed) / len(ds) if ds else 0.0,
            "exact_share": (float(x.reindex(sorted(exact)).sum()) / e) if ds and e > 0 else 0.0,
            "estimated_share": (float(x[[d for d in observed if est[d]]].sum()) / e) if ds and e > 0 else 0.0,
            "detail": detail,
        })
    out = declared.merge(pd.DataFrame(rows), on="cluster")
    verdicts = out.apply(verdict, axis=1, result_type="expand")
    out["verdict"], out["reason"] = verdicts[0], verdicts[1]
    # a cluster the statistics cannot measure prints no size, LQ, stars or strong flag: only why (the reason
    # names the divisions' own figures as the upper bound they are)
    blind = out["verdict"].isin(VERDICTS[2:])
    out.loc[blind, ["employment", "share", "lq", "stars"]] = np.nan
    out["strong"] = out["strong"].astype(object).where(~blind, None)
    return out


def undeclared(portfolio: pd.DataFrame, weights: pd.DataFrame, region_counts: pd.Series, declared_divisions,
               min_share: float = 0.5) -> pd.DataFrame:
    """Measured strong or starred clusters (US CMP) the city does not declare.

    A ``partial`` cluster (a fragment: less than half of its industry weight observed) is listed with its
    ``why`` and no employment, LQ, stars or strong flag; a cluster whose employment comes mostly (``min_share``)
    from divisions it holds less than half of is marked an estimate in ``why``.

    A portfolio cluster counts as declared when at least ``min_share`` of its employment in the region lies
    in divisions some declared cluster names (``share_declared``); for a cluster whose core the statistics
    cannot see (at least ``min_share`` of its industry weight has no value in the region, e.g. finance), when
    at least ``min_share`` of its industry weight does (``weight_declared``).

    Parameters
    ----------
    portfolio : DataFrame
        The place's portfolio (``cluster``, ``employment``, ``lq``, ``stars``, ``strong``, ``partial``).
    weights : DataFrame
        The scheme's long weights (``nace``, ``cluster``, ``weight``).
    region_counts : Series
        The region's employment by division.
    declared_divisions : collection of str
    """
    declared_divisions = set(declared_divisions)
    w = weights.assign(emp=weights["weight"] * weights["nace"].map(region_counts).fillna(0.0))
    w["declared"] = w["nace"].isin(declared_divisions)
    share = w.groupby("cluster").apply(
        lambda g: g.loc[g["declared"], "emp"].sum() / g["emp"].sum() if g["emp"].sum() > 0 else 0.0,
        include_groups=False)
    weight = w.groupby("cluster").apply(lambda g: g.loc[g["declared"], "weight"].sum() / g["weight"].sum(),
                                        include_groups=False)
    pf = portfolio[(portfolio["strong"].astype(bool)) | (portfolio["stars"] >= 2)].copy()
    pf["share_declared"] = pf["cluster"].map(share).fillna(0.0)
    pf["weight_declared"] = pf["cluster"].map(weight).fillna(0.0)
    w["seen"] = w["nace"].map(region_counts).notna()
    unseen = w.groupby("cluster").apply(lambda g: g.loc[~g["seen"], "weight"].sum() / g["weight"].sum(),
                                        include_groups=False)
    by_weight = pf["cluster"].map(unseen).fillna(0.0) >= min_share
    pf["declared"] = (pf["share_declared"] >= min_share) | (by_weight & (pf["weight_declared"] >= min_share))
    pf = pf.sort_values(["declared", "employment"], ascending=[True, False])
    fragment = pf["partial"].astype(bool)
    shared = w.assign(split=w["weight"] < 0.5).groupby("cluster").apply(
        lambda g: g.loc[g["split"], "emp"].sum() / g["emp"].sum() if g["emp"].sum() > 0 else 0.0,
        include_groups=False)
    apportioned = pf["cluster"].map(shared).fillna(0.0) >= min_share
    pf["why"] = np.where(fragment, "fragment: less than half of the cluster's industry weight observed in the "
                         "region, its stars and size are not the cluster's",
                         np.where(apportioned, "estimate: most of its employment is an apportioned share of "
                                  "divisions it shares with other clusters", ""))
    pf.loc[fragment, ["employment", "lq", "stars"]] = np.nan
    pf["strong"] = pf["strong"].astype(object).where(~fragment, None)
    cols = ["cluster", "employment", "lq", "stars", "strong", "partial", "share_declared", "weight_declared",
            "declared", "why"]
    return pf[cols].reset_index(drop=True)


def three_way(measured: pd.DataFrame, priorities: pd.DataFrame, measurable) -> pd.DataFrame:
    """Declared clusters x RIS3 priorities x data: one row per pair whose codes overlap, plus the unmatched.

    Two mappings overlap where a code of one contains or equals a code of the other (``C26`` and ``C267``;
    ``M711`` and ``M7111``), not merely on the same division: health ``C26.6`` and photonics ``C26.7`` do not.

    Parameters
    ----------
    measured : DataFrame
        :func:`measure` output (``cluster``, ``codes``, ``lq``, ``verdict``).
    priorities : DataFrame
        ``label`` and ``nace_detail`` (``;``-separated codes of any level; ``nace_divisions`` if absent).
    measurable : collection of str
        Divisions the statistics have.

    Returns
    -------
    DataFrame
        ``cluster``, ``priority`` (NaN = none), ``shared`` (divisions both name), ``shared_measurable``,
        ``match``: ``both, measurable`` / ``both, not measurable`` / ``cluster without RIS3 home`` /
        ``priority without city cluster``; and the cluster's ``lq`` and ``verdict``.
    """
    measurable = set(measurable)
    column = "nace_detail" if "nace_detail" in priorities else "nace_divisions"
    prio = {r["label"]: [d for d in r[column].split(";") if d] for _, r in priorities.iterrows()}
    rows, homed = [], set()
    for r in measured.itertuples():
        found = False
        for label, pcodes in prio.items():
            shared = list(dict.fromkeys(max(a, b, key=len)[:3] for a in r.codes for b in pcodes
                                        if a.startswith(b) or b.startswith(a)))
            if shared:
                found = True
                homed.add(label)
                ok = [d for d in shared if d in measurable]
                rows.append((r.cluster, label, ";".join(shared), ";".join(ok),
                             "both, measurable" if ok else "both, not measurable", r.lq, r.verdict))
        if not found:
            rows.append((r.cluster, np.nan, "", "", "cluster without RIS3 home", r.lq, r.verdict))
    for label in prio:
        if label not in homed:
            rows.append((np.nan, label, "", "", "priority without city cluster", np.nan, ""))
    return pd.DataFrame(rows, columns=["cluster", "priority", "shared", "shared_measurable", "match", "lq",
                                       "verdict"])


def urban_character(city: pd.Series, region: pd.Series, sectors) -> pd.DataFrame:
    """Urban character of broad sectors: ``(x_city,s / x_region,s) / (x_city,total / x_region,total)``.

    ``city`` and ``region`` are employment by broad sector with a ``TOTAL`` entry (NUTS3 and its NUTS2
    region, one year). Above 1, the sector is more concentrated in the city than the region's jobs overall.

    Examples
    --------
    >>> c, r = pd.Series({"K": 30.0, "TOTAL": 100.0}), pd.Series({"K": 40.0, "TOTAL": 400.0})
    >>> urban_character(c, r, ["K"])["urban_character"].tolist()    # (30/40) / (100/400)
    [3.0]
    """
    rows = []
    base = city["TOTAL"] / region["TOTAL"]
    for s in sectors:
        if s in city.index and s in region.index and pd.notna(city[s]) and region[s] > 0:
            share = city[s] / region[s]
            rows.append((s, city[s], region[s], share, share / base))
    return pd.DataFrame(rows, columns=["sector", "city", "region", "city_share", "urban_character"])
