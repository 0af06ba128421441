"""The member lifecycle page's tables and texts: one Sheet per table shown (the Excel contract),
its rules and the maturing repurchase KPIs' card titles and notes."""

from __future__ import annotations

import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import fmt_value, money_symbol
from dashboard.i18n import t
from dashboard.metrics import lifecycle as lc
from dashboard.metrics.arithmetic import Cell
from dashboard.metrics.registry import kpi
from dashboard.reports.members.model import MembersData


def stage_name(stage: str, lang: str) -> str:
    """A lifecycle stage's name in ``lang`` (including "no purchase yet")."""
    return t(f"members.stage.{stage}", lang)


def tier_name(tier: str, lang: str) -> str:
    """A value tier's name in ``lang``."""
    return t(f"members.tier.{tier}", lang)


def _money(value: float) -> str:
    return f"{money_symbol()}{value:,.0f}"


def rules(report: MembersData, lang: str) -> dict[str, str]:
    """The definitions the page states, keyed by where they appear."""
    th, tiers = report.thresholds, report.tiers
    start, end = report.last_step
    out = {
        "scope": t("members.scope_rule", lang),
        "stages": t("members.stage_rule", lang, active=th.active_days, lapse=th.lapse_days),
        "flows": t("members.flows_rule", lang),
        "transitions": t("members.transitions_rule", lang, start=start, end=end),
        "cohorts": t("members.cohorts_rule", lang, most=lc.MAX_COHORTS, as_of=_as_of(report)),
        "tiers": t("members.tiers_rule", lang, mid=_money(tiers.mid), high=_money(tiers.high)),
        "dash": t("members.dash_reason", lang),
    }
    in_progress = lc.maturing_month(report.data_end.date() if report.data_end else None)
    if in_progress is not None:
        out["cohorts_maturing"] = t("members.cohorts_maturing", lang, month=_month(in_progress))
    window = report.cohort_window
    if window.truncated:
        out["cohorts_truncated"] = t(
            "members.cohorts_truncated",
            lang,
            touched=window.touched,
            shown=len(window.months),
            first=_month(window.first),
            last=_month(window.last),
        )
    if not report.thresholds_ok:
        default = lc.Thresholds()
        out["bad_thresholds"] = t(
            "members.bad_thresholds", lang, active=default.active_days, lapse=default.lapse_days
        )
    if not report.tiers_ok:
        tiers = lc.TierThresholds()
        out["bad_tiers"] = t(
            "members.bad_tiers", lang, mid=_money(tiers.mid), high=_money(tiers.high)
        )
    return out


def _as_of(report: MembersData) -> str:
    """The data's end as a date ("—" for an empty warehouse)."""
    return report.data_end.date().isoformat() if report.data_end is not None else "—"


def _month(index: int) -> str:
    """A month index as YYYY-MM."""
    return lc.month_start(index).strftime("%Y-%m")


def cohort_notes(report: MembersData, lang: str) -> tuple[str, ...]:
    """The cohort table's notes: its rule, the month in progress and the truncation (if any)."""
    r = rules(report, lang)
    return tuple(r[k] for k in ("cohorts", "cohorts_maturing", "cohorts_truncated") if k in r)


def cohort_frame(report: MembersData, lang: str) -> pd.DataFrame:
    """The retention table with its labels: YYYY-MM (* = still in progress) and the month in progress."""
    cohorts = report.cohorts
    growing = [k == 0 for k in cohorts["maturing"]]
    return cohorts.assign(
        cohort_label=[
            d.strftime("%Y-%m") + ("*" if g else "")
            for d, g in zip(cohorts["cohort"], growing, strict=True)
        ],
        maturing_label=[_maturing_label(k, lang) for k in cohorts["maturing"]],
    )


def _maturing_label(k: Cell, lang: str) -> str | None:
    if k is None or pd.isna(k):
        return None
    if int(k) == 0:
        return t("members.col.cohort_month", lang)
    return t("members.col.month_k", lang, k=int(k))


def _col(key: str, label: str, unit: str, lang: str, **values: object) -> Column:
    return Column(key, t(f"members.col.{label}", lang, **values), unit)


def stage_sheet(report: MembersData, lang: str) -> Sheet:
    """Per stage at the period end: customers, share, lifetime value, suggested action."""
    frame = report.stages.assign(
        name=[stage_name(s, lang) for s in report.stages["stage"]],
        action=[t(f"members.action.{s}", lang) for s in report.stages["stage"]],
    )
    columns = (
        _col("name", "stage", "text", lang),
        _col("customers", "customers", "count", lang),
        _col("share", "share", "rate", lang),
        _col("ltv", "ltv", "money", lang),
        _col("ltv_per_customer", "ltv_per_customer", "money", lang),
        _col("action", "action", "text", lang),
    )
    r = rules(report, lang)
    notes = (r["stages"], r["scope"], t("members.prospects", lang, n=f"{report.prospects:,}"))
    return Sheet(t("members.sheet.stages", lang), frame, columns, t("members.stages", lang), notes)


