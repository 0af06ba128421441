"""Today's date for the whole product: the machine's, unless ``OPSDASH_TODAY`` fixes it.

The seed's default end date and every default period that has no data to anchor on read this,
so a test run (or a demo) can move the clock, e.g. a year ahead, and see what users will see.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

# How far past today a fact may be dated (time zones, a clinic's clock a little fast).
DEFAULT_FUTURE_DAYS = 1


def today() -> date:
    """Today: ``OPSDASH_TODAY`` (YYYY-MM-DD) when set, else the machine's date."""
    fixed = os.environ.get("OPSDASH_TODAY", "").strip()
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        # A wrong setting must not silently fall back to the machine's date.
        raise ValueError(f"OPSDASH_TODAY is not a date (YYYY-MM-DD): {fixed!r}") from None


def latest_fact_day() -> date:
    """The last day a fact may carry: today + ``OPSDASH_FUTURE_DAYS`` (default 1) days.

    A fact dated later (an order typed as 2099) would move "data as of" and with it every
    default period into the future, blanking every page; the loader refuses it.
    """
    text = os.environ.get("OPSDASH_FUTURE_DAYS", "").strip()
    try:
        days = int(text) if text else DEFAULT_FUTURE_DAYS
    except ValueError:
        raise ValueError(f"OPSDASH_FUTURE_DAYS is not a whole number: {text!r}") from None
    if days < 0:
        raise ValueError(f"OPSDASH_FUTURE_DAYS must not be negative: {text!r}")
    return today() + timedelta(days=days)
