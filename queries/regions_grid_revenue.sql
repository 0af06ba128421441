-- regions_grid_revenue: revenue of the period summed on a grid of the customers' home locations.
-- Customers without home coordinates are placed at their home city's centre (at_city
-- counts them). A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
with homes as (
    select
        cast(floor(coalesce(c.home_lat, hc.lat) / :step + 0.5) as integer) as cell_y,
        cast(floor(coalesce(c.home_lon, hc.lon) / :step + 0.5) as integer) as cell_x,
        c.home_lat is null as at_city,
        o.amount
    from orders o
    join clinics k on k.clinic_id = o.clinic_id
    join customers c on c.customer_id = o.customer_id
    join cities hc on hc.city_id = c.home_city_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=c.acquisition_channel_id }}
)
select
    h.cell_y,
    h.cell_x,
    sum(h.amount) as value,
    coalesce(sum(case when h.at_city then h.amount end), 0) as at_city
from homes h
group by h.cell_y, h.cell_x
order by h.cell_y, h.cell_x