def flow_frame(report: MembersData, lang: str) -> pd.DataFrame:
    """The flows beneath the Sankey, with stage names in ``lang``."""
    flows = report.flows
    return flows.assign(
        from_name=[stage_name(s, lang) for s in flows["from_stage"]],
        to_name=[stage_name(s, lang) for s in flows["to_stage"]],
    )


def flow_sheet(report: MembersData, lang: str) -> Sheet:
    """Customers moving between stages from each month end to the next (the Sankey's table)."""
    columns = (
        _col("start", "start", "date", lang),
        _col("end", "end", "date", lang),
        _col("from_name", "from_stage", "text", lang),
        _col("to_name", "to_stage", "text", lang),
        _col("customers", "customers", "count", lang),
    )
    notes = (rules(report, lang)["flows"],)
    return Sheet(
        t("members.sheet.flows", lang),
        flow_frame(report, lang),
        columns,
        t("members.flows", lang),
        notes,
    )


def transition_sheet(report: MembersData, lang: str) -> Sheet:
    """The last step's flows as a matrix: stage at the last month end × stage at the period end."""
    frame = report.transitions.assign(
        name=[stage_name(s, lang) for s in report.transitions["stage"]]
    )
    columns = (
        _col("name", "from_stage", "text", lang),
        *(Column(s, stage_name(s, lang), "count") for s in lc.STAGES),
        _col("total", "total", "count", lang),
    )
    start, end = report.last_step
    title = t("members.transitions", lang, start=start, end=end)
    notes = (rules(report, lang)["transitions"],)
    return Sheet(t("members.sheet.transitions", lang), frame, columns, title, notes)


def cohort_sheet(report: MembersData, lang: str) -> Sheet:
    """The retention heat table: cohort, its size, the share buying again in months 1 … K
    (to the data's end), and which month of the row is still in progress."""
    months = lc.retention_columns(report.cohorts)
    columns = (
        _col("cohort_label", "cohort", "text", lang),
        _col("customers", "cohort_size", "count", lang),
        *(_col(m, "month_k", "rate", lang, k=int(m[1:])) for m in months),
        _col("maturing_label", "maturing", "text", lang),
    )
    frame = cohort_frame(report, lang)
    notes = (*cohort_notes(report, lang), rules(report, lang)["scope"])
    return Sheet(
        t("members.sheet.cohorts", lang), frame, columns, t("members.cohorts", lang), notes
    )


def tier_sheet(report: MembersData, lang: str) -> Sheet:
    """Per value tier: customers, share, lifetime value, share of value, value per customer."""
    frame = report.tier_table.assign(name=[tier_name(x, lang) for x in report.tier_table["tier"]])
    columns = (
        _col("name", "tier", "text", lang),
        _col("customers", "customers", "count", lang),
        _col("share", "share", "rate", lang),
        _col("ltv", "ltv", "money", lang),
        _col("ltv_share", "ltv_share", "rate", lang),
        _col("ltv_per_customer", "ltv_per_customer", "money", lang),
    )
    notes = (rules(report, lang)["tiers"],)
    return Sheet(t("members.sheet.tiers", lang), frame, columns, t("members.tiers", lang), notes)


def stage_tier_sheet(report: MembersData, lang: str) -> Sheet:
    """Customers per stage at the period end × value tier."""
    frame = report.stage_tier.assign(name=[stage_name(s, lang) for s in report.stage_tier["stage"]])
    columns = (
        _col("name", "stage", "text", lang),
        *(Column(x, tier_name(x, lang), "count") for x in lc.TIERS),
        _col("total", "total", "count", lang),
    )
    return Sheet(
        t("members.sheet.stage_tier", lang), frame, columns, t("members.stage_tier", lang), ()
    )


def sheets(report: MembersData, lang: str) -> list[Sheet]:
    """Exactly the tables the page shows, each chart's table included."""
    return [
        stage_sheet(report, lang),
        flow_sheet(report, lang),
        transition_sheet(report, lang),
        cohort_sheet(report, lang),
        tier_sheet(report, lang),
        stage_tier_sheet(report, lang),
    ]


def maturing_texts(report: MembersData, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """Card titles and notes of the repurchase KPIs whose window is not over for every new
    customer: marked maturing, with the share of new customers who have had the window."""
    labels, notes = {}, {}
    for kpi_id, days in report.maturing().items():
        name = kpi(kpi_id).name(lang)
        labels[kpi_id] = t("members.maturing_label", lang, name=name)
        notes[kpi_id] = t(
            "members.maturing_note",
            lang,
            name=name,
            days=days,
            share=fmt_value(report.repurchase_mature[days], "rate", lang),
        )
    return labels, notes
