"""Safe arithmetic for metrics: a ratio with no denominator is None ("—"), never inf or NaN."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    # typing.TypeIs is 3.13+; only the checker reads this annotation.
    from typing_extensions import TypeIs

# A cell of a frame or of a driver's row: a number, text, a date, or None/NaN/NaT/pd.NA. pandas
# is not type-checked here (no pandas-stubs), so its cells are Any; the alias names the intent.
Cell: TypeAlias = Any


def is_missing(value: object) -> TypeIs[None]:
    """True for None and NaN."""
    # TypeIs[None] lets the checker narrow `float | None` to float after `if is_missing(x):
    # return`; a NaN is a float the checker then treats as None there, which is only stricter.
    return value is None or (isinstance(value, float) and math.isnan(value))


def safe_div(numerator: float | None, denominator: float | None) -> float | None:
    """numerator ÷ denominator, or None when either is missing or the denominator is 0."""
    if is_missing(numerator) or is_missing(denominator) or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def pct_change(current: float | None, previous: float | None) -> float | None:
    """Relative change (current − previous) ÷ |previous|, or None without a base."""
    if is_missing(current) or is_missing(previous) or previous == 0:
        return None
    return (float(current) - float(previous)) / abs(float(previous))


def roi(revenue: float | None, spend: float | None) -> float | None:
    """Marketing ROI (营销费用ROI) = (revenue − spend) ÷ spend."""
    if is_missing(revenue):
        return None
    return safe_div(float(revenue) - float(spend or 0), spend)
