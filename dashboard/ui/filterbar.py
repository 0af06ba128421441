"""The global filter bar: language, period presets, cities, specialty, clinics, channels.

Every widget is kept in the URL so a copied link reproduces the view. The pickers with
translated labels are bound by hand by stable codes (``?period=last_week&city=10``; see
``dashboard.ui.urlbind``), so switching the language keeps the view and the link; names in
either language are accepted in a link too; values that are not options are ignored and said
so in the page's link notice (``dashboard.ui.linknotice``), as are unusable custom dates.
Options come from scope-filtered queries: a viewer never sees another city as an option.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import clock, labels
from dashboard.filters import (
    DEFAULT_PRESET,
    EARLIEST_DAY,
    LATEST_DAY,
    PRESETS,
    Filters,
    preset_range,
)
from dashboard.i18n import t
from dashboard.reports.frame import FrameData
from dashboard.settings import LANGUAGES
from dashboard.ui import linknotice, urlbind

LANGUAGE_LABELS = {"zh": "中文", "en": "English"}


def language_picker(default: str) -> str:
    """The language switch at the top of the sidebar, kept in the URL as ``?lang=zh|en``.

    Bound by hand rather than with ``bind=`` so the URL holds the stable code, not the label.
    """
    if "lang" not in st.session_state:
        url_lang = st.query_params.get("lang")
        st.session_state["lang"] = url_lang if url_lang in LANGUAGES else default
        linknotice.seeded(
            "lang", [v for v in st.query_params.get_all("lang") if v not in LANGUAGES]
        )
    choice = st.sidebar.radio(
        "Language / 语言",
        options=list(LANGUAGES),
        format_func=LANGUAGE_LABELS.get,
        key="lang",
        horizontal=True,
        label_visibility="collapsed",
    )
    st.query_params["lang"] = choice
    linknotice.drawn("lang", choice, label=t("app.language", choice), shown=LANGUAGE_LABELS[choice])
    return choice


def _names(frame: pd.DataFrame, id_col: str, lang: str) -> dict:
    col = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(frame[id_col].tolist(), frame[col].tolist(), strict=True))


def _aliases(frame: pd.DataFrame, id_col: str, *cols: str) -> dict:
    """Each option's names (every language, and any code column) that a link may use."""
    names = zip(*(frame[c].astype(str).tolist() for c in cols), strict=True)
    return dict(zip(frame[id_col].tolist(), names, strict=True))


def _labels(prefix: str, codes) -> dict:
    return {c: tuple(t(f"{prefix}.{c}", g) for g in LANGUAGES) for c in codes}


def _multiselect(
    side,
    lang: str,
    key: str,
    label_key: str,
    names: dict,
    aliases: dict,
    relabel: bool,
    scoped: bool = False,
) -> list:
    """A multiselect kept in the URL by its options' codes; ignored link values are noted.

    ``scoped``: the options are places within the viewer's scope (see ``linknotice``).
    """
    seeding = relabel or key not in st.session_state
    urlbind.seed_many(key, aliases, force=relabel)
    # A link may name an option that the other filters leave out (a clinic of another city
    # than the picked one): the multiselect would drop it without a word.
    outside = [v for v, c in urlbind.url_matches(key, aliases) if c is not None and c not in names]
    picked = side.multiselect(
        t(label_key, lang),
        options=list(names),
        format_func=names.get,
        key=key,
        placeholder=t("filters.all", lang),
    )
    urlbind.write_many(key, picked)
    label = t(label_key, lang)
    sep = "、" if lang == "zh" else ", "
    shown = sep.join(str(names[c]) for c in picked) if picked else t(f"link.all.{key}", lang)
    reason = "access" if scoped else "invalid"
    linknotice.drawn(key, picked, label=label, shown=shown, reason=reason, scoped=scoped)
    if seeding and outside:
        linknotice.drawn(
            key, picked, label=label, shown=shown, ignored=outside, reason="filtered", scoped=scoped
        )
    return picked


