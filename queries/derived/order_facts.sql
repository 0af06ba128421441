-- order_facts: every paid order with what period measures need about its customer: the
-- acquisition channel (the channel filter of order measures) and the first paid order's time
-- (new or returning). Built after customer_first_orders, from it; in order of ordered_at, so
-- DuckDB's zone maps and PostgreSQL's covering index read a period's orders without a lookup
-- per order.
-- params:
insert into order_facts
    (order_id, ordered_at, ordered_on, customer_id, clinic_id, amount, acquisition_channel_id,
     first_ordered_at)
select o.order_id, o.ordered_at, cast(o.ordered_at as date), o.customer_id, o.clinic_id, o.amount,
       f.acquisition_channel_id, f.first_ordered_at
from orders o
join customer_first_orders f on f.customer_id = o.customer_id
where {{ affected customers o.customer_id }}
order by o.ordered_at, o.order_id
