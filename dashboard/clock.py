"""Today's date for the whole product: the machine's, unless ``OPSDASH_TODAY`` fixes it.

The seed's default end date and every default period that has no data to anchor on read this,
so a test run (or a demo) can move the clock, e.g. a year ahead, and see what users will see.
"""

from __future__ import annotations

import os
from datetime import date


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
