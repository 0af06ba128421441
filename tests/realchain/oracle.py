"""The independent computation: each page's headline figures in pandas over the raw export files.

Nothing here imports the dashboard. The files are read as text with pandas, the mappings'
renames and value maps are applied by hand (``tomllib`` reads the same TOML files a user
writes), times are parsed with ``datetime.strptime`` (UTC forms moved to Asia/Shanghai),
money is rounded half-even to the fen with ``decimal``, and ad rows are summed per day ×
channel × clinic. The definitions are the pages' own, read from their SQL and restated here
in pandas (each function's docstring says which).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pandas as pd

_LOCAL = timedelta(hours=8)  # Asia/Shanghai, the warehouse's zone, has no daylight saving
_FORMS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y%m%d %H:%M",
    "%Y%m%d",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日",
)


def stamp(text: str) -> datetime | None:
    """A cell's local time (None for an empty cell); ``Z`` and ``+08:00`` forms converted."""
    text = text.strip()
    if not text:
        return None
    if text.endswith("Z"):
        return datetime.strptime(text[:-1], "%Y-%m-%dT%H:%M:%S") + _LOCAL
    if text.endswith("+08:00"):
        return datetime.strptime(text[:-6], "%Y-%m-%dT%H:%M:%S")
    for form in _FORMS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    raise ValueError(f"the oracle cannot read {text!r}")


