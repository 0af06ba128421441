"""A/B tests for the red-black board (效果红黑榜): experiments, variants and exposures.

The experiments and their true effects are written down in ``experiments.csv`` and
``experiment_variants.csv`` (clear winners, losers, inconclusive ones, a sample-ratio
mismatch, a three-way revenue test, a winner whose complaint guardrail got worse, one
still running). Exposures are drawn from those true rates; their number grows with the
square root of the lead count and is capped so large seeds stay fast.

One experiment (``FURTHER_METRICS``) is also measured on day-1 and day-7 retention: the
experiment_metrics rows and one outcome per exposed unit and metric in experiment_outcomes,
for the units whose window (1 or 7 days after exposure) has passed by the data's end.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from dashboard.seed.core import DAY, Window, date_column, frame, money, rng_for, timestamps
from dashboard.seed.network import Network
from dashboard.seed.reference import SPECIALTIES, Reference

EXPOSURES_AT_DEFAULT = 300_000
DEFAULT_LEADS = 300_000
MAX_EXPOSURES = 1_200_000


def exposure_budget(leads: int) -> int:
    """Total exposures for a seed of ``leads`` leads."""
    return int(min(MAX_EXPOSURES, EXPOSURES_AT_DEFAULT * np.sqrt(leads / DEFAULT_LEADS)))


def experiment_tables(ref: Reference, window: Window) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The experiments and experiment_variants tables, dated relative to the end date."""
    spec = ref.experiments
    started = [window.end - timedelta(days=int(d)) for d in spec["start_days_ago"]]
    ended = [
        None if pd.isna(n) else min(s + timedelta(days=int(n) - 1), window.end)
        for s, n in zip(started, spec["duration_days"], strict=True)
    ]
    experiments = pd.DataFrame(
        {
            "experiment_id": np.arange(1, len(spec) + 1, dtype=np.int32),
            "code": spec["code"],
            "name_zh": spec["name_zh"],
            "name_en": spec["name_en"],
            "hypothesis_zh": spec["hypothesis_zh"],
            "hypothesis_en": spec["hypothesis_en"],
            "owner": spec["owner"],
            "surface": spec["surface"],
            "metric": spec["metric"],
            "has_guardrail": spec["has_guardrail"].astype(bool),
            "started_on": date_column(started),
            "ended_on": pd.to_datetime(pd.Series(ended, dtype="object")).astype("datetime64[s]"),
        }
    )
    ids = dict(zip(spec["code"], experiments["experiment_id"], strict=True))
    v = ref.experiment_variants
    variants = pd.DataFrame(
        {
            "experiment_id": v["experiment_code"].map(ids).astype(np.int32),
            "variant_code": v["variant_code"],
            "name_zh": v["name_zh"],
            "name_en": v["name_en"],
            "is_control": v["is_control"].astype(bool),
            "planned_share": v["planned_share"].astype(float),
        }
    )
    return experiments, variants


