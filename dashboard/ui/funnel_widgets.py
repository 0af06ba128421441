"""The funnel page's own widgets: its URL-bound controls and the clickable breakdown chart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from dashboard.i18n import t
from dashboard.metrics import funnel as fm
from dashboard.ui import urlbind

BREAKDOWN_CHART_KEY = "funnel_breakdown_chart"


@dataclass(frozen=True)
class FunnelControls:
    """The page-local choices: conversion window, breakdown dimension, top N, comparison."""

    window: int | str = fm.DEFAULT_WINDOW
    dimension: str = fm.DEFAULT_DIMENSION
    top_n: int = fm.DEFAULT_TOP_N
    comparison: str = fm.DEFAULT_COMPARISON

    def as_kwargs(self) -> dict[str, object]:
        """The controls as keyword arguments of ``dashboard.reports.funnel.load.load``."""
        return asdict(self)


def _window_label(window: int | str, lang: str) -> str:
    """A window option's label: the day count, or "no limit" in ``lang``."""
    return t("funnel.control.window_none", lang) if window == fm.NO_LIMIT else str(window)


def controls(lang: str, default_window: int | str = fm.DEFAULT_WINDOW) -> FunnelControls:
    """Draw the controls in one row, each bound to the URL so a copied link keeps the view.

    ``default_window``: the window the view opens on (``dashboard.reports.funnel.load.default_window``:
    it depends on the period); left at its default, the control follows it.
    """
    urlbind.follow_default("funnel_window", default_window)
    # Eight window options need the room (at 1440 px the first was cut at 4 : 2 : 2 : 1.4).
    c_window, c_compare, c_dim, c_top = st.columns([5.5, 2, 2, 1.4])
    # Kept in the URL by code (days, or "none"): "no limit" has a translated label, and old
    # links with a plain day count (?funnel_window=7) still name the same option.
    window = urlbind.choice(
        c_window,
        "segmented_control",
        t("funnel.control.window", lang),
        fm.WINDOWS,
        default_window,
        _window_label,
        lang,
        key="funnel_window",
        required=True,
    )
    # Translated labels: kept in the URL by code (see dashboard.ui.urlbind).
    comparison = urlbind.choice(
        c_compare,
        "selectbox",
        t("funnel.control.comparison", lang),
        fm.COMPARISONS,
        fm.DEFAULT_COMPARISON,
        lambda c, g: t(f"funnel.compare_option.{c}", g),
        lang,
        key="funnel_compare",
    )
    dimension = urlbind.choice(
        c_dim,
        "selectbox",
        t("funnel.control.dimension", lang),
        fm.DIMENSIONS,
        fm.DEFAULT_DIMENSION,
        lambda d, g: t(f"funnel.col.{d}", g),
        lang,
        key="funnel_dim",
    )
    top_n = urlbind.plain(
        c_top,
        "selectbox",
        t("funnel.control.top_n", lang),
        key="funnel_top",
        options=list(fm.TOP_N),
        index=fm.TOP_N.index(fm.DEFAULT_TOP_N),
    )
    return FunnelControls(
        window=window or default_window,
        dimension=dimension or fm.DEFAULT_DIMENSION,
        top_n=top_n or fm.DEFAULT_TOP_N,
        comparison=comparison or fm.DEFAULT_COMPARISON,
    )


def selected_member(state: Mapping | None, dimension: str) -> int | str | None:
    """The member a click on the breakdown chart picked (its customdata), or None.

    "Other" merges several members, so a click on it narrows nothing.
    """
    if not state:
        return None
    points = (state.get("selection") or {}).get("points") or []
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple):
            custom = custom[0] if custom else None
        if custom is None or str(custom) == fm.OTHER:
            continue
        if dimension == "specialty":
            return str(custom)
        try:
            return int(custom)
        except (TypeError, ValueError):
            continue
    return None


def _narrow(dimension: str) -> None:
    """on_select callback: set the global filter of ``dimension`` to the clicked member.

    It runs before the next script run, while the sidebar's widgets are not yet drawn, so
    their state may still be set here (it cannot be after they are instantiated).
    """
    picked = selected_member(st.session_state.get(BREAKDOWN_CHART_KEY), dimension)
    if picked is not None:
        st.session_state[dimension] = [picked]


def breakdown_chart(fig: go.Figure, dimension: str) -> None:
    """The breakdown chart; clicking a bar narrows the whole page to that member."""
    st.plotly_chart(
        fig,
        key=BREAKDOWN_CHART_KEY,
        on_select=partial(_narrow, dimension),
        selection_mode="points",
        width="stretch",
    )
