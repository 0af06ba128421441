"""Turning a load result into text for the command line, or a table for a page or a workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dashboard.i18n import t
from dashboard.loading.problems import Problem

if TYPE_CHECKING:
    from dashboard.loading.loader import LoadResult


def format_report(result: LoadResult, lang: str) -> str:
    """The load's outcome as plain text in ``lang``: tables loaded, or every listed problem."""
    lines: list[str] = []
    if result.ok:
        mode = "" if result.mode == "replace" else f"_{result.mode}"
        count = len(result.tables)
        head = f"load.report.ok{mode}"
        head = _one(head, count) if mode else head
        lines.append(t(head, lang, batch=result.batch_id, count=count))
        for name, rows in result.tables.items():
            key = _one(f"load.report.table{mode}", rows)
            removed = result.counts[name].removed if name in result.counts else 0
            lines.append(
                "  "
                + t(
                    key,
                    lang,
                    table=name,
                    rows=f"{rows:,}",
                    new=f"{rows - removed:,}",
                    replaced=f"{removed:,}",
                )
            )
    else:
        count = result.problem_count
        lines.append(t(_one("load.report.failed", count), lang, count=f"{count:,}"))
        lines.extend("  " + describe(p, lang) for p in result.problems)
        if result.omitted:
            key = _one("load.report.omitted", result.omitted)
            lines.append("  " + t(key, lang, count=f"{result.omitted:,}"))
    if result.warnings:
        lines.append(t("load.report.warnings", lang))
        lines.extend("  " + describe(w, lang) for w in result.warnings)
    return "\n".join(lines)


def _one(key: str, count: int) -> str:
    # English needs the singular for exactly one; the catalogue keeps it as a "_one" key.
    return f"{key}_one" if count == 1 else key


def describe(problem: Problem, lang: str) -> str:
    """One problem as a line: where it is, then why."""
    reason = problem.reason_in(lang)
    where = _where(problem, lang)
    return t("load.report.line", lang, where=where, reason=reason) if where else reason


def _where(p: Problem, lang: str) -> str:
    if p.row is not None and p.column:
        return t("load.report.at_cell", lang, file=p.file, row=p.row, column=p.column)
    if p.column:
        return t("load.report.at_column", lang, file=p.file, column=p.column)
    if p.row is not None:
        return t("load.report.at_row", lang, file=p.file, row=p.row)
    return p.file


def problems_as_frame(result: LoadResult, lang: str | None = None) -> pd.DataFrame:
    """The listed problems as a frame: file, row, column, reason (in ``lang`` if given)."""
    return pd.DataFrame(
        {
            "file": [p.file for p in result.problems],
            "row": pd.array([p.row for p in result.problems], dtype="Int64"),
            "column": [p.column for p in result.problems],
            "reason": [p.reason_in(lang) if lang else p.reason for p in result.problems],
        }
    )
