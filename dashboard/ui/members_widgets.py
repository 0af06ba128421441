"""The member lifecycle page's own widgets: its URL-bound thresholds and the months of flows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import streamlit as st

from dashboard.formatting import money_symbol
from dashboard.i18n import t
from dashboard.metrics import lifecycle as lc
from dashboard.ui import linknotice

# Each control's URL parameter (and session-state key) and its label under members.control.
_CONTROLS = {
    "members_active": "active_days",
    "members_lapse": "lapse_days",
    "members_tier_mid": "tier_mid",
    "members_tier_high": "tier_high",
    "members_months": "months",
}


@dataclass(frozen=True)
class Controls:
    """The page-local choices: lifecycle thresholds, value-tier thresholds, months of flows."""

    active_days: int = lc.DEFAULT_ACTIVE_DAYS
    lapse_days: int = lc.DEFAULT_LAPSE_DAYS
    tier_mid: float = lc.DEFAULT_TIER_MID
    tier_high: float = lc.DEFAULT_TIER_HIGH
    months: int = lc.DEFAULT_MONTHS

    def as_kwargs(self) -> dict[str, object]:
        """The controls as keyword arguments of ``dashboard.reports.members.load``."""
        return asdict(self)


def _label(control: str, lang: str) -> str:
    """A control's label; the money thresholds name the configured currency."""
    label = t(f"members.control.{control}", lang)
    if control in ("tier_mid", "tier_high"):
        return t("members.control.in_currency", lang, label=label, currency=money_symbol().strip())
    return label


def controls(lang: str) -> Controls:
    """Thresholds in one row (each bound to the URL so a copied link keeps the view)."""
    c_active, c_lapse, c_mid, c_high, c_months = st.columns(5)
    links = {key: linknotice.link_values(key) for key in _CONTROLS}
    active = c_active.number_input(
        t("members.control.active_days", lang),
        min_value=1,
        max_value=3649,
        value=lc.DEFAULT_ACTIVE_DAYS,
        step=15,
        key="members_active",
        bind="query-params",
    )
    lapse = c_lapse.number_input(
        t("members.control.lapse_days", lang),
        min_value=2,
        max_value=3650,
        value=lc.DEFAULT_LAPSE_DAYS,
        step=30,
        key="members_lapse",
        bind="query-params",
    )
    mid = c_mid.number_input(
        _label("tier_mid", lang),
        min_value=1,
        value=int(lc.DEFAULT_TIER_MID),
        step=1000,
        key="members_tier_mid",
        bind="query-params",
    )
    high = c_high.number_input(
        _label("tier_high", lang),
        min_value=2,
        value=int(lc.DEFAULT_TIER_HIGH),
        step=1000,
        key="members_tier_high",
        bind="query-params",
    )
    months = c_months.selectbox(
        t("members.control.months", lang),
        options=list(lc.MONTH_CHOICES),
        index=lc.MONTH_CHOICES.index(lc.DEFAULT_MONTHS),
        key="members_months",
        bind="query-params",
    )
    values = (active, lapse, mid, high, months)
    for (key, label), value in zip(_CONTROLS.items(), values, strict=True):
        linknotice.bound(key, links[key], value, label=_label(label, lang))
    return Controls(
        active_days=int(active or lc.DEFAULT_ACTIVE_DAYS),
        lapse_days=int(lapse or lc.DEFAULT_LAPSE_DAYS),
        tier_mid=float(mid or lc.DEFAULT_TIER_MID),
        tier_high=float(high or lc.DEFAULT_TIER_HIGH),
        months=int(months or lc.DEFAULT_MONTHS),
    )
