"""The `s3lib` command line: usage errors are one line with exit code 2; data info shows provenance."""
from __future__ import annotations

import subprocess
import sys

import pytest

from s3lib.cli import main


@pytest.mark.parametrize("argv, expected", [
    ([], "choose a command"),
    (["data"], "choose a command"),
    (["data", "bogus"], "invalid choice: 'bogus'"),
    (["--nope"], "unrecognized arguments: --nope"),
    (["data", "build", "--raw"], "expected one argument"),
    (["atlas", "--executor", "ray"], "invalid choice: 'ray'"),
    (["atlas", "--jobs", "0", "--out", "/nonexistent/atlas"], "--jobs must be at least 1"),
    (["run", "--places", "DE7", "--notebooks", "01"], "its NUTS2 regions: DE71 Darmstadt"),
    (["card", "--places", "FR", "--out", "/nonexistent/cards"], "FR (France) is a NUTS0 region (a country)"),
])
def test_usage_errors_exit_2_with_one_line(argv, expected, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert "\n" not in err and err.startswith("s3lib: error: ") and expected in err
    assert captured.out == ""


def test_data_error_exits_1(tmp_path, capsys):
    assert main(["data", "build", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("s3lib: error: raw data folder") and "\n" not in err


def test_data_info_shows_tables_provenance_and_gaps(capsys):
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    for text in ("employment.parquet", "sbs_r_nuts06_r2", "Source: Eurostat", "EuroGeographics",
                 "no K (finance", "FRI12", "years 2008-2015", "NUTS levels 0,1,2"):
        assert text in out, text


def test_python_dash_m_and_help():
    done = subprocess.run([sys.executable, "-m", "s3lib", "data", "bogus"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    shown = subprocess.run([sys.executable, "-m", "s3lib", "data", "--help"], capture_output=True, text=True, check=False)
    assert shown.returncode == 0 and "build" in shown.stdout and "fetch" in shown.stdout
    shown = subprocess.run([sys.executable, "-m", "s3lib", "--help"], capture_output=True, text=True, check=False)
    assert shown.returncode == 0 and all(c in shown.stdout for c in ("run", "card", "site", "atlas"))


def test_import_s3lib_stays_light():
    """`import s3lib` must not import pandas (the 1 s budget); an import check, not a timing."""
    code = "import sys, s3lib, s3lib.cli, s3lib.data; print('pandas' in sys.modules, 'geopandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
