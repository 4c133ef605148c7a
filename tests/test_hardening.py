"""Issue 19's probes of the command line, the runner and the outputs: nothing overwritten, nothing followed,
nothing injected, every bad input refused up front with one line (exit code 2), Ctrl-C and kills leave
nothing behind. The API's probes are in tests/test_probes_api.py."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from _notebooks import notebook

from s3lib.errors import UnknownChoiceError, UsageError
from s3lib.runner import run as runner

HOSTILE = "<script>alert(2)</script>"


@pytest.fixture()
def suite(tmp_path):
    """Notebooks declared like the real ones (typed parameters, year 0 = the place's default, a scheme)."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    notebook(nbdir / "01-typed.ipynb", 'place: str = "frankfurt"\nyear: int = 0\nscheme: str = "uscmp"\n'
              'fail: bool = False\nfigures_dir: str = ""',
              "import pathlib\nassert not fail, 'asked to fail'\n"
              "d = pathlib.Path(figures_dir) / place\nd.mkdir(parents=True, exist_ok=True)\n"
              "(d / '01-marker.txt').write_text(f'{year} {scheme}')")
    notebook(nbdir / "05-all.ipynb", 'places: list = ["frankfurt"]\nyear: int = 2014\nfigures_dir: str = ""',
              "assert places", scope="suite")
    return tmp_path


def _plan(suite, **kw):
    return runner.plan(reports_dir=suite / "reports", figures_dir=suite / "figures",
                       notebooks_dir=suite / "notebooks", **kw)


def _run(suite, **kw):
    kw.setdefault("jobs", 1)
    return runner.run(reports_dir=suite / "reports", figures_dir=suite / "figures",
                      notebooks_dir=suite / "notebooks", progress=False, **kw)


def _params(tmp_path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return path


def _cli(*args, env=None, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "s3lib", *args], capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})}, cwd=cwd, timeout=timeout)


def _suite_env(suite):
    return {"S3LIB_REPORTS_DIR": str(suite / "reports"), "S3LIB_FIGURES_DIR": str(suite / "figures"),
            "S3LIB_NOTEBOOKS_DIR": str(suite / "notebooks")}


def _one_line(proc, code=2):
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


# ----------------------------------------------------------------------------- outputs never overwritten
def test_a_year_in_a_params_file_decides_the_output_folder_as_the_flag_does(suite, tmp_path):
    by_file = _plan(suite, places=["bordeaux"], notebooks=["01"], params_file=_params(tmp_path, "year: 2012\n"))
    by_flag = _plan(suite, places=["bordeaux"], notebooks=["01"], year=2012)
    default = _plan(suite, places=["bordeaux"], notebooks=["01"])
    assert by_file[0].output == by_flag[0].output == suite / "reports" / "2012" / "bordeaux" / "01-typed.ipynb"
    assert by_file[0].figures_dir == str(suite / "figures" / "2012")
    assert default[0].output == suite / "reports" / "bordeaux" / "01-typed.ipynb"
    # a scheme other than the default has its own folder too, however given
    other = _plan(suite, places=["bordeaux"], notebooks=["01"], params_file=_params(tmp_path, "scheme: colocation\n"))
    assert other[0].output == suite / "reports" / "scheme-colocation" / "bordeaux" / "01-typed.ipynb"
    # the suite notebook's own default year (2014) keeps the default folder
    assert _plan(suite, places=["bordeaux"], notebooks=["05"], year=2014)[0].output.parent.parent == suite / "reports"


def test_run_state_is_keyed_by_the_year_and_a_failure_keeps_the_last_good_report(suite, tmp_path):
    assert [r.status for r in _run(suite, places=["bordeaux"], notebooks=["01"])] == ["ok"]
    assert [r.status for r in _run(suite, places=["bordeaux"], notebooks=["01"], year=2012)] == ["ok"]
    # neither run disturbed the other's state: both are unchanged now
    assert [r.status for r in _run(suite, places=["bordeaux"], notebooks=["01"])] == ["skipped"]
    assert [r.status for r in _run(suite, places=["bordeaux"], notebooks=["01"], year=2012)] == ["skipped"]
    good = suite / "reports" / "bordeaux" / "01-typed.ipynb"
    before = good.read_bytes(), good.with_suffix(".html").read_bytes()
    failed = _run(suite, places=["bordeaux"], notebooks=["01"], params_file=_params(tmp_path, "fail: true\n"))
    assert [r.status for r in failed] == ["failed"] and "asked to fail" in failed[0].error
    assert (good.read_bytes(), good.with_suffix(".html").read_bytes()) == before  # the last good report stays
    assert good.with_name("01-typed.FAILED.ipynb").exists()
    state = json.loads((suite / "reports" / runner.STATE_FILE).read_text())
    assert {"bordeaux/01-typed.ipynb", "2012/bordeaux/01-typed.ipynb"} <= set(state)


