-- regions_grid_customers: paying customers of the period counted on a grid of their home locations.
-- A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5), so the
-- cell's centre is (cell_y * :step, cell_x * :step). Only aggregates leave the warehouse.
with paying as (
    -- order_facts (rebuilt by the writer at every load) carries the acquisition channel.
    select distinct o.customer_id
    from order_facts o
    join clinics k on k.clinic_id = o.clinic_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=o.acquisition_channel_id }}
),
homes as (
    select
        cast(floor(c.home_lat / :step + 0.5) as integer) as cell_y,
        cast(floor(c.home_lon / :step + 0.5) as integer) as cell_x
    from paying p
    join customers c on c.customer_id = p.customer_id
)
select h.cell_y, h.cell_x, count(*) as value
from homes h
group by h.cell_y, h.cell_x
order by h.cell_y, h.cell_x
