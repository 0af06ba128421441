"""dashboard.literal: data escaped for Streamlit's Markdown and for Plotly's HTML-like text.

Markdown: CommonMark shows ``\\X`` as ``X`` for every ASCII punctuation character, so a value
whose every punctuation character is escaped parses as plain text. Streamlit 1.67's frontend then
rewrites the parsed text with regular expressions (copied below from its StreamlitMarkdown bundle):
those must find nothing in an escaped value, and its math detection must find no ``$``.
"""

from __future__ import annotations

import html as std_html
import re
import string

from hypothesis import given
from hypothesis import strategies as st

from dashboard.literal import WORD_JOINER, html, md, t_md
from tests.pages.apptest import displayed
from tests.security.hostile import PAYLOADS, SHORT

CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Streamlit 1.67 frontend (static/js/StreamlitMarkdown.*.js), applied to the parsed text.
STREAMLIT_REWRITES = {
    "material icon": re.compile(r":material_(\w+):"),
    "streamlit logo": re.compile(r":streamlit:"),
    "emoji (remark-emoji)": re.compile(r":\+1:|:-1:|:[\w-]+:", re.ASCII),
    "url autolink (gfm)": re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A),
    "e-mail autolink (gfm)": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII),
    "typography": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}
# Its test of the *source* for math, after removing code spans and ``\\``, ``\$``, ``\``` pairs.
ESCAPE_PAIRS = re.compile(r"\\[\\$`]")
# Its preprocessing of the source: ``:material/`` becomes an icon's name.
MATERIAL_SOURCE = ":material/"

TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x30FF), max_size=80)


def unescaped_punctuation(source: str) -> list[str]:
    """ASCII punctuation characters of ``source`` that no backslash escapes."""
    out = []
    for token in re.findall(r"\\.|.", source, flags=re.DOTALL):
        if len(token) == 1 and token in string.punctuation:
            out.append(token)
    return out


def parsed(source: str) -> str:
    """The text CommonMark parses from a source of escapes and plain characters."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


def test_every_ascii_punctuation_character_is_escaped():
    escaped = md(string.punctuation)
    assert not unescaped_punctuation(escaped)
    assert displayed(escaped) == string.punctuation


def test_markdown_constructs_become_text():
    assert md("[点击领取](https://evil.example/p)") == (
        "\\[点击领取\\]\\(https\\:\u2060\\/\\/evil\\.example\\/p\\)"
    )
    assert md("![t](x.png)") == "\\!\\[t\\]\\(x\\.png\\)"
    assert md("$x^2$") == "\\$x\\^2\\$"
    assert md("<img src=x onerror=alert(1)>") == "\\<img src\\=x onerror\\=alert\\(1\\)\\>"
    assert md(":red[x]") == "\\:\u2060red\\[x\\]"
    assert md("# h") == "\\# h"
    assert md("1. x") == "1\\. x"
    assert md("| a | b |") == "\\| a \\| b \\|"
    assert md("`c` **b** _i_ ~~s~~") == "\\`c\\` \\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~"
    assert md("&lt;") == "\\&lt\\;"  # an entity stays as typed
    assert md("a\\") == "a\\\\"  # a trailing backslash is no hard line break
    assert md(12.5) == "12\\.5"


def test_text_streamlit_rewrites_after_parsing_is_broken_by_a_word_joiner():
    assert md(":smile:") == f"\\:{WORD_JOINER}smile\\:"
    assert md(":material/home:") == f"\\:{WORD_JOINER}material\\/home\\:"
    assert md("www.evil.example") == f"w{WORD_JOINER}ww\\.evil\\.example"
    assert md("WWW.x") == f"W{WORD_JOINER}WW\\.x"
    assert md("a@evil.example") == f"a\\@{WORD_JOINER}evil\\.example"
    for arrow in ("->", "<-", "<->", "--", ">=", "<=", "~="):
        assert WORD_JOINER in md(arrow), arrow
    assert md("plain 中文 name") == "plain 中文 name"  # nothing to escape, nothing added
    assert md("Arrivals: 12") == "Arrivals\\: 12"  # no joiner where nothing could follow


def test_line_breaks_and_control_characters_become_spaces():
    assert md("a\nb\r\nc\td\x1b[31me\x07f\u2028g\x85h") == "a b  c d \\[31me f g h"
    assert "\n" not in md("x\n\n# heading\n- item")


def test_payloads_render_as_typed():
    for payload in PAYLOADS + SHORT:
        source = md(payload)
        assert not unescaped_punctuation(source), payload
        assert not CONTROLS.search(source), payload
        text = parsed(source)
        for name, pattern in STREAMLIT_REWRITES.items():
            assert not pattern.search(text), (payload, name)
        assert "$" not in ESCAPE_PAIRS.sub("_", source), payload
        assert MATERIAL_SOURCE not in source, payload
        assert text.replace(WORD_JOINER, "") == CONTROLS.sub(" ", payload)


@given(TEXT)
def test_any_text_reads_as_typed(value):
    source = md(value)
    assert not unescaped_punctuation(source)
    assert not CONTROLS.search(source)
    assert displayed(source) == CONTROLS.sub(" ", value).replace(WORD_JOINER, "")
    text = parsed(source)
    for name, pattern in STREAMLIT_REWRITES.items():
        assert not pattern.search(text), name
    assert "$" not in ESCAPE_PAIRS.sub("_", source)
    assert MATERIAL_SOURCE not in source


def test_catalogue_text_escapes_the_values_not_the_template():
    # The template is "**{label}:** {value}": its bold stays Markdown, the value becomes text.
    text = t_md("abtest.field", "en", label="Owner", value="[x](https://evil.example)")
    assert text == "**Owner:** \\[x\\]\\(https\\:\u2060\\/\\/evil\\.example\\)"
    assert t_md("weekly.target_scope", "zh", scope="郑州") == (
        "目标：郑州的周目标（来自 scorecard_targets）。"
    )


def test_plotly_text_is_escaped_as_html():
    assert html('<a href="https://evil.example">%{y}</a> & <br>') == (
        '&lt;a href="https://evil.example"&gt;&#37;{y}&lt;/a&gt; &amp; &lt;br&gt;'
    )
    assert html("郑州 Zhengzhou") == "郑州 Zhengzhou"


@given(TEXT)
def test_any_plotly_text_reads_as_typed(value):
    escaped = html(value)
    assert not set("<>%") & set(escaped)
    assert std_html.unescape(escaped) == value