# ----------------------------------------------------------------------------- parameters checked up front
@pytest.mark.parametrize("text, error, words", [
    ("yeer: 2014\n", UnknownChoiceError, ["yeer", "did you mean 'year'"]),
    ("foo: bar\n", UnknownChoiceError, ["foo"]),
    ("year: twenty\n", UsageError, ["'year' must be an integer", "'twenty'"]),
    ("year: 2012.5\n", UsageError, ["'year' must be an integer"]),
    ("year: 1999\n", UsageError, ["1999", "2008-2015"]),
    ("year: 2009\n", UsageError, ["FRI1", "in 2009", "2010-2015"]),
    ("scheme: nonsense\n", UnknownChoiceError, ["scheme", "nonsense"]),
    ("scheme: missing.csv\n", UsageError, ["scheme file", "not found"]),
    ("place: porto\n", UsageError, ["'place' cannot be set", "--places"]),
    ("notebooks:\n  '01': 5\n", UsageError, ["notebooks.01 must be a mapping"]),
    ("notebooks:\n  '01': {yeer: 1}\n", UnknownChoiceError, ["yeer"]),
    ("notebooks: [1, 2]\n", UsageError, ["'notebooks' must map"]),
])
def test_bad_parameter_files_are_refused_before_any_kernel(suite, tmp_path, monkeypatch, text, error, words):
    monkeypatch.setattr(runner, "_execute", lambda *a, **k: pytest.fail("nothing may run"))
    with pytest.raises(error) as caught:
        _run(suite, places=["bordeaux"], params_file=_params(tmp_path, text))
    message = str(caught.value)
    assert all(w in message for w in words), message
    assert "\n" not in message and not (suite / "reports").exists()


def test_notebook_keys_written_as_numbers_mean_thenotebook(suite, tmp_path):
    """YAML reads `01:` as the integer 1: it means notebook "01", not "unknown notebook 1"."""
    tasks = _plan(suite, places=["bordeaux"], params_file=_params(tmp_path, "notebooks:\n  01: {year: 2012}\n"))
    by = {t.name: t for t in tasks}
    assert by["01-typed"].parameters["year"] == 2012 and "year" not in by["05-all"].parameters


def test_cli_bad_parameters_exit_2_with_one_line_and_start_no_kernel(suite, tmp_path):
    env = _suite_env(suite)
    for args, words in [
        (["--places", "bordeaux", "--params", str(_params(tmp_path, "notebooks:\n  '01': 5\n"))], ["notebooks.01"]),
        (["--places", "bordeaux", "--year", "2009"], ["FRI1", "2009"]),
        (["--places", "bordeaux", "--scheme", "nonsense"], ["nonsense"]),
        (["--places", "CH04"], ["CH04"]),
        (["--places", "Zurich"], ["CH04"]),
    ]:
        err = _one_line(_cli("run", *args, "--no-progress", env=env))
        assert all(w in err for w in words), err
    assert not (suite / "reports").exists()
    err = _one_line(_cli("run", "--places", "porto", "--bogus", "1", env=env))
    assert "--bogus" in err and "s3lib run --help" in err


@pytest.mark.parametrize("args, words", [
    (["--year", "1999"], ["1999"]), (["--year", "2016"], ["2016"]), (["--year", "2030"], ["2030"]),
    (["--year", "-5"], ["-5"]), (["--scheme", "nonsense"], ["nonsense"]), (["--scheme", "no-such.csv"], ["not found"]),
])
def test_card_refuses_bad_years_and_schemes_before_any_card(tmp_path, args, words):
    err = _one_line(_cli("card", "--places", "porto", "bordeaux", *args, "--out", str(tmp_path / "c")))
    assert all(w in err for w in words), err
    assert not (tmp_path / "c").exists()


def test_long_inputs_give_short_lines():
    many = [f"nowhere{i}" for i in range(500)]
    err = _one_line(_cli("card", "--places", *many))
    assert "500 places refused" in err and "the first 3 of 500" in err and len(err) < 2000
    err = _one_line(_cli("card", "--places", "x" * 100_000))
    assert len(err) < 600


