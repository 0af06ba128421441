"""Widgets kept in the URL: the one way a page binds a control to ``?key=``.

Two kinds of control, one function each:

- ``choice``: options with translated labels. Streamlit's ``bind="query-params"`` stores a
  widget's *displayed* label in the URL, so a translated label (郑州, 上周) would stay in the URL
  after the language switch and the link would no longer match the options. ``choice`` keeps
  the option's stable code (a city id, ``last_week``) in the URL instead: the widget's state is
  seeded from ``?key=`` once per session and the picked code is written back on every run
  (dropped when it is the default). A URL value is matched against the option's code and, unless
  ``by_label=False``, its label in each language, case-insensitively, so links written with names
  keep working.
- ``plain``: values that read the same in every language (numbers, ISO weeks, period codes, free
  text), bound with Streamlit's own ``bind="query-params"``.

Either way, link values that name no option are ignored and said so in the page's link notice
(``dashboard.ui.linknotice``). The filter bar's multi-selects use the lower-level ``seed_many``
/ ``write_many`` / ``url_matches`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

import streamlit as st

from dashboard.settings import LANGUAGES
from dashboard.ui import linknotice

# Option code -> the names a link may use for it (codes are of any hashable type).
Aliases = Mapping[Any, Sequence[str]]
_RELABEL = "_urlbind_relabel"
H = TypeVar("H", bound=Hashable)


def _match(text: str, aliases: Aliases) -> Hashable | None:
    key = text.strip().casefold()
    for code, names in aliases.items():
        if key == str(code).casefold() or key in {str(n).strip().casefold() for n in names}:
            return code
    return None


def url_matches(key: str, aliases: Aliases) -> list[tuple[str, Hashable | None]]:
    """Each value of ``?key=`` (repeatable) with the option it names, None for none."""
    return [(value, _match(value, aliases)) for value in st.query_params.get_all(key)]


def _seed(key: str, aliases: Aliases) -> list[Hashable]:
    """The options ``?key=`` names (URL order, no duplicates); values naming none are noted."""
    matches = url_matches(key, aliases)
    linknotice.seeded(key, [value for value, code in matches if code is None])
    return list(dict.fromkeys(code for _, code in matches if code is not None))


def seed_one(key: str, aliases: Aliases, default: Hashable, force: bool = False) -> None:
    """Seed a single-choice widget's state from the URL once per session (or when forced)."""
    if force or key not in st.session_state:
        picked = _seed(key, aliases)
        st.session_state[key] = picked[0] if picked else default


def follow_default(key: str, default: Hashable) -> None:
    """For a default that depends on the data (a horizon the period has finished): while the
    widget still holds the default of the previous run, move it to this run's default. A value
    the viewer picked, or the URL named, stays. Call before the widget is drawn."""
    marker = f"_urlbind_default_{key}"
    before = st.session_state.get(marker)
    moved = before is not None and before != default
    if moved and key in st.session_state and st.session_state[key] == before:
        st.session_state[key] = default
    st.session_state[marker] = default


def seed_many(key: str, aliases: Aliases, force: bool = False) -> None:
    """Seed a multi-choice widget's state from the URL once per session (or when forced)."""
    if force or key not in st.session_state:
        st.session_state[key] = _seed(key, aliases)


def relabelled(lang: str, marker: str = "_urlbind_lang") -> bool:
    """True on the first run after a language switch.

    The browser holds a widget's value as its displayed label, which the new language's options
    no longer contain; the widgets are then re-seeded from the codes in the URL (written by the
    previous run, so they are the current picks) and shown with the new labels.
    """
    before = st.session_state.get(marker)
    st.session_state[marker] = lang
    st.session_state[_RELABEL] = before is not None and before != lang
    if st.session_state[_RELABEL]:
        linknotice.forget()  # the viewer acted, and the notice's lines are in the old language
    return st.session_state[_RELABEL]


def choice(
    place,
    widget: str,
    label: str,
    options: Sequence[H],
    default: H,
    labels: Callable[[H, str], str],
    lang: str,
    key: str,
    scoped: bool = False,
    by_label: bool = True,
    **kwargs: object,
) -> H | None:
    """A single-choice widget (``selectbox``, ``segmented_control``, ``radio``…) drawn in
    ``place`` with translated labels, kept in the URL by its option's code.

    ``labels(option, lang)`` gives an option's label; links with the label in any language
    are accepted unless ``by_label`` is False (then the code only). Pass no ``index``/``default``:
    the default comes from ``default``. ``scoped``: the options are places within the viewer's
    scope (see ``linknotice``).
    """
    aliases = {o: tuple(labels(o, g) for g in LANGUAGES) if by_label else () for o in options}
    seed_one(key, aliases, default, force=bool(st.session_state.get(_RELABEL)))
    value = getattr(place, widget)(
        label, options=list(options), format_func=lambda o: labels(o, lang), key=key, **kwargs
    )
    write_one(key, value, default)
    linknotice.drawn(
        key,
        value,
        label=label,
        shown="" if value is None else labels(value, lang),
        reason="access" if scoped else "invalid",
        scoped=scoped,
    )
    return value


def plain(
    place,
    widget: str,
    label: str,
    key: str,
    noted: Callable[[Any], object] | None = None,
    shown: Callable[[Any], str] | None = None,
    **kwargs: object,
) -> Any:
    """A widget (``selectbox``, ``number_input``, ``text_input``…) drawn in ``place`` whose
    values read the same in every language, bound to ``?key=`` by Streamlit; returns its value.

    The link values the widget did not take go to the link notice, compared with
    ``noted(value)`` (default: the value) and described as ``shown(noted value)`` (default: the
    value as text). No ``format_func``: a bound widget would put the label in the URL.
    """
    link = linknotice.link_values(key)
    value = getattr(place, widget)(label, key=key, bind="query-params", **kwargs)
    kept = noted(value) if noted else value
    linknotice.bound(key, link, kept, label=label, shown=shown(kept) if shown else "")
    return value


def write_one(key: str, value: Hashable, default: Hashable) -> None:
    """Keep ``?key=`` in step with a single choice: its code, dropped when it is the default."""
    if value is None or value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def write_many(key: str, values: Sequence[Hashable]) -> None:
    """Keep ``?key=`` in step with a multi-choice: one parameter per code, none when empty."""
    if values:
        st.query_params[key] = [str(v) for v in values]
    else:
        st.query_params.pop(key, None)
