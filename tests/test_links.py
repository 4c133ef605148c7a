"""Cluster networks, bridging clusters, cooperation and development pairs (s3lib.measures.links)."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from s3lib.measures import links
from s3lib.study import Study, schemes


def test_cluster_phi_is_the_weighted_mean_over_cross_pairs():
    phi = pd.DataFrame([[0, .8, .2, .4], [.8, 0, .6, .1], [.2, .6, 0, .3], [.4, .1, .3, 0]],
                       index=list("abcd"), columns=list("abcd"), dtype=float)
    w = pd.DataFrame({"K": [1, 1, 0, 0], "L": [0, 0, 1, 0.5]}, index=list("abcd"), dtype=float)
    size = pd.Series({"a": 1.0, "b": 3.0, "c": 2.0, "d": 2.0})
    out = links.cluster_phi(phi, w, size)
    # unweighted: pairs (a,c) .2 (a,d) .4*.5 (b,c) .6 (b,d) .1*.5 over weights 1 + .5 + 1 + .5
    assert out["phi"].loc["K", "L"] == pytest.approx((.2 + .2 + .6 + .05) / 3)
    assert out["phi"].loc["K", "L"] == out["phi"].loc["L", "K"]
    assert out["phi"].loc["K", "K"] == pytest.approx(.8)       # within a cluster: i != j only
    # employment-weighted: a_i = w_iA x_i
    a = {"a": 1, "b": 3}
    b = {"c": 2, "d": 1}
    num = sum(a[i] * b[j] * phi.loc[i, j] for i in a for j in b)
    assert out["phi_emp"].loc["K", "L"] == pytest.approx(num / (4 * 3))


def test_bridging_flags_the_node_between_two_groups():
    g = nx.barbell_graph(4, 1)                          # two cliques joined through node 4
    g = nx.relabel_nodes(g, {i: f"c{i}" for i in g})
    table = links.bridging(g, top=0.10).set_index("cluster")
    assert table["betweenness"].idxmax() == "c4"
    assert table.loc["c4", "bridging"]
    assert table["bridging"].sum() == 1
    assert not links.bridging(nx.complete_graph(5))["bridging"].any()   # nobody bridges a clique


def _portfolio(rows):
    return pd.DataFrame(rows, columns=["cluster", "lq", "stars", "employment", "share", "partial"])


def test_association_strength_is_observed_over_expected_co_occurrence():
    m = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 1, 0, 0], "c": [1, 1, 1, 1], "d": [0, 0, 1, 1]},
                     index=list("wxyz"))
    s = links.association_strength(m)
    assert s.loc["a", "b"] == pytest.approx(2 * 4 / (2 * 2))   # together in both of their 2 regions: 2x chance
    assert s.loc["a", "c"] == pytest.approx(1.0)               # c is everywhere: no information
    assert s.loc["a", "d"] == 0.0 and np.isnan(s.loc["a", "a"])
    assert (s.fillna(0) == s.T.fillna(0)).all().all()


def test_a_hub_loses_its_lead_after_normalisation():
    # h is related 0.5 to everything; a-b are related 0.9 to each other and 0.1 to the rest
    r = pd.DataFrame([[0, .5, .5, .5], [.5, 0, .9, .1], [.5, .9, 0, .1], [.5, .1, .1, 0]],
                     index=list("habc"), columns=list("habc"))
    s = links.hub_normalised(r)
    assert s.loc["a", "b"] > s.loc["h", "c"] and s.loc["a", "b"] > s.loc["h", "a"]
    p = links.pair_percentiles(s)
    assert p.loc["a", "b"] == p.to_numpy()[np.isfinite(p.to_numpy())].max()


def test_pairs_judge_each_channel_on_its_own_and_cap_a_cluster_at_two():
    pf = _portfolio([("H", 1.5, 0, 9e3, .09, False), ("A", 1.4, 0, 5e3, .05, False), ("B", 1.3, 0, 5e3, .05, False),
                     ("C", 1.2, 0, 5e3, .05, False), ("D", 1.1, 0, 5e3, .05, False), ("E", 0.4, 1, 5e3, .05, False)])
    names = list("HABCDE")
    co = pd.DataFrame(50.0, index=names, columns=names)
    for x in "ABCD":  # H is at the 95th percentile with everyone on co-location
        co.loc["H", x] = co.loc[x, "H"] = 95.0
    io = pd.DataFrame(10.0, index=names, columns=names)
    io.loc["A", "B"] = io.loc["B", "A"] = 91.0   # A-B only on the value chain
    out = links.link_pairs(pf, {"co-location": co, "value chain": io}, n=3)
    t = out.table
    assert (t["cluster_a"].eq("H") | t["cluster_b"].eq("H")).sum() <= 2   # the hub in at most two pairs
    assert ("A", "B") in set(zip(t["cluster_a"], t["cluster_b"]))          # a pair related on one channel only
    assert "E" not in set(t["cluster_a"]) | set(t["cluster_b"])              # LQ < 1: not a cooperation partner
    assert out.params["filled"] is False and out.params["candidates"] == 5
    dev = links.link_pairs(pf, {"co-location": co.assign(E=95.0).T.assign(E=95.0)}, development=True)
    assert set(dev.table["cluster_b"]) == {"E"}                              # the cluster not yet held
    assert dev.table["reason"].str.contains("E not yet").all()


def test_the_cap_is_lifted_only_when_the_data_leave_no_other_pair():
    pf = _portfolio([("H", 1.5, 0, 9e3, .09, False), ("A", 1.4, 0, 5e3, .05, False), ("B", 1.3, 0, 5e3, .05, False),
                     ("C", 1.2, 0, 5e3, .05, False)])
    names = list("HABC")
    co = pd.DataFrame(10.0, index=names, columns=names)
    for x in "ABC":
        co.loc["H", x] = co.loc[x, "H"] = 95.0
    out = links.link_pairs(pf, {"co-location": co})
    assert len(out.table) == 3 and out.params["filled"] is True
    assert any("filled" in n for n in out.notes)


# ---------------------------------------------------------------- on the snapshot

def test_uscmp_network_keeps_the_published_links():
    g = links.uscmp_network(schemes.related_pairs())
    assert g.number_of_nodes() == 51
    assert g.number_of_edges() == 128                   # 256 ordered related pairs
    edge = g.edges["Automotive", "Metalworking Technology"]
    assert edge["cr_all"] == pytest.approx(0.979082, abs=1e-6)
    assert edge["cr_lc"] == pytest.approx(0.537451, abs=1e-6)
    assert edge["cr_io"] == pytest.approx(0.045647, abs=1e-6)
    assert edge["cr_occ"] == pytest.approx(0.461856, abs=1e-6)
    assert edge["related"]
    full = links.uscmp_network(schemes.related_pairs(), related_only=False)
    assert full.number_of_edges() == 51 * 50 // 2
    assert sum(d["related"] for *_, d in full.edges(data=True)) == 128


def test_bridging_on_the_uscmp_network():
    table = Study(year=2014).bridging
    assert len(table) == 51
    assert table["bridging"].sum() >= 1
    assert table["betweenness"].between(0, 1).all()


def test_cooperation_and_development_pairs_for_the_case_places_2014():
    """Issue 18: no hub cluster in most pairs; both clusters of a cooperation pair specialised; development
    pairs reach a cluster the place does not hold; Frankfurt's chemicals and Porto's textiles pair up."""
    s = Study(year=2014)
    for place in ("frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"):
        view = s.at(place)
        for result in (view.cooperation, view.development):
            t = result.table
            assert 1 <= len(t) <= 5, place
            uses = pd.concat([t["cluster_a"], t["cluster_b"]]).value_counts()
            assert uses.max() <= 2 or result.params["filled"], (place, uses.to_dict())
            assert (t[["co-location", "value chain", "occupations"]].max(axis=1) >= links.CHANNEL_PERCENTILE).all()
        coop, dev = view.cooperation.table, view.development.table
        assert (coop[["lq_a", "lq_b"]] >= 1).all().all(), place
        assert (dev["lq_a"] >= 1).all() and (dev["lq_b"] < 1).all(), place
    pairs = {frozenset(p) for p in zip(*[s.at("frankfurt").cooperation.table[c] for c in ("cluster_a", "cluster_b")])}
    assert frozenset({"Downstream Chemical Products", "Upstream Chemical Products"}) in pairs
    porto = {frozenset(p) for p in zip(*[s.at("porto").cooperation.table[c] for c in ("cluster_a", "cluster_b")])}
    assert frozenset({"Apparel", "Textile Manufacturing"}) in porto   # dropped by the combined score before


def test_colocation_network_of_the_colocation_scheme():
    s = Study(year=2014, scheme="colocation")
    g = links.colocation_network(s.proximity, s.scheme.weight_matrix(), s.counts.sum(axis=0), related_only=False)
    phi = np.array([d["phi"] for *_, d in g.edges(data=True)])
    assert ((phi >= 0) & (phi <= 1)).all()
    related = [d for *_, d in g.edges(data=True) if d["related"]]
    assert 0 < len(related) <= int(np.ceil(0.1 * g.number_of_edges())) + 1
