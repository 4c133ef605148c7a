"""One study carries every setting (issue 17): estimated cells, sample rule and level reach every analysis,
place forms all work, caches cannot lie, plotting leaves matplotlib as it was."""
from __future__ import annotations

import dataclasses

import matplotlib
import numpy as np
import pandas as pd
import pytest

from s3lib import plots
from s3lib.errors import UsageError
from s3lib.outputs import cards
from s3lib.study import Study, spaces

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def pair():
    """Frankfurt in the default study and in the same study without estimated confidential cells."""
    return Study(year=2014).at("frankfurt"), Study(year=2014, estimate=False).at("frankfurt")


def test_the_two_studies_differ_only_in_the_estimated_cells(pair):
    on, off = pair
    assert on.study.replace(estimate=False) is off.study and off.study.replace(estimate=True) is on.study
    estimated = on.study.estimated.loc["DE71"]
    assert {"H51", "H52"} <= set(estimated.index[estimated.to_numpy()])
    a, b = on.study.counts.loc["DE71"], off.study.counts.loc["DE71"]
    assert b[estimated.to_numpy()].isna().all() and a[estimated.to_numpy()].notna().all()
    pd.testing.assert_series_equal(a[~estimated.to_numpy()], b[~estimated.to_numpy()])
    assert on.summary.n_estimated == int(estimated.sum()) and off.summary.n_estimated == 0


def test_alignment_follows_the_study(pair):
    on, off = pair
    for level in (2, 1):
        x, y = on.alignment(level=level, year=None), off.alignment(level=level, year=None)  # the study's year
        assert y.region == x.region and y.year == x.year == 2014
        emp_x, emp_y = x.profile["employment"], y.profile["employment"]
        differ = set(emp_x.index[~np.isclose(emp_x, emp_y, equal_nan=False)])
        estimated = on.study.replace(level=level).estimated.loc[x.region]
        # exactly the region's estimated cells among the traded divisions the fit counts
        assert differ == set(estimated.index[estimated.to_numpy()]) & set(x.profile.index)
        if level == 2:
            assert {"H51", "H52"} <= differ  # the airport's air transport and warehousing in Darmstadt
    logistics = [p for p in on.alignment().scores.index if "Mobilit" in str(on.alignment().scores.loc[p, "label"])]
    assert logistics, "Hessen's mobility priority maps to the transport divisions"
    paired = on.alignment()  # default: the 2021-2027 strategy on the place's latest full year, same settings
    assert paired.year == 2015 and paired.region == "DE71"
    assert off.alignment().profile["employment"].notna().sum() < paired.profile["employment"].notna().sum()


def test_lens_follows_the_study(pair):
    on, off = pair
    x = on.lens().declared.set_index("cluster")
    y = off.lens().declared.set_index("cluster")
    estimated = set(on.study.estimated.loc["DE71"].pipe(lambda s: s.index[s.to_numpy()]))
    touches = x["measured_divisions"].map(lambda ds: bool(set(ds.split(";")) & estimated))
    assert touches.any() and (~touches).any()
    logistics = [c for c in x.index if "ogisti" in c]
    assert logistics and all(touches[c] for c in logistics)
    same = x.loc[~touches, "employment"].fillna(-1)
    pd.testing.assert_series_equal(same, y.loc[same.index, "employment"].fillna(-1))
    measured = touches & x["employment"].notna()  # a cluster that is not measurable shows no number either way
    changed = x.loc[measured, "employment"] != y.loc[measured[measured].index, "employment"].fillna(-1)
    assert measured.any() and changed.all()


def test_sectors_follow_the_study_and_need_no_estimated_cells(pair):
    on, off = pair
    pd.testing.assert_frame_equal(on.sectors().table, off.sectors().table)  # regional accounts: nothing estimated
    assert on.sectors().params["year"] == off.sectors().params["year"] == 2014
    assert Study(year=2012).at("frankfurt").sectors().params["year"] == 2012


def test_card_follows_the_study(pair):
    on, off = pair
    a, b = cards.card_data(on, with_competences=False), cards.card_data(off, with_competences=False)
    assert a.summary.n_estimated > 0 == b.summary.n_estimated
    logistics = "Transportation and Logistics"
    emp_a = on.portfolio.set_index("cluster")["employment"]
    emp_b = off.portfolio.set_index("cluster")["employment"]
    assert emp_a[logistics] > emp_b[logistics] * 2  # the airport's estimated H51/H52
    weights = on.study.scheme.weight_matrix()
    estimated = list(on.study.estimated.loc["DE71"].pipe(lambda s: s.index[s.to_numpy()]))
    untouched = [c for c in emp_a.index if weights.reindex(estimated)[c].fillna(0).sum() == 0 and c in emp_b.index]
    assert untouched
    pd.testing.assert_series_equal(emp_a[untouched], emp_b[untouched])


def test_changes_and_other_levels_keep_the_settings():
    s = Study(year=2014, estimate=False, min_coverage=0.6)
    base = s.changes(2010).counts0
    assert s.replace(year=2010).counts.loc[base.index].equals(base)
    assert s.replace(level=1).settings == {**s.settings, "level": 1}
    with pytest.raises(UsageError, match="unknown setting"):
        s.replace(yeer=2012)


