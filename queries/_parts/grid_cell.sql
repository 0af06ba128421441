-- grid_cell: the grid cell of a customer's home (select list over customers c and their home
-- city hc): (cell_y, cell_x) = floor(coordinate / :step + 0.5); a customer without home
-- coordinates is placed at the home city's centre (at_city).
cast(floor(coalesce(c.home_lat, hc.lat) / :step + 0.5) as integer) as cell_y,
cast(floor(coalesce(c.home_lon, hc.lon) / :step + 0.5) as integer) as cell_x,
c.home_lat is null as at_city
