"""No code path renders data as HTML: the dashboard never asks Streamlit (or pydeck) for raw
markup, so a name containing ``<script>`` is always shown as text.

The browser test (tests/browser/test_markup.py) checks the rendered pages; this one checks the
sources, so a new ``unsafe_allow_html=True`` or ``st.html`` fails at once, without a browser.
"""

from __future__ import annotations

import ast

import pytest

from dashboard.settings import ROOT

SOURCES = sorted([*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")])


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_raw_html_rendering(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for call in _calls(tree):
        for kw in call.keywords:
            if kw.arg == "unsafe_allow_html" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                problems.append(f"line {call.lineno}: unsafe_allow_html")
            # pydeck renders a tooltip's "html" template as markup; "text" is escaped.
            if kw.arg == "tooltip" and isinstance(kw.value, ast.Dict):
                keys = {k.value for k in kw.value.keys if isinstance(k, ast.Constant)}
                if "html" in keys:
                    problems.append(f"line {call.lineno}: tooltip html")
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "html":
            problems.append(f"line {call.lineno}: .html(...)")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "streamlit.components"
        ):
            problems.append(f"line {node.lineno}: streamlit.components")
    assert not problems, f"{path.relative_to(ROOT)}: {problems}"
