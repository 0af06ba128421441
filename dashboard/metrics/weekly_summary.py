"""The weekly review's generated summary: a few sentences from catalogue templates, built only
from the numbers the page shows (headlines, movers, north star), in the chosen language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from dashboard.formatting import fmt_change, fmt_date, fmt_delta, fmt_value
from dashboard.i18n import t
from dashboard.metrics.periods import Period
from dashboard.metrics.registry import kpi, kpi_label
from dashboard.metrics.weekly import Headline, NorthStar

KEY_KPIS = ("arrivals", "revenue")


def _sentence_end(lang: str) -> str:
    return "。" if lang == "zh" else "."


def overview_line(week: Period, heads: Sequence[Headline], lang: str) -> str:
    """How many KPIs got better, worse or stayed flat against last week."""
    verdicts = [h.delta.verdict for h in heads]
    return t(
        "weekly.summary.overview",
        lang,
        week=week.code,
        start=week.start,
        end=week.end,
        better=verdicts.count("better"),
        worse=verdicts.count("worse"),
        flat=verdicts.count("flat"),
    )


def kpi_line(h: Headline, lang: str, basis: str = "appointments") -> str:
    """One key KPI: value, change on last week with its verdict, change on the 4-week average."""
    unit = kpi(h.kpi_id).unit
    return t(
        "weekly.summary.kpi_line",
        lang,
        kpi=kpi_label(h.kpi_id, lang, basis),
        value=fmt_value(h.this_week, unit, lang),
        change=fmt_change(h.delta.change_pct),
        verdict=t(f"scorecard.verdict.{h.delta.verdict}", lang),
        vs_avg=fmt_change(h.vs_average.change_pct),
    )


def best_worst_line(
    heads: Sequence[Headline], lang: str, basis: str = "appointments"
) -> str | None:
    """The KPI that improved most and the one that worsened most (relative change)."""
    scored = [h for h in heads if h.delta.change_pct is not None and h.delta.verdict != "unknown"]
    better = [h for h in scored if h.delta.verdict == "better"]
    worse = [h for h in scored if h.delta.verdict == "worse"]
    parts = []
    if better:
        b = max(better, key=lambda h: abs(h.delta.change_pct or 0.0))  # never None: scored
        parts.append(
            t(
                "weekly.summary.best",
                lang,
                kpi=kpi_label(b.kpi_id, lang, basis),
                change=fmt_change(b.delta.change_pct),
            )
        )
    if worse:
        w = max(worse, key=lambda h: abs(h.delta.change_pct or 0.0))  # never None: scored
        parts.append(
            t(
                "weekly.summary.worst",
                lang,
                kpi=kpi_label(w.kpi_id, lang, basis),
                change=fmt_change(w.delta.change_pct),
            )
        )
    if not parts:
        return None
    return ("；" if lang == "zh" else ". ").join(parts) + _sentence_end(lang)


def targets_line(heads: Sequence[Headline], lang: str, basis: str = "appointments") -> str | None:
    """How many KPIs with a target met it this week, naming those that missed by over 10%."""
    judged = [h for h in heads if h.judgement.status is not None]
    if not judged:
        return None
    count = {s: sum(h.judgement.status == s for h in judged) for s in ("green", "amber", "red")}
    red = [kpi_label(h.kpi_id, lang, basis) for h in judged if h.judgement.status == "red"]
    sep = "、" if lang == "zh" else ", "
    red_list = t("weekly.summary.red_list", lang, names=sep.join(red)) if red else ""
    return t("weekly.summary.targets", lang, n=len(judged), red_list=red_list, **count)


def movers_line(
    movers: Mapping[str, tuple[pd.DataFrame, pd.DataFrame]], lang: str, basis: str = "appointments"
) -> list[str]:
    """The largest rise and fall of each mover metric, by city × channel."""
    out = []
    city, channel = ("city_zh", "channel_zh") if lang == "zh" else ("city_en", "channel_en")
    for metric, (up, down) in movers.items():
        unit = kpi(metric).unit
        parts = []
        for key, frame in (("rise", up), ("fall", down)):
            if frame.empty:
                continue
            r = frame.iloc[0]
            parts.append(
                t(
                    f"weekly.summary.{key}",
                    lang,
                    metric=kpi_label(metric, lang, basis),
                    where=f"{r[city]} · {r[channel]}",
                    change=fmt_delta(float(r["change"]), unit, lang),
                )
            )
        if parts:
            out.append(("；" if lang == "zh" else ". ").join(parts) + _sentence_end(lang))
    return out


def north_star_line(star: NorthStar | None, lang: str) -> str | None:
    """The campaign's progress against its straight-line pace, with the projection."""
    if star is None or star.elapsed == 0:
        return None
    unit = kpi(star.kpi_id).unit
    j = star.judgement
    status = j.status or j.reason or "no_value"
    return t(
        "weekly.summary.north_star",
        lang,
        campaign=star.label_zh if lang == "zh" else star.label_en,
        as_of=fmt_date(min(star.as_of, star.end), lang),
        actual=fmt_value(star.actual, unit, lang),
        target=fmt_value(star.target, unit, lang),
        share=fmt_value(star.share_of_target, "rate", lang),
        elapsed=fmt_value(star.elapsed / star.days, "rate", lang),
        status=t(f"weekly.pace.{status}", lang),
        projection=fmt_value(j.projection, unit, lang),
    )


def summary(
    week: Period,
    heads: Sequence[Headline],
    movers: Mapping[str, tuple[pd.DataFrame, pd.DataFrame]],
    star: NorthStar | None,
    lang: str,
    basis: str = "appointments",
) -> list[str]:
    """The summary's sentences, in order: overview, key KPIs, best/worst, targets, movers, north star.

    ``basis`` is 到诊率's definition on the page (registry.arrival_basis), so its name matches.
    """
    lines = [overview_line(week, heads, lang)]
    lines += [kpi_line(h, lang, basis) for h in heads if h.kpi_id in KEY_KPIS]
    lines += [
        line
        for line in (best_worst_line(heads, lang, basis), targets_line(heads, lang, basis))
        if line
    ]
    lines += movers_line(movers, lang, basis)
    star_line = north_star_line(star, lang)
    if star_line:
        lines.append(star_line)
    return lines
