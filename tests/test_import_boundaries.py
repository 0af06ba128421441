"""The product (dashboard/) imports nothing from the benchmark, the tests or their helpers.

The benchmark is the top-level package ``bench`` with its own optional dependencies (the
``bench`` extra: psutil, Playwright); the only way in from the product is ``opsdash bench``,
whose functions in dashboard/cli.py import ``bench.cli`` when called.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.settings import ROOT

# Never imported by the product, at any level: not runtime dependencies, or not the product.
FORBIDDEN = ("bench", "tests", "testsupport", "psutil", "playwright")
# (module, root) pairs allowed inside a function: the lazy entry point of ``opsdash bench``.
ALLOWED_LAZY = {("dashboard/cli.py", "bench")}


def _imported_roots(node: ast.AST) -> list[str]:
    """The top-level package names an import statement (or importlib call) loads."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        # Relative imports (level > 0) stay inside dashboard.
        return [node.module.split(".")[0]] if node.level == 0 and node.module else []
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("import_module", "__import__") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return [first.value.split(".")[0]]
    return []


def violations(path: Path, rel: str) -> list[str]:
    """Forbidden imports of one module, as ``file:line: root (where)`` strings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    found: list[str] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for root in _imported_roots(node):
            if root not in FORBIDDEN:
                continue
            if in_function and (rel, root) in ALLOWED_LAZY:
                continue
            where = "in a function" if in_function else "at module level"
            found.append(f"{rel}:{node.lineno}: imports {root} {where}")
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            walk(child, inner)

    walk(tree, False)
    return found


def product_modules() -> list[tuple[Path, str]]:
    """Every Python file of the product, with its path relative to the project root."""
    files = sorted((ROOT / "dashboard").rglob("*.py"))
    return [(f, f.relative_to(ROOT).as_posix()) for f in files]


def test_product_imports_nothing_from_bench_or_tests():
    modules = product_modules()
    assert len(modules) > 50  # the walk really covers the product
    found = [v for path, rel in modules for v in violations(path, rel)]
    assert found == []


def test_the_bench_command_is_the_only_lazy_import_and_is_found():
    # The check sees through functions: dashboard/cli.py does import bench, lazily.
    cli = ROOT / "dashboard" / "cli.py"
    tree = ast.parse(cli.read_text(encoding="utf-8"))
    lazy = [
        n.lineno
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef)
        for n in ast.walk(fn)
        if "bench" in _imported_roots(n)
    ]
    assert lazy, "dashboard/cli.py no longer imports bench.cli in opsdash bench's functions"
    top_level = [n for n in tree.body if "bench" in _imported_roots(n)]
    assert top_level == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import bench.cli\n", ["m.py:1: imports bench at module level"]),
        ("from tests import pg_server\n", ["m.py:1: imports tests at module level"]),
        ("def f():\n    import psutil\n", ["m.py:2: imports psutil in a function"]),
        (
            "import importlib\nimportlib.import_module('playwright.sync_api')\n",
            ["m.py:2: imports playwright at module level"],
        ),
        (
            "from testsupport.pg_server import start\n",
            ["m.py:1: imports testsupport at module level"],
        ),
        ("from . import bench\nimport benchmarks\n", []),
    ],
)
def test_the_check_finds_each_kind_of_violation(tmp_path, source, expected):
    module = tmp_path / "m.py"
    module.write_text(source, encoding="utf-8")
    assert violations(module, "m.py") == expected


def test_bench_is_allowed_in_the_cli_only_inside_a_function(tmp_path):
    module = tmp_path / "cli.py"
    module.write_text("import bench\n\n\ndef cmd():\n    import bench.cli\n", encoding="utf-8")
    assert violations(module, "dashboard/cli.py") == [
        "dashboard/cli.py:1: imports bench at module level"
    ]
    assert violations(module, "dashboard/app.py") == [
        "dashboard/app.py:1: imports bench at module level",
        "dashboard/app.py:5: imports bench in a function",
    ]


_HIDE = """
import sys


class Hidden:
    # First on the meta path: the hidden packages are not found, as when not installed.
    def find_spec(self, fullname, path=None, target=None):
        if fullname in HIDE:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


sys.meta_path.insert(0, Hidden())
from dashboard.cli import main

sys.exit(main(ARGS))
"""


def _opsdash(*args: str, hide: tuple[str, ...]) -> subprocess.CompletedProcess:
    """``opsdash ARGS`` in a child process where the packages ``hide`` are not installed."""
    code = f"HIDE = {hide!r}\nARGS = {list(args)!r}\n{_HIDE}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("hide", [("psutil", "playwright"), ("bench", "psutil", "playwright")])
def test_without_the_bench_extra_opsdash_works_and_bench_says_what_to_install(hide):
    assert _opsdash("--help", hide=hide).returncode == 0
    done = _opsdash("bench", "--leads", "1000", "--skip", "naive", hide=hide)
    assert done.returncode == 2, done.stderr
    assert "pip install -e '.[bench]'" in done.stderr
    assert f"{hide[0]} is not installed" in done.stderr
    assert "Traceback" not in done.stderr
