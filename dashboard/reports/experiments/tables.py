"""The red-black board's tables: one column registry for the page (formatted) and Excel (typed).

Each table is a list of column keys. On the page a key is one formatted cell (e.g. a lift with
its interval); in Excel it expands into typed columns with units (lift, low, high; a value that
is a rate for proportion metrics, ¥ per unit for revenue and a plain number for other mean
metrics becomes one column per unit).

A row is one metric of one comparison: ``metric`` is its code (conversion and revenue for the
main metric, the chain's own code for a further one), ``kind`` proportion or mean.

In Excel a page cell such as "lift [low, high]" becomes three columns; a value that is a rate
for proportion metrics and ¥ per unit for revenue becomes two (one of them empty per row), and
a third, a plain number, when the board has a further mean metric that is not money.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import DASH, currency_unit, fmt_date, fmt_delta, fmt_value
from dashboard.i18n import t
from dashboard.metrics.arithmetic import is_missing
from dashboard.metrics.rows import object_frame, records
from dashboard.reports.experiments.model import ExperimentsData, is_further

LIST_COLUMNS: dict[str, list[str]] = {
    "red": ["experiment", "variant", "metric", "values", "abs_ci", "rel_ci", "p_value",
            "p_adjusted", "chance_to_beat", "guardrail", "units_pair"],
    "black": ["experiment", "variant", "metric", "values", "abs_ci", "rel_ci", "p_value",
              "p_adjusted", "chance_to_beat", "guardrail", "units_pair"],
    "attention": ["experiment", "variant", "reason", "srm_p", "metric", "rel_ci", "p_adjusted",
                  "guardrail", "units_pair"],
    "inconclusive": ["experiment", "variant", "metric", "rel_ci", "p_value", "p_adjusted",
                     "chance_to_beat", "mde_rel", "needed_units", "remaining_units",
                     "days_needed"],
    "too_early": ["experiment", "variant", "units_pair", "conv_pair", "units_short",
                  "conversions_short", "days_to_minimum"],
    "all": ["experiment", "variant", "verdict", "metric", "units_pair", "conv_pair", "values",
            "abs_ci", "rel_ci", "p_value", "p_adjusted", "chance_to_beat", "srm_p",
            "guardrail", "mde_rel", "needed_units", "days_needed"],
    "detail": ["metric", "variant", "verdict", "values", "abs_ci", "rel_ci", "p_value", "p_adjusted",
               "chance_to_beat", "guardrail", "mde_rel", "needed_units", "days_needed"],
}  # fmt: skip
# Page cells that hold two figures; in Excel each becomes its own columns.
PAIRS = {
    "values": ("control_value", "treatment_value"),
    "units_pair": ("units_c", "units_t"),
    "conv_pair": ("conv_c", "conv_t"),
}
TIMELINE_COLUMNS = ["day", "variant", "units_pair", "rel_ci", "abs_ci", "p_value"]
VARIANT_COLUMNS = ["variant", "role", "planned", "observed", "units", "conversions", "rate_ci",
                   "mean_ci", "guard_rate"]  # fmt: skip

# Plain numeric keys: key -> unit.
PLAIN = {
    "units_c": "count", "units_t": "count", "conv_c": "count", "conv_t": "count",
    "units": "count", "conversions": "count", "units_short": "count",
    "conversions_short": "count", "needed_units": "count", "remaining_units": "count",
    "p_value": "number", "p_adjusted": "number", "srm_p": "number", "chance_to_beat": "rate",
    "mde_rel": "rate", "days_needed": "days", "days_to_minimum": "days", "planned": "rate",
    "observed": "rate", "guard_rate": "rate", "day": "date",
}  # fmt: skip


def label(key: str, lang: str) -> str:
    """The header of a column key."""
    return t(f"abtest.col.{key}", lang)


MINUS = "\u2212"  # the typographic minus, as fmt_delta writes it


def _pct(x) -> str:
    return DASH if is_missing(x) else f"{float(x):+.1%}".replace("-", MINUS)


def _p(x) -> str:
    if is_missing(x):
        return DASH
    return "<0.0001" if float(x) < 0.0001 else f"{float(x):.4f}"


def _p_eq(x) -> str:
    """A p-value after "p": "= 0.0123" or "< 0.0001"."""
    if is_missing(x):
        return DASH
    return "< 0.0001" if float(x) < 0.0001 else f"= {float(x):.4f}"


def metric_unit(row: dict) -> str:
    """The unit of a row's metric: rate (proportions), money (revenue), ratio (other means)."""
    metric = row.get("metric")
    metric = "conversion" if is_missing(metric) or not metric else str(metric)
    kind = row.get("kind")
    if is_missing(kind) or not kind:
        kind = "mean" if metric == "revenue" else "proportion"
    if kind == "proportion":
        return "rate"
    return "money" if metric == "revenue" else "ratio"


