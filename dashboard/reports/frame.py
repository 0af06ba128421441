"""The entry script's data on every page view: data as of and the filter bar's option lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard import data
from dashboard.filters import Scope

OPTION_QUERIES = ("filter_cities", "filter_clinics", "filter_channels")


@dataclass(frozen=True)
class FrameData:
    """What the frame around every page reads from the warehouse."""

    as_of: datetime | None  # the latest fact timestamp
    cities: pd.DataFrame  # the filter bar's options, within the viewer's scope
    clinics: pd.DataFrame
    channels: pd.DataFrame


def load(scope: Scope) -> FrameData:
    """The frame's four small queries, run at once (each cached like any query)."""
    as_of, cities, clinics, channels = data.run_all(
        data.query("data_as_of"), *(data.query(name, None, scope) for name in OPTION_QUERIES)
    )
    return FrameData(data.as_of_time(as_of), cities, clinics, channels)
