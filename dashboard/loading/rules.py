"""Domain rules the schema cannot declare, as a list of small named rule functions.

Each rule looks only at the tables it needs, skips cells that already failed to parse
(those are reported once, by the parser), and reports every row it rejects. Rules that look
across rows or tables see, in append and upsert mode, the merged table: the warehouse's kept
rows plus the incoming ones (``dashboard.loading.merged``); row-level rules need nothing
more, as an upsert replaces whole rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import clock, schema
from dashboard.loading import keys, merged, referrals
from dashboard.loading.existing import ExistingWarehouse
from dashboard.loading.problems import Problems, show_key, show_value
from dashboard.loading.tables import TableData
from dashboard.warehouse import calendar_build, public_holidays


@dataclass
class Context:
    """What the rules see: the incoming tables, the current warehouse, the problem list."""

    incoming: dict[str, TableData]
    unreadable: set[str]
    existing: ExistingWarehouse
    problems: Problems
    # "replace": an incoming table replaces the warehouse's wholly; "append"/"upsert": its rows
    # join the kept ones (see dashboard.loading.merged), so checks run on the merged table.
    mode: str = "replace"


Rule = Callable[[Context], None]
RULES: list[tuple[str, Rule]] = []


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under ``name`` (the order of definition is the order of checking)."""

    def register(func: Rule) -> Rule:
        RULES.append((name, func))
        return func

    return register


# (table, column) -> (lowest, highest) allowed, None for unbounded. Money and counts may
# not be negative; scorecard targets may be any number (a target can be a cut, e.g. -10%).
RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("leads", "deal_amount"): (0, None),
    ("orders", "amount"): (0, None),
    ("channel_daily", "impressions"): (0, None),
    ("channel_daily", "clicks"): (0, None),
    ("channel_daily", "spend"): (0, None),
    ("experiment_exposures", "value"): (0, None),
    ("staff_training", "hours"): (0, None),
    ("budgets", "amount"): (0, None),
    ("expenses", "amount"): (0, None),
    ("referral_rewards", "amount"): (0, None),
    ("clinics", "doctors"): (0, None),
    ("clinics", "staff"): (0, None),
    ("feedback", "score"): (1, 5),
    ("experiment_variants", "planned_share"): (0, 1),
    ("cities", "lat"): (-90, 90),
    ("cities", "lon"): (-180, 180),
    ("clinics", "lat"): (-90, 90),
    ("clinics", "lon"): (-180, 180),
    ("customers", "home_lat"): (-90, 90),
    ("customers", "home_lon"): (-180, 180),
}
# Columns that say when something happened: none may lie after clock.latest_fact_day().
# Plans (budgets, targets, experiment end dates) and calendar overrides may look ahead.
EVENT_TIMES: dict[str, tuple[str, ...]] = {
    "customers": ("created_at", "first_visit_on", "member_since"),
    "leads": ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at"),
    "channel_daily": ("date",),
    "orders": ("ordered_at",),
    "experiment_exposures": ("exposed_at",),
    "feedback": ("submitted_at",),
    "staff_training": ("date",),
    "expenses": ("date",),
    "referral_rewards": ("paid_on",),
}
LEAD_STAGES = ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at")
SHARE_TOLERANCE = 0.001  # shares written as 0.3333 three times still count as summing to 1
CYCLE_SHOWN = 10  # customer ids listed per referral cycle


def _true(values) -> np.ndarray:
    """A boolean (possibly nullable) result as a plain array, null counting as False."""
    return pd.Series(values).fillna(False).to_numpy(dtype=bool)


def _usable(data: TableData, *cols: str) -> np.ndarray:
    """Rows whose columns parsed and are not null."""
    return merged.usable(data, *cols)


def _merging(ctx: Context) -> bool:
    return merged.is_merge(ctx.mode)


def _report(ctx, data, column, code, mask, values=None, **params) -> None:
    hit = np.flatnonzero(mask)
    per_row = None
    if values is not None:
        shown = values.iloc[hit[: ctx.problems.max_per_kind]]
        per_row = {"value": [show_value(show_key(v)) for v in shown]}
    ctx.problems.add_rows(data.file, column, code, data.rows[hit], per_row=per_row, **params)


@rule("ranges")
def check_ranges(ctx: Context) -> None:
    """Money and counts not negative; scores, shares and coordinates in range."""
    for (name, col), (low, high) in RANGES.items():
        data = ctx.incoming.get(name)
        if data is None or not data.has(col):
            continue
        values = data.frame[col]
        ok = _usable(data, col)
        if low == 0 and high is None:
            wrong = ok & _true(values < 0)
            _report(ctx, data, col, "load.negative", wrong, values)
        else:
            wrong = ok & (_true(values < low) | _true(values > high))
            _report(ctx, data, col, "load.out_of_range", wrong, values, low=low, high=high)
        # Later rules skip these cells, so one bad value gives one message.
        data.mark_bad(col, wrong)


