"""The dashboard's import graph: no cycles (type-only imports included), and no module imports
"up" — pure logic never reaches reports or the UI, a page's package imports its model but the
model and the tables never import the loading code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.settings import ROOT

PACKAGE = ROOT / "dashboard"

# (importer prefix, imported prefix): imports that would go up a layer.
UPWARD = (
    ("dashboard.metrics", "dashboard.reports"),
    ("dashboard.metrics", "dashboard.charts"),
    ("dashboard.metrics", "dashboard.ui"),
    ("dashboard.metrics", "dashboard.export"),
    ("dashboard.metrics", "dashboard.navigation"),
    ("dashboard.charts", "dashboard.reports"),
    ("dashboard.charts", "dashboard.ui"),
    ("dashboard.reports", "dashboard.ui"),
    ("dashboard.reports", "dashboard.navigation"),
    ("dashboard.reports", "dashboard.export.pack"),
    ("dashboard.export", "dashboard.ui"),
    ("dashboard.loading", "dashboard.ui"),
    ("dashboard.warehouse", "dashboard.ui"),
    ("dashboard.warehouse", "dashboard.reports"),
)


def module_name(path: Path) -> str:
    """The dotted name of a file under the repository root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the dashboard package by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The dashboard modules ``name`` imports anywhere in its file (type-only imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import sub`` imports the submodule when there is one.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith("dashboard") and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the dashboard modules it imports."""
    found = modules()
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _is_parent(importer: str, imported: str) -> bool:
    # A package's __init__ importing its own submodules is not a cycle through the package.
    return importer.startswith(imported + ".")


def test_no_import_cycles():
    edges = {
        name: {t for t in targets if not _is_parent(name, t)} for name, targets in graph().items()
    }
    assert cycles(edges) == []


def test_no_upward_imports():
    bad = [
        (name, target)
        for name, targets in graph().items()
        for target in targets
        for low, high in UPWARD
        if (name == low or name.startswith(low + "."))
        and (target == high or target.startswith(high + "."))
    ]
    assert bad == []


def test_page_packages_import_down_only():
    """In a page's package the model imports no sibling, tables and charts never the loader."""
    found = graph()
    packages = {n.rpartition(".")[0] for n in found if n.startswith("dashboard.reports.")}
    bad = []
    for pkg in sorted(p for p in packages if p.count(".") == 2):
        for name in (f"{pkg}.model", f"{pkg}.tables", f"{pkg}.charts"):
            siblings = {t for t in found.get(name, ()) if t.startswith(pkg + ".")}
            allowed = set() if name.endswith(".model") else {f"{pkg}.model"}
            bad += [(name, t) for t in siblings - allowed if not t.startswith(name)]
    assert bad == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_cycle_finder(source, expected):
    assert cycles(source) == expected


def test_type_only_imports_count(tmp_path):
    """An import under ``if TYPE_CHECKING:`` is an edge too (the back-edges the issue names)."""
    path = tmp_path / "m.py"
    path.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from dashboard.x import Y\n"
    )
    assert imports("dashboard.m", path, {"dashboard.x", "dashboard.m"}) == {"dashboard.x"}
