-- kpi_funnel: funnel events, median days from lead to arrival and channel traffic per bucket.
-- The grain parameter picks the buckets: 'total' (the whole period), 'week' (ISO weeks), 'day' or
-- 'city'. bucket_start is the bucket's first day inside the period; city_id is 0 unless the grain
-- is 'city'. Each event counts in the bucket (day, city) it happened, at the lead's clinic and
-- channel. The overview, weekly review and scorecard all read these columns (one definition).
-- The rates' counts follow one set of leads each (lead_daily): appointments due in the bucket
-- and those of them that arrived (到诊率); the bucket's bookings that arrived and that carry an
-- appointment time (the booking cohort); the bucket's inquiries that booked (booking
-- completion). selection_bookings and selection_booked_with_appointment cover the whole
-- period and filters, the same on every row: which 到诊率 definition applies is decided once
-- per selection (dashboard.metrics.registry.arrival_basis).
-- params: grain, start_date, end_date, start_ts, end_ts
with
{{ include buckets }},
lead_events as (
    -- Event counts from lead_daily (rebuilt by the writer at every load: each event on the day
    -- it happened, per clinic and lead channel), so no lead row is read for them.
    select d.bucket_start, ck.city_key, sum(ld.leads) as leads, sum(ld.inquiries) as inquiries,
           sum(ld.bookings) as bookings, sum(ld.arrivals) as arrivals,
           sum(ld.paid_deals) as paid_deals, sum(ld.appointments) as appointments,
           sum(ld.appointment_arrivals) as appointment_arrivals,
           sum(ld.booked_arrivals) as booked_arrivals,
           sum(ld.booked_with_appointment) as booked_with_appointment,
           sum(ld.inquiries_booked) as inquiries_booked
    from lead_daily ld
    join clinic_keys ck on ck.clinic_id = ld.clinic_id
    join days d on d.date = ld.date
    where ld.date >= :start_date and ld.date <= :end_date
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=ld.clinic_id channel=ld.channel_id }}
    group by d.bucket_start, ck.city_key
),
arrival_times as (
    -- The median needs the arrivals themselves: only the period's arrived leads are read.
    select d.bucket_start, ck.city_key,
           percentile_cont(0.5) within group (
               order by cast(extract(epoch from (l.arrived_at - l.created_at)) as double precision)
           ) / 86400.0 as lead_to_arrival_days
    from leads l
    join clinic_keys ck on ck.clinic_id = l.clinic_id
    join days d on d.date = cast(l.arrived_at as date)
    where l.arrived_at >= :start_ts and l.arrived_at < :end_ts
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=l.clinic_id channel=l.channel_id }}
    group by d.bucket_start, ck.city_key
),
selection as (
    select sum(e.bookings) as bookings, sum(e.booked_with_appointment) as booked_with_appointment
    from lead_events e
),
lead_measures as (
    select e.bucket_start, e.city_key, e.leads, e.inquiries, e.bookings, e.arrivals,
           e.paid_deals, e.appointments, e.appointment_arrivals, e.booked_arrivals,
           e.booked_with_appointment, e.inquiries_booked, a.lead_to_arrival_days
    from lead_events e
    left join arrival_times a on a.bucket_start = e.bucket_start and a.city_key = e.city_key
),
traffic as (
    select d.bucket_start, ck.city_key, sum(cd.impressions) as impressions,
           sum(cd.clicks) as clicks, sum(cd.spend) as channel_spend
    from channel_daily cd
    join clinic_keys ck on ck.clinic_id = cd.clinic_id
    join days d on d.date = cd.date
    where cd.date >= :start_date and cd.date <= :end_date
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=cd.clinic_id channel=cd.channel_id }}
    group by d.bucket_start, ck.city_key
)
select
    b.bucket_start,
    b.city_key as city_id,
    coalesce(t.impressions, 0) as impressions,
    coalesce(t.clicks, 0) as clicks,
    coalesce(lm.leads, 0) as leads,
    coalesce(lm.inquiries, 0) as inquiries,
    coalesce(lm.bookings, 0) as bookings,
    coalesce(lm.arrivals, 0) as arrivals,
    coalesce(lm.paid_deals, 0) as paid_deals,
    coalesce(lm.appointments, 0) as appointments,
    coalesce(lm.appointment_arrivals, 0) as appointment_arrivals,
    coalesce(lm.booked_arrivals, 0) as booked_arrivals,
    coalesce(lm.booked_with_appointment, 0) as booked_with_appointment,
    coalesce(lm.inquiries_booked, 0) as inquiries_booked,
    coalesce(s.bookings, 0) as selection_bookings,
    coalesce(s.booked_with_appointment, 0) as selection_booked_with_appointment,
    lm.lead_to_arrival_days
from buckets b
cross join selection s
left join lead_measures lm on lm.bucket_start = b.bucket_start and lm.city_key = b.city_key
left join traffic t on t.bucket_start = b.bucket_start and t.city_key = b.city_key
order by b.bucket_start, b.city_key
