"""The load history page (admins only): load and tables; the rows are dashboard.warehouse.history's."""
