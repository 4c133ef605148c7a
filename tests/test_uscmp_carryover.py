"""US CMP -> NACE carry-over rule (issue 11, step 1): whole vs partial NAICS links.

The rule (module docstring of s3lib.data.build_uscmp): a NACE class splits equally over its
*main* NAICS links (no note, a note about the code only, or an "Except ..." note) and ignores its
partial links (a note naming products); a class without a main link splits over its partial links.
The pinned cases read the committed snapshot in ``data/``; the synthetic cases run the builder's
class step on a tiny correspondence.
"""
from __future__ import annotations

import pandas as pd
import pytest

from s3lib.data import _store
from s3lib.data import build_uscmp as bu


@pytest.fixture(scope="module")
def classes():
    return _store.table("uscmp_nace_classes.parquet")


@pytest.fixture(scope="module")
def audit():
    a = _store.table("uscmp_carryover_audit.csv").copy()
    for col in ("class_weight", "link_weight", "naics_share", "link_weight_in_cluster"):
        a[col] = a[col].astype(float)
    a["counted"] = a["counted"].eq("True")
    return a


def _weights(classes, nace_class):
    return classes[classes["nace_class"] == nace_class].groupby("cluster")["weight"].sum()


# ---------------------------------------------------------------- pinned cases (snapshot)

@pytest.mark.parametrize("nace_class,cluster,at_least", [
    ("C2110", "Biopharmaceuticals", 1.0),               # through LINK_CORRECTIONS (325411)
    ("C2120", "Biopharmaceuticals", 1.0),               # 339113 "surgical dressings, medicated" ignored
    ("C3030", "Aerospace Vehicles and Defense", 1.0),   # seats, satellites, flight simulators ignored
    ("C3011", "Water Transportation", 1.0),             # 336611 "Except repairs ..." is the main link
    ("C1102", "Food Processing and Manufacturing", 1.0),
    ("C3012", "Water Transportation", 1.0),             # 336612 boat building; personal watercraft ignored
    ("H5224", "Transportation and Logistics", 0.75),    # TYPE_CORRECTIONS: airport, rail, road modes count
])
def test_pinned_classes(classes, nace_class, cluster, at_least):
    w = _weights(classes, nace_class)
    assert w.idxmax() == cluster
    assert w[cluster] >= at_least - 1e-12


def test_cargo_handling_keeps_its_marine_quarter_only(classes):
    assert _weights(classes, "H5224").to_dict() == pytest.approx(
        {"Transportation and Logistics": 0.75, "Water Transportation": 0.25})


def test_ships_and_aircraft_give_nothing_to_automotive(classes):
    assert "Automotive" not in _weights(classes, "C3011").index
    assert "Automotive" not in _weights(classes, "C3030").index
    assert _weights(classes, "C3030").index.tolist() == ["Aerospace Vehicles and Defense"]


def test_instruments_keep_their_whole_links_only(classes):
    # 26.51: 334511 (aerospace) + six 33451x (instruments) are whole/except; scales, GPS, motion detectors are partial
    w = _weights(classes, "C2651")
    assert w.to_dict() == pytest.approx({"Aerospace Vehicles and Defense": 1 / 7,
                                         "Information Technology and Analytical Instruments": 6 / 7})


def test_class_weights_sum_to_one_and_carry_the_division_size(classes):
    total = classes.groupby("nace_class")["weight"].sum()
    assert (total - 1).abs().max() < 1e-12
    per_div = classes.groupby("division")["nace_class"].nunique()
    assert len(per_div) == 88 and per_div.sum() == len(total)   # every NACE Rev. 2 division and class
    assert (classes["n_classes"] == classes["division"].map(per_div)).all()
    assert per_div["C30"] == 8 and per_div["C21"] == 2
    assert set(classes["rule"]) <= set(bu.RULES)
    assert (classes["n_counted"] <= classes["n_links"]).all()


