"""The channels page's tables as shown: units formatted ("—" when missing), intervals for
low-sample rows, direction-aware highlighting, and the notes around the charts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from pandas.io.formats.style import Styler

from dashboard.export.sheet import Column
from dashboard.formatting import DASH, fmt_date, fmt_value
from dashboard.i18n import t
from dashboard.literal import md
from dashboard.metrics import channels as cm
from dashboard.metrics.arithmetic import is_missing
from dashboard.metrics.registry import kpi
from dashboard.reports.channels_sheets import (
    column_label,
    detail_columns,
    label,
    labelled,
    ranking_columns,
    row_names,
)

if TYPE_CHECKING:
    from dashboard.reports.channels import ChannelsData

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


def _range(low: object, high: object, unit_: str, lang: str) -> str:
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
        out["payback_months"] = t("channels.payback_beyond", lang, months=cm.LTV_MONTHS)
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


def _cost_colour(value: object) -> str:
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