def metric_name(row: dict, lang: str) -> str:
    """A row's metric as read: the main metric's catalogue name, a further metric's own name."""
    metric = row.get("metric")
    metric = "conversion" if is_missing(metric) or not metric else str(metric)
    name = row.get(f"metric_{lang}")
    if _true(row.get("is_primary")) or is_missing(row.get("is_primary")) or is_missing(name):
        if metric in ("conversion", "revenue"):
            return t("abtest.metric.main", lang, name=t(f"abtest.metric.{metric}", lang))
        return metric if is_missing(name) else str(name)
    return str(name)


def _points(x) -> str:
    """A rate difference in percentage points without its unit (interval bounds)."""
    return f"{float(x) * 100:+.1f}".replace("-", MINUS)


def _ci(est, lo, hi, fmt, bound_fmt=None) -> str:
    if is_missing(est):
        return DASH
    if is_missing(lo) or is_missing(hi):
        return fmt(est)
    bound = bound_fmt or fmt
    return f"{fmt(est)} [{bound(lo)}, {bound(hi)}]"


def _name(row: dict, prefix: str, lang: str) -> str:
    code = row.get(f"{prefix}_code") if prefix != "experiment" else None
    name = row.get(f"{prefix}_{lang}") if prefix != "experiment" else row.get(f"name_{lang}")
    if is_missing(name):
        return DASH
    return f"{code} · {name}" if code else str(name)


def _true(x) -> bool:
    """True only for a present, truthy flag (NaN and None are not True)."""
    return not is_missing(x) and x is not None and bool(x)


def _guardrail(row: dict, lang: str) -> str:
    reason = row.get("guard_reason")
    if not _true(row.get("has_guardrail")) or reason == "none":
        return t("abtest.guard.none", lang)
    if reason == "not_tracked" or is_missing(row.get("guard_diff")):
        return t("abtest.guard.not_tracked", lang)
    status = "worse" if _true(row.get("guard_worse")) else "ok"
    diff = fmt_delta(float(row["guard_diff"]), "rate", lang)
    return t(f"abtest.guard.{status}", lang, diff=diff, p=_p_eq(row.get("guard_p")))


def _reason(row: dict, lang: str) -> str:
    reason = row.get("reason")
    if is_missing(reason) or not reason:
        return DASH
    return t(f"abtest.reason.{reason}", lang, p=_p_eq(row.get("srm_p")))


def cell(row: dict, key: str, lang: str) -> str:
    """One formatted cell of a board or variant row."""
    metric = row.get("metric") or "conversion"
    unit = metric_unit(row)
    if key == "experiment":
        return _name(row, "experiment", lang)
    if key in ("variant", "control"):
        return _name(row, key, lang)
    if key == "metric":
        return metric_name(row, lang)
    if key == "day":
        return fmt_date(as_date(row.get("day")))
    if key == "verdict":
        return t(f"abtest.verdict.{row['verdict']}", lang)
    if key == "role":
        return t("abtest.role.control" if row.get("is_control") else "abtest.role.treatment", lang)
    if key in ("control_value", "treatment_value"):
        v = row.get(key)
        return fmt_value(None if is_missing(v) else float(v), unit, lang)
    if key == "values":
        return " → ".join(cell(row, k, lang) for k in PAIRS[key])
    if key in PAIRS:
        return " / ".join(cell(row, k, lang) for k in PAIRS[key])
    if key == "abs_ci":
        fmt = lambda x: fmt_delta(None if is_missing(x) else float(x), unit, lang)  # noqa: E731
        bound = _points if unit == "rate" else fmt
        return _ci(row.get("abs_lift"), row.get("abs_lo"), row.get("abs_hi"), fmt, bound)
    if key == "rel_ci":
        return _ci(row.get("rel_lift"), row.get("rel_lo"), row.get("rel_hi"), _pct)
    if key == "rate_ci":
        fmt = lambda x: fmt_value(float(x), "rate", lang)  # noqa: E731
        return _ci(row.get("rate"), row.get("rate_lo"), row.get("rate_hi"), fmt)
    if key == "mean_ci":
        if metric != "revenue":
            return DASH
        fmt = lambda x: fmt_value(float(x), "money", lang)  # noqa: E731
        return _ci(row.get("mean"), row.get("mean_lo"), row.get("mean_hi"), fmt)
    if key == "guardrail":
        return _guardrail(row, lang)
    if key == "reason":
        return _reason(row, lang)
    if key in ("p_value", "p_adjusted", "srm_p"):
        return _p(row.get(key))
    if key == "mde_rel":
        v = row.get(key)
        return DASH if is_missing(v) else f"±{float(v):.1%}"
    v = row.get(key)
    return fmt_value(None if is_missing(v) else float(v), PLAIN.get(key, "number"), lang)


