"""Helpers to run the dashboard in Streamlit's AppTest (the real script, in-process)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from dashboard.settings import ROOT
from dashboard.ui import linknotice

ENTRY = str(ROOT / "dashboard" / "app.py")
# Sign-in mode's [auth] secrets for AppTest runs (set with at.secrets["auth"] = AUTH).
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "opsdash",
    "client_secret": "x",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}
# A backslash before ASCII punctuation, and the word joiner: how dashboard.literal.md escapes.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_WORD_JOINER = "\u2060"


def displayed(source: str) -> str:
    """The text a Markdown source shows when its data was escaped by ``dashboard.literal.md``."""
    return _ESCAPED.sub(r"\1", source).replace(_WORD_JOINER, "")


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
    """Every piece of text the run produced (markdown, captions, metrics, tables), joined;
    Markdown as displayed (escaped names read as stored)."""
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
        values = (str(e.value) for e in getattr(at, kind))
        parts.extend(v if kind == "text" else displayed(v) for v in values)
    for m in at.metric:
        parts.extend([displayed(str(m.label)), str(m.value), str(m.delta or "")])
    for df in at.dataframe:
        parts.append(df.value.to_csv(index=False))
    for tb in at.table:
        parts.append(tb.value.to_csv(index=False))
    return "\n".join(parts)


def link_notice(node) -> str:
    """The notice about link values the page ignored, as displayed ("" when there is none)."""
    found = [w.value for w in node.warning if w.icon == linknotice.ICON]
    return displayed(found[0]) if found else ""


def main_text(at: AppTest) -> str:
    """``all_text`` of the main area without the link notice: what the page itself shows."""
    text, notice = all_text(at.main), link_notice(at.main)
    return text.replace("\n" + notice, "", 1) if notice else text


# The widget kinds whose keyed values make a page's controls.
WIDGETS = (
    "selectbox",
    "multiselect",
    "number_input",
    "text_input",
    "date_input",
    "radio",
    "button_group",
)


def controls(at: AppTest) -> dict[str, object]:
    """Every keyed widget's value: what the page shows."""
    return {w.key: w.value for kind in WIDGETS for w in at.get(kind) if w.key}


def same_view(odd: AppTest, plain: AppTest, ignored: dict[str, str]) -> None:
    """Assert a page opened with odd link values shows the plain page: the same controls and
    tables, and a link notice naming each ignored value (none on the plain page)."""
    assert not odd.exception, [e.value for e in odd.exception]
    assert not plain.exception, [e.value for e in plain.exception]
    assert controls(odd) == controls(plain)
    assert main_text(odd) == main_text(plain)
    assert len(odd.dataframe) == len(plain.dataframe) > 0
    for mine, theirs in zip(odd.dataframe, plain.dataframe, strict=True):
        assert mine.value.equals(theirs.value)
    notice = link_notice(odd.main)
    assert notice and not link_notice(plain.main)
    for value in ignored.values():
        assert value in notice, (value, notice)
