-- funnel_weekly: the cohort funnel by ISO week of lead creation (Monday start) over the period:
-- leads created, each stage reached within :window_days days (null: no limit; a skipped stage
-- counts when a later one is reached, as in funnel_stages), the leads still maturing (created
-- after :mature_after; null: none) and the week's impressions. Every week of the period has a row.
-- params: start_date, end_date, window_days, start_ts, end_ts, mature_after
with weeks as (
    select cal.week_start, min(cal.date) as first_day, count(*) as days
    from calendar cal
    where cal.date >= :start_date and cal.date <= :end_date
    group by cal.week_start
),
period_leads as (
    select
        cal.week_start,
        l.created_at,
        {{ include funnel_leads }}
    join calendar cal on cal.date = cast(l.created_at as date)
    where l.created_at >= :start_ts and l.created_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
),
cohort as (
    select
        week_start,
        {{ include funnel_window }},
        case when created_at > :mature_after then 1 else 0 end as maturing
    from period_leads
),
lead_weeks as (
    select
        week_start,
        count(*) as leads,
        {{ include funnel_counts }},
        sum(maturing) as maturing_leads
    from cohort
    group by week_start
),
traffic_weeks as (
    select cal.week_start, sum(cd.impressions) as impressions
    from channel_daily cd
    join clinics k on k.clinic_id = cd.clinic_id
    join calendar cal on cal.date = cd.date
    where cd.date >= :start_date and cd.date <= :end_date
      and {{ filters city=k.city_id specialty=k.specialty clinic=cd.clinic_id channel=cd.channel_id }}
    group by cal.week_start
)
select
    w.week_start,
    w.first_day,
    w.days,
    coalesce(t.impressions, 0) as impressions,
    coalesce(lw.leads, 0) as leads,
    coalesce(lw.inquiries, 0) as inquiries,
    coalesce(lw.bookings, 0) as bookings,
    coalesce(lw.arrivals, 0) as arrivals,
    coalesce(lw.paid_deals, 0) as paid_deals,
    coalesce(lw.maturing_leads, 0) as maturing_leads
from weeks w
left join lead_weeks lw on lw.week_start = w.week_start
left join traffic_weeks t on t.week_start = w.week_start
order by w.week_start
