"""The entry script's data on every page view: data as of and the filter bar's option lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard import data
from dashboard.filters import Scope
from dashboard.schema import SEED_SOURCE

OPTION_QUERIES = ("filter_cities", "filter_clinics", "filter_channels")
# The tables whose rows are the chain's business: while the seed wrote any of them last, the
# figures are the generated sample's, whatever else was loaded since.
FACT_TABLES = ("customers", "leads", "orders", "channel_daily")


@dataclass(frozen=True)
class FrameData:
    """What the frame around every page reads from the warehouse."""

    as_of: datetime | None  # the latest fact timestamp
    cities: pd.DataFrame  # the filter bar's options, within the viewer's scope
    clinics: pd.DataFrame
    channels: pd.DataFrame
    sample: bool = False  # the figures come (at least partly) from the generated sample chain


def load(scope: Scope) -> FrameData:
    """The frame's four small queries, run at once (each cached like any query)."""
    as_of, sources, cities, clinics, channels = data.run_all(
        data.query("data_as_of"),
        data.query("load_sources"),
        *(data.query(name, None, scope) for name in OPTION_QUERIES),
    )
    return FrameData(data.as_of_time(as_of), cities, clinics, channels, is_sample(sources))


def is_sample(sources: pd.DataFrame) -> bool:
    """True when the seed was the last to write any fact table (load_batches rows in order)."""
    last_writer: dict[str, str] = {}
    for source, tables in zip(sources["source"], sources["tables"], strict=True):
        for table in str(tables).split(","):
            last_writer[table] = str(source)
    return any(last_writer.get(table) == SEED_SOURCE for table in FACT_TABLES)
