-- funnel_window: a lead's stage times that fall within its conversion window (select list over
-- rows with inquiry_at, booked_at, arrived_at, paid_at and window_end; window_end null is no
-- limit): a time after the window's end reads as null, as if the stage was not reached.
case when window_end is null or inquiry_at < window_end then inquiry_at end as inquiry_at,
case when window_end is null or booked_at < window_end then booked_at end as booked_at,
case when window_end is null or arrived_at < window_end then arrived_at end as arrived_at,
case when window_end is null or paid_at < window_end then paid_at end as paid_at
