"""The package's shape: floors as the README says, no import cycles, no case knowledge in code,
modules of a readable size.

The imports are read from the source with :mod:`ast` (nothing is imported), so a lazy import
inside a function counts as much as one at the top: a cycle through a function body is still a
cycle a reader has to untangle, and an import running up a floor is still one.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "s3lib"
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
            names = [f"{base}.{alias.name}" for alias in node.names]
            # `from s3lib import data` imports the module s3lib.data, not the package s3lib's own code
            found.update(n for n in names if n in known)
            if not any(n in known for n in names):
                found.add(base)
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


def _floors() -> list[tuple[int, str, list[str]]]:
    """The README's layer table: ``(number, name, module patterns)`` per floor, bottom first."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) ([^|]+?) \| ([^|]+) \|", section, flags=re.M)
    return [(int(n), label.strip(), re.findall(r"`([^`]+)`", cell)) for n, label, cell in rows]


def _floor_of(module: str, floors) -> int | None:
    for number, _, patterns in floors:
        for pattern in patterns:
            if module == pattern or (pattern.endswith(".*") and (module == pattern[:-2] or
                                                                  module.startswith(pattern[:-1]))):
                return number
    return None


def test_the_graph_sees_known_imports(graph):
    """The parser finds what the source says (a test that cannot fail would prove nothing)."""
    assert graph.has_edge("s3lib.study.core", "s3lib.study.spaces")
    assert graph.has_edge("s3lib.study.view", "s3lib.data")
    assert graph.has_edge("s3lib.study.view", "s3lib.analyses.ris3")  # lazy, inside a method
    assert graph.has_edge("s3lib.measures.relatedness", "s3lib.measures._util")
    assert not graph.has_edge("s3lib.study.view", "s3lib")  # `from s3lib import data` is s3lib.data


def test_readme_floors_cover_every_module_once():
    floors = _floors()
    assert [n for n, _, _ in floors] == list(range(len(floors))) and len(floors) >= 8
    modules = _modules()
    unplaced = [m for m in modules if _floor_of(m, floors) is None]
    assert unplaced == [], f"modules missing from the README's layer table: {unplaced}"
    for _, _, patterns in floors:
        for pattern in patterns:
            stem = pattern[:-2] if pattern.endswith(".*") else pattern
            assert stem in modules, f"README names {pattern}, which is not a module of s3lib"


def test_every_import_goes_to_the_same_floor_or_below(graph):
    floors = _floors()
    names = {n: label for n, label, _ in floors}
    upward = sorted(f"{a} (floor {_floor_of(a, floors)} {names[_floor_of(a, floors)]}) -> {b} "
                    f"(floor {_floor_of(b, floors)} {names[_floor_of(b, floors)]})"
                    for a, b in graph.edges if _floor_of(b, floors) > _floor_of(a, floors))
    assert upward == [], "imports running up a floor:\n" + "\n".join(upward)


def test_measures_never_import_data_or_anything_above_them(graph):
    floors = _floors()
    measures = [m for m in graph if m == "s3lib.measures" or m.startswith("s3lib.measures.")]
    assert len(measures) >= 9
    bad = {m: sorted(t for t in graph.successors(m) if _floor_of(t, floors) > 1) for m in measures}
    assert {m: t for m, t in bad.items() if t} == {}


def test_measures_read_no_files_and_keep_no_cache():
    for path in (PACKAGE / "measures").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("read_parquet", "read_csv(", "open(", "lru_cache", "_CACHE"):
            assert word not in text, f"{path.name} uses {word}"


def test_no_import_cycle(graph):
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:5])


def test_no_module_longer_than_about_600_lines():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert max(lengths.values()) > 100
    assert {n: k for n, k in lengths.items() if k > MAX_LINES} == {}


# ----------------------------------------------------------------------------- no case knowledge in code
#: String constants outside s3lib/data/ that name a case place, its region or a cluster, and why they may.
#: Every entry is an example in a help text or message, never a branch of the logic.
ALLOWED_LITERALS = {
    ("s3lib/runner/run.py", "frankfurt"): "the example in the error message for a run without places",
    ("s3lib/runner/run.py", "bordeaux"): "the example in the error message for a run without places",
    ("s3lib/outputs/slides.py", "bordeaux"): "the example in the --help text of s3lib.outputs.slides",
    ("s3lib/outputs/atlas.py", "PL12"): "the example codes the atlas's search box offers",
    ("s3lib/outputs/atlas.py", "gironde"): "the example names the atlas's search box offers",
    ("s3lib/outputs/atlas.py", "porto"): "a comment in the search script explaining the ranking rule",
    ("s3lib/outputs/atlas.py", "bordeaux"): "a comment in the search script explaining the ranking rule",
    ("s3lib/outputs/explorer.py", "frankfurt"): "the place the live explorer opens on (its documented default)",
}


def _docstring_ids(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _case_words() -> tuple[set[str], set[str], set[str]]:
    """The NUTS codes of the case places (any level), their keys and names, the US CMP cluster names."""
    places = pd.read_csv(ROOT / "data" / "places.csv", dtype=str, keep_default_na=False)
    codes = {c for col in ("nuts3", "nuts2", "nuts1", "ris3_owner", "country") for c in places[col] if c}
    words = {w.lower() for col in ("key", "name") for w in places[col] if w}
    words |= {a.strip().lower() for cell in places["aliases"] for a in cell.split(";") if a.strip()}
    scheme = pd.read_parquet(ROOT / "data" / "cluster_scheme_uscmp.parquet")
    clusters = set(scheme.loc[scheme["kind"] == "traded", "cluster"].dropna().astype(str))
    return codes, words, clusters


def _case_literals(path: Path, codes, words, clusters) -> list[tuple[int, str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstring_ids(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
            continue
        text = node.value
        hits = [c for c in codes if (text == c if len(c) == 2 else re.search(rf"(?<![A-Z0-9]){c}(?![A-Z0-9])", text))]
        hits += [w for w in words if re.search(rf"\b{re.escape(w)}\b", text.lower())]
        hits += [c for c in clusters if c in text]
        found += [(node.lineno, hit, text) for hit in hits]
    return found


def test_the_literal_finder_finds_case_knowledge(tmp_path):
    """The check below can fail: a branch on a case region, a city and a cluster name are all found."""
    codes, words, clusters = _case_words()
    probe = tmp_path / "probe.py"
    probe.write_text('"""Docstrings may say FRI1 and Bordeaux."""\n'
                     'def f(v):\n    """Examples in docstrings are fine: DE71."""\n'
                     '    if v.region == "FRI1":\n        return "Aerospace Vehicles and Defense"\n'
                     '    return v.country == "DE" or "Bordeaux" in v.name\n', encoding="utf-8")
    hits = {hit for _, hit, _ in _case_literals(probe, codes, words, clusters)}
    assert hits == {"FRI1", "Aerospace Vehicles and Defense", "DE", "bordeaux"}


def test_no_case_literal_in_the_code_outside_data():
    """s3lib/ outside s3lib/data/ names no case NUTS code, city or cluster in its logic: place knowledge
    lives in data/ (places.csv, caveats.csv, validity_markers.csv, ...). Docstrings and examples may."""
    codes, words, clusters = _case_words()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("s3lib/data/"):
            continue
        for line, hit, text in _case_literals(path, codes, words, clusters):
            if (relative, hit) not in ALLOWED_LITERALS:
                found.append(f"{relative}:{line}: {hit!r} in {text[:70]!r}")
    assert found == [], "case knowledge in code:\n" + "\n".join(found)
