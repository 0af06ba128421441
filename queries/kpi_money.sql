-- kpi_money: marketing spend and order measures per bucket (buckets as in kpi_funnel).
-- Spend is channel spend plus referral rewards (the referral channel's cost; queries/_parts/spend.sql). Orders count at
-- their clinic and the customer's acquisition channel. A new customer's first paid order falls
-- in the bucket; a returning customer paid in the bucket and had paid before it (the
-- repeat-purchase rate's numerator). The overview, weekly review and scorecard all read these columns.
-- params: grain, start_date, end_date, start_ts, end_ts
with
{{ include buckets }},
spend_days as (
    {{ include spend }}
),
costs as (
    select d.bucket_start, ck.city_key, sum(s.channel_spend) as channel_spend,
           sum(s.referral_spend) as referral_spend
    from spend_days s
    join clinic_keys ck on ck.clinic_id = s.clinic_id
    join days d on d.date = s.date
    where {{ filters city=ck.city_id specialty=ck.specialty clinic=s.clinic_id channel=s.channel_id }}
    group by d.bucket_start, ck.city_key
),
bucket_orders as (
    -- One row per bucket and paying customer: what they paid there, and when they first paid
    -- (order_facts, rebuilt by the writer at every load, carries each order's customer's first
    -- paid order time and acquisition channel, so no lookup per order is needed). The calendar
    -- is joined on the plain ordered_on column: on cast(ordered_at as date) DuckDB misjudged
    -- the join's size and hashed the orders instead of the clinics.
    select d.bucket_start, ck.city_key, o.customer_id, o.first_ordered_at,
           sum(o.amount) as amount
    from order_facts o
    join clinic_keys ck on ck.clinic_id = o.clinic_id
    join days d on d.date = o.ordered_on
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=o.clinic_id channel=o.acquisition_channel_id }}
    group by d.bucket_start, ck.city_key, o.customer_id, o.first_ordered_at
),
new_customers as (
    -- A new customer's first paid order ever (customer_first_orders, rebuilt by the writer at
    -- every load; ties at the same time go to the lowest order_id) falls in the period; they
    -- belong to that order's clinic and their acquisition channel.
    select d.bucket_start, ck.city_key, f.customer_id
    from customer_first_orders f
    join clinic_keys ck on ck.clinic_id = f.first_clinic_id
    join days d on d.date = cast(f.first_ordered_at as date)
    where f.first_ordered_at >= :start_ts and f.first_ordered_at < :end_ts
      and {{ filters city=ck.city_id specialty=ck.specialty clinic=f.first_clinic_id channel=f.acquisition_channel_id }}
),
order_measures as (
    select
        b.bucket_start,
        b.city_key,
        sum(b.amount) as revenue,
        count(*) as paying_customers,
        -- Returning: the first paid order ever (any clinic) came before the bucket.
        count(*) filter (
            where b.first_ordered_at < cast(b.bucket_start as timestamp)
        ) as returning_customers,
        sum(case when n.customer_id is not null then b.amount else 0 end) as new_customer_revenue
    from bucket_orders b
    left join new_customers n
        on n.customer_id = b.customer_id
       and n.bucket_start = b.bucket_start
       and n.city_key = b.city_key
    group by b.bucket_start, b.city_key
),
new_counts as (
    select bucket_start, city_key, count(*) as new_customers
    from new_customers
    group by bucket_start, city_key
)
select
    b.bucket_start,
    b.city_key as city_id,
    coalesce(om.revenue, 0) as revenue,
    coalesce(om.paying_customers, 0) as paying_customers,
    coalesce(om.returning_customers, 0) as returning_customers,
    coalesce(om.new_customer_revenue, 0) as new_customer_revenue,
    coalesce(nc.new_customers, 0) as new_customers,
    coalesce(t.channel_spend, 0) as channel_spend,
    coalesce(t.referral_spend, 0) as referral_spend,
    coalesce(t.channel_spend, 0) + coalesce(t.referral_spend, 0) as spend
from buckets b
left join costs t on t.bucket_start = b.bucket_start and t.city_key = b.city_key
left join order_measures om on om.bucket_start = b.bucket_start and om.city_key = b.city_key
left join new_counts nc on nc.bucket_start = b.bucket_start and nc.city_key = b.city_key
order by b.bucket_start, b.city_key
