-- export_leads: one row per lead captured in the period, with its funnel timestamps (detail export, streamed).
-- The one query that returns fact rows: it is read in chunks by dashboard/export/detail.py and
-- written straight into the workbook, never into a frame. :lang picks the names' language;
-- the customer's name and phone are masked in Python unless the viewer may see them.
-- params: start_ts, end_ts, row_limit, lang
with picked as (
    select
        l.lead_id,
        l.created_at,
        l.clinic_id,
        l.channel_id,
        l.customer_id,
        l.is_returning,
        l.inquiry_at,
        l.booked_at,
        l.arrived_at,
        l.paid_at,
        l.deal_amount
    from leads l
    join clinics k on k.clinic_id = l.clinic_id
    where l.created_at >= :start_ts and l.created_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
    order by l.created_at, l.lead_id
    limit :row_limit
)
select
    -- Ids as the source system writes them (key_map), else the number.
    coalesce(kl.external_id, cast(p.lead_id as varchar)) as lead_id,
    p.created_at,
    case when :lang = 'en' then ci.name_en else ci.name_zh end as city,
    case when :lang = 'en' then k.name_en else k.name_zh end as clinic,
    k.specialty,
    case when :lang = 'en' then ch.name_en else ch.name_zh end as channel,
    p.is_returning,
    p.inquiry_at,
    p.booked_at,
    p.arrived_at,
    p.paid_at,
    p.deal_amount,
    case
        when p.customer_id is not null
        then coalesce(kc.external_id, cast(p.customer_id as varchar))
    end as customer_id,
    c.name as customer_name,
    c.phone as customer_phone
from picked p
join clinics k on k.clinic_id = p.clinic_id
join cities ci on ci.city_id = k.city_id
join channels ch on ch.channel_id = p.channel_id
left join customers c on c.customer_id = p.customer_id
left join key_map kl on kl.table_name = 'leads' and kl.internal_id = p.lead_id
left join key_map kc on kc.table_name = 'customers' and kc.internal_id = p.customer_id
order by p.created_at, p.lead_id
