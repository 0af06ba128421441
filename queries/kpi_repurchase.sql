-- kpi_repurchase: repurchase of each bucket's new customers (buckets as in kpi_funnel). A new
-- customer's first paid order ever falls in the bucket (as in kpi_money: counted at that
-- order's clinic and the customer's acquisition channel). Of those whose window of 90 / 180 /
-- 365 days after the first purchase day has ended by the last order day (mature_*), those who
-- paid again on a later day within it, at any clinic (repurchased_*); customers still inside
-- their window are maturing and left out of both counts. Only the member page reads this, so
-- the overview's and scorecard's kpi_money stays as light as it was.
-- params: grain, start_date, end_date, start_ts, end_ts
with
{{ include buckets }},
new_customers as (
    select d.bucket_start, ck.city_key, f.customer_id,
           cast(f.first_ordered_at as date) as first_day
    from customer_first_orders f
    join clinic_keys ck on ck.clinic_id = f.first_clinic_id
    join days d on d.date = cast(f.first_ordered_at as date)
    where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=f.first_clinic_id channel=f.acquisition_channel_id }}
),
orders_end as (
    -- A repurchase shows in the orders: a window is over once the orders run past its end.
    select cast(max(ordered_at) as date) as last_day from order_facts
),
second_days as (
    -- Each new customer's next purchase day. Only orders up to 365 days after the period can
    -- matter, so the scan is bounded by date (an index range on servers, zone maps on DuckDB).
    select n.customer_id, min(o.ordered_on) as second_day
    from new_customers n
    join order_facts o on o.customer_id = n.customer_id
    where o.ordered_at >= :start_ts
      and o.ordered_on <= cast(:end_date as date) + 365
      and o.ordered_on > n.first_day
    group by n.customer_id
),
repurchase_counts as (
    select
        n.bucket_start,
        n.city_key,
        count(*) filter (where n.first_day + 90 <= e.last_day) as mature_90,
        count(*) filter (
            where n.first_day + 90 <= e.last_day and s.second_day <= n.first_day + 90
        ) as repurchased_90,
        count(*) filter (where n.first_day + 180 <= e.last_day) as mature_180,
        count(*) filter (
            where n.first_day + 180 <= e.last_day and s.second_day <= n.first_day + 180
        ) as repurchased_180,
        count(*) filter (where n.first_day + 365 <= e.last_day) as mature_365,
        count(*) filter (
            where n.first_day + 365 <= e.last_day and s.second_day <= n.first_day + 365
        ) as repurchased_365
    from new_customers n
    cross join orders_end e
    left join second_days s on s.customer_id = n.customer_id
    group by n.bucket_start, n.city_key
)
select
    b.bucket_start,
    b.city_key as city_id,
    coalesce(rc.mature_90, 0) as mature_90,
    coalesce(rc.repurchased_90, 0) as repurchased_90,
    coalesce(rc.mature_180, 0) as mature_180,
    coalesce(rc.repurchased_180, 0) as repurchased_180,
    coalesce(rc.mature_365, 0) as mature_365,
    coalesce(rc.repurchased_365, 0) as repurchased_365
from buckets b
left join repurchase_counts rc on rc.bucket_start = b.bucket_start and rc.city_key = b.city_key
order by b.bucket_start, b.city_key
