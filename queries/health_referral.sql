-- health_referral: leads of referral channels (kind 'referral', reserved: its rewards are its
-- spend) and the referral rewards loaded; without rewards the referral channel's CAC has no cost.
-- unscoped: data health is for admins and analysts, who see every city.
-- params:
select
    (
        select count(*)
        from leads l
        join channels ch on ch.channel_id = l.channel_id
        where ch.kind = 'referral'
    ) as referral_leads,
    (select count(*) from referral_rewards) as rewards
