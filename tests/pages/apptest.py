"""Helpers to run the dashboard in Streamlit's AppTest (the real script, in-process)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.settings import ROOT

ENTRY = str(ROOT / "dashboard" / "app.py")


def open_page(page_id: str, lang: str = "zh", timeout: float = 60, **query: object) -> AppTest:
    """Run the entry script with ``?lang=`` and other query params, then switch to a page."""
    at = AppTest.from_file(ENTRY, default_timeout=timeout)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page_id != "overview":
        at.switch_page(str(ROOT / "pages" / f"{page_id}.py"))
        at.run()
    return at


def all_text(at: AppTest) -> str:
    """Every piece of text the run produced (markdown, captions, metrics, tables), joined."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(e.value) for e in getattr(at, kind))
    for m in at.metric:
        parts.extend([str(m.label), str(m.value), str(m.delta or "")])
    for df in at.dataframe:
        parts.append(df.value.to_csv(index=False))
    for tb in at.table:
        parts.append(tb.value.to_csv(index=False))
    return "\n".join(parts)
