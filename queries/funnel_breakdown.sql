-- funnel_breakdown: the cohort funnel per member of one dimension (:dimension = channel, city,
-- clinic or specialty): key_id (channel, city or clinic id) or key_code (specialty), the leads
-- created in the period, each stage reached within :window_days days (null: no limit; a skipped
-- stage counts when a later one is reached, as in funnel_stages) and the period's impressions.
-- params: dimension, window_days, start_ts, end_ts, start_date, end_date
with period_leads as (
    select
        case cast(:dimension as varchar(12))
            when 'channel' then l.channel_id
            when 'city' then k.city_id
            when 'clinic' then l.clinic_id
        end as key_id,
        case when cast(:dimension as varchar(12)) = 'specialty' then k.specialty end as key_code,
        {{ include funnel_leads }}
    where l.created_at >= :start_ts and l.created_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
),
cohort as (
    select
        key_id,
        key_code,
        {{ include funnel_window }}
    from period_leads
),
lead_keys as (
    select
        key_id,
        key_code,
        count(*) as leads,
        {{ include funnel_counts }},
        0 as impressions
    from cohort
    group by key_id, key_code
),
traffic_keys as (
    select
        case cast(:dimension as varchar(12))
            when 'channel' then cd.channel_id
            when 'city' then k.city_id
            when 'clinic' then cd.clinic_id
        end as key_id,
        case when cast(:dimension as varchar(12)) = 'specialty' then k.specialty end as key_code,
        0 as leads,
        0 as inquiries,
        0 as bookings,
        0 as arrivals,
        0 as paid_deals,
        sum(cd.impressions) as impressions
    from channel_daily cd
    join clinics k on k.clinic_id = cd.clinic_id
    where cd.date >= :start_date and cd.date <= :end_date
      and {{ filters city=k.city_id specialty=k.specialty clinic=cd.clinic_id channel=cd.channel_id }}
    group by 1, 2
),
combined as (
    select * from lead_keys
    union all
    select * from traffic_keys
)
select
    key_id,
    key_code,
    sum(leads) as leads,
    sum(inquiries) as inquiries,
    sum(bookings) as bookings,
    sum(arrivals) as arrivals,
    sum(paid_deals) as paid_deals,
    sum(impressions) as impressions
from combined
group by key_id, key_code
order by sum(leads) desc, key_id, key_code
