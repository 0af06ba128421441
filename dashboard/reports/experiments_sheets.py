"""The red-black board for Excel: the page's tables with typed columns and a unit per column.

A page cell such as "lift [low, high]" becomes three columns; a value that is a rate for
proportion metrics and ¥ per unit for revenue becomes two (one of them empty per row), and a
third, a plain number, when the board has a further mean metric that is not money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import currency_unit
from dashboard.i18n import t
from dashboard.metrics.arithmetic import is_missing
from dashboard.metrics.rows import records
from dashboard.reports.experiments_tables import (
    LIST_COLUMNS,
    PAIRS,
    PLAIN,
    VARIANT_COLUMNS,
    as_date,
    cell,
    label,
    metric_unit,
    variant_names,
)

if TYPE_CHECKING:
    from dashboard.reports.experiments import ExperimentsData


DEFAULT_METRIC = "conversion"  # a row without a metric is read as a conversion test
# The value columns per unit of a metric: (unit, its header suffix's catalogue key).
VALUE_UNITS = (("rate", "abtest.suffix.rate"), ("money", "abtest.suffix.money"),
               ("ratio", "abtest.suffix.ratio"))  # fmt: skip


class _Columns:
    """A frame's columns as lists, and its rows as dicts, each built at most once per table."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._lists: dict[str, list] = {}
        self._rows: list[dict] | None = None

    def get(self, col: str) -> list | None:
        """The column's values, or None when the frame has no such column."""
        if col not in self.frame:
            return None
        if col not in self._lists:
            self._lists[col] = self.frame[col].tolist()
        return self._lists[col]

    def rows(self) -> list[dict]:
        """Every row as a dict (for the page's cell formatter)."""
        if self._rows is None:
            self._rows = records(self.frame)
        return self._rows

    def by_metric(self, col: str, metric: str) -> list:
        """The column where the row's test is on ``metric``, None elsewhere."""
        values = self.get(col)
        if values is None:
            return [None] * len(self.frame)
        metrics = [DEFAULT_METRIC if is_missing(m) else m for m in self.get("metric")]
        return [v if m == metric else None for v, m in zip(values, metrics, strict=True)]

    def units(self) -> list[str]:
        """The unit of each row's metric (rate, money or ratio)."""
        if "unit" not in self._lists:
            self._lists["unit"] = [metric_unit(r) for r in self.rows()]
        return self._lists["unit"]

    def by_unit(self, col: str, unit: str) -> list:
        """The column where the row's metric is in ``unit``, None elsewhere."""
        values = self.get(col)
        if values is None:
            return [None] * len(self.frame)
        return [v if u == unit else None for v, u in zip(values, self.units(), strict=True)]

    def value_units(self, lang: str) -> list[tuple[str, str]]:
        """(unit, header suffix) of the value columns: rate and money always, ratio if used."""
        units = set(self.units())
        return [
            (unit, t(key, lang, currency=currency_unit(lang)))
            for unit, key in VALUE_UNITS
            if unit != "ratio" or "ratio" in units
        ]


def _expand(cols: _Columns, key: str, lang: str) -> list[tuple[str, str, str, list | None]]:
    """(column key, header, unit, values) for one table key."""
    if key in PAIRS:
        return [column for part in PAIRS[key] for column in _expand(cols, part, lang)]
    header = t(f"abtest.xcol.{key}", lang) if key.endswith("_ci") else label(key, lang)
    low, high = t("abtest.suffix.low", lang), t("abtest.suffix.high", lang)
    if key in ("experiment", "variant", "control", "metric", "verdict", "role", "guardrail",
               "reason"):  # fmt: skip
        texts = [cell(r, key, lang) for r in cols.rows()]
        if key == "experiment":
            code = ("code", t("abtest.col.code", lang), "text", cols.get("code"))
            return [code, (key, header, "text", texts)]
        out = [(key, header, "text", texts)]
        if key == "guardrail":
            for col in ("guard_c", "guard_t", "guard_diff"):
                out.append((col, label(col, lang), "rate", cols.get(col)))
            out.append(("guard_p", label("guard_p", lang), "number", cols.get("guard_p")))
        return out
    if key in ("control_value", "treatment_value"):
        return [
            (f"{key}_{unit}", f"{header} ({suffix})", unit, cols.by_unit(key, unit))
            for unit, suffix in cols.value_units(lang)
        ]
    if key == "abs_ci":
        out = []
        for unit, suffix in cols.value_units(lang):
            for col, extra in (
                ("abs_lift", f" ({suffix})"),
                ("abs_lo", f" ({suffix}, {low})"),
                ("abs_hi", f" ({suffix}, {high})"),
            ):
                values = cols.by_unit(col, unit)
                out.append((f"{col}_{unit}", f"{header}{extra}", unit, values))
        return out
    if key in ("rel_ci", "rate_ci", "mean_ci"):
        est = {"rel_ci": "rel_lift", "rate_ci": "rate", "mean_ci": "mean"}[key]
        unit = "money" if key == "mean_ci" else "rate"
        lo, hi = {"rel_ci": ("rel_lo", "rel_hi"), "rate_ci": ("rate_lo", "rate_hi"),
                  "mean_ci": ("mean_lo", "mean_hi")}[key]  # fmt: skip
        # A mean value per unit is only a result in a revenue test (the page shows "—" else).
        pick = (lambda c: cols.by_metric(c, "revenue")) if key == "mean_ci" else cols.get
        return [
            (est, header, unit, pick(est)),
            (lo, f"{header} ({low})", unit, pick(lo)),
            (hi, f"{header} ({high})", unit, pick(hi)),
        ]
    return [(key, header, PLAIN.get(key, "number"), cols.get(key))]


