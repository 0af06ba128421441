-- health_lead_stages: over every lead, how many reached each funnel stage (that stage or a later
-- one, as the funnel counts them) and how many of those have no time of that stage; paid deals
-- without a deal amount; bookings without an appointment time (到诊率 falls back to the booking
-- cohort where a selection has too few).
-- unscoped: data health is for admins and analysts, who see every city.
-- params:
select
    count(*) as leads,
    count(*) filter (
        where inquiry_at is not null or booked_at is not null
           or arrived_at is not null or paid_at is not null
    ) as inquiry,
    count(*) filter (
        where inquiry_at is null
          and (booked_at is not null or arrived_at is not null or paid_at is not null)
    ) as inquiry_untimed,
    count(*) filter (
        where booked_at is not null or arrived_at is not null or paid_at is not null
    ) as booking,
    count(*) filter (
        where booked_at is null and (arrived_at is not null or paid_at is not null)
    ) as booking_untimed,
    count(*) filter (where arrived_at is not null or paid_at is not null) as arrival,
    count(*) filter (where arrived_at is null and paid_at is not null) as arrival_untimed,
    count(*) filter (where booked_at is not null) as booked,
    count(*) filter (where booked_at is not null and appointment_at is null) as booked_no_appointment,
    count(*) filter (where paid_at is not null) as paid,
    count(*) filter (where paid_at is not null and deal_amount is null) as paid_without_amount
from leads
