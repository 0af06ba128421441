"""Channel economics: CPL, CAC, ROAS, ROI, 12-month LTV, LTV:CAC and payback, per channel or group.

The warehouse returns additive counts and sums per channel (queries/channels_*.sql); these
functions group them (by kind or tier), derive the ratios through the KPI registry (one
definition per concept) and attach intervals for low-sample channels. A ratio without a
denominator is None with a reason code, never inf or NaN.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard.metrics.arithmetic import safe_div
from dashboard.metrics.intervals import cost_per_event, wilson
from dashboard.metrics.payback import MONTH_COLUMNS
from dashboard.metrics.registry import kpi

HORIZONS: tuple[int, ...] = (30, 90, 180, 365)
DEFAULT_HORIZON = 90
GROUPINGS: tuple[str, ...] = ("channel", "kind", "tier")
DEFAULT_GROUPING = "channel"
LOW_SAMPLE = 30  # fewer new customers than this: show intervals, not bare figures
LTV_DAYS = 365  # the LTV window and the cohort's age, in days (portable day arithmetic)

ADDITIVE: tuple[str, ...] = (
    "impressions",
    "clicks",
    "spend",
    "leads",
    "new_leads",
    "new_leads_paid",
    "new_leads_arrived",
    "new_customers",
    "mature_customers",
    "horizon_orders",
    "revenue_horizon",
    "repeaters",
    "referred",
    "new_customer_revenue",
)
ATTRIBUTES: tuple[str, ...] = ("channel_id", "code", "name_zh", "name_en", "kind", "tier")
KIND_LABELS: tuple[str, ...] = ("kind_zh", "kind_en")  # loaded labels of the kind, if any
PRIVATE_KIND = "wechat"  # private traffic (私域): people who add the clinic on WeChat

# Columns a ranking can sort by, each with its KPI (direction and unit come from the registry).
RANKABLE: tuple[str, ...] = (
    "roi_horizon",
    "roas_horizon",
    "cac",
    "cost_per_lead",
    "ltv_cac",
    "payback_months",
    "marketing_roi",
    "spend",
    "new_customers",
)
DEFAULT_RANK = "roi_horizon"


# Ratio columns derived for every row, in display order.
DERIVED: tuple[str, ...] = (
    "cost_per_lead",
    "lead_customer_rate",
    "cac",
    "roas_horizon",
    "roi_horizon",
    "marketing_roi",
    "ltv_12m",
    "ltv_cac",
    "payback_months",
)


def summarise(weekly: pd.DataFrame, channels: pd.DataFrame) -> pd.DataFrame:
    """channels_weekly rows (week × channel) summed per channel, with the channel's attributes.

    Every figure of the query is additive over weeks, so the period's sums are the weeks' sums.
    """
    sums = weekly.groupby("channel_id", as_index=False)[list(ADDITIVE)].sum()
    attributes = [*ATTRIBUTES, *(c for c in KIND_LABELS if c in channels)]
    out = channels.loc[:, attributes].merge(sums, on="channel_id", how="left")
    out[list(ADDITIVE)] = out[list(ADDITIVE)].fillna(0)
    return out.sort_values("channel_id").reset_index(drop=True)


def private_traffic(summary: pd.DataFrame) -> dict[str, float]:
    """The planner's counts over the private-traffic (WeChat) channels of the summary."""
    rows = summary[summary["kind"] == PRIVATE_KIND]
    return {
        "followers": float(rows["new_leads"].sum()),
        "arrived": float(rows["new_leads_arrived"].sum()),
        "customers": float(rows["new_customers"].sum()),
        "repeaters": float(rows["repeaters"].sum()),
        "referred": float(rows["referred"].sum()),
        "orders": float(rows["horizon_orders"].sum()),
        "revenue": float(rows["revenue_horizon"].sum()),
    }


