"""User cluster mappings with codes finer than a NACE division (s3lib.study.schemes.from_file, resolve_codes)."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from s3lib.study import schemes

KNOWN = ["C", "C25", "C254", "C30", "C301", "C3012", "C303", "C3030", "C33", "C3316", "H", "H51",
         "K", "K64", "G", "G45", "G451"]


@pytest.fixture
def nace_codes(monkeypatch):
    """A small NACE table so the file checks run without the snapshot."""
    from s3lib import data

    table = pd.DataFrame({"code": KNOWN})
    monkeypatch.setattr(data, "nace", lambda level=None: table, raising=False)
    return table


def test_classes_are_read_as_their_division_with_a_warning_naming_them(tmp_path, nace_codes):
    f = tmp_path / "bordeaux.csv"
    f.write_text("nace,cluster\nC303,Aerospace\nC3316,Aerospace\nH51,Aerospace\nC3012,Boating\nK64,Finance\n")
    with pytest.warns(UserWarning) as record:
        s = schemes.from_file(f)
    text = " ".join(str(w.message) for w in record)
    for pair in ("C303 -> C30 (Aerospace)", "C3316 -> C33 (Aerospace)", "C3012 -> C30 (Boating)"):
        assert pair in text
    assert "upper bound" in text and "split" in text          # C30 is claimed by two clusters
    assert isinstance(s, schemes.ResolvedScheme)
    r = s.resolution
    assert list(r["nace_given"]) == ["C303", "C3316", "H51", "C3012", "K64"]    # nothing dropped
    assert dict(zip(r["nace_given"], r["resolution"])) == {
        "C303": "upper bound", "C3316": "upper bound", "H51": "exact", "C3012": "upper bound", "K64": "exact"}
    assert r.set_index("nace_given")["outside_sbs"].to_dict()["K64"]
    w = s.weights.set_index(["nace", "cluster"])["weight"]
    assert w[("C30", "Aerospace")] == pytest.approx(0.5) and w[("C30", "Boating")] == pytest.approx(0.5)
    assert w[("C33", "Aerospace")] == 1.0 and w[("H51", "Aerospace")] == 1.0
    assert set(s.industries) == {"C30", "C33", "H51", "K64"}
    assert s.upper_bound() == ["Aerospace", "Boating"]


def test_divisions_only_give_no_warning_and_sections_expand(tmp_path, nace_codes):
    f = tmp_path / "m.csv"
    f.write_text("nace,cluster,weight\nC30,Transport,0.5\nH,Logistics,1\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = schemes.from_file(f)
    assert s.members("Logistics").index.tolist() == ["H51"]
    assert s.resolution.set_index("nace")["resolution"].to_dict() == {"C30": "exact", "H51": "section expanded"}


def test_several_classes_of_one_division_count_it_once(nace_codes):
    table = pd.DataFrame({"nace": ["C3012", "C3030"], "cluster": ["Transport", "Transport"], "weight": [1.0, 1.0]})
    weights, res = schemes.resolve_codes(table, KNOWN)
    assert weights.values.tolist() == [["C30", "Transport", 1.0]]
    assert len(res) == 2


def test_user_weights_on_divisions_must_still_sum_to_one(tmp_path, nace_codes):
    f = tmp_path / "m.csv"
    f.write_text("nace,cluster,weight\nC30,A,0.8\nC30,B,0.8\n")
    with pytest.raises(Exception, match="sum to <= 1"):
        schemes.from_file(f)


# ---------------------------------------------------------------- built-in emerging urban industries (snapshot)

def test_emerging_schemes_are_built_in_with_their_resolution():
    from s3lib.errors import UnknownChoiceError

    assert set(schemes.EMERGING) <= set(schemes.SCHEMES)
    kibs = schemes.get("kibs")
    assert "our own" in kibs.description and "outside the business statistics" in kibs.description
    assert kibs.clusters == ["Technology KIBS (our own)", "Professional KIBS (our own)", "FinTech (our own)"]
    w = kibs.weights.set_index(["nace", "cluster"])["weight"]
    assert w[("J62", "Technology KIBS (our own)")] == pytest.approx(0.5)   # shared with FinTech, split
    assert kibs.resolution.set_index("nace_given").at["M702", "nace"] == "M70"
    ict = schemes.get("ict_oecd")
    assert len(ict.resolution) == 22 and (ict.resolution["resolution"] == "upper bound").all()
    assert "official" in ict.description
    assert schemes.get("kis").resolution["outside_sbs"].sum() == 17
    with pytest.raises(UnknownChoiceError):
        schemes.get("cci_essnet")                     # definition not found: no codes, not a scheme


def test_study_with_an_emerging_scheme():
    from s3lib.study import Study

    pf = Study(scheme="kibs").at("frankfurt").portfolio.set_index("cluster")
    assert pf.at["FinTech (our own)", "partial"]      # K64, K66 are outside the business statistics
    assert pf.at["Professional KIBS (our own)", "lq"] > 1
