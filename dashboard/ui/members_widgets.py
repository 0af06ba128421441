"""The member lifecycle page's own widgets: its URL-bound thresholds and the months of flows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import streamlit as st

from dashboard.formatting import money_symbol
from dashboard.i18n import t
from dashboard.metrics import lifecycle as lc
from dashboard.ui import urlbind

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
        """The controls as keyword arguments of ``dashboard.reports.members.load.load``."""
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

    def bound(place, key: str, widget: str = "number_input", **kwargs: Any) -> Any:
        return urlbind.plain(place, widget, _label(_CONTROLS[key], lang), key=key, **kwargs)

    active = bound(
        c_active,
        "members_active",
        min_value=1,
        max_value=3649,
        value=lc.DEFAULT_ACTIVE_DAYS,
        step=15,
    )
    lapse = bound(
        c_lapse, "members_lapse", min_value=2, max_value=3650, value=lc.DEFAULT_LAPSE_DAYS, step=30
    )
    mid = bound(c_mid, "members_tier_mid", min_value=1, value=int(lc.DEFAULT_TIER_MID), step=1000)
    high = bound(
        c_high, "members_tier_high", min_value=2, value=int(lc.DEFAULT_TIER_HIGH), step=1000
    )
    months = bound(
        c_months,
        "members_months",
        "selectbox",
        options=list(lc.MONTH_CHOICES),
        index=lc.MONTH_CHOICES.index(lc.DEFAULT_MONTHS),
    )
    return Controls(
        active_days=int(active or lc.DEFAULT_ACTIVE_DAYS),
        lapse_days=int(lapse or lc.DEFAULT_LAPSE_DAYS),
        tier_mid=float(mid or lc.DEFAULT_TIER_MID),
        tier_high=float(high or lc.DEFAULT_TIER_HIGH),
        months=int(months or lc.DEFAULT_MONTHS),
    )
