"""What each page computes on the server with its default view: the benchmark's workloads.

They come from the page registry (``dashboard.navigation.PAGES``) alone: a page view is the
entry script's own data (freshness and the filter bar's option lists), then the page's
``build`` for the context and its ``tables`` for the language — the same functions the weekly
pack and the page's Excel export call. Chart figures and Streamlit rendering are not included:
the browser measurements cover them end to end.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard import clock, data, navigation
from dashboard.filters import DEFAULT_PRESET, Filters, Scope, preset_range
from dashboard.navigation import PageSpec
from dashboard.page_context import PageContext
from dashboard.reports import frame as frame_data

Workload = Callable[[PageContext], object]


def workload(spec: PageSpec) -> Workload:
    """A page's own server-side computation: its default view, then the tables it shows."""

    def run(ctx: PageContext) -> object:
        return spec.tables(spec.build(ctx), ctx.lang)

    return run


def pages() -> list[tuple[PageSpec, Workload]]:
    """Every page of the registry, in order, with its workload."""
    return [(spec, workload(spec)) for spec in navigation.PAGES]


def reads_warehouse(page_id: str) -> bool:
    """True when the page's own data comes from the warehouse (its floor ratio is judged)."""
    return navigation.page(page_id).warehouse


def default_context(lang: str = "zh") -> PageContext:
    """The context a head-office viewer gets on opening the dashboard: the default period."""
    as_of = data.data_as_of()
    data_end = as_of.date() if as_of else clock.today()
    start, end = preset_range(DEFAULT_PRESET, data_end)
    return PageContext(Filters(start=start, end=end), Scope.all(), data_end, lang)


def frame(ctx: PageContext) -> None:
    """The entry script's data on every page view: data as of and the filter bar's options."""
    frame_data.load(ctx.scope)


def run_page(fn: Workload, ctx: PageContext) -> object:
    """One page view's server-side computation: the entry script's data, then the page's."""
    frame(ctx)
    return fn(ctx)
