-- load_sources: which load last wrote each table, to tell the generated sample chain from a
-- chain's own data (the page frame's "sample data" notice).
-- unscoped: reads the loader's history only, no facts of any city.
-- params:
select batch_id, source, tables
from load_batches
order by batch_id
