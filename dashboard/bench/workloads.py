"""What each page computes on the server with its default controls: the benchmark's workloads.

One function per page id of ``dashboard.navigation.PAGES``, registered with ``@workload``. It
makes the same report-module calls with the same default options as the page script in pages/
(its ``load``/``options`` calls and the display tables and texts it builds from the report),
after the entry script's own data (freshness and the filter bar's option lists), which every
page view also computes. Chart figures and Streamlit rendering are not included: they are
measured end to end by the load test. When a page script changes, change its workload here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dashboard import clock, data
from dashboard.filters import Filters, Scope, preset_range
from dashboard.navigation import PAGES, PageSpec
from dashboard.reports import frame as frame_data

DEFAULT_PRESET = "last_4_weeks"  # dashboard.ui.filterbar.DEFAULT_PRESET (not imported: st-free)


@dataclass(frozen=True)
class BenchContext:
    """What a page gets from the entry script: filters, scope, language, the data's last day."""

    filters: Filters
    scope: Scope
    data_end: date
    lang: str = "zh"
    can_see_personal: bool = False


Workload = Callable[[BenchContext], object]
_REGISTRY: dict[str, Workload] = {}
_OFF_WAREHOUSE: set[str] = set()


def workload(page_id: str, warehouse: bool = True) -> Callable[[Workload], Workload]:
    """Register the function as the workload of a page id.

    ``warehouse=False`` marks a page whose own data comes from elsewhere (the audit store):
    its floor covers only the entry script's queries, so its ratio to the floor is not judged.
    """

    def register(fn: Workload) -> Workload:
        _REGISTRY[page_id] = fn
        if not warehouse:
            _OFF_WAREHOUSE.add(page_id)
        return fn

    return register


def reads_warehouse(page_id: str) -> bool:
    """True when the page's own data comes from the warehouse (its floor ratio is judged)."""
    return page_id not in _OFF_WAREHOUSE


def default_context(lang: str = "zh") -> BenchContext:
    """The context a head-office viewer gets on opening the dashboard: the default period."""
    as_of = data.data_as_of()
    data_end = as_of.date() if as_of else clock.today()
    start, end = preset_range(DEFAULT_PRESET, data_end)
    return BenchContext(Filters(start=start, end=end), Scope.all(), data_end, lang)


def pages() -> list[tuple[PageSpec, Workload | None]]:
    """Every page of the navigation with its workload (None when none is registered yet)."""
    return [(spec, _REGISTRY.get(spec.id)) for spec in PAGES]


def frame(ctx: BenchContext) -> None:
    """The entry script's data on every page view: data as of and the filter bar's options."""
    frame_data.load(ctx.scope)


def run_page(fn: Workload, ctx: BenchContext) -> object:
    """One page view's server-side computation: the entry script's data, then the page's."""
    frame(ctx)
    return fn(ctx)


@workload("overview")
def _overview(ctx: BenchContext) -> object:
    from dashboard.reports import overview

    return overview.load(ctx.filters, ctx.scope)


@workload("weekly")
def _weekly(ctx: BenchContext) -> object:
    from dashboard.metrics.weekly import MOVER_METRICS
    from dashboard.reports import weekly

    week = weekly.week_options(ctx.data_end)[0]  # the picker's first option
    campaigns = weekly.campaign_options(ctx.filters, ctx.scope)
    campaign = weekly.default_campaign(campaigns, week, ctx.data_end)
    report = weekly.load(ctx.filters, ctx.scope, week, campaign, ctx.data_end)
    weekly.summary(report, ctx.lang)
    weekly.cards(report, ctx.lang)
    weekly.headline_table(report, ctx.lang)
    return [
        weekly.movers_table(report, metric, direction, ctx.lang)
        for metric in MOVER_METRICS
        for direction in ("up", "down")
    ]


@workload("funnel")
def _funnel(ctx: BenchContext) -> object:
    from dashboard.reports import funnel

    report = funnel.load(ctx.filters, ctx.scope)
    funnel.texts(report, ctx.lang)
    funnel.rules(ctx.lang, report.window)
    return [funnel.display(s, ctx.lang) for s in funnel.sheets(report, ctx.lang)]