@rule("no_future_events")
def check_future(ctx: Context) -> None:
    """Nothing happened after tomorrow: a far-future fact would blank every default view."""
    last = clock.latest_fact_day()
    limit = pd.Timestamp(last) + pd.Timedelta(days=1)  # any time on the last day is fine
    for name, columns in EVENT_TIMES.items():
        data = ctx.incoming.get(name)
        if data is None:
            continue
        for col in columns:
            if not data.has(col):
                continue
            values = data.frame[col]
            wrong = _usable(data, col) & _true(values >= limit)
            _report(ctx, data, col, "load.future", wrong, values, last=last.isoformat())
            data.mark_bad(col, wrong)


@rule("clicks_within_impressions")
def check_clicks(ctx: Context) -> None:
    """A channel cannot get more clicks than impressions on a day."""
    data = ctx.incoming.get("channel_daily")
    if data is None:
        return
    ok = _usable(data, "clicks", "impressions")
    over = ok & _true(data.frame["clicks"] > data.frame["impressions"])
    _report(ctx, data, "clicks", "load.clicks_over_impressions", over, data.frame["clicks"])


@rule("lead_stages_in_order")
def check_lead_stages(ctx: Context) -> None:
    """created_at ≤ inquiry_at ≤ booked_at ≤ arrived_at ≤ paid_at for the stages a lead has."""
    data = ctx.incoming.get("leads")
    if data is None:
        return
    frame = data.frame
    # The latest stage seen so far on each row, and which stage that was; a skipped
    # (empty) stage leaves both unchanged, so each stage is compared with the last one present.
    last = frame["created_at"].where(data.clean("created_at"))
    last_stage = np.zeros(len(frame), dtype=np.int64)
    for j, col in enumerate(LEAD_STAGES[1:], start=1):
        if not data.has(col):
            continue
        current = frame[col].where(data.clean(col))
        wrong = _true(current < last)
        for prev in np.unique(last_stage[wrong]):
            mask = wrong & (last_stage == prev)
            earlier = LEAD_STAGES[prev]
            _report(ctx, data, col, "load.stage_order", mask, current, earlier=earlier, later=col)
        present = current.notna().to_numpy()
        last = last.where(~present, current)
        last_stage = np.where(present, j, last_stage)


@rule("appointment_not_before_booking")
def check_appointment(ctx: Context) -> None:
    """A visit is not due before the day it was booked (the lead's day if no booking time).

    Days, not times: a CRM that exports the appointment's date only (00:00) books visits for
    later that same day. An appointment may lie in the future (it is a plan, not an event).
    """
    data = ctx.incoming.get("leads")
    if data is None or not data.has("appointment_at"):
        return
    frame = data.frame
    due = pd.to_datetime(frame["appointment_at"].where(data.clean("appointment_at")))
    for col in ("booked_at", "created_at"):
        if not data.has(col):
            continue
        base = pd.to_datetime(frame[col].where(data.clean(col)))
        if col == "created_at" and data.has("booked_at"):
            # Leads with a booking time were judged against it.
            base = base.where(frame["booked_at"].isna())
        wrong = _true(due.dt.floor("D") < base.dt.floor("D"))
        _report(
            ctx,
            data,
            "appointment_at",
            "load.appointment_before_booking",
            wrong,
            frame["appointment_at"],
            earlier=col,
        )
        data.mark_bad("appointment_at", wrong)


@rule("deal_amount_needs_paid_at")
def check_deal_amount(ctx: Context) -> None:
    """A lead has a deal amount only when it was paid."""
    data = ctx.incoming.get("leads")
    if data is None or not data.has("deal_amount"):
        return
    amount = _usable(data, "deal_amount")
    unpaid = data.clean("paid_at") & data.frame["paid_at"].isna().to_numpy()
    _report(ctx, data, "deal_amount", "load.deal_without_paid", amount & unpaid)


