-- experiments_variants: per variant of each experiment overlapping the period, units, conversions, sum(value), sum(value^2) and guardrail events from its start to the period's end (exposures in the filtered clinics).
-- Every planned variant is returned, with zeros when it has no exposures, so the sample-ratio check sees it.
-- params: end_date, start_date, end_ts
with overlapping as (
    select e.experiment_id
    from experiments e
    where e.started_on <= :end_date
      and (e.ended_on is null or e.ended_on >= :start_date)
),
exposure_totals as (
    select
        x.experiment_id,
        x.variant_code,
        count(*) as units,
        count(*) filter (where x.converted) as conversions,
        sum(cast(x.value as double precision)) as value_sum,
        sum(cast(x.value as double precision) * cast(x.value as double precision)) as value_sq_sum,
        count(x.guardrail_event) as guardrail_units,
        count(*) filter (where x.guardrail_event) as guardrail_events,
        count(x.value) as valued_units,
        count(*) filter (where x.clinic_id is null) as no_clinic_units
    from experiment_exposures x
    join overlapping o on o.experiment_id = x.experiment_id
    -- An exposure without a clinic joins no clinic: any city, specialty or clinic filter and a
    -- city-restricted scope (k.city_id in ...) leave it out, so only whole-chain views see it.
    left join clinics k on k.clinic_id = x.clinic_id
    where x.exposed_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=x.clinic_id }}
    group by x.experiment_id, x.variant_code
)
select
    v.experiment_id,
    v.variant_code,
    v.name_zh,
    v.name_en,
    v.is_control,
    v.planned_share,
    coalesce(t.units, 0) as units,
    coalesce(t.conversions, 0) as conversions,
    coalesce(t.value_sum, 0) as value_sum,
    coalesce(t.value_sq_sum, 0) as value_sq_sum,
    coalesce(t.guardrail_units, 0) as guardrail_units,
    coalesce(t.guardrail_events, 0) as guardrail_events,
    coalesce(t.valued_units, 0) as valued_units,
    coalesce(t.no_clinic_units, 0) as no_clinic_units
from experiment_variants v
join overlapping o on o.experiment_id = v.experiment_id
left join exposure_totals t
    on t.experiment_id = v.experiment_id and t.variant_code = v.variant_code
order by v.experiment_id, v.is_control desc, v.variant_code
