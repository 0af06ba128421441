-- health_fields_experiment_exposures: how many exposures fill each column (count of non-null
-- values, every column of the table, so any column the schema makes optional is covered).
-- unscoped: data health is for admins and analysts, who see every city.
-- params:
select
    count(*) as row_count,
    count(exposure_id) as exposure_id,
    count(experiment_id) as experiment_id,
    count(variant_code) as variant_code,
    count(clinic_id) as clinic_id,
    count(unit_id) as unit_id,
    count(exposed_at) as exposed_at,
    count(converted) as converted,
    count(value) as value,
    count(guardrail_event) as guardrail_event
from experiment_exposures
