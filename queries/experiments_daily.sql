-- experiments_daily: per treatment variant of each experiment overlapping the period and per day with exposures, the running totals of the treatment and of its control (units, conversions, sum(value), sum(value^2)) from the start up to that day, plus that day's units across all variants; exposures up to the period's end in the filtered clinics.
-- Every variant gets a row on every exposure day of its experiment, so a day without units in one arm carries that arm's running total forward.
-- params: end_date, start_date, end_ts
with overlapping as (
    select e.experiment_id
    from experiments e
    where e.started_on <= :end_date
      and (e.ended_on is null or e.ended_on >= :start_date)
),
daily as (
    select
        x.experiment_id,
        x.variant_code,
        cast(x.exposed_at as date) as day,
        count(*) as units,
        count(*) filter (where x.converted) as conversions,
        sum(cast(x.value as double precision)) as value_sum,
        sum(cast(x.value as double precision) * cast(x.value as double precision)) as value_sq_sum
    from experiment_exposures x
    join overlapping o on o.experiment_id = x.experiment_id
    -- An exposure without a clinic joins no clinic: any city, specialty or clinic filter and a
    -- city-restricted scope (k.city_id in ...) leave it out, so only whole-chain views see it.
    left join clinics k on k.clinic_id = x.clinic_id
    where x.exposed_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=x.clinic_id }}
    group by x.experiment_id, x.variant_code, cast(x.exposed_at as date)
),
exposure_days as (
    select distinct experiment_id, day
    from daily
),
grid as (
    select d.experiment_id, d.day, v.variant_code, v.is_control
    from exposure_days d
    join experiment_variants v on v.experiment_id = d.experiment_id
),
running as (
    select
        g.experiment_id,
        g.day,
        g.variant_code,
        g.is_control,
        sum(coalesce(y.units, 0)) over w as units,
        sum(coalesce(y.conversions, 0)) over w as conversions,
        sum(coalesce(y.value_sum, 0)) over w as value_sum,
        sum(coalesce(y.value_sq_sum, 0)) over w as value_sq_sum,
        sum(coalesce(y.units, 0)) over (partition by g.experiment_id, g.day) as day_units
    from grid g
    left join daily y
        on y.experiment_id = g.experiment_id
        and y.variant_code = g.variant_code
        and y.day = g.day
    window w as (
        partition by g.experiment_id, g.variant_code
        order by g.day
        rows between unbounded preceding and current row
    )
)
select
    t.experiment_id,
    t.variant_code,
    c.variant_code as control_code,
    t.day,
    t.day_units,
    c.units as units_c,
    c.conversions as conversions_c,
    c.value_sum as value_sum_c,
    c.value_sq_sum as value_sq_sum_c,
    t.units as units_t,
    t.conversions as conversions_t,
    t.value_sum as value_sum_t,
    t.value_sq_sum as value_sq_sum_t
from running t
join running c
    on c.experiment_id = t.experiment_id
    and c.day = t.day
    and c.is_control
where not t.is_control
order by t.experiment_id, t.variant_code, t.day
