-- members_lifecycle: lifecycle bits per customer combination and period-end stage bits × value tier, from the purchase-day table.
-- Filters and scope apply to the customer: city = home city, clinic/specialty = home clinic,
-- channel = acquisition channel; every purchase (paid order) of those customers up to the
-- period end counts. Purchases come from the derived table customer_purchase_days (purchase
-- days with the gap to the previous one and the customer's filter columns): one group-by, no
-- window over every order, no join of purchases to customers. One query serves the whole
-- page's lifecycle, so the result has two sections, each using its own columns (the others
-- are null); cohort retention is members_cohorts.sql (it follows cohorts to the data's end):
--
-- section 'path': customers per combination of five bit masks over the snapshots. The
--   snapshots are month ends followed by the period end, one per month; bit j belongs to
--   the snapshot j months after the first (first_snapshot_month). For snapshot t:
--   exists_bits  the first purchase is on or before t;
--   new_bits     the first purchase is in the active window (t − active_days, t];
--   window_bits  some purchase is in the active window;
--   return_bits  some purchase in the active window came at least active_days days after
--                the purchase before it (a return after being dormant or lapsed);
--   recent_bits  some purchase is within lapse_days days of t.
--   dashboard.metrics.lifecycle turns bits into stages. Registered customers without a
--   purchase by the period end have exists_bits = 0.
-- section 'mix': the same five bits at the period end (end_*) × value tier (lifetime value
--   up to the period end against tier_mid / tier_high; null without a purchase): customers
--   and their lifetime value.
-- params: first_snapshot_month, snapshots, active_days, lapse_days, end_date, end_ts, tier_high, tier_mid, last_bit
with snapshots as (
    select cal.date as t, cal.year * 12 + cal.month - 1 - :first_snapshot_month as j
    from calendar cal
    where cal.date in :snapshots
),
day_bits as (
    -- Per calendar day: which snapshots it is on or before, inside the active window of, and
    -- within lapse_days of.
    select
        cal.date as d,
        bit_or(case when s.t >= cal.date then cast(1 as bigint) << cast(s.j as integer) else 0 end)
            as since_bits,
        bit_or(case when s.t >= cal.date and s.t - cal.date < :active_days
                    then cast(1 as bigint) << cast(s.j as integer) else 0 end) as window_bits,
        bit_or(case when s.t >= cal.date and s.t - cal.date <= :lapse_days
                    then cast(1 as bigint) << cast(s.j as integer) else 0 end) as recent_bits
    from calendar cal
    cross join snapshots s
    where cal.date <= :end_date
    group by cal.date
),
members as (
    select count(*) as customers
    from customers c
    join clinics hk on hk.clinic_id = c.home_clinic_id
    where c.created_at < :end_ts
      and {{ filters city=c.home_city_id specialty=hk.specialty clinic=c.home_clinic_id channel=c.acquisition_channel_id }}
),
per_customer as (
    -- One group-by over customer_purchase_days (rebuilt by the writer at every load: purchase
    -- days with the gap to the previous one and the customer's filter columns). The calendar
    -- covers the facts; a purchase outside it still counts for value and dates.
    select
        p.customer_id,
        min(p.date) as first_d,
        sum(cast(p.amount as double precision)) as ltv,
        bit_or(coalesce(b.window_bits, 0)) as window_bits,
        bit_or(case when p.gap_days >= :active_days then coalesce(b.window_bits, 0) else 0 end)
            as return_bits,
        bit_or(coalesce(b.recent_bits, 0)) as recent_bits
    from customer_purchase_days p
    join clinics hk on hk.clinic_id = p.home_clinic_id
    left join day_bits b on b.d = p.date
    where p.date <= :end_date and p.registered_at < :end_ts
      and {{ filters city=p.home_city_id specialty=hk.specialty clinic=p.home_clinic_id channel=p.acquisition_channel_id }}
    group by p.customer_id
),
profiles as (
    -- One row per paying member, plus one row for all members without a purchase by the
    -- period end (customers = how many; no bits, no tier).
    select
        1 as customers,
        coalesce(f.since_bits, 0) as exists_bits,
        coalesce(f.window_bits, 0) as new_bits,
        a.window_bits,
        a.return_bits,
        a.recent_bits,
        case
            when a.ltv >= :tier_high then 'high'
            when a.ltv >= :tier_mid then 'mid'
            else 'low'
        end as tier,
        a.ltv
    from per_customer a
    left join day_bits f on f.d = a.first_d
    union all
    select
        m.customers - x.paying,
        0, 0, 0, 0, 0,
        cast(null as varchar(4)),
        0
    from members m
    cross join (select count(*) as paying from per_customer) x
    where m.customers > x.paying
),
combos as materialized (
    -- Customers sharing every column: one pass over the members serves both sections.
    select
        exists_bits, new_bits, window_bits, return_bits, recent_bits, tier,
        sum(customers) as customers, sum(ltv) as ltv
    from profiles
    group by exists_bits, new_bits, window_bits, return_bits, recent_bits, tier
)
select
    'path' as section,
    exists_bits,
    new_bits,
    window_bits,
    return_bits,
    recent_bits,
    cast(null as bigint) as end_exists,
    cast(null as bigint) as end_new,
    cast(null as bigint) as end_window,
    cast(null as bigint) as end_return,
    cast(null as bigint) as end_recent,
    cast(null as varchar(4)) as tier,
    sum(customers) as customers,
    sum(ltv) as ltv
from combos
group by exists_bits, new_bits, window_bits, return_bits, recent_bits
union all
select
    'mix',
    null, null, null, null, null,
    (exists_bits >> :last_bit) & 1,
    (new_bits >> :last_bit) & 1,
    (window_bits >> :last_bit) & 1,
    (return_bits >> :last_bit) & 1,
    (recent_bits >> :last_bit) & 1,
    tier,
    sum(customers),
    sum(ltv)
from combos
group by
    (exists_bits >> :last_bit) & 1,
    (new_bits >> :last_bit) & 1,
    (window_bits >> :last_bit) & 1,
    (return_bits >> :last_bit) & 1,
    (recent_bits >> :last_bit) & 1,
    tier
