"""The red-black board's verdicts: every treatment against its control, checked and classified.

Input is per-variant aggregates (one row per experiment and variant); output is one row per
comparison with its statistics, the sample-ratio check, the guardrail, the BH-adjusted p-value,
the power figures and a verdict:

- ``attention`` — the experiment failed the SRM check (p < 0.001), has no single control, or a
  significant winner's guardrail got significantly worse; kept off both lists;
- ``too_early`` — a variant of the pair has fewer than 150 units or (proportion metrics only)
  10 events (conversions): a mean metric such as revenue is judged on units alone, since its
  units need never "convert";
- ``red`` / ``black`` — BH-adjusted p < 0.05 and the 95% intervals of the absolute and of the
  relative lift lie wholly above / below zero (so a listed verdict never contradicts an
  interval shown beside it; the pooled z-test and the unpooled intervals can disagree near
  the threshold, and then the comparison stays inconclusive);
- ``inconclusive`` — everything else.

An experiment is measured on its main metric (``experiments.metric``: conversion from the
exposures' ``converted``, revenue from their ``value``) and on each further metric of
``experiment_metrics`` (outcomes per unit in ``experiment_outcomes``): every metric of every
comparison is one row with its own statistics, minimum-sample rule, power figures and verdict
(proportions: pooled z-test, Newcombe interval; means: Welch t). The sample-ratio check and the
guardrail are the experiment's and the pair's, shared by all its metrics. A further metric's
units are the exposed units with an outcome for it (a unit without one is not yet measured).

The BH family is every metric-level comparison on the board that has a p-value, main and
further metrics alike, whatever list it lands on; guardrail tests are not corrected (a harm
signal should err on the side of flagging).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeGuard

import numpy as np
import pandas as pd

from dashboard.metrics import abtest_power
from dashboard.metrics.abtest import (
    Comparison,
    compare_means,
    compare_proportions,
    moments,
    srm_check,
)
from dashboard.metrics.multiple_testing import benjamini_hochberg
from dashboard.metrics.rows import records

ALPHA = 0.05
GUARDRAIL_ALPHA = 0.05  # raw, not BH-adjusted: see the module docstring
MIN_UNITS = 150
MIN_CONVERSIONS = 10
DEFAULT_TARGET_LIFT = 0.10
VERDICTS = ("red", "black", "attention", "inconclusive", "too_early")


@dataclass(frozen=True)
class BoardSettings:
    """The board's thresholds (the issue's defaults)."""

    alpha: float = ALPHA
    min_units: int = MIN_UNITS
    min_conversions: int = MIN_CONVERSIONS
    target_lift: float = DEFAULT_TARGET_LIFT
    power: float = abtest_power.POWER


def evaluate(
    experiments: pd.DataFrame,
    variants: pd.DataFrame,
    traffic: dict[int, float],
    settings: BoardSettings | None = None,
    metrics: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per treatment-vs-control comparison and metric with statistics, checks, verdict.

    ``experiments`` has experiment_id, metric, has_guardrail; ``variants`` has experiment_id,
    variant_code, is_control, planned_share, units, conversions, value_sum, value_sq_sum,
    guardrail_units, guardrail_events; ``traffic`` is recent units per day per experiment;
    ``metrics`` (optional) has experiment_id, metric_code, name_zh, name_en, kind,
    variant_code, units, value_sum, value_sq_sum per further metric and variant.
    """
    extra = records(metrics) if metrics is not None else None
    rows = evaluate_rows(records(experiments), records(variants), traffic, settings, extra)
    return board_frame(rows)