def money(text: str) -> Decimal | None:
    """An amount in yuan, rounded half-even to the fen (None for an empty cell)."""
    text = text.strip().replace("¥", "").replace("元", "").replace(",", "")
    if not text:
        return None
    return Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def _read(folder: Path, mapping: str) -> pd.DataFrame:
    """An export renamed and value-mapped by hand as its mapping says (constants added)."""
    spec = tomllib.loads((folder / mapping).read_text(encoding="utf-8"))
    raw = pd.read_csv(folder / spec["file"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    out = pd.DataFrame({target: raw[header] for target, header in spec["columns"].items()})
    for target, pairs in spec.get("values", {}).items():
        mapped = out[target].map(lambda v, p=pairs: p.get(v, v) if v else "")
        out[target] = mapped
    for target, value in spec.get("constants", {}).items():
        out[target] = str(value)
    return out


@dataclass(frozen=True)
class Chain:
    """The raw exports, mapped and typed: one frame per table, ids as the source writes them."""

    leads: pd.DataFrame
    customers: pd.DataFrame
    orders: pd.DataFrame
    ads: pd.DataFrame  # one row per day × channel × clinic, summed
    channels: pd.DataFrame
    clinics: pd.DataFrame

    @property
    def data_end(self) -> datetime:
        """The latest fact time: every lead stage, order and spend day (at its start)."""
        times = [self.leads[c].max() for c in ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at")]  # fmt: skip
        times += [self.orders["ordered_at"].max(), pd.Timestamp(self.ads["date"].max())]
        return max(pd.Timestamp(t) for t in times if pd.notna(t)).to_pydatetime()


def read_chain(folder: Path) -> Chain:
    """Every export of ``folder`` through its mapping, typed."""
    leads = _read(folder, "线索导出.mapping.toml")
    for col in ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at"):
        leads[col] = pd.to_datetime(leads[col].map(stamp))
    leads["deal_amount"] = leads["deal_amount"].map(money)
    leads["is_returning"] = leads["is_returning"] == "true"
    customers = _read(folder, "客户导出.mapping.toml")
    customers["created_at"] = pd.to_datetime(customers["created_at"].map(stamp))
    for col in ("first_visit_on", "member_since"):
        customers[col] = customers[col].map(lambda v: None if not v else stamp(v).date())
    orders = _read(folder, "HIS订单导出.mapping.toml")
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"].map(stamp))
    orders["amount"] = orders["amount"].map(money)
    ads = _read(folder, "广告日报.mapping.toml")
    ads["date"] = ads["date"].map(lambda v: stamp(v).date())
    ads["spend"] = ads["spend"].map(money)  # each plan's cell rounded, then summed
    ads["impressions"] = ads["impressions"].astype(int)
    ads["clicks"] = ads["clicks"].astype(int)
    ads = ads.groupby(["date", "channel_id", "clinic_id"], as_index=False).agg(
        spend=("spend", "sum"), impressions=("impressions", "sum"), clicks=("clicks", "sum")
    )
    channels = pd.read_csv(folder / "channels.csv", dtype=str, keep_default_na=False)
    clinics = pd.read_csv(folder / "clinics.csv", dtype=str, keep_default_na=False)
    return Chain(leads, customers, orders, ads, channels, clinics)


def _in(times: pd.Series, start: date, end: date) -> pd.Series:
    """Times (or dates) on a day from start to end inclusive."""
    days = pd.to_datetime(times).dt.normalize()
    return (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else float(a) / float(b)


def first_orders(chain: Chain) -> pd.DataFrame:
    """Each paying customer's first order: customer_id, first_at, clinic_id, channel, referrer."""
    o = chain.orders.sort_values(["customer_id", "ordered_at", "order_id"])
    first = o.groupby("customer_id", as_index=False).first()
    first = first.rename(columns={"ordered_at": "first_at"})[
        ["customer_id", "first_at", "clinic_id"]
    ]
    c = chain.customers[["customer_id", "acquisition_channel_id", "referrer_id"]]
    return first.merge(c, on="customer_id", how="left")


def _arrival_rate(leads: pd.DataFrame, start: date, end: date) -> float | None:
    """到诊率 (README): visits due in the period that arrived, where 80% of the period's
    bookings carry an appointment time; else of the period's bookings, the share that arrived.
    (A visit due after the data's end would not count; the real chain's are all past.)"""
    booked = leads[_in(leads["booked_at"], start, end)]
    due = leads.get("appointment_at")
    with_time = 0 if due is None else float(booked["appointment_at"].notna().sum())
    if due is not None and len(booked) and with_time >= 0.8 * len(booked):
        cases = leads[_in(due, start, end)]
    else:
        cases = booked
    return _ratio(float(cases["arrived_at"].notna().sum()), float(len(cases)))


def kpis(chain: Chain, start: date, end: date) -> dict[str, float | None]:
    """The registry KPIs of the overview and weekly review (kpi_funnel.sql, kpi_money.sql).

    Each funnel event counts on its own day; revenue is the orders' amounts; spend the ads';
    a new customer's first paid order ever is in the period; returning payers had paid before
    the period; new customers' revenue is their orders in the period.
    """
    leads, orders = chain.leads, chain.orders
    out: dict[str, float | None] = {
        "impressions": float(
            chain.ads.loc[_in(chain.ads["date"], start, end), "impressions"].sum()
        ),
        "leads": float(_in(leads["created_at"], start, end).sum()),
    }
    for kpi, col in (("inquiries", "inquiry_at"), ("bookings", "booked_at"), ("arrivals", "arrived_at"), ("paid_deals", "paid_at")):  # fmt: skip
        out[kpi] = float(_in(leads[col].dropna(), start, end).sum())
    in_period = orders[_in(orders["ordered_at"], start, end)]
    firsts = first_orders(chain)
    new = firsts[_in(firsts["first_at"], start, end)]
    revenue = sum(in_period["amount"], Decimal(0))
    spend = sum(chain.ads.loc[_in(chain.ads["date"], start, end), "spend"], Decimal(0))
    payers = in_period["customer_id"].unique()
    before = set(firsts.loc[firsts["first_at"] < pd.Timestamp(start), "customer_id"])
    new_revenue = sum(in_period.loc[in_period["customer_id"].isin(new["customer_id"]), "amount"], Decimal(0))  # fmt: skip
    out.update(
        revenue=float(revenue),
        spend=float(spend),
        new_customers=float(len(new)),
        cac=_ratio(float(spend), len(new)),
        marketing_roi=None if not spend else (float(new_revenue) - float(spend)) / float(spend),
        value_per_customer=_ratio(float(revenue), len(payers)),
        repeat_rate=_ratio(sum(1 for p in payers if p in before), len(payers)),
        arrival_rate=_arrival_rate(leads, start, end),
        booking_completion=_ratio(
            float((_in(leads["inquiry_at"], start, end) & leads["booked_at"].notna()).sum()),
            out["inquiries"],
        ),
    )
    # The scorecard's: members who joined in the period (kpi_quality.sql), and the median days
    # from lead to arrival of the period's arrivals (kpi_funnel.sql).
    joined = chain.customers["member_since"].dropna()
    out["new_members"] = float(_in(joined, start, end).sum())
    arrived = leads[leads["arrived_at"].notna() & _in(leads["arrived_at"], start, end)]
    waits = (arrived["arrived_at"] - arrived["created_at"]).dt.total_seconds() / 86_400
    out["lead_to_arrival_days"] = None if waits.empty else float(waits.median())
    return out


def funnel(chain: Chain, start: date, end: date, window: int | None) -> dict[str, float]:
    """The cohort funnel (funnel_stages.sql): leads created in the period and the stages each
    reached — that stage or a later one — within ``window`` days of creation (None: ever)."""
    cohort = chain.leads[_in(chain.leads["created_at"], start, end)].copy()
    stages = ("inquiry_at", "booked_at", "arrived_at", "paid_at")
    for col in stages:
        if window is not None:
            late = cohort[col] >= cohort["created_at"] + pd.Timedelta(days=window)
            cohort.loc[late, col] = pd.NaT
    reached = {
        "inquiries": cohort[list(stages)].notna().any(axis=1),
        "bookings": cohort[list(stages[1:])].notna().any(axis=1),
        "arrivals": cohort[list(stages[2:])].notna().any(axis=1),
        "paid_deals": cohort["paid_at"].notna(),
    }
    out = {"leads": float(len(cohort)), **{k: float(v.sum()) for k, v in reached.items()}}
    if window is not None:
        cutoff = chain.data_end - timedelta(days=window)
        out["maturing_leads"] = float((cohort["created_at"] > pd.Timestamp(cutoff)).sum())
    out["lead_to_deal"] = out["paid_deals"] / out["leads"]
    out["impressions"] = float(
        chain.ads.loc[_in(chain.ads["date"], start, end), "impressions"].sum()
    )
    return out


def channels(chain: Chain, start: date, end: date) -> pd.DataFrame:
    """Per channel code (channels_weekly.sql): spend, leads created, new leads and those paid
    (ever), new customers by acquisition channel, CAC."""
    ads = chain.ads[_in(chain.ads["date"], start, end)]
    leads = chain.leads[_in(chain.leads["created_at"], start, end)]
    firsts = first_orders(chain)
    new = firsts[_in(firsts["first_at"], start, end)]
    rows = []
    for ch in chain.channels.itertuples():
        spend = float(sum(ads.loc[ads["channel_id"] == ch.channel_id, "spend"], Decimal(0)))
        mine = leads[leads["channel_id"] == ch.channel_id]
        fresh = mine[~mine["is_returning"]]
        n_new = int((new["acquisition_channel_id"] == ch.channel_id).sum())
        rows.append(
            {
                "code": ch.code,
                "spend": spend,
                "leads": len(mine),
                "new_leads": len(fresh),
                "new_leads_paid": int(fresh["paid_at"].notna().sum()),
                "new_customers": n_new,
                "cac": _ratio(spend, n_new),
            }
        )
    return pd.DataFrame(rows).set_index("code")


def members(chain: Chain, end: date, active: int = 90, lapse: int = 365) -> dict[str, object]:
    """Lifecycle at the period end (members_lifecycle.sql, lifecycle.stage_of): per stage the
    purchasing customers, the registered customers without a purchase, and value tiers."""
    registered = chain.customers[chain.customers["created_at"] < pd.Timestamp(end + timedelta(days=1))]  # fmt: skip
    o = chain.orders[chain.orders["customer_id"].isin(registered["customer_id"])].copy()
    o["day"] = o["ordered_at"].dt.date
    per_day = o.groupby(["customer_id", "day"], as_index=False)["amount"].sum()
    per_day = per_day.sort_values(["customer_id", "day"])
    per_day["gap"] = per_day.groupby("customer_id")["day"].diff().map(lambda d: d.days if pd.notna(d) else None)  # fmt: skip
    per_day = per_day[per_day["day"] <= end]
    stages = dict.fromkeys(("new", "active", "won_back", "dormant", "lapsed"), 0)
    tiers = dict.fromkeys(("high", "mid", "low"), 0)
    for _, days in per_day.groupby("customer_id"):
        age = [(end - d).days for d in days["day"]]
        gaps = days["gap"].tolist()
        window = [a < active for a in age]
        if age[0] < active:
            stage = "new"
        elif any(w and g is not None and g >= active for w, g in zip(window, gaps, strict=True)):
            stage = "won_back"
        elif any(window):
            stage = "active"
        elif any(a <= lapse for a in age):
            stage = "dormant"
        else:
            stage = "lapsed"
        stages[stage] += 1
        ltv = float(sum(days["amount"], Decimal(0)))
        tiers["high" if ltv >= 20_000 else "mid" if ltv >= 5_000 else "low"] += 1
    paying = sum(stages.values())
    return {"stages": stages, "prospects": len(registered) - paying, "tiers": tiers}


def regions(chain: Chain, start: date, end: date) -> pd.DataFrame:
    """Per city id (regions_breakdown.sql, grain 'city'): bookings and arrivals at the lead's
    clinic, revenue, paying customers and new customers at the order's clinic."""
    city = dict(zip(chain.clinics["clinic_id"], chain.clinics["city_id"], strict=True))
    leads = chain.leads.assign(city=chain.leads["clinic_id"].map(city))
    orders = chain.orders[_in(chain.orders["ordered_at"], start, end)]
    orders = orders.assign(city=orders["clinic_id"].map(city))
    firsts = first_orders(chain)
    new = firsts[_in(firsts["first_at"], start, end)].assign(
        city=lambda f: f["clinic_id"].map(city)
    )
    rows = []
    for city_id in sorted(set(city.values())):
        mine = orders[orders["city"] == city_id]
        rows.append(
            {
                "city_id": city_id,
                "bookings": int(
                    _in(leads.loc[leads["city"] == city_id, "booked_at"].dropna(), start, end).sum()
                ),  # fmt: skip
                "arrivals": int(
                    _in(
                        leads.loc[leads["city"] == city_id, "arrived_at"].dropna(), start, end
                    ).sum()
                ),  # fmt: skip
                "revenue": float(sum(mine["amount"], Decimal(0))),
                "paying_customers": mine["customer_id"].nunique(),
                "new_customers": int((new["city"] == city_id).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("city_id")


def referrers(chain: Chain, start: date, end: date) -> dict[str, float | None]:
    """Referrers' headline (referrers_ranking.sql, basis 'paid'; referrers_share.sql): referrers
    with a referred customer whose first payment is in the period, those referrals, and the
    referred share of the period's new customers."""
    c = chain.customers
    end_ts = pd.Timestamp(end + timedelta(days=1))
    referred = c[(c["referrer_id"] != "") & (c["created_at"] < end_ts)]
    firsts = first_orders(chain).set_index("customer_id")["first_at"]
    first_paid = referred["customer_id"].map(firsts)
    valid = referred[(first_paid >= pd.Timestamp(start)) & (first_paid < end_ts)]
    new = first_orders(chain)
    new = new[_in(new["first_at"], start, end)]
    return {
        "active_referrers": float(valid["referrer_id"].nunique()),
        "valid_referrals": float(len(valid)),
        "referral_share": _ratio((new["referrer_id"] != "").sum(), len(new)),
    }


def health(chain: Chain) -> dict[str, float]:
    """Data health's shares (health_lead_stages.sql, health_fields_*.sql): leads with each stage
    time, leads counted at inquiry without its time among those reaching it, customers' gender."""
    leads, n = chain.leads, len(chain.leads)
    reached = leads[["inquiry_at", "booked_at", "arrived_at", "paid_at"]].notna().any(axis=1)
    out = {f"leads.{col}": leads[col].notna().sum() / n for col in ("inquiry_at", "booked_at", "arrived_at", "paid_at", "deal_amount")}  # fmt: skip
    out["untimed_inquiry"] = float((reached & leads["inquiry_at"].isna()).sum() / reached.sum())
    out["customers.gender"] = float((chain.customers["gender"] != "").mean())
    return out
