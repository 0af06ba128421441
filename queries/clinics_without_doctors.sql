-- clinics_without_doctors: how many clinics passing the filters have no doctor count (null).
-- params:
select count(*) as clinics
from clinics k
where k.doctors is null
  and {{ filters city=k.city_id specialty=k.specialty clinic=k.clinic_id }}
