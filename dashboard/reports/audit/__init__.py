"""The audit page (admins only): model, load and tables; the events come from dashboard.audit."""
