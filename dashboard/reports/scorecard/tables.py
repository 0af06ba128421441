"""The scorecard's display tables and Excel sheets, built from the report (no Streamlit here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import DASH, fmt_compact, fmt_value
from dashboard.i18n import t
from dashboard.literal import html
from dashboard.metrics.arithmetic import is_missing
from dashboard.metrics.registry import kpi, kpi_label
from dashboard.metrics.rows import object_frame, records
from dashboard.metrics.targets import STATUSES
from dashboard.reports.scorecard.model import ScorecardData
from dashboard.reports.targets_text import fmt_attainment, status_code, status_text, trend_text


def kpi_table(report: ScorecardData, perspective: str, lang: str) -> pd.DataFrame:
    """One perspective's KPIs as display strings, plus the 12-week values for the sparkline.

    A complete period shows actual and target; a period in progress shows the actual and the
    target to date, and for cumulative KPIs the projection against the whole period's target.
    """
    chosen = [row for row in records(report.rows) if row["perspective"] == perspective]
    if not chosen:
        return pd.DataFrame([])
    r = {name: [row[name] for row in chosen] for name in report.rows.columns}
    units = [kpi(k).unit for k in r["kpi_id"]]
    out: dict[str, object] = {
        "kpi": [kpi_label(k, lang, report.arrival_basis) for k in r["kpi_id"]],
        "actual": [fmt_compact(v, u, lang) for v, u in zip(r["actual"], units, strict=True)],
        "target": [fmt_compact(v, u, lang) for v, u in zip(r["target"], units, strict=True)],
    }
    if report.in_progress:
        out["target"] = [
            fmt_compact(v, u, lang) for v, u in zip(r["target_to_date"], units, strict=True)
        ]
        out["outlook"] = [
            f"{fmt_compact(p, u, lang)} / {fmt_compact(g, u, lang)}" if paced else DASH
            for p, g, u, paced in zip(r["projection"], r["target"], units, r["pacing"], strict=True)
        ]
    out["attainment"] = [fmt_attainment(v) for v in r["attainment"]]
    out["status"] = [
        status_text(s, why, bool(p), lang, short=True)
        for s, why, p in zip(r["status"], r["reason"], r["pacing"], strict=True)
    ]
    out["trend"] = [
        trend_text(c, v, lang) for c, v in zip(r["change_pct"], r["verdict"], strict=True)
    ]
    spark = np.empty(len(r["spark"]), dtype=object)  # a list per cell, never a 2-D array
    for i, values in enumerate(r["spark"]):
        spark[i] = [None if is_missing(v) else float(v) for v in values]
    out["spark"] = pd.Series(spark, dtype=object)
    return pd.DataFrame(out)


def table_labels(report: ScorecardData, lang: str) -> dict[str, tuple[str, str]]:
    """Column headers of the KPI tables in ``lang``: (short label, tooltip) per column."""
    keys = {
        k: k
        for k in ("kpi", "actual", "target", "outlook", "attainment", "status", "trend", "spark")
    }
    if report.in_progress:
        keys |= {"actual": "actual_to_date", "target": "target_to_date"}
    return {
        col: (
            t(f"scorecard.col.{key}", lang),
            t(f"scorecard.col_help.{key}", lang, days=report.elapsed_days) if key != "kpi" else "",
        )
        for col, key in keys.items()
    }


def status_counts(report: ScorecardData) -> dict[str, int]:
    """How many KPIs are green, amber, red, and without a status."""
    counts = {s: int((report.rows["status"] == s).sum()) for s in STATUSES}
    counts["none"] = int(sum(status_code(s) is None for s in report.rows["status"]))
    return counts


def league_table(report: ScorecardData, lang: str) -> pd.DataFrame:
    """Cities (best mean attainment first) × KPIs: attainment, text with an icon, status."""
    league = report.league
    columns = [
        "rank",
        "city_id",
        "city",
        "kpi_id",
        "kpi",
        "actual",
        "target_to_date",
        "attainment",
        "label",
        "status",
        "hover",
    ]
    if league.empty:
        return pd.DataFrame(columns=columns)
    name_col = "name_zh" if lang == "zh" else "name_en"
    attainments = pd.to_numeric(league["attainment"], errors="coerce")
    # The ranking stays pandas' own mean and sort: ties and float sums come out as before.
    means = attainments.groupby(league["city_id"]).mean().sort_values(ascending=False)
    order = {city: i + 1 for i, city in enumerate(means.index)}
    names = league.columns.tolist()
    table = league.to_numpy(dtype=object).tolist()
    cells = {c: [row[i] for row in table] for i, c in enumerate(names)}
    cells["rank"] = [order[c] for c in cells["city_id"]]
    cells["city"] = cells[name_col]
    cells["kpi"] = [kpi_label(k, lang, report.arrival_basis) for k in cells["kpi_id"]]
    cells["label"] = [
        _cell(a, s, r, lang)
        for a, s, r in zip(cells["attainment"], cells["status"], cells["reason"], strict=True)
    ]
    # Plotly hover text (markup: <br>), so the city's name is escaped as HTML.
    cells["hover"] = [
        t(
            "scorecard.league_hover",
            lang,
            city=html(c),
            kpi=k,
            actual=fmt_value(a, kpi(i).unit, lang),
            target=fmt_value(g, kpi(i).unit, lang),
            attainment=fmt_attainment(p),
        )
        for c, k, i, a, g, p in zip(
            cells["city"],
            cells["kpi"],
            cells["kpi_id"],
            cells["actual"],
            cells["target_to_date"],
            cells["attainment"],
            strict=True,
        )
    ]
    # sort_values(["rank", "kpi_id"]) is a stable sort: so is sorted() on the same keys.
    rows = sorted(range(len(league)), key=lambda i: (cells["rank"][i], cells["kpi_id"][i]))
    # One object block in the sorted order, then the columns pandas typed: the rank (int64)
    # and the texts built from strings (str), as assign() and the sort left them.
    out = object_frame([[cells[c][i] for c in columns] for i in rows], columns)
    out["rank"] = np.array([cells["rank"][i] for i in rows], dtype=np.int64)
    for c in ("kpi", "label", "hover"):
        out[c] = [cells[c][i] for i in rows]
    return out


def _cell(attainment: float | None, status: object, reason: object, lang: str) -> str:
    status, reason = status_code(status), status_code(reason)
    icon = {"green": "✔", "amber": "▲", "red": "✖"}.get(status or "", "")
    if status is None:
        return t(f"scorecard.reason_short.{reason or 'no_value'}", lang)
    return f"{fmt_attainment(attainment)} {icon}"


def _unit(kpi_unit: str) -> str:
    return (
        kpi_unit
        if kpi_unit in ("count", "money", "rate", "ratio", "days", "score", "hours")
        else "number"
    )


def sheets(report: ScorecardData, lang: str) -> list[Sheet]:
    """The scorecard table, the sparklines' weekly values and the city league, for Excel."""
    rows = report.rows.assign(
        perspective_name=[
            t(f"scorecard.perspective.{p}", lang) for p in report.rows["perspective"]
        ],
        kpi=[kpi_label(k, lang, report.arrival_basis) for k in report.rows["kpi_id"]],
        unit=[kpi(k).unit for k in report.rows["kpi_id"]],  # the code formats the row's numbers
        unit_name=[t(f"kpi_unit.{kpi(k).unit}", lang) for k in report.rows["kpi_id"]],
        status_text=[
            status_text(s, r, bool(p), lang)
            for s, r, p in zip(
                report.rows["status"], report.rows["reason"], report.rows["pacing"], strict=True
            )
        ],
    )

    def col(key: str, label_key: str, unit: str) -> Column:
        return Column(key, t(f"scorecard.col.{label_key}", lang), unit)

    main = Sheet(
        name=t("scorecard.sheet.main", lang),
        frame=rows,
        columns=(
            col("perspective_name", "perspective", "text"),
            col("kpi", "kpi", "text"),
            col("unit_name", "unit", "text"),
            col("actual", "actual", "number"),
            col("target", "target", "number"),
            col("target_to_date", "target_to_date", "number"),
            col("projection", "projection", "number"),
            col("attainment", "attainment", "rate"),
            col("status_text", "status", "text"),
            col("previous", "previous", "number"),
            col("change_pct", "change", "rate"),
        ),
        title=t("scorecard.sheet.main_title", lang, period=report.period.code),
        notes=(t("scorecard.definitions", lang),),
    )
    spark = pd.DataFrame({"week_start": list(report.weeks)})
    for r in report.rows.to_dict("records"):
        spark[r["kpi_id"]] = r["spark"]
    weekly = Sheet(
        name=t("scorecard.sheet.weekly", lang),
        frame=spark,
        columns=(Column("week_start", t("scorecard.col.week", lang), "date"),)
        + tuple(
            Column(k, kpi_label(k, lang, report.arrival_basis), _unit(kpi(k).unit))
            for k in report.rows["kpi_id"]
        ),
        title=t("scorecard.col.spark", lang),
    )
    league = league_table(report, lang)
    league_sheet = Sheet(
        name=t("scorecard.sheet.league", lang),
        frame=league.assign(status_text=league["label"]),
        columns=(
            col("rank", "rank", "count"),
            col("city", "city", "text"),
            col("kpi", "kpi", "text"),
            col("actual", "actual", "number"),
            col("target_to_date", "target_to_date", "number"),
            col("attainment", "attainment", "rate"),
            col("status_text", "status", "text"),
        ),
        title=t("scorecard.league_title", lang),
    )
    return [main, weekly, league_sheet]
