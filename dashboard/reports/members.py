"""Member lifecycle: stages at the period end, month-to-month flows, cohort retention, value tiers.

One warehouse pass does the work (queries/members_lifecycle.sql); what comes back is a
few thousand aggregated rows that dashboard.metrics.lifecycle turns
into the page's tables. The repeat-purchase rate is the registry's KPI, so it means the
same here as on the scorecard and the weekly review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics import lifecycle as lc
from dashboard.metrics.compare import Delta, compare
from dashboard.metrics.registry import kpi
from dashboard.reports import kpis
from dashboard.reports.members_sheets import (
    cohort_sheet,
    flow_sheet,
    rules,
    sheets,
    stage_sheet,
    stage_tier_sheet,
    tier_sheet,
    transition_sheet,
)
from dashboard.reports.sheet_display import display

__all__ = [
    "MembersData",
    "REPEAT_KPIS",
    "cohort_sheet",
    "display",
    "flow_sheet",
    "load",
    "rules",
    "sheets",
    "stage_sheet",
    "stage_tier_sheet",
    "tier_sheet",
    "transition_sheet",
]

# Both repeat measures, named apart: the returning share of the period's payers, and the
# repurchase of the period's new customers within 90 / 180 / 365 days (maturing: "—").
REPEAT_KPIS: tuple[str, ...] = ("repeat_rate", "repurchase_90", "repurchase_180", "repurchase_365")


@dataclass(frozen=True)
class MembersData:
    """What the member lifecycle page shows."""

    filters: Filters
    thresholds: lc.Thresholds
    tiers: lc.TierThresholds
    thresholds_ok: bool
    tiers_ok: bool
    months: int
    snapshots: tuple[date, ...]
    stages: pd.DataFrame
    prospects: int
    counts: pd.DataFrame
    flows: pd.DataFrame
    transitions: pd.DataFrame
    cohorts: pd.DataFrame
    tier_table: pd.DataFrame
    stage_tier: pd.DataFrame
    repeat: dict[str, Delta]
    is_empty: bool

    @property
    def last_step(self) -> tuple[date, date]:
        """The two snapshots of the transition table: the last month end and the period end."""
        return self.snapshots[-2], self.snapshots[-1]


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
    first_cohort, last_cohort = lc.cohort_window(filters.end)
    # The lifecycle and the repeat-rate reads at once (the KPI reads overlap the big group-by).
    repeat = kpis.plan(
        [kpis.Read(REPEAT_KPIS, filters), kpis.Read(REPEAT_KPIS, filters.previous())], scope
    )
    frame, *repeat_frames = data.run_all(
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
            first_cohort=first_cohort,
            last_cohort=last_cohort,
        ),
        *repeat.queries,
    )
    # Nearly every row is a path: split those off once, then the few others.
    is_path = (frame["section"] == "path").to_numpy()
    paths = frame[is_path]
    rest = frame[~is_path]
    mix = rest[(rest["section"] == "mix").to_numpy()]
    cohorts = rest[(rest["section"] == "cohort").to_numpy()].rename(
        columns={"customers": "cohort_customers"}
    )
    decoded = lc.decode_paths(paths, len(snapshots))
    shown = snapshots[-(months + 1) :]
    flows = lc.flows(decoded, snapshots, months)
    last = flows[(flows["end"] == snapshots[-1]).to_numpy()]
    stages = lc.stage_summary(mix)
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
        cohorts=lc.retention_table(cohorts, filters.end),
        tier_table=lc.tier_summary(mix),
        stage_tier=lc.stage_tier_table(mix),
        repeat=_repeat(*repeat.measures(repeat_frames)),
        is_empty=int(stages["customers"].sum()) == 0,
    )


def _repeat(measured_now: pd.DataFrame, measured_before: pd.DataFrame) -> dict[str, Delta]:
    """The registry's repeat-purchase rate now against the previous period of equal length."""
    now = kpis.totals_of(measured_now, REPEAT_KPIS)
    before = kpis.totals_of(measured_before, REPEAT_KPIS)
    return {k: compare(now[k], before[k], kpi(k).higher_is_better) for k in REPEAT_KPIS}
