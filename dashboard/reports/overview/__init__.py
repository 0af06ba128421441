"""The overview page: model, load and tables (its trend chart is dashboard.charts.trends)."""