@pytest.mark.parametrize("place", ["Warsaw", "Warszawa", "PL91", "PL12", "PL911"])
def test_similarity_works_for_every_place_form(place):
    view = Study(year=2014).at(place)
    sim = view.similarity()
    nace = sim.table[sim.table["classification"].str.startswith("NACE")]
    assert set(zip(nace["region_a"], nace["region_b"])) == {("PL12", "PL1")}
    assert (nace["cosine_lq"] > 0).all()


def test_similarity_takes_a_place_object_and_says_what_it_cannot_give():
    from s3lib import data

    sim = Study(year=2014).at(data.place("bordeaux")).similarity()
    assert sim.table.empty or not sim.table["classification"].str.startswith("NACE").any()
    assert any("FR6" in n for n in sim.notes)  # FRI straddles FR5 and FR6 in the 2014 data


def test_study_arguments_are_checked():
    for bad in ({"year": 2014.5}, {"year": "twenty"}, {"year": None}, {"min_coverage": 0}, {"min_coverage": 2},
                {"min_coverage": -1}):
        with pytest.raises(UsageError):
            Study(**bad)


# ----------------------------------------------------------------------------- caches that cannot lie
def test_two_spaces_with_one_key_do_not_share_a_study():
    doubled = dataclasses.replace(spaces.SBS, loader=lambda level, year: spaces.SBS.loader(level, year) * 2)
    assert doubled.key == spaces.SBS.key
    a, b = Study(year=2014), Study(doubled, year=2014)
    assert a is not b
    assert float(b.observed.loc["DE71", "C20"]) == 2 * float(a.observed.loc["DE71", "C20"])


def test_a_modified_frame_never_reaches_the_next_caller():
    s = Study(year=2014)
    c20 = float(s.counts.loc["DE71", "C20"])
    mine = s.counts
    mine.loc["DE71", "C20"] = -1.0
    assert float(Study(year=2014).counts.loc["DE71", "C20"]) == c20
    view = s.at("frankfurt")
    pf = view.portfolio
    pf.loc[0, "employment"] = -1.0
    pf["lq"] = 0.0
    assert view.portfolio.loc[0, "employment"] > 0 and (view.portfolio["lq"] > 0).any()
    cands = view.opportunities.table
    cands["benefit"] = 99.0
    assert (view.opportunities.table["benefit"] < 99).all()
    medians = s.medians
    medians["density"] = -1
    assert s.medians["density"] > 0
    with pytest.raises(Exception, match="[Ff]rozen"):
        s.network.add_edge("A", "B")
    with pytest.raises(AttributeError):
        view.portfolio = pf


# ----------------------------------------------------------------------------- plots without side effects
def _rc():
    return {k: v for k, v in matplotlib.rcParams.items() if k not in ("backend", "backend_fallback")}


def test_every_public_drawing_function_is_styled():
    import inspect

    from s3lib.plots import alignment, citylens, competences, diversification, links, maps, structure

    unstyled = []
    for module in (structure, diversification, links, alignment, maps, competences, citylens):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                params = list(inspect.signature(fn).parameters)
                if params and params[0] in ("ax", "fig", "axes") and not hasattr(fn, "__wrapped__"):
                    unstyled.append(f"{module.__name__}.{name}")
    assert unstyled == []


def test_making_and_saving_suite_figures_leaves_rcparams_as_they_were(tmp_path):
    import matplotlib.pyplot as plt

    before = _rc()
    view = Study(year=2014).at("porto")
    fig, ax = plots.figure()
    plots.cluster_bars(ax, view.portfolio, n=8)
    plots.annotate(fig, "Largest traded clusters", place=view.label, level="NUTS2", year=2014, source=plots.SOURCE_SBS)
    path = plots.save(fig, "porto", "01", "bars", directory=tmp_path)
    fig, ax = plots.figure()
    plots.opportunity_chart(ax, view.opportunities.table, medians=view.opportunities.params)
    plots.annotate(fig, "Opportunities", place=view.label, level="NUTS2", year=2014, source=plots.SOURCE_SBS)
    plots.save(fig, "porto", "02", "opportunities", directory=tmp_path)
    card = cards.draw(cards.card_data(view, with_competences=False))
    plots.write(card, tmp_path / "card.png")
    assert _rc() == before
    assert plots.read_png_metadata(path)["Title"].startswith("Largest traded clusters: Norte (PT11), which contains Porto")
    # and a user's own figure afterwards gets matplotlib's own sizes, not the projector style
    _, user_ax = plt.subplots()
    user_title = user_ax.set_title("mine")
    assert user_title.get_fontsize() != plots.rc_params()["axes.titlesize"]
    plt.close("all")


def test_a_shared_study_view_or_pair_of_years_cannot_be_changed_in_place():
    s = Study(year=2014)
    view, pair = s.at("frankfurt"), s.changes(2010)
    for obj, name in ((s, "year"), (view, "region"), (pair, "panel")):
        with pytest.raises(AttributeError, match="cannot be changed"):
            setattr(obj, name, None)
    counts = pair.counts0
    counts.iloc[0, 0] = -1.0
    assert pair.counts0.iloc[0, 0] != -1.0   # the pair hands out copies
    weights = s.scheme.weights
    weights.loc[0, "weight"] = 99.0
    assert s.scheme.weights.loc[0, "weight"] != 99.0   # so does the scheme every study shares