def _custom_dates(side, lang: str, start: date, end: date, anchor: date) -> tuple[date, date]:
    """The custom period's date range; link dates it cannot use are noted, with what is used."""
    raw = linknotice.link_values("dates")
    # The picker's range, stated in the notice: about ten years back (Streamlit's own default)
    # to a year ahead, within EARLIEST_DAY..LATEST_DAY; a period of centuries is not meant and
    # some pages take a minute to draw one.
    low = max(EARLIEST_DAY, anchor - timedelta(days=3653))
    high = min(LATEST_DAY, anchor + timedelta(days=366))
    # Dates have no translated label: Streamlit's binding keeps them as ISO dates.
    picked = side.date_input(
        t("filters.dates", lang),
        value=(start, end),
        min_value=low,
        max_value=high,
        key="dates",
        bind="query-params",
    )
    picked = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
    if len(picked) == 2:
        start, end = min(picked), max(picked)
    reason: str | None = None
    detail: dict[str, Any] = {}  # the reason's placeholders (dates), passed through as keywords
    if raw:
        read = [_link_date(v) for v in raw]
        days = [d for d in read if d is not None]
        if len(days) != len(read):
            reason = "not_date"
        elif any(not low <= d <= high for d in days):
            reason, detail = "range", {"low": low, "high": high}
        elif list(picked) != days:  # refused by the widget: it shows its default range
            reason = "two_dates" if len(days) != 2 else "invalid"
        elif len(picked) != 2:  # one date: the default range is used
            reason = "two_dates"
        elif picked[1] < picked[0]:  # used the other way round
            reason = "order"
    linknotice.drawn(
        "dates",
        picked,
        label=t("filters.dates", lang),
        shown=t("filters.summary", lang, start=start, end=end, days=(end - start).days + 1),
        ignored=raw if reason else [],
        reason=reason or "invalid",
        **detail,
    )
    return start, end


def _link_date(text: str) -> date | None:
    """A link's date as Streamlit reads it (2026-01-31, or the legacy 2026/01/31), else None."""
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def filter_bar(lang: str, options: FrameData, data_end: date | None) -> Filters:
    """Draw the filter bar in the sidebar and return the selected filters."""
    anchor = data_end or clock.today()
    side = st.sidebar
    side.subheader(t("filters.title", lang))
    relabel = urlbind.relabelled(lang)
    seeding = "period" not in st.session_state
    urlbind.seed_one("period", _labels("preset", PRESETS), DEFAULT_PRESET, force=relabel)
    preset = side.selectbox(
        t("filters.period", lang),
        options=list(PRESETS),
        format_func=lambda p: t(f"preset.{p}", lang),
        key="period",
    )
    urlbind.write_one("period", preset, DEFAULT_PRESET)
    shown = t(f"preset.{preset}", lang)
    linknotice.drawn("period", preset, label=t("filters.period", lang), shown=shown)
    if seeding and preset != "custom":
        # Dates in a link whose period is not custom would be ignored without a word.
        dates = st.query_params.get_all("dates")
        label = t("filters.dates", lang)
        linknotice.drawn(
            "period", preset, label=label, shown=shown, ignored=dates, reason="needs_custom"
        )
    start, end = (
        preset_range(preset or DEFAULT_PRESET, anchor)
        if preset != "custom"
        else (
            anchor - timedelta(days=27),
            anchor,
        )
    )
    if preset == "custom":
        start, end = _custom_dates(side, lang, start, end, anchor)
    cities, all_clinics, channels = options.cities, options.clinics, options.channels
    picked_cities = _multiselect(
        side,
        lang,
        "city",
        "filters.cities",
        _names(cities, "city_id", lang),
        _aliases(cities, "city_id", "name_zh", "name_en"),
        relabel,
        scoped=True,
    )
    # The specialties of the loaded clinics the viewer may see, not a fixed list.
    names = labels.loaded_labels(all_clinics, "specialty")
    specialty_codes = labels.ordered_codes(names)
    specialties = _multiselect(
        side,
        lang,
        "specialty",
        "filters.specialties",
        {s: names[s][lang] for s in specialty_codes},
        {s: tuple(names[s][g] for g in LANGUAGES) for s in specialty_codes},
        relabel,
    )
    clinics = all_clinics
    if picked_cities:
        clinics = clinics[clinics["city_id"].isin(picked_cities)]
    if specialties:
        clinics = clinics[clinics["specialty"].isin(specialties)]
    picked_clinics = _multiselect(
        side,
        lang,
        "clinic",
        "filters.clinics",
        _names(clinics, "clinic_id", lang),
        _aliases(all_clinics, "clinic_id", "name_zh", "name_en"),
        relabel,
        scoped=True,
    )
    picked_channels = _multiselect(
        side,
        lang,
        "channel",
        "filters.channels",
        _names(channels, "channel_id", lang),
        _aliases(channels, "channel_id", "code", "name_zh", "name_en"),
        relabel,
    )
    return Filters(
        start=start,
        end=end,
        cities=tuple(int(c) for c in picked_cities),
        specialties=tuple(specialties),
        clinics=tuple(int(c) for c in picked_clinics),
        channels=tuple(int(c) for c in picked_channels),
    )