@rule("variant_shares")
def check_variants(ctx: Context) -> None:
    """Per experiment: planned shares sum to 1 and exactly one variant is the control."""
    data = ctx.incoming.get("experiment_variants")
    cols = ["experiment_id", "planned_share", "is_control"]
    if data is None or not data.has(*cols):
        return
    if _merging(ctx):
        # Each experiment with incoming variants, over its kept variants too.
        ids = data.frame["experiment_id"].dropna()
        frame = merged.merged(data, ctx.existing, data.name, cols, {"experiment_id": ids})
        frame = frame.rename(columns={merged.OK: "_ok"})
        frame["_row"] = frame[merged.ROW].where(frame[merged.INCOMING])
    else:
        frame = data.frame.assign(_row=data.rows, _ok=_usable(data, *cols))
    frame = frame[frame["experiment_id"].notna().to_numpy()]
    groups = frame.groupby("experiment_id", sort=False)
    summary = pd.DataFrame(
        {
            "row": groups["_row"].min(),
            "all_ok": groups["_ok"].all(),
            "total": groups["planned_share"].sum(),
            "controls": groups["is_control"].sum(),
        }
    )
    # An experiment with a bad row is skipped: its sum would only repeat that row's problem.
    summary = summary[summary["all_ok"]].astype({"row": "int64"})
    off = summary[(summary["total"] - 1).abs() > SHARE_TOLERANCE]
    ctx.problems.add_rows(
        data.file,
        "planned_share",
        "load.shares_not_one",
        off["row"].to_numpy(),
        per_row={
            "experiment": off.index.astype(str).tolist(),
            "total": [f"{v:.4g}" for v in off["total"]],
        },
    )
    wrong = summary[summary["controls"] != 1]
    ctx.problems.add_rows(
        data.file,
        "is_control",
        "load.control_count",
        wrong["row"].to_numpy(),
        per_row={
            "experiment": wrong.index.astype(str).tolist(),
            "count": wrong["controls"].astype(int).tolist(),
        },
    )


@rule("experiment_metric_codes")
def check_metric_codes(ctx: Context) -> None:
    """A further metric does not take the main metric's codes (conversion, revenue)."""
    data = ctx.incoming.get("experiment_metrics")
    if data is None or not data.has("metric_code"):
        return
    code = data.frame["metric_code"]
    builtin = _usable(data, "metric_code") & _true(
        code.str.lower().isin(schema.EXPERIMENT_BUILTIN_METRICS)
    )
    _report(
        ctx, data, "metric_code", "load.metric_code_reserved", builtin, code,
        reserved=", ".join(schema.EXPERIMENT_BUILTIN_METRICS),
    )  # fmt: skip


@rule("proportion_outcomes")
def check_proportion_outcomes(ctx: Context) -> None:
    """An outcome of a proportion metric is 0 or 1 (the unit did it or not)."""
    data = ctx.incoming.get("experiment_outcomes")
    if data is None or not data.has("experiment_id", "metric_code", "value"):
        return
    if "experiment_metrics" in ctx.unreadable:
        return
    metrics = ctx.incoming.get("experiment_metrics")
    cols = ["experiment_id", "metric_code", "kind"]
    if _merging(ctx):
        both = merged.merged(metrics, ctx.existing, "experiment_metrics", cols)
        kinds = both.loc[both[merged.OK].to_numpy(dtype=bool), cols]
    elif metrics is not None:
        kinds = metrics.frame.loc[_usable(metrics, *cols), cols]
    else:
        kinds = ctx.existing.keys("experiment_metrics", tuple(cols))
    proportion = kinds[_true(kinds["kind"] == "proportion")][cols[:2]]
    if proportion.empty:
        return
    ok = _usable(data, *cols[:2], "value")
    frame = data.frame
    keys_in = pd.MultiIndex.from_frame(frame[cols[:2]].astype(object))
    is_proportion = keys_in.isin(pd.MultiIndex.from_frame(proportion.astype(object)))
    value = frame["value"]
    wrong = ok & is_proportion & ~_true(value.isin([0, 1]))
    _report(ctx, data, "value", "load.outcome_not_binary", wrong, value)
    data.mark_bad("value", wrong)


@rule("date_ranges_ordered")
def check_date_ranges(ctx: Context) -> None:
    """An experiment does not end before it starts; a target period does not end before it starts."""
    for name, start, end in (
        ("experiments", "started_on", "ended_on"),
        ("scorecard_targets", "period_start", "period_end"),
    ):
        data = ctx.incoming.get(name)
        if data is None or not data.has(start, end):
            continue
        ok = _usable(data, start, end)
        wrong = ok & _true(data.frame[end] < data.frame[start])
        _report(ctx, data, end, "load.ends_before_start", wrong, data.frame[end], start=start)


