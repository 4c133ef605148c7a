"""Competences: the German occupation space in the study, and the pure measures of s3lib.measures.competences."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib.errors import UsageError
from s3lib.measures import competences as cm
from s3lib.measures.opportunities import entry_rates
from s3lib.measures.relatedness import proximity
from s3lib.study import spaces


# --------------------------------------------------------------------------- synthetic, known answers
def _blocks():
    """Six regions x six activities: regions r1-r3 hold a, b, c; r4-r6 hold d, e, f (two clean blocks)."""
    m = np.zeros((6, 6))
    m[:3, :3] = 1
    m[3:, 3:] = 1
    return pd.DataFrame(m, index=[f"r{i}" for i in range(1, 7)], columns=list("abcdef"))


def test_competence_clusters_find_the_two_blocks_reproducibly():
    phi = proximity(_blocks())
    found = cm.competence_clusters(phi, top=0.2)
    clusters = found.table["cluster"]
    assert clusters.loc[["a", "b", "c"]].nunique() == 1 and clusters.loc[["d", "e", "f"]].nunique() == 1
    assert clusters["a"] != clusters["d"] and sorted(clusters.unique()) == [1, 2]
    assert found.params["n_clusters"] == 2 and found.params["modularity"] > 0.4
    assert "Louvain" in found.params["method"] and "seed 42" in found.params["method"]
    pd.testing.assert_frame_equal(found.table, cm.competence_clusters(phi, top=0.2).table)  # fixed seed


def test_backbone_keeps_a_spanning_tree_and_the_strongest_pairs():
    phi = pd.DataFrame([[0, .9, .1, .2], [.9, 0, .3, .1], [.1, .3, 0, .8], [.2, .1, .8, 0]],
                       index=list("abcd"), columns=list("abcd"), dtype=float)
    g = cm.backbone(phi, top=0.2)
    assert set(g.nodes) == set("abcd")
    edges = {tuple(sorted(e)) for e in g.edges}
    assert {("a", "b"), ("c", "d"), ("b", "c")} <= edges  # tree: 0.9, 0.8, then 0.3 joins the two pairs
    assert ("a", "c") not in edges


def test_cluster_profile_sums_members_and_lq_against_all_rows():
    x = pd.DataFrame({"a": [10.0, 10.0], "b": [30.0, 10.0], "c": [np.nan, 40.0]}, index=["r1", "r2"])
    clusters = pd.Series({"a": 1, "b": 1, "c": 2})
    prof = cm.cluster_profile(x, clusters, "r1")
    assert prof.loc[1, "employees"] == 40.0 and np.isnan(prof.loc[2, "employees"])  # suppressed stays missing
    # r1 share of cluster 1 = 40/40 = 1; reference share = 60/100
    assert prof.loc[1, "lq"] == pytest.approx(1 / 0.6)
    assert prof.loc[1, "members"] == ["b", "a"] and prof.loc[1, "n"] == 2


def test_portfolio_keeps_suppressed_cells_missing():
    from s3lib.measures.specialisation import location_quotient

    x = pd.DataFrame({"a": [3.0, 1.0], "b": [1.0, 3.0], "c": [np.nan, 2.0]}, index=["r1", "r2"])
    pf = cm.portfolio(x, location_quotient(x), "r1", names={"a": "A", "b": "B", "c": "C"})
    assert pf["occupation"].tolist() == ["a", "b", "c"]
    assert np.isnan(pf.loc[2, "present"]) and np.isnan(pf.loc[2, "lq"])
    assert pf.loc[0, "present"] == 1.0 and pf.loc[0, "name"] == "A"
    assert pf["share"].iloc[:2].sum() == pytest.approx(1.0)


def test_entry_rates_for_all_regions_and_for_one():
    rng = np.random.default_rng(0)
    idx, cols = [f"r{i}" for i in range(40)], [f"o{j}" for j in range(25)]
    m0 = pd.DataFrame(rng.integers(0, 2, (40, 25)).astype(float), index=idx, columns=cols)
    m1 = pd.DataFrame(rng.integers(0, 2, (40, 25)).astype(float), index=idx, columns=cols)
    m0.iloc[0, 0] = np.nan  # a suppressed cell is left out, not counted as absent
    d0 = pd.DataFrame(rng.random((40, 25)), index=idx, columns=cols)
    rates = entry_rates(m0, m1, d0, region="r3")
    table = rates.table
    all_regions = entry_rates(m0, m1, d0).table  # the region's columns add to, never change, the bins
    pd.testing.assert_frame_equal(table[all_regions.columns], all_regions)
    assert len(table) == 5 and table["at_risk"].sum() == rates.params["at_risk"]
    at_risk = (m0.loc["r3"] == 0)
    assert table["own_at_risk"].sum() == at_risk.sum()
    assert table["own_entries"].sum() == int((m1.loc["r3"][at_risk] == 1).sum())
    assert sorted(o for lst in table["own_entered"] for o in lst) == sorted(m1.loc["r3"][at_risk][lambda v: v == 1].index)


def test_entry_rates_known_answer():
    idx, cols = ["r1", "r2"], list("abcde")
    m0 = pd.DataFrame(0.0, index=idx, columns=cols)
    m1 = pd.DataFrame([[0, 0, 0, 1, 1], [0, 0, 1, 1, 1]], index=idx, columns=cols, dtype=float)
    d0 = pd.DataFrame([[.1, .2, .3, .4, .5], [.15, .25, .35, .45, .55]], index=idx, columns=cols)
    rates = entry_rates(m0, m1, d0, region="r2")
    table = rates.table
    assert table["entry_rate"].tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert table["own_entries"].tolist() == [0, 0, 1, 1, 1] and table["own_at_risk"].tolist() == [1, 1, 1, 1, 1]
    assert rates.params["overall"] == pytest.approx(0.5)


def test_association_links_bridges_and_significance():
    occ = pd.DataFrame({"o1": [1, 1, 0, 0], "o2": [0, 0, 1, 1], "o3": [1, 1, 1, 1]}, index=list("wxyz"))
    ind = pd.DataFrame({"i1": [1, 1, 0, 0], "i2": [0, 0, 1, 1], "i3": [1, 0, 0, 0]}, index=list("wxyz"))
    a = cm.cross_association(occ, ind)
    assert a.loc["o1", "i1"] == pytest.approx(2.0) and a.loc["o1", "i2"] == 0.0   # 2x chance; never together
    assert a.loc["o3", "i1"] == pytest.approx(1.0)        # an occupation found everywhere is related to nothing
    weights = pd.DataFrame({"A": [1.0, 0.0, 1.0], "B": [0.0, 1.0, 0.0]}, index=["i1", "i2", "i3"])
    links = cm.cluster_links(a, weights, size=pd.Series({"i1": 3.0, "i2": 1.0, "i3": 1.0}))
    assert links.loc["o1", "A"] == pytest.approx((3 * 2.0 + 1 * 2.0) / 4)
    linked = links > 1.5
    bridges = cm.bridging_competences(links, linked, ["o1", "o2", "o3"], ["A", "B"], min_clusters=1).table
    assert bridges["occupation"].tolist() == ["o1", "o2"]
    assert cm.bridging_competences(links, linked, ["o1", "o2", "o3"], ["A", "B"]).table.empty  # none links two


def test_the_permutation_test_finds_a_planted_link_and_not_noise():
    rng = np.random.default_rng(3)
    regions = [f"r{k}" for k in range(40)]
    ind = pd.DataFrame(rng.random((40, 4)) < 0.4, index=regions, columns=["i1", "i2", "i3", "i4"]).astype(float)
    occ = pd.DataFrame({"planted": ind["i1"], "noise": (rng.random(40) < 0.4).astype(float)}, index=regions)
    weights = pd.DataFrame({"A": [1.0, 0, 0, 0], "B": [0, 1.0, 1.0, 1.0]}, index=ind.columns)
    tested = cm.association_links(occ, ind, weights, permutations=199, seed=1)
    assert tested.params["linked"].loc["planted", "A"] and tested.params["q"].loc["planted", "A"] < 0.05
    assert not tested.params["linked"].loc["noise"].any()
    again = cm.association_links(occ, ind, weights, permutations=199, seed=1)
    pd.testing.assert_frame_equal(tested.params["p"], again.params["p"])   # seeded: reproducible


def test_no_competence_cluster_holds_more_than_a_quarter(occ):
    from s3lib.analyses import competences as comp

    found = comp.competence_clusters(occ.at("frankfurt"))
    sizes = found.params["clusters"].value_counts()
    assert sizes.max() <= 0.25 * len(found.params["clusters"]) and found.params["largest_share"] <= 0.25
    assert found.params["stability"] > 0.6 and "adjusted Rand" in found.params["method"]
    members = found.params["clusters"]
    finance, software, airport = members["721"], members["434"], members["514"]  # KldB groups (514: cabin crew)
    assert len({finance, software, airport}) == 3   # finance, IT and airport skills no longer in one cluster


def test_adjusted_rand_known_answers():
    a = pd.Series([1, 1, 2, 2, 3, 3])
    assert cm.adjusted_rand(a, a.map({1: "x", 2: "y", 3: "z"})) == 1.0
    assert cm.adjusted_rand(a, pd.Series([1, 2, 1, 2, 1, 2])) < 0.1


def test_compare_levels_rest_of_region_and_country():
    x = pd.DataFrame({"a": [50.0, 10.0, 10.0], "b": [50.0, 90.0, 40.0]}, index=["DE711", "DE712", "DE721"])
    result = cm.compare_levels(x, "DE712", "DE71")
    out = result.table
    assert result.params["n_rest"] == 1
    assert out.loc["a", "share"] == 0.1 and out.loc["a", "share_rest"] == 0.5
    assert out.loc["a", "lq_rest"] == pytest.approx(0.2)
    assert out.loc["a", "share_country"] == pytest.approx(70 / 250)
    with pytest.raises(UsageError):
        cm.compare_levels(x, "DE721", "DE72")


def test_occupation_complexity_is_the_pci():
    from s3lib.measures.complexity import eci_pci

    m = pd.DataFrame([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
                     index=["r1", "r2", "r3", "r4"], columns=list("abcd"))
    out = cm.occupation_complexity(m)
    pd.testing.assert_series_equal(out["pci"].sort_index(), eci_pci(m)[1], check_names=False)
    assert out.index[0] == "d" and out.loc["a", "ubiquity"] == 4 and out.loc["d", "rank"] == 1


def test_the_measure_module_is_pure():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(cm.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(str(m).startswith(("s3lib.data", "s3lib.study", "s3lib.study.spaces")) for m in imported)


# --------------------------------------------------------------------------- real data, through the space
@pytest.fixture(scope="module")
def occ():
    from s3lib.study import Study

    return Study(space="occupations", level=3, year=2025)


def test_space_reference_values():
    space = spaces.get("occupations")
    assert space.levels == (2, 3) and space.years == tuple(range(2013, 2026)) and space.orienter is not None
    assert "Germany only" in space.source and "Bundesagentur" in space.source
    assert space.totals(3, 2025)["DE712"] == 651_120
    assert space.totals(3, 2013)["DE712"] == 516_239
    counts = space.counts(3, 2025)
    assert counts.shape == (400, 140) and counts.loc["DE712", "721"] == 63_701
    from s3lib import data

    rows = data.occupations(year=2025)
    suppressed = rows[(rows["employees_flag"] == "suppressed") & (rows["occupation"] != "unknown")]
    stacked = counts.stack(future_stack=True)
    assert stacked.isna().sum() == len(suppressed) > 0  # suppressed = missing, not zero
    assert stacked.loc[list(zip(suppressed["region"], suppressed["occupation"]))].isna().all()
    assert space.groups(["721", "111"]).tolist() == ["72", "11"]
    nuts2 = space.counts(2, 2025)
    assert nuts2.loc["DE71", "721"] == counts.filter(regex="^DE71", axis=0)["721"].sum()


def test_study_machinery_on_occupations(occ):
    assert occ.lq.shape == (400, 140) and np.isnan(occ.lq.loc["DE712", "114"])  # suppressed -> missing
    assert occ.proximity.shape == (140, 140) and occ.density.shape == (400, 140)
    assert occ.eci.notna().sum() == 400 and "GDP per head" in occ.orientation
    assert "occupational groups (KldB 2010, 3-digit)" in occ.describe()
    view = occ.at("Frankfurt am Main")
    assert view.region == "DE712" and view.specialisations.iloc[0]["lq"] > 10
    assert any("Occupations, not industries" in n for n in view.notes)
    assert not any("business statistics" in n and "No agriculture" in n for n in view.notes)


def test_non_german_place_refused(occ):
    with pytest.raises(UsageError, match="covers DE only"):
        occ.at("bordeaux")


def test_principle_of_relatedness_holds_for_german_occupations(occ):
    rates = occ.changes(2013).entry_rates(region="DE712")
    table = rates.table
    assert len(table) == 5 and (np.diff(table["entry_rate"]) > 0).all() and rates.params["rising"]
    assert table["own_at_risk"].sum() > 0


def test_competence_table_and_bars_draw_for_a_view(occ):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from s3lib.analyses.competences import competence_table
    from s3lib.plots.competences import occupation_bars

    table = competence_table(occ.at("frankfurt"))
    assert (table["employees"] >= 1000).all() and table["lq"].is_monotonic_decreasing
    _, ax = plt.subplots()
    occupation_bars(ax, table, n=6, colorbar=False)
    assert len(ax.patches) == 6 and ax.get_xscale() == "log"
    plt.close("all")
