-- data_as_of: the latest fact timestamp in the warehouse, shown as "data as of" on every page;
-- the default period and every "still maturing" flag anchor on it. Every fact counts (each
-- lead stage, orders, exposures, spend, feedback, training): a deal paid after the last new
-- lead moves it on. Spend and training days count as their day's start.
-- unscoped: returns one timestamp and no rows of any city.
-- params:
{{ include data_as_of }}
