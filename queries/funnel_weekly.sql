-- funnel_weekly: the cohort funnel by ISO week of lead creation (Monday start) over the period:
-- leads created, each stage reached within :window_days days (a skipped stage counts when a
-- later one is reached, as in funnel_stages), the leads still maturing (created after
-- :mature_after) and the week's impressions. Every week of the period has a row.
with weeks as (
    select cal.week_start, min(cal.date) as first_day, count(*) as days
    from calendar cal
    where cal.date >= :start_date and cal.date <= :end_date
    group by cal.week_start
),
cohort as (
    select
        cal.week_start,
        case when l.inquiry_at < l.created_at + interval '1 day' * :window_days then 1 else 0 end
            as inquired,
        case when l.booked_at < l.created_at + interval '1 day' * :window_days then 1 else 0 end
            as booked,
        case when l.arrived_at < l.created_at + interval '1 day' * :window_days then 1 else 0 end
            as arrived,
        case when l.paid_at < l.created_at + interval '1 day' * :window_days then 1 else 0 end
            as paid,
        case when l.created_at > :mature_after then 1 else 0 end as maturing
    from leads l
    join clinics k on k.clinic_id = l.clinic_id
    join calendar cal on cal.date = cast(l.created_at as date)
    where l.created_at >= :start_ts and l.created_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
),
lead_weeks as (
    select
        week_start,
        count(*) as leads,
        count(*) filter (where inquired + booked + arrived + paid > 0) as inquiries,
        count(*) filter (where booked + arrived + paid > 0) as bookings,
        count(*) filter (where arrived + paid > 0) as arrivals,
        count(*) filter (where paid > 0) as paid_deals,
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
