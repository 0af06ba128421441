-- regions_grid_customers: paying customers of the period counted on a grid of their home locations.
-- Customers without home coordinates are placed at their home city's centre (at_city
-- counts them). A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step
-- + 0.5), so the cell's centre is (cell_y * :step, cell_x * :step). Only aggregates leave
-- the warehouse.
-- params: start_ts, end_ts, step
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
        {{ include grid_cell }},
        1 as value
    from paying p
    join customers c on c.customer_id = p.customer_id
    join cities hc on hc.city_id = c.home_city_id
)
{{ include grid_totals }}