# ----------------------------------------------------------------------------- file system problems: one line
def test_output_and_cache_paths_that_cannot_be_used_give_one_line(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    err = _one_line(_cli("atlas", "--out", str(a_file), "--regions", "porto"))
    assert str(a_file) in err and "not a folder" in err
    err = _one_line(_cli("atlas", "--out", str(a_file / "below"), "--regions", "porto"))
    assert "is a file" in err
    err = _one_line(_cli("data", "fetch", "--cache", str(a_file)))
    assert "--cache" in err and "not a folder" in err
    err = _one_line(_cli("card", "--places", "porto", "--out", str(a_file)))
    assert "not a folder" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folders_are_refused_up_front(suite, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        err = _one_line(_cli("atlas", "--out", str(locked / "atlas"), "--regions", "porto"))
        assert "not writable" in err
        env = {**_suite_env(suite), "S3LIB_REPORTS_DIR": str(locked / "reports")}
        err = _one_line(_cli("run", "--places", "porto", "--no-progress", env=env))
        assert "not writable" in err
    finally:
        locked.chmod(0o755)


def test_data_info_checks_every_checksum(tmp_path):
    from s3lib.data import _store

    snapshot = tmp_path / "data"
    snapshot.mkdir()
    source = _store.data_dir()
    for entry in json.loads((source / "manifest.json").read_text())["files"]:
        os.symlink(source / entry["file"], snapshot / entry["file"])
    manifest = json.loads((source / "manifest.json").read_text())
    first = manifest["files"][0]
    (snapshot / first["file"]).unlink()
    (snapshot / first["file"]).write_bytes((source / first["file"]).read_bytes()[:-10])  # truncated
    (snapshot / "manifest.json").write_text(json.dumps(manifest))
    err = _one_line(_cli("data", "info", env={"S3LIB_DATA_DIR": str(snapshot)}), code=1)
    assert first["file"] in err and "corrupt" in err


# ----------------------------------------------------------------------------- symbolic links never followed
def test_runs_refuse_symlinks_in_their_output_folders(suite, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (suite / "reports").mkdir()
    os.symlink(outside, suite / "reports" / "porto")
    with pytest.raises(UsageError, match="symbolic link .*porto"):
        _plan(suite, places=["porto"], notebooks=["01"])
    (suite / "reports" / "porto").unlink()
    (suite / "reports" / "porto").mkdir()
    os.symlink(outside / "report.ipynb", suite / "reports" / "porto" / "01-typed.ipynb")
    err = _one_line(_cli("run", "--places", "porto", "--notebooks", "01", "--no-progress", env=_suite_env(suite)))
    assert "symbolic link" in err
    (suite / "figures").mkdir()
    os.symlink(outside, suite / "figures" / "bordeaux")
    with pytest.raises(UsageError, match="symbolic link .*bordeaux"):
        _plan(suite, places=["bordeaux"], notebooks=["01"])
    assert list(outside.iterdir()) == []


def test_the_gallery_refuses_to_copy_a_symlink(suite, tmp_path):
    from s3lib.outputs import site

    assert [r.status for r in _run(suite, places=["porto"], notebooks=["01"])] == ["ok"]
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the site")
    os.symlink(secret, suite / "figures" / "porto" / "01-leak.png")
    with pytest.raises(UsageError, match="symbolic link .*01-leak.png"):
        site.build(suite / "reports", suite / "figures", tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_presenting_uses_no_fixed_shared_temp_folder():
    """The app's Voila template ships in the package (a planted /tmp/s3lib-voila kernel cannot become the
    presenter's kernel); the slides' nbconvert template is a private mkdtemp folder."""
    import tempfile

    from s3lib.outputs import app, slides

    path = Path(app.template_path())
    assert path.is_relative_to(Path(app.__file__).resolve().parent)  # inside the installed package
    assert path != Path(tempfile.gettempdir()) / "s3lib-voila"
    assert (path / "voila" / "templates" / "s3lib" / "index.html.j2").is_file()
    assert app.voila_env()["JUPYTER_PATH"].split(os.pathsep)[0] == str(path)
    folder = slides._template_dir()
    assert folder.name.startswith("s3lib-nbconvert-") and folder.name != "s3lib-nbconvert"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


# ----------------------------------------------------------------------------- names never become markup
def test_markdown_and_table_outputs_are_escaped_in_reports(tmp_path):
    from s3lib.runner.export import export_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"text/markdown": f"Leading cluster **{HOSTILE}**"}),
        nbformat.v4.new_output("display_data", data={"text/html": f"<table><tr><th>{HOSTILE}</th>"
                                                                  "<td onmouseover='alert(3)'>1.2</td></tr></table>"}),
        nbformat.v4.new_output("display_data", data={"text/html": '<img src="http://evil.example/x.png">'}),
    ])]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, str(path))
    page = export_html(path)
    assert HOSTILE not in page and "alert(3)" not in page and "evil.example" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page  # shown as text
    from s3lib import htmlsafe

    styled = htmlsafe.clean_html('<style type="text/css">#T_1 td { color: red; }</style><table id="T_1"><tr>'
                                 '<td class="data row0">R&amp;D</td></tr></table>')
    assert styled.startswith('<style type="text/css">#T_1 td { color: red; }</style>') and "R&amp;D" in styled


