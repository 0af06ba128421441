"""The configured currency on a page: every money figure carries its symbol, nothing else moves."""

from __future__ import annotations

import pytest

from dashboard.formatting import fmt_compact, fmt_delta, fmt_value, money_symbol
from tests.pages.apptest import open_page


@pytest.fixture
def currency(monkeypatch):
    """``currency("HKD")`` configures the currency for the rest of the test (CNY after it)."""

    def use(code: str) -> None:
        monkeypatch.setenv("OPSDASH_CURRENCY", code)
        money_symbol.cache_clear()

    yield use
    monkeypatch.delenv("OPSDASH_CURRENCY", raising=False)
    money_symbol.cache_clear()


def test_the_money_formatter_uses_the_configured_currency(currency):
    assert fmt_value(1234567.8, "money") == "¥1,234,568"
    currency("HKD")
    assert fmt_value(1234567.8, "money") == "HK$1,234,568"
    assert fmt_value(12.5, "money") == "HK$12.50"
    assert fmt_compact(26_730_000, "money", "en") == "HK$26.7M"
    assert fmt_compact(26_730_000, "money", "zh") == "HK$2673万"
    assert fmt_delta(-1500, "money", "en") == "−HK$1,500"
    assert fmt_value(0.5, "rate") == "50.0%"  # other units are untouched
    currency("KRW")  # a code without a symbol of its own is shown as the code
    assert fmt_value(1500, "money") == "KRW 1,500"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_page_shows_its_money_figures_in_hkd(duckdb_warehouse, currency, lang):
    def money_cards(at) -> dict[str, str]:
        return {m.label: m.value for m in at.metric}

    at = open_page("overview", lang, timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    in_yuan = money_cards(at)
    currency("HKD")
    at = open_page("overview", lang, timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    in_hkd = money_cards(at)

    money = [label for label, value in in_yuan.items() if value.startswith("¥")]
    assert money, in_yuan  # the overview has money cards (revenue, spend …)
    # The same figures, with HK$ in place of ¥ on the money cards and nowhere else.
    assert in_hkd == {
        label: "HK$" + value[1:] if label in money else value for label, value in in_yuan.items()
    }
    assert not any("¥" in value for value in in_hkd.values())
