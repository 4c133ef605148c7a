"""Packaging: pyproject is the one source of dependencies, environment.yml mirrors it, import is light."""
from __future__ import annotations

import subprocess
import sys

import tomllib
import yaml

from s3lib.config import PROJECT_ROOT


def test_environment_yml_installs_the_project_from_pyproject():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ['-e ".[dev]"']
    extras = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "dev" in extras


def test_import_is_light():
    code = "import sys, s3lib; s3lib.config; print(sorted(m for m in ('pandas', 'geopandas', 'papermill', 'networkx', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", f"import s3lib pulled in {out}"
