"""Funnel: the cohort funnel of the period, its breakdown, weekly conversion, traffic or retention."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from dashboard import data, labels
from dashboard.filters import Filters, Scope, pick
from dashboard.i18n import LANGUAGES, t
from dashboard.metrics import funnel as fm
from dashboard.metrics import maturity as mt
from dashboard.metrics import traffic_retention as tr
from dashboard.page_context import PageContext
from dashboard.reports.funnel.model import FunnelData

_NAME_QUERIES = {"channel": "filter_channels", "city": "filter_cities", "clinic": "filter_clinics"}


def window_maturity(filters: Filters, scope: Scope) -> dict[int, float | None]:
    """Per numbered window, the share of the period's leads that have had all of it by the
    data's end (None when the period has no lead)."""
    # No data: no lead can have had a window (a far-future end would count them all).
    data_end = data.data_as_of() or datetime.min
    spans = [w for w in fm.WINDOWS if isinstance(w, int)]  # all but fm.NO_LIMIT
    row = data.run("funnel_maturity", filters, scope, data_end=data_end).iloc[0]
    counts = {w: float(row[f"mature_{w}"] or 0) for w in spans}
    return mt.shares(counts, float(row["leads"] or 0))


def default_window(filters: Filters, scope: Scope) -> int:
    """The window a view opens on: the longest that at least ``maturity.COMPLETE_SHARE`` of the
    period's leads have had by the data's end; when none has, the shortest (shown maturing)."""
    spans = [w for w in fm.WINDOWS if isinstance(w, int)]  # all but fm.NO_LIMIT
    return mt.longest_complete(spans, window_maturity(filters, scope)) or min(spans)


def load(
    filters: Filters,
    scope: Scope,
    window: int | str = fm.DEFAULT_WINDOW,
    dimension: str = fm.DEFAULT_DIMENSION,
    top_n: int = fm.DEFAULT_TOP_N,
    comparison: str = fm.DEFAULT_COMPARISON,
) -> FunnelData:
    """Everything the funnel page shows for the filters and the page's controls."""
    window = fm.parse_window(window)
    days = fm.window_days(window)
    dimension = str(pick(dimension, fm.DIMENSIONS, fm.DEFAULT_DIMENSION))
    top_n = int(pick(top_n, fm.TOP_N, fm.DEFAULT_TOP_N))
    comparison = str(pick(comparison, fm.COMPARISONS, fm.DEFAULT_COMPARISON))
    data_end = data.data_as_of()
    cutoff = fm.maturing_after(data_end, days)
    params = {"window_days": days, "mature_after": cutoff}

    cmp_filters = fm.comparison_filters(filters, comparison)
    stage_row, breakdown, weekly, cmp_weekly, traffic = data.run_all(
        data.query("funnel_stages", filters, scope, **params),
        data.query("funnel_breakdown", filters, scope, window_days=days, dimension=dimension),
        data.query("funnel_weekly", filters, scope, **params),
        data.query("funnel_weekly", cmp_filters, scope, **params),
        data.query("funnel_traffic", filters, scope),
    )
    row = stage_row.iloc[0].to_dict()
    stages = fm.stage_table(row)
    cohort = int(row.get("leads") or 0)
    maturing = int(row.get("maturing_leads") or 0)
    breakdown = _breakdown(breakdown, scope, dimension, top_n)
    weekly = fm.align_comparison(_weekly(weekly), _weekly(cmp_weekly))
    clinics = _clinics(traffic, filters, scope)
    return FunnelData(
        filters=filters,
        comparison_filters=cmp_filters,
        window=window,
        dimension=dimension,
        top_n=top_n,
        comparison=comparison,
        data_end=data_end,
        maturing_after=cutoff,
        cohort_leads=cohort,
        maturing_leads=maturing,
        first_created=_timestamp(row.get("first_created")),
        last_created=_timestamp(row.get("last_created")),
        stages=stages,
        breakdown=breakdown,
        weekly=weekly,
        clinics=clinics,
        chain=tr.summarise(clinics),
        is_empty=cohort == 0 and not (row.get("impressions") or 0),
    )


def _timestamp(value: object) -> datetime | None:
    """A timestamp cell as a naive datetime, None when the cohort is empty."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def _weekly(weekly: pd.DataFrame) -> pd.DataFrame:
    """``funnel_weekly``'s rows with rates and the maturing weeks marked."""
    weekly["week_start"] = pd.to_datetime(weekly["week_start"])
    return fm.mark_maturing(fm.with_rates(weekly))


def _names(dimension: str, scope: Scope) -> dict[Any, dict[str, str]]:
    """Display names of a dimension's members in every language: key -> {lang: name}."""
    if dimension == "specialty":
        # The chain's own specialties, with the labels loaded beside them (labels.py).
        return labels.loaded_labels(data.run("filter_clinics", None, scope), "specialty")
    ref = data.run(_NAME_QUERIES[dimension], None, scope)
    id_col = f"{dimension}_id"
    return {
        int(r[id_col]): {lang: str(r[f"name_{lang}"]) for lang in LANGUAGES}
        for r in ref.to_dict("records")
    }


def _breakdown(raw: pd.DataFrame, scope: Scope, dimension: str, top_n: int) -> pd.DataFrame:
    """The top N members of the dimension plus "other", with names and rates."""
    key = raw["key_code"] if dimension == "specialty" else raw["key_id"]
    frame = raw.drop(columns=["key_id", "key_code"]).assign(key=key.tolist(), members=1)
    if dimension != "specialty":
        frame["key"] = frame["key"].astype(int)
    frame = fm.with_rates(fm.top_n_with_other(frame, top_n))
    names = _names(dimension, scope)
    for lang in LANGUAGES:
        frame[f"name_{lang}"] = [
            t("funnel.other", lang, n=int(m)) if other else names.get(k, {}).get(lang, str(k))
            for k, other, m in zip(frame["key"], frame["is_other"], frame["members"], strict=True)
        ]
    return frame


def _clinics(raw: pd.DataFrame, filters: Filters, scope: Scope) -> pd.DataFrame:
    """Traffic or retention per clinic (``funnel_traffic``) with clinic and city names."""
    clinics = tr.classify(raw, filters.start, filters.end)
    clinic_names = _names("clinic", scope)
    city_names = _names("city", scope)
    for lang in LANGUAGES:
        clinics[f"name_{lang}"] = [
            clinic_names.get(int(c), {}).get(lang, str(c)) for c in clinics["clinic_id"]
        ]
        clinics[f"city_{lang}"] = [
            city_names.get(int(c), {}).get(lang, str(c)) for c in clinics["city_id"]
        ]
    return clinics


def build(ctx: PageContext) -> FunnelData:
    """The page's default view for the registry (the weekly pack and the benchmark)."""
    return load(ctx.filters, ctx.scope)
