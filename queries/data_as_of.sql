-- data_as_of: the latest fact timestamp in the warehouse, shown as "data as of" on every page.
-- unscoped: returns one timestamp and no rows of any city.
with latest as (
    select max(created_at) as ts from leads
    union all
    select max(ordered_at) from orders
)
select max(ts) as data_as_of from latest
