"""The load history in words: one row per seed, load and undo, for a page, workbook or terminal.

The rows come from ``load_batches`` (``dashboard.warehouse.history``): the page reads them
through the cached data layer (``loads.load``), ``opsdash loads`` straight from the warehouse
(``dashboard.warehouse.undo.read_history``). Both give ``history.frame``'s frame, which this
module turns into localised columns (``display``), plain text (``format_history``) and one
load's tables and files (``tables_detail``, ``files_detail``). Nothing here imports Streamlit
(``opsdash loads`` runs without it): no data layer, no page context.
"""

from __future__ import annotations

import pandas as pd

from dashboard.formatting import DASH, fmt_date
from dashboard.i18n import t
from dashboard.metrics.arithmetic import Cell
from dashboard.warehouse import history
from dashboard.warehouse.history import FileStamp, TableCount

# The display's columns, in order (their headers are ``loads.col.<name>``): the short ones first,
# since a full load's tables make a long cell (``tables_detail`` lists them one per line).
COLUMNS = ("batch", "when", "who", "mode", "status", "seconds", "tables", "files", "folder")
FILE_COLUMNS = ("name", "size", "sha256")
# How much of a file's SHA-256 the history shows: enough to tell two exports apart at a glance
# (the full digest is in ``files_detail``).
SHORT_SHA = 8
# Modes whose ``source`` is the folder the files were loaded from (a seed's is "seed", an
# undo's the kept file or batch it restored).
_FOLDER_MODES = ("replace", "append", "upsert")
_JOIN = {"zh": "；", "en": "; "}


def _text(value: object) -> str:
    """A stored text, "" when null (None, or NaN once pandas has held the column)."""
    return "" if value is None or pd.isna(value) else str(value)


def mode_label(mode: str, lang: str) -> str:
    """A load mode in words (sample data, replace, append, upsert, undo)."""
    return t(f"loads.mode.{mode}", lang)


def _one(key: str, count: int) -> str:
    # English needs the singular for exactly one; the catalogue keeps it as a "_one" key.
    return f"{key}_one" if count == 1 else key


def table_counts(mode: str, counts: dict[str, TableCount], lang: str) -> list[str]:
    """Each table a write touched with what it did to the table's rows, in words."""
    out = []
    for table, c in counts.items():
        if mode == "append":
            text = t(_one("loads.count.append", c.added), lang, table=table, added=f"{c.added:,}")
        elif mode == "upsert":
            text = t(
                "loads.count.upsert",
                lang,
                table=table,
                new=f"{c.added - c.removed:,}",
                replaced=f"{c.removed:,}",
            )
        else:
            # A replace (or seed) leaves the table with exactly the rows written; an undo
            # leaves it as it was before the load it took back. Either way: now, and before.
            key = "loads.count.undo" if mode == "undo" else "loads.count.replace"
            text = t(
                _one(key, c.added), lang, table=table, added=f"{c.added:,}", was=f"{c.removed:,}"
            )
        out.append(text)
    return out


def _tables(row: pd.Series, lang: str) -> list[str]:
    counts = history.parse_counts(_text(row["counts"]))
    if counts:
        return table_counts(row["mode"], counts, lang)
    # A row of an older version names its tables but not their counts.
    return [name for name in _text(row["tables"]).split(",") if name]


def _files(value: object) -> tuple[FileStamp, ...]:
    return history.parse_files(_text(value))


def short_files(files: tuple[FileStamp, ...]) -> list[str]:
    """Each file as its name and the start of its SHA-256."""
    return [f"{f.name} ({f.sha256[:SHORT_SHA]})" for f in files]


def _folder(row: pd.Series) -> str:
    source = _text(row["source"])
    return source if row["mode"] in _FOLDER_MODES and source else DASH


def _seconds(value: Cell) -> str:
    if value is None or pd.isna(value):
        return DASH
    # Tenths of a second, but a quick write (an undo, a small file) still shows its time.
    return f"{float(value):,.1f}" if float(value) >= 1 else f"{float(value):.2f}"


def _when(value: object, lang: str) -> str:
    return DASH if value is None or pd.isna(value) else fmt_date(pd.Timestamp(value), lang)


