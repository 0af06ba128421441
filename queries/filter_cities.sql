-- filter_cities: the cities the viewer may pick, with tier and region for grouping.
-- params:
select c.city_id, c.name_zh, c.name_en, c.tier, c.region_zh, c.region_en, c.lat, c.lon
from cities c
where {{ filters city=c.city_id }}
order by c.city_id