def test_division_scheme_is_the_mean_of_its_classes(classes):
    scheme = _store.table("cluster_scheme_uscmp.parquet")
    c = classes.assign(cluster=classes["cluster"].where(classes["kind"] == "traded", classes["kind"]))
    again = (c.assign(w=c["weight"] / c["n_classes"]).groupby(["division", "cluster"])["w"].sum())
    got = scheme.set_index(["nace", "cluster"])["weight"]
    got.index.names = ["division", "cluster"]
    pd.testing.assert_series_equal(again.sort_index(), got.sort_index(), check_names=False, atol=1e-12)


def test_audit_explains_every_class_weight(classes, audit):
    assert {e["file"] for e in _store.manifest()["files"]} >= {"uscmp_carryover_audit.csv"}
    # the counted links of a class carry weight 1 in total, ignored links 0
    per_link = audit.drop_duplicates(["nace_class", "naics", "nace_linked"])
    assert (per_link.groupby("nace_class")["link_weight"].sum() - 1).abs().max() < 1e-5
    assert (audit.loc[~audit["counted"], "link_weight"] == 0).all()
    # a class under the "main" rule counts exactly its whole/except links
    main = audit[audit["rule"] == "main"]
    assert (main["counted"] == main["link_type"].isin(["whole", "except"])).all()
    partial_only = audit[audit["rule"] == "partial-only"]
    assert partial_only["counted"].all() and (partial_only["link_type"] == "partial").all()
    # class_weight of each (class, cluster) is the class table's weight and the sum of its links
    by_link = audit.groupby(["nace_class", "kind", "cluster"])["link_weight_in_cluster"].sum()
    table = classes.set_index(["nace_class", "kind", "cluster"])["weight"]
    assert (by_link.reindex(table.index) - table).abs().max() < 1e-5
    cw = audit.drop_duplicates(["nace_class", "kind", "cluster"]).set_index(["nace_class", "kind", "cluster"])
    assert (cw["class_weight"].reindex(table.index) - table).abs().max() < 1e-5
    row = audit[(audit["nace_class"] == "C3030") & (audit["naics"] == "336360")].iloc[0]
    assert row["note"] == "Aircraft seats" and row["link_type"] == "partial" and not row["counted"]
    fix = audit[(audit["nace_class"] == "C2110") & (audit["naics"] == "325411")].iloc[0]
    assert fix["counted"] and fix["source"].startswith("s3lib correction")


# ---------------------------------------------------------------- the rule on a tiny correspondence

@pytest.mark.parametrize("note,kind", [
    ("", "whole"), (None, "whole"), ("New code introduced in NAICS 2017", "whole"),
    ("2012 code 517210 renumbered into 517312 in NAICS 2017", "whole"),
    ("One-to-many links 96 to all of NAICS based on the goods", "whole"),
    ("Except repairs performed in a shipyard", "except"), ("except brandies", "except"),
    ("Aircraft seats", "partial"), ("Salicylic acid (nonmedicinal)", "partial"),
    ("Link to NACE group level - Class depends on main component", "partial"),
    ("Synthetic essential oils. Except synthetic plasticizer compounds", "partial"),
])
def test_link_type_reads_the_note(note, kind):
    assert bu.link_type(note) == kind


