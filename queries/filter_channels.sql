-- filter_channels: every acquisition channel (channels are chain-wide, not per city).
select ch.channel_id, ch.code, ch.name_zh, ch.name_en, ch.kind, ch.tier
from channels ch
order by ch.channel_id
