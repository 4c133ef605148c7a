"""Partner regions for one cluster of a place: peers, complements and priority partners (pure table logic).

For a place and one of its clusters ``c``, every other region ``q`` of the level is judged on tables the
study hands in (:mod:`s3lib.study.partners` builds them):

* **Strength** in a cluster: specialised (``LQ_qc >= 1``) and at least ``min_size`` persons employed, on the
  apportioned value (``lower``) **and on clean cells only** (published, not estimated, no cell break: the
  integrity rules of every advice table). Ranked by Cluster Observatory stars, then by
  ``score = (pct(E_qc) + pct(LQ_qc)) / 2``, the mean percentile of size and specialisation among all regions
  with the cluster.
* **Set apart, with the flag** (never ranked): a region that passes only on estimated or broken cells, only with
  whole divisions (``upper``: every division the cluster touches, ``LQ`` of the upper bound against the upper
  bounds of all regions), or whose value is mostly a division split among clusters that **another cluster claims**
  (:func:`sibling_claims`: the division goes mostly to a sibling cluster, by class count, and the region holds
  that sibling on divisions of its own: C30 is a quarter ships and an eighth aircraft, so a coast holding water
  transport (H50) reads its C30 as shipbuilding, not aerospace).
* **Peers** (:func:`rank_peers`): strong in ``c``. **Complements** (:func:`rank_complements`): strong in a cluster
  related to ``c`` that the place lacks or has weakly (``LQ < 1``), at most ``max_per_related`` regions per related
  cluster, where the relation **passes the gate** (:func:`complement_gate`, :data:`GATE_RULE`): at least
  :data:`MIN_COMPLEMENT_CHANNELS` of the channels (EU co-location, US value chain, US shared occupations;
  :func:`relatives`) at the 90th percentile of their hub-normalised strength, co-location not counted where one
  cluster is mostly divisions the other also draws on. Delgado, Porter & Stern (2016) relate clusters on a
  combination of linkage types because each type alone captures one partial reason two industries go together
  (their related clusters are the top decile of the combined measure); Neffke & Henning (2013) show that skill
  links and value-chain links are distinct and that a value-chain link alone says little about shared
  capabilities. One channel alone at the 90th percentile admits 17.5 % of all pairs of the 51 US CMP clusters (an
  input-output purchase such as electricity for steel, a generic occupation such as drivers or craft workers);
  two channels admit 6.3 %. Regions strong in a cluster related on one channel only are set apart
  (:func:`gate_apart`, flag :data:`GATE_FLAG`), never ranked. **Priority partners**
  (:func:`priority_matches`): regions whose sourced RIS3 priorities name the cluster's activities (the priority's
  codes cover at least :data:`MIN_PRIORITY_COVER` of the cluster's employment).

A declared segment of a city is read as the scheme's cluster it overlaps most (:func:`segment_clusters`: the
Ochiai overlap of their employment, ``O / sqrt(E_segment E_cluster)``).

Statistics find candidates, not agreements (:data:`CAVEAT`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.measures.links import CHANNEL_PERCENTILE, CHANNEL_WORDS, MAX_SHARED_ACTIVITY, MIN_COOPERATION_EMPLOYMENT

__all__ = ["CAVEAT", "GATE_FLAG", "GATE_RULE", "KINDS", "MAX_PER_RELATED", "MIN_COMPLEMENT_CHANNELS", "MIN_PARTNER_LQ",
           "MIN_PARTNER_SIZE", "MIN_PRIORITY_COVER", "MIN_SEGMENT_MATCH", "SIBLING_SHARE", "code_matches",
           "complement_gate", "directional_shares", "evidence", "gate_apart", "haversine_km", "judge", "keep_mask",
           "priority_matches", "priority_overlap", "rank_complements", "rank_peers", "relatives", "segment_clusters",
           "sibling_claims"]

#: The kinds of partner, in the order they are shown.
KINDS = ("peers", "complements", "priority")
#: A partner is specialised in the cluster ...
MIN_PARTNER_LQ = 1.0
#: ... and employs at least this many persons in it (default ``min_size``; the floor of a cooperation pair).
MIN_PARTNER_SIZE = MIN_COOPERATION_EMPLOYMENT
#: At most this many complements per related cluster in the ranked list (unless the data leave no other).
MAX_PER_RELATED = 2
#: A complement's cluster is related to the place's on at least this many channels at the 90th percentile.
MIN_COMPLEMENT_CHANNELS = 2
#: The gate a complement passes, in words (shown beside every complement table).
GATE_RULE = (f"a complement is strong in a cluster related on at least {MIN_COMPLEMENT_CHANNELS} channels at the "
             f"{CHANNEL_PERCENTILE}th percentile of all cluster pairs (EU co-location; US input-output links and "
             "shared occupations, hub-normalised; co-location not counted for clusters cut from the same divisions): "
             "one channel alone is one partial reason to be related (Delgado, Porter & Stern 2016 combine them; "
             "Neffke & Henning 2013)")
#: The flag of a region strong in a cluster related on too few channels.
GATE_FLAG = "below the relatedness gate"
#: A declared segment maps to a cluster only when their employment overlap (Ochiai) reaches this.
MIN_SEGMENT_MATCH = 0.25
#: A priority names a cluster when its codes cover at least this share of the cluster's EU employment.
MIN_PRIORITY_COVER = 0.5
#: A region's value rests on a split division when that division gives at least this share of it.
SIBLING_SHARE = 0.5
#: What every partner table says beside it.
CAVEAT = ("Statistics find candidates, not agreements: a region listed here is strong or related in the data, "
          "not a partner that wants to cooperate; ask its cluster organisation, development agency or RIS3 team.")


# ----------------------------------------------------------------------------- geometry

def haversine_km(lon, lat, lon0: float, lat0: float) -> np.ndarray:
    """Great-circle distance in km (mean Earth radius 6,371 km) from ``(lon0, lat0)`` to each ``(lon, lat)``.

    >>> round(float(haversine_km([2.35], [48.86], -0.58, 44.84)[0]))   # Paris - Bordeaux
    499
    """
    lon, lat = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    lon0, lat0 = np.radians(lon0), np.radians(lat0)
    a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat) * np.cos(lat0) * np.sin((lon - lon0) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def keep_mask(regions: pd.Index, country: pd.Series, origin: str, *, countries=None, other_countries: bool = True,
              distance: pd.Series | None = None, max_km: float | None = None) -> pd.Series:
    """True for the regions a search keeps: not the origin, in ``countries`` (all when None), outside the origin's
    country when ``other_countries``, and within ``max_km`` of it (a region without a distance is left out then).

    >>> idx = pd.Index(["FR1", "FR2", "DE1"])
    >>> keep_mask(idx, pd.Series(["FR", "FR", "DE"], index=idx), "FR1").tolist()
    [False, False, True]
    """
    country = country.reindex(regions)
    keep = pd.Series(regions != origin, index=regions)
    if countries is not None:
        keep &= country.isin(list(countries))
    if other_countries:
        keep &= country != country.get(origin)
    if max_km is not None:
        keep &= (distance.reindex(regions) <= max_km).fillna(False).astype(bool) if distance is not None else False
    return keep


# ----------------------------------------------------------------------------- activities -> clusters

def code_matches(codes, table_codes: pd.Series) -> np.ndarray:
    """True for each code of ``table_codes`` inside one of ``codes`` (a section, division, group or class), or
    containing one (a class asked of a table of divisions is read through its whole division).

    >>> code_matches(["C303", "H51"], pd.Series(["C3030", "C3011", "H5110", "C30"])).tolist()
    [True, False, True, True]
    """
    codes = tuple(str(c) for c in codes if c)
    if not codes:
        return np.zeros(len(table_codes), dtype=bool)
    return np.array([t.startswith(codes) or any(c.startswith(t) for c in codes) for t in map(str, table_codes)],
                    dtype=bool)


def segment_clusters(codes, activities: pd.DataFrame) -> pd.DataFrame:
    """How a list of NACE codes (a declared segment, a RIS3 priority) overlaps each cluster, by employment.

    Parameters
    ----------
    codes : list of str
    activities : DataFrame
        One row per activity code and cluster share: ``code`` (class or division), ``cluster`` (empty for the
        part of the activity in no cluster of the scheme) and ``employment`` (EU employment of that share).

    Returns
    -------
    DataFrame
        Index cluster; ``overlap`` (employment in both), ``precision`` (its share of the codes' employment),
        ``recall`` (its share of the cluster's employment), ``match`` = ``sqrt(precision x recall)`` (Ochiai);
        sorted by ``match``.

    >>> act = pd.DataFrame({"code": ["a1", "a2", "b1"], "cluster": ["K", "L", "L"], "employment": [30.0, 10.0, 60.0]})
    >>> segment_clusters(["a"], act)["match"].round(2).to_dict()
    {'K': 0.87, 'L': 0.19}
    """
    hit = code_matches(codes, activities["code"])
    total = float(activities.loc[hit, "employment"].sum())
    clustered = activities[activities["cluster"].astype(str) != ""]
    size = clustered.groupby("cluster")["employment"].sum()
    overlap = clustered[hit[(activities["cluster"].astype(str) != "").to_numpy()]].groupby("cluster")["employment"].sum()
    overlap = overlap[overlap > 0]
    out = pd.DataFrame({"overlap": overlap, "precision": overlap / total if total > 0 else np.nan,
                        "recall": overlap / size.reindex(overlap.index)})
    out["match"] = np.sqrt(out["precision"] * out["recall"])
    out.index.name = "cluster"
    return out.sort_values(["match", "recall"], ascending=False)


def directional_shares(weights: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """Cluster x cluster ``S_ab``: the share of cluster ``a``'s employment in activities cluster ``b`` also draws on
    (:func:`s3lib.measures.links.shared_activity` keeps the smaller direction; here both are kept). Diagonal NaN.

    >>> w = pd.DataFrame({"A": [1.0, 0.0], "B": [0.5, 0.5]}, index=["x", "y"])
    >>> directional_shares(w, pd.Series({"x": 10.0, "y": 10.0})).round(2).values.tolist()
    [[nan, 1.0], [0.5, nan]]
    """
    w = weights.reindex(totals.index).fillna(0.0)
    employment = w.mul(totals, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (employment.T @ (w > 0).astype(float)).div(employment.sum(axis=0), axis=0)
    out = share.to_numpy(dtype=float).copy()
    np.fill_diagonal(out, np.nan)
    return pd.DataFrame(out, index=w.columns, columns=w.columns)


# ----------------------------------------------------------------------------- strength of a region

def evidence(rows: pd.DataFrame, clean: pd.Series, total: pd.Series) -> pd.DataFrame:
    """One cluster in every region, with the three readings partners are judged on.

    Parameters
    ----------
    rows : DataFrame
        Index region: the cluster's portfolio rows (:func:`s3lib.measures.clusters.portfolio_table`):
        ``employment`` (= ``lower``), ``upper``, ``lq``, ``stars``, ``partial`` and ``rests_on_apportioning``.
    clean : Series
        The cluster's employment from clean cells only (published, not estimated, no cell break), by region.
    total : Series
        Region totals (the LQ denominators).

    Returns
    -------
    DataFrame
        ``rows`` plus ``clean``, ``lq_clean = LQ x clean / employment``, ``lq_upper`` (the upper bound's LQ against
        the upper bounds of all regions) and ``score`` (mean percentile of employment and LQ among the regions
        with the cluster, 0-1).
    """
    ev = rows.copy()
    emp = ev["employment"].where(ev["employment"] > 0)
    ev["clean"] = clean.reindex(ev.index).fillna(0.0).clip(upper=ev["employment"].fillna(0.0))
    ev["lq_clean"] = (ev["lq"] * ev["clean"] / emp).fillna(0.0)
    t = total.reindex(ev.index).astype(float)
    upper = ev["upper"].fillna(0.0)
    ev["lq_upper"] = (upper / t) / (upper.sum() / t[upper.notna()].sum())
    ev["score"] = (emp.rank(pct=True) + ev["lq"].where(emp.notna()).rank(pct=True)) / 2
    return ev


def sibling_claims(counts: pd.DataFrame, weights: pd.DataFrame, cluster: str, total: pd.Series,
                   share: float = SIBLING_SHARE) -> pd.DataFrame:
    """Regions whose value of ``cluster`` is mostly a division that another cluster claims there.

    For each region, the split division (``0 < w_dc < 1``) that gives most of the cluster's apportioned value
    is found; if it gives at least ``share`` of it and the division's largest cluster by class weight is a
    sibling ``s`` (``w_ds > w_dc``) that the region holds on divisions of its own (``w >= 0.5`` and not touched
    by ``cluster``; LQ of that part ``>= 1``), the region's value is as likely the sibling's. Where a cell of the
    sibling's own divisions is not published the region cannot be cleared, and is claimed too (``own_lq`` NaN).

    Returns
    -------
    DataFrame
        Index region (claimed regions only): ``division``, ``share`` (of the cluster's value), ``sibling``,
        ``own`` (the sibling's own divisions), ``own_lq``.

    Examples
    --------
    >>> w = pd.DataFrame({"Air": [.125, 0, 0], "Ships": [.25, 1.0, 0], "Rest": [0, 0, 1.0]}, index=["C30", "H50", "X"])
    >>> x = pd.DataFrame({"C30": [100.0, 100.0], "H50": [50.0, 0.0], "X": [850.0, 900.0]}, index=["coast", "inland"])
    >>> sibling_claims(x, w, "Air", x.sum(axis=1))[["division", "sibling"]].values.tolist()
    [['C30', 'Ships']]
    """
    columns = ["division", "share", "sibling", "own", "own_lq"]
    w = weights.reindex(columns=weights.columns)
    wc = w[cluster]
    split = wc[(wc > 0) & (wc < 1 - 1e-9)]
    x = counts.reindex(columns=w.index).astype(float).fillna(0.0)
    lower = x @ wc.fillna(0.0)
    if split.empty:
        return pd.DataFrame(columns=columns)
    parts = x[split.index] * split
    dominant = parts.idxmax(axis=1)
    part_share = parts.max(axis=1) / lower.where(lower > 0)
    t = total.reindex(x.index).astype(float)
    rows = {}
    for division in split.index:
        others = w.loc[division].drop(cluster)
        sibling = others.idxmax()
        if not others[sibling] > wc[division]:
            continue
        own = w.index[(w[sibling] >= 0.5) & (wc.reindex(w.index).fillna(0.0) == 0)]
        if len(own) == 0:
            continue
        own_emp = x[own] @ w.loc[own, sibling]
        own_lq = (own_emp / t) / (own_emp.sum() / t.sum())
        # unknown is not "no": a region whose sibling cells are not published cannot be cleared of the sibling
        unknown = counts.reindex(columns=own).isna().any(axis=1).reindex(x.index).fillna(True)
        hit = (dominant == division) & (part_share >= share) & ((own_lq >= 1) | unknown)
        for region in x.index[hit.to_numpy()]:
            lq = float(own_lq[region]) if not unknown[region] else float("nan")
            rows[region] = (division, float(part_share[region]), sibling, ", ".join(own), lq)
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def judge(ev: pd.DataFrame, *, min_size: float = MIN_PARTNER_SIZE, min_lq: float = MIN_PARTNER_LQ,
          cells: pd.Series | None = None, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each region's status in the cluster: ``partner``, ``apart`` (with ``flag`` and ``why``) or ``weak``.

    ``partner``: passes (``LQ >= min_lq`` and ``employment >= min_size``) on clean cells, and no sibling cluster
    claims its value. ``apart``: passes, but only with estimated or broken cells (``cells``: region -> the cells,
    in words), only with whole divisions (the upper bound), or a sibling claims it (``claims``,
    :func:`sibling_claims`). A fragment (``partial``: under half the cluster's industries observed) is ``weak``.
    """
    out = ev.copy()
    passes = lambda emp, lq: (emp >= min_size) & (lq >= min_lq)
    whole = ~out["partial"].fillna(True).astype(bool)
    lower = passes(out["employment"].fillna(0.0), out["lq"].fillna(0.0)) & whole
    clean = passes(out["clean"], out["lq_clean"]) & whole
    upper = passes(out["upper"].fillna(0.0), out["lq_upper"].fillna(0.0)) & whole
    claimed = out.index.isin(claims.index) if claims is not None else np.zeros(len(out), dtype=bool)
    cells = (cells if cells is not None else pd.Series(dtype=object)).reindex(out.index).fillna("")
    out["status"], out["flag"], out["why"] = "weak", "", ""
    partner = clean & ~claimed
    out.loc[partner, "status"] = "partner"
    for mask, flag, why in (
        (lower & ~clean, "estimated or broken cells",
         lambda r: f"passes only with {cells[r] or 'estimated or broken cells'}: clean cells give "
                   f"{out.at[r, 'clean']:,.0f} persons, LQ {out.at[r, 'lq_clean']:.2f}"),
        (clean & claimed, "claimed by a sibling cluster",
         lambda r: (f"{claims.at[r, 'share']:.0%} of it is {claims.at[r, 'division']}, which goes mostly to "
                    f"{claims.at[r, 'sibling']}, " + (f"held here on {claims.at[r, 'own']} (LQ {claims.at[r, 'own_lq']:.2f})"
                    if claims.at[r, 'own_lq'] == claims.at[r, 'own_lq'] else
                    f"whose own cells here ({claims.at[r, 'own']}) are not published: it cannot be ruled out"))),
        (~lower & upper, "whole divisions only",
         lambda r: f"passes only with whole divisions: {out.at[r, 'employment']:,.0f} apportioned (LQ "
                   f"{out.at[r, 'lq']:.2f}) to {out.at[r, 'upper']:,.0f} (LQ {out.at[r, 'lq_upper']:.2f})"),
    ):
        mask = mask & (out["status"] == "weak")
        out.loc[mask, "status"], out.loc[mask, "flag"] = "apart", flag
        out.loc[mask, "why"] = [why(r) for r in out.index[mask]]
    return out


def _reason(row, stars_words: bool = True) -> str:
    stars = int(row["stars"]) if pd.notna(row["stars"]) else 0
    parts = [f"{stars} star{'s' if stars != 1 else ''}"]
    if stars_words and stars:
        named = [w for w, c in (("size", "size_star"), ("specialisation", "specialisation_star"),
                                ("focus", "focus_star")) if bool(row.get(c, False))]
        parts[0] += f" ({', '.join(named)})" if named else ""
    parts.append(f"{row['employment']:,.0f} employed, LQ {row['lq']:.2f}")
    if bool(row.get("rests_on_apportioning", False)):
        parts.append(f"apportioned: {row['employment']:,.0f} of {row['upper']:,.0f} with whole divisions")
    return "; ".join(parts)


_PEER_COLUMNS = ["region", "name", "country", "employment", "upper", "lq", "stars", "score", "distance_km",
                 "apportioned", "reason"]
_APART_COLUMNS = ["kind", "cluster", "region", "name", "country", "employment", "upper", "lq", "lq_upper", "flag", "why"]


def _apart(judged: pd.DataFrame, keep: pd.Series, kind: str, cluster: str, n: int) -> pd.DataFrame:
    rows = judged[(judged["status"] == "apart") & keep.reindex(judged.index).fillna(False).astype(bool)]
    rows = rows.assign(_s=rows[["lq", "lq_upper"]].max(axis=1)).sort_values(["stars", "_s"], ascending=False).head(n)
    out = rows.rename_axis("region").reset_index().assign(kind=kind, cluster=cluster)
    return out.reindex(columns=_APART_COLUMNS)


def rank_peers(judged: pd.DataFrame, keep: pd.Series, cluster: str, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The top ``n`` peers among the kept regions (:func:`judge`'s partners, by stars then score) and the regions
    set apart. ``judged`` carries ``name``, ``country`` and ``distance_km`` columns.

    Returns ``(peers, apart)``: peers ``region, name, country, employment, upper, lq, stars, score, distance_km,
    apportioned, reason``; apart ``kind, cluster, region, name, country, employment, upper, lq, lq_upper, flag, why``.
    """
    ok = judged[(judged["status"] == "partner") & keep.reindex(judged.index).fillna(False).astype(bool)]
    ok = ok.sort_values(["stars", "score", "employment"], ascending=False).head(n)
    table = ok.rename_axis("region").reset_index()
    table["apportioned"] = table["rests_on_apportioning"].fillna(False).astype(bool)
    table["reason"] = [_reason(r) for _, r in table.iterrows()]
    return table.reindex(columns=_PEER_COLUMNS), _apart(judged, keep, "peer", cluster, n)


# ----------------------------------------------------------------------------- related clusters

def relatives(cluster: str, channels: dict[str, pd.DataFrame], shares: pd.DataFrame | None = None,
              threshold: float = CHANNEL_PERCENTILE, max_overlap: float = MAX_SHARED_ACTIVITY) -> pd.DataFrame:
    """The clusters related to ``cluster`` on at least one channel (percentile ``>= threshold``), each channel on
    its own (:func:`s3lib.measures.links.link_pairs`' rule); complements come only from those that also pass
    :func:`complement_gate` (two channels).

    ``shares`` (:func:`directional_shares`): where the two clusters both draw ``max_overlap`` or more of their
    employment from the same activities the other is left out (the other half of the same divisions); where one
    of them does, their co-location restates those divisions and is not counted (only the channels measured on
    finer industries can relate them). Where ``channels`` has channels besides co-location (the US value chain and
    occupations), co-location alone relates nothing: a complement is a value-chain or competence partner, and
    co-location alone mostly maps which clusters the same kind of region has (apparel, tobacco and mining in the
    EU's poorer regions).

    >>> ch = {"co-location": pd.DataFrame([[np.nan, 95, 95], [95, np.nan, 0], [95, 0, np.nan]], index=list("abc"),
    ...                                   columns=list("abc")),
    ...       "value chain": pd.DataFrame([[np.nan, 92, 10], [92, np.nan, 0], [10, 0, np.nan]], index=list("abc"),
    ...                                   columns=list("abc"))}
    >>> relatives("a", ch)[["n_channels", "channels"]].values.tolist()
    [[2, 'co-located in EU regions (pc 95), input-output links (US) (pc 92)']]

    Returns
    -------
    DataFrame
        Index related cluster; one column per channel, ``channels`` (words with percentiles, strongest first),
        ``n_channels``, ``mean_percentile`` (over every channel measured); sorted by ``n_channels`` then
        ``mean_percentile``.
    """
    values = pd.DataFrame({c: m.loc[cluster] if cluster in m.index else pd.Series(dtype=float)
                           for c, m in channels.items()}).drop(index=cluster, errors="ignore")
    if shares is not None and cluster in shares.index:
        there, back = shares.loc[cluster].reindex(values.index), shares[cluster].reindex(values.index)
        values = values[~((there >= max_overlap) & (back >= max_overlap))]
        if "co-location" in values:
            one = (there.reindex(values.index) >= max_overlap) | (back.reindex(values.index) >= max_overlap)
            values.loc[one, "co-location"] = np.nan
    strong = values >= threshold
    other = [c for c in values.columns if c != "co-location"]
    values = values[(strong[other] if other else strong).any(axis=1)]
    out = values.copy()
    out["n_channels"] = strong.loc[values.index].sum(axis=1).astype(int)
    out["mean_percentile"] = values.mean(axis=1)
    out["channels"] = [", ".join(f"{CHANNEL_WORDS.get(c, c)} (pc {row[c]:.0f})"
                                 for c in sorted((c for c in channels if row.get(c, np.nan) >= threshold),
                                                 key=lambda c: -row[c]))
                       for _, row in values.iterrows()]
    out.index.name = "cluster"
    return out.sort_values(["n_channels", "mean_percentile"], ascending=False)


def complement_gate(related: pd.DataFrame, min_channels: int = MIN_COMPLEMENT_CHANNELS,
                    measured: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split :func:`relatives` into the related clusters a complement may come from and the rest (:data:`GATE_RULE`).

    A related cluster passes with ``n_channels >= min_channels``; the rest get a ``why`` in words. ``measured``:
    the channels the scheme measures (a scheme with co-location only can relate no complement; said in ``why``).

    >>> rel = pd.DataFrame({"n_channels": [3, 1], "channels": ["a (pc 95), b (pc 93), c (pc 91)", "b (pc 97)"]},
    ...                    index=pd.Index(["K", "L"], name="cluster"))
    >>> ok, below = complement_gate(rel)
    >>> ok.index.tolist(), below["why"].tolist()
    (['K'], ['related through b (pc 97) only: a complement needs 2 channels at the 90th percentile'])
    """
    passes = related["n_channels"] >= min_channels
    below = related[~passes].copy()
    if measured is not None and measured < min_channels:
        note = f"the scheme measures {measured} channel{'s' if measured != 1 else ''} only"
    else:
        note = None
    below["why"] = [f"related through {ch} only: " + (note or f"a complement needs {min_channels} channels at the "
                                                              f"{CHANNEL_PERCENTILE}th percentile")
                    for ch in below["channels"]]
    return related[passes], below


def gate_apart(table: pd.DataFrame, below: pd.DataFrame, n: int) -> pd.DataFrame:
    """The regions :func:`rank_complements` would list for the clusters ``below`` the gate, as rows set apart
    (``kind`` complement, ``flag`` :data:`GATE_FLAG`, ``why``: the region's strength and the one channel)."""
    if table.empty:
        return pd.DataFrame(columns=_APART_COLUMNS)
    rows = table.head(n).assign(kind="complement", cluster=table["related"], upper=np.nan, lq_upper=np.nan,
                                flag=GATE_FLAG)
    rows["why"] = [f"strong in {b} ({e:,.0f} employed, LQ {lq:.2f}), {below.at[b, 'why']}"
                   for b, e, lq in zip(rows["related"], rows["employment"], rows["lq"])]
    return rows.reindex(columns=_APART_COLUMNS).reset_index(drop=True)


_COMPLEMENT_COLUMNS = ["region", "name", "country", "related", "channels", "employment", "lq", "stars", "place_lq",
                       "distance_km", "also", "also_peer", "reason"]


def rank_complements(judged: dict[str, pd.DataFrame], related: pd.DataFrame, place_lq: pd.Series, keep: pd.Series,
                     n: int = 10, max_per_related: int = MAX_PER_RELATED,
                     peers=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The top ``n`` complements: regions strong (:func:`judge`) in a related cluster (:func:`relatives`, the part
    that passes :func:`complement_gate`) that the place lacks or has weakly (``place_lq < 1`` or not observed there).

    Rows are ranked by the relation (number of channels, then mean percentile), then by the region's strength in
    the related cluster (stars, then score); one row per region (its first related cluster; ``also`` names the
    others it is strong in) and at most ``max_per_related`` rows per related cluster (a shorter list rather than
    ten regions of one related cluster). ``peers``: regions that are peers too (``also_peer``).

    Returns ``(complements, apart)``.
    """
    rows, apart = [], []
    keep = keep.fillna(False).astype(bool)
    for b, rel in related.iterrows():
        if place_lq.get(b, np.nan) >= 1 or b not in judged:
            continue
        ev = judged[b]
        ok = ev[(ev["status"] == "partner") & keep.reindex(ev.index).fillna(False).astype(bool)]
        if len(ok):
            rows.append(ok.rename_axis("region").reset_index().assign(
                related=b, channels=rel["channels"], place_lq=place_lq.get(b, np.nan), _n=rel["n_channels"],
                _m=round(float(rel["mean_percentile"]), 1), _score=ok["score"].to_numpy()))
        apart.append(_apart(ev, keep, "complement", b, n))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if "distance_km" not in frame:
        frame["distance_km"] = np.nan
    if frame.empty:
        return pd.DataFrame(columns=_COMPLEMENT_COLUMNS), _top_apart(apart, n)
    frame = frame.sort_values(["_n", "_m", "stars", "_score"], ascending=False, kind="stable")
    strong_in = frame.groupby("region")["related"].agg(list)
    first = frame.drop_duplicates("region")
    chosen, uses = [], {}
    for _, r in first.iterrows():
        if len(chosen) == n:
            break
        if uses.get(r["related"], 0) >= max_per_related:
            continue
        chosen.append(r)
        uses[r["related"]] = uses.get(r["related"], 0) + 1
    out = pd.DataFrame(chosen)
    out["_reason"] = [_reason(r, stars_words=False) for _, r in out.iterrows()]
    out["also"] = [", ".join(c for c in strong_in[r] if c != b) for r, b in zip(out["region"], out["related"])]
    out["also_peer"] = out["region"].isin(list(peers))
    out["reason"] = [f"strong in {b} ({why}), which the place " + _lacks(p) + f"; related through {ch}"
                     for b, why, p, ch in zip(out["related"], out["_reason"], out["place_lq"], out["channels"])]
    return out.reindex(columns=_COMPLEMENT_COLUMNS).reset_index(drop=True), _top_apart(apart, n)


def _lacks(lq: float) -> str:
    if pd.isna(lq):
        return "barely has in the data (a fragment)"
    return f"{'does not have' if lq < 0.5 else 'has weakly'} (LQ {lq:.2f})"


def _top_apart(parts: list, n: int) -> pd.DataFrame:
    """The ``n`` strongest regions set apart over several related clusters (most stars, then highest LQ)."""
    parts = [a for a in parts if len(a)]
    if not parts:
        return pd.DataFrame(columns=_APART_COLUMNS)
    table = pd.concat(parts, ignore_index=True)
    table = table.assign(_s=table[["lq", "lq_upper"]].max(axis=1)).sort_values("_s", ascending=False, kind="stable")
    return table.drop_duplicates("region").head(n).drop(columns="_s").reset_index(drop=True)


# ----------------------------------------------------------------------------- RIS3 priorities

_PRIORITY_COLUMNS = ["region", "name", "country", "owner", "owner_name", "period", "priority", "type", "codes",
                     "covers", "focus", "lq", "distance_km", "reason"]


def priority_overlap(priorities: pd.DataFrame, activities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(covers, focus)``: for each priority (rows, in the order of ``priorities``) and cluster, the share of the
    cluster's employment the priority's codes cover and the cluster's share of the codes' employment
    (:func:`segment_clusters`' ``recall`` and ``precision``; 0 where they do not overlap)."""
    covers, focus = [], []
    for codes in priorities["codes"]:
        table = segment_clusters(list(codes), activities)
        covers.append(table["recall"])
        focus.append(table["precision"])
    index = pd.RangeIndex(len(priorities))
    return (pd.DataFrame(covers, index=index).fillna(0.0), pd.DataFrame(focus, index=index).fillna(0.0))


def priority_matches(priorities: pd.DataFrame, activities: pd.DataFrame, cluster: str,
                     min_cover: float = MIN_PRIORITY_COVER, overlap=None) -> pd.DataFrame:
    """The priorities that name ``cluster``: their codes cover at least ``min_cover`` of its EU employment.

    Parameters
    ----------
    priorities : DataFrame
        One row per priority: ``priority_id``, ``codes`` (a list of NACE codes) and any other columns.
    activities : DataFrame
        As in :func:`segment_clusters`.
    overlap : tuple, optional
        :func:`priority_overlap` of the same tables, when computed once for many clusters.

    Returns
    -------
    DataFrame
        The matching rows plus ``covers`` (share of the cluster's employment the codes cover) and ``focus`` (the
        cluster's share of the codes' employment), by ``focus`` (the priority most about the cluster first).

    >>> act = pd.DataFrame({"code": ["a1", "a2", "b1"], "cluster": ["K", "L", "L"], "employment": [30.0, 10.0, 60.0]})
    >>> p = pd.DataFrame({"priority_id": ["x", "y"], "codes": [["a"], ["b"]]})
    >>> priority_matches(p, act, "K")["priority_id"].tolist()
    ['x']
    """
    covers, focus = overlap if overlap is not None else priority_overlap(priorities, activities)
    pick = (lambda frame: frame[cluster].to_numpy() if cluster in frame else np.zeros(len(priorities)))
    out = priorities.assign(covers=pick(covers), focus=pick(focus))
    return out[out["covers"] >= min_cover].sort_values(["focus", "covers"], ascending=False)
