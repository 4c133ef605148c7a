"""Every code example in the README and in the docstrings of ``s3lib`` runs, and shows what it prints.

Docstring examples are doctests: :mod:`doctest` compares the printed output of every example (an
output that varies from run to run, such as a timing, is printed as a comparison that does not).
``+SKIP`` is refused (:func:`test_no_skipped_doctest`); an example that starts a cluster or needs
an executed suite is a literal ``::`` block, not a doctest, and its own test runs it. The README's
Python blocks run top to bottom in one namespace.
"""
from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "s3lib"
#: The builders' examples read the raw public files (CI and developers have ../shared).
NEEDS_RAW = {"s3lib.data.build", "s3lib.data.build_ba", "s3lib.data.build_uscmp", "s3lib.data.fetch"}


def _module_names() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if ">>> " in path.read_text(encoding="utf-8"):
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
    report = []
    for test in tests:
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest output(s) differ in {name}:\n" + "".join(report)[:4000]


def test_no_skipped_doctest():
    """A docstring's shown output is compared: no example is marked ``+SKIP``."""
    marked = [f"{p.relative_to(ROOT)}:{i}" for p in sorted(PACKAGE.rglob("*.py"))
              for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "doctest: +SKIP" in line]
    assert marked == [], "doctests marked +SKIP: " + ", ".join(marked)
