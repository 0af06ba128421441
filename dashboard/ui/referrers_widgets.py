"""The referrers page's own widgets: its URL-bound controls and the selectable ranking table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.metrics import referrals as rf
from dashboard.ui import urlbind

TABLE_KEY = "referrers_table"
REFERRER_KEY = "referrers_id"


@dataclass(frozen=True)
class Controls:
    """The page-local choices: what makes a referral valid, and the level of the ranking."""

    basis: str = rf.DEFAULT_BASIS
    level: str = rf.DEFAULT_LEVEL


def controls(lang: str, columns) -> Controls:
    """The basis and level controls, each bound to the URL so a copied link keeps the view."""
    # Translated labels: kept in the URL by code (see dashboard.ui.urlbind).
    basis = urlbind.choice(
        columns[0],
        "segmented_control",
        t("referrers.control.basis", lang),
        rf.BASES,
        rf.DEFAULT_BASIS,
        lambda b, g: t(f"referrers.basis.{b}", g),
        lang,
        key="referrers_basis",
        required=True,
    )
    level = urlbind.choice(
        columns[1],
        "segmented_control",
        t("referrers.control.level", lang),
        rf.LEVELS,
        rf.DEFAULT_LEVEL,
        lambda v, g: t(f"referrers.level.{v}", g),
        lang,
        key="referrers_level",
        required=True,
    )
    return Controls(basis=basis or rf.DEFAULT_BASIS, level=level or rf.DEFAULT_LEVEL)


def group_picker(options: dict[object, dict[str, str]], level: str, lang: str, column) -> object:
    """The region or city whose own top list is shown (nothing to pick for the whole selection)."""
    if level == "chain" or not options:
        return None
    # Region and city names are translated: kept in the URL by code (see dashboard.ui.urlbind).
    return urlbind.choice(
        column,
        "selectbox",
        t(f"referrers.control.{level}", lang),
        list(options),
        next(iter(options)),
        lambda key, g: options[key][g],
        lang,
        key=f"referrers_{level}",
        scoped=True,
    )


def referrer_picker(lang: str) -> str | None:
    """The referrer whose network is shown, by customer number as the source writes it
    (empty = the list's number one)."""
    placeholder = t("referrers.control.referrer_placeholder", lang)
    value = urlbind.plain(
        st,
        "text_input",
        t("referrers.control.referrer", lang),
        key=REFERRER_KEY,
        # Blank is no referrer: the page then shows the list's number one (the placeholder).
        noted=lambda v: (v or "").strip() or None,
        shown=lambda kept: str(kept) if kept else placeholder,
        value=None,
        max_chars=64,
        help=t("referrers.control.referrer_help", lang),
        placeholder=placeholder,
    )
    return (value or "").strip() or None


def _pick_row(ids: list[str]) -> None:
    """Table callback: the clicked row's referrer becomes the network's referrer."""
    rows = st.session_state[TABLE_KEY].selection.rows
    if rows and 0 <= rows[0] < len(ids):
        st.session_state[REFERRER_KEY] = ids[rows[0]]


def ranking_table(shown: pd.DataFrame, ids: list[str]) -> None:
    """The ranking as a full-width table; clicking a row selects that referrer's network."""
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        on_select=partial(_pick_row, ids),
        selection_mode="single-row",
        key=TABLE_KEY,
    )
