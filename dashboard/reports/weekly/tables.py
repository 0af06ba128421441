"""The weekly review's display rows, tables and Excel sheets, built from the report (no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import fmt_change, fmt_compact, fmt_delta, fmt_value
from dashboard.i18n import t
from dashboard.metrics import weekly_summary
from dashboard.metrics.compare import Delta
from dashboard.metrics.registry import kpi, kpi_help, kpi_label
from dashboard.metrics.weekly import Headline
from dashboard.reports.targets_text import fmt_attainment, status_text, trend_text
from dashboard.reports.weekly.model import WeeklyData


@dataclass(frozen=True)
class Card:
    """One headline card: big value, change with arrow and words, and the context lines."""

    kpi_id: str
    label: str
    value: str
    delta: str | None
    higher_is_better: bool
    last_week: str
    average: str
    target: str
    help: str


def change_words(d: Delta, lang: str) -> str:
    """A change against the comparison as arrow, percentage and verdict (``trend_text``)."""
    return trend_text(d.change_pct, d.verdict, lang)


def _target_text(h: Headline, lang: str) -> str:
    unit = kpi(h.kpi_id).unit
    if h.judgement.target is None:
        return t("weekly.no_target", lang)
    status = status_text(h.judgement.status, h.judgement.reason, False, lang)
    return f"{fmt_value(h.judgement.target, unit, lang)} · {status}"


def cards(report: WeeklyData, lang: str) -> list[Card]:
    """The headline KPI cards in registry order."""
    out = []
    for h in report.headlines:
        k = kpi(h.kpi_id)
        delta = None
        if h.delta.change_pct is not None:
            # st.metric reads the sign for its arrow; the words say whether that is good news.
            delta = f"{fmt_change(h.delta.change_pct)} · {t(f'scorecard.verdict.{h.delta.verdict}', lang)}"
        out.append(
            Card(
                kpi_id=h.kpi_id,
                label=kpi_label(k.id, lang, report.arrival_basis),
                value=fmt_compact(h.this_week, k.unit, lang),
                delta=delta,
                higher_is_better=k.higher_is_better,
                last_week=t(
                    "weekly.card.last_week", lang, value=fmt_value(h.last_week, k.unit, lang)
                ),
                average=t(
                    "weekly.card.average",
                    lang,
                    value=fmt_value(h.average, k.unit, lang),
                    change=fmt_change(h.vs_average.change_pct),
                ),
                target=t("weekly.card.target", lang, value=_target_text(h, lang)),
                help=kpi_help(h.kpi_id, lang, report.arrival_basis),
            )
        )
    return out


def headline_table(report: WeeklyData, lang: str) -> pd.DataFrame:
    """Every headline KPI as display strings: this week, last week, change, 4-week average, target."""
    rows = []
    for h in report.headlines:
        unit = kpi(h.kpi_id).unit
        rows.append(
            {
                "kpi": kpi_label(h.kpi_id, lang, report.arrival_basis),
                "this_week": fmt_value(h.this_week, unit, lang),
                "last_week": fmt_value(h.last_week, unit, lang),
                "change": change_words(h.delta, lang),
                "average": fmt_value(h.average, unit, lang),
                "vs_average": change_words(h.vs_average, lang),
                "target": fmt_value(h.judgement.target, unit, lang),
                "status": status_text(h.judgement.status, h.judgement.reason, False, lang),
            }
        )
    return pd.DataFrame(rows)


def headline_labels(lang: str) -> dict[str, str]:
    """Column headers of the headline table."""
    keys = ("kpi", "this_week", "last_week", "change", "average", "vs_average", "target", "status")
    return {k: t(f"weekly.col.{k}", lang) for k in keys}


def movers_table(report: WeeklyData, metric: str, direction: str, lang: str) -> pd.DataFrame:
    """The top rises ('up') or falls ('down') of a metric, as display strings, largest first."""
    up, down = report.movers[metric]
    frame = up if direction == "up" else down
    unit = kpi(metric).unit
    city, channel = ("city_zh", "channel_zh") if lang == "zh" else ("city_en", "channel_en")
    arrow = "▲" if direction == "up" else "▼"
    return pd.DataFrame(
        {
            "where": [f"{a} · {b}" for a, b in zip(frame[city], frame[channel], strict=True)],
            "values": [
                f"{fmt_compact(a, unit, lang)} → {fmt_compact(b, unit, lang)}"
                for a, b in zip(frame[f"{metric}_last"], frame[f"{metric}_this"], strict=True)
            ],
            "change": [f"{arrow} {fmt_delta(float(v), unit, lang)}" for v in frame["change"]],
        }
    )


def summary(report: WeeklyData, lang: str) -> list[str]:
    """The generated summary's sentences (from the numbers on the page only)."""
    return weekly_summary.summary(
        report.week, report.headlines, report.movers, report.north_star, lang, report.arrival_basis
    )


