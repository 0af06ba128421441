"""The funnel page's data model: the report and its generated sentences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics import funnel as fm
from dashboard.metrics import maturity as mt
from dashboard.metrics import traffic_retention as tr


@dataclass(frozen=True)
class FunnelData:
    """What the funnel page shows."""

    filters: Filters
    comparison_filters: Filters
    window: int | str  # days, or fm.NO_LIMIT
    dimension: str
    top_n: int
    comparison: str
    data_end: datetime | None
    maturing_after: datetime | None  # None without a limit: no lead is maturing
    cohort_leads: int
    maturing_leads: int
    first_created: datetime | None
    last_created: datetime | None
    stages: pd.DataFrame
    breakdown: pd.DataFrame
    weekly: pd.DataFrame
    clinics: pd.DataFrame
    chain: tr.ChainSummary
    is_empty: bool

    @property
    def maturing_share(self) -> float | None:
        """Share of the cohort that has not had the full window yet."""
        return self.maturing_leads / self.cohort_leads if self.cohort_leads else None

    @property
    def window_complete(self) -> bool:
        """The window's figures are complete enough to headline (``dashboard.metrics.maturity``):
        at least ``COMPLETE_SHARE`` of the cohort has had the whole window. No limit is not."""
        if self.unlimited or not self.cohort_leads:
            return False
        return mt.is_complete(1 - self.maturing_leads / self.cohort_leads)

    @property
    def unlimited(self) -> bool:
        """True when every stage reached by the data's end counts (no window)."""
        return self.window == fm.NO_LIMIT

    @property
    def lead_to_deal(self) -> float | None:
        """The headline conversion: paid deals ÷ the leads created in the period."""
        return self.stages.set_index("stage").loc["paid_deals", "from_leads"]

    @property
    def age_days(self) -> tuple[int, int] | None:
        """Whole days the cohort's newest and oldest leads have had by the data's end."""
        if self.data_end is None or self.first_created is None or self.last_created is None:
            return None
        return (self.data_end - self.last_created).days, (self.data_end - self.first_created).days


@dataclass(frozen=True)
class FunnelTexts:
    """The page's generated sentences, all from the report's numbers (Markdown: names escaped)."""

    cohort: str
    maturing: str | None
    untimed: str | None
    comparison: str
    lacks_traffic: str
    lacks_retention: str
    chain: str
    no_doctors: str | None = None  # the one line saying which clinics cannot be judged
