-- health_fields_customers: how many customers fill each column (count of non-null values, every
-- column of the table, so any column the schema makes optional is covered); home_point counts
-- customers with both home coordinates (the map places the others at their clinic's city).
-- unscoped: data health is for admins and analysts, who see every city.
-- params:
select
    count(*) as row_count,
    count(customer_id) as customer_id,
    count(name) as name,
    count(phone) as phone,
    count(gender) as gender,
    count(birth_year) as birth_year,
    count(home_city_id) as home_city_id,
    count(home_clinic_id) as home_clinic_id,
    count(acquisition_channel_id) as acquisition_channel_id,
    count(referrer_id) as referrer_id,
    count(created_at) as created_at,
    count(first_visit_on) as first_visit_on,
    count(member_since) as member_since,
    count(home_lat) as home_lat,
    count(home_lon) as home_lon,
    count(*) filter (where home_lat is not null and home_lon is not null) as home_point
from customers