def star_line(report: WeeklyData, lang: str) -> dict[str, str]:
    """The north star's figures as display strings."""
    s = report.north_star
    if s is None:
        return {}
    unit = kpi(s.kpi_id).unit
    j = s.judgement
    return {
        "campaign": s.label_zh if lang == "zh" else s.label_en,
        "kpi": kpi_label(s.kpi_id, lang, report.arrival_basis),
        "period": t("weekly.star.period", lang, start=s.start, end=s.end),
        "actual": fmt_value(s.actual, unit, lang),
        "target": fmt_value(s.target, unit, lang),
        "share": fmt_value(s.share_of_target, "rate", lang),
        "elapsed": t(
            "weekly.star.elapsed",
            lang,
            elapsed=s.elapsed,
            days=s.days,
            share=fmt_value(s.elapsed / s.days, "rate", lang),
        ),
        "to_date": fmt_value(j.target_to_date, unit, lang),
        "attainment": fmt_attainment(j.attainment),
        "projection": fmt_value(j.projection, unit, lang),
        "status": status_text(j.status, j.reason, j.pacing, lang),
    }


def sheets(report: WeeklyData, lang: str) -> list[Sheet]:
    """Headlines, movers and the north star's daily path, as the page shows them, for Excel."""
    heads = pd.DataFrame(
        [
            {
                "kpi": kpi_label(h.kpi_id, lang, report.arrival_basis),
                "unit": kpi(h.kpi_id).unit,  # the code formats the row's numbers
                "unit_name": t(f"kpi_unit.{kpi(h.kpi_id).unit}", lang),
                "this_week": h.this_week,
                "last_week": h.last_week,
                "change": h.delta.change,
                "change_pct": h.delta.change_pct,
                "average": h.average,
                "target": h.judgement.target,
                "attainment": h.judgement.attainment,
                "status": status_text(h.judgement.status, h.judgement.reason, False, lang),
            }
            for h in report.headlines
        ]
    )

    def col(key: str, unit: str) -> Column:
        return Column(key, t(f"weekly.col.{key}", lang), unit)

    out = [
        Sheet(
            name=t("weekly.sheet.headlines", lang),
            frame=heads,
            columns=(
                col("kpi", "text"),
                Column("unit_name", t("weekly.col.unit", lang), "text"),
                col("this_week", "number"),
                col("last_week", "number"),
                col("change", "number"),
                col("change_pct", "rate"),
                col("average", "number"),
                col("target", "number"),
                col("attainment", "rate"),
                col("status", "text"),
            ),
            title=t("weekly.sheet.headlines_title", lang, week=report.week.code),
            notes=tuple(summary(report, lang)),
        )
    ]
    out.append(_movers_sheet(report, lang))
    if report.north_star is not None:
        s = report.north_star
        unit = kpi(s.kpi_id).unit
        out.append(
            Sheet(
                name=t("weekly.sheet.north_star", lang),
                frame=s.daily,
                columns=(
                    col("date", "date"),
                    Column("value", t("weekly.col.daily", lang), unit),
                    Column("cumulative", t("weekly.col.cumulative", lang), unit),
                    Column("pace", t("weekly.col.pace", lang), unit),
                ),
                title=star_line(report, lang)["campaign"],
            )
        )
    return out


def _movers_sheet(report: WeeklyData, lang: str) -> Sheet:
    rows = []
    city, channel = ("city_zh", "channel_zh") if lang == "zh" else ("city_en", "channel_en")
    for metric, (up, down) in report.movers.items():
        for direction, frame in (("up", up), ("down", down)):
            for rank, r in enumerate(frame.to_dict("records"), start=1):
                rows.append(
                    {
                        "metric": kpi_label(metric, lang, report.arrival_basis),
                        "direction": t(f"weekly.movers.{direction}", lang),
                        "rank": rank,
                        "city": r[city],
                        "channel": r[channel],
                        "last": r[f"{metric}_last"],
                        "this": r[f"{metric}_this"],
                        "change": r["change"],
                    }
                )
    frame = pd.DataFrame(
        rows, columns=["metric", "direction", "rank", "city", "channel", "last", "this", "change"]
    )
    cols = ("metric", "direction", "rank", "city", "channel", "last", "this", "change")
    units = ("text", "text", "count", "text", "text", "number", "number", "number")
    return Sheet(
        name=t("weekly.sheet.movers", lang),
        frame=frame,
        columns=tuple(
            Column(c, t(f"weekly.mcol.{c}", lang), u) for c, u in zip(cols, units, strict=True)
        ),
        title=t("weekly.movers.title", lang),
    )
