"""The channels page's tables and texts, for the screen and the Excel export: the labels, one
Sheet per table shown plus the table beneath each chart, the budget's tables, and the same
tables styled for the screen (units formatted, intervals for low-sample rows, best and worst
highlighted) with the notes around the charts."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from dashboard import labels
from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import DASH, fmt_date, fmt_value
from dashboard.i18n import has, t
from dashboard.literal import md
from dashboard.metrics import budget as bm
from dashboard.metrics import channels as cm
from dashboard.metrics import maturity as mt
from dashboard.metrics.arithmetic import Cell, is_missing
from dashboard.metrics.payback import LTV_MONTHS
from dashboard.metrics.registry import KPIS, kpi
from dashboard.reports.channels.model import BudgetData, ChannelsData

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


# The tables as shown on the screen.

GOOD_BG = "background-color: #d6efdd"
BAD_BG = "background-color: #f7d9d6"
HIGHLIGHT = (
    "cac",
    "roas_horizon",
    "roi_horizon",
    "marketing_roi",
    "ltv_cac",
    "payback_months",
    "cost_per_lead",
    "lead_customer_rate",
)


def _range(low: Cell, high: Cell, unit_: str, lang: str) -> str:
    if is_missing(low) or is_missing(high):
        return DASH
    return f"{fmt_value(low, unit_, lang)}–{fmt_value(high, unit_, lang)}"


def _styled(frame: pd.DataFrame, columns: tuple[Column, ...], lang: str) -> Styler:
    """Format every column by unit ("—" for missing) and colour best/worst by direction."""
    keys = [c.key for c in columns]
    names = {c.key: c.label for c in columns}
    shown = frame.loc[:, keys].rename(columns=names)
    # One format call for all columns: a call per column re-indexes the frame each time.
    styler = shown.style.format({c.label: _formatter(c.unit, lang) for c in columns})
    for idx, row in frame.iterrows():
        for key, text in _cell_texts(row, keys, lang).items():
            cell = pd.IndexSlice[[idx], [names[key]]]
            styler = styler.format(lambda v, s=text: s, subset=cell)
    eligible = ~frame["low_sample"].astype(bool)
    for column in HIGHLIGHT:
        if column in keys:
            higher = kpi(column).higher_is_better
            styler = styler.apply(
                _highlight, subset=[names[column]], eligible=eligible, higher=higher
            )
    return styler


def _cell_texts(row: pd.Series, keys: list[str], lang: str) -> dict[str, str]:
    """Cells whose text is not the bare number: intervals of low-sample rows, payback beyond 12."""
    out = {}
    if row.get("low_sample") and "cac" in keys and not is_missing(row["cac"]):
        ci = _range(row["cac_low"], row["cac_high"], "money", lang)
        out["cac"] = f"{fmt_value(row['cac'], 'money', lang)} ({ci})"
    if row.get("low_sample") and "lead_customer_rate" in keys:
        ci = _range(row["conversion_low"], row["conversion_high"], "rate", lang)
        out["lead_customer_rate"] = f"{fmt_value(row['lead_customer_rate'], 'rate', lang)} ({ci})"
    if "payback_months" in keys and "no_payback" in tuple(row["reasons"]):
        out["payback_months"] = t("channels.payback_beyond", lang, months=LTV_MONTHS)
    return out


def _highlight(values: pd.Series, eligible: pd.Series, higher: bool) -> list[str]:
    """Best value green and worst red among rows with enough sample (nothing if all equal)."""
    numbers = pd.to_numeric(values, errors="coerce").where(eligible.reindex(values.index))
    if numbers.count() < 2 or numbers.max() == numbers.min():
        return [""] * len(values)
    best = numbers.max() if higher else numbers.min()
    worst = numbers.min() if higher else numbers.max()
    return [GOOD_BG if v == best else BAD_BG if v == worst else "" for v in numbers]


def ranking_styler(report: ChannelsData, lang: str) -> Styler:
    """The ranking table as shown: intervals for low-sample rows, best/worst highlighted."""
    shown = tuple(c for c in ranking_columns(report, lang) if c.key not in ("cac_low", "cac_high"))
    return _styled(labelled(report, lang), shown, lang)


def detail_styler(report: ChannelsData, lang: str) -> Styler:
    """The traffic-and-leads table as shown (conversion intervals for low-sample rows)."""
    shown = tuple(
        c
        for c in detail_columns(report, lang)
        if c.key not in ("conversion_low", "conversion_high")
    )
    return _styled(labelled(report, lang), shown, lang)


def format_table(
    frame: pd.DataFrame, columns: tuple[Column, ...], lang: str, costs: tuple[str, ...] = ()
) -> Styler:
    """A table as shown: values formatted by unit ("—" when missing), headers translated;
    in ``costs`` columns (over-plan amounts) a positive value is red and a negative one green."""
    names = {c.key: c.label for c in columns}
    shown = frame.loc[:, list(names)].rename(columns=names)
    styler = shown.style.format({c.label: _formatter(c.unit, lang) for c in columns})
    for key in costs:
        if key in names:
            styler = styler.map(_cost_colour, subset=[names[key]])
    return styler


def _formatter(unit_: str, lang: str):
    """The display text of one cell of a column in ``unit_`` ("—" when missing)."""
    if unit_ == "text":
        return lambda v: "" if is_missing(v) else str(v)
    if unit_ in ("date", "datetime"):
        return lambda v: DASH if is_missing(v) else fmt_date(pd.Timestamp(v).date(), lang)
    return lambda v: fmt_value(v, unit_, lang)


def _cost_colour(value: Cell) -> str:
    if is_missing(value) or value == 0:
        return ""
    return BAD_BG if float(value) > 0 else GOOD_BG


def row_order(report: ChannelsData, lang: str) -> list[str]:
    """Row names in ranking order (the weekly chart's panel order)."""
    return row_names(report.rows, report.grouping, lang)


def members(report: ChannelsData) -> dict[str, tuple[int, ...]]:
    """Each row key's channel ids (a click on a bubble narrows the channel filter to these)."""
    return dict(zip(report.rows["key"], report.rows["channel_ids"], strict=True))


def colour_column(report: ChannelsData) -> str:
    """Bubble colours: by tier when rows are channels, else one colour per group."""
    return "tier_name" if report.grouping == "channel" else "name"


def maturity_note(report: ChannelsData, lang: str) -> str | None:
    """What the horizon's figures are worth while some new customers have not had all of it:
    maturing (the period ROI is the headline), or nearly complete; None when complete."""
    share = report.totals.get("mature_share")
    if share is None or share >= 1:
        return None
    values = {"share": fmt_value(share, "rate", lang), "horizon": report.horizon}
    if report.horizon_complete:
        return t("channels.maturity", lang, **values)
    return t(
        "channels.maturing",
        lang,
        roi=label("roi_horizon", lang, report.horizon),
        period_roi=label("marketing_roi", lang),
        **values,
    )


def ranking_note(report: ChannelsData, lang: str) -> str:
    """How the ranking is ordered and highlighted."""
    return t(
        "channels.ranking_rule",
        lang,
        metric=column_label(report, report.rank_by, lang),
        min=cm.LOW_SAMPLE,
    )


def bubble_note(bubbles: pd.DataFrame, lang: str) -> str:
    """How to read the bubble chart, and which rows it cannot place (Markdown: names escaped)."""
    text = t("channels.bubble_rule", lang)
    missing = [md(n) for n in bubbles.loc[~bubbles["plotted"], "name"]]
    if missing:
        text += " " + t(
            "channels.bubble_missing",
            lang,
            names="、".join(missing) if lang == "zh" else ", ".join(missing),
        )
    return text


# The budget section's tables.

# Amounts over plan: positive is bad news (red), negative good (green).
COST_COLUMNS = ("variance", "variance_pct", "overspend", "projected_variance")


def category_name(category: str, lang: str) -> str:
    """A budget category's name (marketing, service, operations, reserve, total)."""
    return t(f"channels.budget.category.{category}", lang)


def _budget_col(key: str, heading: str, unit_: str, lang: str) -> Column:
    return Column(key, t(f"channels.budget.col.{heading}", lang), unit_)


def split_table(report: BudgetData, lang: str) -> pd.DataFrame:
    """The split table with category names (shown under the plan-vs-actual chart)."""
    return report.split.assign(name=[category_name(c, lang) for c in report.split["category"]])


def reserve_table(report: BudgetData, lang: str) -> pd.DataFrame:
    """The reserve as one row: plan, its share, direct draws, overspend, used, remaining."""
    r = report.reserve
    return pd.DataFrame(
        [
            {
                "name": category_name("reserve", lang),
                "plan": r.plan,
                "plan_share": r.plan_share,
                "target_share": bm.RESERVE_TARGET,
                "direct": r.direct,
                "overspend": r.overspend,
                "used": r.used,
                "used_share": r.used_share,
                "remaining": r.remaining,
            }
        ]
    )


def pacing_table(report: BudgetData, lang: str) -> pd.DataFrame:
    """The pacing rows with category names (shown under the pacing chart)."""
    return report.pacing.assign(name=[category_name(c, lang) for c in report.pacing["category"]])


def split_columns(lang: str) -> tuple[Column, ...]:
    """Columns of the split table, in display order."""
    return (
        _budget_col("name", "category", "text", lang),
        _budget_col("plan", "plan", "money", lang),
        _budget_col("target_share", "target_share", "rate", lang),
        _budget_col("plan_share", "plan_share", "rate", lang),
        _budget_col("actual", "actual", "money", lang),
        _budget_col("actual_share", "actual_share", "rate", lang),
        _budget_col("variance", "variance", "money", lang),
        _budget_col("variance_pct", "variance_pct", "rate", lang),
        _budget_col("overspend", "overspend", "money", lang),
    )


def reserve_columns(lang: str) -> tuple[Column, ...]:
    """Columns of the reserve table, in display order."""
    return (
        _budget_col("name", "category", "text", lang),
        _budget_col("plan", "plan", "money", lang),
        _budget_col("plan_share", "reserve_share", "rate", lang),
        _budget_col("target_share", "target_share", "rate", lang),
        _budget_col("direct", "direct", "money", lang),
        _budget_col("overspend", "overspend", "money", lang),
        _budget_col("used", "used", "money", lang),
        _budget_col("used_share", "used_share", "rate", lang),
        _budget_col("remaining", "remaining", "money", lang),
    )


def pacing_columns(lang: str) -> tuple[Column, ...]:
    """Columns of the pacing table, in display order."""
    return (
        _budget_col("name", "category", "text", lang),
        _budget_col("plan", "month_plan", "money", lang),
        _budget_col("expected", "expected", "money", lang),
        _budget_col("spent", "spent", "money", lang),
        _budget_col("pace", "pace", "ratio", lang),
        _budget_col("projected", "projected", "money", lang),
        _budget_col("projected_variance", "projected_variance", "money", lang),
    )


def budget_notes(report: BudgetData, lang: str) -> tuple[str, ...]:
    """The definitions shown above the budget tables (and in the workbook)."""
    out = [
        t("channels.budget.rule_prorate", lang),
        t("channels.budget.rule_reserve", lang),
    ]
    if report.narrowed:
        out.append(t("channels.budget.city_only", lang))
    return tuple(out)


def pacing_note(report: BudgetData, lang: str) -> str:
    """How far the current month has run (the pacing's straight line)."""
    row = report.pacing.iloc[0]
    return t(
        "channels.budget.pacing_rule",
        lang,
        month=report.month_start.strftime("%Y-%m"),
        elapsed=int(row["elapsed_days"]),
        days=int(row["days_in_month"]),
        as_of=report.as_of.isoformat(),
    )


def budget_sheets(report: BudgetData, lang: str) -> list[Sheet]:
    """The budget tables: split (beneath the plan-vs-actual chart), reserve, pacing."""
    period = t("channels.budget.period", lang, start=report.start, end=report.end)
    return [
        Sheet(
            t("channels.sheet.budget", lang),
            split_table(report, lang),
            split_columns(lang),
            f"{t('channels.budget.split_title', lang)} · {period}",
            budget_notes(report, lang),
        ),
        Sheet(
            t("channels.sheet.reserve", lang),
            reserve_table(report, lang),
            reserve_columns(lang),
            f"{t('channels.budget.reserve_title', lang)} · {period}",
            budget_notes(report, lang),
        ),
        Sheet(
            t("channels.sheet.pacing", lang),
            pacing_table(report, lang),
            pacing_columns(lang),
            t("channels.budget.pacing_title", lang),
            (pacing_note(report, lang),),
        ),
    ]


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
        *budget_sheets(report.budget, lang),
        Sheet(
            t("channels.sheet.planner", lang),
            planner_table(report),
            planner_columns(report, lang),
            t("channels.planner.actuals", lang),
            (t("channels.planner.definition", lang, horizon=report.horizon),),
        ),
    ]
