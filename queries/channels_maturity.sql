-- channels_maturity: per acquisition channel, the period's new customers (first paid order ever
-- in the period, attributed to the clinic of that order and the acquisition channel, as in
-- channels_weekly) and how many of them have had each revenue horizon (30 / 90 / 180 / 365 days
-- after the first order) in full by :data_end_ts. The page opens on the longest horizon most of
-- them have had (dashboard.metrics.maturity).
-- params: data_end_ts, start_ts, end_ts
select
    f.acquisition_channel_id as channel_id,
    count(*) as new_customers,
    count(*) filter (
        where f.first_ordered_at + interval '1 day' * 30 <= :data_end_ts
    ) as mature_30,
    count(*) filter (
        where f.first_ordered_at + interval '1 day' * 90 <= :data_end_ts
    ) as mature_90,
    count(*) filter (
        where f.first_ordered_at + interval '1 day' * 180 <= :data_end_ts
    ) as mature_180,
    count(*) filter (
        where f.first_ordered_at + interval '1 day' * 365 <= :data_end_ts
    ) as mature_365
from customer_first_orders f
join clinics k on k.clinic_id = f.first_clinic_id
where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
  and {{ filters city=k.city_id specialty=k.specialty clinic=f.first_clinic_id channel=f.acquisition_channel_id }}
group by f.acquisition_channel_id
order by f.acquisition_channel_id
