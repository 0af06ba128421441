"""Budgets (plan) and expenses (actuals) under the playbooks' 4:3:3 split with a 15% reserve.

The plan for a city-month is set from its marketing spend: marketing is 40% of the 85%
that is allocated (34% of the total), service and operations 30% each of it (25.5%), and
15% is held back as a contingency reserve for swings in footfall. Marketing actuals are
the channel spend and referral rewards themselves, so expenses carry only service,
operations and the reserve draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.seed.core import DAY, Window, date_column, dates, money, month_starts, rng_for
from dashboard.seed.leads import Leads
from dashboard.seed.network import Network

SPLIT = {"marketing": 0.34, "service": 0.255, "operations": 0.255, "reserve": 0.15}
PLAN_MONTHS_AHEAD = 1  # next month's plan is already set


def _month_index(window: Window) -> tuple[np.ndarray, list]:
    months = month_starts(window.start, window.end)
    days = window.day_dates().astype("datetime64[M]")
    first = np.datetime64(window.start, "M")
    return (days - first).astype(np.int64), months


def budgets(
    net: Network, channel_daily: pd.DataFrame, rewards: pd.DataFrame, window: Window, seed: int
) -> pd.DataFrame:
    """Monthly plan per city and category, for the history and the next month."""
    rng = rng_for(seed, "budgets")
    month_of_day, months = _month_index(window)
    n_city = len(net.cities)
    spend = np.zeros((len(months), n_city))
    start = np.datetime64(window.start, "s")
    for frame, col, day_col in ((channel_daily, "spend", "date"), (rewards, "amount", "paid_on")):
        day = ((frame[day_col].to_numpy() - start) // np.timedelta64(1, "D")).astype(np.int64)
        city = net.city[frame["clinic_id"].to_numpy() - 1]
        np.add.at(spend, (month_of_day[day], city), frame[col].to_numpy(float))
    # The month in progress and the next one are planned from the last three full months.
    full = len(months) - 1
    base = spend[max(full - 3, 0) : full].mean(axis=0) * 1.05
    plan = np.vstack([spend[:full], np.tile(base, (1 + PLAN_MONTHS_AHEAD, 1))])
    plan *= rng.uniform(0.92, 1.12, plan.shape)
    all_months = months + [
        pd.Timestamp(months[-1]) + pd.DateOffset(months=k) for k in range(1, PLAN_MONTHS_AHEAD + 1)
    ]
    total = np.round(plan / SPLIT["marketing"], -2)
    m, c = np.meshgrid(np.arange(len(all_months)), np.arange(n_city), indexing="ij")
    frames = [
        pd.DataFrame(
            {
                "month_start": date_column([pd.Timestamp(all_months[i]).date() for i in m.ravel()]),
                "city_id": (c.ravel() + 1).astype(np.int32),
                "category": cat,
                "amount": money(np.round(total.ravel() * share, -1)),
            }
        )
        for cat, share in SPLIT.items()
    ]
    out = pd.concat(frames, ignore_index=True)
    out["category"] = out["category"].astype("category")
    return out


def expenses(
    net: Network, plan: pd.DataFrame, leads: Leads, window: Window, seed: int
) -> pd.DataFrame:
    """Daily actuals per clinic: service follows footfall, operations are steady, reserve is drawn now and then."""
    rng = rng_for(seed, "expenses")
    month_of_day, months = _month_index(window)
    d, c = window.days, net.size
    open_ = np.arange(d)[:, None] >= net.open_day[None, :]
    weight = net.traffic[None, :] * open_
    city_w = np.zeros((d, len(net.cities)))
    np.add.at(city_w.T, net.city, weight.T)
    share = weight / np.maximum(city_w[:, net.city], 1e-9)  # clinic's share of its city
    # Calendar length of each day's month: a partial first or last month must not spend the
    # whole month's plan in the days it has.
    day_dates = pd.DatetimeIndex(dates(window, np.arange(d)))
    days_in_month = np.asarray(day_dates.days_in_month)
    days_present = np.bincount(month_of_day)[month_of_day]
    arrivals = np.zeros((d, c))
    arr = np.flatnonzero(leads.has_arrival)
    np.add.at(arrivals, (leads.arrived[arr] // DAY, leads.clinic[arr]), 1.0)
    month_arr = np.zeros((len(months), c))
    np.add.at(month_arr, month_of_day, arrivals)
    footfall = (
        arrivals
        / np.maximum(month_arr[month_of_day], 1.0)
        * (days_present / days_in_month)[:, None]
    )
    overrun = rng.uniform(0.9, 1.12, (len(months), len(net.cities)))[month_of_day][:, net.city]
    rows = []
    for cat in ("service", "operations", "reserve"):
        monthly = _plan_matrix(plan, cat, months, net)[month_of_day][:, net.city] * share
        if cat == "service":
            amount = monthly * (0.4 / days_in_month[:, None] + 0.6 * footfall)
        elif cat == "operations":
            amount = monthly / days_in_month[:, None]
        else:  # reserve: drawn on a few days, for a busy week or a broken laser
            drawn = rng.random((d, c)) < 0.04
            amount = np.where(drawn, monthly * rng.uniform(0.1, 0.5, (d, c)), 0.0)
        amount = amount * overrun * rng.uniform(0.9, 1.1, (d, c)) * open_
        day, clinic = np.nonzero(amount > 0)
        rows.append(
            pd.DataFrame(
                {
                    "date": dates(window, day),
                    "clinic_id": (clinic + 1).astype(np.int32),
                    "category": cat,
                    "amount": money(amount[day, clinic]),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out = out[out["amount"] > 0].reset_index(drop=True)
    out["category"] = out["category"].astype("category")
    return out


def _plan_matrix(plan: pd.DataFrame, cat: str, months: list, net: Network) -> np.ndarray:
    sel = plan[plan["category"] == cat]
    table = sel.pivot(index="month_start", columns="city_id", values="amount")
    idx = pd.DatetimeIndex([pd.Timestamp(m) for m in months]).as_unit("s")
    return table.reindex(index=idx, columns=np.arange(1, len(net.cities) + 1)).to_numpy(float)
