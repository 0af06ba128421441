"""The page frame: title, 'data as of', and turning failures into clear messages."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

from dashboard import data
from dashboard.filters import ScopeError
from dashboard.formatting import fmt_date
from dashboard.i18n import t
from dashboard.ui.context import PageContext, current
from dashboard.warehouse.engine import WarehouseEmpty, WarehouseMissing, WarehouseUnavailable
from dashboard.warehouse.faults import WarehouseBroken

log = logging.getLogger(__name__)


def page_header(page_id: str) -> PageContext:
    """Title, period summary and freshness line of a page; returns the page context."""
    ctx = current()
    st.title(t(f"page.{page_id}", ctx.lang))
    f = ctx.filters
    summary = t("filters.summary", ctx.lang, start=f.start, end=f.end, days=f.days)
    freshness = t("app.data_as_of", ctx.lang, when=fmt_date(ctx_data_as_of(), ctx.lang))
    st.caption(f"{summary} · {freshness}")
    return ctx


def ctx_data_as_of():
    """The latest fact timestamp, or None when it cannot be read."""
    try:
        return data.data_as_of()
    except Exception:  # freshness must never break a page
        log.exception("data_as_of failed")
        return None


@contextlib.contextmanager
def guard(lang: str) -> Iterator[None]:
    """Show a clear message in the viewer's language instead of a traceback, then stop."""
    try:
        yield
    except data.DataChanged:
        st.rerun()  # a load finished during this view: draw the page again on the new data
    except WarehouseBroken as exc:
        st.error(t(f"error.warehouse_{exc.code}", lang, path=str(exc.path), **exc.params))
        st.stop()
    except WarehouseMissing as exc:
        st.error(t(missing_message(exc), lang, path=exc.path))
        st.stop()
    except WarehouseEmpty:
        st.warning(t("error.warehouse_empty", lang))
        st.stop()
    except WarehouseUnavailable:
        st.error(t("error.warehouse_unavailable", lang, url=data.settings().redacted_url()))
        st.stop()
    except data.QueryFailed as exc:
        st.error(t("error.query_failed", lang, name=exc.name))
        st.stop()
    except ScopeError:
        st.error(t("error.scope", lang))
        st.stop()


def missing_message(exc: WarehouseMissing) -> str:
    """The catalogue key that explains a missing warehouse file."""
    return "error.warehouse_gone" if exc.existed else "error.warehouse_missing"


def empty_state(ctx: PageContext) -> None:
    """The friendly message shown when the filters match nothing."""
    st.info(t("state.empty", ctx.lang))


def placeholder(page_id: str, issue: int) -> None:
    """A page that a later issue brings: says which one."""
    ctx = page_header(page_id)
    st.info(t("state.coming", ctx.lang, issue=issue, what=t(f"page.{page_id}_what", ctx.lang)))
