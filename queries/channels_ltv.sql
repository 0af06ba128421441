-- channels_ltv: each channel's mature cohort and its gross revenue by month since the first order.
-- Cohort: customers whose first paid order (ever) falls in the period passed, which the report
-- sets to 12 to 24 months (730 to 365 days) before the data's end, so every one has a full
-- 12 months (365 days) observed. Attributed like new customers: acquisition channel, clinic of
-- the first order.
-- month_index m = 0…11 is floor(days since the first order × 12 ÷ 365); revenue counts orders
-- passing the filters within 365 days of the first order. Channels without a cohort return no rows.
-- params: start_ts, end_ts
with cohort as (
    -- The first paid order ever (customer_first_orders, rebuilt by the writer at every load;
    -- ties at the same moment go to the lowest order id) falls in the window.
    select f.customer_id, f.acquisition_channel_id as channel_id, f.first_ordered_at as first_at
    from customer_first_orders f
    join clinics k on k.clinic_id = f.first_clinic_id
    where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=f.first_clinic_id channel=f.acquisition_channel_id }}
),
sizes as (
    select n.channel_id, count(*) as cohort_customers
    from cohort n
    group by n.channel_id
),
cohort_orders as (
    select
        n.channel_id,
        least(11, cast(floor(
            cast((cast(o.ordered_at as date) - cast(n.first_at as date)) * 12 as double precision) / 365
        ) as integer)) as month_index,
        o.amount
    from cohort n
    -- order_facts (rebuilt by the writer at every load) carries each order's customer's first
    -- paid order time (the cohort's first_at), so only the orders of customers whose first
    -- order falls in the window are read at all (PostgreSQL: a covering index on it).
    join order_facts o on o.customer_id = n.customer_id
    join clinics k on k.clinic_id = o.clinic_id
    where o.first_ordered_at >= :start_ts and o.first_ordered_at < :end_ts
      and o.ordered_at < o.first_ordered_at + interval '1 day' * 365
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=n.channel_id }}
),
monthly as (
    select channel_id, month_index, sum(amount) as revenue
    from cohort_orders
    group by channel_id, month_index
)
select
    s.channel_id,
    s.cohort_customers,
    m.month_index,
    coalesce(m.revenue, 0) as revenue
from sizes s
left join monthly m on m.channel_id = s.channel_id
order by s.channel_id, m.month_index
