"""The dask executor gives the same outputs as the local one: tiny notebooks written
here run for two places on a LocalCluster of two worker processes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

pytest.importorskip("distributed", reason="dask.distributed is in the [dask] extra")

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
    ok = _notebook(nbdir / "01-ok.ipynb", 'place = "frankfurt"  # place key\nyear = 2014  # year\nfigures_dir = ""',
                   "import json, os, pathlib\n"
                   "d = pathlib.Path(figures_dir) / place\n"
                   "d.mkdir(parents=True, exist_ok=True)\n"
                   "(d / '01-ok-seen.json').write_text(json.dumps({'place': place, 'year': year}))\n"
                   "(d / '01-ok-figure.png').write_bytes(b'\\x89PNG fake ' + place.encode())")
    boom = _notebook(nbdir / "02-boom.ipynb", 'place = "frankfurt"', "raise ValueError('no data for ' + place)")
    return ok, boom


def _cli(executor: str, root, notebooks, jobs: int):
    """``s3lib run`` in a child process: a dask client never lives in the pytest process
    (its event-loop state once left a later in-process papermill run hanging)."""
    env = {**os.environ, "S3LIB_REPORTS_DIR": str(root / "reports"), "S3LIB_FIGURES_DIR": str(root / "figures"),
           "S3LIB_NOTEBOOKS_DIR": str(notebooks[0].parent)}
    params = root / "params.yaml"
    root.mkdir(parents=True, exist_ok=True)
    params.write_text("year: 2012\n")
    proc = subprocess.run([sys.executable, "-m", "s3lib", "run", "--places", *PLACES, "--executor", executor,
                           "--jobs", str(jobs), "--params", str(params), "--no-progress"],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    rows = sorted(tuple(line.split()[:3]) for line in proc.stdout.splitlines()
                  if line.startswith(("01-ok", "02-boom")))
    return proc, rows


def _outcome(root):
    """What a run leaves behind, with the run's own folder factored out."""
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if p.is_file() and p.name not in {"params.yaml", ".runstate.json"})
    seen = {p: json.loads((root / "figures" / "2012" / p / "01-ok-seen.json").read_text()) for p in PLACES
            if (root / "figures" / "2012" / p / "01-ok-seen.json").exists()}  # another year: its own folder
    return files, seen


def test_dask_matches_local_executor(notebooks, tmp_path):
    local_root, dask_root = tmp_path / "local", tmp_path / "dask"
    local, local_rows = _cli("local", local_root, notebooks, jobs=1)
    on_dask, dask_rows = _cli("dask", dask_root, notebooks, jobs=2)
    assert local.returncode == on_dask.returncode == 1, (local.stderr, on_dask.stderr)  # 02-boom fails
    assert dask_rows == local_rows == sorted(
        [("01-ok", p, "ok") for p in PLACES] + [("02-boom", p, "failed") for p in PLACES])
    assert "ValueError: no data for bordeaux" in on_dask.stdout
    assert _outcome(dask_root) == _outcome(local_root)
    files, seen = _outcome(dask_root)
    assert seen == {p: {"place": p, "year": 2012} for p in PLACES}  # typed parameters reached the kernel
    assert "figures/2012/frankfurt/01-ok-figure.png" in files and "reports/2012/bordeaux/01-ok.html" in files
    # 02-boom declares no year: its outputs stay in the default folders
    assert "reports/frankfurt/02-boom.FAILED.ipynb" in files and "reports/frankfurt/02-boom.ipynb" not in files


def test_task_lost_on_the_cluster_is_a_failed_result(notebooks, tmp_path):
    code = (
        "import json, sys\n"
        "from s3lib.runner import dask_executor, run\n"
        f"tasks = [run.Task({str(notebooks[0])!r}, p, {{'place': p}}, {str(tmp_path)!r}, {str(tmp_path)!r}) "
        f"for p in {PLACES!r}]\n"
        "out = [(r.place, r.status, r.error) for r in dask_executor.execute(tasks, int, jobs=1, progress=False)]\n"
        "print(json.dumps(sorted(out)))\n"
    )  # int(task) raises TypeError on the worker
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [(p, s) for p, s, _ in results] == [("bordeaux", "failed"), ("frankfurt", "failed")]
    assert all("TypeError on the dask cluster" in e for _, _, e in results)
