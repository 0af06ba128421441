-- grid_totals: the final select of the regions_grid_* queries: per cell of the CTE homes
-- (grid_cell's columns and a value) the sum of the values and the part of it placed at a
-- city's centre.
select
    h.cell_y,
    h.cell_x,
    sum(h.value) as value,
    coalesce(sum(case when h.at_city then h.value end), 0) as at_city
from homes h
group by h.cell_y, h.cell_x
order by h.cell_y, h.cell_x
