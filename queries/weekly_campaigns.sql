-- weekly_campaigns: the campaign (north-star) targets the viewer may see, newest first.
-- A campaign row of scorecard_targets names a KPI, a scope (chain, city or clinic), its days and
-- the target for the whole campaign; label_zh/label_en name the campaign.
-- params:
with scoped as (
    select
        t.kpi_id,
        t.period_start,
        t.period_end,
        t.scope_kind,
        t.scope_id,
        t.target,
        t.label_zh,
        t.label_en,
        case t.scope_kind when 'city' then t.scope_id when 'clinic' then k.city_id end as city_id
    from scorecard_targets t
    left join clinics k on t.scope_kind = 'clinic' and k.clinic_id = t.scope_id
    where t.period_kind = 'campaign'
)
select s.kpi_id, s.period_start, s.period_end, s.scope_kind, s.scope_id, s.city_id, s.target,
       s.label_zh, s.label_en
from scoped s
where s.scope_kind = 'chain'
   or (s.city_id is not null and {{ filters city=s.city_id }})
order by s.period_start desc, s.kpi_id, s.scope_kind, s.scope_id
