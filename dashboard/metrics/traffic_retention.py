"""Traffic or retention (缺流量还是缺留量): first visits per doctor per month and retained revenue.

The playbook's rule: a doctor seeing about 50 first visits (初诊) a month is healthy; under 25
the clinic lacks traffic and must acquire; enough first visits but few repeat or referred
customers means it lacks retention. The retention threshold is ours (RETENTION_MIN_SHARE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.metrics.arithmetic import is_missing, safe_div

FIRST_VISITS_LOW = 25.0
FIRST_VISITS_HEALTHY = 50.0
# Share of revenue from repeat orders or referred customers below which a clinic with enough
# first visits lacks retention: it then lives mostly on first orders of unreferred customers.
# A fixed bar rather than the median of the clinics shown, so a verdict does not change with
# the filters or with other clinics, and a chain where every clinic retains well flags none.
RETENTION_MIN_SHARE = 0.50
DAYS_PER_MONTH = 365.25 / 12

TRAFFIC_STATUSES = ("lacks_traffic", "below_healthy", "healthy", "unknown")
RETENTION_STATUSES = ("lacks_retention", "retains", "not_judged")


@dataclass(frozen=True)
class ChainSummary:
    """The chain's (filtered) totals behind the per-clinic verdicts."""

    first_visits_per_doctor_month: float | None
    retained_share: float | None
    lacks_traffic: tuple[int, ...]
    lacks_retention: tuple[int, ...]
    no_doctors: tuple[int, ...] = ()  # clinics without a doctor count: not judged on traffic


def days_open(opened_on: date | None, start: date, end: date) -> int:
    """Days of the period (inclusive) on which a clinic opened on ``opened_on`` was open."""
    first = start if opened_on is None or opened_on <= start else opened_on
    return max(0, (end - first).days + 1)


def traffic_status(per_doctor_month: float | None) -> str:
    """lacks_traffic (< 25), below_healthy (25–50), healthy (≥ 50) or unknown."""
    if is_missing(per_doctor_month):
        return "unknown"
    if per_doctor_month < FIRST_VISITS_LOW:
        return "lacks_traffic"
    if per_doctor_month < FIRST_VISITS_HEALTHY:
        return "below_healthy"
    return "healthy"


def retention_status(traffic: str, retained_share: float | None) -> str:
    """lacks_retention when first visits are enough but repeat + referral revenue is thin."""
    if traffic in ("lacks_traffic", "unknown") or is_missing(retained_share):
        return "not_judged"
    return "lacks_retention" if retained_share < RETENTION_MIN_SHARE else "retains"


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _objects(values: list, index: pd.Index) -> pd.Series:
    """Keep None as None: a float column would turn it into NaN."""
    return pd.Series(values, index=index, dtype=object)


def classify(clinics: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Per clinic: months open, first visits per doctor per month, revenue shares, verdicts.

    ``clinics`` is the funnel_traffic result; a clinic with no doctors or no revenue gets
    None for the affected ratios (shown as "—") and is not judged on them.
    """
    out = clinics.copy()
    out["days_open"] = [days_open(_as_date(d), start, end) for d in out["opened_on"]]
    out["months_open"] = out["days_open"] / DAYS_PER_MONTH
    doctor_months = out["doctors"].astype(float) * out["months_open"]
    out["per_doctor_month"] = _objects(
        [safe_div(fv, dm) for fv, dm in zip(out["first_visits"], doctor_months, strict=True)],
        out.index,
    )
    for part in ("repeat", "referred", "retained"):
        out[f"{part}_share"] = _objects(
            [safe_div(p, r) for p, r in zip(out[f"{part}_revenue"], out["revenue"], strict=True)],
            out.index,
        )
    out["traffic_status"] = [traffic_status(v) for v in out["per_doctor_month"]]
    out["retention_status"] = [
        retention_status(tr, sh)
        for tr, sh in zip(out["traffic_status"], out["retained_share"], strict=True)
    ]
    return out


def summarise(classified: pd.DataFrame) -> ChainSummary:
    """Chain totals and the clinics that lack traffic or retention (ids, in table order).

    First visits per doctor counts only clinics with a doctor count: the first visits of a
    clinic whose doctors are unknown would otherwise be shared among other clinics' doctors.
    """
    counted = classified[classified["doctors"].notna()]
    doctor_months = (counted["doctors"].astype(float) * counted["months_open"]).sum()
    return ChainSummary(
        first_visits_per_doctor_month=safe_div(counted["first_visits"].sum(), doctor_months),
        retained_share=safe_div(classified["retained_revenue"].sum(), classified["revenue"].sum()),
        lacks_traffic=tuple(
            int(c)
            for c in classified.loc[classified.traffic_status == "lacks_traffic", "clinic_id"]
        ),
        lacks_retention=tuple(
            int(c)
            for c in classified.loc[classified.retention_status == "lacks_retention", "clinic_id"]
        ),
        no_doctors=tuple(int(c) for c in classified.loc[classified["doctors"].isna(), "clinic_id"]),
    )
