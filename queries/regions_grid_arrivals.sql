-- regions_grid_arrivals: arrivals of the period counted on a grid of the customers' home locations.
-- A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
-- Arrivals of leads without a known customer have no home and are not on the grid.
with homes as (
    select
        cast(floor(c.home_lat / :step + 0.5) as integer) as cell_y,
        cast(floor(c.home_lon / :step + 0.5) as integer) as cell_x
    from leads l
    join clinics k on k.clinic_id = l.clinic_id
    join customers c on c.customer_id = l.customer_id
    where l.arrived_at >= :start_ts and l.arrived_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
)
select h.cell_y, h.cell_x, count(*) as value
from homes h
group by h.cell_y, h.cell_x
order by h.cell_y, h.cell_x
