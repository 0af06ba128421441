"""The channels page's tables and their labels: the Excel contract (one Sheet per table shown,
plus the table beneath each chart); channels_display styles the same tables for the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dashboard import labels
from dashboard.export.sheet import Column, Sheet
from dashboard.i18n import has, t
from dashboard.metrics import channels as cm
from dashboard.metrics import maturity as mt
from dashboard.metrics.registry import KPIS, kpi
from dashboard.reports import budget

if TYPE_CHECKING:
    from dashboard.reports.channels import ChannelsData

RANKING = (
    "spend",
    "new_customers",
    "cac",
    "roas_horizon",
    "roi_horizon",
    "marketing_roi",
    "ltv_12m",
    "ltv_cac",
    "payback_months",
)
DETAIL = (
    "impressions",
    "clicks",
    "leads",
    "cost_per_lead",
    "new_leads",
    "lead_customer_rate",
    "new_customer_revenue",
    "revenue_horizon",
    "mature_share",
    "cohort_customers",
)
_UNITS = {
    "spend": "money",
    "new_customers": "count",
    "impressions": "count",
    "clicks": "count",
    "leads": "count",
    "new_leads": "count",
    "new_customer_revenue": "money",
    "revenue_horizon": "money",
    "mature_share": "rate",
    "cohort_customers": "count",
}


def unit(column: str) -> str:
    """The display unit of a column (from the KPI registry where it is a KPI)."""
    return _UNITS.get(column) or kpi(column).unit


IN_HORIZON = ("roas_horizon", "roi_horizon", "revenue_horizon")
_IN_PERIOD = ("marketing_roi", "new_customer_revenue")


def label(column: str, lang: str, horizon: int = cm.DEFAULT_HORIZON, maturing: bool = False) -> str:
    """A column header: the KPI's name (or the page's label), with the horizon or period noted;
    ``maturing``: the horizon's figures are not complete yet, and the header says so."""
    key = f"channels.col.{column}"
    name = t(key, lang) if has(key) or column not in KPIS else kpi(column).name(lang)
    if column in IN_HORIZON:
        within = "channels.within_horizon_maturing" if maturing else "channels.within_horizon"
        return t(within, lang, name=name, horizon=horizon)
    if column in _IN_PERIOD:
        return t("channels.in_period", lang, name=name)
    return name


def column_label(report: ChannelsData, column: str, lang: str) -> str:
    """A column header of the report: horizon figures marked maturing when not complete."""
    return label(column, lang, report.horizon, maturing=not report.horizon_complete)


def row_names(rows: pd.DataFrame, grouping: str, lang: str) -> list[str]:
    """Each row's name: the channel in ``lang``, or the kind or tier label."""
    if grouping == "channel":
        return rows[f"name_{lang}"].tolist()
    if grouping == "kind":
        return labels.labels_in(rows, "kind", lang)
    return [t(f"channel_tier.{v}", lang) for v in rows[grouping]]


def sample_text(row: dict, lang: str) -> str:
    """The low-sample flag of a row ("" when the sample is large enough)."""
    if not row.get("low_sample"):
        return ""
    return t(
        "channels.low_sample_flag", lang, n=int(row.get("new_customers") or 0), min=cm.LOW_SAMPLE
    )


def notes_text(reasons: tuple[str, ...], lang: str) -> str:
    """Why figures of a row show "—", in words."""
    return "; ".join(t(f"channels.reason.{code}", lang) for code in reasons)


def labelled(report: ChannelsData, lang: str) -> pd.DataFrame:
    """The ranked rows with their names, kind and tier labels, sample flag and notes."""
    rows = report.rows
    records = rows.to_dict("records")
    out = rows.assign(
        name=row_names(rows, report.grouping, lang),
        sample=[sample_text(r, lang) for r in records],
        notes=[notes_text(tuple(r["reasons"]), lang) for r in records],
    )
    if report.grouping == "channel":
        out = out.assign(
            kind_name=labels.labels_in(rows, "kind", lang),
            tier_name=[t(f"channel_tier.{k}", lang) for k in rows["tier"]],
        )
    return out


