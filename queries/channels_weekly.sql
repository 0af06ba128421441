-- channels_weekly: additive channel figures by ISO week (Monday) and channel over the period.
-- Traffic and spend by day; the referral channel's spend is the referral rewards paid.
-- Leads by the week they were captured (new = not returning; paid / arrived by now).
-- New customers: first paid order (ever) in the period, attributed to the acquisition channel
-- and the clinic of that order (the overview's definition), counted in the week of that order,
-- with what follows within :horizon_days of it (orders passing the filters): orders, revenue,
-- whether they bought again on a later day, how many customers they referred paid (first order
-- within the filters), and whether the whole horizon lies before :data_end_ts.
-- new_customer_revenue: their orders in the period, by the week of the order.
-- params: start_date, end_date, start_ts, end_ts, horizon_days, data_end_ts
with weeks as (
    select distinct cal.week_start
    from calendar cal
    where cal.date >= :start_date and cal.date <= :end_date
),
spend_days as (
    {{ include spend }}
),
traffic as (
    select cal.week_start, s.channel_id, sum(s.impressions) as impressions,
           sum(s.clicks) as clicks, sum(s.channel_spend + s.referral_spend) as spend
    from spend_days s
    join clinics k on k.clinic_id = s.clinic_id
    join calendar cal on cal.date = s.date
    where {{ filters city=k.city_id specialty=k.specialty clinic=s.clinic_id channel=s.channel_id }}
    group by cal.week_start, s.channel_id
),
lead_counts as (
    select
        cal.week_start,
        l.channel_id,
        count(*) as leads,
        count(*) filter (where not l.is_returning) as new_leads,
        count(*) filter (where not l.is_returning and l.paid_at is not null) as new_leads_paid,
        count(*) filter (where not l.is_returning and l.arrived_at is not null) as new_leads_arrived
    from leads l
    join clinics k on k.clinic_id = l.clinic_id
    join calendar cal on cal.date = cast(l.created_at as date)
    where l.created_at >= :start_ts and l.created_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
    group by cal.week_start, l.channel_id
),
new_customers as (
    -- The first paid order ever (customer_first_orders, rebuilt by the writer at every load;
    -- ties at the same moment go to the lowest order id) falls in the period.
    select
        f.customer_id,
        f.acquisition_channel_id as channel_id,
        f.first_ordered_at as first_at,
        cast(f.first_ordered_at as date) as first_day,
        f.first_ordered_at + interval '1 day' * cast(:horizon_days as integer) as horizon_end,
        cal.week_start
    from customer_first_orders f
    join clinics k on k.clinic_id = f.first_clinic_id
    join calendar cal on cal.date = cast(f.first_ordered_at as date)
    where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=f.first_clinic_id channel=f.acquisition_channel_id }}
),
new_counts as (
    select
        week_start,
        channel_id,
        count(*) as new_customers,
        count(*) filter (where horizon_end <= :data_end_ts) as mature_customers
    from new_customers
    group by week_start, channel_id
),
cohort_orders as (
    select n.customer_id, n.channel_id, n.week_start, n.first_day, n.horizon_end,
           o.ordered_at, o.amount
    from new_customers n
    join orders o on o.customer_id = n.customer_id
    join clinics k on k.clinic_id = o.clinic_id
    where o.ordered_at >= n.first_at
      and (o.ordered_at < n.horizon_end or o.ordered_at < :end_ts)
      -- The range of every cohort member at once, so only those orders are read at all.
      and o.ordered_at >= :start_ts
      and o.ordered_at < :end_ts + interval '1 day' * cast(:horizon_days as integer)
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=n.channel_id }}
),
cohort_sums as (
    -- Counted in the week of each customer's first order; repeaters bought again on a later day.
    select
        week_start,
        channel_id,
        count(*) filter (where ordered_at < horizon_end) as horizon_orders,
        sum(amount) filter (where ordered_at < horizon_end) as revenue_horizon,
        count(distinct customer_id) filter (
            where ordered_at < horizon_end and cast(ordered_at as date) > first_day
        ) as repeaters
    from cohort_orders
    group by week_start, channel_id
),
referred_firsts as (
    select n.week_start, n.channel_id, n.horizon_end, r.customer_id, min(o.ordered_at) as first_at
    from new_customers n
    join customers r on r.referrer_id = n.customer_id
    join orders o on o.customer_id = r.customer_id
    join clinics k on k.clinic_id = o.clinic_id
    where o.ordered_at >= n.first_at
      -- Only whether the first such order falls before horizon_end matters: a later bound
      -- common to all keeps the scan to the orders that can.
      and o.ordered_at >= :start_ts
      and o.ordered_at < :end_ts + interval '1 day' * cast(:horizon_days as integer)
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id }}
    group by n.week_start, n.channel_id, n.horizon_end, r.customer_id
),
referred as (
    select week_start, channel_id, count(*) as referred
    from referred_firsts
    where first_at < horizon_end
    group by week_start, channel_id
),
cohort as (
    select
        nc.week_start,
        nc.channel_id,
        nc.new_customers,
        nc.mature_customers,
        coalesce(cs.horizon_orders, 0) as horizon_orders,
        coalesce(cs.revenue_horizon, 0) as revenue_horizon,
        coalesce(cs.repeaters, 0) as repeaters,
        coalesce(rf.referred, 0) as referred
    from new_counts nc
    left join cohort_sums cs on cs.week_start = nc.week_start and cs.channel_id = nc.channel_id
    left join referred rf on rf.week_start = nc.week_start and rf.channel_id = nc.channel_id
),
period_revenue as (
    select cal.week_start, co.channel_id, sum(co.amount) as new_customer_revenue
    from cohort_orders co
    join calendar cal on cal.date = cast(co.ordered_at as date)
    where co.ordered_at < :end_ts
    group by cal.week_start, co.channel_id
)
select
    w.week_start,
    ch.channel_id,
    coalesce(t.impressions, 0) as impressions,
    coalesce(t.clicks, 0) as clicks,
    coalesce(t.spend, 0) as spend,
    coalesce(lc.leads, 0) as leads,
    coalesce(lc.new_leads, 0) as new_leads,
    coalesce(lc.new_leads_paid, 0) as new_leads_paid,
    coalesce(lc.new_leads_arrived, 0) as new_leads_arrived,
    coalesce(co.new_customers, 0) as new_customers,
    coalesce(co.mature_customers, 0) as mature_customers,
    coalesce(co.horizon_orders, 0) as horizon_orders,
    coalesce(co.revenue_horizon, 0) as revenue_horizon,
    coalesce(co.repeaters, 0) as repeaters,
    coalesce(co.referred, 0) as referred,
    coalesce(pr.new_customer_revenue, 0) as new_customer_revenue
from weeks w
cross join channels ch
left join traffic t on t.week_start = w.week_start and t.channel_id = ch.channel_id
left join lead_counts lc on lc.week_start = w.week_start and lc.channel_id = ch.channel_id
left join cohort co on co.week_start = w.week_start and co.channel_id = ch.channel_id
left join period_revenue pr on pr.week_start = w.week_start and pr.channel_id = ch.channel_id
order by w.week_start, ch.channel_id
