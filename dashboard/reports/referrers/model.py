"""The referrers page's data model: the report (personal columns already masked when required)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics import referrals as rf


@dataclass(frozen=True)
class ReferrersData:
    """What the referrers page shows (personal columns already masked when required)."""

    filters: Filters
    basis: str
    level: str
    group: object
    groups: tuple[object, ...]
    group_names: dict[object, dict[str, str]]
    ranking: pd.DataFrame
    weekly: pd.DataFrame
    referrer_id: int | None  # the warehouse's id of the selected referrer
    referrer_ref: str | None  # the id a person typed or clicked (the source's own)
    network: pd.DataFrame
    network_truncated: bool
    masked: bool
    is_empty: bool

    @property
    def selected(self) -> dict | None:
        """The selected referrer's network root row, or None when not found in the filters."""
        root = self.network[self.network["depth"] == 0]
        return None if root.empty else root.iloc[0].to_dict()

    @property
    def referral_share(self) -> float | None:
        """Referred share of all new customers of the period."""
        return rf.period_share(self.weekly)

    @property
    def active_referrers(self) -> int:
        """Referrers with a valid referral in the shown selection (chain, region or city)."""
        return rf.group_total(self.ranking, self.level, "referrers")

    @property
    def valid_referrals(self) -> int:
        """Valid referrals of every ranked referrer in the shown selection."""
        return rf.group_total(self.ranking, self.level, "valid")

    @property
    def ranking_ids(self) -> list[str]:
        """The customer numbers (as the source writes them) of the shown ranking, in rank order."""
        return [str(i) for i in self.ranking["referrer_no"]]

    @property
    def has_network(self) -> bool:
        """True when the selected referrer was found and brought someone."""
        return self.selected is not None and len(self.network) > 1