def _name_columns(report: ChannelsData, lang: str) -> list[Column]:
    cols = [Column("name", t(f"channels.grouping.{report.grouping}", lang), "text")]
    if report.grouping == "channel":
        cols += [
            Column("kind_name", t("channels.col.kind", lang), "text"),
            Column("tier_name", t("channels.col.tier", lang), "text"),
        ]
    return cols


def _sheet_unit(column: str) -> str:
    return "count" if column == "payback_months" else unit(column)


def ranking_columns(report: ChannelsData, lang: str) -> tuple[Column, ...]:
    """Columns of the ranking table (the CAC range columns only in the workbook)."""
    return (
        Column("rank", t("channels.col.rank", lang), "count"),
        *_name_columns(report, lang),
        Column("sample", t("channels.col.sample", lang), "text"),
        *(Column(c, column_label(report, c, lang), _sheet_unit(c)) for c in RANKING),
        Column("cac_low", t("channels.col.cac_low", lang), "money"),
        Column("cac_high", t("channels.col.cac_high", lang), "money"),
    )


def detail_columns(report: ChannelsData, lang: str) -> tuple[Column, ...]:
    """Columns of the traffic-and-leads table."""
    return (
        *_name_columns(report, lang)[:1],
        *(Column(c, column_label(report, c, lang), _sheet_unit(c)) for c in DETAIL),
        Column("conversion_low", t("channels.col.conversion_low", lang), "rate"),
        Column("conversion_high", t("channels.col.conversion_high", lang), "rate"),
        Column("notes", t("channels.col.notes", lang), "text"),
    )


def bubble_table(report: ChannelsData, lang: str) -> pd.DataFrame:
    """The table beneath the CAC-against-ROI chart: one row per channel or group."""
    rows = labelled(report, lang)
    return rows.assign(plotted=rows["cac"].notna() & rows["roi_horizon"].notna())


def bubble_columns(report: ChannelsData, lang: str) -> tuple[Column, ...]:
    """Columns of the bubble chart's table."""
    return (
        _name_columns(report, lang)[0],
        Column("cac", column_label(report, "cac", lang), "money"),
        Column("cac_low", t("channels.col.cac_low", lang), "money"),
        Column("cac_high", t("channels.col.cac_high", lang), "money"),
        Column("roi_horizon", column_label(report, "roi_horizon", lang), "ratio"),
        Column("spend", column_label(report, "spend", lang), "money"),
        Column("sample", t("channels.col.sample", lang), "text"),
    )


def weekly_table(report: ChannelsData, lang: str) -> pd.DataFrame:
    """The table beneath the weekly chart: week × row, spend and revenue, with names."""
    names = dict(
        zip(report.rows["key"], row_names(report.rows, report.grouping, lang), strict=True)
    )
    weekly = report.weekly[report.weekly["key"].isin(names)]
    return weekly.assign(name=weekly["key"].map(names)).reset_index(drop=True)


def weekly_columns(report: ChannelsData, lang: str) -> tuple[Column, ...]:
    """Columns of the weekly table."""
    return (
        Column("week_start", t("compare.week", lang), "date"),
        _name_columns(report, lang)[0],
        Column("spend", column_label(report, "spend", lang), "money"),
        Column("revenue", t("channels.col.weekly_revenue", lang), "money"),
    )


TOTALS = (
    "spend",
    "new_customers",
    "cac",
    "roas_horizon",
    "roi_horizon",
    "marketing_roi",
    "ltv_12m",
    "ltv_cac",
    "payback_months",
    "mature_share",
)


def total_keys(report: ChannelsData) -> tuple[str, ...]:
    """The totals in headline order: while the horizon is maturing, the period ROI (complete)
    comes before the horizon's ROAS and ROI, which follow it marked as maturing."""
    if report.horizon_complete:
        return TOTALS
    rest = tuple(k for k in TOTALS if k != "marketing_roi")
    at = rest.index("roas_horizon")
    return (*rest[:at], "marketing_roi", *rest[at:])