@workload("channels")
def _channels(ctx: BenchContext) -> object:
    from dashboard.reports import budget, channels
    from dashboard.reports import channels_display as display
    from dashboard.reports import channels_sheets as tables

    lang = ctx.lang
    report = channels.load(ctx.filters, ctx.scope, data_end=ctx.data_end)
    tables.definitions(report, lang)
    display.maturity_note(report, lang)
    display.ranking_note(report, lang)
    display.ranking_styler(report, lang)
    bubbles = tables.bubble_table(report, lang)
    display.colour_column(report)
    display.bubble_note(bubbles, lang)
    display.members(report)
    weekly = tables.weekly_table(report, lang)
    display.row_order(report, lang)
    display.format_table(weekly, tables.weekly_columns(report, lang), lang)
    display.detail_styler(report, lang)
    plan = report.budget
    budget.notes(plan, lang)
    split, reserve = budget.split_table(plan, lang), budget.reserve_table(plan, lang)
    display.format_table(split, budget.split_columns(lang), lang, costs=budget.COST_COLUMNS)
    display.format_table(reserve, budget.reserve_columns(lang), lang, costs=("overspend",))
    budget.pacing_note(plan, lang)
    pacing = budget.pacing_table(plan, lang)
    display.format_table(pacing, budget.pacing_columns(lang), lang, costs=budget.COST_COLUMNS)
    return display.format_table(
        tables.planner_table(report), tables.planner_columns(report, lang), lang
    )


@workload("experiments")
def _experiments(ctx: BenchContext) -> object:
    from dashboard.reports import experiments
    from dashboard.reports import experiments_tables as tables

    lang = ctx.lang
    report = experiments.load(ctx.filters, ctx.scope)
    report.counts()
    for verdict in experiments.LISTS:
        tables.display(report.listed(verdict), tables.LIST_COLUMNS[verdict], lang)
    tables.forest_frame(report, lang)
    tables.display(report.board, tables.LIST_COLUMNS["all"], lang)
    options = tables.experiment_options(report, lang)
    return tables.detail(report, next(iter(options)), lang) if options else None


@workload("referrers")
def _referrers(ctx: BenchContext) -> object:
    from dashboard.metrics import referrals as rf
    from dashboard.reports import referrers

    basis, level = rf.DEFAULT_BASIS, rf.DEFAULT_LEVEL
    options = referrers.group_options(ctx.filters, ctx.scope, basis, level)
    group = None if level == "chain" or not options else next(iter(options))
    report = referrers.load(
        ctx.filters,
        ctx.scope,
        basis=basis,
        level=level,
        group=group,
        referrer_id=None,
        personal=ctx.can_see_personal,
    )
    referrers.rule(report, ctx.lang)
    referrers.network_messages(report, ctx.lang)
    return [referrers.display(s, ctx.lang) for s in referrers.sheets(report, ctx.lang)]


@workload("members")
def _members(ctx: BenchContext) -> object:
    from dashboard.reports import members

    report = members.load(ctx.filters, ctx.scope)
    members.rules(report, ctx.lang)
    return [members.display(s, ctx.lang) for s in members.sheets(report, ctx.lang)]


@workload("scorecard")
def _scorecard(ctx: BenchContext) -> object:
    from dashboard.metrics.registry import SCORECARD_KPIS
    from dashboard.reports import scorecard

    opts = scorecard.options(ctx.filters, ctx.scope, ctx.data_end)
    kind = scorecard.DEFAULT_KIND
    period = (opts.periods.get(kind) or (None,))[0]  # the picker's first option
    report = scorecard.load(ctx.filters, ctx.scope, kind, period, opts.default_scope, ctx.data_end)
    for perspective in SCORECARD_KPIS:
        scorecard.kpi_table(report, perspective, ctx.lang)
    return scorecard.league_table(report, ctx.lang)


@workload("regions")
def _regions(ctx: BenchContext) -> object:
    from dashboard.reports import regions
    from dashboard.reports import regions_view as view

    report = regions.load(ctx.filters, ctx.scope)
    view.clinic_cities(report)
    view.map_notes(report, ctx.lang)
    view.ranking_city_ids(report)
    view.table_notes(report, ctx.lang)
    return view.ranking_table(report, ctx.lang)


@workload("health")
def _health(ctx: BenchContext) -> object:
    from dashboard.reports import health, health_text

    # Unscoped (admins and analysts only): every table of the warehouse, whatever the filters.
    report = health.load()
    for finding in report.warnings:
        health_text.message(finding, ctx.lang)
    health_text.tables_frame(report, ctx.lang)
    return [health_text.fields_frame(report, t, ctx.lang) for t in health.FIELD_TABLES]


@workload("audit", warehouse=False)
def _audit(ctx: BenchContext) -> object:
    from dashboard.reports import audit_log

    # The audit store is a separate SQLite file, not the warehouse: no warehouse floor.
    return audit_log.display(audit_log.load(limit=1000), ctx.lang)


@workload("loads")
def _loads(ctx: BenchContext) -> object:
    from dashboard.reports import load_history

    # Unscoped (admins only): the whole load history, and its newest write in detail.
    history = load_history.load()
    if not history.empty:
        newest = int(history["batch_id"].iloc[0])
        load_history.tables_detail(history, newest, ctx.lang)
        load_history.files_detail(history, newest, ctx.lang)
    return load_history.display(history, ctx.lang)
