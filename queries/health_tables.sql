-- health_tables: per table of the data model, its row count and date coverage: the first and
-- last day of its main date column (dated = 1), or null dates for tables without one (dated = 0).
-- Timestamps count by their day. Targets cover from the first period's start to the last end.
-- The calendar is built by the warehouse at every load; calendar_overrides is the user's file.
-- unscoped: data health is for admins and analysts, who see every city.
-- params:
select 'calendar' as table_name, count(*) as row_count, 1 as dated,
       min(date) as first_date, max(date) as last_date
from calendar
union all
select 'calendar_overrides', count(*), 1, min(date), max(date) from calendar_overrides
union all
select 'cities', count(*), 0, cast(null as date), cast(null as date) from cities
union all
select 'clinics', count(*), 0, cast(null as date), cast(null as date) from clinics
union all
select 'channels', count(*), 0, cast(null as date), cast(null as date) from channels
union all
select 'customers', count(*), 1, cast(min(created_at) as date), cast(max(created_at) as date)
from customers
union all
select 'leads', count(*), 1, cast(min(created_at) as date), cast(max(created_at) as date)
from leads
union all
select 'channel_daily', count(*), 1, min(date), max(date) from channel_daily
union all
select 'orders', count(*), 1, cast(min(ordered_at) as date), cast(max(ordered_at) as date)
from orders
union all
select 'experiments', count(*), 1, min(started_on), max(started_on) from experiments
union all
select 'experiment_variants', count(*), 0, cast(null as date), cast(null as date)
from experiment_variants
union all
select 'experiment_exposures', count(*), 1, cast(min(exposed_at) as date),
       cast(max(exposed_at) as date)
from experiment_exposures
union all
select 'experiment_metrics', count(*), 0, cast(null as date), cast(null as date)
from experiment_metrics
union all
select 'experiment_outcomes', count(*), 0, cast(null as date), cast(null as date)
from experiment_outcomes
union all
select 'feedback', count(*), 1, cast(min(submitted_at) as date), cast(max(submitted_at) as date)
from feedback
union all
select 'staff_training', count(*), 1, min(date), max(date) from staff_training
union all
select 'budgets', count(*), 1, min(month_start), max(month_start) from budgets
union all
select 'expenses', count(*), 1, min(date), max(date) from expenses
union all
select 'referral_rewards', count(*), 1, min(paid_on), max(paid_on) from referral_rewards
union all
select 'scorecard_targets', count(*), 1, min(period_start), max(period_end) from scorecard_targets
