-- customer_order_totals: per paying customer, lifetime order count and revenue, first and last
-- order. A page that needs totals up to a period end subtracts the orders after it (few, for
-- recent periods) instead of summing every order of all time.
-- params:
insert into customer_order_totals (customer_id, first_ordered_at, last_ordered_at, orders, revenue)
select o.customer_id, min(o.ordered_at), max(o.ordered_at), count(*), sum(o.amount)
from orders o
where {{ affected customers o.customer_id }}
group by o.customer_id
order by o.customer_id
