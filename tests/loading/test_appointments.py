"""leads.appointment_at (预约到诊时间): optional, may lie ahead, never due before the booking's day."""

from __future__ import annotations

import pytest

from dashboard.loading import load_directory
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from tests.reports import health_chain

# Lead L-0001 was booked 2019-02-02 10:00; L-0003 has no booking (created 2020-03-01 10:00).
CASES = {
    "same day, earlier hour": ("L-0001", "2019-02-02 09:00:00", True),
    "days after the visit happened": ("L-0001", "2019-02-01 00:00:00", False),
    "far ahead of the data": ("L-0001", "2031-01-01 10:00:00", True),
    "no booking: the lead's day counts": ("L-0003", "2020-02-29 10:00:00", False),
}


def _load(tmp_path, monkeypatch, appointments: dict[str, str] | None):
    monkeypatch.setenv("OPSDASH_TODAY", "2025-01-01")
    rows = health_chain.chain(gaps=False)
    if appointments is None:  # a CRM export without the column
        rows["leads"] = [
            {k: v for k, v in r.items() if k != "appointment_at"} for r in rows["leads"]
        ]
    else:
        rows["leads"] = [
            {**r, "appointment_at": appointments.get(r["lead_id"], "")} for r in rows["leads"]
        ]
    folder = health_chain.write(tmp_path / "in", rows)
    try:
        return load_directory(
            Settings(warehouse_url=duckdb_url(tmp_path / "w.duckdb")), folder, "en"
        )
    finally:
        wh.dispose_all()


@pytest.mark.parametrize("case", list(CASES))
def test_appointment_not_before_the_booking_day(tmp_path, monkeypatch, case):
    lead, when, ok = CASES[case]
    result = _load(tmp_path, monkeypatch, {lead: when})
    assert result.ok == ok
    refused = [p for p in result.problems if p.code == "load.appointment_before_booking"]
    assert len(refused) == (0 if ok else 1)
    if not ok:
        row = 1 + 1 + [r["lead_id"] for r in health_chain.chain(gaps=False)["leads"]].index(lead)
        assert refused[0].row == row and refused[0].column == "appointment_at"
        for lang in ("zh", "en"):
            assert when[:10] in refused[0].reason_in(lang)


def test_a_crm_without_appointment_times_loads_with_a_warning(tmp_path, monkeypatch):
    result = _load(tmp_path, monkeypatch, None)
    assert result.ok
    codes = [w.code for w in result.warnings]
    assert "load.omitted.leads.appointment_at" in codes
