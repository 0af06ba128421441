"""The channels page's own widgets: URL-bound controls, headline cards, styled tables,
the clickable CAC-against-ROI chart and the private-traffic planner."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.formatting import fmt_compact, fmt_delta, fmt_value
from dashboard.i18n import has, t
from dashboard.metrics import channels as cm
from dashboard.metrics import planner as pl
from dashboard.metrics.payback import LTV_MONTHS
from dashboard.reports.channels.model import BudgetData, ChannelsData, PrivateTraffic
from dashboard.reports.channels.tables import (
    IN_HORIZON,
    column_label,
    label,
    maturity_note,
    total_keys,
    unit,
)
from dashboard.ui import urlbind

BUBBLE_CHART_KEY = "channels_bubble_chart"
_PLANNER_KEYS = ("followers", "arrival", "repeat", "referral", "ticket", "target")


@dataclass(frozen=True)
class ChannelControls:
    """The page-local choices: revenue horizon, grouping and ranking metric."""

    horizon: int = cm.DEFAULT_HORIZON
    grouping: str = cm.DEFAULT_GROUPING
    rank_by: str = cm.DEFAULT_RANK


def controls(lang: str, defaults: ChannelControls | None = None) -> ChannelControls:
    """Draw the controls in one row, each kept in the URL so a copied link keeps the view.

    ``defaults``: the view the page opens on (``dashboard.reports.channels.load.default_view``: the
    horizon depends on the period); a control the viewer has left at its default follows it.
    Bound by hand rather than with ``bind=``: a bound widget with a format_func writes its
    translated label to the URL, so a link would change meaning with the language.
    """
    defaults = defaults or ChannelControls()
    for key, default in (
        ("channels_horizon", defaults.horizon),
        ("channels_group", defaults.grouping),
        ("channels_rank", defaults.rank_by),
    ):
        urlbind.follow_default(key, default)
    c_horizon, c_group, c_rank = st.columns([3, 2, 2])
    # By code only (labels such as "90天" are not accepted); odd values go to the link notice.
    horizon = urlbind.choice(
        c_horizon,
        "segmented_control",
        t("channels.control.horizon", lang),
        cm.HORIZONS,
        defaults.horizon,
        lambda d, g: t("channels.control.horizon_option", g, days=d),
        lang,
        key="channels_horizon",
        by_label=False,
        required=True,
    )
    horizon = horizon or defaults.horizon
    grouping = urlbind.choice(
        c_group,
        "selectbox",
        t("channels.control.grouping", lang),
        cm.GROUPINGS,
        defaults.grouping,
        lambda code, g: t(f"channels.grouping.{code}", g),
        lang,
        key="channels_group",
        by_label=False,
    )
    rank_by = urlbind.choice(
        c_rank,
        "selectbox",
        t("channels.control.rank_by", lang),
        cm.RANKABLE,
        defaults.rank_by,
        lambda code, g: label(code, g, horizon),
        lang,
        key="channels_rank",
        by_label=False,
    )
    chosen = ChannelControls(
        horizon=horizon,
        grouping=grouping or defaults.grouping,
        rank_by=rank_by or defaults.rank_by,
    )
    return chosen


def _card(col, title: str, value: str, help_text: str | None = None) -> None:
    col.metric(title, value, help=help_text, border=True)


def totals(report: ChannelsData, lang: str, per_row: int = 5) -> None:
    """The headline figures over every shown channel, as cards (full value in the help); the
    horizon's figures follow the period ROI, marked maturing, while the horizon is not complete."""
    keys = [k for k in total_keys(report) if k != "mature_share"]
    maturing = None if report.horizon_complete else maturity_note(report, lang)
    for start in range(0, len(keys), per_row):
        cols = st.columns(per_row)
        for col, key in zip(cols, keys[start : start + per_row], strict=False):
            value = report.totals.get(key)
            unit_ = "count" if key == "payback_months" else unit(key)
            text = fmt_compact(value, unit_, lang)
            if key == "payback_months" and "no_payback" in report.totals.get("reasons", ()):
                text = t("channels.payback_beyond", lang, months=LTV_MONTHS)
            help_key = f"kpi_help.{key}"
            help_text = t(help_key, lang) if has(help_key) else ""
            if maturing and key in IN_HORIZON:
                help_text = f"{maturing}  \n{help_text}"
            _card(
                col,
                column_label(report, key, lang),
                text,
                f"{help_text}  \n{fmt_value(value, unit_, lang)}".strip(),
            )