def display(frame: pd.DataFrame, keys: list[str], lang: str) -> pd.DataFrame:
    """The table as the page shows it: formatted text cells under translated headers."""
    return display_rows(records(frame), keys, lang)


def display_rows(rows: list[dict], keys: list[str], lang: str) -> pd.DataFrame:
    """``display`` on rows already turned into dicts."""
    headers = [label(k, lang) for k in keys]
    # One object block of text cells: pandas would otherwise infer a string type per column
    # (an Arrow array each), which cost more than formatting the cells.
    return object_frame([[cell(r, k, lang) for k in keys] for r in rows], headers)


@dataclass(frozen=True)
class ExperimentDetail:
    """One experiment as the detail section shows it."""

    meta: dict[str, str]
    comparisons: pd.DataFrame
    variants: pd.DataFrame
    timeline: pd.DataFrame  # label, day, rel_lift, rel_lo, rel_hi … for the chart
    timeline_table: pd.DataFrame  # the table beneath the chart
    metric: str


def detail(report: ExperimentsData, experiment_id: int, lang: str) -> ExperimentDetail:
    """The hypothesis, owner, dates, metric, comparisons, variants and timeline of one experiment."""
    exp = report.experiments.iloc[report.experiments["experiment_id"].tolist().index(experiment_id)]
    running = is_missing(exp["ended_on"]) or exp["ended_on"] is None
    board = report.board.iloc[_rows_of(report.board, experiment_id)]
    meta = {
        "name": str(exp[f"name_{lang}"]),
        "code": str(exp["code"]),
        "hypothesis": str(exp[f"hypothesis_{lang}"]),
        "owner": str(exp["owner"]),
        "surface": t(f"abtest.surface.{exp['surface']}", lang),
        "metric": _metrics_text(exp["metric"], board, lang),
        "dates": t(
            "abtest.dates_running" if running else "abtest.dates_ended",
            lang,
            start=fmt_date(as_date(exp["started_on"])),
            end=DASH if running else fmt_date(as_date(exp["ended_on"])),
        ),
        "units": fmt_value(float(exp["units"]), "count", lang),
        "srm": _srm_text(exp, lang),
        "guardrail": t(
            "abtest.guardrail_yes" if exp["has_guardrail"] else "abtest.guardrail_no", lang
        ),  # fmt: skip
    }
    variants = report.variants.iloc[_rows_of(report.variants, experiment_id)]
    variant_rows = [_variant_row(v) for v in records(variants)]
    names = {v["variant_code"]: v[f"variant_{lang}"] for v in variant_rows}
    timeline = report.timeline.iloc[_rows_of(report.timeline, experiment_id)]
    codes = timeline["variant_code"].tolist()
    added = pd.DataFrame(
        {
            "label": [f"{c} · {names.get(c, c)}" for c in codes],
            "metric": exp["metric"],
            f"variant_{lang}": [names.get(c) for c in codes],
        },
        index=timeline.index,
    )
    timeline = pd.concat([timeline, added], axis=1)
    return ExperimentDetail(
        meta=meta,
        comparisons=display(board, LIST_COLUMNS["detail"], lang),
        variants=display_rows(variant_rows, VARIANT_COLUMNS, lang),
        timeline=timeline,
        timeline_table=display_rows(records(timeline)[::-1], TIMELINE_COLUMNS, lang),
        metric=str(exp["metric"]),
    )


