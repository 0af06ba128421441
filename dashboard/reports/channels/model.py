"""The channels page's data model: the report, its private-traffic and budget sections, and
the view a page opens on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics import budget as bm
from dashboard.metrics import maturity as mt
from dashboard.metrics import planner as pl
from dashboard.metrics.arithmetic import Cell


@dataclass(frozen=True)
class PrivateTraffic:
    """The planner's actual rates over the filtered period, with the counts behind them."""

    followers: int
    arrived: int
    cohort_customers: int
    repeaters: int
    referred: int
    cohort_orders: int
    cohort_revenue: float
    inputs: pl.PlannerInputs
    result: pl.PlannerResult


@dataclass(frozen=True)
class BudgetData:
    """Plan against actual over the period, the reserve, and pacing through the current month."""

    start: date
    end: date
    split: pd.DataFrame  # one row per spending category
    reserve: bm.Reserve
    pacing: pd.DataFrame  # one row per spending category and a total row
    month_start: date
    as_of: date
    narrowed: bool  # specialty / clinic / channel filters were set and do not apply here

    @property
    def has_plan(self) -> bool:
        """True when any budget is planned for the period."""
        return bool(self.split["plan"].sum() or self.reserve.plan)

    @property
    def plan_total(self) -> float:
        """The spending plan of the period (reserve excluded)."""
        return float(self.split["plan"].sum())

    @property
    def actual_total(self) -> float:
        """What was spent in the period (reserve draws excluded)."""
        return float(self.split["actual"].sum())


@dataclass(frozen=True)
class ChannelsData:
    """What the channels page shows, for the filters and the page's controls."""

    filters: Filters
    horizon: int
    grouping: str
    rank_by: str
    data_end: date | None
    ltv_from: date
    ltv_to: date
    rows: pd.DataFrame  # one row per channel or group, sums + derived ratios, ranked
    totals: dict[str, Cell]  # sums + derived ratios over every shown channel
    weekly: pd.DataFrame  # week × row key: spend, revenue
    private: PrivateTraffic
    budget: BudgetData
    is_empty: bool
    # Per horizon, the share of the period's new customers who have had all of it (None: none).
    maturity: dict[int, float | None] = field(default_factory=dict)

    @property
    def mature_share(self) -> float | None:
        """Share of the period's new customers whose whole horizon lies before the data's end."""
        return self.totals.get("mature_share")

    @property
    def horizon_complete(self) -> bool:
        """The horizon's figures are complete enough to headline (``dashboard.metrics.maturity``)."""
        return mt.is_complete(self.maturity.get(self.horizon, self.mature_share))

    @property
    def headline_roi(self) -> str:
        """The ROI the page headlines: within the horizon when complete, else the period's."""
        return "roi_horizon" if self.horizon_complete else "marketing_roi"


@dataclass(frozen=True)
class DefaultView:
    """The controls a page view opens on when its URL names none (``load.default_view``)."""

    horizon: int
    rank_by: str
    maturity: dict[int, float | None]

    @property
    def complete(self) -> bool:
        """The default horizon is complete enough to headline (else the period ROI is)."""
        return mt.is_complete(self.maturity.get(self.horizon))
