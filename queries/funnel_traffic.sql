-- funnel_traffic: traffic or retention per clinic over the period: doctors, opening date, first
-- visits (customers whose first visit falls in the period, counted at their home clinic), and
-- the period's revenue with the parts from repeat orders (a customer's non-first orders), from
-- referred customers (referrer_id set) and from either.
-- params: start_date, end_date, start_ts, end_ts
with first_visits as (
    select c.home_clinic_id as clinic_id, count(*) as first_visits
    from customers c
    join clinics k on k.clinic_id = c.home_clinic_id
    where c.first_visit_on >= :start_date and c.first_visit_on <= :end_date
      and {{ filters city=k.city_id specialty=k.specialty clinic=c.home_clinic_id channel=c.acquisition_channel_id }}
    group by c.home_clinic_id
),
period_orders as (
    select o.order_id, o.customer_id, o.clinic_id, o.amount, c.referrer_id
    from orders o
    join clinics k on k.clinic_id = o.clinic_id
    join customers c on c.customer_id = o.customer_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=c.acquisition_channel_id }}
),
first_orders as (
    -- Each customer's first order ever (customer_first_orders, rebuilt by the writer at every
    -- load; orders at the same moment go by order id, over all orders, not only the filtered
    -- ones), when it falls in the period; every other period order of theirs is a repeat.
    select f.first_order_id as order_id
    from customer_first_orders f
    where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
),
clinic_revenue as (
    select
        p.clinic_id,
        sum(p.amount) as revenue,
        coalesce(sum(case when fo.order_id is null then p.amount end), 0) as repeat_revenue,
        coalesce(sum(case when p.referrer_id is not null then p.amount end), 0)
            as referred_revenue,
        coalesce(sum(case when fo.order_id is null or p.referrer_id is not null then p.amount end), 0)
            as retained_revenue
    from period_orders p
    left join first_orders fo on fo.order_id = p.order_id
    group by p.clinic_id
)
select
    k.clinic_id,
    k.city_id,
    k.specialty,
    k.specialty_zh,
    k.specialty_en,
    k.doctors,
    k.opened_on,
    coalesce(fv.first_visits, 0) as first_visits,
    coalesce(cr.revenue, 0) as revenue,
    coalesce(cr.repeat_revenue, 0) as repeat_revenue,
    coalesce(cr.referred_revenue, 0) as referred_revenue,
    coalesce(cr.retained_revenue, 0) as retained_revenue
from clinics k
left join first_visits fv on fv.clinic_id = k.clinic_id
left join clinic_revenue cr on cr.clinic_id = k.clinic_id
where k.opened_on <= :end_date
  and {{ filters city=k.city_id specialty=k.specialty clinic=k.clinic_id }}
order by k.clinic_id
