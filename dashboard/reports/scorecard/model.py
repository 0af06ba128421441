"""The scorecard's report and options types, and the period kind it opens on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.metrics.periods import Period
from dashboard.metrics.target_scope import TargetScope

DEFAULT_KIND = "month"


@dataclass(frozen=True)
class ScorecardOptions:
    """The choices the page offers: periods per kind, and scopes with their names."""

    periods: dict[str, tuple[str, ...]]
    scopes: tuple[str, ...]
    scope_names: dict[str, tuple[str, str]]
    default_scope: str

    def scope_name(self, code: str, lang: str) -> str:
        """The display name of a scope code in ``lang``."""
        zh, en = self.scope_names.get(code, (code, code))
        return zh if lang == "zh" else en


@dataclass(frozen=True)
class ScorecardData:
    """What the scorecard page shows."""

    period: Period
    data_end: date
    target_scope: TargetScope
    elapsed_days: int
    comparison: Period
    narrowing: tuple[str, ...]
    rows: pd.DataFrame
    weeks: tuple[date, ...]
    league: pd.DataFrame
    league_kpis: tuple[str, ...]
    league_narrowing: tuple[str, ...]
    is_empty: bool
    arrival_basis: str = "appointments"  # 到诊率's definition (registry.arrival_basis)

    @property
    def in_progress(self) -> bool:
        """True when the data ends inside the period (judged on pacing)."""
        return self.period.in_progress(self.data_end)
