-- data_as_of: the latest fact timestamp in the warehouse (one row, column data_as_of), every
-- fact counted: each lead stage, orders, exposures, spend, feedback, training; spend and
-- training days count as their day's start. The query data_as_of and the derived lead_daily
-- (visits due by the data's end) both read it.
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
