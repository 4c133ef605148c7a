"""The runner on tiny notebooks written by the tests: typed parameters, failure
handling, skipping of unchanged runs, and usage errors that write nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from _notebooks import notebook

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.runner import run as runner


@pytest.fixture()
def suite(tmp_path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    notebook(nbdir / "01-ok.ipynb", 'place = "frankfurt"  # place key\nyear = 2014  # year\nweights = [1.0]\n'
              'figures_dir = ""  # the runner sets it',
              "import json, os, pathlib\n"
              "assert isinstance(year, int) and isinstance(weights, list)\n"
              "d = pathlib.Path(figures_dir) / place\n"
              "d.mkdir(parents=True, exist_ok=True)\n"
              "(d / '01-ok-marker.txt').write_text(json.dumps([place, year, weights]))")
    notebook(nbdir / "02-boom.ipynb", 'place = "frankfurt"', "raise RuntimeError('boom in ' + place)")
    notebook(nbdir / "05-all.ipynb", 'places = ["frankfurt"]', "assert len(places) >= 1", scope="suite")
    return tmp_path


def _run(suite, **kw):
    kw.setdefault("jobs", 1)
    return runner.run(reports_dir=suite / "reports", figures_dir=suite / "figures",
                      notebooks_dir=suite / "notebooks", progress=False, **kw)


def test_plan_passes_typed_parameters_and_filters_undeclared(suite, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("weights: [0.5, 0.25]\nnotebooks:\n  '01': {year: 2012}\n")
    tasks = runner.plan(["Frankfurt am Main", "DE712", "porto"], params_file=params,
                        reports_dir=suite / "reports", figures_dir=suite / "figures",
                        notebooks_dir=suite / "notebooks")
    by = {(t.name, t.place): t.parameters for t in tasks}
    # the same place under two names runs once; the suite notebook runs once for all places
    assert by[("01-ok", "frankfurt")] == {"place": "frankfurt", "year": 2012, "weights": [0.5, 0.25],
                                          "figures_dir": str(suite / "figures" / "2012")}
    assert by[("02-boom", "porto")] == {"place": "porto"}
    assert by[("05-all", runner.SUITE_KEY)] == {"places": ["frankfurt", "porto"]}
    assert len(tasks) == 5


def test_run_reports_failure_and_skips_unchanged(suite):
    results = _run(suite, places=["frankfurt"])
    status = {(r.notebook, r.place): r.status for r in results}
    assert status == {("01-ok", "frankfurt"): "ok", ("02-boom", "frankfurt"): "failed",
                      ("05-all", runner.SUITE_KEY): "ok"}
    reports = suite / "reports"
    assert (reports / "frankfurt" / "01-ok.ipynb").exists()
    assert (reports / "frankfurt" / "01-ok.html").stat().st_size > 1000
    # the failing notebook is kept under a name that says so, never as a complete run
    assert not (reports / "frankfurt" / "02-boom.ipynb").exists()
    assert (reports / "frankfurt" / "02-boom.FAILED.ipynb").exists()
    failed = next(r for r in results if r.status == "failed")
    assert "RuntimeError" in failed.error and "boom in frankfurt" in failed.error
    table = runner.summary_table(results)
    assert "02-boom" in table and "failed" in table
    marker = json.loads((suite / "figures" / "frankfurt" / "01-ok-marker.txt").read_text())
    assert marker == ["frankfurt", 2014, [1.0]]

    again = _run(suite, places=["frankfurt"])
    status = {(r.notebook, r.place): r.status for r in again}
    assert status[("01-ok", "frankfurt")] == "skipped"
    assert status[("02-boom", "frankfurt")] == "failed"  # failures are never skipped
    forced = _run(suite, places=["frankfurt"], notebooks=["01"], force=True)
    assert [r.status for r in forced] == ["ok"]
    changed = _run(suite, places=["frankfurt"], notebooks=["01"], year=2012)
    assert [r.status for r in changed] == ["ok"]


def test_unknown_place_notebook_or_params(suite, tmp_path):
    with pytest.raises(UnknownChoiceError, match="atlantis"):
        _run(suite, places=["atlantis"])
    with pytest.raises(UnknownChoiceError, match="notebook"):
        _run(suite, places=["porto"], notebooks=["99"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(UsageError, match="mapping"):
        _run(suite, places=["porto"], params_file=bad)
    assert not (suite / "reports").exists()


def test_cli_unknown_place_exits_2_and_writes_nothing(tmp_path):
    env_dirs = {"S3LIB_REPORTS_DIR": str(tmp_path / "r"), "S3LIB_FIGURES_DIR": str(tmp_path / "f")}
    proc = subprocess.run([sys.executable, "-m", "s3lib", "run", "--places", "atlantis"],
                          capture_output=True, text=True, env={**os.environ, **env_dirs}, check=False)
    assert proc.returncode == 2
    message = proc.stderr.lower()
    assert "atlantis" in message and ("did you mean" in message or "valid" in message)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "r").exists() and not (tmp_path / "f").exists()


def test_cli_failing_notebook_exits_nonzero(suite):
    env = {**os.environ, "S3LIB_REPORTS_DIR": str(suite / "reports"), "S3LIB_FIGURES_DIR": str(suite / "figures"),
           "S3LIB_NOTEBOOKS_DIR": str(suite / "notebooks")}
    proc = subprocess.run([sys.executable, "-m", "s3lib", "run", "--places", "porto", "--notebooks", "02",
                           "--no-progress", "--jobs", "1"], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 1
    assert "02-boom" in proc.stdout and "failed" in proc.stdout
    assert "02-boom [porto]" in proc.stderr


LEAKY = """import json, os, sys, warnings, pathlib
import matplotlib
out = pathlib.Path(figures_dir); out.mkdir(parents=True, exist_ok=True)
(out / (NAME + '.json')).write_text(json.dumps({'pid': os.getpid(), 'cwd': os.getcwd(),
    'count': get_ipython().execution_count}))
