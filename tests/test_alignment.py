"""s3lib.measures.alignment on a hand-made example with scores worked out by hand, plus
identities on random profiles and checks on the real snapshot."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3lib.errors import UsageError
from s3lib.measures import alignment as al
from s3lib.study import Study

# ----------------------------------------------------------------------------- the hand-made place
#
# industry  employment  LQ    specialised (LQ >= 1)
# C21          100      2.0   yes
# C26           50      0.5   no
# J62           30      1.2   yes
# J63           20      0.8   no
# H52           40      1.5   yes        <- no priority maps to it
# C20          NaN      NaN   (missing: confidential)
# K64, K65     not in the statistics at all (not measurable in SBS)
#
# specialised employment of the place: S = 100 + 30 + 40 = 170
#
# P1 "Health"  -> C21, C266 (part of C26)
#    mapped = 100 + 50 = 150, in specialised = 100
#    coverage = 100/150 = 0.666667, fit = 100/170 = 0.588235; C26 partial
# P2 "Digital" -> J62, J63, C20, C26
#    measured J62, J63, C26: mapped = 30 + 20 + 50 = 100, in specialised = 30
#    coverage = 30/100 = 0.3, fit = 30/170 = 0.176471; C20 missing
# P3 "FinTech" -> J63, K64
#    measured J63: mapped = 20, in specialised = 0 -> coverage 0, fit 0: a gap (best J63, LQ 0.8);
#    K64 not measurable
# P4 "Finance" -> K65 only: nothing measured -> coverage NaN, "not measurable" (not a gap)
# all priorities: union {C21, C26, J62, J63} (C26, J63 counted once)
#    mapped = 200, in specialised = 130 -> coverage 0.65, fit 130/170 = 0.764706
# uncovered strengths: H52 (40, share 40/170 = 0.235294); fit(all) + shares of uncovered = 1
#
# candidates (place's opportunity pool C26, J63, N80):
#    density C26 0.5, J63 0.3, N80 0.1 -> pct ranks 1, 2/3, 1/3
#    pci     C26 1.0, J63 0.5, N80 -1  -> pct ranks 1, 2/3, 1/3
#    score   C26 1.0, J63 2/3, N80 1/3
#    P1: [C26]; P2: [C26, J63]; P3: [J63]; P4: []

PROFILE = pd.DataFrame(
    {"employment": [100.0, 50.0, 30.0, 20.0, 40.0, np.nan],
     "lq": [2.0, 0.5, 1.2, 0.8, 1.5, np.nan]},
    index=["C21", "C26", "J62", "J63", "H52", "C20"],
)
MEASURABLE = list(PROFILE.index)  # K64, K65 absent: the statistics do not cover section K
PRIOS = pd.DataFrame({
    "priority_id": ["X/1", "X/2", "X/3", "X/4"],
    "label": ["1 Health", "2 Digital", "3 FinTech", "4 Finance"],
    "type": ["priority"] * 4,
    "nace_detail": ["C21;C266", "J62;J63;C20;C26", "J63;K64", "K65"],
    "nace_divisions": ["C21;C26", "J62;J63;C20;C26", "J63;K64", "K65"],
})
OPPORTUNITIES = pd.DataFrame(
    {"density": [0.5, 0.3, 0.1], "benefit": [1.0, 0.5, -1.0],
     "quadrant": ["low risk, high benefit", "low risk, high benefit", "high risk, low benefit"],
     # percentile ranks among the three candidates and their mean, as opportunities.candidates gives them (the Balland et al. frame)
     "density_pct": [1.0, 2 / 3, 1 / 3], "benefit_pct": [1.0, 2 / 3, 1 / 3], "score": [1.0, 2 / 3, 1 / 3]},
    index=["C26", "J63", "N80"],
)


@pytest.fixture()
def match() -> pd.DataFrame:
    return al.matching(al.priority_industries(PRIOS), PROFILE, MEASURABLE)


def test_links_flag_partial_divisions():
    links = al.priority_industries(PRIOS)
    health = links[links["priority_id"] == "X/1"].set_index("industry")
    assert health["partial"].to_dict() == {"C21": False, "C26": True}
    assert health.loc["C26", "detail"] == "C266"
    assert not links.loc[links["priority_id"] == "X/2", "partial"].any()


def test_matching_statuses(match):
    status = match.set_index(["priority_id", "industry"])["status"]
    assert status[("X/2", "C20")] == al.MISSING
    assert status[("X/3", "K64")] == al.NOT_MEASURABLE
    assert status[("X/1", "C21")] == "measured"
    assert match["specialised"].isna().sum() == 3  # C20, K64, K65


def test_scores_known_by_hand(match):
    s = al.scores(match, PROFILE)
    assert s.loc["X/1", "coverage"] == pytest.approx(100 / 150)
    assert s.loc["X/1", "fit"] == pytest.approx(100 / 170)
    assert s.loc["X/1", "partial"] == "C26"
    assert s.loc["X/2", "coverage"] == pytest.approx(0.3)
    assert s.loc["X/2", "fit"] == pytest.approx(30 / 170)
    assert s.loc["X/2", "missing"] == "C20"
    assert s.loc["X/3", ["coverage", "fit"]].tolist() == [0.0, 0.0]
    assert s.loc["X/3", "not_measurable"] == "K64"
    assert math.isnan(s.loc["X/4", "coverage"]) and s.loc["X/4", "n_measured"] == 0
    assert s.loc["all", "mapped_employment"] == 200
    assert s.loc["all", "coverage"] == pytest.approx(0.65)
    assert s.loc["all", "fit"] == pytest.approx(130 / 170)
    assert s.loc["all", "not_measurable"] == "K64;K65"


def test_gaps_both_ways_known_by_hand(match):
    gaps = al.priority_gaps(match).set_index("priority_id")
    assert gaps.index.tolist() == ["X/3", "X/4"]
    assert gaps.loc["X/3", "reason"] == "no specialised industry"
    assert (gaps.loc["X/3", "best_industry"], gaps.loc["X/3", "best_lq"]) == ("J63", 0.8)
    assert gaps.loc["X/3", "unmeasured"] == "K64"
    assert gaps.loc["X/4", "reason"] == "not measurable"
    unc = al.uncovered_strengths(match, PROFILE)
    assert unc.index.tolist() == ["H52"]
    assert unc.loc["H52", "share"] == pytest.approx(40 / 170)
    assert al.scores(match, PROFILE).loc["all", "fit"] + unc["share"].sum() == pytest.approx(1.0)


def test_candidates_known_by_hand(match):
    c = al.priority_candidates(match, OPPORTUNITIES)
    got = {pid: grp["industry"].tolist() for pid, grp in c.groupby("priority_id", sort=False)}
    assert got == {"X/1": ["C26"], "X/2": ["C26", "J63"], "X/3": ["J63"]}
    assert c.loc[c["priority_id"] == "X/1", "partial"].tolist() == [True]  # C266 inside C26
    scores = c.drop_duplicates("industry").set_index("industry")["score"]
    assert scores["C26"] == pytest.approx(1.0) and scores["J63"] == pytest.approx(2 / 3)


def test_matching_matrix_shape(match):
    m = al.matching_matrix(match)
    assert m.index.tolist() == ["1 Health", "2 Digital", "3 FinTech", "4 Finance"]
    assert m.loc["1 Health", "C21"] == 2.0
    assert np.isnan(m.loc["1 Health", "J62"])  # not mapped


def test_broad_sector_links():
    links = al.priority_industries(PRIOS, al.BROAD_PARTITIONS[1])
    got = links.groupby("priority_id")["industry"].apply(list).to_dict()
    assert got == {"X/1": ["B-E"], "X/2": ["G-J", "B-E"], "X/3": ["G-J", "K-N"], "X/4": ["K-N"]}
    assert links["partial"].all()
    whole = pd.DataFrame({"priority_id": ["Y/1"], "label": ["1 Farming"], "type": ["priority"],
                          "nace_detail": ["A"], "nace_divisions": ["A01;A02;A03"]})
    assert not al.priority_industries(whole, al.BROAD_PARTITIONS[0])["partial"].any()
    with pytest.raises(UsageError, match="overlap"):
        al.priority_industries(PRIOS, ("A", "B-E", "C"))


def test_to_divisions():
    divisions = ["C20", "C21", "C26", "E36", "E37", "E38", "E39", "F41"]
    assert al.to_divisions(["C266", "C26", "E", "C3316"], divisions) == ["C26", "E36", "E37", "E38", "E39", "C33"]


def test_profile_similarity_known_by_hand():
    lq = pd.DataFrame({"a": [2.0, 2.0, 0.5, 1.0], "b": [0.5, 0.5, 2.0, np.nan]}, index=["x", "y", "z", "w"])
    cos = al.profile_similarity(lq.loc[["x", "y", "z"]]).table
    # x.z = 2*0.5 + 0.5*2 = 2; |x|^2 = |z|^2 = 4.25
    assert cos.loc["x", "z"] == pytest.approx(2 / 4.25)
    assert cos.loc["x", "y"] == pytest.approx(1.0)
    assert al.profile_similarity(lq.loc[["x", "z"]], log=True).table.loc["x", "z"] == pytest.approx(-1.0)
    assert al.profile_similarity(lq).params["n_industries"] == 1  # b is missing for w


@settings(max_examples=40, deadline=None)
@given(
    emp=st.lists(st.floats(1, 1e5), min_size=8, max_size=8),
    lq=st.lists(st.floats(0.05, 5), min_size=8, max_size=8),
    member=st.lists(st.lists(st.booleans(), min_size=8, max_size=8), min_size=1, max_size=4),
)
def test_score_identities(emp, lq, member):
    inds = [f"C{10 + i}" for i in range(8)]
    profile = pd.DataFrame({"employment": emp, "lq": lq}, index=inds)
    prios = pd.DataFrame({
        "priority_id": [f"P/{k}" for k in range(len(member))],
        "label": [f"{k} P" for k in range(len(member))],
        "type": ["priority"] * len(member),
        "nace_detail": [";".join(i for i, m in zip(inds, row) if m) for row in member],
    })
    prios["nace_divisions"] = prios["nace_detail"]
    match = al.matching(al.priority_industries(prios), profile)
    s = al.scores(match, profile)
    cov, fit = s["coverage"].dropna(), s["fit"].dropna()
    assert ((cov >= 0) & (cov <= 1 + 1e-12)).all() and ((fit >= 0) & (fit <= 1 + 1e-12)).all()
    per_priority = s.drop(index="all")["fit"].dropna()
    assert per_priority.empty or s.loc["all", "fit"] >= per_priority.max() - 1e-12
    if (profile["lq"] >= 1).any():
        assert s.loc["all", "fit"] + al.uncovered_strengths(match, profile)["share"].sum() == pytest.approx(1.0)


# ----------------------------------------------------------------------------- the real snapshot


@pytest.fixture(scope="module")
def frankfurt():
    return Study(year=2014).at("frankfurt").alignment("2021-2027")


def test_frankfurt_finance_is_not_measurable_in_sbs(frankfurt):
    s = frankfurt.scores
    finance = s[s["label"] == "7 Financial sector"].iloc[0]
    assert set(finance["not_measurable"].split(";")) == {"K64", "K65", "K66"}
    assert frankfurt.region == "DE71"
    for col in ["coverage", "fit"]:
        values = s[col].dropna()
        assert ((values >= 0) & (values <= 1)).all()


def test_frankfurt_coverage_recomputed_from_the_data_api(frankfurt):
    """Coverage of Hessen's health priority, recomputed from the raw loaders: the 2021-2027 strategy is paired
    with the place's latest full year, and only traded divisions count (issue 18)."""
    from s3lib import data
    from s3lib.measures.specialisation import location_quotient

    assert frankfurt.year == 2015  # a 2021-2027 strategy is read on the latest full year, not on 2014
    x = data.matrix(data.employment(level=2, year=frankfurt.year, nace_level="division"))
    x = x.loc[~data.is_extra_regio(x.index)]  # the documented reference: all NUTS2 regions, extra-regio left out
    lq = location_quotient(x).loc["DE71"]
    row = x.loc["DE71"]
    flags = Study(year=frankfurt.year).traded
    traded = set(flags.index[flags])
    health = ["C21", "C26", "C32", "M72", "Q86"]  # Hessen 2: Gesundheit (Q86 not in SBS)
    measured = [i for i in health if i in row.index and not np.isnan(row[i]) and i in traded]
    expected = row[measured][lq[measured] >= 1].sum() / row[measured].sum()
    got = frankfurt.scores.loc["DE7/2021-2027/2", "coverage"]
    assert got == pytest.approx(expected)


