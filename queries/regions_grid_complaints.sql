-- regions_grid_complaints: formal complaints of the period counted on a grid of the customers' homes.
-- Customers without home coordinates are placed at their home city's centre (at_city
-- counts them). A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
-- params: step, start_ts, end_ts
with homes as (
    select
        {{ include grid_cell }},
        1 as value
    from feedback fb
    join clinics k on k.clinic_id = fb.clinic_id
    join customers c on c.customer_id = fb.customer_id
    join cities hc on hc.city_id = c.home_city_id
    where fb.submitted_at >= :start_ts and fb.submitted_at < :end_ts
      and fb.is_complaint
      and {{ filters city=k.city_id specialty=k.specialty clinic=fb.clinic_id channel=c.acquisition_channel_id }}
)
{{ include grid_totals }}
