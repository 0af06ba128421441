"""The overview page's data model: the report and the KPIs its weekly trends show."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics.compare import Delta

TREND_KPIS: tuple[str, ...] = (
    "impressions",
    "inquiries",
    "arrivals",
    "paid_deals",
    "revenue",
    "spend",
)


@dataclass(frozen=True)
class OverviewData:
    """What the overview page shows."""

    filters: Filters
    deltas: dict[str, Delta]
    weekly: pd.DataFrame
    is_empty: bool
