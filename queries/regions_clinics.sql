-- regions_clinics: the clinics passing the filters, with their city, specialty and location.
-- A clinic without coordinates is placed at its city's centre (at_city says so).
-- params:
select
    k.clinic_id,
    k.name_zh,
    k.name_en,
    k.city_id,
    k.specialty,
    k.specialty_zh,
    k.specialty_en,
    coalesce(k.lat, c.lat) as lat,
    coalesce(k.lon, c.lon) as lon,
    k.lat is null as at_city
from clinics k
join cities c on c.city_id = k.city_id
where {{ filters city=k.city_id specialty=k.specialty clinic=k.clinic_id }}
order by k.clinic_id