def evaluate_rows(
    experiments: list[dict],
    variants: list[dict],
    traffic: dict[int, float],
    settings: BoardSettings | None = None,
    metrics: list[dict] | None = None,
) -> list[dict]:
    """``evaluate`` on rows as dicts, returning dicts (the report adds to them before framing)."""
    cfg = settings or BoardSettings()
    rows: list[dict] = []
    by_experiment: dict[int, list[dict]] = {}
    for arm in variants:
        by_experiment.setdefault(int(arm["experiment_id"]), []).append(arm)
    further: dict[int, dict[str, list[dict]]] = {}
    for arm in metrics or ():
        exp_metrics = further.setdefault(int(arm["experiment_id"]), {})
        exp_metrics.setdefault(str(arm["metric_code"]), []).append(arm)
    for exp in experiments:
        exp_id = int(exp["experiment_id"])
        arms = by_experiment.get(exp_id, [])
        per_day = traffic.get(exp_id)
        rows.extend(_experiment_rows(exp, arms, per_day, cfg))
        for metric_arms in further.get(exp_id, {}).values():
            rows.extend(_further_rows(exp, arms, metric_arms, per_day, cfg))
    adjusted = benjamini_hochberg([row.get("p_value") for row in rows])
    for row, p_adjusted in zip(rows, adjusted, strict=True):
        row["p_adjusted"] = p_adjusted
        row["verdict"], row["reason"] = _verdict(row, cfg)
    return rows


