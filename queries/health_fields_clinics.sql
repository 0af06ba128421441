-- health_fields_clinics: how many clinics fill each column (count of non-null values, every
-- column of the table, so any column the schema makes optional is covered); point counts clinics
-- with both coordinates.
-- unscoped: data health is for admins and analysts, who see every city.
-- params:
select
    count(*) as row_count,
    count(clinic_id) as clinic_id,
    count(name_zh) as name_zh,
    count(name_en) as name_en,
    count(city_id) as city_id,
    count(specialty) as specialty,
    count(specialty_zh) as specialty_zh,
    count(specialty_en) as specialty_en,
    count(doctors) as doctors,
    count(staff) as staff,
    count(opened_on) as opened_on,
    count(lat) as lat,
    count(lon) as lon,
    count(*) filter (where lat is not null and lon is not null) as point
from clinics
