"""The weekly review's report type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard.metrics import weekly as wm
from dashboard.metrics.periods import Period
from dashboard.metrics.target_scope import TargetScope


@dataclass(frozen=True)
class WeeklyData:
    """What the weekly review shows."""

    week: Period
    data_end: date
    target_scope: TargetScope | None
    target_scope_names: tuple[str, str] | None
    headlines: tuple[wm.Headline, ...]
    movers: dict[str, tuple[pd.DataFrame, pd.DataFrame]]
    campaigns: pd.DataFrame
    campaign: str | None
    north_star: wm.NorthStar | None
    north_star_narrowing: tuple[str, ...]
    is_empty: bool
    arrival_basis: str = "appointments"  # 到诊率's definition (registry.arrival_basis)

    @property
    def last_week(self) -> Period:
        """The week before the reviewed week."""
        return self.week.previous()

    @property
    def average_weeks(self) -> Period:
        """The four weeks before the reviewed week (the 4-week average's span)."""
        start = self.week.start - timedelta(weeks=wm.AVERAGE_WEEKS)
        return Period("week", start, self.week.start - timedelta(days=1))
