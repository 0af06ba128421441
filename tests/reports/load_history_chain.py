"""A small load history written through the real writer, and what each write did by pandas.

Six writes of small ``cities`` and ``channels`` frames: the sample data, two replaces, an
append, an upsert and ``opsdash undo`` (which takes the upsert back). Each load's frames are
written as CSV files first and stamped, as ``opsdash load`` does; the expected counts are
computed here from the frames (the table's rows before and after, the keys an upsert finds),
the expected file digests with hashlib from the files' bytes. The words the history should use
for each step are spelled out at the end, in both languages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from dashboard import schema
from dashboard.settings import Settings
from dashboard.warehouse import history
from dashboard.warehouse.history import LoadRecord
from dashboard.warehouse.undo import undo_last
from dashboard.warehouse.writer import write_tables

KEYS = {"cities": "city_id", "channels": "channel_id"}


@dataclass
class Step:
    """One write as the test made it, and what it did to each table (counted by pandas)."""

    batch: int
    mode: str
    loaded_by: str
    source: str
    started: datetime
    finished: datetime
    # name -> (size, sha256), from the file's bytes
    files: dict[str, tuple[int, str]] = field(default_factory=dict)
    # table -> {"rows": written, "before": rows before, "after": rows after, "replaced": keys hit}
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    undoes: int | None = None


def cities(ids: list[int], tag: str = "") -> pd.DataFrame:
    """Rows of ``cities`` with the given ids (``tag`` changes the names, for an upsert)."""
    return pd.DataFrame(
        {
            "city_id": ids,
            "name_zh": [f"城市{i}{tag}" for i in ids],
            "name_en": [f"City {i}{tag}" for i in ids],
            "province_zh": "河南",
            "province_en": "Henan",
            "region_zh": "华中",
            "region_en": "Central China",
            "tier": "tier2",
            "lat": [30.0 + i / 10 for i in ids],
            "lon": 113.5,
        }
    )


def channels(ids: list[int], tag: str = "") -> pd.DataFrame:
    """Rows of ``channels`` with the given ids."""
    return pd.DataFrame(
        {
            "channel_id": ids,
            "code": [f"ch{i}" for i in ids],
            "name_zh": [f"渠道{i}{tag}" for i in ids],
            "name_en": [f"Channel {i}{tag}" for i in ids],
            "kind": "search",
            "tier": "core",
        }
    )


# The loads: (mode, who, frames); the sample data has no files and no user.
LOADS = (
    ("seed", "", {"cities": cities([1, 2, 3])}),
    ("replace", "alice", {"cities": cities([1, 2, 3, 4]), "channels": channels([1, 2])}),
    ("replace", "dave", {"cities": cities([9])}),
    ("append", "bob", {"cities": cities([5, 6])}),
    ("upsert", "carol", {"cities": cities([9, 7], " new"), "channels": channels([2, 3], " new")}),
)
UNDO_BY = "erin"

# The history's words, spelled out in both languages.
LANGS = ("zh", "en")
DASH = "—"
MODE = {
    "zh": {
        "seed": "样例数据",
        "replace": "替换",
        "append": "追加",
        "upsert": "更新",
        "undo": "撤销",
    },
    "en": {
        "seed": "sample data",
        "replace": "replace",
        "append": "append",
        "upsert": "upsert",
        "undo": "undo",
    },
}
SEP = {"zh": "；", "en": "; "}
HEADERS = {
    "zh": ["批次", "时间", "操作人", "方式", "状态", "用时（秒）", "各表行数"]
    + ["文件（SHA-256 前 8 位）", "来源文件夹"],
    "en": ["Batch", "When", "By", "Mode", "Status", "Seconds", "Tables and rows"]
    + ["Files (SHA-256 prefix)", "Folder"],
}


def build(settings: Settings, folder: Path) -> list[Step]:
    """Write the loads and the undo to ``settings``' warehouse; the steps, oldest first."""
    state = {"cities": cities([]), "channels": channels([])}
    before_each: list[dict[str, pd.DataFrame]] = []
    steps: list[Step] = []
    for number, (mode, who, frames) in enumerate(LOADS, start=1):
        files: dict[str, tuple[int, str]] = {}
        stamps: tuple[history.FileStamp, ...] = ()
        source = schema.SEED_SOURCE
        if mode != "seed":
            here = folder / f"load{number}"
            here.mkdir(parents=True)
            paths = []
            for name, frame in frames.items():
                path = here / f"{name}.csv"
                frame.to_csv(path, index=False)
                body = path.read_bytes()
                files[path.name] = (len(body), hashlib.sha256(body).hexdigest())
                paths.append(path)
            stamps = history.stamp_files(paths, here)
            source = str(here)
        before_each.append(dict(state))
        tables = {}
        for name, frame in frames.items():
            old, key = state[name], KEYS[name]
            if mode in ("seed", "replace"):
                state[name] = frame
            elif mode == "append":
                state[name] = pd.concat([old, frame])
            else:  # upsert: a row whose key is in the table replaces that row
                state[name] = pd.concat([old[~old[key].isin(frame[key])], frame])
            tables[name] = {
                "rows": len(frame),
                "before": len(old),
                "after": len(state[name]),
                "replaced": int(frame[key].isin(old[key]).sum()) if mode == "upsert" else 0,
            }
        started = datetime.now()  # before the record, whose start the history's seconds count from
        record = LoadRecord(mode=mode, source=source, loaded_by=who, files=stamps, started=started)
        written = write_tables(settings, frames, record)
        steps.append(Step(written.batch_id, mode, who, source, started, datetime.now()))
        steps[-1].files, steps[-1].tables = files, tables
    # The undo takes the last load back: its tables return to their rows before it.
    last = steps[-1]
    started = datetime.now()
    done = undo_last(settings, loaded_by=UNDO_BY)
    undo = Step(done.batch_id, "undo", UNDO_BY, "", started, datetime.now(), undoes=done.undone)
    undo.tables = {
        name: {"before": len(state[name]), "after": len(before_each[-1][name])}
        for name in last.tables
    }
    steps.append(undo)
    return steps


