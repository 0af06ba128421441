"""Readers and a load: a page view reads one data version; every later read sees the new one.

- A page view pinned with ``data.begin_view`` never mixes two loads: on DuckDB its reads stay
  on the file it began with; on PostgreSQL a read that would see a newer load raises
  ``DataChanged`` (the page is then drawn again) instead of mixing.
- Reader threads that never stop reading (pooled connections always busy) see a finished
  load at their next read: DuckDB used to hand them the old file's instance for ever.
"""

from __future__ import annotations

import threading

import pytest

from dashboard import data
from dashboard.filters import Scope
from dashboard.loading import load_directory
from tests.conftest import activate


def _names() -> list[str]:
    return data.run_uncached("filter_cities", None, Scope.all(), {}).name_zh.tolist()


def _rename(settings, make_folder, sample_rows, name: str) -> None:
    sample_rows["cities"][0]["name_zh"] = name
    result = load_directory(settings, make_folder(sample_rows, ["cities"]), lang="en")
    assert result.ok, [p.reason for p in result.problems]


def test_a_page_view_reads_one_version(loaded_settings, make_folder, sample_rows, monkeypatch):
    activate(loaded_settings, monkeypatch)
    data.begin_view()
    assert _names() == ["郑州", "上海"]
    _rename(loaded_settings, make_folder, sample_rows, "郑州新区")
    if loaded_settings.is_duckdb:
        assert _names() == ["郑州", "上海"]  # still the version the view began with
    else:
        with pytest.raises(data.DataChanged):
            _names()
    data.begin_view()  # the next page view
    assert _names() == ["郑州新区", "上海"]


def test_busy_readers_see_a_finished_load_at_their_next_read(
    loaded_settings, make_folder, sample_rows, monkeypatch
):
    activate(loaded_settings, monkeypatch)
    loaded = threading.Event()
    stop = threading.Event()
    stale_after_load: list[list[str]] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                was_loaded = loaded.is_set()  # set before this read began
                names = _names()
                if was_loaded and names[0] != "郑州新区":
                    stale_after_load.append(names)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    _rename(loaded_settings, make_folder, sample_rows, "郑州新区")
    loaded.set()
    reads_after = threading.Event()
    threading.Timer(2.0, reads_after.set).start()
    reads_after.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert not stale_after_load, f"{len(stale_after_load)} stale reads after the load"
    assert _names()[0] == "郑州新区"
