"""Generated chains shared by the seed tests: a small one for constraints, the default size for realism."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.seed import generate

END = date(2026, 11, 15)
SMALL_LEADS = 20_000
DEFAULT_LEADS = 300_000


@pytest.fixture(scope="session")
def small():
    """A 20,000-lead chain: every hard constraint must already hold at this size."""
    return generate(END, leads=SMALL_LEADS, seed=42)


@pytest.fixture(scope="session")
def default():
    """The default 300,000-lead chain the dashboard is demonstrated on."""
    return generate(END, leads=DEFAULT_LEADS, seed=42)
