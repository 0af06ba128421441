"""The member lifecycle page's data model: the report and the repeat-purchase KPIs it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics import lifecycle as lc
from dashboard.metrics.compare import Delta

# Both repeat measures, named apart: the returning share of the period's payers, and the
# repurchase of the period's new customers within 90 / 180 / 365 days (maturing: "—").
REPEAT_KPIS: tuple[str, ...] = ("repeat_rate", "repurchase_90", "repurchase_180", "repurchase_365")
REPURCHASE_DAYS: tuple[int, ...] = (90, 180, 365)


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
    cohort_window: lc.CohortWindow
    data_end: datetime | None  # "data as of": where the cohorts are followed to
    tier_table: pd.DataFrame
    stage_tier: pd.DataFrame
    repeat: dict[str, Delta]
    is_empty: bool
    # Per repurchase window (90 / 180 / 365 days), the share of the period's new customers who
    # have had all of it by the last order day (None: no new customer). Below 1 it is maturing.
    repurchase_mature: dict[int, float | None] = field(default_factory=dict)

    def maturing(self) -> dict[str, int]:
        """The repurchase KPIs whose window is not over for every new customer: id -> days."""
        return {
            f"repurchase_{days}": days
            for days, share in self.repurchase_mature.items()
            if share is not None and share < 1
        }

    @property
    def last_step(self) -> tuple[date, date]:
        """The two snapshots of the transition table: the last month end and the period end."""
        return self.snapshots[-2], self.snapshots[-1]
