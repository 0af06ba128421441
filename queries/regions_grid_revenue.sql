-- regions_grid_revenue: revenue of the period summed on a grid of the customers' home locations.
-- Customers without home coordinates are placed at their home city's centre (at_city
-- counts them). A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
-- params: step, start_ts, end_ts
with homes as (
    select
        {{ include grid_cell }},
        o.amount as value
    from orders o
    join clinics k on k.clinic_id = o.clinic_id
    join customers c on c.customer_id = o.customer_id
    join cities hc on hc.city_id = c.home_city_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=c.acquisition_channel_id }}
)
{{ include grid_totals }}
