"""The weekly review's own widgets: the URL-bound week and campaign pickers, cards, movers, star."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.formatting import fmt_date
from dashboard.i18n import t
from dashboard.literal import md, t_md
from dashboard.metrics.registry import kpi
from dashboard.reports.weekly.charts import north_star_chart
from dashboard.reports.weekly.model import WeeklyData
from dashboard.reports.weekly.tables import Card, headline_labels, star_line
from dashboard.ui import urlbind
from dashboard.ui.scorecard_widgets import dims_text

CARDS_PER_ROW = 5


def week_picker(weeks: tuple[str, ...], lang: str) -> str | None:
    """The ISO week picker (default: the last complete week), bound to the URL as ?week=2026-W46."""
    label = t("weekly.control.week", lang)
    return urlbind.plain(st, "selectbox", label, key="week", options=list(weeks))


def campaign_picker(campaigns: pd.DataFrame, default: str | None, lang: str) -> str | None:
    """The north-star campaign picker (default: the one in progress), bound to the URL."""
    if campaigns.empty:
        return None
    codes = list(campaigns["code"])
    labels = {
        g: dict(zip(codes, campaigns[f"label_{g}"].fillna(campaigns["kpi_id"]), strict=True))
        for g in ("zh", "en")
    }
    # Translated labels: kept in the URL by code (see dashboard.ui.urlbind).
    return urlbind.choice(
        st,
        "selectbox",
        t("weekly.control.campaign", lang),
        codes,
        default if default in codes else codes[0],
        lambda c, g: labels[g].get(c, c),
        lang,
        key="weekly_campaign",
    )


def week_line(report: WeeklyData, lang: str) -> None:
    """Which week, which last week and which four weeks the page compares."""
    w, last, avg = report.week, report.last_week, report.average_weeks
    st.caption(
        t(
            "weekly.week_line",
            lang,
            week=w.code,
            start=w.start,
            end=w.end,
            last_start=last.start,
            last_end=last.end,
            avg_start=avg.start,
            avg_end=avg.end,
        )
    )


def headline_cards(cards: list[Card], lang: str) -> None:
    """Big-number cards: value, change with arrow and words, last week, 4-week avg, target."""
    for start in range(0, len(cards), CARDS_PER_ROW):
        cols = st.columns(CARDS_PER_ROW)
        for col, card in zip(cols, cards[start : start + CARDS_PER_ROW], strict=False):
            with col.container(border=True):
                # The name above the metric wraps instead of being cut off in a narrow card.
                st.markdown(f"**{card.label}**", help=card.help)
                st.metric(
                    card.label,
                    card.value,
                    delta=card.delta,
                    delta_color="normal" if card.higher_is_better else "inverse",
                    label_visibility="collapsed",
                )
                st.caption(f"{card.last_week}  \n{card.average}  \n{card.target}")


def headline_table(frame: pd.DataFrame, lang: str) -> None:
    """The headline KPIs as one table (the same numbers as the cards, for reading across)."""
    labels = headline_labels(lang)
    config = {k: st.column_config.TextColumn(v) for k, v in labels.items()}
    st.dataframe(frame, hide_index=True, column_config=config, width="stretch")


def movers(tables: dict[tuple[str, str], pd.DataFrame], lang: str) -> None:
    """Per mover metric: the largest rises and falls side by side."""
    st.subheader(t("weekly.movers.title", lang))
    st.caption(t("weekly.movers.note", lang))
    config = {
        "where": st.column_config.TextColumn(t("weekly.mcol.where", lang)),
        "values": st.column_config.TextColumn(t("weekly.mcol.values", lang)),
        "change": st.column_config.TextColumn(t("weekly.mcol.change", lang)),
    }
    metrics = list(dict.fromkeys(m for m, _ in tables))
    for metric in metrics:
        left, right = st.columns(2)
        for col, direction in ((left, "up"), (right, "down")):
            frame = tables[(metric, direction)]
            col.markdown(f"**{kpi(metric).name(lang)} · {t(f'weekly.movers.{direction}', lang)}**")
            if frame.empty:
                col.caption(t("weekly.movers.none", lang))
            else:
                col.dataframe(frame, hide_index=True, column_config=config, width="stretch")


def north_star(report: WeeklyData, lang: str) -> None:
    """The campaign's progress: headline figures, pace status in words, and the pacing chart."""
    s = report.north_star
    if s is None:
        st.info(t("weekly.star.none", lang))
        return
    line = star_line(report, lang)
    st.markdown(f"**{md(line['campaign'])}** · {line['period']} · {line['elapsed']}")
    if s.elapsed == 0:
        st.info(t("weekly.star.not_started", lang))
        return
    if report.north_star_narrowing:
        st.warning(
            t("weekly.star.narrowing", lang, dims=dims_text(report.north_star_narrowing, lang))
        )
    st.markdown(
        f"### {t('weekly.star.headline', lang, kpi=line['kpi'], actual=line['actual'], target=line['target'], share=line['share'])}"
    )
    st.markdown(f"**{line['status']}** · {t_md('weekly.star.pace_line', lang, **line)}")
    labels = {k: t(f"weekly.star.{k}", lang) for k in ("actual", "pace", "target", "today", "axis")}
    status = s.judgement.status
    fig = north_star_chart(
        s.daily,
        s.target,
        min(s.as_of, s.end),
        labels,
        None if status is None else status == "green",
        money=kpi(s.kpi_id).unit == "money",
    )
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})
    st.caption(t("weekly.star.as_of", lang, as_of=fmt_date(min(s.as_of, s.end), lang)))


def target_note(report: WeeklyData, lang: str) -> None:
    """Whose weekly targets the cards use, or why there are none."""
    names = report.target_scope_names
    if names is None:
        st.caption(t("weekly.no_target_scope", lang))
    else:
        scope = names[0] if lang == "zh" else names[1]
        st.caption(t_md("weekly.target_scope", lang, scope=scope))
