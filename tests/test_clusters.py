"""Cluster schemes, cluster employment, stars, strong clusters (s3lib.measures.clusters, s3lib.study.schemes) and the portfolio."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib import data
from s3lib.errors import UsageError
from s3lib.measures import clusters as cl
from s3lib.study import Study, schemes, spaces

REGIONS = list("abcdefghij")


def _scheme(rows):
    return cl.ClusterScheme("test", pd.DataFrame(rows, columns=["nace", "cluster", "weight"]))


# ---------------------------------------------------------------- the scheme object

def test_scheme_rejects_weights_out_of_range_or_summing_over_one():
    with pytest.raises(UsageError, match=r"\(0, 1\]"):
        _scheme([("C29", "Auto", 1.5)])
    with pytest.raises(UsageError, match="sum to <= 1"):
        _scheme([("C28", "Auto", 0.7), ("C28", "Machinery", 0.6)])
    with pytest.raises(UsageError, match="repeated"):
        _scheme([("C28", "Auto", 0.2), ("C28", "Auto", 0.2)])


def test_cluster_matrix_weights_and_missing_cells():
    s = _scheme([("C29", "Auto", 1.0), ("C28", "Auto", 0.5), ("C28", "Machinery", 0.5), ("K64", "Finance", 1.0)])
    x = pd.DataFrame({"C28": [100.0, np.nan, np.nan], "C29": [50.0, 20.0, np.nan], "C10": [7.0, 7.0, 7.0]},
                     index=["r1", "r2", "r3"])
    e = cl.cluster_matrix(x, s)
    assert e.loc["r1"].tolist()[:2] == [100.0, 50.0]
    assert e.loc["r2", "Auto"] == 20.0                 # lower bound: C28 is hidden
    assert np.isnan(e.loc["r2", "Machinery"])          # nothing observed
    assert e.loc[:, "Finance"].isna().all()            # K64 absent from the data
    assert np.isnan(e.loc["r3", "Auto"])
    cov = cl.cluster_coverage(x, s)
    assert cov.loc["r1", "Auto"] == 1.0
    assert cov.loc["r2", "Auto"] == pytest.approx(1.0 / 1.5)
    assert cov.loc["r1", "Finance"] == 0.0


def test_cluster_matrix_conserves_employment_of_a_full_partition():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.integers(0, 1000, size=(6, 4)).astype(float), columns=["A", "B", "C", "D"])
    s = _scheme([("A", "K1", 1.0), ("B", "K1", 0.25), ("B", "K2", 0.75), ("C", "K2", 1.0), ("D", "K3", 1.0)])
    pd.testing.assert_series_equal(cl.cluster_matrix(x, s).sum(axis=1), x.sum(axis=1))


def test_cluster_lq_with_region_totals():
    e = pd.DataFrame({"K": [10.0, 10.0]}, index=["r1", "r2"])
    lq = cl.cluster_lq(e, total=pd.Series({"r1": 20.0, "r2": 80.0}))
    assert lq["K"].tolist() == pytest.approx([(10 / 20) / (20 / 100), (10 / 80) / (20 / 100)])
    # without totals the row sums are the denominators (a single cluster is then 1 everywhere)
    assert cl.cluster_lq(e)["K"].tolist() == [1.0, 1.0]


# ---------------------------------------------------------------- stars (known answers)

def _stars_example():
    emp = pd.DataFrame({"K": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 20],
                        "L": [np.nan, 1.0, 2, 3, 4, 5, 6, 7, 8, 9]}, index=REGIONS)
    total = pd.Series([100.0] * 9 + [1000.0], index=REGIONS)
    return emp, total


def test_observatory_stars_known_answers():
    """Worked by hand (10 regions; total 100 except j = 1000):

    K size: P90 of 1..9, 20 = 10.1 -> only j. K focus: shares .01-.09 and j .02, P90 = .081 -> i.
    K LQ = share / (65/1900): g 2.05, h 2.34, i 2.63 -> specialised; f 1.75 not.
    L (a missing) size P90 of 1..9 = 8.2 -> j; focus P90 of .009, .01-.08 = .072 -> i;
    L LQ = share / (45/1900): f 2.11, g 2.53, h 2.96, i 3.38.
    """
    emp, total = _stars_example()
    stars = cl.observatory_stars(emp, total=total)
    assert stars["K"].tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 2, 1]
    assert np.isnan(stars.loc["a", "L"])
    assert stars["L"].iloc[1:].tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 1]
    detail = cl.observatory_stars(emp, total=total, detail=True).set_index(["region", "cluster"])
    assert bool(detail.loc[("j", "K"), "size"]) and not bool(detail.loc[("j", "K"), "specialisation"])
    assert bool(detail.loc[("i", "K"), "focus"]) and bool(detail.loc[("i", "K"), "specialisation"])
    assert (detail["stars"].dropna() == detail[["size", "specialisation", "focus"]].sum(axis=1)
            [detail["stars"].notna()]).all()


def test_stars_need_positive_employment():
    emp = pd.DataFrame({"K": [0.0] * 9 + [5.0], "L": [5.0] * 10}, index=REGIONS)
    stars = cl.observatory_stars(emp)
    assert stars["K"].iloc[:9].eq(0).all()             # a 0 in the top decile of zeros is no star


# ---------------------------------------------------------------- strong clusters

def test_strong_clusters_known_answer():
    """K: LQ (traded denominators) .17 .31 .43 1.50, P75 = .70, emp P25 = 1.75 -> only d.
    L: emp all 10 so nobody has emp > P25 = 10 -> none."""
    emp = pd.DataFrame({"K": [1.0, 2, 3, 40], "L": [10.0, 10, 10, 10]}, index=list("abcd"))
    strong = cl.strong_clusters(emp, emp)
    assert strong["K"].tolist() == [False, False, False, True]
    assert not strong["L"].any()


def test_strong_clusters_match_numpy_quantiles_on_random_data():
    rng = np.random.default_rng(7)
    emp = pd.DataFrame(rng.lognormal(5, 1.5, size=(40, 6)), index=[f"r{i}" for i in range(40)],
                       columns=[f"K{j}" for j in range(6)])
    emp.iloc[::7, 2] = 0.0
    est = emp / rng.uniform(5, 50, size=emp.shape)
    est.iloc[3, 1] = np.nan
    for top in (0.75, 0.90):
        got = cl.strong_clusters(emp, est, top=top)
        share = emp.div(emp.sum(axis=1), axis=0)
        lq = share / (emp.sum() / emp.to_numpy().sum())
        for c in emp.columns:
            on = emp[c] > 0
            want = ((lq[c] >= np.quantile(lq.loc[on, c], top)) & (lq[c] >= 1)
                    & (emp[c] > np.quantile(emp.loc[on, c], 0.25))
                    & (est[c] > np.nanquantile(est.loc[on, c], 0.25)) & on)
            pd.testing.assert_series_equal(got[c], want.astype("boolean"), check_names=False)
        assert got.to_numpy().any()                    # the rule is not vacuous here


# ---------------------------------------------------------------- user mapping files

@pytest.fixture
def nace_codes(monkeypatch):
    """A small NACE table so the file checks run without the snapshot."""
    from s3lib import data

    table = pd.DataFrame({"code": ["C", "C28", "C29", "C30", "H", "H49", "G", "G451", "G45"]})
    monkeypatch.setattr(data, "nace", lambda level=None: table, raising=False)
    return table


def test_from_file_csv_and_yaml(tmp_path, nace_codes):
    f = tmp_path / "mobility.csv"
    f.write_text("nace,cluster,weight\nC29,Mobility,1\nC30,Mobility,1\nH49,Mobility,0.5\nH49,Logistics,0.5\n")
    s = schemes.from_file(f)
    assert s.name == "mobility" and s.clusters == ["Mobility", "Logistics"]
    y = tmp_path / "city.yaml"
    y.write_text("Mobility: [C29, C30]\nLogistics: {H49: 0.5}\n")
    assert schemes.from_file(y).members("Logistics").to_dict() == {"H49": 0.5}
    r = tmp_path / "records.yml"
    r.write_text("- {nace: C29, cluster: Mobility}\n- {nace: c28, cluster: Machinery, weight: 1}\n")
    assert schemes.from_file(r).industries == ["C29", "C28"]
    assert schemes.get(str(f)).clusters == s.clusters


@pytest.mark.parametrize("text,message", [
    ("nace,cluster\nC99,Mobility\n", "unknown NACE Rev. 2 code"),
    ("code,cluster\nC29,Mobility\n", "lacks column"),
    ("nace,cluster,weight\nC29,Mobility,heavy\n", "not a number in line 2"),
    ("nace,cluster,weight\nC29,Mobility,0.8\nC29,Auto,0.8\n", "sum to <= 1"),
    ("nace,cluster,weight\nC29,Mobility,-1\n", r"\(0, 1\]"),
    ("nace,cluster\nC,Manufacturing\nC29,Mobility\n", "C contains C29"),
    ("nace,cluster\nC29,\n", "empty nace or cluster in line 2"),
])
def test_from_file_errors_are_clear(tmp_path, nace_codes, text, message):
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(UsageError, match=message):
        schemes.from_file(f)


def test_from_file_bad_paths(tmp_path, nace_codes):
    with pytest.raises(UsageError, match="not found"):
        schemes.from_file(tmp_path / "missing.csv")
    (tmp_path / "m.txt").write_text("x")
    with pytest.raises(UsageError, match=".csv or .yaml"):
        schemes.from_file(tmp_path / "m.txt")
    (tmp_path / "m.yaml").write_text("just a string\n")
    with pytest.raises(UsageError, match="expected a list"):
        schemes.from_file(tmp_path / "m.yaml")
    with pytest.raises(UsageError, match="unknown cluster scheme"):
        schemes.get("porter")


# ---------------------------------------------------------------- on the snapshot

@pytest.fixture(scope="module")
def uscmp_scheme():
    return schemes.get("uscmp")


def test_uscmp_scheme_weights_and_codes(uscmp_scheme):
    from s3lib import data

    w = uscmp_scheme.weights
    assert len(uscmp_scheme.clusters) == 51
    assert (w.groupby("nace")["weight"].sum() <= 1 + 1e-12).all()
    divisions = set(data.nace()["code"])
    assert set(w["nace"]) <= divisions
    assert uscmp_scheme.members("Automotive").index[0] == "C29"


def test_portfolio_de71_2014(uscmp_scheme):
    from s3lib import data

    table = Study(year=2014).at("frankfurt").portfolio
    assert (table["region"] == "DE71").all() and (table["level"] == "NUTS2").all()
    assert table["cluster"].is_unique and set(table["cluster"]) <= set(uscmp_scheme.clusters)
    assert table["employment"].is_monotonic_decreasing
    assert table["stars"].between(0, 3).all()
    stars = table[["size_star", "specialisation_star", "focus_star"]].sum(axis=1)
    assert (stars == table["stars"]).all()
    assert ((table["lq"] >= 2) == table["specialisation_star"]).all()
    assert not (table["strong"] & (table["lq"] < 1)).any()
    assert (table["strong10"] <= table["strong"]).all()
    assert (table["partial"] == (table["coverage"] < 0.5)).all()
    assert table.set_index("cluster").loc["Financial Services", "partial"]   # NACE K is not in the SBS
    # recompute Automotive employment from the tidy table: sum_d w_d x_d over observed divisions
    emp = data.employment(level=2, year=2014)
    x = emp[emp["region"] == "DE71"].set_index("nace")["value"]
    x = x.fillna(spaces.sbs_estimates(2, 2014).loc["DE71"]).dropna()  # confidential cells estimated
    w = uscmp_scheme.members("Automotive")
    want = sum(w[d] * x[d] for d in w.index if d in x.index)
    got = table.set_index("cluster").loc["Automotive", "employment"]
    assert got == pytest.approx(want)
    assert got / table.set_index("cluster").loc["Automotive", "share"] == pytest.approx(x.sum())


def test_size_star_goes_to_about_a_tenth_of_regions(uscmp_scheme):
    x = data.eu_matrix(2, 2014)
    emp = cl.cluster_matrix(x, uscmp_scheme)
    detail = cl.observatory_stars(emp, total=x.sum(axis=1), detail=True).dropna(subset=["stars"])
    share = detail.groupby("cluster")["size"].mean()
    assert share.between(0.05, 0.12).all()


def test_colocation_scheme_is_a_reproducible_partition():
    a = Study(year=2014, scheme="colocation").scheme
    b = schemes.colocation(Study(year=2014))
    pd.testing.assert_frame_equal(a.weights, b.weights)
    w = a.weights
    assert w["nace"].is_unique and (w["weight"] == 1).all()
    assert 5 <= len(a.clusters) <= 25
    assert set(a.labels) == set(a.clusters)
    assert "seed 2014" in a.description and "resolution 2.0" in a.description
