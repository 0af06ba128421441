-- regions_grid_arrivals: arrivals of the period counted on a grid of the customers' home locations.
-- Customers without home coordinates are placed at their home city's centre (at_city
-- counts them). A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
-- Arrivals of leads without a known customer have no home and are not on the grid.
-- params: step, start_ts, end_ts
with homes as (
    select
        {{ include grid_cell }},
        1 as value
    from leads l
    join clinics k on k.clinic_id = l.clinic_id
    join customers c on c.customer_id = l.customer_id
    join cities hc on hc.city_id = c.home_city_id
    where l.arrived_at >= :start_ts and l.arrived_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
)
{{ include grid_totals }}
