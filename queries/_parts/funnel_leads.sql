-- funnel_leads: the end of a select list over a cohort's leads (leads l) and its FROM: the
-- stage times and the conversion window's end (:window_days after capture; null, no limit),
-- with each lead's clinic (clinics k) for the filters. funnel_window reads these columns.
l.inquiry_at,
l.booked_at,
l.arrived_at,
l.paid_at,
l.created_at + interval '1 day' * cast(:window_days as integer) as window_end
from leads l
join clinics k on k.clinic_id = l.clinic_id
