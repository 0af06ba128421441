"""The global filter bar: language, period presets, cities, specialty, clinics, channels.

Every widget is bound to the URL (``bind="query-params"``) so a copied link reproduces
the view; Streamlit drops URL values that are not valid options, so odd URLs are ignored.
Options come from scope-filtered queries: a viewer never sees another city as an option.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.filters import PRESETS, Filters, Scope, preset_range
from dashboard.i18n import t
from dashboard.settings import LANGUAGES

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


def filter_bar(lang: str, scope: Scope, data_end: date | None) -> Filters:
    """Draw the filter bar in the sidebar and return the selected filters."""
    anchor = data_end or date.today()
    side = st.sidebar
    side.subheader(t("filters.title", lang))
    preset = side.selectbox(
        t("filters.period", lang),
        options=list(PRESETS),
        index=PRESETS.index(DEFAULT_PRESET),
        format_func=lambda p: t(f"preset.{p}", lang),
        key="period",
        bind="query-params",
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
        picked = side.date_input(
            t("filters.dates", lang),
            value=(start, end),
            max_value=anchor + timedelta(days=366),
            key="dates",
            bind="query-params",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            start, end = picked
    cities = data.run("filter_cities", None, scope)
    city_names = _names(cities, "city_id", lang)
    picked_cities = side.multiselect(
        t("filters.cities", lang),
        options=list(city_names),
        format_func=city_names.get,
        key="city",
        bind="query-params",
        placeholder=t("filters.all", lang),
    )
    specialties = side.multiselect(
        t("filters.specialties", lang),
        options=["eye", "dental", "aesthetic"],
        format_func=lambda s: t(f"specialty.{s}", lang),
        key="specialty",
        bind="query-params",
        placeholder=t("filters.all", lang),
    )
    clinics = data.run("filter_clinics", None, scope)
    if picked_cities:
        clinics = clinics[clinics["city_id"].isin(picked_cities)]
    if specialties:
        clinics = clinics[clinics["specialty"].isin(specialties)]
    clinic_names = _names(clinics, "clinic_id", lang)
    picked_clinics = side.multiselect(
        t("filters.clinics", lang),
        options=list(clinic_names),
        format_func=clinic_names.get,
        key="clinic",
        bind="query-params",
        placeholder=t("filters.all", lang),
    )
    channels = data.run("filter_channels", None, scope)
    channel_names = _names(channels, "channel_id", lang)
    picked_channels = side.multiselect(
        t("filters.channels", lang),
        options=list(channel_names),
        format_func=channel_names.get,
        key="channel",
        bind="query-params",
        placeholder=t("filters.all", lang),
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
