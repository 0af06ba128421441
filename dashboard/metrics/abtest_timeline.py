"""Experiments over time: cumulative lift with its interval day by day, and recent traffic.

The input is the warehouse's running totals (queries/experiments_daily.sql): one row per
treatment and exposure day with the treatment's and its control's totals up to that day and
the day's units across all variants. The statistics are evaluated on all rows at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.metrics.abtest import mean_arrays, proportion_arrays

RECENT_DAYS = 7

TIMELINE_COLUMNS = [
    "experiment_id", "variant_code", "day", "units_c", "units_t",
    "abs_lift", "abs_lo", "abs_hi", "rel_lift", "rel_lo", "rel_hi", "p_value",
]  # fmt: skip


def cumulative_lifts(running: pd.DataFrame, experiments: pd.DataFrame) -> pd.DataFrame:
    """Per treatment and day: the lift against control on all units up to that day, with intervals.

    Experiments without exactly one control have no timeline (the board flags them).
    """
    if running.empty:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    metric = dict(zip(experiments["experiment_id"], experiments["metric"], strict=True))
    controls = running.groupby("experiment_id")["control_code"].nunique()
    rows = running[running["experiment_id"].map(controls) == 1]
    rows = rows[rows["experiment_id"].isin(metric)].reset_index(drop=True)
    revenue = (rows["experiment_id"].map(metric) == "revenue").to_numpy()
    conv = proportion_arrays(
        rows["conversions_c"], rows["units_c"], rows["conversions_t"], rows["units_t"]
    )
    money = mean_arrays(
        rows["units_c"], rows["value_sum_c"], rows["value_sq_sum_c"],
        rows["units_t"], rows["value_sum_t"], rows["value_sq_sum_t"],
    )  # fmt: skip

    def pick(key: str) -> np.ndarray:
        return np.where(revenue, money[key], conv[key])

    return pd.DataFrame(
        {
            "experiment_id": rows["experiment_id"],
            "variant_code": rows["variant_code"],
            "day": pd.to_datetime(rows["day"]),
            "units_c": rows["units_c"].astype(np.int64),
            "units_t": rows["units_t"].astype(np.int64),
            "abs_lift": pick("abs"),
            "abs_lo": pick("abs_lo"),
            "abs_hi": pick("abs_hi"),
            "rel_lift": pick("rel"),
            "rel_lo": pick("rel_lo"),
            "rel_hi": pick("rel_hi"),
            "p_value": pick("p"),
        }  # fmt: skip
    )[TIMELINE_COLUMNS]


def recent_traffic(running: pd.DataFrame, days: int = RECENT_DAYS) -> dict[int, float]:
    """Units per day per experiment over its last ``days`` calendar days with data.

    The window ends on the experiment's last exposure day; a younger experiment divides by the
    days it has run, so a two-day-old test is not judged on a seven-day denominator.
    """
    if running.empty:
        return {}
    per_day = running[["experiment_id", "day", "day_units"]].drop_duplicates(
        ["experiment_id", "day"]
    )
    per_day = per_day.assign(day=pd.to_datetime(per_day["day"]))
    out: dict[int, float] = {}
    for exp_id, exp in per_day.groupby("experiment_id"):
        last, first = exp["day"].max(), exp["day"].min()
        start = max(first, last - pd.Timedelta(days=days - 1))
        width = (last - start).days + 1
        out[int(exp_id)] = float(exp.loc[exp["day"] >= start, "day_units"].sum()) / width
    return out