def table(styler: Styler, rows: int | None = None) -> None:
    """A styled read-only table without the index, full width; tall enough for ``rows`` rows."""
    # Streamlit's default shows about ten rows; a ranking of 14 channels should show them all.
    if rows:
        st.dataframe(styler, hide_index=True, width="stretch", height=38 + 35 * rows)
    else:
        st.dataframe(styler, hide_index=True, width="stretch")


def selected_key(state: Mapping | None) -> str | None:
    """The row key a click on the bubble chart picked (first customdata item), or None."""
    if not state:
        return None
    for point in (state.get("selection") or {}).get("points") or []:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and custom:
            return str(custom[0])
    return None


def _narrow(members: Mapping[str, tuple[int, ...]]) -> None:
    """on_select callback: narrow the global channel filter to the clicked channel or group.

    It runs before the next script run, while the sidebar's widgets are not yet drawn, so
    their state may still be set here.
    """
    key = selected_key(st.session_state.get(BUBBLE_CHART_KEY))
    if key is not None and key in members:
        st.session_state["channel"] = list(members[key])


def bubble_chart(fig: go.Figure, members: Mapping[str, tuple[int, ...]]) -> None:
    """The CAC-against-ROI chart; clicking a bubble narrows the page to its channel(s)."""
    st.plotly_chart(
        fig,
        key=BUBBLE_CHART_KEY,
        on_select=partial(_narrow, dict(members)),
        selection_mode="points",
        width="stretch",
    )


def budget_cards(b: BudgetData, lang: str) -> None:
    """Plan, actual (with its variance) and the reserve's use, as cards; full values in the help."""
    r = b.reserve
    variance = b.actual_total - b.plan_total
    c_plan, c_actual, c_used, c_share = st.columns(4)
    _card(
        c_plan,
        t("channels.budget.card.plan", lang),
        fmt_compact(b.plan_total, "money", lang),
        fmt_value(b.plan_total, "money", lang),
    )
    c_actual.metric(
        t("channels.budget.card.actual", lang),
        fmt_compact(b.actual_total, "money", lang),
        delta=fmt_delta(variance, "money", lang) if b.has_plan else None,
        delta_color="inverse",  # spending above plan is bad news
        help=t(
            "channels.budget.card.variance_help",
            lang,
            actual=fmt_value(b.actual_total, "money", lang),
            variance=fmt_delta(variance, "money", lang),
        ),
        border=True,
    )
    used_help = t(
        "channels.budget.card.used_help",
        lang,
        used=fmt_value(r.used, "money", lang),
        plan=fmt_value(r.plan, "money", lang),
    )
    _card(
        c_used, t("channels.budget.card.used", lang), fmt_compact(r.used, "money", lang), used_help
    )
    _card(
        c_share,
        t("channels.budget.card.used_share", lang),
        fmt_value(r.used_share, "rate", lang),
        used_help,
    )


def _prefill(private: PrivateTraffic) -> tuple[pl.PlannerInputs, bool]:
    """The filtered data's rates, or the playbook's example when the data has none."""
    i = private.inputs
    known = all(
        v is not None for v in (i.arrival_rate, i.repeat_rate, i.referral_rate, i.ticket)
    ) and bool(i.followers)
    return (i, True) if known else (pl.PLAYBOOK_EXAMPLE, False)


