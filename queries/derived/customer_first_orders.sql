-- customer_first_orders: per paying customer, the first paid order (ties at the same moment go
-- to the lowest order id, the rule every page uses), in order of first_ordered_at so DuckDB's
-- zone maps skip everything outside a period. Aggregate-then-join is cheaper than ranking
-- every order. The affected-customers clause: every customer, or (an incremental refresh) only
-- the affected ones (dashboard.warehouse.derived).
-- params:
insert into customer_first_orders
    (customer_id, first_order_id, first_ordered_at, first_clinic_id, acquisition_channel_id)
with firsts as (
    select o.customer_id, min(o.ordered_at) as first_at
    from orders o
    where {{ affected customers o.customer_id }}
    group by o.customer_id
),
ties as (
    select o.customer_id, min(o.order_id) as order_id
    from orders o
    join firsts f on f.customer_id = o.customer_id and f.first_at = o.ordered_at
    where {{ affected customers o.customer_id }}
    group by o.customer_id
)
select t.customer_id, t.order_id, o.ordered_at, o.clinic_id, c.acquisition_channel_id
from ties t
join orders o on o.order_id = t.order_id
join customers c on c.customer_id = t.customer_id
order by o.ordered_at, t.customer_id