def status(row: pd.Series, lang: str) -> str:
    """Whether a load was taken back (and by which batch), or which load an undo took back."""
    if pd.notna(row["undone_by"]):
        return t("loads.status.undone_by", lang, batch=int(row["undone_by"]))
    if row["mode"] == "undo" and pd.notna(row["undoes"]):
        return t("loads.status.took_back", lang, batch=int(row["undoes"]))
    return ""


def display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per load with localised headers and values, newest first as in ``frame``."""
    rows = [
        {
            "batch": int(row["batch_id"]),
            "when": _when(row["loaded_at"], lang),
            "who": _text(row["loaded_by"]) or DASH,
            "mode": mode_label(row["mode"], lang),
            "status": status(row, lang),
            "seconds": _seconds(row["seconds"]),
            "tables": _JOIN[lang].join(_tables(row, lang)) or DASH,
            "files": ", ".join(short_files(_files(row["files"]))) or DASH,
            "folder": _folder(row),
        }
        for _, row in frame.iterrows()
    ]
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.rename(columns={c: t(f"loads.col.{c}", lang) for c in COLUMNS})


def format_history(frame: pd.DataFrame, lang: str) -> str:
    """The load history as plain text for the terminal (``opsdash loads``), newest first."""
    if frame.empty:
        return t("loads.none", lang)
    lines = [t("loads.cli.title", lang)]
    for _, row in frame.iterrows():
        parts = [
            t(
                "loads.cli.head",
                lang,
                batch=int(row["batch_id"]),
                when=_when(row["loaded_at"], lang),
                mode=mode_label(row["mode"], lang),
                who=_text(row["loaded_by"]) or DASH,
            )
        ]
        if pd.notna(row["seconds"]):  # rows of older versions did not time their load
            parts.append(t("loads.cli.seconds", lang, seconds=_seconds(row["seconds"])))
        parts.append(status(row, lang))
        lines.append(" · ".join(p for p in parts if p))
        lines.extend(f"    {text}" for text in _tables(row, lang))
        folder = _folder(row)
        if folder != DASH:
            lines.append("    " + t("loads.cli.folder", lang, folder=folder))
        files = short_files(_files(row["files"]))
        if files:
            lines.append("    " + t("loads.cli.files", lang, files=", ".join(files)))
    return "\n".join(lines)


def files_detail(frame: pd.DataFrame, batch_id: int, lang: str) -> pd.DataFrame:
    """The files of one load: name, size in bytes and full SHA-256 (no rows when none recorded)."""
    found = frame.loc[frame["batch_id"] == batch_id, "files"]
    files = _files(found.iloc[0]) if len(found) else ()
    out = pd.DataFrame(
        [(f.name, f.size, f.sha256) for f in files], columns=list(FILE_COLUMNS)
    ).astype({"size": "int64"})
    return out.rename(columns={c: t(f"loads.file.{c}", lang) for c in FILE_COLUMNS})


def batch_label(frame: pd.DataFrame, batch_id: int, lang: str) -> str:
    """A load named for a picker: its batch, time and mode."""
    row = frame.loc[frame["batch_id"] == batch_id].iloc[0]
    return t(
        "loads.pick_label",
        lang,
        batch=batch_id,
        when=_when(row["loaded_at"], lang),
        mode=mode_label(row["mode"], lang),
    )


def tables_detail(frame: pd.DataFrame, batch_id: int, lang: str) -> pd.DataFrame:
    """The tables of one load, one per row, with what the load did to each table's rows."""
    row = frame.loc[frame["batch_id"] == batch_id].iloc[0]
    return pd.DataFrame({t("loads.col.tables", lang): _tables(row, lang)}, dtype=object)


def tables(report: pd.DataFrame, lang: str) -> list[pd.DataFrame]:
    """The tables the page shows: the history, then the newest write's tables and files."""
    shown = [display(report, lang)]
    if not report.empty:
        newest = int(report["batch_id"].iloc[0])
        shown += [tables_detail(report, newest, lang), files_detail(report, newest, lang)]
    return shown
