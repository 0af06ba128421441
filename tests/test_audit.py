"""The audit store records who did what, with which filters, and reads it back newest first."""

import logging
from datetime import date

from dashboard import audit
from dashboard.filters import Filters


def test_record_and_read(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    f = Filters(date(2026, 11, 9), date(2026, 11, 15), cities=(1,))
    audit.record(url, "a@b.c", "finance", "export", "overview.xlsx", f, rows=42)
    audit.record(url, "a@b.c", "finance", "page_view", "funnel", f)
    frame = audit.read(url)
    assert list(frame.event) == ["page_view", "export"]
    assert frame.loc[1, "rows"] == 42
    assert '"cities": [1]' in frame.loc[1, "filters"]
    assert len(audit.read(url, event="export")) == 1
    audit.dispose()


def test_unwritable_store_never_raises(tmp_path, caplog):
    """A store that cannot be written logs the failure and the page goes on; a good one writes."""
    with caplog.at_level(logging.ERROR, logger=audit.log.name):
        audit.record("sqlite:////proc/forbidden/audit.sqlite", "a", "admin", "sign_in", "x")
    failed = [r for r in caplog.records if r.name == audit.log.name]
    assert [r.getMessage() for r in failed] == ["could not write the audit log"]
    assert failed[0].exc_info is not None
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    audit.record(url, "a", "admin", "sign_in", "x")
    assert list(audit.read(url).user) == ["a"]
    audit.dispose()
