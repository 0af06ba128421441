"""Member lifecycle: stages at the period end, month-to-month flows, cohort retention, value tiers.

One warehouse pass does the lifecycle (queries/members_lifecycle.sql); what comes back is a
few thousand aggregated rows that dashboard.metrics.lifecycle turns
into the page's tables. Cohort retention (queries/members_cohorts.sql) takes the
first-purchase months the period touches (the latest 24 at most) and follows each to the
data's end ("data as of"), read at the same time. The repeat-purchase rate is the
registry's KPI, so it means the same here as on the scorecard and the weekly review.
"""

from __future__ import annotations

import pandas as pd

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics import lifecycle as lc
from dashboard.metrics import maturity as mt
from dashboard.metrics.compare import Delta, compare
from dashboard.metrics.registry import kpi
from dashboard.page_context import PageContext
from dashboard.reports import kpis
from dashboard.reports.members.model import REPEAT_KPIS, REPURCHASE_DAYS, MembersData


def load(
    filters: Filters,
    scope: Scope,
    active_days: object = lc.DEFAULT_ACTIVE_DAYS,
    lapse_days: object = lc.DEFAULT_LAPSE_DAYS,
    tier_mid: object = lc.DEFAULT_TIER_MID,
    tier_high: object = lc.DEFAULT_TIER_HIGH,
    months: object = lc.DEFAULT_MONTHS,
) -> MembersData:
    """Lifecycle, flows, retention and tiers for the filters; odd control values fall back to defaults."""
    return data.report(
        _load,
        filters,
        scope,
        active_days=active_days,
        lapse_days=lapse_days,
        tier_mid=tier_mid,
        tier_high=tier_high,
        months=months,
    )


def _load(
    filters: Filters,
    scope: Scope,
    active_days: object,
    lapse_days: object,
    tier_mid: object,
    tier_high: object,
    months: object,
) -> MembersData:
    """The report itself (``load`` caches it)."""
    thresholds, thresholds_ok = lc.thresholds_or_default(active_days, lapse_days)
    tiers, tiers_ok = lc.tiers_or_default(tier_mid, tier_high)
    months = months if months in lc.MONTH_CHOICES else lc.DEFAULT_MONTHS
    snapshots = lc.snapshot_dates(filters.end, lc.MAX_MONTHS)
    window = lc.cohort_window(filters.start, filters.end)
    # The lifecycle and the repeat-rate reads at once (the KPI reads overlap the big group-by).
    repeat = kpis.plan(
        [kpis.Read(REPEAT_KPIS, filters), kpis.Read(REPEAT_KPIS, filters.previous())], scope
    )
    frame, cohort_frame, as_of_frame, *repeat_frames = data.run_all(
        data.query(
            "members_lifecycle",
            filters,
            scope,
            snapshots=snapshots,
            first_snapshot_month=lc.month_index(snapshots[0]),
            last_bit=len(snapshots) - 1,
            active_days=thresholds.active_days,
            lapse_days=thresholds.lapse_days,
            tier_mid=tiers.mid,
            tier_high=tiers.high,
        ),
        data.query(
            "members_cohorts",
            filters,
            scope,
            first_cohort_day=lc.month_start(window.first),
            after_cohort_day=lc.month_start(window.last + 1),
        ),
        data.query("data_as_of"),
        *repeat.queries,
    )
    # Nearly every row is a path: split those off once, then the few others.
    is_path = (frame["section"] == "path").to_numpy()
    paths = frame[is_path]
    rest = frame[~is_path]
    mix = rest[(rest["section"] == "mix").to_numpy()]
    data_end = data.as_of_time(as_of_frame)
    decoded = lc.decode_paths(paths, len(snapshots))
    shown = snapshots[-(months + 1) :]
    flows = lc.flows(decoded, snapshots, months)
    last = flows[(flows["end"] == snapshots[-1]).to_numpy()]
    stages = lc.stage_summary(mix)
    measured_now, measured_before = repeat.measures(repeat_frames)
    return MembersData(
        filters=filters,
        thresholds=thresholds,
        tiers=tiers,
        thresholds_ok=thresholds_ok,
        tiers_ok=tiers_ok,
        months=months,
        snapshots=tuple(shown),
        stages=stages,
        prospects=lc.prospects(mix),
        counts=lc.stage_counts(decoded, snapshots, since=len(snapshots) - len(shown)),
        flows=flows,
        transitions=lc.transition_table(last),
        cohorts=lc.retention_table(
            cohort_frame, window, data_end.date() if data_end is not None else None
        ),
        cohort_window=window,
        data_end=data_end,
        tier_table=lc.tier_summary(mix),
        stage_tier=lc.stage_tier_table(mix),
        repeat=_repeat(measured_now, measured_before),
        is_empty=int(stages["customers"].sum()) == 0,
        repurchase_mature=_repurchase_mature(measured_now),
    )


def _repurchase_mature(measured: pd.DataFrame) -> dict[int, float | None]:
    """Each repurchase window's share of the period's new customers who have had all of it."""
    row = measured.iloc[0] if not measured.empty else {}
    new = float(row.get("new_customers") or 0)
    return mt.shares({d: float(row.get(f"mature_{d}") or 0) for d in REPURCHASE_DAYS}, new)


def _repeat(measured_now: pd.DataFrame, measured_before: pd.DataFrame) -> dict[str, Delta]:
    """The registry's repeat-purchase rate now against the previous period of equal length."""
    now = kpis.totals_of(measured_now, REPEAT_KPIS)
    before = kpis.totals_of(measured_before, REPEAT_KPIS)
    return {k: compare(now[k], before[k], kpi(k).higher_is_better) for k in REPEAT_KPIS}


def build(ctx: PageContext) -> MembersData:
    """The page's default view for the registry (the weekly pack and the benchmark)."""
    return load(ctx.filters, ctx.scope)
