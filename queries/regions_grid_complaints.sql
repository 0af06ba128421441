-- regions_grid_complaints: formal complaints of the period counted on a grid of the customers' homes.
-- A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
with homes as (
    select
        cast(floor(c.home_lat / :step + 0.5) as integer) as cell_y,
        cast(floor(c.home_lon / :step + 0.5) as integer) as cell_x
    from feedback fb
    join clinics k on k.clinic_id = fb.clinic_id
    join customers c on c.customer_id = fb.customer_id
    where fb.submitted_at >= :start_ts and fb.submitted_at < :end_ts
      and fb.is_complaint
      and {{ filters city=k.city_id specialty=k.specialty clinic=fb.clinic_id channel=c.acquisition_channel_id }}
)
select h.cell_y, h.cell_x, count(*) as value
from homes h
group by h.cell_y, h.cell_x
order by h.cell_y, h.cell_x
