-- funnel_counts: the cohort funnel's stage counts (select list over funnel_window's columns):
-- per stage the leads that reached it or any later stage (a lead that books without a
-- recorded inquiry has passed the inquiry stage too).
count(*) filter (
    where inquiry_at is not null or booked_at is not null
       or arrived_at is not null or paid_at is not null
) as inquiries,
count(*) filter (
    where booked_at is not null or arrived_at is not null or paid_at is not null
) as bookings,
count(*) filter (where arrived_at is not null or paid_at is not null) as arrivals,
count(*) filter (where paid_at is not null) as paid_deals
