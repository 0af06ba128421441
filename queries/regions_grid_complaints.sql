-- regions_grid_complaints: formal complaints of the period counted on a grid of the customers' homes.
-- Customers without home coordinates are placed at their home city's centre (at_city
-- counts them). A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
with homes as (
    select
        cast(floor(coalesce(c.home_lat, hc.lat) / :step + 0.5) as integer) as cell_y,
        cast(floor(coalesce(c.home_lon, hc.lon) / :step + 0.5) as integer) as cell_x,
        c.home_lat is null as at_city
    from feedback fb
    join clinics k on k.clinic_id = fb.clinic_id
    join customers c on c.customer_id = fb.customer_id
    join cities hc on hc.city_id = c.home_city_id
    where fb.submitted_at >= :start_ts and fb.submitted_at < :end_ts
      and fb.is_complaint
      and {{ filters city=k.city_id specialty=k.specialty clinic=fb.clinic_id channel=c.acquisition_channel_id }}
)
select
    h.cell_y,
    h.cell_x,
    count(*) as value,
    count(*) filter (where h.at_city) as at_city
from homes h
group by h.cell_y, h.cell_x
order by h.cell_y, h.cell_x
