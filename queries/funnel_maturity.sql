-- funnel_maturity: the cohort of leads created in the period (as in funnel_stages) and how many
-- of them have had each numbered conversion window (7 / 14 / 30 / 60 / 90 / 180 / 365 days) in
-- full: created at least n days before :data_end, the data's latest fact (funnel_stages calls
-- the others maturing). The page opens on the longest window most of them have had
-- (dashboard.metrics.maturity).
-- params: data_end, start_ts, end_ts
select
    count(*) as leads,
    count(*) filter (where l.created_at + interval '1 day' * 7 <= :data_end) as mature_7,
    count(*) filter (where l.created_at + interval '1 day' * 14 <= :data_end) as mature_14,
    count(*) filter (where l.created_at + interval '1 day' * 30 <= :data_end) as mature_30,
    count(*) filter (where l.created_at + interval '1 day' * 60 <= :data_end) as mature_60,
    count(*) filter (where l.created_at + interval '1 day' * 90 <= :data_end) as mature_90,
    count(*) filter (where l.created_at + interval '1 day' * 180 <= :data_end) as mature_180,
    count(*) filter (where l.created_at + interval '1 day' * 365 <= :data_end) as mature_365
from leads l
join clinics k on k.clinic_id = l.clinic_id
where l.created_at >= :start_ts and l.created_at < :end_ts
  and {{ filters city=k.city_id specialty=k.specialty clinic=l.clinic_id channel=l.channel_id }}
