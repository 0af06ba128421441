-- lead_daily: funnel events per day, clinic and channel, each counted on the day it happened
-- (as the KPIs count them): one pass per stage over the leads at load time instead of per
-- page view. Beside the events, the counts of the rates that follow one set of leads (so a
-- rate's numerator is a subset of its denominator and never exceeds 100%):
--   appointments / appointment_arrivals: visits due that day (appointment_at) by the data's
--     end ("data as of": a visit due later has not had its chance yet), and of those the
--     ones whose lead arrived (到诊率);
--   booked_arrivals / booked_with_appointment: of the leads booked that day, the ones that
--     arrived and the ones with an appointment time (the booking-cohort 到诊率, and whether
--     the appointment definition applies);
--   inquiries_booked: of the leads that inquired that day, the ones that booked (booking
--     completion).
-- The affected-days clauses: every day, or (an incremental refresh) only the affected days.
-- params:
insert into lead_daily (date, clinic_id, channel_id, leads, inquiries, bookings, arrivals,
                        paid_deals, appointments, appointment_arrivals, booked_arrivals,
                        booked_with_appointment, inquiries_booked)
with as_of as (
    select a.data_as_of as ts from (
        {{ include data_as_of }}
    ) a
),
events as (
    select cast(created_at as date) as date, clinic_id, channel_id, count(*) as leads,
           0 as inquiries, 0 as bookings, 0 as arrivals, 0 as paid_deals,
           0 as appointments, 0 as appointment_arrivals, 0 as booked_arrivals,
           0 as booked_with_appointment, 0 as inquiries_booked
    from leads
    where {{ affected days created_at }}
    group by cast(created_at as date), clinic_id, channel_id
    union all
    select cast(inquiry_at as date), clinic_id, channel_id, 0, count(*), 0, 0, 0, 0, 0, 0, 0,
           count(booked_at)
    from leads
    where inquiry_at is not null and {{ affected days inquiry_at }}
    group by cast(inquiry_at as date), clinic_id, channel_id
    union all
    select cast(booked_at as date), clinic_id, channel_id, 0, 0, count(*), 0, 0, 0, 0,
           count(arrived_at), count(appointment_at), 0
    from leads
    where booked_at is not null and {{ affected days booked_at }}
    group by cast(booked_at as date), clinic_id, channel_id
    union all
    select cast(arrived_at as date), clinic_id, channel_id, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0
    from leads
    where arrived_at is not null and {{ affected days arrived_at }}
    group by cast(arrived_at as date), clinic_id, channel_id
    union all
    select cast(paid_at as date), clinic_id, channel_id, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0
    from leads
    where paid_at is not null and {{ affected days paid_at }}
    group by cast(paid_at as date), clinic_id, channel_id
    union all
    select cast(appointment_at as date), clinic_id, channel_id, 0, 0, 0, 0, 0, count(*),
           count(arrived_at), 0, 0, 0
    from leads
    where appointment_at <= (select ts from as_of) and {{ affected days appointment_at }}
    group by cast(appointment_at as date), clinic_id, channel_id
)
select date, clinic_id, channel_id, sum(leads), sum(inquiries), sum(bookings), sum(arrivals),
       sum(paid_deals), sum(appointments), sum(appointment_arrivals), sum(booked_arrivals),
       sum(booked_with_appointment), sum(inquiries_booked)
from events
group by date, clinic_id, channel_id
order by date, clinic_id, channel_id
