-- referrers_network: one referrer (depth 0), the customers they referred (depth 1) and the customers those referred (depth 2), with each one's progress.
-- The referrer must pass the filters and the viewer's scope (home city, home clinic, own
-- acquisition channel), as in referrers_ranking; the people they brought are listed only when
-- they live in the selected cities and the viewer's scope (a region lead sees no one from
-- another city; the ranking's counts still include everyone they brought). Everything is as of the period end; at most max_nodes rows, the
-- earliest registered first within each depth.
-- params: referrer_id, end_ts, start_ts, max_nodes
with root as (
    select c.customer_id
    from customers c
    join clinics hk on hk.clinic_id = c.home_clinic_id
    where c.customer_id = :referrer_id
      and {{ filters city=c.home_city_id specialty=hk.specialty clinic=c.home_clinic_id channel=c.acquisition_channel_id }}
),
first_degree as (
    -- Self-referrals and cycles are rejected by the loader; the guards keep a bad load finite.
    select c.customer_id, c.referrer_id as parent_id, 1 as depth
    from customers c
    join root r on r.customer_id = c.referrer_id
    where c.created_at < :end_ts and c.customer_id <> c.referrer_id
      and {{ filters city=c.home_city_id }}
),
second_degree as (
    select c.customer_id, c.referrer_id as parent_id, 2 as depth
    from customers c
    join first_degree f on f.customer_id = c.referrer_id
    where c.created_at < :end_ts and c.customer_id <> c.referrer_id
      and c.customer_id not in (select customer_id from root)
      and {{ filters city=c.home_city_id }}
),
nodes as (
    select r.customer_id, cast(null as bigint) as parent_id, 0 as depth from root r
    union all
    select customer_id, parent_id, depth from first_degree
    union all
    select customer_id, parent_id, depth from second_degree
),
spend as (
    select
        o.customer_id,
        min(o.ordered_at) as first_paid_at,
        max(o.ordered_at) as last_order_at,
        coalesce(sum(o.amount) filter (where o.ordered_at >= :start_ts), 0) as revenue,
        sum(o.amount) as revenue_all
    from orders o
    join nodes n on n.customer_id = o.customer_id
    where o.ordered_at < :end_ts
    group by o.customer_id
)
select
    n.customer_id,
    coalesce(km.external_id, cast(n.customer_id as varchar)) as customer_no,
    n.parent_id,
    n.depth,
    c.name,
    c.phone,
    c.created_at,
    c.first_visit_on,
    s.first_paid_at,
    s.last_order_at,
    coalesce(s.revenue, 0) as revenue,
    coalesce(s.revenue_all, 0) as revenue_all,
    ci.name_zh as city_zh,
    ci.name_en as city_en,
    hk.name_zh as clinic_zh,
    hk.name_en as clinic_en
from nodes n
join customers c on c.customer_id = n.customer_id
join cities ci on ci.city_id = c.home_city_id
join clinics hk on hk.clinic_id = c.home_clinic_id
left join spend s on s.customer_id = n.customer_id
left join key_map km on km.table_name = 'customers' and km.internal_id = n.customer_id
order by n.depth, c.created_at, n.customer_id
limit :max_nodes
