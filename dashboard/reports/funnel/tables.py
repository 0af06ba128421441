"""The funnel page's tables and texts: one Sheet per table (the Excel contract), its on-screen
form, the rules shown beside them and the sentences generated from the report's numbers."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard import labels
from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import DASH, fmt_date, fmt_value
from dashboard.i18n import t
from dashboard.literal import md
from dashboard.metrics import funnel as fm
from dashboard.metrics import maturity as mt
from dashboard.metrics import traffic_retention as tr
from dashboard.metrics.arithmetic import Cell, is_missing
from dashboard.metrics.funnel import LEAD_STAGES, STAGES
from dashboard.reports.funnel.model import FunnelData, FunnelTexts

# Stages with a conversion from the stage before: impressions → leads (a period ratio), then
# each cohort stage from the previous one.
_RATE_STAGES = STAGES[1:]


def stage_name(stage: str, lang: str) -> str:
    """A stage's name in ``lang``."""
    return t(f"funnel.stage.{stage}", lang)


def window_text(window: int | str, lang: str) -> str:
    """The window as the page names it: "30 days", or "no limit"."""
    if window == fm.NO_LIMIT:
        return t("funnel.window_none", lang)
    return t("funnel.window_days", lang, n=window)


def untimed_text(stages: pd.DataFrame, lang: str) -> str | None:
    """One line on the leads counted at a stage without its time, or None when every one has it."""
    parts = []
    for r in stages.to_dict("records"):
        if r["stage"] not in fm.SKIPPABLE_STAGES or not r["untimed"]:
            continue
        parts.append(
            t(
                "funnel.untimed_part",
                lang,
                share=fmt_value(r["untimed"] / r["count"], "rate", lang),
                stage=t(f"funnel.stage.{r['stage']}", lang),
                count=fmt_value(r["untimed"], "count", lang),
                time=t(f"funnel.stage_time.{r['stage']}", lang),
            )
        )
    if not parts:
        return None
    return t("funnel.untimed_summary", lang, parts=("；" if lang == "zh" else "; ").join(parts))


def rules(lang: str, window: int | str) -> dict[str, str]:
    """The definitions the page states, keyed by where they appear."""
    share = f"{tr.RETENTION_MIN_SHARE:.0%}"
    low, healthy = f"{tr.FIRST_VISITS_LOW:.0f}", f"{tr.FIRST_VISITS_HEALTHY:.0f}"
    unlimited = window == fm.NO_LIMIT
    return {
        "cohort": (
            t("funnel.cohort_rule_none", lang)
            if unlimited
            else t("funnel.cohort_rule", lang, window=window)
        ),
        "base": t("funnel.base_rule", lang),
        "names": t("funnel.names_rule", lang),
        "default": t("funnel.default_rule", lang, share=f"{mt.COMPLETE_SHARE:.0%}"),
        "impressions": t("funnel.impressions_rule", lang),
        "time": t("funnel.time_rule", lang),
        "dash": t("funnel.dash_reason", lang),
        "maturing": (
            t("funnel.maturing_rule_none", lang)
            if unlimited
            else t("funnel.maturing_rule", lang, window=window)
        ),
        "click": t("funnel.click_hint", lang),
        "rates": t("funnel.rate_rule", lang),
        "traffic": t("funnel.traffic_rule", lang, low=low, healthy=healthy),
        "retention": t("funnel.retention_rule", lang, low=low, share=share),
    }


def _col(key: str, label_key: str, unit: str, lang: str, **values: object) -> Column:
    return Column(key, t(f"funnel.col.{label_key}", lang, **values), unit)


def stage_sheet(report: FunnelData, lang: str) -> Sheet:
    """Per stage: count, conversions (from the previous stage and of created leads), drop-off,
    the leads counted without the stage's time, median and p75 hours from the previous stage."""
    frame = report.stages.assign(name=[stage_name(s, lang) for s in report.stages["stage"]])
    columns = (
        _col("name", "stage", "text", lang),
        _col("count", "count", "count", lang),
        _col("from_previous", "from_previous", "rate", lang),
        _col("from_leads", "from_leads", "rate", lang),
        _col("drop_off", "drop_off", "count", lang),
        _col("drop_off_rate", "drop_off_rate", "rate", lang),
        _col("untimed", "untimed", "count", lang),
        _col("median_hours", "median_hours", "hours", lang),
        _col("p75_hours", "p75_hours", "hours", lang),
    )
    r = rules(lang, report.window)
    untimed = untimed_text(report.stages, lang)
    notes = (r["cohort"], r["default"], r["base"], r["names"], *((untimed,) if untimed else ()))
    notes = (*notes, r["impressions"])
    notes = (*notes, r["time"], r["dash"])
    return Sheet(t("funnel.sheet.stages", lang), frame, columns, t("funnel.stages", lang), notes)


