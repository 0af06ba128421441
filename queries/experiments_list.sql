-- experiments_list: the experiments whose run overlaps the period (started by its end, not ended before its start), with what they test.
-- params: end_date, start_date
with overlapping as (
    select e.experiment_id
    from experiments e
    where e.started_on <= :end_date
      and (e.ended_on is null or e.ended_on >= :start_date)
)
select
    e.experiment_id,
    e.code,
    e.name_zh,
    e.name_en,
    e.hypothesis_zh,
    e.hypothesis_en,
    e.owner,
    e.surface,
    e.metric,
    e.has_guardrail,
    e.started_on,
    e.ended_on
from experiments e
join overlapping o on o.experiment_id = e.experiment_id
order by e.started_on desc, e.experiment_id
