"""Channel CAC / ROI: per channel (or kind, or tier) economics, weekly spend and revenue, LTV,
the budget against plan and the private-traffic planner's actual rates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard import data
from dashboard.filters import Filters, Scope, pick
from dashboard.metrics import channels as cm
from dashboard.metrics import maturity as mt
from dashboard.metrics import planner as pl
from dashboard.page_context import PageContext
from dashboard.reports.channels import budget
from dashboard.reports.channels.model import ChannelsData, DefaultView, PrivateTraffic


def ltv_window(data_end: date) -> tuple[date, date]:
    """The LTV cohort's first-order days: 730 to 365 days before the data's end, inclusive.

    Everyone whose first order falls there has had a whole 365 days observed by the end.
    """
    return (
        data_end - timedelta(days=2 * cm.LTV_DAYS - 1),
        data_end - timedelta(days=cm.LTV_DAYS),
    )


def _end_ts(data_end: date) -> datetime:
    """The first moment after the data's last day (horizons must end by it)."""
    return datetime.combine(data_end + timedelta(days=1), time.min)


def _data_end(filters: Filters, data_end: date | None) -> date:
    if data_end is not None:
        return data_end
    as_of = data.data_as_of()
    return as_of.date() if as_of else filters.end


def horizon_maturity(
    filters: Filters, scope: Scope, data_end: date | None = None
) -> dict[int, float | None]:
    """Per horizon, the share of the period's new customers (of the shown channels) who have
    had the whole horizon by the data's end; None when the period has no new customer."""
    data_end = _data_end(filters, data_end)
    frame = data.run("channels_maturity", filters, scope, data_end_ts=_end_ts(data_end))
    shown = frame[frame["channel_id"].isin(_channels(scope, filters)["channel_id"])]
    counts = {h: float(shown[f"mature_{h}"].sum()) for h in cm.HORIZONS}
    return mt.shares(counts, float(shown["new_customers"].sum()))


def default_view(filters: Filters, scope: Scope, data_end: date | None = None) -> DefaultView:
    """The horizon and ranking a view opens on: the longest horizon at least
    ``maturity.COMPLETE_SHARE`` of the period's new customers have had, ranked by ROI within
    it; when none has, the shortest horizon (shown as maturing), ranked by the period ROI."""
    shares = horizon_maturity(filters, scope, data_end)
    horizon = mt.longest_complete(cm.HORIZONS, shares)
    if horizon is None:
        return DefaultView(min(cm.HORIZONS), "marketing_roi", shares)
    return DefaultView(horizon, "roi_horizon", shares)


def _channels(scope: Scope, filters: Filters) -> pd.DataFrame:
    """The channels the page shows: all, or those the channel filter picked."""
    channels = data.run("filter_channels", None, scope)
    if filters.channels:
        channels = channels[channels["channel_id"].isin(filters.channels)]
    return channels


def rank(rows: pd.DataFrame, rank_by: str) -> pd.DataFrame:
    """Rows ordered best first by ``rank_by`` (direction from the registry); low-sample and "—" last."""
    # Volumes (spend, new customers) rank biggest first; ratios follow their KPI's direction.
    higher = cm.kpi(rank_by).higher_is_better if rank_by in cm.DERIVED else True
    value = pd.to_numeric(rows[rank_by], errors="coerce")
    order = pd.DataFrame(
        {
            "missing": value.isna(),
            "low": rows["low_sample"].astype(bool) if rank_by in cm.DERIVED else False,
            "value": -value if higher else value,
        },
        index=rows.index,
    )
    ordered = rows.loc[order.sort_values(["missing", "low", "value"], kind="stable").index]
    ranked = ordered.reset_index(drop=True)
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return ranked


