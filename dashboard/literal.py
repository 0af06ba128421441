"""Text from the warehouse, shown literally: escaped for Markdown (Streamlit) or HTML (Plotly).

Names come from outside the company (a customer's WeChat nickname, a clinic or campaign name
typed by someone), so none may turn into a link, an image, math or a coloured label. Streamlit
renders Markdown in many places (``st.markdown``, ``st.caption``, alerts, subheaders, metric
labels and help, expander and tab labels, radio and segmented-control options), Plotly renders
a subset of HTML in every text it draws (``<a href>``, ``<br>``, ``<b>``).

- ``md(text)``: for a Markdown element. Every ASCII punctuation character gets a backslash
  (CommonMark shows ``\\X`` as ``X`` for all of them): links, images, emphasis, headings, lists,
  tables, code, HTML and autolinks (``<…>``), ``$`` math and ``:name[…]`` directives stay text.
  Streamlit and remark also rewrite the *parsed* text, where backslashes are gone: ``:smile:``
  emoji, ``:material/…:`` icons, bare ``https://`` / ``www.`` / e-mail autolinks and ``->``
  arrows. An invisible word joiner (U+2060) inside each of those patterns keeps them as typed.
  Line breaks and other control characters become spaces, so a name stays on its line.
- ``t_md(key, lang, **values)``: a catalogue text whose placeholders are filled with ``md``-escaped
  values (the template's own Markdown, e.g. ``**{label}**``, still renders).
- ``html(text)``: for Plotly text (labels, categories, hover, legend names): ``&``, ``<``, ``>``
  as entities, and ``%`` as ``&#37;`` so a name cannot fill in a hover template's ``%{…}``.

Elements that never interpret their text need neither: ``st.text``, ``st.code``, ``st.dataframe``
cells, selectbox and multiselect options, and pydeck tooltips given as ``text``.
"""

from __future__ import annotations

import html as _html
import re
import string

from dashboard.i18n import t

WORD_JOINER = "\u2060"

# Every ASCII punctuation character may be backslash-escaped in CommonMark (and only those).
_MD_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# C0 and C1 controls (newline, tab, escape …) and the Unicode line and paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Patterns Streamlit's Markdown rewrites after parsing (so backslashes cannot stop them), with
# where a word joiner breaks each: after a colon that a name or ``//`` follows (``:smile:``
# emoji, ``:material_x:`` icons, ``https://`` links), after an at sign that a domain follows
# (e-mail links), inside ``www`` (``www.`` links), between the two characters of an arrow or
# comparison that Streamlit turns into a symbol (→ ← ↔ — ≥ ≤ ≈). "Label: value" stays as is.
_REWRITTEN = re.compile(
    r"(?<=:)(?=[A-Za-z0-9_+/-])|(?<=@)(?=[A-Za-z0-9_-])|(?<=w)(?=ww)"
    r"|(?<=-)(?=[->])|(?<=<)(?=[-=])|(?<=[>~])(?==)",
    re.IGNORECASE,
)


def md(value: object) -> str:
    """``value`` as Markdown source that Streamlit renders as exactly that text."""
    text = _CONTROLS.sub(" ", str(value))
    text = _REWRITTEN.sub(WORD_JOINER, text)
    return _MD_PUNCTUATION.sub(r"\\\1", text)


def t_md(key: str, lang: str, **values: object) -> str:
    """The catalogue text of ``key`` with every placeholder value escaped by ``md``."""
    return t(key, lang, **{k: md(v) for k, v in values.items()})


def html(value: object) -> str:
    """``value`` as Plotly text that is drawn as exactly that text (no tags, no templates)."""
    return _html.escape(str(value), quote=False).replace("%", "&#37;")
