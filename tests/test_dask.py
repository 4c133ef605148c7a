"""The dask executor gives the same outputs as the local one: tiny notebooks written
here run for two places on a LocalCluster of two worker processes."""
from __future__ import annotations

import json

import nbformat
import pytest

pytest.importorskip("distributed", reason="dask.distributed is in the [dask] extra")

from s3lib import dask_executor
from s3lib import run as runner

PLACES = ("frankfurt", "bordeaux")


def _notebook(path, parameters: str, body: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    nbdir = tmp_path_factory.mktemp("notebooks")
    ok = _notebook(nbdir / "01-ok.ipynb", 'place = "frankfurt"  # place key\nyear = 2014  # year',
                   "import json, os, pathlib\n"
                   "d = pathlib.Path(os.environ['S3LIB_FIGURES_DIR']) / place\n"
                   "d.mkdir(parents=True, exist_ok=True)\n"
                   "(d / '01-ok-seen.json').write_text(json.dumps({'place': place, 'year': year}))\n"
                   "(d / '01-ok-figure.png').write_bytes(b'\\x89PNG fake ' + place.encode())")
    boom = _notebook(nbdir / "02-boom.ipynb", 'place = "frankfurt"', "raise ValueError('no data for ' + place)")
    return ok, boom


def _tasks(notebooks, root):
    ok, boom = notebooks
    tasks = []
    for place in PLACES:
        tasks.append(runner.Task(str(ok), place, {"place": place, "year": 2012}, str(root / "reports"),
                                 str(root / "figures"), fingerprint=f"fp-{place}"))
        tasks.append(runner.Task(str(boom), place, {"place": place}, str(root / "reports"), str(root / "figures")))
    return tasks


def _outcome(results, root):
    """What a run leaves behind, with the run's own folder factored out."""
    status = {(r.notebook, r.place): (r.status, r.error, r.fingerprint,
                                      r.output.replace(str(root), "ROOT") if r.output else "") for r in results}
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    seen = {p: json.loads((root / "figures" / p / "01-ok-seen.json").read_text()) for p in PLACES
            if (root / "figures" / p / "01-ok-seen.json").exists()}
    return status, files, seen


def test_dask_matches_local_executor(notebooks, tmp_path):
    local_root, dask_root = tmp_path / "local", tmp_path / "dask"
    local = list(runner._execute(_tasks(notebooks, local_root), jobs=1, progress=False, executor="local",
                                 scheduler=None))
    on_dask = list(runner._execute(_tasks(notebooks, dask_root), jobs=2, progress=False, executor="dask",
                                   scheduler=None))
    assert len(on_dask) == len(local) == 4
    assert _outcome(on_dask, dask_root) == _outcome(local, local_root)

    status, files, seen = _outcome(on_dask, dask_root)
    assert seen == {p: {"place": p, "year": 2012} for p in PLACES}  # typed parameters reached the kernel
    assert status[("02-boom", "bordeaux")][0] == "failed"
    assert "ValueError: no data for bordeaux" in status[("02-boom", "bordeaux")][1]
    assert "figures/frankfurt/01-ok-figure.png" in files and "reports/bordeaux/01-ok.html" in files
    assert "reports/frankfurt/02-boom.FAILED.ipynb" in files and "reports/frankfurt/02-boom.ipynb" not in files


def test_task_lost_on_the_cluster_is_a_failed_result(notebooks, tmp_path):
    tasks = _tasks(notebooks, tmp_path)[:2]
    results = list(dask_executor.execute(tasks, int, jobs=1, progress=False))  # int(task) raises TypeError
    assert sorted((r.notebook, r.status) for r in results) == [("01-ok", "failed"), ("02-boom", "failed")]
    assert all("TypeError on the dask cluster" in r.error for r in results)
