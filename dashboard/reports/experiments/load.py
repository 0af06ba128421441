"""A/B red-black board (效果红黑榜): every experiment in the period, each treatment against control.

"Experiments in the period" are those whose run overlaps it (started on or before its last
day and not ended before its first day). Each is measured on all its exposures from its start
up to the end of the period, in the clinics the filters and the viewer's scope allow (city,
specialty, clinic; exposures carry no channel, so the channel filter does not apply). The SQL
returns per-variant and per-day aggregates only; the statistics run on those in
dashboard/metrics (abtest, abtest_board, abtest_timeline).

Each experiment is on the board with its main metric (experiments.metric) and every further
metric of experiment_metrics (one row per metric and treatment, each with its own statistics,
and BH across all of them); the cumulative timeline follows the main metric.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics.abtest import mean_interval
from dashboard.metrics.abtest_board import (
    DEFAULT_TARGET_LIFT,
    RANK_COLUMNS,
    BoardSettings,
    board_frame,
    evaluate_rows,
    ranked_positions,
    records,
)
from dashboard.metrics.abtest_timeline import cumulative_lifts, recent_traffic
from dashboard.metrics.arithmetic import safe_div
from dashboard.metrics.intervals import wilson
from dashboard.page_context import PageContext
from dashboard.reports.experiments.model import LISTS, ExperimentsData


def load(
    filters: Filters, scope: Scope, target_lift: float = DEFAULT_TARGET_LIFT
) -> ExperimentsData:
    """The board for the experiments overlapping the period, under the filters and scope."""
    return data.report(_load, filters, scope, target_lift=target_lift)


def _load(filters: Filters, scope: Scope, target_lift: float) -> ExperimentsData:
    """The report itself (``load`` caches it)."""
    experiments, variants, daily, metrics = data.run_all(
        data.query("experiments_list", filters, scope),
        data.query("experiments_variants", filters, scope),
        data.query("experiments_daily", filters, scope),
        data.query("experiments_metrics", filters, scope),
    )
    # An experiment with no exposures in the viewer's clinics is not on this viewer's board.
    units: dict[int, int] = {}  # units per experiment, over all its variants
    for exp_id, n in zip(
        variants["experiment_id"].tolist(), variants["units"].tolist(), strict=True
    ):
        units[exp_id] = units.get(exp_id, 0) + n
    live = {exp_id for exp_id, n in units.items() if n > 0}
    unvalued = _unvalued(experiments, variants) & live
    live -= unvalued
    no_clinic = int(pd.to_numeric(variants["no_clinic_units"]).sum()) if len(variants) else 0
    unvalued_names = tuple(
        (str(r["code"]), str(r["name_zh"]), str(r["name_en"]))
        for r in records(experiments)
        if r["experiment_id"] in unvalued
    )
    experiments, variants, daily, metrics = (
        _only(f, live) for f in (experiments, variants, daily, metrics)
    )
    # The query results are a handful of rows: the statistics run on plain dicts, and each
    # table is framed once at the end (per-row pandas work would cost more than the SQL).
    exp_rows, arm_rows = records(experiments), records(variants)
    settings = BoardSettings(target_lift=target_lift)
    rows = evaluate_rows(exp_rows, arm_rows, recent_traffic(daily), settings, records(metrics))
    board = board_frame(_with_names(rows, exp_rows, arm_rows), NAME_COLUMNS)
    order, bounds = _list_order(rows)
    return ExperimentsData(
        filters=filters,
        settings=settings,
        experiments=_experiment_table(experiments, units, rows),
        variants=_variant_table(exp_rows, arm_rows, units),
        board=board,
        timeline=cumulative_lifts(daily, experiments),
        channel_ignored=bool(filters.channels),
        is_empty=experiments.empty,
        ordered=board if order == list(range(len(board))) else board.iloc[order],
        bounds=bounds,
        unvalued=unvalued_names,
        no_clinic_units=no_clinic,
    )


def _unvalued(experiments: pd.DataFrame, variants: pd.DataFrame) -> set[int]:
    """Revenue experiments with exposures whose value is not known (null)."""
    revenue = set(experiments.loc[experiments["metric"] == "revenue", "experiment_id"].tolist())
    if not revenue or variants.empty:
        return set()
    gap = pd.to_numeric(variants["units"]) - pd.to_numeric(variants["valued_units"])
    missing = variants.loc[gap.to_numpy() > 0, "experiment_id"].tolist()
    return {int(e) for e in missing if e in revenue}


def _list_order(rows: list[dict]) -> tuple[list[int], dict[str, tuple[int, int]]]:
    """Board positions list after list in each list's order, and each list's (start, stop)."""
    rank = {c: [r.get(c) for r in rows] for c in RANK_COLUMNS}
    order: list[int] = []
    bounds: dict[str, tuple[int, int]] = {}
    for verdict in LISTS:
        start = len(order)
        order.extend(ranked_positions(rank, verdict))
        bounds[verdict] = (start, len(order))
    return order, bounds


def _only(frame: pd.DataFrame, live: set[int]) -> pd.DataFrame:
    """The frame's rows of live experiments (the frame itself when all are)."""
    keep = [exp_id in live for exp_id in frame["experiment_id"].tolist()]
    return frame if all(keep) else frame[keep].reset_index(drop=True)


