"""Scorecard targets (SMART, 平衡计分卡): monthly and weekly plans plus the Zhengzhou north star.

Plans are set the way a head office would: from the recent run-rate (smoothed over
neighbouring periods, so seasonality is anticipated) plus an ambition that varies from
period to period, so some months are hit and others missed. ``satisfaction_top_share``
deliberately has no target at all, so pages must handle a KPI without one.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from dashboard.metrics.registry import KPIS
from dashboard.seed.actuals import SUMS, Sources, components, kpi_values
from dashboard.seed.core import date_column, month_end, month_starts, rng_for
from dashboard.seed.demand import Campaign

BUDGETED = {"spend"}  # a spend target is a budget cap: set a little above the run-rate
# Lower is better (the registry's direction); a budget is planned as a cap instead.
DOWN = {k.id for k in KPIS.values() if k.direction == "down"} - BUDGETED
# Planned per day and scaled to the period's length: the plain sums.
ADDITIVE = set(SUMS)
MONTHLY_CHAIN = (
    "revenue", "value_per_customer", "marketing_roi", "cac", "new_members", "satisfaction_mean",
    "repeat_rate", "arrival_rate", "booking_completion", "lead_to_arrival_days", "complaint_rate",
    "training_hours_per_staff", "first_visits_per_doctor", "arrivals", "paid_deals", "inquiries",
    "new_customers", "spend",
)  # fmt: skip
WEEKLY_CHAIN = ("arrivals", "revenue", "paid_deals", "inquiries")
CITY_MONTHLY = ("revenue", "arrivals", "new_customers")
DECIMALS = {"satisfaction_mean": 2, "lead_to_arrival_days": 1, "training_hours_per_staff": 1,
            "first_visits_per_doctor": 1, "value_per_customer": 0, "cac": 0, "marketing_roi": 2}  # fmt: skip
CAMPAIGN_TARGET_AT_DEFAULT = 400
DEFAULT_LEADS = 300_000


def _smooth(x: np.ndarray) -> np.ndarray:
    """Centred 1-2-1 average along periods, ignoring gaps."""
    v = np.where(np.isfinite(x), x, 0.0)
    w = np.isfinite(x).astype(float)
    pad = [(1, 1)] + [(0, 0)] * (x.ndim - 1)
    vp, wp = np.pad(v, pad), np.pad(w, pad)
    num = vp[:-2] + 2 * vp[1:-1] + vp[2:]
    den = wp[:-2] + 2 * wp[1:-1] + wp[2:]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _plan(kpi: str, values: np.ndarray, days: np.ndarray, lengths: np.ndarray, rng) -> np.ndarray:
    """Targets for the observed periods plus one period ahead, shape (len(lengths), groups)."""
    additive = kpi in ADDITIVE
    with np.errstate(invalid="ignore", divide="ignore"):
        base = values / days[:, None] if additive else values.astype(float)
    # Only whole periods inform the plan: a period still in progress (or cut by the window's
    # start) has half its hours and arrivals that have not happened yet.
    whole = days == lengths[: len(days)]
    base = np.where(whole[:, None], base, np.nan)
    sm = _smooth(base)
    sm = np.vstack([sm, sm[-1:] * (1.02 if additive else 1.0)])
    ambition = rng.uniform(-0.02, 0.10, sm.shape)
    if kpi in DOWN:
        factor = 1.0 - ambition
    elif kpi in BUDGETED:
        factor = 1.0 + np.abs(ambition) / 2
    else:
        factor = 1.0 + ambition
    target = sm * factor * (lengths[:, None] if additive else 1.0)
    if kpi in ("satisfaction_mean",):
        target = np.minimum(target, 4.95)
    if kpi == "complaint_rate":
        target = np.maximum(target, 0.002)  # "zero complaints" is never a realistic plan
    if kpi.endswith("_rate") or kpi == "booking_completion":
        return np.round(np.minimum(target, 0.99), 3)
    if additive:
        digits = -2 if kpi in ("revenue", "spend") else 0
        return np.round(target, digits)
    return np.round(target, DECIMALS.get(kpi, 3))


def _rows(kpi, kind, starts, ends, scope_kind, scope_ids, target) -> pd.DataFrame:
    p, g = np.nonzero(np.isfinite(target) & (target >= 0))
    return pd.DataFrame(
        {
            "kpi_id": kpi,
            "period_kind": kind,
            "period_start": date_column([starts[i] for i in p]),
            "period_end": date_column([ends[i] for i in p]),
            "scope_kind": scope_kind,
            "scope_id": np.asarray(scope_ids, dtype=np.int32)[g],
            "target": target[p, g].astype(float),
        }
    )


def scorecard_targets(src: Sources, campaign: Campaign, leads: int, seed: int) -> pd.DataFrame:
    """Monthly chain and city targets, weekly chain targets and the campaign north star."""
    rng = rng_for(seed, "targets")
    w, net = src.window, src.net
    chain = np.zeros(net.size, dtype=np.int64)
    frames = []

    months = month_starts(w.start, w.end)
    months.append(month_end(months[-1]) + timedelta(days=1))
    month_of_day = (w.day_dates().astype("datetime64[M]") - np.datetime64(w.start, "M")).astype(int)
    m_len = np.array([(month_end(m) - m).days + 1 for m in months], dtype=float)
    m_ends = [month_end(m) for m in months]
    for groups, ids, kpis, distinct, scope in (
        (chain, [0], MONTHLY_CHAIN, True, "chain"),
        (net.city, net.cities["city_id"].to_numpy(), CITY_MONTHLY, False, "city"),
    ):
        comp = components(src, month_of_day, groups, distinct)
        values = kpi_values(comp)
        days = comp["days"][:, 0]
        for kpi in kpis:
            target = _plan(kpi, values[kpi], days, m_len, rng)
            frames.append(_rows(kpi, "month", months, m_ends, scope, ids, target))

    first_monday = w.start - timedelta(days=w.start.weekday())
    week_of_day = (np.arange(w.days) + w.start.weekday()) // 7
    n_weeks = int(week_of_day.max()) + 2
    weeks = [first_monday + timedelta(weeks=i) for i in range(n_weeks)]
    comp = components(src, week_of_day, chain, False)
    values = kpi_values(comp)
    for kpi in WEEKLY_CHAIN:
        target = _plan(kpi, values[kpi], comp["days"][:, 0], np.full(n_weeks, 7.0), rng)
        ends = [d + timedelta(days=6) for d in weeks]
        frames.append(_rows(kpi, "week", weeks, ends, "chain", [0], target))

    frames.append(_campaign_row(campaign, net, leads))
    out = pd.concat(frames, ignore_index=True)
    for col in ("kpi_id", "period_kind", "scope_kind"):
        out[col] = out[col].astype("str")
    return out


def _campaign_row(campaign: Campaign, net, leads: int) -> pd.DataFrame:
    # 400 arrivals at the default size; scaled with the seed so it stays a stretch goal.
    target = max(10, round(CAMPAIGN_TARGET_AT_DEFAULT * leads / DEFAULT_LEADS / 10) * 10)
    return pd.DataFrame(
        {
            "kpi_id": ["arrivals"],
            "period_kind": ["campaign"],
            "period_start": date_column([campaign.start]),
            "period_end": date_column([campaign.end]),
            "scope_kind": ["city"],
            "scope_id": np.array([net.cities["city_id"].iat[campaign.city_row]], dtype=np.int32),
            "target": [float(target)],
            "label_zh": ["郑州平台到院冲刺"],
            "label_en": ["Zhengzhou arrivals push"],
        }
    )
