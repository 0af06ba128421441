"""Display formatting of values by unit and language; a missing value shows as "—".

Money shows the configured currency's symbol (``Settings.currency``, CNY unless set),
read once per process by ``money_symbol``: every page, chart and export takes it from here.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from dashboard.metrics.arithmetic import is_missing

DASH = "—"
# Symbols that cannot be mistaken for another currency's in a chain's reports (¥ is the
# yuan here, so the yen is JP¥); any other ISO code is shown as the code, "KRW 1,234".
CURRENCY_SYMBOLS = {
    "CNY": "¥",
    "HKD": "HK$",
    "MOP": "MOP$",
    "TWD": "NT$",
    "USD": "US$",
    "SGD": "S$",
    "AUD": "A$",
    "CAD": "C$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "JP¥",
}


def currency_symbol(code: str) -> str:
    """The symbol money in currency ``code`` (ISO 4217) is shown with."""
    code = code.upper()
    return CURRENCY_SYMBOLS.get(code, f"{code} ")


@functools.cache
def money_symbol() -> str:
    """The configured currency's symbol (read once; ``money_symbol.cache_clear()`` re-reads)."""
    from dashboard.settings import load_settings

    return currency_symbol(load_settings().currency)


def currency_unit(lang: str = "zh") -> str:
    """The currency as a unit in a label: 元 for the yuan in Chinese, else its symbol."""
    symbol = money_symbol().strip()
    return "元" if lang == "zh" and symbol == CURRENCY_SYMBOLS["CNY"] else symbol


def fmt_value(value: float | None, unit: str, lang: str = "zh") -> str:
    """Format a KPI value for display (¥ with thousands separators, % for rates)."""
    if is_missing(value):
        return DASH
    v = float(value)
    if unit == "money":
        return f"{money_symbol()}{v:,.0f}" if abs(v) >= 100 else f"{money_symbol()}{v:,.2f}"
    if unit == "rate":
        return f"{v:.1%}"
    if unit == "ratio":
        return f"{v:.2f}" if abs(v) < 10 else f"{v:,.1f}"
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "days":
        return f"{v:,.1f} 天" if lang == "zh" else f"{v:,.1f} d"
    if unit == "hours":
        return f"{v:,.1f} 小时" if lang == "zh" else f"{v:,.1f} h"
    if unit == "score":
        return f"{v:.2f}"
    return f"{v:,}"


def fmt_compact(value: float | None, unit: str, lang: str = "zh") -> str:
    """Short form of money and counts from 100,000 up: 2673万 / ¥26.7M / ¥175K; else fmt_value.

    The one compact form: KPI cards, the scorecard and weekly tables and the regional heat map
    cells all use it.
    """
    if is_missing(value) or unit not in ("money", "count") or abs(float(value)) < 100_000:
        return fmt_value(value, unit, lang)
    v = float(value)
    prefix = money_symbol() if unit == "money" else ""
    if lang == "zh":
        # Chinese readers count in 万 (10^4) and 亿 (10^8); no separators keeps the card short.
        if abs(v) >= 1e8:
            return f"{prefix}{v / 1e8:.2f}亿"
        wan = v / 1e4
        return f"{prefix}{wan:.0f}万" if abs(wan) >= 100 else f"{prefix}{wan:.1f}万"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= size:
            scaled = v / size
            # Three significant digits keep a card's value short enough not to be cut off.
            return (
                f"{prefix}{scaled:,.0f}{suffix}"
                if abs(scaled) >= 100
                else f"{prefix}{scaled:.1f}{suffix}"
            )
    return fmt_value(value, unit, lang)


def fmt_change(change_pct: float | None) -> str:
    """Format a relative change with its sign, e.g. +12.3%."""
    if is_missing(change_pct):
        return DASH
    return f"{change_pct:+.1%}"


def fmt_delta(change: float | None, unit: str, lang: str = "zh") -> str:
    """Format an absolute change with its sign, in the KPI's unit."""
    if is_missing(change):
        return DASH
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    if unit == "rate":
        points = abs(change) * 100
        return f"{sign}{points:.1f} pp" if lang == "en" else f"{sign}{points:.1f} 个百分点"
    return sign + fmt_value(abs(change), unit, lang)


def fmt_date(value: date | datetime | None, lang: str = "zh") -> str:
    """Format a date (or the date part of a timestamp) for display."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
