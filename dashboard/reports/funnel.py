"""Funnel: the cohort funnel of the period, its breakdown, weekly conversion, traffic or retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard import data, labels
from dashboard.filters import Filters, Scope
from dashboard.formatting import fmt_date, fmt_value
from dashboard.i18n import LANGUAGES, t
from dashboard.literal import md
from dashboard.metrics import funnel as fm
from dashboard.metrics import maturity as mt
from dashboard.metrics import traffic_retention as tr
from dashboard.reports.funnel_sheets import display, rules, sheets, untimed_text, window_text

__all__ = [
    "FunnelData",
    "FunnelTexts",
    "default_window",
    "display",
    "load",
    "rules",
    "sheets",
    "texts",
    "untimed_text",
    "window_text",
]

_NAME_QUERIES = {"channel": "filter_channels", "city": "filter_cities", "clinic": "filter_clinics"}


@dataclass(frozen=True)
class FunnelData:
    """What the funnel page shows."""

    filters: Filters
    comparison_filters: Filters
    window: int | str  # days, or fm.NO_LIMIT
    dimension: str
    top_n: int
    comparison: str
    data_end: datetime | None
    maturing_after: datetime | None  # None without a limit: no lead is maturing
    cohort_leads: int
    maturing_leads: int
    first_created: datetime | None
    last_created: datetime | None
    stages: pd.DataFrame
    breakdown: pd.DataFrame
    weekly: pd.DataFrame
    clinics: pd.DataFrame
    chain: tr.ChainSummary
    is_empty: bool

    @property
    def maturing_share(self) -> float | None:
        """Share of the cohort that has not had the full window yet."""
        return self.maturing_leads / self.cohort_leads if self.cohort_leads else None

    @property
    def window_complete(self) -> bool:
        """The window's figures are complete enough to headline (``dashboard.metrics.maturity``):
        at least ``COMPLETE_SHARE`` of the cohort has had the whole window. No limit is not."""
        if self.unlimited or not self.cohort_leads:
            return False
        return mt.is_complete(1 - self.maturing_leads / self.cohort_leads)

    @property
    def unlimited(self) -> bool:
        """True when every stage reached by the data's end counts (no window)."""
        return self.window == fm.NO_LIMIT

    @property
    def lead_to_deal(self) -> float | None:
        """The headline conversion: paid deals ÷ the leads created in the period."""
        return self.stages.set_index("stage").loc["paid_deals", "from_leads"]

    @property
    def age_days(self) -> tuple[int, int] | None:
        """Whole days the cohort's newest and oldest leads have had by the data's end."""
        if self.data_end is None or self.first_created is None or self.last_created is None:
            return None
        return (self.data_end - self.last_created).days, (self.data_end - self.first_created).days


def window_maturity(filters: Filters, scope: Scope) -> dict[int, float | None]:
    """Per numbered window, the share of the period's leads that have had all of it by the
    data's end (None when the period has no lead)."""
    # No data: no lead can have had a window (a far-future end would count them all).
    data_end = data.data_as_of() or datetime.min
    spans = [w for w in fm.WINDOWS if w != fm.NO_LIMIT]
    row = data.run("funnel_maturity", filters, scope, data_end=data_end).iloc[0]
    counts = {w: float(row[f"mature_{w}"] or 0) for w in spans}
    return mt.shares(counts, float(row["leads"] or 0))


def default_window(filters: Filters, scope: Scope) -> int:
    """The window a view opens on: the longest that at least ``maturity.COMPLETE_SHARE`` of the
    period's leads have had by the data's end; when none has, the shortest (shown maturing)."""
    spans = [w for w in fm.WINDOWS if w != fm.NO_LIMIT]
    return mt.longest_complete(spans, window_maturity(filters, scope)) or min(spans)


def _pick(value: object, allowed: tuple, default: object) -> object:
    """A control's value when it is one of the allowed options, else the default (odd URLs)."""
    return value if value in allowed else default


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
    dimension = str(_pick(dimension, fm.DIMENSIONS, fm.DEFAULT_DIMENSION))
    top_n = int(_pick(top_n, fm.TOP_N, fm.DEFAULT_TOP_N))
    comparison = str(_pick(comparison, fm.COMPARISONS, fm.DEFAULT_COMPARISON))
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


