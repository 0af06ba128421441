"""The generator's pipeline: every table of the warehouse from the reference inputs and a seed."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.seed import experiments as exp
from dashboard.seed.actuals import Sources
from dashboard.seed.calendar_table import seed_holidays
from dashboard.seed.core import window_for
from dashboard.seed.customers import customers_frame, link_customers
from dashboard.seed.demand import cell_weights, zhengzhou_campaign
from dashboard.seed.feedback import feedback, staff_training
from dashboard.seed.finance import budgets, expenses
from dashboard.seed.leads import generate_leads, leads_frame, reopening
from dashboard.seed.marketing import channel_daily
from dashboard.seed.network import build_network, staff_clinics
from dashboard.seed.orders import generate_orders
from dashboard.seed.reference import load_reference
from dashboard.seed.referrals import FALLBACK_CHANNEL, assign_referrers, referral_rewards
from dashboard.seed.targets import scorecard_targets


def generate(end_date: date, leads: int = 300_000, seed: int = 42) -> dict[str, pd.DataFrame]:
    """Every table of a deterministic sample chain (see ``_generate``)."""
    # Millions of generated rows: Arrow-backed strings, whatever the dashboard's pages use.
    with pd.option_context("mode.string_storage", "pyarrow"):
        return _generate(end_date, leads, seed)


def _generate(end_date: date, leads: int, seed: int) -> dict[str, pd.DataFrame]:
    """Generate every table in ``schema.TABLE_ORDER`` for a chain whose data ends at ``end_date``."""
    if leads < 1:
        raise ValueError("leads must be positive")
    ref = load_reference()
    window = window_for(end_date)
    net = build_network(ref, window, seed)
    channels = ref.channels
    holidays = seed_holidays(window)
    p = cell_weights(net, channels, holidays, window, seed)
    lv = generate_leads(p, leads, net, channels, holidays, window, seed)
    cust, lead_customer = link_customers(lv, seed)
    codes = channels["code"].tolist()
    referral, fallback = codes.index("referral"), codes.index(FALLBACK_CHANNEL)
    assign_referrers(cust, lv, net.city, referral, fallback, window, seed)
    staff_clinics(net, _monthly_first_visits(cust, net, window), seed)
    reopen = reopening(window, holidays)
    orders = generate_orders(lv, lead_customer, cust, net, ref.services, window, reopen, seed)
    t: dict[str, pd.DataFrame] = {}
    # The calendar is built by the writer; the sample chain overrides no day of it.
    t["calendar_overrides"] = _no_overrides()
    t["cities"] = net.cities
    t["clinics"] = net.clinics
    t["channels"] = _channels(channels)
    t["customers"] = customers_frame(cust, net, ref, window, orders.repeat_count, seed)
    t["leads"] = leads_frame(lv, lead_customer, orders.deal_amount, window)
    t["channel_daily"] = channel_daily(lv, p, channels, window, seed)
    t["orders"] = orders.frame
    t["experiments"], t["experiment_variants"] = exp.experiment_tables(ref, window)
    t["experiment_exposures"] = exp.exposures(
        ref, t["experiments"], net, len(cust), leads, window, seed
    )
    t["experiment_metrics"], t["experiment_outcomes"] = exp.further_metrics(
        t["experiments"], t["experiment_exposures"], window, seed
    )
    t["feedback"] = feedback(lv, lead_customer, orders.frame, net, window, seed)
    t["staff_training"] = staff_training(net, window, seed)
    t["referral_rewards"] = referral_rewards(cust, orders.first_paid, window, seed)
    t["budgets"] = budgets(net, t["channel_daily"], t["referral_rewards"], window, seed)
    t["expenses"] = expenses(net, t["budgets"], lv, window, seed)
    src = Sources(window, net, lv, t)
    t["scorecard_targets"] = scorecard_targets(src, zhengzhou_campaign(net, window), leads, seed)
    return {name: _conform(name, t[name]) for name in schema.TABLE_ORDER}


def _no_overrides() -> pd.DataFrame:
    """An empty calendar_overrides frame with its columns' types."""
    return pd.DataFrame(
        {
            "date": pd.Series([], dtype="datetime64[s]"),
            "is_holiday": pd.Series([], dtype="boolean"),
            "holiday_name": pd.Series([], dtype="str"),
            "holiday_name_en": pd.Series([], dtype="str"),
            "is_workday": pd.Series([], dtype="boolean"),
        }
    )


def _channels(channels: pd.DataFrame) -> pd.DataFrame:
    out = channels[["code", "name_zh", "name_en", "kind", "tier"]].copy()
    out.insert(0, "channel_id", np.arange(1, len(out) + 1, dtype=np.int32))
    return out


def _monthly_first_visits(cust, net, window) -> np.ndarray:
    """Average first visits per month per clinic, over the months each clinic was open."""
    fv = np.bincount(cust.clinic[cust.has_visit], minlength=net.size).astype(float)
    months_open = (window.days - net.open_day) / 30.44
    # Leave out the newest arrivals' lag: the last weeks have fewer first visits so far.
    return fv / np.maximum(months_open - 0.5, 1.0)


def _conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the declared columns, in declared order."""
    cols = [c.name for c in schema.table(name).columns]
    if list(frame.columns) == cols:
        return frame
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: None for c in missing})
    return frame[cols].reset_index(drop=True)