def export(frame: pd.DataFrame, keys: list[str], lang: str) -> tuple[pd.DataFrame, tuple]:
    """The table for Excel: typed columns (unit per column) for the same rows and keys."""
    cols, data = [], {}
    source = _Columns(frame)
    for key in keys:
        for col, header, unit, values in _expand(source, key, lang):
            data[col] = _cells([] if values is None else values, len(frame))
            cols.append(Column(col, header, unit))
    return pd.DataFrame(data, columns=[c.key for c in cols]), tuple(cols)


def _cells(values: list, length: int) -> pd.Series:
    """A column for the workbook: missing values (None, NaN) become None, never NaN."""
    cells = [None if is_missing(v) or v is None else v for v in values] or [None] * length
    return pd.Series(cells, dtype=object if None in cells else None)


def export_sheets(report: ExperimentsData, lang: str) -> list[Sheet]:
    """Every table of the page, typed for Excel, with the board's definitions as notes."""
    notes = (t("abtest.definitions", lang), t("abtest.method", lang))
    out = []
    for name in ("red", "black", "attention", "inconclusive", "too_early"):
        frame, cols = export(report.listed(name), LIST_COLUMNS[name], lang)
        out.append(Sheet(t(f"abtest.sheet.{name}", lang), frame, cols,
                         t(f"abtest.list.{name}", lang), notes))  # fmt: skip
    frame, cols = export(report.board, LIST_COLUMNS["all"], lang)
    out.append(
        Sheet(t("abtest.sheet.all", lang), frame, cols, t("abtest.forest_title", lang), notes)
    )
    out.append(_experiments_sheet(report, lang, notes))
    variants = variant_names(report.variants, lang).merge(
        report.experiments[["experiment_id", "code", "name_zh", "name_en"]], on="experiment_id"
    )
    frame, cols = export(variants, ["experiment", *VARIANT_COLUMNS], lang)
    out.append(Sheet(t("abtest.sheet.variants", lang), frame, cols,
                     t("abtest.variants_title", lang), notes))  # fmt: skip
    out.append(_timeline_sheet(report, lang, notes))
    return out


def _experiments_sheet(report: ExperimentsData, lang: str, notes) -> Sheet:
    e = report.experiments
    frame = pd.DataFrame(
        {
            "code": e["code"],
            "name": e[f"name_{lang}"],
            "owner": e["owner"],
            "surface": [t(f"abtest.surface.{s}", lang) for s in e["surface"]],
            "metric": [t(f"abtest.metric.{m}", lang) for m in e["metric"]],
            "started_on": [as_date(d) for d in e["started_on"]],
            "ended_on": [as_date(d) for d in e["ended_on"]],
            "hypothesis": e[f"hypothesis_{lang}"],
            "units": e["units"],
            "srm_p": _cells(e["srm_p"].tolist(), len(e)),
            "outcome": [
                t(f"abtest.verdict.{o}", lang) for o in e["outcome"].fillna("inconclusive")
            ],
        }
    )
    units = {"started_on": "date", "ended_on": "date", "units": "count", "srm_p": "number"}
    cols = tuple(Column(k, label(k, lang), units.get(k, "text")) for k in frame.columns)
    return Sheet(t("abtest.sheet.experiments", lang), frame, cols, t("abtest.experiments_title", lang),
                 notes)  # fmt: skip


def _timeline_sheet(report: ExperimentsData, lang: str, notes) -> Sheet:
    names = variant_names(report.variants, lang)[
        ["experiment_id", "variant_code", f"variant_{lang}"]
    ]
    meta = report.experiments[["experiment_id", "code", "name_zh", "name_en", "metric"]]
    tl = report.timeline.merge(meta, on="experiment_id").merge(
        names, on=["experiment_id", "variant_code"], how="left"
    )
    tl = tl.assign(day=[as_date(d) for d in tl["day"]])
    keys = ["experiment", "variant", "day", "units_pair", "rel_ci", "abs_ci", "p_value"]
    frame, cols = export(tl, keys, lang)
    title = t("abtest.cumulative_title", lang)
    return Sheet(t("abtest.sheet.timeline", lang), frame, cols, title, notes)