@pytest.mark.slow
def test_a_hostile_scheme_file_reaches_no_page_unescaped(tmp_path):
    """A user's scheme with a cluster named <script>...: notebook 01 runs, its HTML report shows the name as text."""
    scheme = tmp_path / "hostile.csv"
    scheme.write_text(f"cluster,nace\n{HOSTILE},C29\n{HOSTILE} parts,C30\nLogistics,H52\n")
    env = {"S3LIB_REPORTS_DIR": str(tmp_path / "r"), "S3LIB_FIGURES_DIR": str(tmp_path / "f")}
    proc = _cli("run", "--places", "turin", "--notebooks", "01", "--scheme", str(scheme), "--no-progress",
                "--jobs", "1", env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pages = list((tmp_path / "r").rglob("01-cluster-structure.html"))
    assert len(pages) == 1 and "scheme-hostile" in str(pages[0])
    page = pages[0].read_text()
    assert HOSTILE not in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page


# ----------------------------------------------------------------------------- signals and leftovers
def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_ends_run_cleanly(suite):
    notebook(suite / "notebooks" / "02-slow.ipynb", 'place: str = "x"', "import time\ntime.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-m", "s3lib", "run", "--places", "porto", "bordeaux", "--notebooks",
                             "02", "--jobs", "2", "--no-progress"], env={**os.environ, **_suite_env(suite)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            # a test run started in the background (`make test &`) inherits SIGINT ignored, and so
                            # would `run`: it is a terminal's foreground command that Ctrl-C reaches
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list((suite / "reports").rglob(".02-slow.*running.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # the kernels are running the sleep
    family = _children(proc.pid)
    family |= {g for c in family for g in _children(c)}
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        alive = [p for p in family if _alive(p)]
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"run did not end 60 s after Ctrl-C; still alive: {alive}; stderr: {err[-500:]!r}")
    assert proc.returncode == 130, err
    assert err.strip() == "s3lib: interrupted", err
    time.sleep(2)
    assert not [p for p in family if _alive(p)], "workers or kernels outlived the run"
    assert not list((suite / "reports").rglob(".*running*")), "a hidden .running file was left"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_atlas_and_leftovers_are_cleaned(tmp_path):
    out = tmp_path / "atlas"
    stale = tmp_path / ".atlas.building-pid999999999-x"  # a killed build's folder (no such process)
    stale.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "s3lib", "atlas", "--out", str(out), "--jobs", "2",
                             "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = {c for c in _children(proc.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()}
        time.sleep(0.3)
    assert len(workers) >= 2, "the atlas never started its workers"
    assert not stale.exists(), "the killed build's folder was not cleaned"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 15
    while [w for w in workers if _alive(w)] and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not [w for w in workers if _alive(w)], "atlas workers outlived their parent"
    leftovers = list(tmp_path.glob(".atlas.building-*"))
    assert len(leftovers) == 1  # the killed build's own, removed by the next build:
    from s3lib.atomic import clean_leftovers

    assert clean_leftovers(tmp_path, ".atlas.building-pid*-*") == leftovers


def test_a_killed_runs_hidden_files_are_removed_by_the_next_run(suite):
    folder = suite / "reports" / "porto"
    folder.mkdir(parents=True)
    dead = folder / ".01-typed.pid999999999-abcd.running.ipynb"
    dead.write_text("{}")
    live = folder / f".01-typed.pid{os.getpid()}-abcd.running.ipynb"  # a live process's work in progress
    live.write_text("{}")
    import tempfile

    sockets = Path(tempfile.mkdtemp(prefix="s3lib-kernel-pid999999999-"))  # a SIGKILLed kernel's folder
    assert [r.status for r in _run(suite, places=["porto"], notebooks=["01"])] == ["ok"]
    assert not dead.exists() and live.exists() and not sockets.exists()


def test_slides_for_one_place_leave_the_comparison_alone(suite):
    """`make slides PLACE=...` runs the place's notebooks only: the six-place comparison (reports/compare, its
    figures, the gallery's inputs) is never rewritten with one place (issue 20)."""
    from pathlib import Path as _Path

    folder = suite
    tasks = runner.plan(["porto"], reports_dir=folder / "reports", figures_dir=folder / "figures",
                        notebooks_dir=folder / "notebooks", suite=False)
    assert tasks and all(t.place != runner.SUITE_KEY for t in tasks)
    assert any(t.place == runner.SUITE_KEY for t in _plan(suite, places=["porto"]))
    makefile = (_Path(__file__).resolve().parents[1] / "Makefile").read_text()
    slides = makefile.split("\nslides:", 1)[1].split("\n\n", 1)[0]
    assert "--no-suite" in slides and "s3lib run" in slides