def test_bordeaux_has_no_invented_priorities():
    bordeaux = Study(year=2014).at("bordeaux")
    res = bordeaux.alignment("2021-2027")
    assert res.choice.kind == "none" and res.match.empty and res.priorities.empty
    assert any("not found" in n for n in res.notes)
    oriented = bordeaux.alignment()  # auto: sourced strengths, for orientation only
    assert oriented.choice.kind == "strengths only"
    assert set(oriented.priorities["type"]) == {"strength_not_s3"}


def test_bucharest_national_fallback():
    res = Study(year=2014).at("bucharest").alignment("2014-2020")
    assert res.choice.kind == "national fallback"
    assert set(res.priorities["owner_code"]) == {"RO"}
    assert any("national" in n for n in res.notes)


def test_nuts3_broad_sectors_measure_finance_for_frankfurt():
    res = Study(year=2014).at("frankfurt").alignment("2021-2027", level=3)
    finance = res.match[res.match["label"] == "7 Financial sector"]
    assert "K-N" in set(finance["industry"]) and (finance["status"] == "measured").all()
    assert res.region == "DE712"


def test_similarity_levels():
    sim = Study(year=2014).at("frankfurt").similarity().table
    pairs = set(zip(sim["region_a"], sim["region_b"]))
    assert ("DE71", "DE7") in pairs or ("DE7", "DE71") in pairs
    assert ((sim["cosine_lq"] > 0) & (sim["cosine_lq"] <= 1 + 1e-12)).all()
    assert ((sim["cosine_log_lq"] >= -1 - 1e-12) & (sim["cosine_log_lq"] <= 1 + 1e-12)).all()
