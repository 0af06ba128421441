-- customer_by_ref: the customer a person names by their id as the source system writes it (0 or 1 row).
-- A key_map row first; else a plain whole number (:plain, -1 when the text is not one) is the
-- customer's own integer id, unless a text id holds that integer (see loading/keys.py).
-- unscoped: it only resolves an id; the network query that uses it applies the viewer's scope.
-- params: ref, plain
with mapped as (
    select k.internal_id as customer_id
    from key_map k
    where k.table_name = 'customers' and k.external_id = :ref
),
plain as (
    select c.customer_id
    from customers c
    where c.customer_id = :plain
      and not exists (
          select 1 from key_map k
          where k.table_name = 'customers' and k.internal_id = c.customer_id
      )
)
select customer_id from mapped
union all
select customer_id from plain
where not exists (select 1 from mapped)
