"""The data-health report in words: lines for ``opsdash load``, tables and warnings for the page."""

from __future__ import annotations

import unicodedata
from datetime import date

import pandas as pd

from dashboard import schema
from dashboard.formatting import DASH, fmt_value
from dashboard.i18n import has, t
from dashboard.metrics.arithmetic import Cell
from dashboard.reports.health.model import (
    FIELD_TABLES,
    FieldShare,
    Finding,
    Health,
    TableCoverage,
)

# Message values that name a table (shown by its label).
_TABLE_PARAMS = ("facts", "table")


def table_label(table: str, lang: str) -> str:
    """A table's name in ``lang`` with its file name, e.g. 线索 (leads)."""
    key = f"health.table.{table}"
    if not has(key):
        return file_name(table)
    # A table the warehouse builds (the calendar) has no file of its own.
    built = table in getattr(schema, "BUILT_TABLES", ())
    return t(key, lang) if built else f"{t(key, lang)} ({file_name(table)})"


def file_name(table: str) -> str:
    """The file name (without extension) that loads into ``table``, e.g. calendar_overrides."""
    aliases = getattr(schema, "FILE_ALIASES", {})  # file stem -> table, where they differ
    return next((stem for stem, name in aliases.items() if name == table), table)


def field_label(column: str, lang: str) -> str:
    """A column's name in ``lang`` with its header in the file, e.g. 咨询时间 (inquiry_at)."""
    key = f"health.field.{column}"
    return f"{t(key, lang)} ({column})" if has(key) else column


def _value(name: str, value: Cell, lang: str) -> str:
    if name in _TABLE_PARAMS:
        key = f"health.table.{value}"
        return t(key, lang) if has(key) else str(value)
    if name == "share":
        return fmt_value(float(value), "rate", lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def message(finding: Finding, lang: str) -> str:
    """A warning's sentence in ``lang``, its values filled in."""
    values = {k: _value(k, v, lang) for k, v in finding.params}
    return t(finding.message, lang, **values)


def pages(finding: Finding, lang: str) -> str:
    """The titles of the pages a warning affects, or "no page" when none shows it."""
    if not finding.pages:
        return t("health.no_page", lang)
    sep = "、" if lang == "zh" else ", "
    return sep.join(t(f"page.{p}", lang) for p in finding.pages)


def warning_line(finding: Finding, lang: str) -> str:
    """A warning with the pages it affects, on one line."""
    return t(
        "health.warning_line", lang, message=message(finding, lang), pages=pages(finding, lang)
    )


def coverage_text(cov: TableCoverage, lang: str) -> str:
    """A table's date coverage, "first – last", "—" when it has no rows or no dates."""
    if not cov.dated or cov.first is None or cov.last is None:
        return DASH
    return f"{cov.first.isoformat()} – {cov.last.isoformat()}"


def share_text(field: FieldShare, lang: str) -> str:
    """The filled share as a percentage ("—" for an empty table)."""
    return fmt_value(field.share, "rate", lang)


def lines(health: Health, lang: str) -> list[str]:
    """The report as plain text lines (the command line, after a load)."""
    out = [t("health.title_cli", lang)]
    labels = [table_label(c.table, lang) for c in health.tables]
    width = max(map(_width, labels), default=0)
    for cov, label in zip(health.tables, labels, strict=True):
        label += " " * (width - _width(label))
        out.append(f"  {label}  {cov.rows:>12,}  {coverage_text(cov, lang)}")
    current = None
    for field in health.fields:
        if field.table != current:
            current = field.table
            out.append(t("health.fields_of", lang, table=table_label(field.table, lang)))
        out.append(f"    {field_label(field.column, lang)}: {share_text(field, lang)}")
    if health.warnings:
        out.append(t("health.warnings_count", lang, count=len(health.warnings)))
        out.extend(f"  ! {warning_line(w, lang)}" for w in health.warnings)
    else:
        out.append(t("health.no_warnings", lang))
    return out


def format_health(health: Health, lang: str) -> str:
    """The report as text for the command line."""
    return "\n".join(lines(health, lang))


def tables_frame(health: Health, lang: str) -> pd.DataFrame:
    """Per table: name, rows, first and last day (headers in ``lang``)."""
    return pd.DataFrame(
        {
            t("health.col.table", lang): [table_label(c.table, lang) for c in health.tables],
            t("health.col.rows", lang): [c.rows for c in health.tables],
            t("health.col.first", lang): [
                _iso(c.first) if c.dated else DASH for c in health.tables
            ],
            t("health.col.last", lang): [_iso(c.last) if c.dated else DASH for c in health.tables],
        }
    )


def fields_frame(health: Health, table: str, lang: str) -> pd.DataFrame:
    """One table's optional columns: name, rows filling it, and the filled share."""
    fields = [f for f in health.fields if f.table == table]
    return pd.DataFrame(
        {
            t("health.col.field", lang): [field_label(f.column, lang) for f in fields],
            t("health.col.filled", lang): [f.filled for f in fields],
            t("health.col.share", lang): [share_text(f, lang) for f in fields],
        }
    )


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else DASH


def tables(report: Health, lang: str) -> list[object]:
    """What the page shows: each warning's message, the tables' coverage, each table's fields."""
    shown: list[object] = [message(finding, lang) for finding in report.warnings]
    shown.append(tables_frame(report, lang))
    return shown + [fields_frame(report, table, lang) for table in FIELD_TABLES]
