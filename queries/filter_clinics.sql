-- filter_clinics: the clinics the viewer may pick, with their city and specialty (and its labels).
-- params:
select k.clinic_id, k.name_zh, k.name_en, k.city_id, k.specialty, k.specialty_zh, k.specialty_en
from clinics k
where {{ filters city=k.city_id }}
order by k.city_id, k.clinic_id
