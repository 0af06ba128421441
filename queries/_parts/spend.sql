-- spend: marketing spend per day, clinic and channel, the one definition every page uses:
-- channel spend (with the channel's impressions and clicks) plus referral rewards, the
-- referral channel's cost, paid on their day. Unfiltered over the period (:start_date to
-- :end_date): the including query joins the clinics and applies its filters.
select cd.date, cd.clinic_id, cd.channel_id, cd.impressions, cd.clicks,
       cd.spend as channel_spend, 0 as referral_spend
from channel_daily cd
where cd.date >= :start_date and cd.date <= :end_date
union all
select rr.paid_on, rr.clinic_id, ch.channel_id, 0, 0, 0, rr.amount
from referral_rewards rr
join channels ch on ch.kind = 'referral'
where rr.paid_on >= :start_date and rr.paid_on <= :end_date