@rule("no_self_referral")
def check_self_referral(ctx: Context) -> None:
    """Nobody refers themselves, and no reward is paid for referring oneself."""
    for name, own, other in (
        ("customers", "customer_id", "referrer_id"),
        ("referral_rewards", "referred_id", "referrer_id"),
    ):
        data = ctx.incoming.get(name)
        if data is None or not data.has(own, other):
            continue
        ok = _usable(data, own, other)
        same = ok & _true(data.frame[own] == data.frame[other])
        _report(ctx, data, other, "load.self_referral", same, data.frame[other])


@rule("no_referral_cycles")
def check_referral_cycles(ctx: Context) -> None:
    """No chain of referrals leads back to where it started (A → B → A, or longer)."""
    data = ctx.incoming.get("customers")
    if data is None or not data.has("customer_id", "referrer_id"):
        return
    ids_col = data.frame["customer_id"]
    # Only rows with a good, first-seen id become nodes: duplicates are reported elsewhere.
    nodes = _usable(data, "customer_id") & ~ids_col.duplicated(keep="first").to_numpy()
    positions = np.flatnonzero(nodes)
    # Ids are the source's own texts: number the nodes, and each referrer by its node.
    names = ids_col.to_numpy(dtype=object)[positions]
    referrers = data.frame["referrer_id"].to_numpy(dtype=object)[positions]
    has_referrer = _usable(data, "referrer_id")[positions]
    if _merging(ctx):
        # Kept customers follow the incoming ones, so a cycle's smallest node is incoming
        # whenever the cycle runs through an incoming row: the row that closes it.
        # A customer nobody referred is on no cycle: only referred ones are read.
        old = merged.kept(
            data, ctx.existing, "customers", ["customer_id", "referrer_id"], present=["referrer_id"]
        )
        names = np.concatenate([names, old["customer_id"].to_numpy(dtype=object)])
        referrers = np.concatenate([referrers, old["referrer_id"].to_numpy(dtype=object)])
        has_referrer = np.concatenate([has_referrer, np.ones(len(old), dtype=bool)])
    ids = np.arange(len(names), dtype=np.int64)
    refs = pd.Index(names).get_indexer(referrers)
    ref_ok = has_referrer & (refs >= 0)
    nxt = referrals.successors(ids, refs, ref_ok)
    labels = referrals.cycle_labels(nxt)
    starts = np.unique(labels[labels >= 0])  # smallest node index = first in file order
    # A cycle of kept customers only was there before this load: not this file's problem.
    starts = starts[starts < len(positions)]
    if not len(starts):
        return
    sizes = np.bincount(labels[labels >= 0])[starts]
    listed = starts[: ctx.problems.max_per_kind]
    chains = []
    for start, size in zip(listed, sizes, strict=False):
        members = referrals.walk(nxt, int(start), CYCLE_SHOWN)
        text = " → ".join(str(names[m]) for m in members)
        tail = " → …" if size > CYCLE_SHOWN else ""
        chains.append(f"{text}{tail} → {names[members[0]]}")
    ctx.problems.add_rows(
        data.file,
        "referrer_id",
        "load.referral_cycle",
        data.rows[positions[starts]],
        per_row={"chain": chains, "size": sizes[: len(listed)].tolist()},
    )


@rule("scorecard_scope")
def check_scorecard_scope(ctx: Context) -> None:
    """A target's scope_id is 0 for the chain, a known city for a city, a known clinic for a clinic."""
    data = ctx.incoming.get("scorecard_targets")
    if data is None or not data.has("scope_kind", "scope_id"):
        return
    ok = _usable(data, "scope_kind", "scope_id")
    kind, scope_id = data.frame["scope_kind"], data.frame["scope_id"]
    chain = ok & _true(kind == "chain")
    not_zero = _true(scope_id != keys.CHAIN_SCOPE_ID)
    _report(ctx, data, "scope_id", "load.chain_scope_id", chain & not_zero, scope_id)
    for scope, table, column in (("city", "cities", "city_id"), ("clinic", "clinics", "clinic_id")):
        if table in ctx.unreadable:
            continue
        mask = ok & _true(kind == scope)
        if not mask.any():
            continue
        known = _keys(ctx, table, column, scope_id[mask])
        missing = mask & ~scope_id.isin(known).to_numpy()
        _report(ctx, data, "scope_id", "load.unknown_scope", missing, scope_id, parent=table)


def _keys(ctx: Context, table: str, column: str, wanted: pd.Series) -> pd.Series:
    """Key values of a table: the incoming file's if it is in the load, else the warehouse's;
    in append/upsert mode both (kept rows asked only about the ``wanted`` values)."""
    data = ctx.incoming.get(table)
    if _merging(ctx):
        both = merged.merged(data, ctx.existing, table, [column], {column: wanted})
        return both[column][both[merged.OK].to_numpy(dtype=bool)]
    if data is not None:
        return data.frame[column][_usable(data, column)]
    return ctx.existing.keys(table, (column,))[column]


