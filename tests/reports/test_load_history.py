"""The load history in words (page table, terminal text, file list) against the writes made.

The history is written by the real writer and ``opsdash undo`` (tests/reports/
load_history_chain.py) on a fresh DuckDB file and a fresh PostgreSQL database; every expected
count comes from pandas over the frames written, every digest from the files' bytes, every
time from the clock around each write; the expected wording is spelled out there too.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from dashboard import cli, data
from dashboard.i18n import t
from dashboard.reports.loads import load as loads_load
from dashboard.reports.loads import tables as loads_tables
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from dashboard.warehouse.undo import read_history
from tests.conftest import activate
from tests.reports import load_history_chain as chain
from tests.reports.load_history_chain import (
    DASH,
    HEADERS,
    LANGS,
    MODE,
    SEP,
    phrases,
    short_files,
    status,
)

_databases = itertools.count()


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def loads(request, tmp_path_factory) -> tuple[Settings, list[chain.Step]]:
    """A fresh warehouse on each backend with the chain's loads and undo written to it."""
    folder = tmp_path_factory.mktemp("load_history")
    if request.param == "duckdb":
        settings = Settings(warehouse_url=duckdb_url(folder / "w.duckdb"))
    else:
        server = request.getfixturevalue("postgres")
        url = server.create_database(f"load_history_{next(_databases)}")
        settings = Settings(warehouse_url=url)
    steps = chain.build(settings, folder / "in")
    yield settings, steps
    wh.dispose_all()


def _within(shown: str, step: chain.Step) -> bool:
    # Minutes, as the project's formatter shows a time: between the clock before and after.
    fmt = "%Y-%m-%d %H:%M"
    return step.started.strftime(fmt) <= shown <= step.finished.strftime(fmt)


@pytest.mark.parametrize("lang", LANGS)
def test_display_has_one_row_per_write_newest_first(loads, lang):
    settings, steps = loads
    shown = loads_tables.display(read_history(settings), lang)
    assert list(shown.columns) == HEADERS[lang]
    assert shown.iloc[:, 0].tolist() == [s.batch for s in reversed(steps)]
    for (_, row), step in zip(shown.iterrows(), reversed(steps), strict=True):
        batch, when, who, mode, said, seconds, tables, files, folder = row.tolist()
        assert _within(when, step), (when, step.started, step.finished)
        assert who == (step.loaded_by or DASH)
        assert mode == MODE[lang][step.mode]
        if step.mode != "undo":  # the undo's counts: test_undo_says_what_the_tables_went_back_to
            assert tables == SEP[lang].join(phrases(step, lang))
        assert files == (short_files(step) or DASH)
        assert folder == (step.source if step.mode in ("replace", "append", "upsert") else DASH)
        assert 0 <= float(seconds) <= (step.finished - step.started).total_seconds() + 0.01
        assert said == status(step, steps, lang)


def test_the_chain_exercises_every_wording(loads):
    """The chain itself: every mode, a singular, an upsert that both adds and replaces."""
    _, steps = loads
    assert [s.mode for s in steps] == ["seed", "replace", "replace", "append", "upsert", "undo"]
    assert steps[2].tables["cities"]["after"] == 1
    upsert = steps[4].tables["cities"]
    assert 0 < upsert["replaced"] < upsert["rows"]
    assert steps[-1].undoes == steps[-2].batch