def board_frame(rows: list[dict], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The board's rows as a frame: ``BOARD_COLUMNS`` then ``extra`` (missing keys are NaN)."""
    return pd.DataFrame(rows, columns=[*BOARD_COLUMNS, *extra])


COLUMNS = [
    "experiment_id", "metric", "kind", "is_primary", "metric_zh", "metric_en",
    "variant_code", "control_code",
    "units_c", "units_t", "conv_c", "conv_t", "share_c", "share_t",
    "control_value", "treatment_value",
    "abs_lift", "abs_lo", "abs_hi", "rel_lift", "rel_lo", "rel_hi",
    "statistic", "df", "p_value", "chance_to_beat", "test_reason",
    "srm_chi2", "srm_p", "srm_failed", "srm_reason", "no_control",
    "has_guardrail", "guard_c", "guard_t", "guard_diff", "guard_lo", "guard_hi", "guard_p",
    "guard_worse", "guard_reason",
    "too_early", "units_short", "conversions_short", "days_to_minimum",
    "mde_rel", "mde_abs", "needed_units", "remaining_units", "days_needed",
]  # fmt: skip
BOARD_COLUMNS = [*COLUMNS, "p_adjusted", "verdict", "reason"]


def main_kind(metric: str) -> str:
    """The kind of an experiment's main metric: revenue is a mean, conversion a proportion."""
    return "mean" if metric == "revenue" else "proportion"


def _base(exp: dict, arms: list[dict]) -> dict:
    """What every row of an experiment shares: its sample-ratio check and guardrail flag."""
    srm = srm_check([int(a["units"]) for a in arms], [float(a["planned_share"]) for a in arms])
    return {
        "experiment_id": int(exp["experiment_id"]),
        "srm_chi2": srm.chi2,
        "srm_p": srm.p_value,
        "srm_failed": srm.failed,
        "srm_reason": srm.reason,
        "has_guardrail": bool(exp["has_guardrail"]),
    }


def _experiment_rows(exp: dict, arms: list[dict], per_day: float | None, cfg: BoardSettings):
    metric = exp["metric"]
    base = {**_base(exp, arms), "metric": metric, "kind": main_kind(metric), "is_primary": True}
    controls = [a for a in arms if bool(a["is_control"])]
    if len(controls) != 1:
        return [{**base, "no_control": True}]
    return _rows(base, exp, arms, arms, per_day, cfg)


def _further_rows(
    exp: dict, arms: list[dict], metric_arms: list[dict], per_day: float | None, cfg
) -> list[dict]:
    """The rows of one further metric: its outcomes per variant against the control's."""
    controls = [a for a in arms if bool(a["is_control"])]
    if len(controls) != 1:
        return []  # the main metric's row already says the experiment has no single control
    first = metric_arms[0]
    kind = str(first["kind"])
    base = {
        **_base(exp, arms),
        "metric": str(first["metric_code"]),
        "kind": kind,
        "is_primary": False,
        "metric_zh": first["name_zh"],
        "metric_en": first["name_en"],
    }
    measured = {a["variant_code"]: a for a in metric_arms}
    outcome_arms = []
    for arm in arms:
        m = measured.get(arm["variant_code"], {})
        total = float(m.get("value_sum") or 0.0)
        outcome_arms.append(
            {
                **arm,
                "units": int(m.get("units") or 0),
                # A proportion's events are its units with outcome 1 (the loader allows 0 or 1).
                "conversions": round(total) if kind == "proportion" else None,
                "value_sum": total,
                "value_sq_sum": float(m.get("value_sq_sum") or 0.0),
            }
        )
    return _rows(base, exp, arms, outcome_arms, per_day, cfg)


def _rows(base: dict, exp: dict, arms: list[dict], measured: list[dict], per_day, cfg):
    """One row per treatment: ``measured`` are the arms on this metric, ``arms`` the exposures."""
    kind = base["kind"]
    control = next(a for a in measured if bool(a["is_control"]))
    exposed_control = next(a for a in arms if bool(a["is_control"]))
    total_share = sum(float(a["planned_share"]) for a in measured)
    total_units = sum(int(a["units"]) for a in measured)
    return [
        {
            **base,
            "no_control": False,
            **_pair(kind, control, arm, total_share),
            **_guardrail(exp, exposed_control, exposed),
            **_minimum(kind, control, arm, per_day, total_share, cfg),
            **_power(kind, control, arm, per_day, total_share, total_units, cfg),
        }
        for arm, exposed in zip(measured, arms, strict=True)
        if not bool(arm["is_control"])
    ]


def _count(x) -> int | None:
    return None if x is None else int(x)


def _comparison(kind: str, c, t) -> Comparison:
    if kind == "mean":
        return compare_means(
            int(c["units"]), float(c["value_sum"]), float(c["value_sq_sum"]),
            int(t["units"]), float(t["value_sum"]), float(t["value_sq_sum"]),
        )  # fmt: skip
    return compare_proportions(
        int(c["conversions"]), int(c["units"]), int(t["conversions"]), int(t["units"])
    )


def _pair(kind: str, c, t, total_share: float) -> dict:
    cmp = _comparison(kind, c, t)
    return {
        "variant_code": t["variant_code"],
        "control_code": c["variant_code"],
        "units_c": int(c["units"]),
        "units_t": int(t["units"]),
        "conv_c": _count(c["conversions"]),
        "conv_t": _count(t["conversions"]),
        "share_c": _share(c, total_share),
        "share_t": _share(t, total_share),
        "control_value": cmp.control,
        "treatment_value": cmp.treatment,
        "abs_lift": cmp.absolute.estimate,
        "abs_lo": cmp.absolute.low,
        "abs_hi": cmp.absolute.high,
        "rel_lift": cmp.relative.estimate,
        "rel_lo": cmp.relative.low,
        "rel_hi": cmp.relative.high,
        "statistic": cmp.statistic,
        "df": cmp.df,
        "p_value": cmp.p_value,
        "chance_to_beat": cmp.chance_to_beat,
        "test_reason": cmp.reason or cmp.relative.reason,
    }


def _share(arm, total_share: float) -> float | None:
    return float(arm["planned_share"]) / total_share if total_share > 0 else None


def _guardrail(exp: dict, c: dict, t: dict) -> dict:
    if not bool(exp["has_guardrail"]):
        return {"guard_reason": "none"}
    if int(c["guardrail_units"]) <= 0 or int(t["guardrail_units"]) <= 0:
        return {"guard_reason": "not_tracked"}
    g = compare_proportions(
        int(c["guardrail_events"]), int(c["guardrail_units"]),
        int(t["guardrail_events"]), int(t["guardrail_units"]),
    )  # fmt: skip
    # Higher guardrail-event rates (refunds, complaints) are worse.
    worse = g.p_value is not None and g.p_value < GUARDRAIL_ALPHA and (g.absolute.estimate or 0) > 0
    return {
        "guard_c": g.control,
        "guard_t": g.treatment,
        "guard_diff": g.absolute.estimate,
        "guard_lo": g.absolute.low,
        "guard_hi": g.absolute.high,
        "guard_p": g.p_value,
        "guard_worse": worse,
        "guard_reason": g.reason,
    }


def _minimum(
    kind: str, c, t, per_day: float | None, total_share: float, cfg: BoardSettings
) -> dict:
    # Events are the sample of a proportion metric only: a mean metric (revenue …) is judged
    # on units (its units need never "convert", and would otherwise stay too early for ever).
    if kind != "proportion":
        c, t = {**c, "conversions": 0}, {**t, "conversions": 0}
    min_conv = cfg.min_conversions if kind == "proportion" else 0
    units_short = max(0, cfg.min_units - int(c["units"]), cfg.min_units - int(t["units"]))
    conv_short = max(0, min_conv - int(c["conversions"]), min_conv - int(t["conversions"]))
    days = 0.0 if units_short == conv_short == 0 else None
    if days is None and per_day and total_share > 0:
        days = 0.0
        for arm in (c, t):
            arm_day = per_day * float(arm["planned_share"]) / total_share
            units, conv = int(arm["units"]), int(arm["conversions"])
            need_u = max(0, cfg.min_units - units)
            need_c = max(0, min_conv - conv)
            conv_day = arm_day * conv / units if units else 0.0
            if (need_u and not arm_day) or (need_c and not conv_day):
                days = None
                break
            days = max(
                days, need_u / arm_day if need_u else 0.0, need_c / conv_day if need_c else 0.0
            )
    return {
        "too_early": units_short > 0 or conv_short > 0,
        "units_short": units_short,
        "conversions_short": conv_short,
        "days_to_minimum": days,
    }


def _baseline(kind: str, c) -> tuple[float | None, float | None]:
    """The control's level and standard deviation of the metric."""
    n = int(c["units"])
    if n <= 0:
        return None, None
    if kind == "mean":
        mean, var = moments(n, float(c["value_sum"]), float(c["value_sq_sum"]))
        return mean, (math.sqrt(var) if var else None)
    rate = int(c["conversions"]) / n
    return rate, abtest_power.conversion_sigma(rate)


def _power(kind, c, t, per_day, total_share, total_units, cfg: BoardSettings) -> dict:
    level, sigma = _baseline(kind, c)
    n_c, n_t = int(c["units"]), int(t["units"])
    out: dict = {}
    if not level or not sigma:
        return out
    if n_c > 0 and n_t > 0:
        d = abtest_power.detectable_effect(n_c, n_t / n_c, cfg.alpha, cfg.power)
        if d is not None:
            out["mde_abs"] = d * sigma
            out["mde_rel"] = d * sigma / abs(level)
    share_c, share_t = float(c["planned_share"]), float(t["planned_share"])
    if share_c <= 0 or share_t <= 0 or total_share <= 0:
        return out
    effect = cfg.target_lift * abs(level) / sigma
    n1 = abtest_power.sample_size(effect, share_t / share_c, cfg.alpha, cfg.power)
    if n1 is None:
        return out
    # Every arm runs at its planned share, so the whole experiment needs n₁ ÷ control share.
    needed = math.ceil(n1 * total_share / share_c)
    remaining = max(0, needed - total_units)
    out["needed_units"] = needed
    out["remaining_units"] = remaining
    out["days_needed"] = (remaining / per_day) if per_day else (0.0 if remaining == 0 else None)
    return out


def _verdict(row: dict, cfg: BoardSettings) -> tuple[str, str | None]:
    if _flag(row.get("no_control")):
        return "attention", "no_control"
    if _flag(row.get("srm_failed")):
        return "attention", "srm"
    if _flag(row.get("too_early")):
        return "too_early", None
    if not _present(row.get("p_value")):
        return "inconclusive", row.get("test_reason") or "undefined"
    p_adjusted = row.get("p_adjusted")
    significant = _present(p_adjusted) and p_adjusted < cfg.alpha
    if significant and _above(row, "abs_lo") and _above(row, "rel_lo", missing=True):
        if _flag(row.get("guard_worse")):
            return "attention", "guardrail"
        return "red", None
    if significant and _below(row, "abs_hi") and _below(row, "rel_hi", missing=True):
        return "black", None
    return "inconclusive", None


def _present(x: object) -> TypeGuard[float]:
    return x is not None and not _nan(x)


def _above(row: dict, key: str, missing: bool = False) -> bool:
    """The interval bound lies above zero (``missing`` when the bound is undefined)."""
    value = row.get(key)
    return value > 0 if _present(value) else missing


def _below(row: dict, key: str, missing: bool = False) -> bool:
    """The interval bound lies below zero (``missing`` when the bound is undefined)."""
    value = row.get(key)
    return value < 0 if _present(value) else missing


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _flag(x) -> bool:
    """A boolean column's value: NaN/None (not applicable) count as False."""
    return x is not None and not _nan(x) and bool(x)


def ranked(board: pd.DataFrame, verdict: str) -> pd.DataFrame:
    """The comparisons with ``verdict``, in list order (see ``ranked_positions``)."""
    columns = {name: board[name].tolist() for name in RANK_COLUMNS if name in board}
    return board.iloc[ranked_positions(columns, verdict)]


RANK_COLUMNS = (
    "verdict", "rel_lo", "abs_lo", "rel_hi", "abs_hi", "experiment_id", "variant_code",
    "is_primary", "metric",
)  # fmt: skip


def ranked_positions(columns: dict[str, list], verdict: str) -> list[int]:
    """Positions of the board rows with ``verdict``, in the list's order.

    ``columns`` holds the board's ``RANK_COLUMNS`` as lists. Red: by the interval's lower bound,
    best first; black: by the upper bound, worst first (the relative bound, or the absolute one
    where it is missing; missing keys last, ties as pandas' ``sort_values`` leaves them);
    others: by experiment, its main metric before the further ones (by code), then variant
    (missing first).
    """
    rows = [i for i, v in enumerate(columns["verdict"]) if v == verdict]
    if verdict in ("red", "black"):
        bound = "lo" if verdict == "red" else "hi"
        rel, absolute = columns[f"rel_{bound}"], columns[f"abs_{bound}"]
        keys = [absolute[i] if _missing(rel[i]) else rel[i] for i in rows]
        return _sorted(rows, keys, descending=verdict == "red")
    exp_ids, codes = columns["experiment_id"], columns["variant_code"]
    primary = columns.get("is_primary") or [True] * len(exp_ids)
    metrics = columns.get("metric") or [""] * len(exp_ids)

    def key(i: int):
        further = not _flag(primary[i]) if not _missing(primary[i]) else False
        return (exp_ids[i], further, "" if not further else str(metrics[i]), *_code_key(codes[i]))

    return sorted(rows, key=key)


def _sorted(rows: list[int], keys: list, descending: bool) -> list[int]:
    """``rows`` by ``keys``, missing keys last: pandas' ``nargsort`` step for step, so ties keep
    the order ``sort_values`` gives them."""
    key = np.asarray([np.nan if k is None else k for k in keys], dtype=float)
    pos = np.asarray(rows, dtype=np.intp)
    missing = np.isnan(key)
    values, present = key[~missing], pos[~missing]
    if descending:
        values, present = values[::-1], present[::-1]
    order = present[values.argsort(kind="quicksort")]
    if descending:
        order = order[::-1]
    return [*order.tolist(), *pos[missing].tolist()]


def _code_key(code) -> tuple[bool, str]:
    """A variant code's sort key: missing codes first."""
    return (False, "") if _missing(code) else (True, str(code))


def _missing(x) -> bool:
    return x is None or _nan(x)