def _rate_columns(
    lang: str, prefix: str = "", label: str = "rate", **values: object
) -> tuple[Column, ...]:
    return tuple(
        _col(f"{prefix}{s}_rate", label, "rate", lang, stage=stage_name(s, lang), **values)
        for s in _RATE_STAGES
    )


def breakdown_sheet(report: FunnelData, lang: str) -> Sheet:
    """The breakdown table: top N members plus "other", every stage and rate."""
    dim = t(f"funnel.dimension.{report.dimension}", lang)
    columns = (
        _col(f"name_{lang}", report.dimension, "text", lang),
        *(Column(s, stage_name(s, lang), "count") for s in LEAD_STAGES),
        _col("overall_rate", "overall_rate", "rate", lang),
        *_rate_columns(lang)[1:],
        # Impressions last: their ratio to leads is a period ratio, read apart.
        Column("impressions", stage_name("impressions", lang), "count"),
        *_rate_columns(lang)[:1],
    )
    title = t("funnel.breakdown", lang, dimension=dim)
    r = rules(lang, report.window)
    notes = (t("funnel.top_n_rule", lang, n=report.top_n), r["rates"], r["cohort"])
    return Sheet(t("funnel.sheet.breakdown", lang), report.breakdown, columns, title, notes)


def weekly_sheet(report: FunnelData, lang: str) -> Sheet:
    """The table beneath the weekly conversion chart, with the comparison weeks beside it."""
    cmp = t(f"funnel.compare.{report.comparison}", lang)
    frame = report.weekly.assign(
        maturing_text=[
            t("funnel.maturing_flag." + ("yes" if m else "no"), lang)
            for m in report.weekly["is_maturing"]
        ]
    )
    overall = t("funnel.col.overall_rate", lang)
    columns = (
        _col("week_start", "week_start", "date", lang),
        *(Column(s, stage_name(s, lang), "count") for s in STAGES),
        _col("overall_rate", "overall_rate", "rate", lang),
        *_rate_columns(lang),
        _col("maturing_leads", "maturing_leads", "count", lang),
        _col("maturing_share", "maturing_share", "rate", lang),
        _col("maturing_text", "maturing", "text", lang),
        _col("cmp_week_start", "cmp_week_start", "date", lang, compare=cmp),
        _col("cmp_overall_rate", "cmp_rate", "rate", lang, compare=cmp, stage=overall),
        *_rate_columns(lang, prefix="cmp_", label="cmp_rate", compare=cmp),
    )
    notes = (rules(lang, report.window)["maturing"],)
    return Sheet(t("funnel.sheet.weekly", lang), frame, columns, t("funnel.weekly", lang), notes)


def clinic_sheet(report: FunnelData, lang: str) -> Sheet:
    """Traffic or retention per clinic, with both verdicts."""
    frame = report.clinics.assign(
        specialty_name=labels.labels_in(report.clinics, "specialty", lang),
        traffic_text=[
            t(f"funnel.traffic_status.{s}", lang) for s in report.clinics["traffic_status"]
        ],
        retention_text=[
            t(f"funnel.retention_status.{s}", lang) for s in report.clinics["retention_status"]
        ],
    )
    columns = (
        _col(f"name_{lang}", "clinic", "text", lang),
        _col(f"city_{lang}", "city", "text", lang),
        _col("traffic_text", "traffic_verdict", "text", lang),
        _col("retention_text", "retention_verdict", "text", lang),
        _col("per_doctor_month", "per_doctor_month", "number", lang),
        _col("retained_share", "retained_share", "rate", lang),
        _col("first_visits", "first_visits", "count", lang),
        _col("doctors", "doctors", "count", lang),
        _col("repeat_share", "repeat_share", "rate", lang),
        _col("referred_share", "referred_share", "rate", lang),
        _col("revenue", "revenue", "money", lang),
        _col("specialty_name", "specialty", "text", lang),
    )
    r = rules(lang, report.window)
    notes = (r["traffic"], r["retention"])
    return Sheet(t("funnel.sheet.clinics", lang), frame, columns, t("funnel.traffic", lang), notes)


def sheets(report: FunnelData, lang: str) -> list[Sheet]:
    """Exactly the tables the page shows, each chart's table included."""
    return [
        stage_sheet(report, lang),
        breakdown_sheet(report, lang),
        weekly_sheet(report, lang),
        clinic_sheet(report, lang),
    ]


