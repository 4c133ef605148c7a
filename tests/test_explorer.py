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
    assert place in app.status.value and "clusters" in app.status.value

    nuts2 = data.place(place).nuts2
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
    assert f"({nuts2})" in app.numbers.value and "leading cluster" in app.numbers.value


def test_figures_are_reused_and_the_box_waits_for_enter(app):
    assert app.place.continuous_update is False  # Enter or a picked suggestion, not every keystroke
    assert "Munich" in app.place.options and "porto" in app.place.options
    fig = app.drawn["map"].figure
    app.update(place="Munich")
    assert app.drawn["map"].figure is fig and "(DE21)" in fig.get_suptitle()


def test_bad_choice_keeps_the_figures(app):
    before = dict(app.state)
    assert app.update(place="atlantis") == {}
    assert app.state == before
    assert "atlantis" in app.status.value and "did you mean" in app.status.value
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


def test_the_default_year_is_each_places_own():
    """One year per place: without a chosen year the explorer shows a place in its latest full year, as its
    card and notebooks do (Frankfurt 2015, Bordeaux 2014)."""
    app = Explorer("frankfurt")
    assert app.state["year"] == 0 and "latest full year" in app.status.value
    assert "2015" in plots.metadata(app.drawn["clusters"].figure)["Title"]
    app.update(place="bordeaux")
    assert "2014" in plots.metadata(app.drawn["clusters"].figure)["Title"] and app.state["year"] == 0
