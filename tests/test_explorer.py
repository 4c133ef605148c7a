"""The workshop explorer: its update function redraws the key figures for three places, and
notebooks/explorer.ipynb executes under papermill with its widgets in the output."""
from __future__ import annotations

import matplotlib
import pytest

from s3lib import config, data
from s3lib.explorer import FIGURES, Explorer

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
        title = drawn[name].figure.get_suptitle()
        assert f"({nuts2})" in title and "NUTS2" in title and "2014" in title, title
        assert drawn[name].png.startswith(PNG) and len(drawn[name].png) > 20_000
    bars = drawn["clusters"].figure.axes[0].patches
    assert len(bars) >= 5  # the largest clusters are drawn


def test_bad_choice_keeps_the_figures(app):
    before = dict(app.state)
    assert app.update(place="atlantis") == {}
    assert app.state == before
    assert "atlantis" in app.status.value and "did you mean" in app.status.value


def test_explorer_notebook_executes_with_widgets(tmp_path):
    pytest.importorskip("papermill")
    import nbformat

    from s3lib import run as runner

    task = runner.Task(str(config.NOTEBOOKS_DIR / "explorer.ipynb"), "porto", {"place": "porto", "year": 2014},
                       str(tmp_path / "reports"), str(tmp_path / "figures"))
    result = runner.execute_task(task)  # papermill, kernel pinned, as `s3lib run` does
    assert result.status == "ok", result.error
    nb = nbformat.read(result.output, as_version=4)
    mimes = {m for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
             for m in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" in mimes
