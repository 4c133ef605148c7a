"""The workshop explorer: its update function redraws the key figures and the card for three places
(on the same persistent figures), and notebooks/explorer.ipynb executes under papermill with its
widgets in the output. The Voila app in a browser: tests/test_present.py."""
from __future__ import annotations

import matplotlib
import pytest

from s3lib import config, data, plots
from s3lib.outputs.app import FIGURES
from s3lib.outputs.explorer import Explorer

matplotlib.use("Agg")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def app():
    return Explorer("frankfurt", 2014, "uscmp")


@pytest.mark.parametrize("place", ["bordeaux", "bucharest", "ES21"])
def test_update_redraws_for_the_place(app, place):
    seconds = app.update(place=place)
    assert set(seconds) == {"data", *FIGURES} and all(s > 0 for s in seconds.values())
    assert app.state == {"place": place, "year": 2014, "scheme": "uscmp"}
    assert app.status.value == ""  # no developer timings in front of a room

    nuts2 = data.place(place).nuts2
    assert f"({nuts2})" in app.title.value and "2014" in app.title.value  # the region the figures are for
    drawn = app.drawn
    for name in FIGURES:
        title = plots.metadata(drawn[name].figure)["Title"]
        assert f"{nuts2}" in title and "NUTS2" in title and "2014" in title, title
        assert drawn[name].png.startswith(PNG) and len(drawn[name].png) > 20_000
        assert app.images[name].value == drawn[name].png  # what the Image widget shows
    for name in ("clusters", "map"):
        assert f"({nuts2})" in drawn[name].figure.get_suptitle()
    bars = drawn["clusters"].figure.axes[0].patches
    assert len(bars) >= 5  # the largest clusters are drawn
    assert "Leading cluster" in app.numbers.value or "no cluster above" in app.numbers.value


def test_figures_are_reused_and_the_box_waits_for_enter(app):
    assert app.place.continuous_update is False  # Enter or a picked suggestion, not every keystroke
    assert "Munich" in app.place.options and "porto" in app.place.options
    fig = app.drawn["map"].figure
    app.update(place="Munich")
    assert app.drawn["map"].figure is fig and "(DE21)" in fig.get_suptitle()


def test_bad_choice_keeps_the_figures_and_puts_the_controls_back(app):
    before = dict(app.state)
    app.place.value = "atlantis"  # as typed in the box: the observer calls update
    assert app.state == before
    assert "atlantis" in app.status.value and "did you mean" in app.status.value
    assert app.place.value == before["place"]  # the box shows what the figures show again
    app.update(place="bordeaux", year=2014)
    before = dict(app.state)
    app.year.value = 2008  # France has no business statistics before 2010: the menu goes back too
    assert app.state == before and app.year.value == 2014 and "2008" in app.status.value
    assert app.update(place="<script>alert(2)</script>") == {}
    assert "<script>" not in app.status.value and "&lt;script&gt;" in app.status.value  # a typed label stays text
    assert app.update(scheme="<img src=x onerror=alert(3)>.csv") == {}
    assert "<img" not in app.status.value and "&lt;img" in app.status.value and app.state == before


def test_explorer_notebook_executes_with_widgets(tmp_path):
    pytest.importorskip("papermill")
    import nbformat

    from s3lib.runner import run as runner

    task = runner.Task(str(config.NOTEBOOKS_DIR / "explorer.ipynb"), "porto", {"place": "porto", "year": 2014},
                       str(tmp_path / "reports"), str(tmp_path / "figures"))
    result = runner.execute_task(task)  # papermill, kernel pinned, as `s3lib run` does
    assert result.status == "ok", result.error
    nb = nbformat.read(result.output, as_version=4)
    mimes = {m for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
             for m in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" in mimes


def test_scheme_menu_shows_names_and_debug_shows_timings():
    app = Explorer("porto", 2014, "uscmp", debug=True)
    labels = [label for label, _ in app.scheme.options]
    assert "US Cluster Mapping (51 traded clusters)" in labels and "uscmp" not in labels
    assert "Knowledge-intensive business services (KIBS)" in labels
    assert "clusters" in app.status.value and " s" in app.status.value
    app.update(scheme="kibs")
    assert app.scheme.value == "kibs" and "LQ" in app.numbers.value


def test_suggestions_draw_and_fold_districts():
    from s3lib.outputs.app import suggestions
    from s3lib.study import Study

    offered = suggestions()
    assert "Paris" in offered and "Paris 12 Reuilly" not in offered and "Altona" not in offered
    assert "Adana" not in offered and "Cambridge, UK" in offered and "Cambridge" not in offered
    study = Study(year=2014)
    failed = []
    for name in offered[::7]:  # a seventh of them: every one must reach a region (the rest alike)
        try:
            study.region(name)
        except Exception as exc:  # noqa: BLE001
            failed.append((name, str(exc)[:60]))
    assert len(failed) <= 1, failed  # Reykjavik's Iceland has data in other years only


def test_the_default_year_is_each_places_own():
    """One year per place: without a chosen year the explorer shows a place in its latest full year, as its
    card and notebooks do (Frankfurt 2015, Bordeaux 2014)."""
    app = Explorer("frankfurt")
    assert app.state["year"] == 0 and app.year.label == "latest full year" and "2015" in app.title.value
    assert "2015" in plots.metadata(app.drawn["clusters"].figure)["Title"]
    app.update(place="bordeaux")
    assert "2014" in plots.metadata(app.drawn["clusters"].figure)["Title"] and app.state["year"] == 0
