-- regions_breakdown: per city the period's counts, by week, channel and clinic, and two week spans.
-- One row per group; `grain` says which: 'city', 'week', 'channel', 'clinic' (over the period),
-- 'this_week' or 'last_week' (days :this_start..end and :last_start..:last_end, by city).
-- Facts are read once from :from_ts (the earlier of the period start and :last_start).
-- 到诊率's counts: see kpi_funnel (the definition is chosen in dashboard.reports.regions).
-- Facts count in the city of the clinic where they happened. Channel: the lead's channel for
-- lead events, else the customer's acquisition channel. New customer: first paid order ever
-- falls in the span (ties broken by order id, as on the overview), at that order's clinic.
-- params: from_ts, end_date, end_ts, start_date, this_start, last_start, last_end
with lead_events as (
    -- lead_daily (rebuilt by the writer at every load): bookings and arrivals on the day they
    -- happened, and 到诊率's counts (appointments due that day by the data's end and the ones
    -- that arrived; that day's bookings that arrived or carry an appointment time).
    select k.city_id, ld.clinic_id, ld.channel_id, ld.date as day,
           ld.bookings, ld.arrivals, ld.appointments, ld.appointment_arrivals,
           ld.booked_arrivals, ld.booked_with_appointment
    from lead_daily ld
    join clinics k on k.clinic_id = ld.clinic_id
    where ld.date >= cast(:from_ts as date) and ld.date <= :end_date
      and {{ filters city=k.city_id specialty=k.specialty clinic=ld.clinic_id channel=ld.channel_id }}
),
range_orders as materialized (
    -- order_facts (rebuilt by the writer at every load): the orders with their customer's
    -- acquisition channel, so no join to customers per order.
    select o.order_id, o.customer_id, o.clinic_id, o.ordered_at, o.amount, k.city_id,
           o.acquisition_channel_id as channel_id
    from order_facts o
    join clinics k on k.clinic_id = o.clinic_id
    where o.ordered_at >= :from_ts and o.ordered_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=o.clinic_id channel=o.acquisition_channel_id }}
),
first_orders as (
    -- New in the span: the first paid order ever (customer_first_orders, rebuilt by the writer
    -- at every load; ties by order id) falls in it; counted where that order passes the filters.
    select f.first_order_id as order_id
    from customer_first_orders f
    where f.first_ordered_at >= :from_ts and f.first_ordered_at < :end_ts
),
order_events as (
    select r.city_id, r.clinic_id, r.channel_id, cast(r.ordered_at as date) as day,
           sum(r.amount) as revenue, count(fo.order_id) as new_customers
    from range_orders r
    left join first_orders fo on fo.order_id = r.order_id
    group by r.city_id, r.clinic_id, r.channel_id, cast(r.ordered_at as date)
),
customer_days as (
    -- Paying customers per clinic, channel and day: the only customer-level rows.
    select distinct r.city_id, r.clinic_id, r.channel_id, cast(r.ordered_at as date) as day,
           r.customer_id
    from range_orders r
),
feedback_events as (
    select k.city_id, fb.clinic_id, c.acquisition_channel_id as channel_id,
           cast(fb.submitted_at as date) as day,
           count(*) as responses,
           count(*) filter (where fb.is_complaint) as complaints
    from feedback fb
    join clinics k on k.clinic_id = fb.clinic_id
    join customers c on c.customer_id = fb.customer_id
    where fb.submitted_at >= :from_ts and fb.submitted_at < :end_ts
      and {{ filters city=k.city_id specialty=k.specialty clinic=fb.clinic_id channel=c.acquisition_channel_id }}
    group by k.city_id, fb.clinic_id, c.acquisition_channel_id, cast(fb.submitted_at as date)
),
events as (
    -- The additive counts per clinic, channel and day (small: no customer detail).
    select city_id, clinic_id, channel_id, day,
           bookings, arrivals, cast(0 as numeric(14, 2)) as revenue,
           0 as new_customers, 0 as responses, 0 as complaints,
           appointments, appointment_arrivals, booked_arrivals, booked_with_appointment
    from lead_events
    union all
    select city_id, clinic_id, channel_id, day, 0, 0, revenue, new_customers, 0, 0, 0, 0, 0, 0
    from order_events
    union all
    select city_id, clinic_id, channel_id, day, 0, 0, 0, 0, responses, complaints, 0, 0, 0, 0
    from feedback_events
),
tagged as (
    select e.*, cal.week_start,
           e.day >= :start_date as in_period,
           case
               when e.day >= :this_start then 'this_week'
               when e.day >= :last_start and e.day <= :last_end then 'last_week'
           end as span
    from events e
    join calendar cal on cal.date = e.day
),
sums as (
    -- One pass: the period's grains and the two spans (which may reach before the period).
    select
        case
            when grouping(t.span) = 0 then t.span
            when grouping(t.week_start) = 0 then 'week'
            when grouping(t.channel_id) = 0 then 'channel'
            when grouping(t.clinic_id) = 0 then 'clinic'
            else 'city'
        end as grain,
        t.in_period, t.span, t.city_id, t.week_start, t.channel_id, t.clinic_id,
        sum(t.bookings) as bookings,
        sum(t.arrivals) as arrivals,
        sum(t.revenue) as revenue,
        sum(t.new_customers) as new_customers,
        sum(t.responses) as responses,
        sum(t.complaints) as complaints,
        sum(t.appointments) as appointments,
        sum(t.appointment_arrivals) as appointment_arrivals,
        sum(t.booked_arrivals) as booked_arrivals,
        sum(t.booked_with_appointment) as booked_with_appointment
    from tagged t
    group by grouping sets (
        (t.in_period, t.city_id),
        (t.in_period, t.city_id, t.week_start),
        (t.in_period, t.city_id, t.channel_id),
        (t.in_period, t.city_id, t.clinic_id),
        (t.span, t.city_id)
    )
),
kept_sums as (
    -- Groups outside both the period and the spans (days before the period) are dropped.
    select * from sums s where s.span is not null or s.in_period
),
period_customers as (
    select distinct d.city_id, d.clinic_id, d.channel_id, cal.week_start, d.customer_id
    from customer_days d
    join calendar cal on cal.date = d.day
    where d.day >= :start_date and d.day <= :end_date
),
customer_cells as (
    select
        case
            when grouping(p.week_start) = 0 then 'week'
            when grouping(p.channel_id) = 0 then 'channel'
            else 'clinic'
        end as grain,
        p.city_id, p.week_start, p.channel_id, p.clinic_id,
        count(distinct p.customer_id) as paying_customers
    from period_customers p
    group by grouping sets (
        (p.city_id, p.week_start),
        (p.city_id, p.channel_id),
        (p.city_id, p.clinic_id)
    )
),
span_customers as (
    select d.city_id, d.customer_id,
           case when d.day >= :this_start then 'this_week' else 'last_week' end as span
    from customer_days d
    where d.day >= :this_start or (d.day >= :last_start and d.day <= :last_end)
),
customer_counts as (
    select grain, city_id, week_start, channel_id, clinic_id, paying_customers
    from customer_cells
    union all
    -- Each customer has one acquisition channel: a city's customers are the sum over channels.
    select 'city', city_id, cast(null as date), cast(null as integer), cast(null as integer),
           sum(paying_customers)
    from customer_cells
    where grain = 'channel'
    group by city_id
    union all
    select span, city_id, cast(null as date), cast(null as integer), cast(null as integer),
           count(distinct customer_id)
    from span_customers
    group by span, city_id
),
cells as (
    select grain, city_id, week_start, channel_id, clinic_id,
           bookings, arrivals, revenue, 0 as paying_customers, new_customers,
           responses, complaints, appointments, appointment_arrivals, booked_arrivals,
           booked_with_appointment
    from kept_sums
    union all
    select grain, city_id, week_start, channel_id, clinic_id,
           0, 0, 0, paying_customers, 0, 0, 0, 0, 0, 0, 0
    from customer_counts
)
select
    c.grain, c.city_id, c.week_start, c.channel_id, c.clinic_id,
    sum(c.bookings) as bookings,
    sum(c.arrivals) as arrivals,
    sum(c.revenue) as revenue,
    sum(c.paying_customers) as paying_customers,
    sum(c.new_customers) as new_customers,
    sum(c.responses) as responses,
    sum(c.complaints) as complaints,
    sum(c.appointments) as appointments,
    sum(c.appointment_arrivals) as appointment_arrivals,
    sum(c.booked_arrivals) as booked_arrivals,
    sum(c.booked_with_appointment) as booked_with_appointment
from cells c
group by c.grain, c.city_id, c.week_start, c.channel_id, c.clinic_id
order by c.grain, c.city_id, c.week_start, c.channel_id, c.clinic_id
