"""The city lens: declared clusters against measured ones (s3lib.measures.declared, s3lib.analyses.citylens) and the curated loaders."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3lib.errors import DataError
from s3lib.measures import declared as m

# ---------------------------------------------------------------- pure table logic


def test_resolve_reads_classes_through_divisions_and_flags_uncovered_codes():
    r = m.resolve(["C3012", "H51", "K64", "H"], ["C30", "H51", "H49"], divisions=["H49", "H51", "C30", "K64"])
    assert r.values.tolist() == [["C3012", "C30", "upper bound", True], ["H51", "H51", "exact", True],
                                 ["K64", "K64", "exact", False], ["H", "H49", "section expanded", True],
                                 ["H", "H51", "section expanded", True]]


def _toy():
    counts = pd.DataFrame({"C30": [50.0, 10.0, 10.0], "C11": [10.0, 10.0, np.nan], "J62": [40.0, 80.0, 90.0]},
                          index=["r1", "r2", "r3"])
    declared = pd.DataFrame({"cluster": ["Boats", "Software", "Finance", "Crafts"],
                             "codes": [["C3012"], ["J62"], ["K64", "K65"], []], "tier": ["a", "b", "b", "c"]})
    return counts, declared


def test_measure_known_answers_and_verdicts():
    counts, declared = _toy()
    out = m.measure(declared, counts, "r1").set_index("cluster")
    # Software: (40/100) / (210/300) = 0.571...
    assert out.at["Software", "lq"] == pytest.approx((40 / 100) / (210 / 300))
    assert out.at["Software", "verdict"] == "visible, not specialised"
    assert out.at["Boats", "verdict"] == "not measurable at this resolution"
    assert "C30" in out.at["Boats", "reason"] and "upper bound" in out.at["Boats", "reason"]
    # not measurable: no size, LQ, stars or strong flag, only why (the division's 50 is in the reason)
    assert out.loc["Boats", ["employment", "lq", "stars"]].isna().all() and not out.at["Boats", "strong"]
    assert "C30: 50 employed" in out.at["Boats", "reason"]
    assert out.at["Finance", "verdict"] == "not measurable in these statistics"
    assert "finance and insurance K" in out.at["Finance", "reason"]
    assert out.at["Crafts", "reason"].startswith("no code mapped")
    assert out.at["Software", "tier"] == "b"
    software_r2 = m.measure(declared, counts, "r2").set_index("cluster").at["Software", "verdict"]
    assert software_r2 == "visible and specialised"


def test_overlapping_declared_clusters_each_get_the_shared_division():
    counts, _ = _toy()
    declared = pd.DataFrame({"cluster": ["Vehicles", "Vehicles and drinks"], "codes": [["C30"], ["C30", "C11"]]})
    out = m.measure(declared, counts, "r1")
    assert out["employment"].tolist() == [50.0, 60.0]


def test_half_or_more_outside_the_statistics_is_not_measurable():
    """FinTech read as its measurable half (all of IT services) would be IT services, not FinTech."""
    counts, _ = _toy()
    declared = pd.DataFrame({"cluster": ["FinTech", "Software and finance"],
                             "codes": [["J62", "K64"], ["J62", "C30", "K64"]]})
    out = m.measure(declared, counts, "r1").set_index("cluster")
    assert out.at["FinTech", "verdict"] == "not measurable in these statistics"
    assert "cannot stand for the cluster" in out.at["FinTech", "reason"] and np.isnan(out.at["FinTech", "employment"])
    assert out.at["Software and finance", "employment"] == 90.0  # one of three outside: understated, still shown


def test_undeclared_and_three_way():
    pf = pd.DataFrame({"cluster": ["Wine", "Software", "Fin"], "employment": [10.0, 40.0, 1.0], "lq": [2.0, 1.2, 1.1],
                       "stars": [2.0, 0.0, 0.0], "strong": [True, True, True], "partial": [False, False, True]})
    weights = pd.DataFrame({"nace": ["C11", "J62", "K64", "M69"], "cluster": ["Wine", "Software", "Fin", "Fin"],
                            "weight": [1.0, 1.0, 1.0, 0.2]})
    und = m.undeclared(pf, weights, pd.Series({"C11": 10.0, "J62": 40.0, "M69": 5.0}), {"J62", "K64"})
    assert und.set_index("cluster")["declared"].to_dict() == {"Wine": False, "Software": True, "Fin": True}
    measured = pd.DataFrame({"cluster": ["Boats", "Finance", "Health"], "codes": [["C3012"], ["K64"], ["C266"]],
                             "lq": [1.3, np.nan, 0.5], "verdict": ["x", "y", "z"]})
    prios = pd.DataFrame({"priority_id": ["1", "2", "3"], "label": ["1 Transport", "2 Finance", "3 Photonics"],
                          "nace_detail": ["C30;H51", "K64;K65", "C267"]})
    t = m.three_way(measured, prios, ["C30", "H51", "C26"])
    assert t["match"].tolist() == ["both, measurable", "both, not measurable", "cluster without RIS3 home",
                                   "priority without city cluster"]             # C26.6 is not C26.7
    assert t["shared"].tolist()[:2] == ["C30", "K64"]


def test_urban_character_known_answer():
    city = pd.Series({"K": 30.0, "J": 10.0, "TOTAL": 100.0})
    region = pd.Series({"K": 40.0, "J": 40.0, "TOTAL": 400.0})
    out = m.urban_character(city, region, ["K", "J", "R-U"]).set_index("sector")
    assert out["urban_character"].to_dict() == {"K": 3.0, "J": 1.0}      # R-U absent: no row


# ---------------------------------------------------------------- curated tables


def test_curated_tables_load_and_validate():
    from s3lib import data

    seg = data.city_segmentations()
    assert set(seg["city"]) == {"frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"}
    assert (seg["status"] == "not found").sum() >= 2
    b = data.city_segmentations("Bordeaux", segmentation="three groups")
    assert b["cluster_en"].tolist()[:2] == ["Aerospace", "Laser & photonics"]
    assert b["codes"].iloc[0] == ["C303", "C3316", "C254", "H51"]
    em = data.emerging_industries("ict_oecd")
    assert len(em) == 22 and em["mapping"].eq("official").all()
    assert data.emerging_industries("kibs", coded_only=True)["nace"].ne("").all()


def test_curated_loader_errors_are_clear(monkeypatch):
    from s3lib import data
    from s3lib.data import _store

    good = _store.table("city_segmentations.csv")
    bad = good.copy()
    bad.loc[3, "nace_detail"] = "C99"
    monkeypatch.setattr(_store, "table", lambda name, folder=None: bad)
    with pytest.raises(DataError, match=r"line 5: unknown NACE Rev. 2 code 'C99'"):
        data.city_segmentations()
    bad2 = good.drop(columns=["tier"])
    monkeypatch.setattr(_store, "table", lambda name, folder=None: bad2)
    with pytest.raises(DataError, match="missing tier"):
        data.city_segmentations()


# ---------------------------------------------------------------- on the snapshot: Bordeaux
def _row(declared: pd.DataFrame, name: str) -> str:
    """The declared row whose label starts with ``name`` (a cluster named in several lists joins its names)."""
    if name in declared.index:
        return name
    hits = [c for c in declared.index if c.startswith(name + " /") or c.startswith(name + " (")]
    assert len(hits) == 1, (name, hits)
    return hits[0]



@pytest.fixture(scope="module")
def bordeaux():
    from s3lib.study import Study

    return Study(year=2014).at("bordeaux").lens()


def test_bordeaux_four_claims_are_measured_or_explicitly_not(bordeaux):
    d = bordeaux.declared.set_index("cluster")
    assert bordeaux.region == "FRI1"
    from s3lib.study import Study

    counts = Study("sbs", 2, 2014).counts
    for cluster, division in [("Aerospace", "C30"), ("Laser & photonics", "C26"), ("Boating-sailing", "C30")]:
        row = d.loc[_row(d, cluster)]
        # all four are class-level claims: only an upper bound through their divisions, and the reason says so,
        # with the division's published figure; the row itself shows no number
        assert row["verdict"] == "not measurable at this resolution"
        assert division in row["reason"] and "upper bound" in row["reason"]
        assert f"{counts.at['FRI1', division]:,.0f} employed" in row["reason"]
        assert np.isnan(row["employment"]) and np.isnan(row["stars"]) and not row["strong"]
    wine = d.loc[_row(d, "Wine")]  # vineyards (A01) and wine-making (C11.02): half outside the statistics
    assert wine["verdict"] == "not measurable in these statistics" and "A01" in wine["not_measurable"]
    assert np.isnan(wine["lq"])
    assert "K64" in d.at["Financial & advanced services", "reason"]
    assert d.at[_row(d, "Chemistry"), "verdict"] == "visible, not specialised"


def test_bordeaux_three_way_uses_strengths_not_an_s3_list(bordeaux):
    assert bordeaux.ris3_kind == "strengths only"
    assert (bordeaux.priorities["type"] == "strength_not_s3").all()
    t = bordeaux.three_way
    assert set(t["match"]) <= {"both, measurable", "both, not measurable", "cluster without RIS3 home",
                               "priority without city cluster"}
    assert "Financial & advanced services" in set(t.loc[t["match"] == "cluster without RIS3 home", "cluster"])
    assert bordeaux.urban is None and any("no NUTS3" in n for n in bordeaux.notes)


def test_frankfurt_finance_is_not_measurable_and_urban_character_is_at_nuts3():
    from s3lib.analyses.citylens import urban_character
    from s3lib.study import Study

    f = Study(year=2014).at("frankfurt").lens()
    d = f.declared.set_index("cluster")
    finance = _row(d, "Finance and insurance")
    assert d.at[finance, "verdict"] == "not measurable in these statistics"
    assert "finance and insurance K" in d.at[finance, "reason"]
    assert d.at[finance, "n_lists"] == 5   # the 2014 and 2015 reports, the press text, the initiative, the House
    pair = f.three_way[(f.three_way["cluster"] == finance)]
    assert set(pair["match"]) == {"both, not measurable"}                # Hessen's Finanzwirtschaft, K64-K66
    u = f.urban.set_index("sector")
    assert list(u.index) == ["G-J", "K-N", "O-U"]                        # German NUTS3: A*6 only
    assert u.at["K-N", "urban_character"] > 1.2
    turin = urban_character(Study(year=2014).at("turin"))
    assert "J" in set(turin.table["sector"]) and "A*6" not in " ".join(turin.notes)


def test_a_place_without_a_declared_list_gets_the_data_only():
    from s3lib.study import Study

    o = Study(year=2014).at("DE21").lens()
    assert o.declared.empty and o.segmentation == "" and "nothing is invented" in o.notes[0]
    assert not o.undeclared["declared"].any()


# ---------------------------------------------------------------- issue 18: every list, no numbers without a measure
def test_every_declared_list_is_read_so_turin_declares_automotive():
    from s3lib.data import city_segmentations
    from s3lib.study import Study

    lens = Study(year=2014).at("turin").lens()
    assert lens.segmentation == f"all {city_segmentations('turin')['segmentation'].nunique()} declared lists"
    d = lens.declared.set_index("cluster")
    assert d.at["Automotive", "verdict"] == "visible and specialised"
    assert "sectors of excellence" in d.at["Automotive", "lists"]
    und = lens.undeclared.set_index("cluster")
    assert bool(und.at["Automotive", "declared"])  # was "not declared" when only the first list was read
    mechatronics = _row(d, "MESAP (smart products & manufacturing / mechatronics)")
    assert d.at[mechatronics, "n_lists"] == 3      # one row, however many lists name it


@pytest.mark.parametrize("place", ["frankfurt", "bordeaux", "bilbao", "turin", "bucharest", "porto"])
def test_no_stars_or_totals_on_rows_that_are_not_measurable(place):
    from s3lib.study import Study

    view = Study(year=2014).at(place)
    for table in (view.lens().declared, view.emerging().table):
        blind = table["verdict"].str.startswith("not measurable")
        assert table.loc[blind, ["employment", "share", "lq", "stars"]].isna().all().all(), place
        assert not table.loc[blind, "strong"].astype(bool).any(), place
        assert (table.loc[blind, "reason"].str.len() > 10).all()
    und = view.lens().undeclared
    fragments = und["partial"].astype(bool)
    assert und.loc[fragments, ["employment", "lq", "stars"]].isna().all().all()
    assert und.loc[fragments, "why"].str.startswith("fragment").all()
