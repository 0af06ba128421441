-- kpi_quality: members, first visits, feedback, training hours and headcounts per bucket.
-- Buckets as in kpi_funnel (queries/_parts/buckets.sql: grain 'total', 'week', 'day' or
-- 'city'). Members and first visits belong to the customer's home clinic and acquisition
-- channel; feedback to the clinic it is about. Headcounts are stocks: doctor_days and
-- staff_days sum the doctors and staff of the clinics open on each day of the bucket, so
-- ÷ days gives the average headcount. months counts calendar months, each day weighing
-- 1 ÷ the length of its month (a whole month = 1).
-- Training hours and headcounts have no channel: a channel filter does not narrow them.
-- params: grain, start_date, end_date, start_ts, end_ts
with
{{ include buckets }},
bucket_days as (
    select bucket_start, count(*) as days, sum(month_share) as months
    from days
    group by bucket_start
),
customer_events as (
    select d.bucket_start, ck.city_key, count(*) as new_members, 0 as first_visits
    from customers c
    join clinic_keys ck on ck.clinic_id = c.home_clinic_id
    join days d on d.date = c.member_since
    where c.member_since >= :start_date and c.member_since <= :end_date
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=c.home_clinic_id channel=c.acquisition_channel_id }}
    group by d.bucket_start, ck.city_key
    union all
    select d.bucket_start, ck.city_key, 0, count(*)
    from customers c
    join clinic_keys ck on ck.clinic_id = c.home_clinic_id
    join days d on d.date = c.first_visit_on
    where c.first_visit_on >= :start_date and c.first_visit_on <= :end_date
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=c.home_clinic_id channel=c.acquisition_channel_id }}
    group by d.bucket_start, ck.city_key
),
customer_measures as (
    select bucket_start, city_key, sum(new_members) as new_members,
           sum(first_visits) as first_visits
    from customer_events
    group by bucket_start, city_key
),
feedback_measures as (
    select
        d.bucket_start,
        ck.city_key,
        count(*) as responses,
        sum(f.score) as score_sum,
        count(*) filter (where f.score = 5) as top_scores,
        count(*) filter (where f.is_complaint) as complaints
    from feedback f
    join clinic_keys ck on ck.clinic_id = f.clinic_id
    join customers c on c.customer_id = f.customer_id
    join days d on d.date = cast(f.submitted_at as date)
    where f.submitted_at >= :start_ts and f.submitted_at < :end_ts
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=f.clinic_id channel=c.acquisition_channel_id }}
    group by d.bucket_start, ck.city_key
),
training as (
    select d.bucket_start, ck.city_key, sum(st.hours) as training_hours
    from staff_training st
    join clinic_keys ck on ck.clinic_id = st.clinic_id
    join days d on d.date = st.date
    where st.date >= :start_date and st.date <= :end_date
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=st.clinic_id }}
    group by d.bucket_start, ck.city_key
),
headcount as (
    -- A clinic without a doctor count (null) leaves doctor_days unknown (0 below, so first
    -- visits per doctor is not computed) rather than shared among other clinics' doctors.
    select
        d.bucket_start,
        ck.city_key,
        case when count(ck.doctors) = count(*) then sum(ck.doctors) end as doctor_days,
        sum(ck.staff) as staff_days
    from clinic_keys ck
    join days d on d.date >= ck.opened_on
    where {{ filters city=ck.city_id specialty=ck.specialty clinic=ck.clinic_id }}
    group by d.bucket_start, ck.city_key
)
select
    b.bucket_start,
    b.city_key as city_id,
    bd.days,
    bd.months,
    coalesce(cm.new_members, 0) as new_members,
    coalesce(cm.first_visits, 0) as first_visits,
    coalesce(fm.responses, 0) as responses,
    coalesce(fm.score_sum, 0) as score_sum,
    coalesce(fm.top_scores, 0) as top_scores,
    coalesce(fm.complaints, 0) as complaints,
    coalesce(tr.training_hours, 0) as training_hours,
    coalesce(h.doctor_days, 0) as doctor_days,
    coalesce(h.staff_days, 0) as staff_days
from buckets b
join bucket_days bd on bd.bucket_start = b.bucket_start
left join customer_measures cm on cm.bucket_start = b.bucket_start and cm.city_key = b.city_key
left join feedback_measures fm on fm.bucket_start = b.bucket_start and fm.city_key = b.city_key
left join training tr on tr.bucket_start = b.bucket_start and tr.city_key = b.city_key
left join headcount h on h.bucket_start = b.bucket_start and h.city_key = b.city_key
order by b.bucket_start, b.city_key
