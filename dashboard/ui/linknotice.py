"""Link values the page could not show: one notice at the top of the page, never a silent fallback.

A copied link may name an option that does not exist (``?city=999999``, ``?week=2026-W99``), one
outside the viewer's access, or an unusable value (a custom period from 0001-01-01). Every
control that reads the URL reports here, once per run after it is drawn, which of its link's
values it ignored and what it shows instead; the entry script shows one line per control in a
notice above the page (``show``), in the viewer's language.

How long: a link is read once per session, so the lines are kept in session state. A line is
shown while its control is on the page and still shows the fallback, so reruns keep it; it goes
once the viewer changes that control (the line would no longer be true). Switching the language
clears every line: the viewer has acted, and the lines were worded in the other language.

Link values are attacker-controlled: they reach Markdown only through ``dashboard.literal``. For
a viewer who sees only some cities, a value of a control whose options are places (cities,
clinics, scorecard scopes, referrer regions) is repeated only when it is a number (an id): a link
must not make the page print another region's city name, and "does not exist or is outside your
access" is said either way, so the notice does not tell whether the place exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from dashboard.filters import Scope
from dashboard.i18n import t
from dashboard.literal import t_md

ICON = ":material/link_off:"
_LINES = "_linknotice_lines"
_PENDING = "_linknotice_pending"
_DRAWN = "_linknotice_drawn"
_MAX_VALUES = 5
_MAX_CHARS = 40


@dataclass(frozen=True)
class Ignored:
    """One line of the notice: a control's link values it ignored, and what it shows instead."""

    control: str  # the control's key: the line goes when its value is no longer ``kept``
    label: str  # the control's label, in the language of the run that noted it
    values: tuple[str, ...]  # what the link said (raw)
    reason: str  # a key under ``link.reason``
    shown: str  # what the page shows instead (plain text)
    kept: object  # the control's value when noted
    scoped: bool = False  # the options are places within the viewer's scope
    detail: tuple[tuple[str, object], ...] = ()  # the reason's placeholders


def begin_run() -> None:
    """Start of a script run (entry script): no URL-bound control drawn yet."""
    st.session_state[_DRAWN] = set()


def forget() -> None:
    """Drop every line (the viewer switched the language)."""
    st.session_state.pop(_LINES, None)
    st.session_state.pop(_PENDING, None)


def seeded(control: str, values: Sequence[str]) -> None:
    """Seeding ``control`` from the URL ignored ``values``: noted when the control is drawn."""
    pending = st.session_state.setdefault(_PENDING, {})
    if values:
        pending[control] = list(values)
    else:
        pending.pop(control, None)


def link_values(key: str) -> list[str]:
    """The URL's values for a ``bind="query-params"`` widget that this run seeds from them."""
    # Streamlit seeds a bound widget from the URL when it is first drawn in the session (its
    # key not yet in session state) and silently drops a value it cannot take.
    return [] if key in st.session_state else st.query_params.get_all(key)


def drawn(
    control: str,
    value: object,
    *,
    label: str,
    shown: str,
    ignored: Sequence[str] | None = None,
    reason: str = "invalid",
    scoped: bool = False,
    **detail: object,
) -> None:
    """A URL-bound control was drawn showing ``value``: note the link values it ignored.

    ``ignored`` are the values, or None for those its seeding reported (``seeded``).
    """
    st.session_state.setdefault(_DRAWN, set()).add(control)
    if ignored is None:
        ignored = st.session_state.get(_PENDING, {}).pop(control, None)
    if not ignored:
        return
    line = Ignored(
        control,
        label,
        tuple(dict.fromkeys(str(v) for v in ignored)),
        reason,
        shown,
        value,
        scoped,
        tuple(detail.items()),
    )
    st.session_state.setdefault(_LINES, {})[(control, label, reason)] = line


def bound(key: str, raw: Sequence[str], value: object, *, label: str, shown: str = "") -> None:
    """After a ``bind="query-params"`` widget: note the link values (``link_values``) it did not take."""
    ignored = [r for r in raw if not _same(r, value)]
    drawn(key, value, label=label, shown=shown or str(value), ignored=ignored)


def _same(raw: str, value: object) -> bool:
    """True when the URL text names ``value`` (numbers compared as numbers: ``08`` is 8)."""
    if value is None:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(raw) == value
        except ValueError:
            return False
    return raw.strip() == str(value)


def show(place, lang: str, scope: Scope) -> None:
    """Fill ``place`` with the notice: one line per control that ignored its link's values."""
    lines = st.session_state.get(_LINES) or {}
    drawn_now = st.session_state.get(_DRAWN) or set()
    text = []
    for key, line in list(lines.items()):
        if line.control not in drawn_now:
            continue  # its control is not on this page
        if st.session_state.get(line.control) != line.kept:
            del lines[key]  # the viewer changed the control
            continue
        text.append(_sentence(line, lang, scope.is_restricted))
    if text:
        place.warning("  \n".join(text), icon=ICON)


def _sentence(line: Ignored, lang: str, restricted: bool) -> str:
    values = [
        t("link.hidden", lang)
        if restricted and line.scoped and not v.strip().isdigit()
        else (v if len(v) <= _MAX_CHARS else v[:_MAX_CHARS] + "…")
        for v in line.values[:_MAX_VALUES]
    ]
    if len(line.values) > _MAX_VALUES:
        values.append("…")
    return t_md(
        "link.line",
        lang,
        label=line.label,
        value=("、" if lang == "zh" else ", ").join(dict.fromkeys(values)),
        reason=t(f"link.reason.{line.reason}", lang, **dict(line.detail)),
        shown=line.shown,
    )
