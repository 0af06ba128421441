"""A/B red-black board (效果红黑榜): every experiment in the period, each treatment against control.

"Experiments in the period" are those whose run overlaps it (started on or before its last
day and not ended before its first day). Each is measured on all its exposures from its start
up to the end of the period, in the clinics the filters and the viewer's scope allow (city,
specialty, clinic; exposures carry no channel, so the channel filter does not apply). The SQL
returns per-variant and per-day aggregates only; the statistics run on those in
dashboard/metrics (abtest, abtest_board, abtest_timeline).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import data
from dashboard.export.sheet import Sheet
from dashboard.filters import Filters, Scope
from dashboard.metrics.abtest import mean_interval, wilson_interval
from dashboard.metrics.abtest_board import DEFAULT_TARGET_LIFT, BoardSettings, evaluate, ranked
from dashboard.metrics.abtest_timeline import cumulative_lifts, recent_traffic
from dashboard.metrics.arithmetic import safe_div
from dashboard.reports.experiments_sheets import export_sheets

TARGET_LIFTS = (0.05, 0.10, 0.15, 0.20, 0.30)
LISTS = ("red", "black", "attention", "inconclusive", "too_early")


@dataclass(frozen=True)
class ExperimentsData:
    """What the red-black board shows."""

    filters: Filters
    settings: BoardSettings
    experiments: pd.DataFrame  # one row per experiment: metadata, units, SRM, outcome
    variants: pd.DataFrame  # one row per variant: units, rate/mean with intervals, guardrail
    board: pd.DataFrame  # one row per treatment-vs-control comparison, with its verdict
    timeline: pd.DataFrame  # cumulative lift per treatment and day
    channel_ignored: bool  # a channel filter was set; it does not apply to exposures
    is_empty: bool
    lists: dict[str, pd.DataFrame]  # verdict -> its comparisons in list order (built once)

    def listed(self, verdict: str) -> pd.DataFrame:
        """The comparisons on one list, in the list's order."""
        return self.lists[verdict] if verdict in self.lists else ranked(self.board, verdict)

    def counts(self) -> dict[str, int]:
        """How many comparisons each list holds, plus experiments and comparisons overall."""
        out = {v: int((self.board["verdict"] == v).sum()) for v in LISTS}
        out["experiments"] = len(self.experiments)
        out["comparisons"] = int(self.board["variant_code"].notna().sum())
        return out


def load(
    filters: Filters, scope: Scope, target_lift: float = DEFAULT_TARGET_LIFT
) -> ExperimentsData:
    """The board for the experiments overlapping the period, under the filters and scope."""
    return data.report(_load, filters, scope, target_lift=target_lift)


def _load(filters: Filters, scope: Scope, target_lift: float) -> ExperimentsData:
    """The report itself (``load`` caches it)."""
    experiments = data.run("experiments_list", filters, scope)
    variants = data.run("experiments_variants", filters, scope)
    daily = data.run("experiments_daily", filters, scope)
    # An experiment with no exposures in the viewer's clinics is not on this viewer's board.
    units = variants.groupby("experiment_id")["units"].sum()
    live = set(units[units > 0].index)
    experiments = experiments[experiments["experiment_id"].isin(live)].reset_index(drop=True)
    variants = variants[variants["experiment_id"].isin(live)].reset_index(drop=True)
    daily = daily[daily["experiment_id"].isin(live)].reset_index(drop=True)
    settings = BoardSettings(target_lift=target_lift)
    board = evaluate(experiments, variants, recent_traffic(daily), settings)
    named = _with_names(board, experiments, variants)
    return ExperimentsData(
        filters=filters,
        settings=settings,
        experiments=_experiment_table(experiments, variants, board),
        variants=_variant_table(experiments, variants),
        board=named,
        timeline=cumulative_lifts(daily, experiments),
        channel_ignored=bool(filters.channels),
        is_empty=experiments.empty,
        lists={v: ranked(named, v) for v in LISTS},
    )


def _with_names(board: pd.DataFrame, experiments: pd.DataFrame, variants: pd.DataFrame):
    meta = experiments[["experiment_id", "code", "name_zh", "name_en", "started_on", "ended_on"]]
    names = variants[["experiment_id", "variant_code", "name_zh", "name_en"]]
    out = board.merge(meta, on="experiment_id", how="left")
    out = out.merge(
        names.rename(columns={"name_zh": "variant_zh", "name_en": "variant_en"}),
        on=["experiment_id", "variant_code"],
        how="left",
    )
    control = names.rename(
        columns={"variant_code": "control_code", "name_zh": "control_zh", "name_en": "control_en"}
    )
    return out.merge(control, on=["experiment_id", "control_code"], how="left")


def _variant_table(experiments: pd.DataFrame, variants: pd.DataFrame) -> pd.DataFrame:
    """Per variant: observed against planned share, rate and mean with intervals, guardrail rate."""
    rows = []
    totals = variants.groupby("experiment_id")["units"].sum()
    shares = variants.groupby("experiment_id")["planned_share"].sum()
    metric = dict(zip(experiments["experiment_id"], experiments["metric"], strict=True))
    for v in variants.to_dict("records"):
        n, x = int(v["units"]), int(v["conversions"])
        rate = wilson_interval(x, n)
        mean = mean_interval(n, float(v["value_sum"]), float(v["value_sq_sum"]))
        rows.append(
            {
                **v,
                "metric": metric.get(v["experiment_id"]),
                "planned": safe_div(v["planned_share"], shares[v["experiment_id"]]),
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
    experiments: pd.DataFrame, variants: pd.DataFrame, board: pd.DataFrame
) -> pd.DataFrame:
    """Per experiment: metadata, units, the SRM check and its place on the board."""
    units = variants.groupby("experiment_id")["units"].sum().rename("units")
    per_exp = board.groupby("experiment_id").agg(
        srm_chi2=("srm_chi2", "first"),
        srm_p=("srm_p", "first"),
        srm_failed=("srm_failed", "first"),
        outcome=("verdict", lambda s: _outcome(list(s))),
    )
    out = experiments.merge(units, left_on="experiment_id", right_index=True, how="left")
    out = out.merge(per_exp, left_on="experiment_id", right_index=True, how="left")
    return out.assign(running=out["ended_on"].isna())


def _outcome(verdicts: list[str]) -> str:
    """An experiment's place on the board: the most telling verdict of its comparisons."""
    for v in ("attention", "red", "black", "inconclusive", "too_early"):
        if v in verdicts:
            return v
    return "inconclusive"


def sheets(report: ExperimentsData, lang: str) -> list[Sheet]:
    """The board's tables for Excel: the lists, all comparisons, experiments, variants, timeline."""
    return export_sheets(report, lang)
