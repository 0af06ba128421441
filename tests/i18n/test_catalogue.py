"""The language catalogue: every key in both languages, with the same placeholders."""

import string

import pytest

from dashboard.i18n import LANGUAGES, MissingTranslation, catalogue, t
from dashboard.metrics.registry import KPIS
from dashboard.navigation import PAGES, SECTIONS


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_key_has_both_languages_and_same_placeholders(key):
    entry = catalogue()[key]
    for lang in LANGUAGES:
        assert entry.get(lang, "").strip(), f"{key} lacks {lang}"
    assert _fields(entry["zh"]) == _fields(entry["en"]), key


def test_pages_sections_and_kpis_have_names():
    keys = catalogue()
    for page in PAGES:
        assert f"page.{page.id}" in keys
    for section in SECTIONS:
        assert f"section.{section}" in keys
    for kpi_id in KPIS:
        assert f"kpi.{kpi_id}" in keys


def test_unknown_key_raises():
    with pytest.raises(MissingTranslation):
        t("no.such.key", "en")


def test_placeholders_filled():
    assert t("app.data_as_of", "en", when="2026-11-15") == "Data as of 2026-11-15"