@pytest.mark.parametrize("lang", LANGS)
def test_undo_says_what_the_tables_went_back_to(loads, lang):
    settings, steps = loads
    undo = steps[-1]
    shown = loads_tables.display(read_history(settings), lang)
    assert shown.iloc[0, 6] == SEP[lang].join(phrases(undo, lang))
    detail = loads_tables.tables_detail(read_history(settings), undo.batch, lang)
    assert detail.iloc[:, 0].tolist() == phrases(undo, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_format_history_lists_each_write(loads, lang):
    settings, steps = loads
    text = loads_tables.format_history(read_history(settings), lang)
    lines = text.splitlines()
    assert lines[0] == (
        "导入记录（最新在前）：" if lang == "zh" else "Load history (newest first):"
    )
    heads = [i for i, line in enumerate(lines) if not line.startswith(" ")][1:]
    assert len(heads) == len(steps)
    for start, end, step in zip(heads, [*heads[1:], len(lines)], reversed(steps), strict=True):
        head, body = lines[start], lines[start + 1 : end]
        who, mode, said = step.loaded_by or DASH, MODE[lang][step.mode], status(step, steps, lang)
        pattern = (
            rf"批次 {step.batch} · (.+) · {mode} · {who} · 用时 ([\d.,]+) 秒"
            if lang == "zh"
            else rf"Batch {step.batch} · (.+) · {mode} · by {who} · ([\d.,]+) s"
        ) + (f" · {said}" if said else "")
        found = re.fullmatch(pattern, head)
        assert found, (pattern, head)
        assert _within(found.group(1), step)
        assert float(found.group(2)) <= (step.finished - step.started).total_seconds() + 0.01
        expected = phrases(step, lang) if step.mode != "undo" or settings.is_duckdb else None
        shown = [line.strip() for line in body]
        if expected is not None:
            assert shown[: len(expected)] == expected
        if step.mode in ("replace", "append", "upsert"):
            label = "文件夹：" if lang == "zh" else "Folder: "
            assert f"{label}{step.source}" in shown
        if step.files:
            label = "文件：" if lang == "zh" else "Files: "
            assert shown[-1] == f"{label}{short_files(step)}"
        else:
            assert not any(line.startswith(("文件：", "Files: ")) for line in shown)


@pytest.mark.parametrize("lang", LANGS)
def test_files_detail_gives_full_digests(loads, lang):
    settings, steps = loads
    frame = read_history(settings)
    for step in steps:
        detail = loads_tables.files_detail(frame, step.batch, lang)
        assert list(detail.columns) == [
            t("loads.file.name", lang),
            t("loads.file.size", lang),
            t("loads.file.sha256", lang),
        ]
        expected = [(name, size, sha) for name, (size, sha) in sorted(step.files.items())]
        assert list(detail.itertuples(index=False, name=None)) == expected


@pytest.mark.parametrize("lang", LANGS)
def test_tables_detail_lists_one_table_a_row(loads, lang):
    settings, steps = loads
    frame = read_history(settings)
    for step in steps[:-1]:  # the undo's: test_undo_says_what_the_tables_went_back_to
        detail = loads_tables.tables_detail(frame, step.batch, lang)
        assert list(detail.columns) == [HEADERS[lang][6]]
        assert detail.iloc[:, 0].tolist() == phrases(step, lang)


def test_the_page_loader_reads_the_same_history(loads, monkeypatch):
    """Through the cached data layer (the named query) as straight from the warehouse."""
    settings, steps = loads
    activate(settings, monkeypatch)
    try:
        through_pages = loads_load.load()
    finally:
        data.settings.cache_clear()
        data.clear_cache()
    assert through_pages["batch_id"].tolist() == [s.batch for s in reversed(steps)]
    for lang in LANGS:
        pd.testing.assert_frame_equal(
            loads_tables.display(through_pages, lang),
            loads_tables.display(read_history(settings), lang),
        )


@pytest.mark.parametrize("lang", LANGS)
def test_no_load_yet(tmp_path, lang):
    settings = Settings(warehouse_url=duckdb_url(tmp_path / "none.duckdb"))
    empty = read_history(settings)
    text = loads_tables.format_history(empty, lang)
    assert text == t("loads.none", lang)
    assert text == (
        "还没有导入记录：数据仓库尚未写入过数据。"
        if lang == "zh"
        else "No load yet: the warehouse has no load history."
    )
    shown = loads_tables.display(empty, lang)
    assert shown.empty and list(shown.columns) == HEADERS[lang]


def test_a_warehouse_of_an_older_version(tmp_path, monkeypatch):
    """load_batches with only its first four columns: modes from the source, tables by name."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "create table load_batches (batch_id integer, loaded_at timestamp, "
        "source varchar, tables varchar)"
    )
    at = [datetime(2025, 3, 1, 9, 30), datetime(2025, 4, 2, 18, 5)]
    con.execute("insert into load_batches values (1, ?, 'seed', 'cities,clinics')", [at[0]])
    con.execute("insert into load_batches values (2, ?, '/data/march', 'leads')", [at[1]])
    con.close()
    settings = activate(Settings(warehouse_url=duckdb_url(path)), monkeypatch)
    try:
        frame = loads_load.load()
    finally:
        data.settings.cache_clear()
        data.clear_cache()
        wh.dispose_all()
    shown = loads_tables.display(frame, "en")
    assert shown.values.tolist() == [
        [2, "2025-04-02 18:05", DASH, "replace", "", DASH, "leads", DASH, "/data/march"],
        [1, "2025-03-01 09:30", DASH, "sample data", "", DASH, "cities; clinics", DASH, DASH],
    ]
    text = loads_tables.format_history(frame, "zh").splitlines()
    assert text[1] == "批次 2 · 2025-04-02 18:05 · 替换 · —"
    assert text[2:4] == ["    leads", "    文件夹：/data/march"]
    assert settings.is_duckdb


@pytest.mark.parametrize("lang", LANGS)
def test_opsdash_loads_prints_the_latest(loads, lang, monkeypatch, capsys):
    """``opsdash loads --limit 2``: the title and the two newest writes, nothing older."""
    settings, steps = loads
    activate(settings, monkeypatch)
    try:
        assert cli.main(["loads", "--lang", lang, "--limit", "2"]) == 0
    finally:
        data.settings.cache_clear()
    out = capsys.readouterr().out.splitlines()
    heads = [line for line in out if not line.startswith(" ")]
    word = "批次" if lang == "zh" else "Batch"
    assert [h.split(" · ")[0] for h in heads[1:]] == [f"{word} {s.batch}" for s in steps[:-3:-1]]
    assert ("    " + chain.phrases(steps[-2], lang)[0]) in out
