-- members_cohorts: first-purchase cohort retention followed to the data's end: per cohort month and months since the first purchase, the cohort's customers who purchased in that month.
-- A cohort is the customers whose first purchase (first paid order of all time) falls in a
-- calendar month from :first_cohort_day up to (not including) :after_cohort_day; months are
-- numbered year × 12 + month − 1. Filters and scope apply to the customer (city = home city,
-- clinic/specialty = home clinic, channel = acquisition channel), as on the rest of the
-- members page. Every later purchase of a cohort customer counts, up to the data's end (no
-- fact is later than "data as of"), not only those up to the period end.
-- Rows: first_month, months_since (0 = the first-purchase month itself, so its customers are
-- the cohort's size) and customers = distinct cohort customers with a purchase day in the
-- calendar month months_since after their first. The first purchase day is the row of
-- customer_purchase_days without a previous purchase day (gap_days is null).
-- params: first_cohort_day, after_cohort_day
with cohort as (
    select
        p.customer_id,
        cast(extract(year from p.date) as integer) * 12
            + cast(extract(month from p.date) as integer) - 1 as first_month
    from customer_purchase_days p
    join clinics hk on hk.clinic_id = p.home_clinic_id
    where p.gap_days is null
      and p.date >= :first_cohort_day and p.date < :after_cohort_day
      and {{ filters city=p.home_city_id specialty=hk.specialty clinic=p.home_clinic_id channel=p.acquisition_channel_id }}
),
purchase_months as (
    select distinct
        c.customer_id,
        c.first_month,
        cast(extract(year from p.date) as integer) * 12
            + cast(extract(month from p.date) as integer) - 1 - c.first_month as months_since
    from cohort c
    join customer_purchase_days p on p.customer_id = c.customer_id
)
select first_month, months_since, count(*) as customers
from purchase_months
group by first_month, months_since
order by first_month, months_since
