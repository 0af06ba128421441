-- buckets: the CTEs every KPI query buckets by (kpi_funnel, kpi_money, kpi_quality,
-- kpi_repurchase). :grain picks the buckets: 'total' (the whole period), 'week' (ISO weeks),
-- 'day' or 'city'. days: each day of the period with its bucket's first day inside the period
-- and its share of its calendar month (1 ÷ the month's length); clinic_keys: each clinic with
-- its bucket's city (0 unless the grain is 'city'); buckets: every bucket the filters leave.
days as (
    select
        cal.date,
        greatest(
            case :grain
                when 'week' then cal.week_start
                when 'day' then cal.date
                else cast(:start_date as date)
            end,
            cast(:start_date as date)
        ) as bucket_start,
        1.0 / cast(m.month_days as double precision) as month_share
    from calendar cal
    join (
        select c2.month_start, count(*) as month_days
        from calendar c2
        group by c2.month_start
    ) m on m.month_start = cal.month_start
    where cal.date >= :start_date and cal.date <= :end_date
),
clinic_keys as (
    select k.clinic_id, k.city_id, k.specialty, k.doctors, k.staff, k.opened_on,
           case when :grain = 'city' then k.city_id else 0 end as city_key
    from clinics k
),
buckets as (
    select distinct d.bucket_start, ck.city_key
    from days d
    cross join clinic_keys ck
    where {{ filters city=ck.city_id specialty=ck.specialty clinic=ck.clinic_id }}
)
