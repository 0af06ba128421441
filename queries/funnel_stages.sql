-- funnel_stages: one row for the cohort of leads created in the period: its size, each stage
-- reached within the conversion window, the leads still maturing, the period's impressions, the
-- median and 75th percentile of the hours from the previous stage, and per skippable stage the
-- leads counted at it without a time of their own.
-- A stage counts a lead that reached it, or any later stage, within :window_days days of its
-- creation (a lead that books without a recorded inquiry has passed the inquiry stage too);
-- :window_days null is no limit: every stage reached by the data's end counts.
-- A stage time counts only the leads with both timestamps inside the window; the inquiry's
-- previous stage is the lead's capture. A lead created after :mature_after is still maturing
-- (:mature_after null: none is). first_created / last_created bound the cohort's ages.
-- params: window_days, start_ts, end_ts, mature_after, start_date, end_date
with cohort as (
    select
        l.created_at,
        {{ include funnel_leads }}
    where l.created_at >= :start_ts and l.created_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
),
in_window as (
    select
        created_at,
        case when created_at > :mature_after then 1 else 0 end as maturing,
        {{ include funnel_window }}
    from cohort
),
durations as (
    select
        w.*,
        cast(extract(epoch from (inquiry_at - created_at)) as double precision) / 3600.0
            as inquiry_hours,
        cast(extract(epoch from (booked_at - inquiry_at)) as double precision) / 3600.0
            as booking_hours,
        cast(extract(epoch from (arrived_at - booked_at)) as double precision) / 3600.0
            as arrival_hours,
        cast(extract(epoch from (paid_at - arrived_at)) as double precision) / 3600.0
            as paid_hours
    from in_window w
),
stages as (
    select
        count(*) as leads,
        coalesce(sum(maturing), 0) as maturing_leads,
        min(created_at) as first_created,
        max(created_at) as last_created,
        {{ include funnel_counts }},
        count(*) filter (
            where inquiry_at is null
              and (booked_at is not null or arrived_at is not null or paid_at is not null)
        ) as inquiries_untimed,
        count(*) filter (
            where booked_at is null and (arrived_at is not null or paid_at is not null)
        ) as bookings_untimed,
        count(*) filter (where arrived_at is null and paid_at is not null) as arrivals_untimed,
        percentile_cont(0.5) within group (order by inquiry_hours) as inquiries_median_hours,
        percentile_cont(0.75) within group (order by inquiry_hours) as inquiries_p75_hours,
        percentile_cont(0.5) within group (order by booking_hours) as bookings_median_hours,
        percentile_cont(0.75) within group (order by booking_hours) as bookings_p75_hours,
        percentile_cont(0.5) within group (order by arrival_hours) as arrivals_median_hours,
        percentile_cont(0.75) within group (order by arrival_hours) as arrivals_p75_hours,
        percentile_cont(0.5) within group (order by paid_hours) as paid_deals_median_hours,
        percentile_cont(0.75) within group (order by paid_hours) as paid_deals_p75_hours
    from durations
),
traffic as (
    select coalesce(sum(cd.impressions), 0) as impressions
    from channel_daily cd
    join clinics k on k.clinic_id = cd.clinic_id
    where cd.date >= :start_date and cd.date <= :end_date
      and {{ filters city=k.city_id specialty=k.specialty clinic=cd.clinic_id channel=cd.channel_id }}
)
select t.impressions, s.*
from stages s
cross join traffic t
