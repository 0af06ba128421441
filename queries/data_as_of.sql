-- data_as_of: the latest fact timestamp in the warehouse, shown as "data as of" on every page;
-- the default period and every "still maturing" flag anchor on it. Every fact counts (each
-- lead stage, orders, exposures, spend, feedback, training): a deal paid after the last new
-- lead moves it on. Spend and training days count as their day's start.
-- unscoped: returns one timestamp and no rows of any city.
with latest as (
    select max(created_at) as ts from leads
    union all
    select max(inquiry_at) from leads
    union all
    select max(booked_at) from leads
    union all
    select max(arrived_at) from leads
    union all
    select max(paid_at) from leads
    union all
    select max(ordered_at) from orders
    union all
    select max(exposed_at) from experiment_exposures
    union all
    select max(submitted_at) from feedback
    union all
    select cast(max(date) as timestamp) from channel_daily
    union all
    select cast(max(date) as timestamp) from staff_training
)
select max(ts) as data_as_of from latest
