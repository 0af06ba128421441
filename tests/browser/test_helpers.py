"""The browser tests' own helpers (no browser needed): reading displayed numbers, console noise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.browser import helpers as h


@pytest.mark.parametrize(
    ("text", "value", "half"),
    [
        ("1,383,196", 1_383_196, 0.5),
        ("1.4M", 1.4e6, 0.05e6),
        ("¥174.9K", 174_900, 50),
        ("¥1,277", 1277, 0.5),
        ("138.3万", 1_383_000, 500),
        ("¥1.65亿", 1.65e8, 0.005e8),
        ("40.6%", 0.406, 0.0005),
        ("0.057%", 0.00057, 0.000005),
        ("+18.4%", 0.184, 0.0005),
        ("−3.5%", -0.035, 0.0005),
        ("-12", -12, 0.5),
        ("2.58", 2.58, 0.005),
        ("101.5", 101.5, 0.05),
        ("12.5 h", 12.5, 0.05),
        ("3.0 天", 3.0, 0.05),
    ],
)
def test_parse_shown_reads_value_and_precision(text, value, half):
    got, got_half = h.parse_shown(text)
    assert got == pytest.approx(value)
    assert got_half == pytest.approx(half)


def test_parse_shown_dash_and_garbage():
    assert h.parse_shown("—") is None
    with pytest.raises(ValueError):
        h.parse_shown("n/a")


def test_assert_shown_is_strict_beyond_the_displayed_precision():
    h.assert_shown("1.4M", 1_449_999, "x")
    with pytest.raises(AssertionError):
        h.assert_shown("1.4M", 1_460_000, "x")
    with pytest.raises(AssertionError):
        h.assert_shown("40.6%", 0.4071, "x")
    with pytest.raises(AssertionError):
        h.assert_shown("—", 3.0, "x")
    with pytest.raises(AssertionError):
        h.assert_shown("0", None, "x")
    h.assert_shown("—", None, "x")


def _msg(text: str, url: str, kind: str = "error"):
    return SimpleNamespace(type=kind, text=text, location={"url": url})


def test_console_log_ignores_only_the_listed_noise():
    base = "http://127.0.0.1:8501"
    log = h.ConsoleLog(base)
    not_found = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    log._on_console(_msg(not_found, f"{base}/weekly/_stcore/health"))
    log._on_console(_msg(not_found, f"{base}/weekly/_stcore/host-config"))
    log._on_console(_msg(not_found, f"{base}/favicon.ico"))
    log._on_console(_msg("net::ERR_NAME_NOT_RESOLVED", "https://fonts.example.com/x.woff2"))
    log._on_console(_msg("just a warning", f"{base}/", kind="warning"))
    assert log.errors == []
    assert len(log.ignored) == 4
    log._on_console(_msg(not_found, f"{base}/_stcore/health"))  # the root's own health: real
    log._on_console(_msg("TypeError: x is undefined", f"{base}/static/js/index.js"))
    log._on_console(_msg(not_found, f"{base}/media/abc.png"))
    assert len(log.errors) == 3
