"""Shared widgets: KPI cards with direction-aware deltas, and tables."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard.formatting import fmt_change, fmt_compact, fmt_value
from dashboard.i18n import t
from dashboard.metrics.compare import Delta
from dashboard.metrics.registry import kpi


def kpi_cards(
    deltas: dict[str, Delta],
    kpi_ids: tuple[str, ...],
    lang: str,
    per_row: int = 5,
    labels: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> None:
    """One metric card per KPI: value, change with arrow, colour by the KPI's direction.

    ``labels`` replaces a KPI's card title (e.g. marked maturing), ``notes`` leads its help.
    """
    labels, notes = labels or {}, notes or {}
    for start in range(0, len(kpi_ids), per_row):
        cols = st.columns(per_row)
        for col, kpi_id in zip(cols, kpi_ids[start : start + per_row], strict=False):
            k = kpi(kpi_id)
            d = deltas[kpi_id]
            previous = fmt_value(d.previous, k.unit, lang)
            delta = None if d.change_pct is None else fmt_change(d.change_pct)
            note = f"{notes[kpi_id]}  \n" if kpi_id in notes else ""
            col.metric(
                labels.get(kpi_id, k.name(lang)),
                fmt_compact(d.current, k.unit, lang),
                delta=delta,
                delta_color="normal" if k.higher_is_better else "inverse",
                help=(
                    f"{note}{t(f'kpi_help.{kpi_id}', lang)}  \n"
                    f"{fmt_value(d.current, k.unit, lang)} · "
                    f"{t('compare.previous', lang)}: {previous}"
                ),
                border=True,
            )


def show_table(
    frame: pd.DataFrame, column_config: dict | None = None, height: int | None = None
) -> None:
    """A read-only table without the index, full width."""
    st.dataframe(
        frame,
        hide_index=True,
        column_config=column_config,
        width="stretch",
        height=height or "auto",
    )
