-- referrers_share: new customers per ISO week of the period and how many of them were referred by another customer.
-- A new customer's first paid order falls in the week; they belong to that order's clinic
-- and to their acquisition channel, exactly as new_customers in kpi_money (so the
-- weeks add up to the overview's figure). Referred = the customer has a referrer.
-- params: start_date, end_date, start_ts, end_ts
with weeks as (
    select distinct cal.week_start
    from calendar cal
    where cal.date >= :start_date and cal.date <= :end_date
),
new_customers as (
    -- The first paid order ever (customer_first_orders, rebuilt by the writer at every load;
    -- ties at the same moment go to the lowest order id) falls in the period.
    select f.customer_id, f.first_ordered_at as ordered_at, c.referrer_id
    from customer_first_orders f
    join clinics k on k.clinic_id = f.first_clinic_id
    join customers c on c.customer_id = f.customer_id
    where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=f.first_clinic_id channel=c.acquisition_channel_id }}
),
new_weeks as (
    select
        cal.week_start,
        count(*) as new_customers,
        count(n.referrer_id) as referred
    from new_customers n
    join calendar cal on cal.date = cast(n.ordered_at as date)
    group by cal.week_start
)
select
    w.week_start,
    coalesce(nw.new_customers, 0) as new_customers,
    coalesce(nw.referred, 0) as referred
from weeks w
left join new_weeks nw on nw.week_start = w.week_start
order by w.week_start
