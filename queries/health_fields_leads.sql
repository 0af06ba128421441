-- health_fields_leads: how many leads fill each column (count of non-null values, every column
-- of the table, so any column the schema makes optional is covered).
-- unscoped: data health is for admins and analysts, who see every city.
-- params:
select
    count(*) as row_count,
    count(lead_id) as lead_id,
    count(created_at) as created_at,
    count(channel_id) as channel_id,
    count(clinic_id) as clinic_id,
    count(customer_id) as customer_id,
    count(is_returning) as is_returning,
    count(inquiry_at) as inquiry_at,
    count(booked_at) as booked_at,
    count(arrived_at) as arrived_at,
    count(paid_at) as paid_at,
    count(appointment_at) as appointment_at,
    count(deal_amount) as deal_amount
from leads
