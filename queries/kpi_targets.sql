-- kpi_targets: the targets of one period (kind, first and last day) at every scope the viewer may see.
-- Chain targets have no city; a city target's city is its scope_id, a clinic target's the clinic's.
-- params: period_kind, period_start, period_end
with scoped as (
    select
        t.kpi_id,
        t.period_kind,
        t.period_start,
        t.period_end,
        t.scope_kind,
        t.scope_id,
        t.target,
        case t.scope_kind when 'city' then t.scope_id when 'clinic' then k.city_id end as city_id
    from scorecard_targets t
    left join clinics k on t.scope_kind = 'clinic' and k.clinic_id = t.scope_id
    where t.period_kind = :period_kind
      and t.period_start = :period_start
      and t.period_end = :period_end
)
select s.kpi_id, s.period_kind, s.period_start, s.period_end, s.scope_kind, s.scope_id, s.target
from scoped s
where s.scope_kind = 'chain'
   or (s.city_id is not null and {{ filters city=s.city_id }})
order by s.kpi_id, s.scope_kind, s.scope_id
