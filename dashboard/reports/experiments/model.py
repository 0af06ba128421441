"""The red-black board's report type, its lists and target lifts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics.abtest_board import BoardSettings, ranked
from dashboard.metrics.arithmetic import is_missing

TARGET_LIFTS = (0.05, 0.10, 0.15, 0.20, 0.30)
LISTS = ("red", "black", "attention", "inconclusive", "too_early")


def is_further(is_primary) -> bool:
    """A row of a further metric: ``is_primary`` present and false (missing reads as main)."""
    return not is_missing(is_primary) and is_primary is not None and not bool(is_primary)


@dataclass(frozen=True)
class ExperimentsData:
    """What the red-black board shows."""

    filters: Filters
    settings: BoardSettings
    experiments: pd.DataFrame  # one row per experiment: metadata, units, SRM, outcome
    variants: pd.DataFrame  # one row per variant: units, rate/mean with intervals, guardrail
    board: pd.DataFrame  # one row per treatment-vs-control comparison and metric, with verdict
    timeline: pd.DataFrame  # cumulative lift per treatment and day
    channel_ignored: bool  # a channel filter was set; it does not apply to exposures
    is_empty: bool
    # The board's rows list after list, each list in its order, and each list's (start, stop)
    # in it: ranked once, and a list is a slice (a row take per list costs ~1 ms).
    ordered: pd.DataFrame
    bounds: dict[str, tuple[int, int]]
    # Revenue experiments some of whose exposures carry no value: not evaluated (their mean
    # revenue would count those units as zero); code, name_zh, name_en of each.
    unvalued: tuple[tuple[str, str, str], ...] = ()
    no_clinic_units: int = 0  # exposures without a clinic counted here (whole-chain views only)

    def listed(self, verdict: str) -> pd.DataFrame:
        """The comparisons on one list, in the list's order."""
        if verdict not in self.bounds:
            return ranked(self.board, verdict)
        start, stop = self.bounds[verdict]
        return self.ordered.iloc[start:stop]

    def counts(self) -> dict[str, int]:
        """How many comparisons each list holds, plus experiments and comparisons overall."""
        verdicts = self.board["verdict"].tolist()
        out = {v: verdicts.count(v) for v in LISTS}
        out["experiments"] = len(self.experiments)
        out["comparisons"] = int(self.board["variant_code"].notna().sum())
        further = self.board["is_primary"].tolist() if "is_primary" in self.board else []
        out["further"] = sum(1 for p in further if is_further(p))
        return out
