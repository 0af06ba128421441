"""The red-black board's own widgets: URL-bound controls, the list sections and the detail card."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.literal import md, t_md
from dashboard.metrics.abtest_board import MIN_CONVERSIONS, MIN_UNITS
from dashboard.settings import LANGUAGES
from dashboard.ui import urlbind
from dashboard.ui.widgets import show_table

LIFT_CHOICES = (5, 10, 15, 20, 30)  # percent
DEFAULT_LIFT = 10
LIST_KEYS = ("red", "black", "attention", "inconclusive", "too_early")


def target_lift_picker(lang: str) -> float:
    """The relative lift the power figures aim at (default 10%), kept in the URL."""
    # Plain numbers keep links the same in both languages.
    picked = urlbind.plain(
        st,
        "segmented_control",
        t("abtest.target_lift", lang) + " (%)",
        key="experiments_lift",
        options=list(LIFT_CHOICES),
        default=DEFAULT_LIFT,
        required=True,
    )
    return (picked or DEFAULT_LIFT) / 100


def summary(counts: dict[str, int], lang: str) -> None:
    """How many experiments and comparisons, then one small card per list."""
    st.markdown(
        t("abtest.count.summary", lang, experiments=counts["experiments"],
          comparisons=counts["comparisons"], further=counts.get("further", 0))
    )  # fmt: skip
    for col, key in zip(st.columns(len(LIST_KEYS)), LIST_KEYS, strict=True):
        col.metric(t(f"abtest.count.{key}", lang), f"{counts.get(key, 0):,}", border=True)


def board_list(verdict: str, table: pd.DataFrame, lang: str, lift: float) -> None:
    """One list of the board: title, what qualifies, then the table (or "none")."""
    st.subheader(t(f"abtest.list.{verdict}", lang))
    st.caption(
        t(
            f"abtest.help.{verdict}",
            lang,
            lift=f"{lift:.0%}",
            units=MIN_UNITS,
            conversions=MIN_CONVERSIONS,
        )
    )
    if table.empty:
        st.caption(t("abtest.none", lang))
    else:
        show_table(table)


def experiment_picker(names: Callable[[str], dict[int, str]], lang: str) -> int:
    """The experiment shown in detail (most recent first by default), kept in the URL by id.

    ``names(lang)`` maps each experiment id to its display name in that language; links that
    carry a name in either language still pick the experiment.
    """
    by_lang = {g: names(g) for g in LANGUAGES}
    ids = list(by_lang[lang])
    picked = urlbind.choice(
        st,
        "selectbox",
        t("abtest.pick", lang),
        ids,
        ids[0],
        lambda i, g: by_lang[g].get(i, str(i)),
        lang,
        key="experiments_pick",
    )
    return picked if picked in by_lang[lang] else ids[0]


def detail_card(meta: dict[str, str], lang: str) -> None:
    """The hypothesis, owner, dates, metric and checks of one experiment."""
    st.markdown(f"#### {md(meta['name'])}")
    # Not a code span: inside one a backslash cannot escape, and the code is data.
    st.caption(md(meta["code"]))
    st.markdown(_field("hypothesis", meta, lang))
    left, right = st.columns(2)
    for col, keys in ((left, ("owner", "dates", "units")), (right, ("metric", "surface", "srm"))):
        col.markdown("  \n".join(_field(k, meta, lang) for k in keys))
    st.markdown(_field("guardrail", meta, lang))


def _field(key: str, meta: dict[str, str], lang: str) -> str:
    return t_md("abtest.field", lang, label=t(f"abtest.meta.{key}", lang), value=meta[key])
