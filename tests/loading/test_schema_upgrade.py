"""A warehouse written by an older version takes loads after an upgrade: new columns are added
and columns that became optional lose NOT NULL, keeping every row."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from dashboard.loading import load_directory


def _run(settings, *statements: str) -> None:
    engine = sa.create_engine(settings.warehouse_url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for sql in statements:
                conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _frame(settings, sql: str) -> pd.DataFrame:
    engine = sa.create_engine(settings.warehouse_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return pd.read_sql(sql, conn)
    finally:
        engine.dispose()


def test_old_warehouse_is_upgraded_by_the_next_load(loaded_settings, make_folder, sample_rows):
    # As an older version left it: no label column on channels, phone required, no key_map.
    _run(
        loaded_settings,
        "alter table channels drop column kind_zh",
        "alter table customers alter column phone set not null",
        "drop table key_map",
    )
    before = _frame(loaded_settings, "select * from channels order by channel_id")
    for row in sample_rows["customers"]:
        del row["phone"]  # a CRM export without phone numbers
    result = load_directory(loaded_settings, make_folder(sample_rows, ["customers"]), lang="en")
    assert result.ok, [p.reason for p in result.problems]
    after = _frame(loaded_settings, "select * from channels order by channel_id")
    assert after["kind_zh"].isna().all()
    pd.testing.assert_frame_equal(after.drop(columns=["kind_zh"]), before, check_like=True)
    phones = _frame(loaded_settings, "select phone from customers")["phone"]
    assert len(phones) == len(sample_rows["customers"]) and phones.isna().all()
    assert len(_frame(loaded_settings, "select * from key_map")) == 0
