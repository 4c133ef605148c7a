"""The notebook suite: committed clean, parameterised, and executable end to end.

The end-to-end test runs every notebook under papermill for two places, one of
them with data gaps (Bordeaux: no French NUTS3 breakdown, FR missing in 2008),
and checks every figure it writes: non-empty, 1280 x 720, a title naming the
place, the NUTS level and the year, and a source line.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import pytest

from s3lib import plots
from s3lib.config import NOTEBOOKS_DIR
from s3lib.runner import run as runner

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


def test_suite_exists():
    names = {p.stem.split("-", 1)[0] for p in NOTEBOOKS}
    assert {"00", "01", "02", "03", "04", "05"} <= names, names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_clean_with_parameters_first(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "strip outputs"
    first = code[0]
    assert "parameters" in first["metadata"].get("tags", []), "first code cell must be tagged 'parameters'"
    source = "".join(first["source"])
    assignments = [line for line in source.splitlines() if re.match(r"^\w+\s*(:[^=]+)?=", line)]
    assert assignments and all("#" in line for line in assignments), "every parameter needs a comment"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"]["kernelspec"].get("language") == "python"
    # prose around every figure: at least as many markdown cells as code cells after the parameters
    markdown = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert len(markdown) >= len(code) - 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_paired_script_in_sync(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{script.name} missing: run `jupytext --sync {path.name}`"
    a = [c.source.strip() for c in jupytext.read(path).cells]
    b = [c.source.strip() for c in jupytext.read(script).cells]
    assert a == b, f"{path.name} and {script.name} differ: run `jupytext --sync {path.name}`"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    root = tmp_path_factory.mktemp("suite")
    results = runner.run(["frankfurt", "bordeaux"], reports_dir=root / "reports", figures_dir=root / "figures",
                         jobs=2, force=True, progress=False)
    return root, results


@pytest.mark.slow
def test_every_notebook_executes_for_two_places(executed):
    _, results = executed
    failed = [(r.notebook, r.place, r.error) for r in results if r.status != "ok"]
    assert not failed, failed
    ran = {(r.notebook.split("-", 1)[0], r.place) for r in results}
    for number in ("01", "02", "03", "04"):
        assert {(number, "frankfurt"), (number, "bordeaux")} <= ran
    assert ("05", runner.SUITE_KEY) in ran


@pytest.mark.slow
def test_no_output_shows_code_objects_or_raw_floats(executed):
    """What a reader sees is for people (issue 20): no object repr such as ``Place(key='bordeaux', ...)``, no raw
    float such as ``40533.000000`` or ``0.465000``, no True/False cell in any output of any executed notebook."""
    import re

    import nbformat

    root, results = executed
    found = []
    for r in results:
        if r.status != "ok":
            continue
        for cell in nbformat.read(r.output, as_version=4).cells:
            for out in cell.get("outputs", []):
                texts = [out.get("text", "")] + [v for k, v in out.get("data", {}).items()
                                                  if k in ("text/plain", "text/html", "text/markdown")]
                for text in texts:
                    text = "".join(text) if isinstance(text, list) else str(text)
                    for pattern in (r"\b[A-Z][A-Za-z]+\((?:key|code|name)=", r"\d\.\d*0{5}\b", r">(?:True|False)</td>"):
                        hit = re.search(pattern, text)
                        if hit:
                            found.append((Path(r.output).name, r.place, text[max(0, hit.start() - 40):hit.end() + 20]))
    assert not found, found[:10]


@pytest.mark.slow
def test_every_figure_is_titled_sourced_and_projector_sized(executed):
    from PIL import Image

    root, _ = executed
    pngs = sorted((root / "figures").rglob("*.png"))
    assert len(pngs) >= 12, [p.name for p in pngs]
    for png in pngs:
        assert png.stat().st_size > 10_000, png
        assert png.with_suffix(".svg").exists(), png
        with Image.open(png) as img:
            assert img.size == (plots.WIDTH_PX, plots.HEIGHT_PX), (png, img.size)
        meta = plots.read_png_metadata(png)
        title = meta.get("Title", "")
        assert re.search(r"NUTS ?[0-3]|EU", title), (png, title)
        assert re.search(r"(19|20)\d\d", title), (png, title)
        assert "Source" in meta.get("Description", ""), (png, meta)
        place_dir = png.parent.name
        if place_dir != runner.SUITE_KEY:
            from s3lib import data

            place = data.place(place_dir)
            assert place.name.split()[0] in title or place.nuts2 in title or place.code in title, (png, title)


def _outputs(path):
    """What a reader sees of an executed notebook: each code cell's outputs (text, HTML,
    markdown, images), without execution timings and counts. pandas Stylers name their
    tables with a random id (``T_1a2b3``) and reprs carry addresses: both made constant."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    seen = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            kind = out["output_type"]
            if kind == "stream":
                seen.append((kind, out["name"], "".join(out["text"])))
            elif kind in ("display_data", "execute_result"):
                data = {k: "".join(v) if isinstance(v, list) else v for k, v in out["data"].items()}
                if "text/html" in data:
                    data["text/html"] = re.sub(r"\bT_[0-9a-f]{5}\b|T_[0-9a-f]{5}(?=_)", "T_x", data["text/html"])
                if "text/plain" in data:  # "<...Styler at 0x7f...>"
                    data["text/plain"] = re.sub(r" at 0x[0-9a-f]+>", " at 0x...>", data["text/plain"])
                seen.append((kind, data))
            elif kind == "error":
                seen.append((kind, out["ename"], out["evalue"]))
    return seen


@pytest.mark.slow
def test_reused_kernels_give_the_same_outputs_and_figures_as_fresh_ones(executed, tmp_path):
    """The suite's default reuses one kernel per process, reset between notebooks
    (s3lib.runner.kernels); one kernel per notebook must give exactly the same reports and figures."""
    root, _ = executed
    results = runner.run(["bordeaux"], reports_dir=tmp_path / "reports", figures_dir=tmp_path / "figures",
                         jobs=2, force=True, progress=False, fresh_kernels=True)
    assert all(r.status == "ok" for r in results), [(r.notebook, r.error) for r in results]
    fresh = sorted((tmp_path / "reports" / "bordeaux").glob("*.ipynb"))
    assert len(fresh) >= 4
    for path in fresh:
        assert _outputs(path) == _outputs(root / "reports" / "bordeaux" / path.name), path.name
    for png in sorted((tmp_path / "figures" / "bordeaux").glob("*")):
        assert png.read_bytes() == (root / "figures" / "bordeaux" / png.name).read_bytes(), png.name