def totals_table(report: ChannelsData) -> pd.DataFrame:
    """The headline figures over every shown channel, one row."""
    return pd.DataFrame([{c: report.totals.get(c) for c in total_keys(report)}])


def totals_columns(report: ChannelsData, lang: str) -> tuple[Column, ...]:
    """Columns of the totals table."""
    return tuple(
        Column(c, column_label(report, c, lang), _sheet_unit(c)) for c in total_keys(report)
    )


PLANNER = (
    "followers",
    "arrived",
    "arrival_rate",
    "cohort_customers",
    "repeaters",
    "repeat_rate",
    "referred",
    "referral_rate",
    "cohort_orders",
    "cohort_revenue",
    "ticket",
    "revenue",
)
_PLANNER_UNITS = {
    "arrival_rate": "rate",
    "repeat_rate": "rate",
    "referral_rate": "rate",
    "cohort_revenue": "money",
    "ticket": "money",
    "revenue": "money",
}


def planner_table(report: ChannelsData) -> pd.DataFrame:
    """The planner's actual rates and the counts behind them, one row."""
    p = report.private
    return pd.DataFrame(
        [
            {
                "followers": p.followers,
                "arrived": p.arrived,
                "arrival_rate": p.inputs.arrival_rate,
                "cohort_customers": p.cohort_customers,
                "repeaters": p.repeaters,
                "repeat_rate": p.inputs.repeat_rate,
                "referred": p.referred,
                "referral_rate": p.inputs.referral_rate,
                "cohort_orders": p.cohort_orders,
                "cohort_revenue": p.cohort_revenue,
                "ticket": p.inputs.ticket,
                "revenue": p.result.value,
            }
        ]
    )


def planner_columns(report: ChannelsData, lang: str) -> tuple[Column, ...]:
    """Columns of the planner's actuals table."""
    return tuple(
        Column(
            c,
            t(f"channels.planner.col.{c}", lang, horizon=report.horizon),
            _PLANNER_UNITS.get(c, "count"),
        )
        for c in PLANNER
    )


def definitions(report: ChannelsData, lang: str) -> tuple[str, ...]:
    """The definitions shown on the page and above the workbook's channel tables."""
    return (
        t("channels.rule.new_customers", lang),
        t("channels.rule.revenue", lang, horizon=report.horizon),
        t("channels.rule.referral", lang),
        t("channels.rule.ltv", lang, start=report.ltv_from, end=report.ltv_to),
        t("channels.rule.low_sample", lang, min=cm.LOW_SAMPLE),
        t("channels.rule.default_view", lang, share=f"{mt.COMPLETE_SHARE:.0%}"),
    )


def sheets(report: ChannelsData, lang: str) -> list[Sheet]:
    """Every table the page shows plus the table beneath each chart, with units."""
    notes = definitions(report, lang)
    ranked = labelled(report, lang)
    return [
        Sheet(
            t("channels.sheet.totals", lang),
            totals_table(report),
            totals_columns(report, lang),
            t("channels.totals", lang),
            notes,
        ),
        Sheet(
            t("channels.sheet.ranking", lang),
            ranked,
            ranking_columns(report, lang),
            t("channels.ranking", lang),
            notes,
        ),
        Sheet(
            t("channels.sheet.detail", lang),
            ranked,
            detail_columns(report, lang),
            t("channels.detail", lang),
            notes,
        ),
        Sheet(
            t("channels.sheet.bubble", lang),
            bubble_table(report, lang),
            bubble_columns(report, lang),
            t("channels.bubble", lang, horizon=report.horizon),
            notes,
        ),
        Sheet(
            t("channels.sheet.weekly", lang),
            weekly_table(report, lang),
            weekly_columns(report, lang),
            t("channels.weekly", lang),
            notes,
        ),
        *budget.sheets(report.budget, lang),
        Sheet(
            t("channels.sheet.planner", lang),
            planner_table(report),
            planner_columns(report, lang),
            t("channels.planner.actuals", lang),
            (t("channels.planner.definition", lang, horizon=report.horizon),),
        ),
    ]