def weekly_by(weekly: pd.DataFrame, channels: pd.DataFrame, grouping: str) -> pd.DataFrame:
    """Spend and new customers' revenue per week and row key (channel id, kind or tier)."""
    keys = channels[["channel_id", "kind", "tier"]]
    rows = weekly.merge(keys, on="channel_id", how="inner")
    rows["key"] = rows["channel_id"].astype(str) if grouping == "channel" else rows[grouping]
    out = rows.groupby(["week_start", "key"], as_index=False)[["spend", "new_customer_revenue"]]
    return out.sum().rename(columns={"new_customer_revenue": "revenue"})


def private_traffic(summary: pd.DataFrame) -> PrivateTraffic:
    """The planner's actual rates from the WeChat channels' figures."""
    counts = cm.private_traffic(summary)
    inputs = pl.actual_inputs(
        followers=int(counts["followers"]),
        arrived=int(counts["arrived"]),
        customers=int(counts["customers"]),
        repeaters=int(counts["repeaters"]),
        referred=int(counts["referred"]),
        orders=int(counts["orders"]),
        revenue=counts["revenue"],
    )
    return PrivateTraffic(
        followers=int(counts["followers"]),
        arrived=int(counts["arrived"]),
        cohort_customers=int(counts["customers"]),
        repeaters=int(counts["repeaters"]),
        referred=int(counts["referred"]),
        cohort_orders=int(counts["orders"]),
        cohort_revenue=counts["revenue"],
        inputs=inputs,
        result=pl.revenue(inputs),
    )


def load(
    filters: Filters,
    scope: Scope,
    horizon: int = cm.DEFAULT_HORIZON,
    grouping: str = cm.DEFAULT_GROUPING,
    rank_by: str = cm.DEFAULT_RANK,
    data_end: date | None = None,
) -> ChannelsData:
    """Everything the channels page shows for the filters and the page's controls."""
    return data.report(
        _load,
        filters,
        scope,
        horizon=horizon,
        grouping=grouping,
        rank_by=rank_by,
        data_end=data_end,
    )


def _load(
    filters: Filters,
    scope: Scope,
    horizon: object,
    grouping: object,
    rank_by: object,
    data_end: date | None,
) -> ChannelsData:
    """The report itself (``load`` caches it)."""
    horizon = int(pick(horizon, cm.HORIZONS, cm.DEFAULT_HORIZON))
    grouping = str(pick(grouping, cm.GROUPINGS, cm.DEFAULT_GROUPING))
    rank_by = str(pick(rank_by, cm.RANKABLE, cm.DEFAULT_RANK))
    data_end = _data_end(filters, data_end)
    end_ts = _end_ts(data_end)
    ltv_from, ltv_to = ltv_window(data_end)
    weekly, ltv = data.run_all(
        data.query("channels_weekly", filters, scope, horizon_days=horizon, data_end_ts=end_ts),
        # The cohort does not depend on the page's period: running it over the cohort's own
        # window keeps one cache entry while the period changes.
        data.query("channels_ltv", filters.with_period(ltv_from, ltv_to), scope),
    )
    shown = _channels(scope, filters)
    summary = cm.summarise(weekly, shown)
    channels = cm.combine(summary, cm.cohort_wide(ltv))
    rows = rank(cm.derive(cm.group(channels, grouping)), rank_by)
    sums = cm.total(channels)
    totals = {**sums, **cm.derive_row(sums)}
    is_empty = not any(sums[c] for c in ("spend", "leads", "new_customers", "impressions"))
    return ChannelsData(
        filters=filters,
        horizon=horizon,
        grouping=grouping,
        rank_by=rank_by,
        data_end=data_end,
        ltv_from=ltv_from,
        ltv_to=ltv_to,
        rows=rows,
        totals=totals,
        weekly=weekly_by(weekly, shown, grouping),
        private=private_traffic(summary),
        budget=budget.load(filters, scope, data_end),
        is_empty=is_empty,
        maturity=horizon_maturity(filters, scope, data_end),
    )


def build(ctx: PageContext) -> ChannelsData:
    """The page's default view for the registry (the weekly pack and the benchmark)."""
    return load(ctx.filters, ctx.scope, data_end=ctx.data_end)