@rule("calendar_overrides")
def check_calendar_overrides(ctx: Context) -> None:
    """calendar.csv rows say one thing: a holiday is named, a name is a holiday's, and no day
    ends up both a holiday and a working day (the library's holiday included)."""
    data = ctx.incoming.get("calendar_overrides")
    if data is None or not data.has("date"):
        return
    flags = [c for c in calendar_build.OVERRIDE_COLUMNS if c != "date" and data.has(c)]
    ok = _usable(data, "date") & data.clean(*flags)
    frame = data.frame
    holiday = _true(frame["is_holiday"])
    nameless = ok & holiday & frame["holiday_name"].isna().to_numpy()
    _report(ctx, data, "holiday_name", "load.calendar.holiday_needs_name", nameless)
    named = (frame["holiday_name"].notna() | frame["holiday_name_en"].notna()).to_numpy()
    stray = ok & named & ~holiday
    _report(ctx, data, "is_holiday", "load.calendar.name_without_holiday", stray)
    rows = frame.loc[ok & ~nameless & ~stray, list(calendar_build.OVERRIDE_COLUMNS)]
    if rows.empty:
        return
    days = pd.DatetimeIndex(rows["date"].unique()).as_unit("s")
    final = calendar_build.resolve(public_holidays.day_flags(days), rows)
    both = final.index[final["is_holiday"] & final["is_workday"]]
    day = pd.to_datetime(frame["date"]).dt.as_unit("s")
    clash = ok & ~nameless & ~stray & day.isin(both).to_numpy()
    names = day.map(final["holiday_name"]) if clash.any() else day
    _report(ctx, data, "is_workday", "load.calendar.holiday_workday", clash, names)


@rule("phone_not_scientific")
def check_phone(ctx: Context) -> None:
    """Phone numbers that Excel turned into 1.38E+10 have lost digits and cannot be loaded."""
    data = ctx.incoming.get("customers")
    if data is None or not data.has("phone"):
        return
    phone = data.frame["phone"]
    mangled = _usable(data, "phone") & _true(phone.str.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+"))
    _report(ctx, data, "phone", "load.phone_scientific", mangled, phone)


# Coordinates given as (latitude, longitude) pairs: half a pair would put a point on the
# equator or the prime meridian, so both or neither.
COORDINATE_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("customers", "home_lat", "home_lon"),
    ("clinics", "lat", "lon"),
)


@rule("coordinates_in_pairs")
def check_coordinate_pairs(ctx: Context) -> None:
    """A latitude without its longitude (or the reverse) is refused with its row."""
    for name, lat, lon in COORDINATE_PAIRS:
        data = ctx.incoming.get(name)
        if data is None:
            continue
        present = [c for c in (lat, lon) if data.has(c)]
        if not present:
            continue
        # An omitted column is all null in the frame, so a file with only one is caught too.
        ok = data.clean(*present)
        frame = data.frame
        half = ok & (frame[lat].isna().to_numpy() != frame[lon].isna().to_numpy())
        column = f"{lat}, {lon}"
        ctx.problems.add_rows(data.file, column, "load.pair.coordinates", data.rows[half])


@rule("one_referral_channel")
def check_referral_channel(ctx: Context) -> None:
    """At most one channel of the reserved kind 'referral': its cost is every referral reward.

    Spend joins each reward to the referral channel, so two such channels would count every
    reward twice; the rewards do not say which channel they belong to.
    """
    data = ctx.incoming.get("channels")
    if data is None or not data.has("kind"):
        return
    referral = _usable(data, "kind") & _true(data.frame["kind"] == "referral")
    if _merging(ctx) and referral.any():
        old = merged.kept(data, ctx.existing, "channels", ["code", "kind"])
        held = old[_true(old["kind"] == "referral")]
        if len(held):
            code = "load.referral_channel_kept"
            _report(ctx, data, "kind", code, referral, channel=show_value(held["code"].iloc[0]))
            return
    if referral.sum() > 1:
        first = int(data.rows[np.flatnonzero(referral)[0]])
        extra = referral.copy()
        extra[np.flatnonzero(referral)[0]] = False
        _report(ctx, data, "kind", "load.second_referral_channel", extra, first_row=first)


def run_rules(ctx: Context) -> None:
    """Run every registered rule."""
    for _name, func in RULES:
        func(ctx)
