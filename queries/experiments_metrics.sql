-- experiments_metrics: per further metric (experiment_metrics) of each experiment overlapping the period and per variant, the units measured on it (exposed units with an outcome), the sum of their outcomes and of their squares, from the experiment's start to the period's end (exposures in the filtered clinics).
-- Every metric gets a row for every planned variant, with zeros when none of its units has an outcome; an exposed unit without an outcome row is not (yet) measured on that metric.
-- params: end_date, start_date, end_ts
with overlapping as (
    select e.experiment_id
    from experiments e
    where e.started_on <= :end_date
      and (e.ended_on is null or e.ended_on >= :start_date)
),
measured as (
    select
        x.experiment_id,
        x.variant_code,
        y.metric_code,
        count(*) as units,
        sum(y.value) as value_sum,
        sum(y.value * y.value) as value_sq_sum
    from experiment_exposures x
    join overlapping o on o.experiment_id = x.experiment_id
    join experiment_outcomes y
        on y.experiment_id = x.experiment_id
        and y.unit_id = x.unit_id
    -- As on the main metric: an exposure without a clinic is seen only by whole-chain views.
    left join clinics k on k.clinic_id = x.clinic_id
    where x.exposed_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=x.clinic_id }}
    group by x.experiment_id, x.variant_code, y.metric_code
)
select
    m.experiment_id,
    m.metric_code,
    m.name_zh,
    m.name_en,
    m.kind,
    v.variant_code,
    coalesce(t.units, 0) as units,
    coalesce(t.value_sum, 0) as value_sum,
    coalesce(t.value_sq_sum, 0) as value_sq_sum
from experiment_metrics m
join overlapping o on o.experiment_id = m.experiment_id
join experiment_variants v on v.experiment_id = m.experiment_id
left join measured t
    on t.experiment_id = m.experiment_id
    and t.metric_code = m.metric_code
    and t.variant_code = v.variant_code
order by m.experiment_id, m.metric_code, v.is_control desc, v.variant_code