NAME_COLUMNS = ("code", "name_zh", "name_en", "started_on", "ended_on", "variant_zh",
                "variant_en", "control_zh", "control_en")  # fmt: skip


def _with_names(rows: list[dict], exp_rows: list[dict], arm_rows: list[dict]) -> list[dict]:
    """The board rows with the experiment's code, names and dates and both variants' names."""
    meta = {e["experiment_id"]: e for e in exp_rows}
    arms = {(a["experiment_id"], a["variant_code"]): a for a in arm_rows}
    for row in rows:
        exp = meta.get(row["experiment_id"])
        if exp is not None:
            row.update(
                {k: exp[k] for k in ("code", "name_zh", "name_en", "started_on", "ended_on")}
            )
        for role in ("variant", "control"):
            arm = arms.get((row["experiment_id"], row.get(f"{role}_code")))
            if arm is not None:
                row[f"{role}_zh"], row[f"{role}_en"] = arm["name_zh"], arm["name_en"]
    return rows


def _variant_table(
    exp_rows: list[dict], arm_rows: list[dict], totals: dict[int, int]
) -> pd.DataFrame:
    """Per variant: observed against planned share, rate and mean with intervals, guardrail rate."""
    shares: dict[int, list[float]] = {}
    for a in arm_rows:
        shares.setdefault(a["experiment_id"], []).append(a["planned_share"])
    # Correctly rounded (a plain sum gives 0.1 + 0.2 + 0.3 = 0.6000000000000001).
    share_sums = {exp_id: math.fsum(s) for exp_id, s in shares.items()}
    metric = {e["experiment_id"]: e["metric"] for e in exp_rows}
    rows = []
    for v in arm_rows:
        n, x = int(v["units"]), int(v["conversions"])
        rate = wilson(x, n)
        mean = mean_interval(n, float(v["value_sum"]), float(v["value_sq_sum"]))
        rows.append(
            {
                **v,
                "metric": metric.get(v["experiment_id"]),
                "planned": safe_div(v["planned_share"], share_sums[v["experiment_id"]]),
                "observed": safe_div(n, totals[v["experiment_id"]]),
                "rate": rate.estimate,
                "rate_lo": rate.low,
                "rate_hi": rate.high,
                "mean": mean.estimate,
                "mean_lo": mean.low,
                "mean_hi": mean.high,
                "guard_rate": safe_div(v["guardrail_events"], v["guardrail_units"]),
            }
        )
    return pd.DataFrame(rows)


def _experiment_table(
    experiments: pd.DataFrame, units: dict[int, int], rows: list[dict]
) -> pd.DataFrame:
    """Per experiment: metadata, units, the SRM check and its place on the board."""
    # Every comparison of an experiment carries the same SRM check: take the first row's. Its
    # place on the board is its main metric's; further metrics are shown, not summed up here.
    first: dict[int, dict] = {}
    verdicts: dict[int, list[str]] = {}
    further: dict[int, set[str]] = {}
    for row in rows:
        first.setdefault(row["experiment_id"], row)
        if row.get("is_primary") is False:
            further.setdefault(row["experiment_id"], set()).add(str(row["metric"]))
            continue
        verdicts.setdefault(row["experiment_id"], []).append(row["verdict"])
    ids = experiments["experiment_id"].tolist()
    nan = float("nan")

    def srm(key: str) -> list:
        return [_or_nan(first[i].get(key)) if i in first else nan for i in ids]

    added = pd.DataFrame(
        {
            "units": [units.get(i, nan) for i in ids],
            "srm_chi2": srm("srm_chi2"),
            "srm_p": srm("srm_p"),
            "srm_failed": srm("srm_failed"),
            "outcome": [_outcome(verdicts[i]) if i in verdicts else nan for i in ids],
            "running": [bool(pd.isna(d)) for d in experiments["ended_on"].tolist()],
            "further_metrics": [len(further.get(i, ())) for i in ids],
        },
        index=experiments.index,
    )
    return pd.concat([experiments, added], axis=1)


def _or_nan(x):
    return float("nan") if x is None else x


def _outcome(verdicts: list[str]) -> str:
    """An experiment's place on the board: the most telling verdict of its comparisons."""
    for v in ("attention", "red", "black", "inconclusive", "too_early"):
        if v in verdicts:
            return v
    return "inconclusive"


def build(ctx: PageContext) -> ExperimentsData:
    """The page's default view for the registry (the weekly pack and the benchmark)."""
    return load(ctx.filters, ctx.scope)
