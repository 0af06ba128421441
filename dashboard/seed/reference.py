"""The generator's hand-written inputs under ``sample_data/`` (cities, channels, services, …).

Everything a non-programmer may want to tune (real cities, channel costs and conversion
rates, the service catalogue, the experiments) lives in small UTF-8 CSV files there; this
module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.labels import SAMPLE_SPECIALTIES
from dashboard.settings import SAMPLE_DATA_DIR

# Specialty index -> code: the seed's per-specialty arrays and channels.csv's mix_<code> columns.
SPECIALTIES = SAMPLE_SPECIALTIES


@dataclass(frozen=True)
class Reference:
    """All reference inputs, as read from one folder."""

    cities: pd.DataFrame
    channels: pd.DataFrame
    services: pd.DataFrame
    surnames: pd.DataFrame
    given_chars: pd.DataFrame
    experiments: pd.DataFrame
    experiment_variants: pd.DataFrame


def _read(folder: Path, name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(folder / name, encoding="utf-8", **kwargs)


@lru_cache(maxsize=4)
def load_reference(folder: Path = SAMPLE_DATA_DIR) -> Reference:
    """Read every reference CSV from ``folder`` (cached; treat the frames as read-only)."""
    experiments = _read(folder, "experiments.csv", dtype={"specialty": "str"})
    return Reference(
        cities=_read(folder, "cities.csv"),
        channels=_read(folder, "channels.csv"),
        services=_read(folder, "services.csv"),
        surnames=_read(folder, "surnames.csv"),
        given_chars=_read(folder, "given_chars.csv"),
        experiments=experiments,
        experiment_variants=_read(folder, "experiment_variants.csv"),
    )
