"""A warehouse whose every free-text field is hostile, and readers of what a page rendered.

Each distinct value of a text column (names of cities, regions, provinces, clinics, channels,
customers, experiments and their variants, hypotheses, owners, campaign labels, codes …) is
replaced by Markdown links and images, LaTeX, HTML, Streamlit directives, a spreadsheet
formula and control characters, as long as the column allows. A leading character unique to the
value keeps distinct values distinct (names are unique in the reference tables) and equal values
equal (cities of one region share its name).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator, Mapping

import pandas as pd
from sqlalchemy import String

from dashboard import schema

EVIL = "evil.example"
# Full payloads for the longer columns (names of 40 characters and more).
PAYLOADS = (
    "[点击领取](https://evil.example/p)",
    "![t](https://evil.example/t.png)",
    "$x^2$",
    "<img src=x onerror=alert(1)>",
    '<a href="https://evil.example">a</a>',
    ":red[x]",
    ":material/home:",
    ":smile:",
    "=1+1",
    "a\n# h\r\n- li\t\x1b[31m\x07\u2028",
    "https://evil.example/bare",
    "<b>%{y}</b>",
)
# For short columns (20 characters): each still fits whole after the leading character.
SHORT = (
    "![](//evil.example)",
    "[点](//evil.example)",
    ":red[x]",
    "$x^2$",
    "<img src=x>",
    ":smile:",
    "=1+1",
)
# Columns that are keys or codes the app matches on, not text it shows.
NOT_TEXT = {
    ("customers", "phone"),
    ("experiment_exposures", "unit_id"),
    ("experiment_exposures", "variant_code"),  # follows experiment_variants (see below)
    ("scorecard_targets", "kpi_id"),
    ("scorecard_targets", "period_kind"),
    ("scorecard_targets", "scope_kind"),
    ("customers", "gender"),
}
LONGEST = 10_000  # the longest name tried where a column has no limit


def hostile_text(index: int, limit: int | None) -> str:
    """The ``index``-th distinct hostile value of a column of at most ``limit`` characters."""
    limit = limit or LONGEST
    payloads = PAYLOADS if limit >= 40 else SHORT
    k = index % len(payloads)
    pool = "".join(payloads[k:] + payloads[:k])
    # A CJK character per value: one character, yet distinct for 20,000 values.
    text = chr(0x4E00 + index)
    while len(text) < limit:
        text += pool
    return text[:limit]


def text_columns(table: str) -> list[tuple[str, int | None]]:
    """The free-text columns of a table and their length limits."""
    out = []
    for col in schema.table(table).columns:
        if not isinstance(col.type, String) or (table, col.name) in NOT_TEXT:
            continue
        if (table, col.name) in schema.ENUMS:
            continue
        out.append((col.name, col.type.length))
    return out


def _replace(values: pd.Series, limit: int | None) -> tuple[pd.Series, dict]:
    distinct = sorted(values.dropna().unique().tolist(), key=str)
    mapping = {v: hostile_text(i, limit) for i, v in enumerate(distinct)}
    return values.map(mapping).where(values.notna(), None), mapping


def hostile_frames(raw: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sample tables with every free-text value hostile (``raw`` is left unchanged)."""
    frames = dict(raw)
    codes: dict = {}
    for name in schema.TABLE_ORDER:
        columns = text_columns(name)
        if name not in frames or not columns:
            continue
        frame = frames[name].copy(deep=True)
        for column, limit in columns:
            if column not in frame.columns:
                continue
            frame[column], mapping = _replace(frame[column], limit)
            if (name, column) == ("experiment_variants", "variant_code"):
                codes = mapping
        frames[name] = frame
    exposures = frames["experiment_exposures"].copy(deep=True)
    exposures["variant_code"] = exposures["variant_code"].map(codes)
    frames["experiment_exposures"] = exposures
    return frames


# --- what a page rendered ------------------------------------------------------------------

# Element kinds whose body Streamlit shows as plain text.
PLAIN_BODIES = {"text", "code", "exception", "json"}
# Parts of the payloads that are Markdown (a link, an image, math, a directive, HTML, a heading,
# a list item) unless their punctuation is escaped.
MARKUP = ("](", "![", "$x^2", ":red[", "<img", "<a ", "<b>", "# h", "- li", "=1+1", EVIL)
# Parts that Streamlit rewrites in the parsed text, where backslashes are gone: autolinks,
# emoji and icons (a word joiner inside keeps them as typed).
REWRITTEN = ("://evil", "www.evil", "@evil", ":smile:", ":material/", ":material_")
_PUNCTUATION = set(string.punctuation)
_UNESCAPED = [
    re.compile("".join(rf"(?<!\\){re.escape(c)}" if c in _PUNCTUATION else re.escape(c) for c in m))
    for m in MARKUP
]
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _fields(proto) -> set[str]:
    descriptor = getattr(proto, "DESCRIPTOR", None)
    return set(descriptor.fields_by_name) if descriptor is not None else set()


def markdown_sources(at) -> list[tuple[str, str]]:
    """Every string of the run that Streamlit renders as Markdown, as (element kind, source):
    bodies, labels and help of elements, widgets, expanders and tabs, radio and
    segmented-control options, progress texts."""
    out: list[tuple[str, str]] = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            kind = getattr(node, "type", "")
            proto = getattr(node, "proto", None)
            fields = _fields(proto)
            for field in ("body", "label", "help"):
                if field in fields and not (field == "body" and kind in PLAIN_BODIES):
                    out.append((f"{kind}.{field}", str(getattr(proto, field))))
            if kind == "progress" and "text" in fields:
                out.append(("progress.text", proto.text))
            if kind == "radio":
                out.extend(("radio.option", str(o)) for o in proto.options)
            if kind == "button_group":
                out.extend(("button_group.option", o.content) for o in proto.options)
    return [(k, s) for k, s in out if s]


def unescaped(sources: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(kind, marker, excerpt) for every Markdown source in which a payload would render."""
    found = []
    for kind, text in sources:
        hits = [(m.pattern, m.search(text)) for m in _UNESCAPED]
        parsed = _ESCAPE.sub(r"\1", text)  # the text after parsing: escapes resolved
        hits += [(r, re.search(re.escape(r), parsed, re.IGNORECASE)) for r in REWRITTEN]
        for marker, hit in hits:
            if hit:
                at = hit.start()
                found.append(
                    (
                        kind,
                        marker,
                        (parsed if marker in REWRITTEN else text)[max(0, at - 40) : at + 60],
                    )
                )
    return found


def plotly_strings(at) -> Iterator[str]:
    """Every string in the specs of the run's Plotly charts."""

    def strings(value) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    for chart in at.get("plotly_chart"):
        yield from strings(json.loads(chart.proto.spec))


# Payload parts that Plotly would draw as markup or fill in as a template.
PLOTLY_MARKERS = ("<a ", "<img", "<b>%{y}", "%{y}</b>")
