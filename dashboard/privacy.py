"""Masking of personal data (names, phones): the one place it is done.

Whether a viewer may see personal data unmasked is decided by the sign-in policy
(``PageContext.can_see_personal``); everything that shows or exports a name or phone
passes it through ``mask_name``/``mask_phone``/``mask_frame`` with that flag.
"""

from __future__ import annotations

import pandas as pd

PERSONAL = ("name", "phone")


def _missing(value: object) -> bool:
    """None, NaN or pd.NA: a field the source did not have (shown empty, never invented)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def mask_name(name: str | None) -> str:
    """张三丰 → 张*丰, 张三 → 张*, Li Wei → L*i; keeps the first and last character only."""
    if _missing(name):
        return ""
    text = str(name)
    if len(text) <= 1:
        return "*"
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678; anything not 11 digits keeps only its last 2 characters."""
    if _missing(phone):
        return ""
    digits = str(phone).strip()
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def mask_frame(
    frame: pd.DataFrame, allowed: bool, columns: dict[str, str] | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` with personal columns masked unless ``allowed``.

    ``columns`` maps column name → kind ("name" or "phone"); by default the columns
    called name/phone (or ending in _name/_phone where they hold a person's data).
    """
    out = frame.copy()
    cols = columns or {c: c for c in out.columns if c in PERSONAL}
    for col, kind in cols.items():
        if col not in out.columns:
            continue
        if allowed:
            # Unmasked, a missing name or phone still shows empty, not as "None" or "nan".
            out[col] = out[col].map(lambda v: "" if _missing(v) else v)
        else:
            out[col] = out[col].map(mask_phone if kind == "phone" else mask_name)
    return out