def _fmt(value: Cell, unit: str, lang: str) -> str:
    if unit == "text":
        return (
            DASH if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        )
    if is_missing(value) or (not isinstance(value, str | date | datetime) and pd.isna(value)):
        return DASH
    if unit in ("date", "datetime"):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if unit == "number":
        return f"{float(value):,.1f}"
    if unit == "hours":
        return f"{float(value):,.1f}"
    if unit == "rate" and 0 < abs(float(value)) < 0.01:
        # Impressions → inquiries is a fraction of a percent: one decimal would flatten it.
        return f"{float(value):.3%}"
    return fmt_value(float(value), unit, lang)


def display(sheet: Sheet, lang: str) -> pd.DataFrame:
    """The sheet's table as text for the screen: units formatted, missing values as "—"."""
    out = pd.DataFrame(index=range(len(sheet.frame)))
    for c in sheet.columns:
        out[c.label] = [_fmt(v, c.unit, lang) for v in sheet.frame[c.key].tolist()]
    return out


NAMES_LISTED = 12


def _names_list(clinics: pd.DataFrame, ids: tuple[int, ...], lang: str) -> str:
    """Clinic names joined for a sentence (Markdown: each name escaped); past NAMES_LISTED the
    rest are counted (the table below lists every clinic with its verdict)."""
    if not ids:
        return t("funnel.none_lacking", lang)
    names = clinics.set_index("clinic_id")[f"name_{lang}"]
    sep = "、" if lang == "zh" else ", "
    text = sep.join(md(names.get(i, i)) for i in ids[:NAMES_LISTED])
    if len(ids) > NAMES_LISTED:
        text += sep + t("funnel.more", lang, n=len(ids) - NAMES_LISTED)
    return text


def _maturing_text(report: FunnelData, lang: str) -> str | None:
    """The maturing line; without a limit, how long the cohort's leads have had instead."""
    if report.unlimited:
        ages = report.age_days
        if ages is None:
            return None
        return t(
            "funnel.unlimited_summary",
            lang,
            data_end=fmt_date(report.data_end, lang),
            youngest=fmt_value(ages[0], "count", lang),
            oldest=fmt_value(ages[1], "count", lang),
        )
    if not report.maturing_leads:
        return None
    return t(
        "funnel.maturing_summary",
        lang,
        maturing=fmt_value(report.maturing_leads, "count", lang),
        share=fmt_value(report.maturing_share, "rate", lang),
        cutoff=fmt_date(report.maturing_after, lang),
        window=report.window,
    )


def texts(report: FunnelData, lang: str) -> FunnelTexts:
    """The cohort, maturing, missing-times, comparison and traffic-or-retention sentences."""
    f, c = report.filters, report.comparison_filters
    share = f"{tr.RETENTION_MIN_SHARE:.0%}"
    low = f"{tr.FIRST_VISITS_LOW:.0f}"
    return FunnelTexts(
        cohort=t(
            "funnel.cohort_summary",
            lang,
            leads=fmt_value(report.cohort_leads, "count", lang),
            start=f.start,
            end=f.end,
            window=window_text(report.window, lang),
            rate=fmt_value(report.lead_to_deal, "rate", lang)
            + (
                ""
                if report.unlimited or report.window_complete
                else t("funnel.maturing_mark", lang)
            ),
        ),
        maturing=_maturing_text(report, lang),
        untimed=untimed_text(report.stages, lang),
        comparison=t(
            "funnel.compare_caption",
            lang,
            compare=t(f"funnel.compare.{report.comparison}", lang),
            start=c.start,
            end=c.end,
        ),
        lacks_traffic=t(
            "funnel.lacks_traffic",
            lang,
            low=low,
            clinics=_names_list(report.clinics, report.chain.lacks_traffic, lang),
        ),
        lacks_retention=t(
            "funnel.lacks_retention",
            lang,
            share=share,
            clinics=_names_list(report.clinics, report.chain.lacks_retention, lang),
        ),
        chain=t(
            "funnel.chain_summary",
            lang,
            per_doctor=fmt_value(report.chain.first_visits_per_doctor_month, "ratio", lang),
            share=fmt_value(report.chain.retained_share, "rate", lang),
        ),
        no_doctors=t(
            "funnel.no_doctors",
            lang,
            n=len(report.chain.no_doctors),
            clinics=_names_list(report.clinics, report.chain.no_doctors, lang),
        )
        if report.chain.no_doctors
        else None,
    )