def exposures(
    ref: Reference, experiments: pd.DataFrame, net: Network, n_customers: int, leads: int,
    window: Window, seed: int,
) -> pd.DataFrame:  # fmt: skip
    """Experiment exposures drawn from each variant's true conversion, value and guardrail rates."""
    rng = rng_for(seed, "exposures")
    spec, var = ref.experiments, ref.experiment_variants
    budget = exposure_budget(leads)
    counts = np.floor(budget * spec["units"] / spec["units"].sum()).astype(int).to_numpy()
    parts = []
    next_visitor = 0
    for i, n in enumerate(counts):
        row = spec.iloc[i]
        by_customer = row["unit_kind"] == "customer" and n_customers > 0
        if by_customer:
            n = min(n, n_customers)  # each customer is randomised once per experiment
        v = var[var["experiment_code"] == row["code"]]
        share = v["observed_share"].to_numpy(float)
        pick = np.searchsorted(np.cumsum(share) / share.sum(), rng.random(n), side="right")
        pick = np.minimum(pick, len(v) - 1)
        conv = rng.random(n) < v["conversion_rate"].to_numpy(float)[pick]
        mean_value = v["mean_value"].to_numpy(float)[pick]
        value = np.where(conv, mean_value * rng.lognormal(-0.18, 0.6, n), 0.0)
        guard = v["guardrail_rate"].to_numpy(float)[pick]
        first = window.day_of(experiments["started_on"].iat[i].date())
        ended = experiments["ended_on"].iat[i]
        last = window.days - 1 if pd.isna(ended) else window.day_of(ended.date())
        secs = (first + rng.random(n) * (last - first + 1)) * DAY
        if by_customer:
            ids = rng.choice(n_customers, n, replace=False) + 1
            unit = "c" + pd.Series(ids).astype("str")
        else:
            unit = "v" + pd.Series(np.arange(next_visitor, next_visitor + n)).astype("str")
            next_visitor += n
        parts.append(
            frame(
                {
                    "experiment_id": np.full(n, i + 1, dtype=np.int32),
                    "variant_code": v["variant_code"].to_numpy()[pick],
                    "clinic_id": _clinics(net, row["specialty"], n, rng),
                    "unit_id": unit.to_numpy(),
                    "exposed_at": timestamps(window, secs.astype(np.int64)),
                    "converted": conv,
                    "value": money(value),
                    "guardrail_event": pd.arrays.BooleanArray(
                        rng.random(n) < guard, np.full(n, not row["has_guardrail"])
                    ),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "exposure_id", np.arange(1, len(out) + 1, dtype=np.int64))
    out["variant_code"] = out["variant_code"].astype("category")
    return out


# experiment code -> (metric_code, name_zh, name_en, days after exposure, true rate per variant)
FURTHER_METRICS: dict[str, tuple[tuple[str, str, str, int, dict[str, float]], ...]] = {
    "offer_member_day_points": (
        ("retention_d1", "次日留存率", "Day-1 retention", 1, {"A": 0.30, "B": 0.345}),
        ("retention_d7", "7日留存率", "Day-7 retention", 7, {"A": 0.18, "B": 0.19}),
    ),
}


def further_metrics(
    experiments: pd.DataFrame, exposures: pd.DataFrame, window: Window, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """experiment_metrics and experiment_outcomes: day-1/day-7 retention of one experiment.

    A unit is measured on an N-day retention once N days have passed since its exposure by the
    end of the data; its outcome is 1 (came back) with its variant's true rate, else 0.
    """
    rng = rng_for(seed, "experiment_outcomes")
    ids = dict(zip(experiments["code"], experiments["experiment_id"], strict=True))
    end = pd.Timestamp(window.end) + pd.Timedelta(days=1)  # the data's last instant
    metric_rows, parts = [], []
    for code, metrics in FURTHER_METRICS.items():
        if code not in ids:
            continue
        exp_id = ids[code]
        units = exposures[exposures["experiment_id"] == exp_id]
        variant = units["variant_code"].astype(str).to_numpy()
        exposed = pd.to_datetime(units["exposed_at"]).to_numpy()
        for metric_code, name_zh, name_en, days, rates in metrics:
            metric_rows.append((exp_id, metric_code, name_zh, name_en, "proportion"))
            due = exposed + np.timedelta64(days, "D") <= end.to_datetime64()
            rate = np.array([rates.get(v, 0.0) for v in variant])
            value = (rng.random(len(units)) < rate).astype(float)
            parts.append(
                frame(
                    {
                        "experiment_id": np.full(int(due.sum()), exp_id, dtype=np.int32),
                        "unit_id": units["unit_id"].to_numpy()[due],
                        "metric_code": np.full(int(due.sum()), metric_code, dtype=object),
                        "value": value[due],
                    }
                )
            )
    metrics_frame = pd.DataFrame(
        metric_rows, columns=["experiment_id", "metric_code", "name_zh", "name_en", "kind"]
    ).astype({"experiment_id": np.int32})
    columns = {"experiment_id": np.int32, "unit_id": object, "metric_code": object,
               "value": float}  # fmt: skip
    outcomes = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    )
    return metrics_frame, outcomes


def _clinics(net: Network, specialty, n: int, rng) -> np.ndarray:
    """Clinics an experiment ran in (its specialty, or all), weighted by traffic."""
    ok = np.ones(net.size, bool) if pd.isna(specialty) else net.spec == SPECIALTIES.index(specialty)
    w = np.where(ok, net.traffic, 0.0)
    return (rng.choice(net.size, n, p=w / w.sum()) + 1).astype(np.int32)