def _names(dimension: str, scope: Scope) -> dict[object, dict[str, str]]:
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


NAMES_LISTED = 12


def _names_list(clinics: pd.DataFrame, ids: tuple[int, ...], lang: str) -> str:
    """Clinic names joined for a sentence (Markdown: each name escaped); past NAMES_LISTED the
    rest are counted (the table below lists every clinic with its verdict)."""
    if not ids:
        return t("funnel.none_lacking", lang)
    names = clinics.set_index("clinic_id")[f"name_{lang}"]
    sep = "、" if lang == "zh" else ", "
    text = sep.join(md(names.get(i, i)) for i in ids[:NAMES_LISTED])
    if len(ids) > NAMES_LISTED:
        text += sep + t("funnel.more", lang, n=len(ids) - NAMES_LISTED)
    return text


@dataclass(frozen=True)
class FunnelTexts:
    """The page's generated sentences, all from the report's numbers (Markdown: names escaped)."""

    cohort: str
    maturing: str | None
    untimed: str | None
    comparison: str
    lacks_traffic: str
    lacks_retention: str
    chain: str
    no_doctors: str | None = None  # the one line saying which clinics cannot be judged


def _maturing_text(report: FunnelData, lang: str) -> str | None:
    """The maturing line; without a limit, how long the cohort's leads have had instead."""
    if report.unlimited:
        ages = report.age_days
        if ages is None:
            return None
        return t(
            "funnel.unlimited_summary",
            lang,
            data_end=fmt_date(report.data_end, lang),
            youngest=fmt_value(ages[0], "count", lang),
            oldest=fmt_value(ages[1], "count", lang),
        )
    if not report.maturing_leads:
        return None
    return t(
        "funnel.maturing_summary",
        lang,
        maturing=fmt_value(report.maturing_leads, "count", lang),
        share=fmt_value(report.maturing_share, "rate", lang),
        cutoff=fmt_date(report.maturing_after, lang),
        window=report.window,
    )


def texts(report: FunnelData, lang: str) -> FunnelTexts:
    """The cohort, maturing, missing-times, comparison and traffic-or-retention sentences."""
    f, c = report.filters, report.comparison_filters
    share = f"{tr.RETENTION_MIN_SHARE:.0%}"
    low = f"{tr.FIRST_VISITS_LOW:.0f}"
    return FunnelTexts(
        cohort=t(
            "funnel.cohort_summary",
            lang,
            leads=fmt_value(report.cohort_leads, "count", lang),
            start=f.start,
            end=f.end,
            window=window_text(report.window, lang),
            rate=fmt_value(report.lead_to_deal, "rate", lang)
            + (
                ""
                if report.unlimited or report.window_complete
                else t("funnel.maturing_mark", lang)
            ),
        ),
        maturing=_maturing_text(report, lang),
        untimed=untimed_text(report.stages, lang),
        comparison=t(
            "funnel.compare_caption",
            lang,
            compare=t(f"funnel.compare.{report.comparison}", lang),
            start=c.start,
            end=c.end,
        ),
        lacks_traffic=t(
            "funnel.lacks_traffic",
            lang,
            low=low,
            clinics=_names_list(report.clinics, report.chain.lacks_traffic, lang),
        ),
        lacks_retention=t(
            "funnel.lacks_retention",
            lang,
            share=share,
            clinics=_names_list(report.clinics, report.chain.lacks_retention, lang),
        ),
        chain=t(
            "funnel.chain_summary",
            lang,
            per_doctor=fmt_value(report.chain.first_visits_per_doctor_month, "ratio", lang),
            share=fmt_value(report.chain.retained_share, "rate", lang),
        ),
        no_doctors=t(
            "funnel.no_doctors",
            lang,
            n=len(report.chain.no_doctors),
            clinics=_names_list(report.clinics, report.chain.no_doctors, lang),
        )
        if report.chain.no_doctors
        else None,
    )
