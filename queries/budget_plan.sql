-- budget_plan: planned budget by month, city and category for the months :from_month to :to_month.
-- Budgets are planned per city, so only the city filter (and the viewer's scope) applies.
-- params: from_month, to_month
select b.month_start, b.city_id, b.category, sum(b.amount) as amount
from budgets b
where b.month_start >= :from_month and b.month_start <= :to_month
  and {{ filters city=b.city_id }}
group by b.month_start, b.city_id, b.category
order by b.month_start, b.city_id, b.category
