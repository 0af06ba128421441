-- budget_actual: actual spend by month, city and category over the period.
-- Marketing = channel spend + referral rewards (the referral channel's cost); service, operations
-- and reserve come from expenses. Budgets are planned per city, so only the city filter applies.
-- params: start_date, end_date
with spend_days as (
    {{ include spend }}
),
parts as (
    select cal.month_start, k.city_id, 'marketing' as category,
           sum(s.channel_spend + s.referral_spend) as amount
    from spend_days s
    join clinics k on k.clinic_id = s.clinic_id
    join calendar cal on cal.date = s.date
    where {{ filters city=k.city_id }}
    group by cal.month_start, k.city_id
    union all
    select cal.month_start, k.city_id, e.category, sum(e.amount) as amount
    from expenses e
    join clinics k on k.clinic_id = e.clinic_id
    join calendar cal on cal.date = e.date
    where e.date >= :start_date and e.date <= :end_date
      and {{ filters city=k.city_id }}
    group by cal.month_start, k.city_id, e.category
)
select month_start, city_id, category, sum(amount) as amount
from parts
group by month_start, city_id, category
order by month_start, city_id, category