"""


@pytest.mark.parametrize("fresh", [False, True])
def test_reused_kernel_is_reset_between_notebooks_and_replaced_after_a_failure(tmp_path, fresh):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    notebook(nbdir / "01-dirty.ipynb", 'place = "frankfurt"\nfigures_dir = ""', LEAKY.replace("NAME", "'01'") + (
        "leak = 1\nos.environ['S3LIB_LEAK'] = '1'\nwarnings.simplefilter('ignore')\n"
        "matplotlib.rcParams['font.size'] = 3\nsys.path.append('/leak')\nos.chdir('/')\n"
        "import pandas as pd; pd.set_option('display.max_rows', 3)"))
    notebook(nbdir / "02-clean.ipynb", 'place = "frankfurt"\nfigures_dir = ""', LEAKY.replace("NAME", "'02'") + (
        "import pandas as pd\n"
        "assert 'leak' not in globals(), 'a variable leaked'\n"
        "assert 'S3LIB_LEAK' not in os.environ, 'the environment leaked'\n"
        "assert matplotlib.rcParams['font.size'] != 3, 'rcParams leaked'\n"
        "assert '/leak' not in sys.path, 'sys.path leaked'\n"
        "assert pd.get_option('display.max_rows') != 3, 'pandas options leaked'\n"
        "assert ('ignore', None, Warning, None, 0) not in warnings.filters, 'a warning filter leaked'\n"))
    notebook(nbdir / "03-boom.ipynb", 'place = "frankfurt"', "raise RuntimeError('boom')")
    notebook(nbdir / "04-after.ipynb", 'place = "frankfurt"\nfigures_dir = ""', LEAKY.replace("NAME", "'04'"))
    results = runner.run(["frankfurt"], reports_dir=tmp_path / "reports", figures_dir=tmp_path / "figures",
                         notebooks_dir=nbdir, progress=False, jobs=1, fresh_kernels=fresh)
    assert [r.status for r in results] == ["ok", "ok", "failed", "ok"], [r.error for r in results]
    seen = {n: json.loads((tmp_path / "figures" / f"{n}.json").read_text()) for n in ("01", "02", "04")}
    assert seen["02"]["cwd"] == str(nbdir)  # the working directory is set again
    assert seen["01"]["count"] == seen["02"]["count"]  # the execution count restarts
    if fresh:
        assert len({s["pid"] for s in seen.values()}) == 3
    else:
        assert seen["01"]["pid"] == seen["02"]["pid"]  # reused
        assert seen["04"]["pid"] != seen["02"]["pid"]  # the failure ended that kernel


@pytest.mark.parametrize("fresh", [False, True])
def test_a_kernel_that_stops_answering_gets_one_new_start_a_notebook_error_none(tmp_path, monkeypatch, fresh):
    """A cell timeout (what a lost kernel message looks like) is retried once in a new kernel;
    an exception raised by the notebook itself is reported at once."""
    monkeypatch.setattr(runner, "CELL_TIMEOUT", 4)
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    log = tmp_path / "attempts.txt"
    notebook(nbdir / "01-stalls-once.ipynb", 'place = "frankfurt"',
              f"import pathlib, time\nlog = pathlib.Path({str(log)!r})\nfirst = not log.exists()\n"
              "log.open('a').write('01\\n')\nif first:\n    time.sleep(60)")
    notebook(nbdir / "02-boom.ipynb", 'place = "frankfurt"',
              f"import pathlib\npathlib.Path({str(log)!r}).open('a').write('02\\n')\nraise ValueError('own error')")
    results = runner.run(["frankfurt"], reports_dir=tmp_path / "reports", figures_dir=tmp_path / "figures",
                         notebooks_dir=nbdir, progress=False, jobs=1, fresh_kernels=fresh)
    assert [r.status for r in results] == ["ok", "failed"], [r.error for r in results]
    assert "ValueError: own error" in results[1].error
    assert sorted(log.read_text().split()) == ["01", "01", "02"]


def test_cli_nuts0_and_nuts1_places_are_refused_before_anything_runs(suite, monkeypatch, capsys):
    from s3lib.cli import main

    monkeypatch.setattr(runner, "_execute", lambda *a, **k: pytest.fail("nothing may run"))
    for name, value in (("REPORTS_DIR", suite / "reports"), ("NOTEBOOKS_DIR", suite / "notebooks")):
        monkeypatch.setattr(runner.config, name, value)
    assert main(["run", "--places", "frankfurt", "DE7", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "DE7 (Hessen) is a NUTS1 region" in err
    assert "DE71 Darmstadt" in err and "DE72" in err and "DE73" in err
    with pytest.raises(UsageError, match="2 places refused") as caught:
        _run(suite, places=["DE", "DE7", "porto"])
    assert {"DE71", "DE72", "DE73"} <= set(caught.value.suggestions)
    assert not (suite / "reports").exists()


def test_cli_batch_goes_past_a_failing_place_and_lists_it_last(tmp_path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    notebook(nbdir / "01-picky.ipynb", 'place = "frankfurt"',
              "if place == 'porto':\n    raise ValueError('no data for ' + place)")
    env = {**os.environ, "S3LIB_REPORTS_DIR": str(tmp_path / "reports"), "S3LIB_FIGURES_DIR": str(tmp_path / "f"),
           "S3LIB_NOTEBOOKS_DIR": str(nbdir)}
    proc = subprocess.run([sys.executable, "-m", "s3lib", "run", "--places", "DE21", "porto", "PL91",
                           "--no-progress", "--jobs", "1"], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "reports" / "de21" / "01-picky.ipynb").exists()
    assert (tmp_path / "reports" / "pl91" / "01-picky.ipynb").exists()
    assert (tmp_path / "reports" / "porto" / "01-picky.FAILED.ipynb").exists()
    assert "2 ran, 0 unchanged (skipped), 1 failed" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == "  01-picky [porto]: ValueError: no data for porto (cell 3)"


def test_another_year_never_overwrites_the_default_outputs(tmp_path):
    """`--year 2012` writes under reports/2012 and figures/2012; the default year keeps its folders."""
    default = runner.plan(["bordeaux"], ["01"], None, reports_dir=tmp_path / "r", figures_dir=tmp_path / "f")
    other = runner.plan(["bordeaux"], ["01"], 2012, reports_dir=tmp_path / "r", figures_dir=tmp_path / "f")
    assert default[0].output == tmp_path / "r" / "bordeaux" / "01-cluster-structure.ipynb"
    assert other[0].output == tmp_path / "r" / "2012" / "bordeaux" / "01-cluster-structure.ipynb"
    assert other[0].figures_dir == str(tmp_path / "f" / "2012") and other[0].parameters["year"] == 2012
    assert runner._state_key(default[0], tmp_path / "r") != runner._state_key(other[0], tmp_path / "r")
