-- regions_grid_new_customers: new customers of the period counted on a grid of their home locations.
-- New customer: first paid order ever falls in the period (ties broken by order id, as on the
-- overview), filtered by that order's clinic and the customer's acquisition channel.
-- Customers without home coordinates are placed at their home city's centre (at_city
-- counts them). A cell is :step degrees square; (cell_y, cell_x) = floor(coordinate / :step + 0.5).
-- params: step, start_ts, end_ts
with homes as (
    -- The first paid order ever (customer_first_orders, rebuilt by the writer at every load;
    -- ties by order id) falls in the period.
    select
        {{ include grid_cell }},
        1 as value
    from customer_first_orders f
    join clinics k on k.clinic_id = f.first_clinic_id
    join customers c on c.customer_id = f.customer_id
    join cities hc on hc.city_id = c.home_city_id
    where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=f.first_clinic_id channel=c.acquisition_channel_id }}
)
{{ include grid_totals }}
