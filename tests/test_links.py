"""Cluster networks, bridging clusters and cooperation candidates (s3lib.measures.links, Study.network)."""
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


def test_reason_names_the_channels_at_or_above_the_90th_percentile():
    a = pd.Series({"lq": 1.8, "stars": 2.0})
    b = pd.Series({"lq": 1.3, "stars": 1.0})
    edge = {"cr_all": 1.0, "cr_occ_pc": 95.0, "cr_io_pc": 90.0, "cr_lc_pc": 60.0}
    assert links._reason(a, b, edge) == ("both specialised (LQ 1.80, 1.30); related through occupations "
                                         "(cr_occ pc 95) and value chain (io pc 90)")
    weak = {"cr_all": 0.5, "cr_occ_pc": 70.0, "cr_io_pc": 80.0, "cr_lc_pc": 60.0}
    c = pd.Series({"lq": 0.7, "stars": 1.0})
    assert links._reason(a, c, weak) == ("both present (LQ 1.80, 0.70; stars 2, 1); "
                                         "related through value chain (io pc 80)")
    assert links._reason(a, b, {"phi": 0.42}).endswith("co-located in EU regions (mean phi 0.42)")


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


def test_cooperation_candidates_for_frankfurt_2014():
    out = Study(year=2014).at("frankfurt").cooperation
    assert len(out) > 0
    assert (out["region"] == "DE71").all() and (out["level"] == "NUTS2").all()
    g = Study(year=2014).network
    assert all(g.has_edge(a, b) for a, b in zip(out["cluster_a"], out["cluster_b"]))
    present = (out[["lq_a", "lq_b"]].to_numpy() >= 1) | (out[["stars_a", "stars_b"]].to_numpy() >= 1)
    assert present.all()
    assert out["specialised"].is_monotonic_decreasing
    top = out[out["specialised"] == 2]
    assert top["strength"].is_monotonic_decreasing
    assert top["reason"].str.startswith("both specialised (LQ ").all()


def test_colocation_network_of_the_colocation_scheme():
    s = Study(year=2014, scheme="colocation")
    g = links.colocation_network(s.proximity, s.scheme.weight_matrix(), s.counts.sum(axis=0), related_only=False)
    phi = np.array([d["phi"] for *_, d in g.edges(data=True)])
    assert ((phi >= 0) & (phi <= 1)).all()
    related = [d for *_, d in g.edges(data=True) if d["related"]]
    assert 0 < len(related) <= int(np.ceil(0.1 * g.number_of_edges())) + 1
