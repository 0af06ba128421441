-- export_orders: one row per paid order of the period, with city, clinic, channel and customer (detail export, streamed).
-- The one query that returns fact rows: it is read in chunks by dashboard/export/detail.py and
-- written straight into the workbook, never into a frame. :lang picks the names' language;
-- the customer's name and phone are masked in Python unless the viewer may see them.
-- params: start_ts, end_ts, row_limit, lang
with picked as (
    select
        o.order_id,
        o.ordered_at,
        o.clinic_id,
        o.customer_id,
        o.lead_id,
        o.service,
        o.category,
        o.amount
    from orders o
    join clinics k on k.clinic_id = o.clinic_id
    join customers c on c.customer_id = o.customer_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=c.acquisition_channel_id }}
    order by o.ordered_at, o.order_id
    limit :row_limit
)
select
    -- Ids as the source system writes them (key_map), else the number.
    coalesce(ko.external_id, cast(p.order_id as varchar)) as order_id,
    p.ordered_at,
    case when :lang = 'en' then ci.name_en else ci.name_zh end as city,
    case when :lang = 'en' then k.name_en else k.name_zh end as clinic,
    k.specialty,
    p.service,
    p.category,
    p.amount,
    coalesce(kc.external_id, cast(p.customer_id as varchar)) as customer_id,
    c.name as customer_name,
    c.phone as customer_phone,
    case when :lang = 'en' then ch.name_en else ch.name_zh end as channel,
    case
        when p.lead_id is not null then coalesce(kl.external_id, cast(p.lead_id as varchar))
    end as lead_id
from picked p
join clinics k on k.clinic_id = p.clinic_id
join cities ci on ci.city_id = k.city_id
join customers c on c.customer_id = p.customer_id
join channels ch on ch.channel_id = c.acquisition_channel_id
left join key_map ko on ko.table_name = 'orders' and ko.internal_id = p.order_id
left join key_map kc on kc.table_name = 'customers' and kc.internal_id = p.customer_id
left join key_map kl on kl.table_name = 'leads' and kl.internal_id = p.lead_id
order by p.ordered_at, p.order_id
