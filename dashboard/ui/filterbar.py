"""The global filter bar: language, period presets, cities, specialty, clinics, channels.

Every widget is kept in the URL so a copied link reproduces the view. The pickers with
translated labels are bound by hand by stable codes (``?period=last_week&city=10``; see
``dashboard.ui.urlbind``), so switching the language keeps the view and the link; names in
either language are accepted in a link too, and values that are not options are ignored.
Options come from scope-filtered queries: a viewer never sees another city as an option.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import clock
from dashboard.filters import PRESETS, Filters, preset_range
from dashboard.i18n import t
from dashboard.reports.frame import FrameData
from dashboard.settings import LANGUAGES
from dashboard.ui import urlbind

LANGUAGE_LABELS = {"zh": "中文", "en": "English"}
DEFAULT_PRESET = "last_4_weeks"


def language_picker(default: str) -> str:
    """The language switch at the top of the sidebar, kept in the URL as ``?lang=zh|en``.

    Bound by hand rather than with ``bind=`` so the URL holds the stable code, not the label.
    """
    if "lang" not in st.session_state:
        url_lang = st.query_params.get("lang")
        st.session_state["lang"] = url_lang if url_lang in LANGUAGES else default
    choice = st.sidebar.radio(
        "Language / 语言",
        options=list(LANGUAGES),
        format_func=LANGUAGE_LABELS.get,
        key="lang",
        horizontal=True,
        label_visibility="collapsed",
    )
    st.query_params["lang"] = choice
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
    side, lang: str, key: str, label_key: str, names: dict, aliases: dict, relabel: bool
) -> list:
    """A multiselect kept in the URL by its options' codes."""
    urlbind.seed_many(key, aliases, force=relabel)
    picked = side.multiselect(
        t(label_key, lang),
        options=list(names),
        format_func=names.get,
        key=key,
        placeholder=t("filters.all", lang),
    )
    urlbind.write_many(key, picked)
    return picked


def filter_bar(lang: str, options: FrameData, data_end: date | None) -> Filters:
    """Draw the filter bar in the sidebar and return the selected filters."""
    anchor = data_end or clock.today()
    side = st.sidebar
    side.subheader(t("filters.title", lang))
    relabel = urlbind.relabelled(lang)
    urlbind.seed_one("period", _labels("preset", PRESETS), DEFAULT_PRESET, force=relabel)
    preset = side.selectbox(
        t("filters.period", lang),
        options=list(PRESETS),
        format_func=lambda p: t(f"preset.{p}", lang),
        key="period",
    )
    urlbind.write_one("period", preset, DEFAULT_PRESET)
    start, end = (
        preset_range(preset or DEFAULT_PRESET, anchor)
        if preset != "custom"
        else (
            anchor - timedelta(days=27),
            anchor,
        )
    )
    if preset == "custom":
        # Dates have no translated label: Streamlit's binding keeps them as ISO dates.
        picked = side.date_input(
            t("filters.dates", lang),
            value=(start, end),
            max_value=anchor + timedelta(days=366),
            key="dates",
            bind="query-params",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            start, end = picked
    cities, all_clinics, channels = options.cities, options.clinics, options.channels
    picked_cities = _multiselect(
        side,
        lang,
        "city",
        "filters.cities",
        _names(cities, "city_id", lang),
        _aliases(cities, "city_id", "name_zh", "name_en"),
        relabel,
    )
    specialty_codes = ["eye", "dental", "aesthetic"]
    specialties = _multiselect(
        side,
        lang,
        "specialty",
        "filters.specialties",
        {s: t(f"specialty.{s}", lang) for s in specialty_codes},
        _labels("specialty", specialty_codes),
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
    if end < start:
        start, end = end, start
    return Filters(
        start=start,
        end=end,
        cities=tuple(int(c) for c in picked_cities),
        specialties=tuple(specialties),
        clinics=tuple(int(c) for c in picked_clinics),
        channels=tuple(int(c) for c in picked_channels),
    )
