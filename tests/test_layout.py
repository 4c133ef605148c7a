"""The package's shape: a pure measures layer, no import cycles, modules of a readable size.

The imports are read from the source with :mod:`ast` (nothing is imported), so a lazy import
inside a function counts as much as one at the top: a cycle through a function body is still a
cycle a reader has to untangle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "s3lib"
#: The longest module the package allows ("about 600 lines" in issue 10).
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The s3lib modules that ``name`` imports (``from s3lib import data`` -> ``s3lib.data``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    out = set()
    for target in found:
        while target and target not in known:  # s3lib.data.place -> s3lib.data
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)
    return out


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    modules = _modules()
    g = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        for target in _imports(name, path, set(modules)):
            # A package's __init__ re-exporting its submodules is not a dependency of those submodules.
            if not (path.name == "__init__.py" and target.startswith(name + ".")):
                g.add_edge(name, target)
    return g


def test_the_graph_sees_known_imports(graph):
    """The parser finds what the source says (a test that cannot fail would prove nothing)."""
    assert graph.has_edge("s3lib.study.core", "s3lib.study.spaces")
    assert graph.has_edge("s3lib.study.view", "s3lib.data")
    assert graph.has_edge("s3lib.measures.relatedness", "s3lib.measures._util")


def test_measures_never_import_data_or_anything_above_them(graph):
    measures = [m for m in graph if m == "s3lib.measures" or m.startswith("s3lib.measures.")]
    assert len(measures) >= 9
    bad = {m: sorted(t for t in graph.successors(m) if not t.startswith("s3lib.measures") and t != "s3lib.errors")
           for m in measures}
    assert {m: t for m, t in bad.items() if t} == {}


def test_measures_read_no_files_and_keep_no_cache():
    for path in (PACKAGE / "measures").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("read_parquet", "read_csv(", "open(", "lru_cache", "_CACHE"):
            assert word not in text, f"{path.name} uses {word}"


def test_no_import_cycle(graph):
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:5])


def test_run_kernels_and_dask_do_not_import_each_other_in_a_circle(graph):
    trio = {"s3lib.runner.run", "s3lib.runner.kernels", "s3lib.runner.dask_executor"}
    sub = graph.subgraph(trio | {"s3lib.runner.tasks"})
    assert nx.is_directed_acyclic_graph(sub)


def test_no_module_longer_than_about_600_lines():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert max(lengths.values()) > 100
    assert {n: k for n, k in lengths.items() if k > MAX_LINES} == {}