def cohort_wide(ltv_long: pd.DataFrame) -> pd.DataFrame:
    """channels_ltv rows (channel × month) as one row per channel: cohort_customers, m0…m11."""
    columns = ["channel_id", "cohort_customers", *MONTH_COLUMNS]
    if ltv_long.empty:
        return pd.DataFrame(columns=columns)
    sizes = ltv_long.groupby("channel_id", as_index=False)["cohort_customers"].max()
    months = ltv_long.dropna(subset=["month_index"]).assign(
        month=lambda f: "m" + f["month_index"].astype(int).astype(str)
    )
    wide = months.pivot_table(
        index="channel_id", columns="month", values="revenue", aggfunc="sum", fill_value=0.0
    )
    wide = wide.reindex(columns=list(MONTH_COLUMNS), fill_value=0.0).reset_index()
    out = sizes.merge(wide, on="channel_id", how="left")
    out[list(MONTH_COLUMNS)] = out[list(MONTH_COLUMNS)].fillna(0.0).astype(float)
    return out[columns]


def combine(summary: pd.DataFrame, cohorts: pd.DataFrame) -> pd.DataFrame:
    """Per-channel rows: the summary's sums plus the cohort's size, monthly revenue and total."""
    out = summary.merge(cohorts, on="channel_id", how="left")
    out["cohort_customers"] = out["cohort_customers"].fillna(0).astype(int)
    out[list(MONTH_COLUMNS)] = out[list(MONTH_COLUMNS)].fillna(0.0).astype(float)
    out["cohort_revenue"] = out[list(MONTH_COLUMNS)].sum(axis=1)
    return out


def group(channels: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum the additive columns of channel rows by ``kind`` or ``tier`` (``channel``: unchanged)."""
    if by == "channel":
        return channels.assign(
            key=channels["channel_id"].astype(str),
            channel_ids=[(int(c),) for c in channels["channel_id"]],
        )
    if by not in ("kind", "tier"):
        raise ValueError(f"unknown grouping {by!r}")
    sums = [*ADDITIVE, "cohort_customers", *MONTH_COLUMNS, "cohort_revenue"]
    grouped = channels.groupby(by, as_index=False, sort=True)[sums].sum()
    members = channels.groupby(by, sort=True)["channel_id"].agg(lambda s: tuple(int(c) for c in s))
    grouped["channel_ids"] = members.to_numpy()
    if by == "kind" and set(KIND_LABELS) <= set(channels.columns):
        # A kind's loaded label: the first one given among its channels (null when none is).
        named = channels.groupby("kind", sort=True)[list(KIND_LABELS)].first()
        grouped = grouped.merge(named, left_on="kind", right_index=True, how="left")
    return grouped.assign(key=grouped[by])


def total(channels: pd.DataFrame) -> dict[str, float]:
    """The additive sums over all rows (the page's totals)."""
    sums = [*ADDITIVE, "cohort_customers", *MONTH_COLUMNS, "cohort_revenue"]
    return {c: float(channels[c].sum()) for c in sums}


def derive_row(row: Mapping[str, float | None]) -> dict[str, object]:
    """Every ratio of one row, its intervals, the low-sample flag and the reasons for "—"."""
    out: dict[str, object] = {k: kpi(k).value(row) for k in DERIVED}
    new = int(row.get("new_customers") or 0)
    conv = wilson(int(row.get("new_leads_paid") or 0), int(row.get("new_leads") or 0))
    cac_range = cost_per_event(row.get("spend"), new)
    out.update(
        conversion_low=conv.low,
        conversion_high=conv.high,
        cac_low=cac_range.low,
        cac_high=cac_range.high,
        low_sample=new < LOW_SAMPLE,
        mature_share=safe_div(row.get("mature_customers"), new),
        reasons=tuple(reasons(row)),
    )
    return out


def reasons(row: Mapping[str, float | None]) -> list[str]:
    """Why figures of this row are "—" (codes; the report translates them)."""
    out = []
    if not row.get("leads"):
        out.append("no_leads")
    if not row.get("new_customers"):
        out.append("no_new_customers")
    if not row.get("spend"):
        out.append("no_spend")
    if not row.get("cohort_customers"):
        out.append("no_cohort")
    elif row.get("new_customers") and kpi("payback_months").value(row) is None:
        out.append("no_payback")
    return out


def derive(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with every derived column appended."""
    derived = [derive_row(r) for r in rows.to_dict("records")]
    extra = pd.DataFrame(derived, index=rows.index)
    return pd.concat([rows, extra], axis=1)
