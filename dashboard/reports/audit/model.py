"""The audit page's data model: the events and the names their stored filters refer to."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# A filter key (cities, clinics, channels) -> id -> name, in one language.
Names = dict[str, dict[object, str]]


@dataclass(frozen=True)
class AuditView:
    """The latest audit events and, per language, the names of what their filters narrowed."""

    events: pd.DataFrame
    names: dict[str, Names]  # language -> names
