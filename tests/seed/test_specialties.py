"""The sample's specialty codes are listed once (labels.SAMPLE_SPECIALTIES) and everything
that names them per code — the seed, the sample CSVs, the catalogues, the map's colours — agrees."""

from __future__ import annotations

import pandas as pd

from dashboard import labels
from dashboard.i18n import LANGUAGES, has
from dashboard.seed import network, reference
from dashboard.settings import SAMPLE_DATA_DIR


def test_one_list_of_specialties():
    codes = labels.SAMPLE_SPECIALTIES
    assert reference.SPECIALTIES is codes
    assert list(network.BRANDS) == list(codes)
    assert list(labels.SPECIALTY_COLORS) == list(codes) == list(labels.SPECIALTY_MARKDOWN)
    mix = [
        c
        for c in pd.read_csv(SAMPLE_DATA_DIR / "channels.csv", nrows=0).columns
        if c.startswith("mix_")
    ]
    assert mix == [f"mix_{c}" for c in codes]
    for code in codes:
        assert has(f"specialty.{code}")
        assert all(labels.code_label("specialty", code, lang) != code for lang in LANGUAGES)