def _tiny(tmp_path, monkeypatch, corrections=()):
    """Division 30 with three classes and five NAICS codes in four clusters."""
    monkeypatch.setattr(bu, "LINK_CORRECTIONS", tuple(corrections))
    monkeypatch.setattr(bu, "TYPE_CORRECTIONS", ())
    nace = pd.DataFrame({
        "nace2": ["30", "30.1", "30.11", "30.12", "30.3", "30.30"],
        "Name": ["Transport equipment", "Ships", "Ships", "Boats", "Air", "Aircraft"],
        "Level": ["2", "3", "4", "4", "3", "4"],
        "Parent": ["C", "30", "30.1", "30.1", "30", "30.3"],
    })
    corr = pd.DataFrame([
        # NAICS, NACE, NACE name, NAICS name, note
        ("336611", "30.11", "Ships", "Shipbuilding", "Except repairs performed in a shipyard"),
        ("336360", "30.11", "Ships", "Seating", "Ship seats"),
        ("332312", "30.11", "Ships", "Structural metal", "Prefabricated ship sections"),
        ("332312", "30.12", "Boats", "Structural metal", "Prefabricated boat sections"),
        ("336360", "30.12", "Boats", "Seating", "Boat seats"),
        ("336360", "30.12", "Boats", "Seating", "Boat cushions"),
        ("336411", "30.30", "Aircraft", "Aircraft", ""),
        ("336412", "30.30", "Aircraft", "Engines", "New code introduced in NAICS 2017"),
        ("336360", "30.30", "Aircraft", "Seating", "Aircraft seats"),
    ], columns=["NAICS 2017", "NACE Rev. 2", "NACE Rev. 2", "US NAICS 2017", "Notes"])
    naics = pd.DataFrame({
        "naics": ["336611", "336360", "332312", "336411", "336412"],
        "traded": True,
        "cluster_code": pd.array([48, 2, 12, 1, 1], dtype="Int64"),
        "cluster": ["Water Transportation", "Automotive", "Downstream Metal Products",
                    "Aerospace Vehicles and Defense", "Aerospace Vehicles and Defense"],
    })
    nace.to_csv(tmp_path / "nace.csv", index=False)
    corr.to_csv(tmp_path / "corr.csv", index=False, encoding="utf-8-sig")
    return bu._class_weights(naics, tmp_path / "corr.csv", tmp_path / "nace.csv")


def test_rule_on_a_tiny_correspondence(tmp_path, monkeypatch):
    classes, audit = _tiny(tmp_path, monkeypatch)
    w = classes.set_index(["nace_class", "cluster"])["weight"]
    # a main (except) link beats two partial links
    assert w["C3011"].to_dict() == {"Water Transportation": 1.0}
    # whole + code-note links split equally; the partial seat link is ignored
    assert w["C3030"].to_dict() == {"Aerospace Vehicles and Defense": 1.0}
    # no main link: split equally over the three partial links (2 seat links, 1 metal link)
    assert w["C3012"].to_dict() == pytest.approx({"Automotive": 2 / 3, "Downstream Metal Products": 1 / 3})
    rules = classes.drop_duplicates("nace_class").set_index("nace_class")
    assert rules["rule"].to_dict() == {"C3011": "main", "C3012": "partial-only", "C3030": "main"}
    assert rules["n_links"].to_dict() == {"C3011": 3, "C3012": 3, "C3030": 3}
    assert rules["n_counted"].to_dict() == {"C3011": 1, "C3012": 3, "C3030": 2}
    assert (classes["n_classes"] == 3).all()
    assert len(audit) == 9 and audit["counted"].sum() == 6
    scheme = bu._division_weights(classes).set_index("cluster")["weight"]
    assert scheme.to_dict() == pytest.approx({"Aerospace Vehicles and Defense": 1 / 3, "Water Transportation": 1 / 3,
                                              "Automotive": 2 / 9, "Downstream Metal Products": 1 / 9})


def test_a_correction_row_is_read_like_any_link(tmp_path, monkeypatch):
    classes, audit = _tiny(tmp_path, monkeypatch, [("336611", "30.12", "", "boats are built in shipyards too")])
    w = classes.set_index(["nace_class", "cluster"])["weight"]
    assert w["C3012"].to_dict() == {"Water Transportation": 1.0}
    row = audit[(audit["nace_class"] == "C3012") & (audit["naics"] == "336611")].iloc[0]
    assert row["source"] == "s3lib correction: boats are built in shipyards too" and row["link_type"] == "whole"
