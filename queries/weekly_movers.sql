-- weekly_movers: arrivals and revenue by city × channel in this week and in the week before.
-- The filters' period spans both weeks (from last week's Monday to this week's Sunday);
-- split_ts is this week's Monday 00:00. Arrivals count at the lead's clinic
-- and channel; revenue is order amounts at the clinic, by the customer's acquisition channel.
-- params: split_ts, start_ts, end_ts
with arrivals as (
    select
        k.city_id,
        l.channel_id,
        count(*) filter (where l.arrived_at >= :split_ts) as arrivals_this,
        count(*) filter (where l.arrived_at < :split_ts) as arrivals_last
    from leads l
    join clinics k on k.clinic_id = l.clinic_id
    where l.arrived_at >= :start_ts and l.arrived_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
    group by k.city_id, l.channel_id
),
revenue as (
    select
        k.city_id,
        o.acquisition_channel_id as channel_id,
        sum(case when o.ordered_at >= :split_ts then o.amount else 0 end) as revenue_this,
        sum(case when o.ordered_at < :split_ts then o.amount else 0 end) as revenue_last
    -- order_facts (rebuilt by the writer at every load): the orders with their customer's
    -- acquisition channel, so no join to customers per order.
    from order_facts o
    join clinics k on k.clinic_id = o.clinic_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=o.acquisition_channel_id }}
    group by k.city_id, o.acquisition_channel_id
),
combined as (
    select
        coalesce(a.city_id, r.city_id) as city_id,
        coalesce(a.channel_id, r.channel_id) as channel_id,
        coalesce(a.arrivals_this, 0) as arrivals_this,
        coalesce(a.arrivals_last, 0) as arrivals_last,
        coalesce(r.revenue_this, 0) as revenue_this,
        coalesce(r.revenue_last, 0) as revenue_last
    from arrivals a
    full outer join revenue r on r.city_id = a.city_id and r.channel_id = a.channel_id
)
select
    m.city_id,
    ci.name_zh as city_zh,
    ci.name_en as city_en,
    m.channel_id,
    ch.name_zh as channel_zh,
    ch.name_en as channel_en,
    m.arrivals_this,
    m.arrivals_last,
    m.revenue_this,
    m.revenue_last
from combined m
join cities ci on ci.city_id = m.city_id
join channels ch on ch.channel_id = m.channel_id
order by m.city_id, m.channel_id