def _reset_planner(inputs: pl.PlannerInputs) -> None:
    """Put the prefill into the planner's inputs when the filters (and so the prefill) change."""
    forward = pl.revenue(inputs).value or 0.0
    values = {
        "followers": int(round(inputs.followers or 0)),
        "arrival": round(100 * (inputs.arrival_rate or 0), 1),
        "repeat": round(100 * (inputs.repeat_rate or 0), 1),
        "referral": round(100 * (inputs.referral_rate or 0), 1),
        "ticket": round(float(inputs.ticket or 0), 0),
        "target": float(math.ceil(forward / 1000) * 1000),
    }
    signature = tuple(values.values())
    if st.session_state.get("channels_pl_signature") != signature:
        for key, value in values.items():
            st.session_state[f"channels_pl_{key}"] = value
        st.session_state["channels_pl_signature"] = signature


def planner(private: PrivateTraffic, lang: str) -> None:
    """The private-traffic formula both ways, prefilled with the filtered data's rates."""
    prefill, from_data = _prefill(private)
    _reset_planner(prefill)
    if not from_data:
        st.info(t("channels.planner.no_data", lang))
    c = st.columns(5)
    followers = c[0].number_input(
        t("channels.planner.followers", lang), min_value=0, step=100, key="channels_pl_followers"
    )
    rates = [
        col.number_input(
            t(f"channels.planner.{name}", lang),
            min_value=0.0,
            max_value=1000.0,
            step=1.0,
            format="%.1f",
            key=f"channels_pl_{name}",
        )
        for col, name in zip(c[1:4], ("arrival", "repeat", "referral"), strict=True)
    ]
    ticket = c[4].number_input(
        t("channels.planner.ticket", lang), min_value=0.0, step=10.0, key="channels_pl_ticket"
    )
    inputs = pl.PlannerInputs(
        followers=followers,
        arrival_rate=rates[0] / 100,
        repeat_rate=rates[1] / 100,
        referral_rate=rates[2] / 100,
        ticket=ticket,
    )
    forward = pl.revenue(inputs)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('channels.planner.forward', lang)}**")
        st.metric(t("channels.planner.revenue", lang), _result(forward, "money", lang), border=True)
        if forward.value is not None:
            st.caption(_formula_text(inputs, forward, lang))
    with right:
        st.markdown(f"**{t('channels.planner.backward', lang)}**")
        target = st.number_input(
            t("channels.planner.target", lang), min_value=0.0, step=1000.0, key="channels_pl_target"
        )
        needed = pl.followers_needed(target, inputs)
        whole = pl.whole_followers(needed.value)
        st.metric(
            t("channels.planner.needed", lang),
            fmt_value(whole, "count", lang),
            delta=None if whole is None else f"{whole - followers:+,}",
            delta_color="inverse",
            border=True,
        )
        if needed.reason:
            st.caption(t(f"channels.planner.reason.{needed.reason}", lang))
        else:
            st.caption(
                t(
                    "channels.planner.backward_text",
                    lang,
                    target=fmt_value(target, "money", lang),
                    customers=fmt_value(needed.customers, "count", lang),
                    followers=fmt_value(whole, "count", lang),
                )
            )


def _result(result: pl.PlannerResult, unit: str, lang: str) -> str:
    return fmt_value(result.value, unit, lang)


def _formula_text(inputs: pl.PlannerInputs, result: pl.PlannerResult, lang: str) -> str:
    return t(
        "channels.planner.formula_line",
        lang,
        followers=fmt_value(inputs.followers, "count", lang),
        arrival=fmt_value(inputs.arrival_rate, "rate", lang),
        customers=fmt_value(result.customers, "count", lang),
        repeat=fmt_value(inputs.repeat_rate, "rate", lang),
        referral=fmt_value(inputs.referral_rate, "rate", lang),
        ticket=fmt_value(inputs.ticket, "money", lang),
        revenue=fmt_value(result.value, "money", lang),
    )