# --- what the history should say of each step ---


def _rows(n: int, lang: str) -> str:
    return f"{n:,} 行" if lang == "zh" else f"{n:,} row" + ("" if n == 1 else "s")


def phrase(step: Step, table: str, lang: str) -> str:
    """What the write did to one table, in the words the history uses."""
    c = step.tables[table]
    if step.mode == "append":
        return (
            f"{table}：新增 {c['rows']:,} 行"
            if lang == "zh"
            else f"{table}: +{_rows(c['rows'], lang)}"
        )
    if step.mode == "upsert":
        new, hit = c["rows"] - c["replaced"], c["replaced"]
        if lang == "zh":
            return f"{table}：新增 {new:,} 行，替换 {hit:,} 行"
        return f"{table}: +{new:,} new, {hit:,} replaced"
    if step.mode == "undo":
        if lang == "zh":
            return f"{table}：恢复为 {c['after']:,} 行（撤销前 {c['before']:,} 行）"
        return f"{table}: back to {_rows(c['after'], lang)} (was {c['before']:,})"
    if lang == "zh":
        return f"{table}：{c['after']:,} 行（原 {c['before']:,} 行）"
    return f"{table}: {_rows(c['after'], lang)} (was {c['before']:,})"


def phrases(step: Step, lang: str) -> list[str]:
    """Each table of the write in the writer's table order."""
    ordered = sorted(step.tables, key=schema.TABLE_ORDER.index)
    return [phrase(step, table, lang) for table in ordered]


def short_files(step: Step) -> str:
    """The load's files as the history's table shows them: name and the digest's start."""
    return ", ".join(f"{name} ({sha[:8]})" for name, (_, sha) in sorted(step.files.items()))


def status(step: Step, steps: list[Step], lang: str) -> str:
    """Which batch took the load back, or which load an undo took back ("" for neither)."""
    if step.mode == "undo":
        return f"撤销了批次 {step.undoes}" if lang == "zh" else f"took back batch {step.undoes}"
    undo = next((s for s in steps if s.undoes == step.batch), None)
    if undo is None:
        return ""
    return f"已被批次 {undo.batch} 撤销" if lang == "zh" else f"undone by batch {undo.batch}"
