"""Experiments over time: cumulative lift with its interval day by day, and recent traffic.

The input is the warehouse's running totals (queries/experiments_daily.sql): one row per
treatment and exposure day with the treatment's and its control's totals up to that day and
the day's units across all variants. The statistics are evaluated on all rows at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.metrics.abtest import mean_arrays, proportion_arrays
from dashboard.metrics.arithmetic import is_missing

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
    metric = dict(
        zip(experiments["experiment_id"].tolist(), experiments["metric"].tolist(), strict=True)
    )
    ids = running["experiment_id"].tolist()
    controls: dict[int, set] = {}
    for exp_id, code in zip(ids, running["control_code"].tolist(), strict=True):
        codes = controls.setdefault(exp_id, set())
        if not is_missing(code):
            codes.add(code)
    keep = [len(controls[i]) == 1 and i in metric for i in ids]
    rows = running if all(keep) else running[keep].reset_index(drop=True)
    revenue = np.array([metric[i] == "revenue" for i in rows["experiment_id"].tolist()], bool)
    # Each row takes one metric's figures: evaluate only the metrics present.
    conv = money = None
    if not (revenue.size and revenue.all()):
        conv = proportion_arrays(
            rows["conversions_c"], rows["units_c"], rows["conversions_t"], rows["units_t"]
        )
    if revenue.any():
        money = mean_arrays(
            rows["units_c"], rows["value_sum_c"], rows["value_sq_sum_c"],
            rows["units_t"], rows["value_sum_t"], rows["value_sq_sum_t"],
        )  # fmt: skip

    def pick(key: str) -> np.ndarray:
        if money is not None and conv is not None:
            return np.where(revenue, money[key], conv[key])
        # One of the two was evaluated above (the rows hold one metric kind or both).
        evaluated = money if money is not None else conv
        assert evaluated is not None
        return evaluated[key]

    # Arrays, not Series: the frame is built without aligning a dozen indexes.
    return pd.DataFrame(
        {
            "experiment_id": rows["experiment_id"].array,
            "variant_code": rows["variant_code"].array,
            "day": pd.to_datetime(rows["day"]).array,
            "units_c": rows["units_c"].to_numpy(dtype=np.int64),
            "units_t": rows["units_t"].to_numpy(dtype=np.int64),
            "abs_lift": pick("abs"),
            "abs_lo": pick("abs_lo"),
            "abs_hi": pick("abs_hi"),
            "rel_lift": pick("rel"),
            "rel_lo": pick("rel_lo"),
            "rel_hi": pick("rel_hi"),
            "p_value": pick("p"),
        }  # fmt: skip
    )


def recent_traffic(running: pd.DataFrame, days: int = RECENT_DAYS) -> dict[int, float]:
    """Units per day per experiment over its last ``days`` calendar days with data.

    The window ends on the experiment's last exposure day; a younger experiment divides by the
    days it has run, so a two-day-old test is not judged on a seven-day denominator.
    """
    if running.empty:
        return {}
    # Day numbers (days since the epoch) so the window is plain integer arithmetic.
    day_numbers = pd.to_datetime(running["day"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    per_day: dict[int, dict[int, float]] = {}
    for exp_id, day, units in zip(
        running["experiment_id"].tolist(),
        day_numbers.tolist(),
        running["day_units"].tolist(),
        strict=True,
    ):
        # Every treatment row of a day repeats the day's units across all variants: count once.
        per_day.setdefault(int(exp_id), {}).setdefault(day, units)
    out: dict[int, float] = {}
    for exp_id, by_day in per_day.items():
        last = max(by_day)
        start = max(min(by_day), last - (days - 1))
        total = sum(units for day, units in by_day.items() if day >= start)
        out[exp_id] = float(total) / (last - start + 1)
    return out
