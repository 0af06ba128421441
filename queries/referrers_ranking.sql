-- referrers_ranking: the top referrers overall, within each region and within each city, with their referral figures.
-- Filters and scope apply to the referrer: city = home city, clinic/specialty = home clinic,
-- channel = the referrer's own acquisition channel. "All-time" means up to the period end.
-- A referral becomes valid in the period in which the referred customer first arrives
-- (customers.first_visit_on; valid_basis 'arrived') or first pays (first paid order;
-- 'paid'), so each referred customer counts once, in one period.
-- Ranking: valid referrals desc, referred revenue in the period desc, earlier first referral,
-- then the lower customer id (so every rank is unique). Only referrers with a valid referral
-- are ranked; a row is returned when any of its three ranks is within top_n, with the
-- count of ranked referrers and their valid referrals overall, in its region and city.
-- params: end_ts, start_ts, start_date, end_date, valid_basis, top_n, tier_high, tier_mid
with referrers as (
    -- Only what ranking needs: names and phones are read for the listed referrers alone.
    select rc.customer_id, rc.home_city_id, rc.home_clinic_id, ci.region_en
    from customers rc
    join clinics hk on hk.clinic_id = rc.home_clinic_id
    join cities ci on ci.city_id = rc.home_city_id
    where rc.customer_id in (select c.referrer_id from customers c where c.referrer_id is not null)
      and {{ filters city=rc.home_city_id specialty=hk.specialty clinic=rc.home_clinic_id channel=rc.acquisition_channel_id }}
),
referred as (
    -- Self-referrals are rejected by the loader; the guard keeps a bad load from counting them.
    select c.customer_id, c.referrer_id, c.created_at, c.first_visit_on
    from customers c
    join referrers rr on rr.customer_id = c.referrer_id
    where c.created_at < :end_ts and c.customer_id <> c.referrer_id
),
period_orders as (
    select o.customer_id, sum(cast(o.amount as double precision)) as revenue
    from orders o
    join referred r on r.customer_id = o.customer_id
    where o.ordered_at >= :start_ts and o.ordered_at < :end_ts
    group by o.customer_id
),
later_orders as (
    select o.customer_id, sum(o.amount) as amount
    from orders o
    join referred r on r.customer_id = o.customer_id
    where o.ordered_at >= :end_ts
    group by o.customer_id
),
spend as (
    -- The referred customers' spend: lifetime totals (customer_order_totals, rebuilt by the
    -- writer at every load) minus the orders after the period end, plus the period's orders:
    -- no pass over every order of all time. A customer's first paid order is their first
    -- payment (as for new customers everywhere).
    select
        t.customer_id,
        t.first_ordered_at as first_paid_at,
        po.revenue,
        cast(t.revenue - coalesce(lo.amount, 0) as double precision) as revenue_all
    from customer_order_totals t
    join referred r on r.customer_id = t.customer_id
    left join period_orders po on po.customer_id = t.customer_id
    left join later_orders lo on lo.customer_id = t.customer_id
    where t.first_ordered_at < :end_ts
),
per_referrer as (
    select
        r.referrer_id,
        count(*) filter (where r.created_at >= :start_ts) as referred,
        count(*) as referred_all,
        count(*) filter (
            where r.first_visit_on >= :start_date and r.first_visit_on <= :end_date
        ) as arrived,
        count(*) filter (where x.first_paid_at >= :start_ts) as paid,
        count(x.customer_id) as paid_all,
        coalesce(sum(x.revenue), 0) as revenue,
        coalesce(sum(x.revenue_all), 0) as revenue_all,
        min(r.created_at) as first_referral_at,
        max(r.created_at) as last_referral_at
    from referred r
    left join spend x on x.customer_id = r.customer_id
    group by r.referrer_id
),
second_degree as (
    -- People brought by the people they brought (depth 2), up to the period end.
    select r1.referrer_id, count(*) as second_degree
    from referred r1
    join customers c2 on c2.referrer_id = r1.customer_id
    where c2.created_at < :end_ts and c2.customer_id <> r1.referrer_id
      and c2.customer_id <> c2.referrer_id
    group by r1.referrer_id
),
scored as (
    select
        p.*,
        case when :valid_basis = 'arrived' then p.arrived else p.paid end as valid,
        coalesce(s.second_degree, 0) as second_degree
    from per_referrer p
    left join second_degree s on s.referrer_id = p.referrer_id
),
ranked as (
    select
        s.*,
        rr.home_city_id, rr.home_clinic_id, rr.region_en,
        row_number() over (
            order by s.valid desc, s.revenue desc, s.first_referral_at, s.referrer_id
        ) as rank_all,
        row_number() over (
            partition by rr.region_en
            order by s.valid desc, s.revenue desc, s.first_referral_at, s.referrer_id
        ) as rank_region,
        row_number() over (
            partition by rr.home_city_id
            order by s.valid desc, s.revenue desc, s.first_referral_at, s.referrer_id
        ) as rank_city,
        count(*) over () as referrers_all,
        count(*) over (partition by rr.region_en) as referrers_region,
        count(*) over (partition by rr.home_city_id) as referrers_city,
        sum(s.valid) over () as valid_all,
        sum(s.valid) over (partition by rr.region_en) as valid_region,
        sum(s.valid) over (partition by rr.home_city_id) as valid_city
    from scored s
    join referrers rr on rr.customer_id = s.referrer_id
    where s.valid > 0
),
top as (
    select * from ranked
    where rank_all <= :top_n or rank_region <= :top_n or rank_city <= :top_n
),
own_spend as (
    -- The listed referrers' own spend up to the period end, the same way as ``spend``.
    select
        t.customer_id,
        cast(t.revenue - coalesce(sum(o.amount), 0) as double precision) as revenue_all
    from customer_order_totals t
    join top on top.referrer_id = t.customer_id
    left join orders o on o.customer_id = t.customer_id and o.ordered_at >= :end_ts
    where t.first_ordered_at < :end_ts
    group by t.customer_id, t.revenue
)
select
    t.referrer_id,
    -- The id a person looks the referrer up by: the source system's own (key_map), else the number.
    coalesce(km.external_id, cast(t.referrer_id as varchar)) as referrer_no,
    c.name,
    c.phone,
    t.home_city_id,
    ci.name_zh as city_zh,
    ci.name_en as city_en,
    ci.region_zh,
    t.region_en,
    t.home_clinic_id,
    hk.name_zh as clinic_zh,
    hk.name_en as clinic_en,
    t.valid,
    t.referred,
    t.referred_all,
    t.arrived,
    t.paid,
    t.paid_all,
    t.revenue,
    t.revenue_all,
    t.second_degree,
    t.first_referral_at,
    t.last_referral_at,
    coalesce(w.revenue_all, 0) as own_spend,
    case
        when coalesce(w.revenue_all, 0) >= :tier_high then 'high'
        when coalesce(w.revenue_all, 0) >= :tier_mid then 'mid'
        else 'low'
    end as tier,
    t.rank_all,
    t.rank_region,
    t.rank_city,
    t.referrers_all,
    t.referrers_region,
    t.referrers_city,
    t.valid_all,
    t.valid_region,
    t.valid_city
from top t
join customers c on c.customer_id = t.referrer_id
join cities ci on ci.city_id = t.home_city_id
join clinics hk on hk.clinic_id = t.home_clinic_id
left join own_spend w on w.customer_id = t.referrer_id
left join key_map km on km.table_name = 'customers' and km.internal_id = t.referrer_id
order by t.rank_all
