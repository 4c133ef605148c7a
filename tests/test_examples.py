"""Every code example in the README and in the docstrings of ``s3lib`` runs.

Docstring examples are checked twice: :mod:`doctest` compares the printed output of the examples
that are not marked ``+SKIP``; and every example, marked or not, is executed for errors (its
expected output is not compared when it depends on the data snapshot, which is what ``+SKIP``
means in this package). The README's Python blocks run top to bottom in one namespace.
"""
from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "s3lib"
#: Modules whose examples start processes or servers or need an executed suite (their own tests run
#: them: test_dask, test_run, test_site, test_slides, test_present, test_atlas).
HEAVY = {"s3lib.runner.dask_executor", "s3lib.runner.run", "s3lib.runner.kernels", "s3lib.runner.worker_preload", "s3lib.outputs.site", "s3lib.outputs.slides",
         "s3lib.outputs.app", "s3lib.outputs.atlas"}
#: The builders' examples read the raw public files (CI and developers have ../shared).
NEEDS_RAW = {"s3lib.data.build", "s3lib.data.build_ba", "s3lib.data.build_uscmp", "s3lib.data.fetch"}


def _module_names() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if ">>> " in path.read_text(encoding="utf-8") and name not in HEAVY:
            out.append(name)
    return out


def _readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_python_examples_with_a_place_a_name_and_a_code():
    code = "\n".join(_readme_blocks())
    assert "data.place(" in code and "study.at(frankfurt)" in code
    assert re.search(r'study\.at\("[A-Z]{2}\d', code), "an example with a NUTS code"
    assert re.search(r'study\.at\("[A-Z][a-z]+', code), "an example with a name"


def test_readme_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in _readme_blocks():
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README's own examples
    view = namespace["view"]
    assert view.region == "DE71" and view.place.code == "DE712"


@pytest.mark.parametrize("name", _module_names())
def test_docstring_examples(name, tmp_path, monkeypatch):
    from s3lib.config import RAW_DIR

    if name in NEEDS_RAW and not RAW_DIR.exists():
        pytest.skip(f"raw public files not found at {RAW_DIR}")
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder(exclude_empty=True).find(module) if t.examples]
    assert tests, f"{name} has '>>> ' in its source but no example was found"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        namespace = dict(test.globs)  # the runner clears test.globs after the run
        # 1. the printed output of the unmarked examples
        runner.run(test, out=lambda s: None)
        # 2. every example, marked +SKIP or not, runs without an error
        for example in test.examples:
            try:
                exec(compile(example.source, f"<{test.name}>", "exec"), namespace)  # noqa: S102
            except Exception as err:  # noqa: BLE001 - reported with the example's text
                pytest.fail(f"{test.name}: {example.source.strip()!r} raised {type(err).__name__}: {err}")
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest output(s) differ in {name}"
