"""Validation against the Stata ``ecomplexity`` reference (Hidalgo-Hausmann conventions).

Input: ../shared/data/raw/validation/ecomplexity_trade_1995.csv (py-ecomplexity's trade
fixture, 1995: 10 countries x 30 HS92 products). Expected values: the Stata ground truth
shipped by py-ecomplexity, repo cid-harvard/py-ecomplexity (a.k.a. harvard-growth-lab),
path tests/fixtures/stata_single_year_1995.csv, commit 554cc5dc0d9fe5b72adee54b5cd64fb4953d0a20,
made by `ecomplexity export_val, i(origin) p(hs92) t(year)` (RCA threshold 1). Values copied
verbatim below; Stata stores export_val as float, which moves no RCA across 1 here.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import needs_raw

from s3lib.config import RAW_DIR
from s3lib.measures import complexity, relatedness, specialisation

pytestmark = needs_raw

STATA_ECI = {
    "aut": 1.073207217992253, "blx": -0.3159764634559932, "che": 1.06773721349865,
    "deu": 1.200861157616729, "dnk": -0.9777046345252988, "esp": 0.0180390442936879,
    "gbr": 0.5359206138129307, "ita": -0.421184002398617, "pol": -2.170709342895322,
    "svn": -0.0101908039390183,
}
STATA_PCI = {
    "1704": -1.470491886427003, "1806": 0.9898334389413032, "1905": -1.28829614655021,
    "2007": 0.3359789984244054, "2105": -3.323137535581785, "3208": 1.211838680172189,
    "3402": 0.7575610835667231, "3917": 2.794806326517154, "3922": 1.056227717927282,
    "4008": 0.3013836399410316, "4010": 0.9458555639215322, "4905": 0.2528276298920076,
    "5602": 0.7921553064524651, "6804": 1.794091102846822, "6810": -3.047699996853477,
    "7010": 0.5947683743763661, "7307": 1.865519843983964, "7308": -1.177374641095858,
    "7309": -1.81300391183786, "7310": 0.5613061109624367, "7325": -0.928657059139727,
    "7604": 1.071585041866113, "7608": -0.590077081819932, "7612": 1.180674892441301,
    "7616": 0.7101505141850155, "8309": 0.4400665963872156, "8431": 2.140168306589086,
    "8474": -0.1620847904245116, "8530": 2.794806326517154, "9403": -3.434600369331548,
}
STATA_DIVERSITY = {"aut": 14, "blx": 16, "che": 16, "deu": 15, "dnk": 11, "esp": 16, "gbr": 20,
                   "ita": 9, "pol": 7, "svn": 14}
STATA_DENSITY = {  # (country, product): density, with its presence M in Stata
    ("aut", "1704"): 0.4624999999999999,  # M=0; py-ecomplexity 0.5.3 gives 0.4302 (self-term kept)
    ("aut", "2007"): 0.4942528735632183,  # M=1
    ("blx", "2105"): 0.7132867132867133,
    ("che", "8530"): 0.6701708278580816,
    ("dnk", "9403"): 0.4682713347921225,
    ("esp", "7310"): 0.6880570409982174,
    ("gbr", "4905"): 0.8154657293497363,
    ("ita", "8431"): 0.308411214953271,
    ("pol", "3917"): 0.1077529566360053,
    ("svn", "9403"): 0.6039387308533917,
}
STATA_COG = {  # cells with M=0
    ("aut", "1704"): -0.6248181469470029, ("aut", "1806"): -0.2744855294705304,
    ("blx", "3917"): 0.5761814670034898, ("pol", "8431"): 0.8333457049302115,
    ("ita", "7310"): -0.0007853579774686, ("gbr", "6810"): -0.5419179064316618,
}


@pytest.fixture(scope="module")
def core():
    raw = pd.read_csv(RAW_DIR / "validation" / "ecomplexity_trade_1995.csv", dtype={"hs92": str})
    x = raw.pivot(index="origin", columns="hs92", values="export_val")
    m = specialisation.presence(specialisation.location_quotient(x))
    phi = relatedness.proximity(m)
    eci, pci = complexity.eci_pci(m)
    return m, phi, eci, pci


def test_fixture_shape_and_presence(core):
    m, *_ = core
    assert m.shape == (10, 30)
    assert m.sum(axis=1).astype(int).to_dict() == STATA_DIVERSITY


def test_density_equals_stata(core):
    m, phi, *_ = core
    rd = relatedness.density(m, phi)
    for (country, product), expected in STATA_DENSITY.items():
        assert rd.loc[country, product] == pytest.approx(expected, abs=1e-4)
    assert rd.loc["aut", "1704"] == pytest.approx(0.4625, abs=1e-4)


def test_eci_ranks_and_values_equal_stata(core):
    _, _, eci, _ = core
    expected = pd.Series(STATA_ECI)
    assert list(eci.sort_values().index) == list(expected.sort_values().index)
    # acceptance: within 0.5 %; the Stata standardisation convention makes them equal to rounding
    np.testing.assert_allclose(eci[expected.index], expected, rtol=0, atol=1e-9)
    zscored, _ = complexity.eci_pci(core[0], standardise="zscore")  # population sd over regions
    np.testing.assert_allclose(zscored / eci, np.sqrt(300 / 299))  # Stata: sample sd, 10 x 30 rows


def test_pci_equals_stata(core):
    *_, pci = core
    expected = pd.Series(STATA_PCI)
    np.testing.assert_allclose(pci[expected.index], expected, rtol=0, atol=1e-9)


def test_reflections_agree_with_eigh(core):
    m, _, eci, pci = core
    eci_r, pci_r = complexity.eci_pci(m, method="reflections")
    np.testing.assert_allclose(eci_r, eci, atol=1e-4)
    np.testing.assert_allclose(pci_r, pci, atol=1e-4)


def test_cog_matches_stata_up_to_its_eigenvector_offset(core):
    """Stata's COG drops the Atlas term -RD_ri PCI_i and uses its raw (unit-norm, uncentred)
    eigenvector: COG_stata = A_ri + c * W_ri with A the first Atlas term, W_ri the weight of
    the absent industries and one constant c for all cells. Check that one c fits all."""
    m, phi, _, pci = core
    rd = relatedness.density(m, phi)
    first = complexity.cog(m, phi, pci) + rd * pci * (1 - m)
    p = phi.to_numpy()
    w = p / p.sum(axis=0)[None, :]
    absent = pd.DataFrame(((1 - m.to_numpy()) @ w.T), index=m.index, columns=m.columns)
    offsets = [(v - first.loc[k]) / absent.loc[k] for k, v in STATA_COG.items()]
    assert np.ptp(offsets) < 1e-6


def test_py_ecomplexity_differs_only_by_the_self_term(core):
    """py-ecomplexity 0.5.3 (optional `bench` extra) keeps phi_ii = 1 in density (AUT/1704 0.4302)
    and z-scores the ECI with the population sd (0.17 % off Stata here)."""
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    m, phi, eci, _ = core
    raw = pd.read_csv(RAW_DIR / "validation" / "ecomplexity_trade_1995.csv", dtype={"hs92": str})
    cols = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ecomplexity(raw, cols, verbose=False, check_logsupermodularity=False)
    theirs = theirs.set_index(["origin", "hs92"])
    zscored, _ = complexity.eci_pci(m, standardise="zscore")
    np.testing.assert_allclose(theirs["eci"].groupby(level=0).first()[eci.index], zscored, atol=1e-6)
    with_self = phi + np.eye(len(phi))
    self_term = (m @ with_self) / with_self.sum(axis=0)
    density = theirs["density"].unstack()[m.columns]
    np.testing.assert_allclose(density.loc[m.index], self_term, atol=1e-9)
    assert density.loc["aut", "1704"] == pytest.approx(0.4302, abs=1e-4)
