-- filter_channels: every acquisition channel (channels are chain-wide, not per city), with
-- the loaded labels of its kind (null when the chain gave none).
-- params:
select ch.channel_id, ch.code, ch.name_zh, ch.name_en, ch.kind, ch.kind_zh, ch.kind_en, ch.tier
from channels ch
order by ch.channel_id
