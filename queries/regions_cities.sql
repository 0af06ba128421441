-- regions_cities: the cities with at least one clinic passing the filters, with tier, region and centre.
-- params:
with shown_clinics as (
    select k.city_id, count(*) as clinics
    from clinics k
    where {{ filters city=k.city_id specialty=k.specialty clinic=k.clinic_id }}
    group by k.city_id
)
select
    c.city_id,
    c.name_zh,
    c.name_en,
    c.tier,
    c.region_zh,
    c.region_en,
    c.lat,
    c.lon,
    s.clinics
from cities c
join shown_clinics s on s.city_id = c.city_id
order by c.city_id