def _metrics_text(main: str, board: pd.DataFrame, lang: str) -> str:
    """The main metric, and the further metrics the experiment is also measured on."""
    text = t(f"abtest.metric.{main}", lang)
    if "is_primary" not in board:
        return text
    names, seen = [], set()
    for row in records(board):
        if is_further(row.get("is_primary")) and row["metric"] not in seen:
            seen.add(row["metric"])
            names.append(metric_name(row, lang))
    if not names:
        return text
    sep = "、" if lang == "zh" else ", "
    return t("abtest.metric.with_further", lang, main=text, further=sep.join(names))


def _rows_of(frame: pd.DataFrame, experiment_id: int) -> slice | list[int]:
    """Positions of an experiment's rows: a slice when they are contiguous, as the report
    builds them (a slice is a view; taking rows copies every string column)."""
    pos = [i for i, e in enumerate(frame["experiment_id"].tolist()) if e == experiment_id]
    if pos and pos == list(range(pos[0], pos[-1] + 1)):
        return slice(pos[0], pos[-1] + 1)
    return pos


def _variant_row(row: dict) -> dict:
    """A variant row with its names under the keys the cell formatter reads (as ``variant_names``)."""
    return {VARIANT_NAMES.get(k, k): v for k, v in row.items()}


def forest_frame(report: ExperimentsData, lang: str) -> pd.DataFrame:
    """The forest plot's rows: every comparison, labelled, grouped by list in board order."""
    # ``ordered`` holds the lists one after another, each in its order.
    rows = report.ordered
    names, codes = rows[f"name_{lang}"].tolist(), rows["variant_code"].tolist()
    keep = [i for i, code in enumerate(codes) if not is_missing(code)]
    further = [is_further(p) for p in rows["is_primary"].tolist()] if "is_primary" in rows else []
    metrics = rows[f"metric_{lang}"].tolist() if further else []
    out = {
        "label": [
            f"{names[i]} · {codes[i]}" + (f" · {metrics[i]}" if further and further[i] else "")
            for i in keep
        ]
    }
    for k in ("verdict", "rel_lift", "rel_lo", "rel_hi"):
        values = rows[k].tolist()
        out[k] = [values[i] for i in keep]
    return pd.DataFrame(out, index=keep)


def experiment_options(report: ExperimentsData, lang: str) -> dict[int, str]:
    """Experiment id -> "name (code)" for the detail picker, most recent first."""
    e = report.experiments
    return {
        int(i): f"{n} ({c})"
        for i, n, c in zip(e["experiment_id"], e[f"name_{lang}"], e["code"], strict=True)
    }


VARIANT_NAMES = {"name_zh": "variant_zh", "name_en": "variant_en"}


def variant_names(variants: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Variant rows with their names under the keys the cell formatter reads."""
    return variants.rename(columns=VARIANT_NAMES)


def as_date(value):
    """A date from a date, timestamp or string; None when missing."""
    return pd.Timestamp(value).date() if not is_missing(value) and value is not None else None


def _srm_text(exp, lang: str) -> str:
    if is_missing(exp.get("srm_p")):
        return DASH
    key = "abtest.srm_failed" if _true(exp["srm_failed"]) else "abtest.srm_ok"
    return t(key, lang, p=_p_eq(exp["srm_p"]), chi2=f"{float(exp['srm_chi2']):.2f}")


# The tables for Excel.

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
        # Without a metric column every row is read as the default (it failed with TypeError).
        given = self.get("metric") or [None] * len(self.frame)
        metrics = [DEFAULT_METRIC if is_missing(m) else m for m in given]
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


# (column key, header, unit, values): values None when the frame lacks the column.
_Expanded = tuple[str, str, str, list | None]


def _expand(cols: _Columns, key: str, lang: str) -> list[_Expanded]:
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
        out: list[_Expanded] = [(key, header, "text", texts)]
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


def sheets(report: ExperimentsData, lang: str) -> list[Sheet]:
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
