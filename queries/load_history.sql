-- load_history: every row of the load history (load_batches: when, by whom, mode, files, counts
-- per table, seconds, the batch an undo took back), newest first.
-- unscoped: reads the loader's history only, no facts of any city (the page is for admins).
-- Every column rather than a list: a warehouse written by an older version has only batch_id,
-- loaded_at, source and tables until its next load adds the rest, and its history must still
-- show; dashboard.reports.loads.load.load reads the missing columns as empty.
-- params:
select *
from load_batches
order by batch_id desc
