"""Numbers as the page displays them ("¥1.7M", "138.3万", "40.6%"), read back with their precision."""

from __future__ import annotations

import re

DASH = "—"
_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "万": 1e4, "亿": 1e8}
_NUMBER = re.compile(r"^([+\-−]?)¥?([0-9][0-9,]*)(?:\.([0-9]+))?(K|M|B|万|亿)?(%)?$")


def parse_shown(text: str) -> tuple[float, float] | None:
    """A displayed number as (value, half of its last displayed digit); None for "—".

    Understands ¥, thousands separators, K/M/B and 万/亿, % and a sign: "¥1.7M", "138.3万",
    "40.6%", "−3", "1,383,196", and unit words after a space ("12.5 h", "3.0 天").
    """
    s = text.strip()
    if s == DASH:
        return None
    s = re.sub(r"\s*(h|d|小时|天)$", "", s).replace(" ", "")
    m = _NUMBER.match(s)
    if not m:
        raise ValueError(f"not a displayed number: {text!r}")
    sign, whole, decimals, suffix, percent = m.groups()
    decimals = decimals or ""
    value = float(whole.replace(",", "") + ("." + decimals if decimals else ""))
    scale = _SCALE.get(suffix, 1.0) / (100.0 if percent else 1.0)
    half = 0.5 * 10 ** (-len(decimals)) * scale
    return (-value if sign in ("-", "−") else value) * scale, half


def assert_shown(text: str, expected: float | None, what: str) -> None:
    """Assert that ``text`` shows ``expected`` to the precision it displays ("—" for None)."""
    shown = parse_shown(text)
    if expected is None or expected != expected:  # None or NaN: the page must show "—"
        assert shown is None, f"{what}: shows {text!r}, the query layer has no value"
        return
    assert shown is not None, f"{what}: shows {text!r}, the query layer has {expected!r}"
    value, half = shown
    # A little slack over half a displayed digit for binary rounding at the boundary.
    assert abs(value - float(expected)) <= half * 1.0001 + 1e-9, (
        f"{what}: shows {text!r}, the query layer has {expected!r}"
    )
