"""The one-page cluster card: 16:9 PNG and PDF, titled with place, level and year, written atomically.

Two real places are rendered once (Porto: a sourced RIS3 list; Bordeaux: no NUTS3, list not
found); the layout is also checked on the Figure's text artists, without the data, from a
hand-made summary.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from s3lib import plots
from s3lib.outputs import cards
from s3lib.study import Study


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("cards")
    return out, {place: cards.render(place, out_dir=out) for place in ("porto", "bordeaux")}


@pytest.mark.parametrize("place, name, nuts2, year", [("porto", "Porto", "PT11", "2015"),  # the place's default year:
                                                      ("bordeaux", "Bordeaux", "FRI1", "2014")])  # France: no 2015 units
def test_card_png_is_16_9_and_titled(rendered, place, name, nuts2, year):
    from PIL import Image

    out, paths = rendered
    png, pdf = paths[place]
    assert png == out / f"{place}.png" and pdf == out / f"{place}.pdf"
    assert png.stat().st_size > 50_000
    with Image.open(png) as img:
        assert img.size == (cards.WIDTH_PX, cards.HEIGHT_PX) == (1920, 1080)
        assert img.size[0] * 9 == img.size[1] * 16
    meta = plots.read_png_metadata(png)
    assert name in meta["Title"] and f"NUTS2 {nuts2}" in meta["Title"] and year in meta["Title"]
    assert meta["Place"] == name and meta["Year"] == year and nuts2 in meta["Level"]
    assert meta["Description"].count("Source") == 1 and "sbs_r_nuts06_r2" in meta["Description"]
    assert not list(out.glob(".*")), "temporary files left behind"


def test_card_pdf_exists_with_metadata(rendered):
    _, paths = rendered
    for place, (_, pdf) in paths.items():
        raw = pdf.read_bytes()
        assert raw.startswith(b"%PDF") and len(raw) > 10_000
        assert place.capitalize().encode() in raw  # the Title entry of the document info
        assert {"porto": b"2015", "bordeaux": b"2014"}[place] in raw


def test_bordeaux_card_says_list_not_found_and_porto_shows_fit():
    card = cards.card_data(Study(year=2014).at("bordeaux"))
    assert card.fit.found is False and card.fit.coverage is None
    texts = [t.get_text() for t in cards.draw(card).texts]
    assert "RIS3 list not found" in texts
    assert any("FRI12" in t and "NUTS3" in t for t in texts)  # level named
    assert any("2014" in t for t in texts)
    porto = cards.card_data(Study(year=2014).at("porto")).fit
    assert porto.found and 0 < porto.coverage <= 1 and 0 < porto.fit <= 1


def test_card_data_is_a_small_picklable_snapshot():
    """The atlas sends it to the processes that draw: everything the card shows, nothing that computes."""
    import pickle

    card = cards.card_data(Study(year=2014).at("porto"), with_competences=False)
    again = pickle.loads(pickle.dumps(card))
    assert again.region == "PT11" and list(again.clusters["cluster"]) == list(card.clusters["cluster"])
    assert len(pickle.dumps(card)) < 200_000
    assert not hasattr(again, "study")


def _view(**ris3):
    """A hand-made card (numbers invented for layout only; no data is read)."""
    from types import SimpleNamespace as NS

    from s3lib.analyses.ris3 import Ris3Fit

    clusters = pd.DataFrame({"cluster": ["Automotive", "Metalworking Technology", "Plastics"],
                             "employment": [30000.0, 12000.0, 800.0], "lq": [2.4, 1.6, 0.9],
                             "stars": [3.0, 2.0, 0.0], "strong": [True, True, False],
                             "coverage": [1.0, 1.0, 0.1], "partial": [False, False, True],
                             "lower": [30000.0, 12000.0, 800.0], "upper": [30000.0, 40000.0, 900.0],
                             "rests_on_apportioning": [False, True, False], "estimated": [0.0, 0.0, 0.0],
                             "share": [0.1, 0.04, 0.003]})
    summary = NS(year=2014, scheme="uscmp", leading_cluster="Automotive", leading_lq=2.4, variety_pct=80.0,
                 related_pct=70.0, unrelated_pct=20.0, eci_rank=40, benefit_rank=12, n_regions=280, level=2,
                 n_breaks=1)
    fit = dict(kind="regional", found=True, period="2021-2027", region="XX12", owner="XX1", owner_level=2,
               strategy="Test S3", coverage=0.755, fit=0.31, n_priorities=5, not_found=())
    shown = clusters[~clusters["partial"]]
    return cards.CardData(
        place=NS(name="Testville", code="XX123", level=3, key="testville"), region="XX12", region_name="Testregion",
        year=2014, n_regions=280, scheme="uscmp", summary=summary, benefit_short="wage level", clusters=shown,
        split=clusters.iloc[0:0], unseen=("Financial Services",),
        opportunities=pd.DataFrame({"density": [0.4], "benefit": [1.0], "quadrant": ["low risk, high benefit"],
                                    "name": ["Manufacture of electrical equipment"]}, index=["C27"]),
        cooperation=pd.DataFrame({"cluster_a": ["Automotive"], "cluster_b": ["Metalworking Technology"]}),
        bridging=pd.DataFrame({"cluster": ["Metalworking Technology"]}), caveats=(), fit=Ris3Fit(**{**fit, **ris3}))


def test_layout_shows_big_numbers_stars_and_skips_partial_clusters():
    texts = [t.get_text() for t in cards.draw(_view()).texts]
    assert "Testville" in texts
    assert "76%" in texts and "31%" in texts  # coverage and fit, rounded
    assert "★★★" in texts and "★★☆" in texts
    assert "LQ 2.4" in texts and "LQ 1.6" in texts
    assert not any(t.startswith("Plastics") for t in texts), "a partial cluster must not be shown"
    assert "#12" in texts and "80" in texts and "Electrical equipment" in texts
    assert any("Metalworking Technology" in t and t.startswith("↔") for t in texts)


def test_layout_without_a_list_invents_nothing():
    card = _view(kind="strengths only", found=False, coverage=None, fit=None, not_found=("Testregion 2021-2027",))
    texts = [t.get_text() for t in cards.draw(card).texts]
    assert "RIS3 list not found" in texts
    assert not any(re.fullmatch(r"\d+%", t) for t in texts), "no coverage or fit without a list"
    assert any("Testregion 2021-2027" in t for t in texts)


def test_cli_unknown_place_exits_2_and_writes_nothing(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "s3lib", "card", "--places", "atlantis", "--out", str(tmp_path / "c")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "atlantis" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "c").exists()


def test_card_names_carry_year_and_scheme_when_not_default():
    assert cards.card_name("bordeaux") == "bordeaux"
    assert cards.card_name("bordeaux", 2015) == "bordeaux-2015"
    assert cards.card_name("bordeaux", 2014, "colocation") == "bordeaux-colocation"
    assert cards.card_name("bordeaux", 2012, "colocation") == "bordeaux-2012-colocation"
    assert cards.card_name("porto", 2014, "/home/me/my clusters.yaml") == "porto-my-clusters"


def test_cli_batch_goes_past_failing_places_and_lists_them(tmp_path, monkeypatch, capsys):
    """The ten places of issue 13: every card is attempted, failures come last, exit 1 (no data is drawn)."""
    from s3lib.cli import main
    from s3lib.errors import DataError

    done = []

    def fake_render(place, year, scheme, out_dir):
        if place.code in ("ITC4", "NL32"):
            raise DataError(f"no data for {place.code}") if place.code == "ITC4" else ValueError("cannot convert NaN")
        done.append(place.code)
        stem = cards.card_name(place.key, year, scheme)
        return out_dir / f"{stem}.png", out_dir / f"{stem}.pdf"

    monkeypatch.setattr(cards, "render", fake_render)
    places = ["DE21", "DE11", "FR10", "ITC4", "ES30", "ES51", "NL32", "SE11", "PL91", "CZ01"]
    assert main(["card", "--places", *places, "--year", "2015", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert done == [p for p in places if p not in ("ITC4", "NL32")]
    assert "pl91-2015.png" in out and "de21-2015.pdf" in out
    tail = err.strip().splitlines()[-3:]
    assert tail == ["8 of 10 cards written; 2 failed:", "  itc4: no data for ITC4",
                    "  nl32: ValueError: cannot convert NaN"]


def test_cli_refuses_a_year_without_data_for_a_place_before_any_card(tmp_path):
    """Bordeaux has no data in 2008 (France: 2010-2015): the batch is refused up front (exit 2, one line, nothing
    written) instead of failing per place after a kernel of work; PL91 alone is drawn from the PL12 data."""
    proc = subprocess.run([sys.executable, "-m", "s3lib", "card", "--places", "bordeaux", "PL91", "--year", "2008",
                           "--out", str(tmp_path / "c")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == ("s3lib: error: no business statistics for FRI1 (Bordeaux) in 2008; years with "
                                   "data: 2010-2015")
    assert not (tmp_path / "c").exists()
    proc = subprocess.run([sys.executable, "-m", "s3lib", "card", "--places", "PL91", "--year", "2008",
                           "--out", str(tmp_path / "c")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    meta = plots.read_png_metadata(tmp_path / "c" / "pl91-2008.png")
    assert "PL12" in meta["Level"] and meta["Year"] == "2008"


def test_cli_nuts0_and_nuts1_places_are_refused_before_any_card(tmp_path, monkeypatch, capsys):
    from s3lib.cli import main

    monkeypatch.setattr(cards, "render", lambda *a, **k: pytest.fail("nothing may be rendered"))
    assert main(["card", "--places", "porto", "DE7", "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "DE7 (Hessen) is a NUTS1 region" in err and "DE71" in err and "DE73" in err
    assert main(["card", "--places", "DE7", "PT", "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err.strip()
    assert "2 places refused, nothing was run" in err and "DE72" in err and "PT11" in err
    assert not (tmp_path / "c").exists()


def test_german_places_get_a_competences_panel():
    from s3lib import data

    study = Study(year=2014)
    table, year, reference = cards.competences(study.at("frankfurt"))
    assert year == 2025 and table.iloc[0]["lq"] >= table.iloc[-1]["lq"] and reference == "all German districts"
    assert "721" in set(table["occupation"].astype(str)) and (table["employees"] >= 1000).all()
    assert cards.competences(study.at("bordeaux")) is None and cards.competences(study.at("DE71")) is None
    card = cards.card_data(study.at("frankfurt"))
    texts = [t.get_text() for t in cards.draw(card).texts]
    assert "COMPETENCES" in texts and any("Bundesagentur für Arbeit" in t for t in texts)
    assert data.place("frankfurt").country == "DE"


# ----------------------------------------------------------------------------- partners abroad (issue 22)
def _line(fig):
    return [t for t in fig.texts if t.get_text().startswith("partners abroad")]


def _right_of_subtitle(fig, line) -> bool:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    subtitle = next(t for t in fig.texts if t.get_text().startswith("Cluster card"))
    band_bottom = 0.855 * fig.bbox.height
    box = line.get_window_extent(renderer)
    return box.x0 > subtitle.get_window_extent(renderer).x1 and box.y0 > band_bottom and box.x1 <= fig.bbox.width


def test_partners_line_names_three_peers_under_the_leading_cluster_when_they_fit():
    from dataclasses import replace

    card = replace(_view(), partners=(("Stuttgart", "DE"), ("Vest", "RO"), ("Střední Čechy", "CZ")))
    fig = cards.draw(card)
    (line,) = _line(fig)
    assert line.get_text() == "partners abroad · peers: Stuttgart (DE), Vest (RO), Střední Čechy (CZ)"
    assert line.get_fontsize() == 15 and _right_of_subtitle(fig, line)   # the size of the "leading cluster" label
    assert min(t.get_fontsize() for t in fig.texts) >= 10   # nothing smaller than the footer was before


def test_partners_line_shortens_then_drops_peers_never_overlapping_the_subtitle():
    from dataclasses import replace

    long = (("Outer London — West and North West", "UK"), ("Berkshire, Buckinghamshire and Oxfordshire", "UK"),
            ("Bruxelles-Capitale / Brussels Hoofdstedelijk Gewest", "BE"))
    fig = cards.draw(replace(_view(), partners=long))
    (line,) = _line(fig)
    text = line.get_text()
    assert text.startswith("partners abroad · peers: Outer London (UK), ") and "—" not in text and "/" not in text
    assert _right_of_subtitle(fig, line)
    # a longer subtitle leaves less room: fewer peers, down to one, then no line at all, never an overlap
    shown = []
    for k in range(0, 21, 2):
        fig = cards.draw(replace(_view(), region_name="Région " + "très " * k + "longue", partners=long))
        lines = _line(fig)
        assert len(lines) <= 1 and all(_right_of_subtitle(fig, line) for line in lines)
        shown.append(lines[0].get_text().count("(") if lines else 0)
    assert shown == sorted(shown, reverse=True) and shown[0] >= 2 and 1 in shown and shown[-1] == 0, shown


def test_partners_line_says_when_there_is_no_peer_and_is_absent_without_a_leading_cluster():
    from dataclasses import replace

    card = replace(_view(), partners=(), partners_note="no peer abroad on clean cells")
    assert [t.get_text() for t in _line(cards.draw(card))] == ["partners abroad: no peer abroad on clean cells"]
    assert _line(cards.draw(_view())) == []   # a snapshot without partners: no line, nothing invented
    no_lead = replace(_view(), partners=(("Stuttgart", "DE"),))
    no_lead.summary.leading_cluster = None   # the hand-made summary is a fresh namespace
    assert _line(cards.draw(no_lead)) == []


def test_real_cards_name_the_leading_clusters_peers_abroad():
    study = Study(year=2014)
    view = study.at("turin")
    card = cards.card_data(view, with_competences=False)
    peers = view.partners(kind="peers", n=3).peers.table
    assert card.partners == tuple(zip(peers["name"], peers["country"])) and len(card.partners) == 3
    assert "IT" not in {country for _, country in card.partners}   # abroad
    fig = cards.draw(card)
    (line,) = _line(fig)
    assert line.get_text().startswith(f"partners abroad · peers: {card.partners[0][0]} ({card.partners[0][1]})")
    assert _right_of_subtitle(fig, line)
    shared = view.partners(n=5)   # the atlas hands in what it computed: the same first peers
    assert cards.card_data(view, with_competences=False, partners=shared).partners == card.partners
