"""Clusters of a French territory at the class level (issue 21, step 3): US CMP, emerging industries, declared lists.

The business statistics stop at NACE divisions, so a cluster made of classes is *apportioned* there (Aerospace
gets 1/8 of C30) and carries bounds. The URSSAF data (:mod:`s3lib.study.city`) know the classes, so the schemes
are read on classes directly and **the bounds collapse to a point** wherever a class belongs to one cluster:

* ``uscmp``: the US Cluster Mapping carry-over to NACE classes (``uscmp_nace_classes.parquet``, the class
  weights ``w_kc`` of :mod:`s3lib.data.build_uscmp`, traded clusters only): ``E_c = sum_k w_kc x_k``. A class
  the carry-over splits between clusters (C30.92 bicycles: Recreational Goods 2/3, Medical Devices 1/3) still
  splits; ``upper`` counts such classes whole, and ``point`` says where ``employees == upper``.
* the emerging-industry lists (``kis``, ``ict_oecd``, ``kibs``, ``cci_own``, ``digital_smart``) and a city's
  declared segmentation (``data/city_segmentations.csv``): a class code is read as that class; a group, division
  or section as every class in it (exact: the list names the whole code). Nothing is read through a division.

Per cluster: employment in the view's year and base year, growth, and an LQ whose reference is named: with
France's national URSSAF table, a point ``(E_c / X) / (N_c / N)`` with ``N_c = sum_k w_kc N_k``; offline, France
in the business statistics knows divisions only, so the national side is a range (its classes counted equally
within each division, as the division scheme does, up to whole divisions) and the LQ is a range
``lq_low``-``lq_high``, given only when every class of the cluster lies in a division both sources publish.
Of the Cluster Observatory stars only specialisation (LQ >= 2) has a reference for one territory; it is given
as ``True``/``False`` where the LQ (or its whole range) decides, else unknown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.measures.clusters import ClusterScheme
from s3lib.result import Result

__all__ = ["SCHEMES", "class_scheme", "clusters", "declared", "declared_city", "expand"]

#: Schemes :func:`clusters` reads at class level.
SCHEMES = ("uscmp", "kis", "ict_oecd", "kibs", "cci_own", "digital_smart")
_STAR_LQ = 2.0


def expand(code: str) -> list[str]:
    """The NACE classes of a code of any level (``"C303"`` -> ``["C3030"]``, ``"K65"`` -> its four classes)."""
    from s3lib import data

    classes = data.nace("class")["code"]
    return sorted(c for c in classes if c.startswith(str(code)))


def class_scheme(name: str = "uscmp") -> ClusterScheme:
    """A cluster scheme on NACE classes: ``uscmp`` from the carry-over's class weights, an emerging list with its
    codes expanded to classes (shares kept; a class claimed by several clusters beyond 1 is split in proportion)."""
    from s3lib import data
    from s3lib.data import _store

    if name not in SCHEMES:
        raise UnknownChoiceError("class-level cluster scheme", name, SCHEMES)
    if name == "uscmp":
        t = _store.table("uscmp_nace_classes.parquet")
        t = t[t["kind"] == "traded"]
        weights = pd.DataFrame({"nace": t["nace_class"].astype(str), "cluster": t["cluster"].astype(str),
                                "weight": t["weight"].astype(float)})
        return ClusterScheme("uscmp-classes", weights.reset_index(drop=True), description=(
            "US Cluster Mapping Project traded clusters on NACE classes (the class weights of the s3lib carry-over "
            "through NAICS 2017; no division apportioning)"))
    rows = data.emerging_industries(name, coded_only=True)
    if rows.empty:
        raise UsageError(f"scheme {name!r}: no NACE list in data/emerging_industries.csv")
    long = [(k, r.cluster, float(r.share) if pd.notna(r.share) and str(r.share) != "" else 1.0)
            for r in rows.itertuples() for k in expand(r.nace)]
    weights = pd.DataFrame(long, columns=["nace", "cluster", "weight"])
    weights = weights.groupby(["nace", "cluster"], as_index=False, sort=False)["weight"].max()
    total = weights.groupby("nace")["weight"].transform("sum")
    weights["weight"] = np.where(total > 1 + 1e-9, weights["weight"] / total, weights["weight"])
    return ClusterScheme(f"{name}-classes", weights, description=(
        f"{rows['scheme_name'].iloc[0]} (data/emerging_industries.csv) read on NACE classes: each code as the classes "
        f"it names"))


def clusters(view, scheme: str = "uscmp") -> Result:
    """The territory's clusters of ``scheme`` at class level (see the module).

    Columns: ``employees`` (the view's year), ``upper`` (classes shared with another cluster counted whole),
    ``point`` (``employees == upper``), ``share``, ``employees_base``, ``change``, ``growth``, ``lq`` (against the
    national URSSAF table) or ``lq_low``/``lq_high`` (offline range), ``lq_reference``, ``specialisation_star``
    (LQ >= 2: True, False or NA when the range straddles 2 or there is no LQ), ``classes`` (the cluster's classes
    with employees in the territory).
    """
    cs = class_scheme(scheme)
    w = cs.weight_matrix()
    now = view.employment("class")["employees"]
    base = view.employment("class", view.base_year)["employees"]
    table = _sizes(w, now, base, view.total())
    national = view.national("class")
    if national is not None:
        n, n_total, source = national
        n_c = (w.mul(n.reindex(w.index), axis=0)).sum(min_count=1)
        table["lq"] = (table["employees"] / view.total()) / (n_c / n_total)
        table["lq_reference"] = f"France, private employees by APE code (URSSAF national table), {view.year}"
        table["specialisation_star"] = pd.array(np.where(table["lq"].notna(), table["lq"] >= _STAR_LQ, pd.NA),
                                                dtype="boolean")
        notes_ref = [f"LQ against France's private employees by APE code ({source}), {view.year}: a point for every "
                     f"cluster, same source and concept."]
    else:
        table = table.join(_offline_lq(view, w, now))
        low, high = table["lq_low"], table["lq_high"]
        star = np.where(low >= _STAR_LQ, True, np.where(high < _STAR_LQ, False, pd.NA))
        table["specialisation_star"] = pd.array(np.where(low.notna(), star, pd.NA), dtype="boolean")
        notes_ref = [
            "LQ offline as a range: the city side is known by class, France's only by division in the business "
            "statistics (persons employed, self-employed included, each division in its nearest French year, at "
            "most 2015), so France's cluster is read two ways: its classes counted equally within each division "
            "(lq_high) and its whole divisions (lq_low); the true value need not lie between them. No LQ where part "
            "of the cluster lies outside the business statistics (finance, health, ...): fetch the national URSSAF "
            "table (`s3lib data fetch urssaf`) for a point."]
    table = table.sort_values("employees", ascending=False, na_position="last")
    blank = view.employment("class")["blank"]
    notes = [view.territory.note, view.source, cs.description + ".",
             f"Clusters at class level: no division is apportioned; {int(table['point'].sum())} of "
             f"{int(table['employees'].notna().sum())} clusters with employees are a point (none of their classes is "
             f"shared with another cluster); the others hold classes the NAICS carry-over itself splits between "
             f"clusters, and upper counts those classes whole.",
             f"Growth {view.base_year}-{view.year} of the published private employees; {int(blank.sum())} commune x "
             f"sub-class cells have no value in {view.year} (not counted).",
             *notes_ref,
             "Cluster Observatory stars: size and focus need every region of a level; for one territory only the "
             "specialisation star (LQ >= 2) has a reference, and it is unknown where the LQ range straddles 2."]
    params = {"scheme": scheme, "territory": view.territory.code, "year": view.year, "base_year": view.base_year,
              "reference": "URSSAF national table" if national is not None else "Eurostat SBS divisions (range)"}
    return Result(table, notes, params)


def _sizes(w: pd.DataFrame, now: pd.Series, base: pd.Series, total: float) -> pd.DataFrame:
    common = [k for k in w.index if k in now.index]
    wc = w.loc[common]
    x, x0 = now.reindex(common), base.reindex(common)
    seen = (x.notna().to_numpy()[:, None] & (wc.to_numpy() > 0)).any(axis=0)
    employees = pd.Series(x.fillna(0).to_numpy() @ wc.to_numpy(), index=w.columns).where(seen)
    upper = pd.Series(x.fillna(0).to_numpy() @ (wc.to_numpy() > 0), index=w.columns).where(seen)
    seen0 = (x0.notna().to_numpy()[:, None] & (wc.to_numpy() > 0)).any(axis=0)
    employees_base = pd.Series(x0.fillna(0).to_numpy() @ wc.to_numpy(), index=w.columns).where(seen0)
    members = {c: ", ".join(k for k in common if wc.at[k, c] > 0 and x.get(k, 0) > 0) for c in w.columns}
    out = pd.DataFrame({"employees": employees, "upper": upper})
    out["point"] = (out["upper"] - out["employees"]).abs() < 1e-9
    out["share"] = out["employees"] / total
    out["employees_base"] = employees_base
    out["change"] = out["employees"] - out["employees_base"]
    out["growth"] = out["employees"] / out["employees_base"].where(out["employees_base"] > 0) - 1
    out["classes"] = pd.Series(members)
    out.index.name = "cluster"
    return out


def _offline_lq(view, w: pd.DataFrame, now: pd.Series) -> pd.DataFrame:
    """LQ range against France's divisions: ``(E_c / X_D) / (N_c / N_D)`` with N_c between the classes counted
    equally within each division (lower) and whole divisions (upper); D = divisions both sources publish."""
    from s3lib import data

    sbs = view.sbs()["value"]
    scope = set(sbs[sbs > 0].index)
    n_classes = data.nace("class").assign(division=lambda t: t["code"].str[:3]).groupby("division").size()
    division_of = pd.Series([k[:3] for k in w.index], index=w.index)
    w_div = w.groupby(division_of.to_numpy()).sum().div(n_classes, axis=0).dropna(how="all")
    n = sbs.reindex(w_div.index)
    nat_low = w_div.mul(n, axis=0).sum(min_count=1)
    nat_high = (w_div > 0).mul(n, axis=0).sum(min_count=1)
    n_scope = sbs.reindex(sorted(scope)).sum()
    x = now.reindex(w.index)
    in_scope = division_of.isin(scope)
    x_scope = now[[k[:3] in scope for k in now.index]].sum()
    e_c = (w.mul(x.fillna(0), axis=0)).sum()
    whole = ~((w > 0).mul(~in_scope, axis=0)).any()  # every class of the cluster in a published division
    share = e_c / x_scope
    out = pd.DataFrame({"lq_low": (share / (nat_high / n_scope)).where(whole),
                        "lq_high": (share / (nat_low / n_scope)).where(whole)})
    out["lq_reference"] = np.where(whole, "France, persons employed by NACE division (Eurostat SBS, NUTS0 FR): range",
                                   "none offline: part of the cluster is outside the business statistics")
    return out


# --------------------------------------------------------------------------- declared lists
def declared_city(view) -> str | None:
    """The key of the case place whose declared clusters belong to the territory (its name or the name asked
    matches the place's name, key or an alias), or None."""
    from s3lib import data
    from s3lib.data.registry import normalise

    asked = {normalise(view.territory.asked), normalise(view.territory.name)}
    for key, row in data.places().iterrows():
        names = {normalise(key), normalise(row["name"]), *(normalise(a) for a in str(row["aliases"]).split(";") if a)}
        if asked & names:
            return key
    return None


def declared(view, city: str | None = None) -> Result:
    """The clusters a city declares (``data/city_segmentations.csv``), read on the territory's classes.

    Columns per declared cluster: ``city``, ``segmentation``, ``cluster``, ``tier``, ``codes`` (as declared),
    ``classes`` (the NACE classes they name), ``employees``, ``employees_base``, ``growth``, ``share`` and
    ``outside_urssaf`` (codes whose activity URSSAF does not cover: farming, public administration).
    """
    from s3lib import data

    city = city or declared_city(view)
    if city is None:
        return Result(pd.DataFrame(columns=["city", "segmentation", "cluster", "employees"]),
                      [f"No declared cluster segmentation is recorded for {view.territory.name} "
                       "(data/city_segmentations.csv)."], {"city": None})
    rows = data.city_segmentations(city=city, found_only=True)
    now = view.employment("class")["employees"]
    base = view.employment("class", view.base_year)["employees"]
    out = []
    for r in rows.itertuples():
        codes = [c for c in str(r.nace_detail).split(";") if c]
        classes = sorted({k for c in codes for k in expand(c)})
        e = now.reindex(classes)
        e0 = base.reindex(classes)
        employees = e.sum(min_count=1) if len(classes) else np.nan
        employees_base = e0.sum(min_count=1) if len(classes) else np.nan
        out.append({"city": city, "segmentation": r.segmentation, "cluster": r.cluster_en, "tier": r.tier,
                    "codes": ";".join(codes), "classes": len(classes), "employees": employees,
                    "employees_base": employees_base,
                    "growth": employees / employees_base - 1 if employees_base and employees_base > 0 else np.nan,
                    "share": employees / view.total(),
                    "outside_urssaf": ";".join(c for c in codes if c[0] in ("A", "O"))})
    table = pd.DataFrame(out)
    notes = [view.territory.note, view.source,
             f"Declared clusters of {city} (data/city_segmentations.csv, NACE codes mapped by s3lib), read on NACE "
             f"classes: a group or division counts as the classes it names, none through a division share.",
             "Farming (A) and public administration (O) are outside the URSSAF data (private employers, general "
             "scheme): clusters built on them are fragments here."]
    return Result(table, notes, {"city": city, "year": view.year, "base_year": view.base_year})
