"""The "Export to Excel" button at the foot of every page, and the weekly pack and detail exports.

The page's workbook is built only when the button is clicked (deferred download), from the
very sheets the page shows. Viewers whose role may not export see the button disabled with
the reason. Every export is recorded in the audit log.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.export import service
from dashboard.export.cover import ExportInfo
from dashboard.export.detail import DETAIL_KINDS
from dashboard.export.sheet import Sheet
from dashboard.i18n import t
from dashboard.metrics.periods import last_complete_week
from dashboard.ui.context import PageContext
from dashboard.ui.frame import ctx_data_as_of, guard

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PACK_WEEKS = 26
_PACK_KEY = "_export_pack"
_DETAIL_KEY = "_export_detail"


def export_button(
    ctx: PageContext, page_id: str, sheets: Callable[[], list[Sheet]], week: str | None = None
) -> None:
    """The page's Excel download (plus the pack and detail exports), or why it is unavailable.

    ``sheets`` is called only when the download is asked for: building a page's tables for
    Excel costs as much as a rerun's own Python on some pages, and most views never export.
    """
    lang = ctx.lang
    label = t("export.button", lang)
    st.divider()
    if not ctx.can_export:
        reason = t("auth.export_not_allowed", lang)
        st.button(
            label, disabled=True, help=reason, key=f"export_{page_id}", icon=":material/block:"
        )
        st.caption(reason)
        return
    info = service.export_info(ctx.viewer, ctx.filters, lang, ctx_data_as_of())
    audit_url = data.settings().audit_url

    def build() -> bytes:
        return service.page_bytes(info, page_id, sheets(), audit_url)

    st.download_button(
        label,
        data=build,
        file_name=f"{page_id}_{info.stamp}.xlsx",
        mime=XLSX_MIME,
        key=f"export_{page_id}",
        help=t("export.button_help", lang),
        icon=":material/download:",
        on_click="ignore",
    )
    if ctx.data_end is None:
        return
    with st.expander(t("export.more", lang), icon=":material/inventory_2:"):
        _pack_section(ctx, info, week, ctx.data_end)
        _detail_section(ctx, info)


def _week_choices(data_end: date) -> list[str]:
    last = last_complete_week(data_end)
    return [(last.start - timedelta(weeks=i)).strftime("%G-W%V") for i in range(PACK_WEEKS)]


def _pack_section(ctx: PageContext, info: ExportInfo, week: str | None, data_end: date) -> None:
    lang = ctx.lang
    st.markdown(f"**{t('export.pack.heading', lang)}**")
    weeks = _week_choices(data_end)
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    picked = left.selectbox(
        t("export.pack.week", lang),
        weeks,
        index=weeks.index(week) if week in weeks else 0,
        key="export_pack_week",
    )
    monday = last_complete_week(data_end).start - timedelta(weeks=weeks.index(picked))
    pack_info = replace(info, filters=ctx.filters.with_period(monday, monday + timedelta(days=6)))
    state = (picked, ctx.filters, lang, info.user)
    if right.button(t("export.pack.prepare", lang), key="export_pack_prepare"):
        bar = st.progress(0.0)

        def progress(done: int, total: int, what: str) -> None:
            text = t(
                "export.progress.page", lang, page=what, done=min(done + 1, total), total=total
            )
            bar.progress(min(done / max(total, 1), 1.0), text=text)

        buffer = BytesIO()
        with guard(lang):
            result = service.pack(
                pack_info, data_end, buffer, data.settings().audit_url, picked, progress
            )
        bar.empty()
        st.session_state[_PACK_KEY] = (state, buffer.getvalue(), len(result.workbook.sheets))
    stored = st.session_state.get(_PACK_KEY)
    if stored and stored[0] == state:
        st.success(t("export.pack.ready", lang, sheets=stored[2]))
        st.download_button(
            t("export.pack.download", lang, week=picked),
            data=stored[1],
            file_name=f"pack_{picked}.xlsx",
            mime=XLSX_MIME,
            key="export_pack_download",
            icon=":material/download:",
            on_click="ignore",
        )


def _detail_section(ctx: PageContext, info: ExportInfo) -> None:
    lang = ctx.lang
    st.markdown(f"**{t('export.detail.heading', lang)}**")
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    kind = left.radio(
        t("export.detail.pick", lang),
        list(DETAIL_KINDS),
        format_func=lambda k: t(f"export.detail.kind.{k}", lang),
        horizontal=True,
        key="export_detail_kind",
    )
    state = (kind, ctx.filters, lang, info.user)
    if right.button(t("export.detail.prepare", lang), key="export_detail_prepare"):
        _forget_detail()
        line = st.empty()
        fd, name = tempfile.mkstemp(prefix="opsdash_detail_", suffix=".xlsx")
        os.close(fd)

        def progress(rows: int) -> None:
            line.caption(t("export.progress.rows", lang, rows=f"{rows:,}"))

        with st.spinner(t("export.detail.heading", lang)), guard(lang):
            result = service.detail(
                kind, info, Path(name), data.settings().audit_url, progress=progress
            )
        line.empty()
        st.session_state[_DETAIL_KEY] = (state, name, result.rows, len(result.sheets))
    stored = st.session_state.get(_DETAIL_KEY)
    if stored and stored[0] == state and Path(stored[1]).exists():
        _, name, rows, sheets = stored
        st.success(t("export.detail.ready", lang, rows=f"{rows:,}", sheets=sheets))
        st.download_button(
            t("export.detail.download", lang, rows=f"{rows:,}"),
            data=lambda: Path(name).read_bytes(),
            file_name=f"{kind}_{info.stamp}.xlsx",
            mime=XLSX_MIME,
            key="export_detail_download",
            icon=":material/download:",
            on_click="ignore",
        )


def _forget_detail() -> None:
    """Delete the previously prepared detail file of this session."""
    stored = st.session_state.pop(_DETAIL_KEY, None)
    if stored:
        with contextlib.suppress(OSError):
            os.unlink(stored[1])
