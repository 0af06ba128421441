-- regions_grid_revenue: revenue of the period summed on a grid of the customers' home locations.
-- A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
with homes as (
    select
        cast(floor(c.home_lat / :step + 0.5) as integer) as cell_y,
        cast(floor(c.home_lon / :step + 0.5) as integer) as cell_x,
        o.amount
    from orders o
    join clinics k on k.clinic_id = o.clinic_id
    join customers c on c.customer_id = o.customer_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=c.acquisition_channel_id }}
)
select h.cell_y, h.cell_x, sum(h.amount) as value
from homes h
group by h.cell_y, h.cell_x
order by h.cell_y, h.cell_x
