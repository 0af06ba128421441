"""The product's clock: OPSDASH_TODAY moves "today" for the seed and the default period."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import clock
from dashboard.seed.warehouse import default_end_date


def test_machine_date_without_the_setting(monkeypatch):
    monkeypatch.delenv("OPSDASH_TODAY", raising=False)
    before = date.today()
    got = clock.today()
    assert got in {before, date.today()}  # the two reads may straddle midnight


def test_setting_moves_today_and_the_seed_end(monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", "2027-12-07")
    assert clock.today() == date(2027, 12, 7)
    assert default_end_date() == date(2027, 12, 6)


def test_a_wrong_setting_is_an_error_not_the_machine_date(monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", "next year")
    with pytest.raises(ValueError, match="OPSDASH_TODAY"):
        clock.today()
