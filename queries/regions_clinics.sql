-- regions_clinics: the clinics passing the filters, with their city, specialty and location.
select
    k.clinic_id,
    k.name_zh,
    k.name_en,
    k.city_id,
    k.specialty,
    k.lat,
    k.lon
from clinics k
where {{ filters city=k.city_id specialty=k.specialty clinic=k.clinic_id }}
order by k.clinic_id
